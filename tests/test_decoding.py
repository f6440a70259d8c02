"""helpers.decoding (lesson 16's decoder, KV cache, sampling and counts) and grouped-query attention
in helpers.multihead.

References are independent of the code under test: the same model run without its cache (one
full forward call), PyTorch's ``F.scaled_dot_product_attention(enable_gqa=True)``, a standard
multi-head attention holding the shared key/value heads' weights repeated, softmax written out
with einsum, PyTorch's ``FlopCounterMode`` for the multiply-adds, tensors' own byte counts,
numpy for temperature and top-k, and ``torch.multinomial`` for the draws.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import helpers.decoding as decoding
from helpers.decoding import Decoder, DecoderConfig, KVCache, LayerCache, generate
from helpers.masks import causal_mask
from helpers.multihead import MultiHeadAttention

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(9)  # random sizes; seeds 7 and 8 give 4 query heads sharing 2 key/value heads


def draw(g: torch.Generator, low: int, high: int) -> int:
    """A random int from ``low`` to ``high``, both included."""
    return int(torch.randint(low, high + 1, (1,), generator=g))


def random_config(g: torch.Generator) -> DecoderConfig:
    """A tiny decoder's sizes; ``kv_heads`` is a random divisor of ``num_heads``."""
    heads = draw(g, 1, 4)
    divisors = [k for k in range(1, heads + 1) if heads % k == 0]
    kv_heads = divisors[draw(g, 0, len(divisors) - 1)]
    return DecoderConfig(vocab_size=draw(g, 3, 20), context=draw(g, 6, 16),
                         d_model=heads * draw(g, 1, 6), num_heads=heads, kv_heads=kv_heads,
                         layers=draw(g, 1, 3), d_ff=draw(g, 1, 20))  # fmt: skip


def random_model(config: DecoderConfig, seed: int) -> Decoder:
    """A decoder drawn after ``torch.manual_seed(seed)``, its LayerNorms moved off ones and zeros."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Decoder(config)
        for name, p in model.named_parameters():
            if "norm" in name:
                nn.init.normal_(p, float(name.endswith("weight")), 0.3)
    return model.eval()


def random_ids(g: torch.Generator, config: DecoderConfig, batch: int, n: int) -> torch.Tensor:
    return torch.randint(config.vocab_size, (batch, n), generator=g)


def case(seed: int) -> tuple[torch.Generator, DecoderConfig, Decoder]:
    g = torch.Generator().manual_seed(seed)
    config = random_config(g)
    return g, config, random_model(config, seed)


# ================================================================================================
# the KV cache changes nothing but the work
# ================================================================================================


@pytest.mark.parametrize("sampling", [False, True], ids=["greedy", "sampled"])
@pytest.mark.parametrize("seed", SEEDS)
def test_cached_generation_equals_uncached(seed: int, sampling: bool) -> None:
    g, config, model = case(seed)
    prompt = random_ids(g, config, draw(g, 1, 3), draw(g, 1, config.context // 2))
    steps = draw(g, 1, config.context - prompt.shape[1] + 1)
    runs = {}
    for use_cache in (True, False):
        options = {"temperature": 0.7, "top_k": 2, "generator": torch.Generator().manual_seed(seed)}
        runs[use_cache] = generate(model, prompt, steps, use_cache=use_cache,
                                   **(options if sampling else {}))  # fmt: skip
    cached, uncached = runs[True], runs[False]
    assert torch.equal(cached.tokens, uncached.tokens)
    assert torch.equal(cached.tokens[:, : prompt.shape[1]], prompt)
    assert cached.logits.shape == (prompt.shape[0], steps, config.vocab_size)
    assert torch.allclose(cached.logits, uncached.logits, atol=1e-10, rtol=0)
    assert len(cached.cache) == prompt.shape[1] + steps - 1 and uncached.cache is None


@pytest.mark.parametrize("seed", SEEDS)
def test_feeding_chunks_through_a_cache_equals_one_call(seed: int) -> None:
    g, config, model = case(seed)
    n = config.context
    ids = random_ids(g, config, draw(g, 1, 3), n)
    with torch.no_grad():
        logits, weights = model.attend(ids)
        cuts = sorted(torch.randperm(n - 1, generator=g)[: draw(g, 0, n - 1)].add(1).tolist())
        cache, fed = KVCache.empty(config.layers), []
        for start, end in zip([0, *cuts], [*cuts, n], strict=True):
            chunk, chunk_weights = model.attend(ids[:, start:end], cache)
            assert len(cache) == end
            fed.append(chunk)
            for full, part in zip(weights, chunk_weights, strict=True):
                assert torch.allclose(part, full[:, :, start:end, :end], atol=1e-10, rtol=0)
    assert torch.allclose(torch.cat(fed, dim=1), logits, atol=1e-10, rtol=0)
    layer = cache.layers[0]
    assert (
        layer.keys.shape == layer.values.shape == (ids.shape[0], config.kv_heads, n, config.d_head)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_earlier_logits_ignore_later_tokens(seed: int) -> None:
    g, config, model = case(seed)
    ids = random_ids(g, config, draw(g, 1, 3), config.context)
    i = draw(g, 1, config.context - 1)
    changed = ids.clone()
    shift = torch.randint(1, config.vocab_size, changed[:, i:].shape, generator=g)
    changed[:, i:] = (changed[:, i:] + shift) % config.vocab_size  # every later token differs
    with torch.no_grad():
        before, after = model(ids), model(changed)
    assert torch.allclose(before[:, :i], after[:, :i], atol=1e-12, rtol=0)
    assert not torch.allclose(before[:, i], after[:, i]), "the test must be able to see a change"


# ================================================================================================
# grouped-query attention in helpers.multihead
# ================================================================================================


GROUPS = [(1, 1), (3, 3), (4, 1), (4, 2), (6, 2), (6, 3), (8, 4)]
"""(num_heads, kv_heads): plain multi-head, multi-query and grouped-query attention."""


def random_gqa(heads: int, kv_heads: int) -> tuple[MultiHeadAttention, torch.Tensor]:
    """A float64 MultiHeadAttention of random head size, and a random input ``(batch, n, d)``."""
    seed = 10 * heads + kv_heads
    g = torch.Generator().manual_seed(seed)
    d = heads * draw(g, 1, 5)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = MultiHeadAttention(d, heads, kv_heads=kv_heads).double()
    x = torch.randn(draw(g, 1, 3), draw(g, 1, 7), d, generator=g, dtype=torch.float64)
    return module, x


def repeated_heads(t: torch.Tensor, kv_heads: int, group: int) -> torch.Tensor:
    """Rows of a key/value weight ``(kv_heads * d_head, d)`` or bias, each head's block repeated."""
    blocks = t.reshape(kv_heads, -1, *t.shape[1:])  # (kv_heads, d_head[, d])
    return torch.cat([blocks[j] for j in range(kv_heads) for _ in range(group)])


@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "causal"])
@pytest.mark.parametrize(("heads", "kv_heads"), GROUPS)
def test_gqa_equals_mha_with_repeated_heads(heads: int, kv_heads: int, masked: bool) -> None:
    gqa, x = random_gqa(heads, kv_heads)
    h, g = gqa.num_heads, gqa.kv_heads
    with torch.random.fork_rng(devices=[]), torch.no_grad():  # every weight is overwritten
        mha = MultiHeadAttention(gqa.d_model, h).double()
        for name in ("query", "out"):
            getattr(mha, name).load_state_dict(getattr(gqa, name).state_dict())
        for name in ("key", "value"):
            for p in ("weight", "bias"):
                theirs = getattr(getattr(gqa, name), p)
                getattr(getattr(mha, name), p).copy_(repeated_heads(theirs, g, h // g))
    mask = causal_mask(x.shape[1]) if masked else None
    (ours, our_weights), (theirs, their_weights) = gqa.attend(x, mask), mha.attend(x, mask)
    assert gqa.key.weight.shape == (g * gqa.d_head, gqa.d_model)
    assert torch.allclose(ours, theirs, atol=1e-12, rtol=0)
    assert torch.allclose(our_weights, their_weights, atol=1e-12, rtol=0)


@pytest.mark.parametrize("masked", [False, True], ids=["no mask", "causal"])
@pytest.mark.parametrize(("heads", "kv_heads"), GROUPS)
def test_gqa_equals_pytorch(heads: int, kv_heads: int, masked: bool) -> None:
    module, x = random_gqa(heads, kv_heads)
    h, g, dh = module.num_heads, module.kv_heads, module.d_head
    (batch, n, d), mask = x.shape, causal_mask(x.shape[1]) if masked else None
    with torch.no_grad():
        q = module.query(x).view(batch, n, h, dh).transpose(1, 2)  # (batch, h, n, d_head)
        k = module.key(x).view(batch, n, g, dh).transpose(1, 2)  # (batch, g, n, d_head)
        v = module.value(x).view(batch, n, g, dh).transpose(1, 2)
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
        expected = module.out(context.transpose(1, 2).reshape(batch, n, d))
        output, weights = module.attend(x, mask)
    assert torch.allclose(output, expected, atol=1e-12, rtol=0)
    grouped = q.view(batch, g, h // g, n, dh)  # query heads 0..h/g-1 share key head 0, ...
    scores = torch.einsum("bgrid,bgjd->bgrij", grouped, k) / dh**0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    exp = (scores - scores.amax(-1, keepdim=True)).exp()
    reference = (exp / exp.sum(-1, keepdim=True)).reshape(batch, h, n, n)
    assert torch.allclose(weights, reference, atol=1e-12, rtol=0)


# ================================================================================================
# counting the work and the memory
# ================================================================================================


def counted_multiply_adds(run: Callable[[], Any]) -> int:
    """PyTorch's count of ``run()``'s FLOPs, 2 per multiply-add of each matmul, halved."""
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        run()
    assert counter.get_total_flops() % 2 == 0
    return counter.get_total_flops() // 2


def test_flop_counter_counts_two_per_multiply_add() -> None:
    g = torch.Generator().manual_seed(0)
    x, w, b = (torch.randn(*shape, generator=g) for shape in ((2, 5, 7), (3, 7), (3,)))
    assert counted_multiply_adds(lambda: F.linear(x, w, b)) == 2 * 5 * 7 * 3
    q, k = torch.randn(2, 4, 5, 3, generator=g), torch.randn(2, 4, 6, 3, generator=g)
    assert counted_multiply_adds(lambda: q @ k.transpose(-2, -1)) == 2 * 4 * 5 * 6 * 3


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_multiply_adds_match_the_flop_counter(seed: int) -> None:
    g, config, model = case(seed)
    new = draw(g, 1, config.context)
    cached = draw(g, 0, config.context - new)
    cache = KVCache.empty(config.layers)
    if cached:
        with torch.no_grad():
            model(random_ids(g, config, 1, cached), cache)
    ids = random_ids(g, config, 1, new)
    counted = counted_multiply_adds(lambda: model(ids, cache))
    assert decoding.forward_multiply_adds(config, new, cached + new) == counted


@pytest.mark.parametrize("use_cache", [False, True], ids=["uncached", "cached"])
@pytest.mark.parametrize("seed", range(4))
def test_generation_multiply_adds_match_the_flop_counter(seed: int, use_cache: bool) -> None:
    g, config, model = case(seed)
    prompt = random_ids(g, config, 1, draw(g, 1, config.context // 2))
    steps = draw(g, 2, config.context - prompt.shape[1] + 1)
    counted = counted_multiply_adds(lambda: generate(model, prompt, steps, use_cache=use_cache))
    assert decoding.generation_multiply_adds(config, prompt.shape[1], steps, use_cache) == counted


@pytest.mark.parametrize("seed", range(4))
def test_kv_cache_bytes_are_the_caches_tensors(seed: int) -> None:
    g, config, model = case(seed)
    prompt = random_ids(g, config, draw(g, 2, 3), draw(g, 1, config.context // 2))
    steps = draw(g, 1, config.context - prompt.shape[1] + 1)
    cache = generate(model, prompt, steps).cache
    tokens = prompt.shape[1] + steps - 1  # the last token chosen is never fed back
    assert cache.nbytes() == decoding.kv_cache_bytes(config.layers, config.kv_heads, config.d_head,
                                                     tokens, torch.float64, prompt.shape[0])  # fmt: skip
    assert cache.nbytes() == sum(t.untyped_storage().nbytes() for layer in cache.layers
                                 for t in (layer.keys, layer.values))  # fmt: skip


KiB, MiB, GiB = 2**10, 2**20, 2**30


@pytest.mark.parametrize(
    ("kv_heads", "tokens", "expected"),
    [(8, 1, 128 * KiB), (8, 8192, 1 * GiB), (8, 131072, 16 * GiB), (32, 8192, 4 * GiB),
     (32, 131072, 64 * GiB), (1, 8192, 128 * MiB), (1, 131072, 2 * GiB)],
)  # fmt: skip
def test_kv_cache_bytes_of_llama_3_1_8b(kv_heads: int, tokens: int, expected: int) -> None:
    """32 layers, d_head 128, bfloat16; Llama 3.1 8B has 8 key/value heads of 32 query heads."""
    assert decoding.kv_cache_bytes(32, kv_heads, 128, tokens, torch.bfloat16) == expected


# ================================================================================================
# choosing the next token
# ================================================================================================


def reference_probabilities(
    logits: torch.Tensor, temperature: float, top_k: int | None
) -> np.ndarray:
    """Row by row with numpy: the ``top_k`` largest of ``logits / temperature``, softmax, zeros."""
    scaled = logits.numpy() / temperature
    result = np.zeros_like(scaled)
    for row, out in zip(scaled, result, strict=True):
        kept = np.argsort(-row)[: len(row) if top_k is None else top_k]
        e = np.exp(row[kept] - row[kept].max())
        out[kept] = e / e.sum()
    return result


@pytest.mark.parametrize("seed", range(8))
def test_probabilities_match_numpy(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    vocab = draw(g, 2, 12)
    logits = torch.randn(draw(g, 1, 3), vocab, generator=g, dtype=torch.float64) * 3
    temperature = 0.1 + 3 * float(torch.rand(1, generator=g))
    top_k = None if seed % 3 == 0 else draw(g, 1, vocab)
    found = decoding.next_token_probabilities(logits, temperature, top_k)
    expected = reference_probabilities(logits, temperature, top_k)
    assert np.allclose(found.numpy(), expected, atol=1e-12, rtol=0)
    assert torch.allclose(found.sum(-1), torch.ones(len(logits), dtype=torch.float64))
    assert ((found > 0).sum(-1) == (vocab if top_k is None else top_k)).all()
    one_hot = decoding.next_token_probabilities(logits, temperature, 1)
    assert torch.equal(one_hot, F.one_hot(logits.argmax(-1), vocab).double())
    assert torch.equal(decoding.next_token(logits), torch.from_numpy(logits.numpy().argmax(-1)))
    options = {"temperature": temperature, "top_k": top_k}
    drawn = decoding.next_token(logits, **options, generator=torch.Generator().manual_seed(seed))
    reference = torch.multinomial(torch.from_numpy(expected), 1,
                                  generator=torch.Generator().manual_seed(seed))  # fmt: skip
    assert torch.equal(drawn, reference.squeeze(-1))


# ================================================================================================
# the corpus and the trained model
# ================================================================================================


def test_corpus_round_trips_and_its_vocabulary_has_no_gaps() -> None:
    text = decoding.corpus_text()
    words = text.split()
    assert decoding.decode(decoding.encode_text(text)) == " ".join(words)
    vocabulary = decoding.corpus_vocabulary()
    assert list(vocabulary) == sorted(set(words))
    assert list(vocabulary.values()) == list(range(len(vocabulary)))


def test_corpus_licence_and_package_data() -> None:
    licence = (ROOT / "helpers" / "data" / "fox_and_dog.LICENSE.txt").read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence and "Creative Commons Attribution 4.0" in licence
    assert decoding.CORPUS.with_name("fox_and_dog.LICENSE.txt").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/*.txt" in pyproject["tool"]["setuptools"]["package-data"]["helpers"]


def test_training_is_deterministic() -> None:
    _, losses = decoding.trained_decoder()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        fresh = Decoder(DecoderConfig(len(decoding.corpus_vocabulary())))
    stream = decoding.encode_text(decoding.corpus_text())
    assert decoding.train_decoder(fresh, stream, torch.Generator().manual_seed(124)) == losses
    assert len(losses) == decoding.STEPS and losses[-1] < 0.3 < losses[0]


def test_trained_model_continues_the_story() -> None:
    model, _ = decoding.trained_decoder()
    prompt = decoding.encode_text("the quick brown fox")[None]
    text = decoding.decode(generate(model, prompt, 4).tokens[0])
    assert text.startswith("the quick brown fox jumps over ")
    stream = decoding.encode_text(decoding.corpus_text())
    windows = stream.unfold(0, model.config.context + 1, 1)  # every window, and its next token
    with torch.no_grad():
        predicted = model(windows[:, :-1]).argmax(-1)
    assert (predicted == windows[:, 1:]).double().mean() > 0.9


# ================================================================================================
# bad input: each message names the argument
# ================================================================================================


@functools.cache
def tiny() -> Decoder:
    return random_model(DecoderConfig(5, context=4, d_model=4, num_heads=2, kv_heads=1,
                                      layers=1, d_ff=3), 0)  # fmt: skip


def after_cached(cached: int, new: int) -> None:
    cache = KVCache.empty(1)
    tiny()(torch.zeros(1, cached, dtype=torch.long), cache)
    tiny()(torch.zeros(1, new, dtype=torch.long), cache)


LOGITS = torch.zeros(5)


BAD_INPUT = [
    (lambda: tiny()(torch.tensor([[0.0, 1.0]])), ValueError, "ids must be token ids, integers from 0 to 4; got dtype torch.float32"),
    (lambda: tiny()(torch.tensor([[0, 5]])), ValueError, "ids must be token ids, integers from 0 to 4"),
    (lambda: tiny()(torch.tensor([[-1, 0]])), ValueError, "ids must be token ids"),
    (lambda: tiny()(torch.zeros(1, 5, dtype=torch.long)), ValueError, "ids must fit the model's 4 positions (context=4); got 5 tokens after 0 cached"),
    (lambda: after_cached(3, 2), ValueError, "(context=4); got 2 tokens after 3 cached"),
    (lambda: tiny()(torch.zeros(1, 2, dtype=torch.long), KVCache.empty(2)), TypeError, "cache must be a KVCache of 1 layers"),
    (lambda: Decoder("small"), TypeError, "config must be a DecoderConfig; got 'small'"),
    (lambda: DecoderConfig(vocab_size=0), ValueError, "vocab_size must be a positive int; got 0"),
    (lambda: DecoderConfig(vocab_size=9, kv_heads=1.5), TypeError, "kv_heads must be a positive int; got 1.5"),
    (lambda: KVCache.empty(0), ValueError, "layers must be a positive int; got 0"),
    (lambda: generate(tiny(), torch.zeros(1, 2, dtype=torch.long), 4), ValueError, "prompt + steps - 1 must fit the model's context, 4 positions; got a prompt of 2 and steps=4"),
    (lambda: generate(nn.Linear(2, 2), torch.zeros(1, 2, dtype=torch.long), 1), TypeError, "model must be a Decoder; got Linear"),
    (lambda: generate(tiny(), [[0, 1]], 1), TypeError, "ids must be a 2-D torch.Tensor; got [[0, 1]]"),
    (lambda: generate(tiny(), torch.zeros(1, 2, dtype=torch.long), 0), ValueError, "steps must be a positive int; got 0"),
    (lambda: decoding.next_token_probabilities(LOGITS, 0), ValueError, "temperature must be a positive number (0 means greedy: use next_token); got 0"),
    (lambda: decoding.next_token_probabilities(LOGITS, -1.0), ValueError, "temperature must be a positive number"),
    (lambda: decoding.next_token_probabilities(LOGITS, True), ValueError, "temperature must be a positive number"),
    (lambda: decoding.next_token(LOGITS[None], False), ValueError, "temperature must be a positive number"),
    (lambda: decoding.next_token_probabilities(LOGITS, 1.0, 0), ValueError, "top_k must be an int from 1 to 5 (or None: all tokens); got 0"),
    (lambda: decoding.next_token_probabilities(LOGITS, 1.0, 6), ValueError, "top_k must be an int from 1 to 5"),
    (lambda: decoding.next_token(LOGITS), ValueError, "logits must be a 2-D tensor; got a 1-D tensor"),
    (lambda: MultiHeadAttention(8, 4, kv_heads=3), ValueError, "kv_heads must divide num_heads (each key/value head serves a group of query heads); got num_heads=4 and kv_heads=3"),
    (lambda: MultiHeadAttention(8, 4, kv_heads=2).load_from_torch(nn.MultiheadAttention(8, 4, batch_first=True)), ValueError, "got kv_heads=2 of num_heads=4"),
    (lambda: MultiHeadAttention(4, 2).attend(torch.zeros(1, 2, 4), source=torch.zeros(1, 2, 4), cache=LayerCache()), ValueError, "source and cache must not both be given"),
    (lambda: decoding.encode_text("the cat"), ValueError, "text must use the story's words (lowercase, '.' apart); got 'cat'"),
    (lambda: decoding.decode([999]), ValueError, "ids must lie in 0 .. 98; got [999]"),
    (lambda: decoding.decode([1.5]), TypeError, "ids must be a 1-D tensor or list of token ids; got [1.5]"),
    (lambda: decoding.kv_cache_bytes(0, 8, 128, 1), ValueError, "layers must be a positive int; got 0"),
    (lambda: decoding.kv_cache_bytes(32, 8, 128, 1, "bf16"), TypeError, "dtype must be a torch.dtype such as torch.bfloat16; got 'bf16'"),
]  # fmt: skip
"""Each message names the argument, what it got and what was expected (tests/test_toolkit.py
runs these with every other test file's)."""


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT)
def test_bad_input_is_named(call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with torch.random.fork_rng(devices=[]), torch.no_grad(), pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)
