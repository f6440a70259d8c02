"""Generating text one token at a time, with a cache of keys and values (16_generating_text.ipynb).

A decoder is a stack of pre-LN Transformer blocks (15_transformer_block.ipynb) whose attention
has a causal mask (08_masks.ipynb): position ``i`` sees positions ``0 .. i`` only, so its output
can be trained to predict token ``i + 1``. To generate, the model reads the text so far, picks the
next token from the last position's logits, appends it and reads again. Keys and values of the
earlier tokens never change, so a cache keeps them and each step computes only the new token's.

    without a cache, step t: all t tokens again     ~ t · d²  +  t² · d   multiply-adds
    with a cache,    step t: the new token only     ~ d²      +  t · d
    cache: 2 (keys, values) × layers × kv_heads × d_head × n numbers
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from helpers._validate import describe, require_size, require_tensor
from helpers.block import LayerNorm, TransformerBlock
from helpers.cost import bytes_per_number
from helpers.course import SEED
from helpers.masks import causal_mask
from helpers.training import single_thread
from helpers.vocabulary import build_vocabulary, split_words

CORPUS = Path(__file__).resolve().parent / "data" / "fox_and_dog.txt"
"""The lesson's corpus: a 28-sentence story written for this course around the article's
sentence (CC BY 4.0, like the course's prose: ``fox_and_dog.LICENSE.txt`` beside it)."""
DTYPE = torch.float64  # as lesson 12: every printed digit is the same on every machine


# ---- the corpus and its words ----------------------------------------------------------------
@functools.cache
def corpus_text() -> str:
    """The story, one sentence per line, words and full stops separated by spaces."""
    return CORPUS.read_text(encoding="utf-8")


@functools.cache
def corpus_vocabulary() -> dict[str, int]:
    """Lesson 01's vocabulary of the whole story: its distinct words (and ``.``), sorted, from 0.
    Introduced in 16_generating_text.ipynb ("The corpus")."""
    return build_vocabulary(corpus_text())


def encode_text(text: str) -> torch.Tensor:
    """``text``'s words as ids of :func:`corpus_vocabulary`, ``(n,)``; a word the story never uses
    raises. Introduced in 16_generating_text.ipynb ("The corpus")."""
    vocabulary = corpus_vocabulary()
    words = split_words(text)
    unknown = [word for word in words if word not in vocabulary]
    if unknown:
        raise ValueError(f"text must use the story's words (lowercase, '.' apart); got "
                         f"{', '.join(map(repr, unknown[:5]))}, which it never uses.")  # fmt: skip
    return torch.tensor([vocabulary[word] for word in words])


def decode(ids: Any) -> str:
    """Ids (a 1-D tensor or a list) back to text, words joined by spaces.
    Introduced in 16_generating_text.ipynb ("The corpus")."""
    words = list(corpus_vocabulary())
    if isinstance(ids, torch.Tensor):
        ids = require_tensor("ids", ids, ndim=(1,), floating=False).tolist()
    if not isinstance(ids, (list, tuple)) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise TypeError(f"ids must be a 1-D tensor or list of token ids; got {describe(ids)}.")
    if any(not 0 <= i < len(words) for i in ids):
        raise ValueError(f"ids must lie in 0 .. {len(words) - 1}; got {describe(ids)}.")
    return " ".join(words[i] for i in ids)


# ---- the model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DecoderConfig:
    """A decoder's sizes (as nanoGPT's ``GPTConfig``). Introduced in 16_generating_text.ipynb."""

    vocab_size: int
    context: int = 32  # the longest sequence: rows of the position table
    d_model: int = 32
    num_heads: int = 4  # query heads of d_head = d_model // num_heads = 8
    kv_heads: int = 2  # key/value heads, each shared by num_heads // kv_heads query heads
    layers: int = 2
    d_ff: int = 64

    def __post_init__(self) -> None:
        for item in fields(self):
            require_size(item.name, getattr(self, item.name))

    @property
    def d_head(self) -> int:
        return self.d_model // self.num_heads


@dataclass
class LayerCache:
    """One layer's cached keys and values, ``(batch, kv_heads, t, d_head)`` each (``None`` before
    the first token). Introduced in 16_generating_text.ipynb ("The KV cache")."""

    keys: torch.Tensor | None = None
    values: torch.Tensor | None = None

    def __len__(self) -> int:
        return 0 if self.keys is None else self.keys.shape[-2]

    def append(self, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Add the new tokens' ``keys`` and ``values`` after the cached ones; return all of them."""
        if self.keys is not None:
            keys = torch.cat([self.keys, keys], dim=-2)  # (batch, kv_heads, t + new, d_head)
            values = torch.cat([self.values, values], dim=-2)
        self.keys, self.values = keys, values
        return keys, values


@dataclass
class KVCache:
    """Every layer's :class:`LayerCache`. Introduced in 16_generating_text.ipynb ("The KV cache")."""

    layers: list[LayerCache] = field(default_factory=list)

    @classmethod
    def empty(cls, layers: int) -> KVCache:
        return cls([LayerCache() for _ in range(require_size("layers", layers))])

    def __len__(self) -> int:
        """How many tokens are cached."""
        return len(self.layers[0]) if self.layers else 0

    def nbytes(self) -> int:
        """The bytes its tensors hold."""
        return sum(t.numel() * t.element_size() for layer in self.layers
                   for t in (layer.keys, layer.values) if t is not None)  # fmt: skip


class Decoder(nn.Module):
    """Token and learned position embeddings, ``layers`` pre-LN blocks with a causal mask, a final
    LayerNorm and a readout to one logit per word, in float64. Introduced in 16_generating_text.ipynb."""

    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        if not isinstance(config, DecoderConfig):
            raise TypeError(f"config must be a DecoderConfig; got {describe(config)}.")
        c = self.config = config
        default = torch.get_default_dtype()
        torch.set_default_dtype(DTYPE)  # every weight drawn in float64: the float32 draws of
        try:  # nn.Embedding and nn.Linear round differently with and without AVX2 kernels
            self.token = nn.Embedding(c.vocab_size, c.d_model)
            self.position = nn.Embedding(c.context, c.d_model)
            self.blocks = nn.ModuleList(
                TransformerBlock(c.d_model, c.num_heads, c.d_ff, 1e-5, True, c.kv_heads)
                for _ in range(c.layers)
            )
            self.norm = LayerNorm(c.d_model)
            self.readout = nn.Linear(c.d_model, c.vocab_size)
        finally:
            torch.set_default_dtype(default)

    def attend(
        self, ids: torch.Tensor, cache: KVCache | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """``ids (batch, n)`` -> the logits ``(batch, n, vocab_size)`` and each layer's weights
        ``(batch, heads, n, t + n)``. With a ``cache`` holding ``t`` tokens, ``ids`` are the next
        ones: positions ``t .. t+n-1``, and the cache grows by ``n``."""
        start = 0 if cache is None else self._require_cache(cache)
        ids = self._require_ids(ids, start)
        n = ids.shape[-1]
        positions = torch.arange(start, start + n)  # absolute: the cache's length comes first
        x = self.token(ids) + self.position(positions)  # (batch, n, d_model)
        mask = causal_mask(start + n)[start:]  # (n, t + n): the new rows of the full mask
        weights = []
        for i, block in enumerate(self.blocks):
            x, w = block.attend(x, mask, None if cache is None else cache.layers[i])
            weights.append(w)
        return self.readout(self.norm(x)), weights

    def forward(self, ids: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        return self.attend(ids, cache)[0]

    def _require_cache(self, cache: Any) -> int:
        if not isinstance(cache, KVCache) or len(cache.layers) != len(self.blocks):
            raise TypeError(f"cache must be a KVCache of {len(self.blocks)} layers "
                            f"(KVCache.empty({len(self.blocks)})); got {describe(cache)}.")  # fmt: skip
        return len(cache)

    def _require_ids(self, ids: Any, start: int) -> torch.Tensor:
        ids = require_tensor("ids", ids, ndim=(2,), floating=False)
        if (
            ids.dtype not in (torch.int64, torch.int32)
            or ids.min() < 0
            or ids.max() >= self.config.vocab_size
        ):
            raise ValueError(f"ids must be token ids, integers from 0 to {self.config.vocab_size - 1}; "
                             f"got dtype {ids.dtype}, values {ids.min().item()} to {ids.max().item()}.")  # fmt: skip
        if start + ids.shape[-1] > self.config.context:
            raise ValueError(f"ids must fit the model's {self.config.context} positions (context="
                             f"{self.config.context}); got {ids.shape[-1]} tokens after {start} cached.")  # fmt: skip
        return ids


# ---- choosing the next token -----------------------------------------------------------------
def next_token_probabilities(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None
) -> torch.Tensor:
    """``logits (..., vocab)`` -> probabilities: divided by ``temperature`` (below 1 sharpens,
    above 1 flattens), all but the ``top_k`` largest set to ``-inf`` (a tie with the k-th largest
    is kept, as in nanoGPT), then a softmax.
    Introduced in 16_generating_text.ipynb ("Temperature and top-k")."""
    require_tensor("logits", logits, ndim=1)
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not 0 < temperature < float("inf")
    ):
        raise ValueError(f"temperature must be a positive number (0 means greedy: use "
                         f"next_token); got {describe(temperature)}.")  # fmt: skip
    scaled = logits / temperature
    if top_k is not None:
        if (
            isinstance(top_k, bool)
            or not isinstance(top_k, int)
            or not 1 <= top_k <= logits.shape[-1]
        ):
            raise ValueError(f"top_k must be an int from 1 to {logits.shape[-1]} (or None: all "
                             f"tokens); got {describe(top_k)}.")  # fmt: skip
        kth = scaled.topk(top_k, dim=-1).values[..., -1:]  # (..., 1): the k-th largest
        scaled = scaled.masked_fill(scaled < kth, float("-inf"))
    return F.softmax(scaled, dim=-1)


def next_token(
    logits: torch.Tensor,
    temperature: float = 0.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """The next token of each row of ``logits (batch, vocab)``, ``(batch,)``: the largest logit
    when ``temperature`` is 0 (greedy), else one draw from :func:`next_token_probabilities` with
    ``generator``. Introduced in 16_generating_text.ipynb."""
    require_tensor("logits", logits, ndim=(2,))
    if temperature == 0 and not isinstance(temperature, bool):
        return logits.argmax(dim=-1)
    probabilities = next_token_probabilities(logits, temperature, top_k)  # (batch, vocab)
    return torch.multinomial(probabilities, 1, generator=generator).squeeze(-1)


@dataclass(frozen=True)
class Generation:
    """What :func:`generate` returns."""

    tokens: torch.Tensor  # (batch, prompt + steps): the prompt, then the generated tokens
    logits: torch.Tensor  # (batch, steps, vocab): the logits each token was chosen from
    cache: KVCache | None  # the final cache (None without one)


@torch.no_grad()
def generate(
    model: Decoder,
    prompt: torch.Tensor,
    steps: int,
    *,
    use_cache: bool = True,
    temperature: float = 0.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> Generation:
    """Append ``steps`` tokens to ``prompt (batch, p)``, one at a time. Without the cache, each step
    runs the model on the whole text again; with it, the prompt once, then each new token alone.
    Introduced in 16_generating_text.ipynb ("The decoding loop")."""
    if not isinstance(model, Decoder):
        raise TypeError(f"model must be a Decoder; got {describe(model)}.")
    prompt = model._require_ids(prompt, 0)
    if require_size("steps", steps) + prompt.shape[-1] - 1 > model.config.context:
        raise ValueError(f"prompt + steps - 1 must fit the model's context, {model.config.context} "
                         f"positions; got a prompt of {prompt.shape[-1]} and steps={steps}.")  # fmt: skip
    cache = KVCache.empty(len(model.blocks)) if use_cache else None
    tokens, chosen_from, feed = prompt, [], prompt
    for _ in range(steps):
        logits = model(feed, cache)[:, -1]  # (batch, vocab): the last position predicts the next
        chosen = next_token(logits, temperature, top_k, generator)  # (batch,)
        tokens = torch.cat([tokens, chosen[:, None]], dim=1)  # (batch, p + steps so far)
        chosen_from.append(logits)
        feed = chosen[:, None] if use_cache else tokens  # the cache already holds the rest
    return Generation(tokens, torch.stack(chosen_from, dim=1), cache)


# ---- training ------------------------------------------------------------------------------
STEPS = 200  # Adam steps, each on BATCH_SIZE windows of the story
BATCH_SIZE = 8
LEARNING_RATE = 0.02


def training_batch(
    stream: torch.Tensor, context: int, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch_size`` windows of ``context`` tokens from ``stream (N,)`` at starts ``generator``
    draws: inputs ``(batch, context)`` and targets, the same windows one token later.
    Introduced in 16_generating_text.ipynb ("Training")."""
    starts = torch.randint(len(stream) - context, (batch_size,), generator=generator)
    rows = starts[:, None] + torch.arange(context + 1)  # (batch, context + 1)
    windows = stream[rows]
    return windows[:, :-1], windows[:, 1:]


def train_decoder(model: Decoder, stream: torch.Tensor, generator: torch.Generator,
                  steps: int = STEPS, batch_size: int = BATCH_SIZE,
                  learning_rate: float = LEARNING_RATE) -> list[float]:  # fmt: skip
    """Train ``model`` to predict each next token of ``stream`` with Adam on one thread; return
    every step's loss. Introduced in 16_generating_text.ipynb ("Training")."""
    losses = []
    with single_thread(), torch.enable_grad():  # even when called inside torch.no_grad()
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
        for _ in range(steps):
            inputs, targets = training_batch(stream, model.config.context, batch_size, generator)
            logits = model(inputs)  # (batch, context, vocab)
            loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


@functools.cache
def trained_decoder() -> tuple[Decoder, list[float]]:
    """The lesson's model (drawn after seeding 123) trained on the story (batches from a generator
    seeded 124), and its losses; computed once, the caller's random state left alone."""
    stream = encode_text(corpus_text())  # (N,)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = Decoder(DecoderConfig(len(corpus_vocabulary())))
    losses = train_decoder(model, stream, torch.Generator().manual_seed(SEED + 1))
    return model.eval(), losses


# ---- counting ------------------------------------------------------------------------------
def forward_multiply_adds(config: DecoderConfig, new: int, total: int) -> int:
    """Multiply-adds of one call on ``new`` tokens meeting ``total`` keys (the cached and the
    new): per layer the projections, ``QKᵀ`` and ``weights · V``, the feed-forward; then the
    readout. Embeddings, LayerNorms and softmax are not counted.
    Introduced in 16_generating_text.ipynb ("Counting the work")."""
    c = config
    projections = new * c.d_model * (2 * c.d_model + 2 * c.kv_heads * c.d_head)  # Q, out; K, V
    attention = c.num_heads * new * total * 2 * c.d_head  # QKᵀ and weights · V, every head
    feed_forward = new * 2 * c.d_model * c.d_ff
    return c.layers * (projections + attention + feed_forward) + new * c.d_model * c.vocab_size


def generation_multiply_adds(
    config: DecoderConfig, prompt: int, steps: int, use_cache: bool
) -> int:
    """Multiply-adds of :func:`generate` for ``steps`` tokens after a ``prompt`` of that many:
    without the cache every step reads all ``t`` tokens; with it, the prompt once, then one token
    meets ``t`` keys. Introduced in 16_generating_text.ipynb ("Counting the work")."""
    require_size("prompt", prompt)
    require_size("steps", steps)
    lengths = range(prompt, prompt + steps)  # the text's length at each step
    if not use_cache:
        return sum(forward_multiply_adds(config, t, t) for t in lengths)
    first = forward_multiply_adds(config, prompt, prompt)
    return first + sum(forward_multiply_adds(config, 1, t) for t in lengths[1:])  # t keys, 1 new


def kv_cache_bytes(layers: int, kv_heads: int, d_head: int, tokens: int,
                   dtype: torch.dtype = torch.float32, batch: int = 1) -> int:  # fmt: skip
    """2 (keys and values) × ``layers × kv_heads × d_head × tokens × batch`` numbers of ``dtype``.
    Introduced in 16_generating_text.ipynb ("The cache's memory")."""
    for name, size in (("layers", layers), ("kv_heads", kv_heads), ("d_head", d_head),
                       ("tokens", tokens), ("batch", batch)):  # fmt: skip
        require_size(name, size)
    if not isinstance(dtype, torch.dtype):
        raise TypeError(
            f"dtype must be a torch.dtype such as torch.bfloat16; got {describe(dtype)}."
        )
    return 2 * layers * kv_heads * d_head * tokens * batch * bytes_per_number(dtype)
