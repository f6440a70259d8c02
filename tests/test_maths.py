"""The course's maths (helpers.vocabulary, attention, masks, multihead), each against an
independent reference: the article's own code compared with ``torch.equal``, plain loops,
``nn.MultiheadAttention`` and ``F.scaled_dot_product_attention``, and hypothesis
properties that hold for every input. One section per module; each lesson's own test file
(``tests/test_lNN_*.py``) tests what that lesson shows.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import helpers
import helpers.attention as attention
from helpers import SENTENCE, build_vocabulary, encode, split_words
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import (
    D_MODEL,
    NUM_HEADS,
    MultiHeadAttention,
    course_example,
    heads_mask,
    merge_heads,
    split_heads,
)

# Every hypothesis test here: derandomized (the same examples every run), no deadline (CI
# machines vary), no example database (nothing is written to the repository).
settings.register_profile("course", derandomize=True, deadline=None, database=None, max_examples=60)
settings.load_profile("course")


# ================================================================================================
# helpers.vocabulary (01_vocabulary.ipynb) reproduces the article and refuses bad input clearly.
# ================================================================================================

ARTICLE_VOCABULARY = {
    "The": 0, "a": 1, "brown": 2, "dog": 3, "fox": 4, "jumps": 5, "lazy": 6, "over": 7, "quick": 8,
}  # fmt: skip
ARTICLE_IDS = torch.tensor([0, 8, 2, 4, 5, 7, 1, 6, 3])


def article_step_1(sentence: str) -> tuple[dict[str, int], torch.Tensor]:
    """The article's own code for step 1, verbatim but for the names."""
    dc = {s: i for i, s in enumerate(sorted(sentence.replace(",", "").split()))}
    r = [dc[i] for i in sentence.replace(",", "").split()]
    return dc, torch.tensor(r)


def test_vocabulary_and_ids_match_the_article() -> None:
    dc, sentence_int = article_step_1(SENTENCE)
    assert dc == ARTICLE_VOCABULARY
    assert torch.equal(sentence_int, ARTICLE_IDS)
    assert build_vocabulary(SENTENCE) == dc
    ids = encode(SENTENCE, build_vocabulary(SENTENCE))
    assert torch.equal(ids, sentence_int)
    assert ids.dtype == torch.int64 and ids.shape == (9,)


def test_split_words_strips_commas_only() -> None:
    assert split_words("Life is short, eat dessert first") == [
        "Life", "is", "short", "eat", "dessert", "first",
    ]  # fmt: skip
    assert split_words("a lazy dog.") == ["a", "lazy", "dog."]
    assert split_words("  spaced   out\ttabs\n") == ["spaced", "out", "tabs"]


def test_build_vocabulary_has_no_gaps_when_words_repeat() -> None:
    assert build_vocabulary("the dog saw the cat") == {"cat": 0, "dog": 1, "saw": 2, "the": 3}


def test_uppercase_sorts_first() -> None:
    assert build_vocabulary("the The") == {"The": 0, "the": 1}


def test_encode_keeps_sentence_order_and_repeats() -> None:
    vocabulary = build_vocabulary("the dog saw the cat")
    assert encode("the cat saw the dog", vocabulary).tolist() == [3, 0, 2, 3, 1]


# ================================================================================================
# helpers.attention reproduces the article's every tensor exactly (tests/article_reference.py).
# ================================================================================================


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    return run_article()


@pytest.fixture(scope="module")
def steps() -> attention.CourseSteps:
    return attention.rebuild_steps()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("ids", "sentence_int"),
        ("embedded", "embedded_sentence"),
        ("W_query", "W_query"),
        ("W_key", "W_key"),
        ("W_value", "W_value"),
        ("query", "query"),
        ("key", "key"),
        ("value", "value"),
        ("scores", "attention_scores"),
        ("weights", "attention_weights"),
        ("context", "context_vector"),
    ],
)
def test_rebuild_steps_equals_the_article(
    steps: attention.CourseSteps, article: dict[str, Any], ours: str, theirs: str
) -> None:
    assert torch.equal(getattr(steps, ours), article[theirs])


def test_course_shapes(steps: attention.CourseSteps) -> None:
    assert steps.words[0] == "The" and steps.vocabulary["The"] == 0
    shapes = {
        name: tuple(getattr(steps, name).shape)
        for name in (
            "ids",
            "embedded",
            "W_query",
            "W_key",
            "W_value",
            "query",
            "key",
            "value",
            "scores",
            "weights",
            "context",
        )
    }
    assert shapes == {
        "ids": (9,), "embedded": (9, 3), "W_query": (3, 2), "W_key": (3, 2), "W_value": (3, 4),
        "query": (9, 2), "key": (9, 2), "value": (9, 4), "scores": (9, 9), "weights": (9, 9),
        "context": (9, 4),
    }  # fmt: skip


def test_module_continues_the_random_stream_like_the_article(article: dict[str, Any]) -> None:
    """The article builds its module right after step 3 without reseeding."""
    attention.rebuild_steps()
    module = attention.SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    for name in ("W_query", "W_key", "W_value"):
        assert torch.equal(getattr(module, name), getattr(article["sa"], name))
    assert torch.equal(module(article["embedded_sentence"]), article["cv"])
    assert not torch.equal(article["cv"], article["context_vector"])


def test_module_on_a_batch_equals_each_sentence() -> None:
    torch.manual_seed(0)
    module = attention.SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    batch = torch.randn(2, 5, 3)
    together = module(batch)
    assert together.shape == (2, 5, 4)
    for i in range(2):
        torch.testing.assert_close(together[i], module(batch[i]))


def test_stable_softmax_matches_pytorch_and_survives_large_scores() -> None:
    scores = torch.tensor([[1.0, 2.0, 3.0], [1000.0, 1001.0, 999.0]])
    torch.testing.assert_close(attention.softmax(scores), F.softmax(scores, dim=-1))
    assert torch.isfinite(attention.softmax(scores)).all()
    masked = attention.softmax(torch.tensor([0.0, float("-inf"), 0.0]))
    assert masked.tolist() == [0.5, 0.0, 0.5]
    assert torch.isnan(attention.softmax(torch.full((3,), float("-inf")))).all()


def test_scores_use_the_last_two_dimensions() -> None:
    query, key = torch.randn(2, 4, 3), torch.randn(2, 5, 3)
    scores = attention.attention_scores(query, key)
    assert scores.shape == (2, 4, 5)
    torch.testing.assert_close(scores[1], query[1] @ key[1].T / 3**0.5)


# ================================================================================================
# helpers.masks: the causal and padding masks of 08_masks.ipynb.
# ================================================================================================


def test_causal_mask_lets_each_word_see_itself_and_the_past() -> None:
    expected = torch.tensor(
        [[True, False, False], [True, True, False], [True, True, True]], dtype=torch.bool
    )
    assert torch.equal(causal_mask(3), expected)
    assert causal_mask(9).sum().item() == 45  # 9 + 8 + ... + 1 allowed pairs


def test_padding_mask_marks_real_tokens_and_broadcasts_over_queries() -> None:
    mask = padding_mask([3, 1], n=4)
    assert mask.shape == (2, 1, 4) and mask.dtype == torch.bool
    assert mask[:, 0].tolist() == [[True, True, True, False], [True, False, False, False]]
    assert padding_mask([2, 3]).shape == (2, 1, 3)  # n defaults to the longest sentence


def test_padding_and_causal_masks_combine() -> None:
    both = padding_mask([2, 3]) & causal_mask(3)
    assert both.shape == (2, 3, 3)
    assert both[0].tolist() == [[True, False, False], [True, True, False], [True, True, False]]


# ================================================================================================
# helpers.multihead: shapes, the head split, and equality with PyTorch's own attention.
#
# Comparisons with ``torch.nn.MultiheadAttention`` and ``F.scaled_dot_product_attention``
# run in float64, so the tolerance can be tight (1e-10): only the order of additions differs.
# ================================================================================================

settings.register_profile(
    "multihead", derandomize=True, deadline=None, database=None, max_examples=40
)

DTYPE = torch.float64
TOL = {"rtol": 1e-10, "atol": 1e-10}


def pair(d_model: int = 8, num_heads: int = 4, seed: int = 0, bias: bool = True):
    """A seeded nn.MultiheadAttention (batch_first) and a course module loaded from it, float64."""
    torch.manual_seed(seed)
    torch_mha = nn.MultiheadAttention(d_model, num_heads, bias=bias, batch_first=True).double()
    if bias:  # PyTorch starts its biases at 0: make them count
        with torch.no_grad():
            torch_mha.in_proj_bias.normal_()
            torch_mha.out_proj.bias.normal_()
    ours = MultiHeadAttention(d_model, num_heads, bias=bias).double().load_from_torch(torch_mha)
    return torch_mha.eval(), ours


def torch_attention(torch_mha: nn.MultiheadAttention, x: torch.Tensor, **masks: Any):
    return torch_mha(x, x, x, need_weights=True, average_attn_weights=False, **masks)


def inputs(batch: int = 2, n: int = 5, d_model: int = 8, seed: int = 1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, n, d_model, generator=generator, dtype=DTYPE)


# ---- shapes and the head split ----


def test_multihead_shapes() -> None:
    module = MultiHeadAttention(12, 3)
    output, weights = module.attend(torch.randn(2, 5, 12))
    assert output.shape == (2, 5, 12) and weights.shape == (2, 3, 5, 5)
    assert module(torch.randn(2, 5, 12)).shape == (2, 5, 12)
    assert module.d_head == 4
    names = [name for name, _ in module.named_parameters()]
    assert names == [
        f"{p}.{w}" for p in ("query", "key", "value", "out") for w in ("weight", "bias")
    ]
    assert sum(p.numel() for p in MultiHeadAttention(12, 3, bias=False).parameters()) == 4 * 144


def test_one_sentence_drops_the_batch_dimension() -> None:
    module = MultiHeadAttention(8, 2)
    x = torch.randn(6, 8)
    output, weights = module.attend(x)
    assert output.shape == (6, 8) and weights.shape == (2, 6, 6)
    batched_output, batched_weights = module.attend(x.unsqueeze(0))
    assert torch.equal(output, batched_output[0]) and torch.equal(weights, batched_weights[0])


def test_split_heads_slices_each_words_features() -> None:
    x = torch.arange(2 * 3 * 8, dtype=DTYPE).view(2, 3, 8)
    heads = split_heads(x, 4)
    assert heads.shape == (2, 4, 3, 2)
    for b in range(2):
        for h in range(4):
            assert torch.equal(heads[b, h], x[b, :, 2 * h : 2 * h + 2])


def test_split_merge_round_trip() -> None:
    x = inputs(3, 7, 12)
    for num_heads in (1, 2, 3, 4, 6, 12):
        assert torch.equal(merge_heads(split_heads(x, num_heads)), x)
    heads = torch.randn(2, 4, 5, 3, dtype=DTYPE)
    assert torch.equal(split_heads(merge_heads(heads), 4), heads)


def test_weights_rows_sum_to_one() -> None:
    _, weights = MultiHeadAttention(8, 4).double().attend(inputs())
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 4, 5, dtype=DTYPE))


def test_heads_mask() -> None:
    causal = causal_mask(4)
    assert heads_mask(causal) is causal and heads_mask(None) is None
    assert heads_mask(padding_mask([4, 2])).shape == (2, 1, 1, 4)
    assert heads_mask(torch.ones(2, 4, 4, dtype=torch.bool)).shape == (2, 1, 4, 4)


def test_course_example_leaves_the_random_state_alone() -> None:
    torch.manual_seed(5)
    before = torch.random.get_rng_state()
    words, x, module = course_example()
    assert torch.equal(torch.random.get_rng_state(), before)
    assert len(words) == 9 and x.shape == (1, 9, D_MODEL) and module.num_heads == NUM_HEADS
    torch.manual_seed(123)
    again = MultiHeadAttention(D_MODEL, NUM_HEADS)
    assert all(
        torch.equal(a, b) for a, b in zip(module.parameters(), again.parameters(), strict=True)
    )
    ids = helpers.encode(helpers.SENTENCE, helpers.build_vocabulary(helpers.SENTENCE))
    assert torch.equal(x[0], helpers.embed(ids, d=D_MODEL))


# ---- equality with PyTorch ----


@pytest.mark.parametrize("bias", [True, False])
def test_equals_torch_multihead_attention(bias: bool) -> None:
    torch_mha, ours = pair(bias=bias)
    x = inputs()
    expected, expected_weights = torch_attention(torch_mha, x)
    output, weights = ours.attend(x)
    torch.testing.assert_close(output, expected, **TOL)
    torch.testing.assert_close(weights, expected_weights, **TOL)


def test_load_from_torch_maps_the_stacked_weights() -> None:
    torch_mha, ours = pair()
    d = 8
    stacked = torch.cat([ours.query.weight, ours.key.weight, ours.value.weight])
    assert torch.equal(stacked, torch_mha.in_proj_weight)
    assert torch.equal(
        torch.cat([ours.query.bias, ours.key.bias, ours.value.bias]), torch_mha.in_proj_bias
    )
    assert torch.equal(ours.out.weight, torch_mha.out_proj.weight)
    assert torch.equal(ours.key.weight, torch_mha.in_proj_weight[d : 2 * d])


def test_equals_torch_with_a_causal_mask() -> None:
    torch_mha, ours = pair()
    x = inputs(n=6)
    mask = causal_mask(6)
    expected, expected_weights = torch_attention(torch_mha, x, attn_mask=~mask)  # True = blocked
    output, weights = ours.attend(x, mask)
    torch.testing.assert_close(output, expected, **TOL)
    torch.testing.assert_close(weights, expected_weights, **TOL)


def test_equals_torch_with_a_padding_mask() -> None:
    torch_mha, ours = pair()
    x = inputs(batch=3, n=6)
    mask = padding_mask([6, 4, 1])  # (3, 1, 6)
    expected, expected_weights = torch_attention(torch_mha, x, key_padding_mask=~mask[:, 0])
    output, weights = ours.attend(x, mask)
    torch.testing.assert_close(output, expected, **TOL)
    torch.testing.assert_close(weights, expected_weights, **TOL)


def test_equals_torch_with_padding_and_causal_masks() -> None:
    torch_mha, ours = pair()
    x = inputs(batch=2, n=5)
    padding, causal = padding_mask([5, 3]), causal_mask(5)
    expected, _ = torch_attention(torch_mha, x, attn_mask=~causal, key_padding_mask=~padding[:, 0])
    torch.testing.assert_close(ours(x, padding & causal), expected, **TOL)


def test_unconverted_mask_gives_another_result() -> None:
    torch_mha, ours = pair()
    x = inputs(n=6)
    mask = causal_mask(6)
    wrong, _ = torch_attention(torch_mha, x, attn_mask=mask)  # course convention, not converted
    assert torch.isnan(wrong[:, -1]).all(), "the last query may attend to nothing"
    assert not torch.allclose(wrong[:, :-1], ours(x, mask)[:, :-1])


@pytest.mark.parametrize("causal", [False, True])
def test_equals_functional_sdpa_on_split_heads(causal: bool) -> None:
    q, k, v = (split_heads(inputs(n=7, seed=s), 4) for s in (2, 3, 4))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    mask = causal_mask(7) if causal else None
    context, _ = helpers.scaled_dot_product_attention(q, k, v, mask)
    torch.testing.assert_close(context, expected, **TOL)


# ---- properties ----


@st.composite
def shapes(draw: st.DrawFn) -> tuple[int, int, int, int]:
    num_heads = draw(st.integers(1, 4))
    d_head = draw(st.integers(1, 4))
    return draw(st.integers(1, 3)), draw(st.integers(1, 6)), num_heads * d_head, num_heads


@settings(settings.get_profile("multihead"))
@given(shapes(), st.integers(0, 2**16))
def test_property_equals_torch(shape: tuple[int, int, int, int], seed: int) -> None:
    batch, n, d_model, num_heads = shape
    torch_mha, ours = pair(d_model, num_heads, seed=seed)
    x = inputs(batch, n, d_model, seed=seed)
    expected, expected_weights = torch_attention(torch_mha, x, attn_mask=~causal_mask(n))
    output, weights = ours.attend(x, causal_mask(n))
    torch.testing.assert_close(output, expected, **TOL)
    torch.testing.assert_close(weights, expected_weights, **TOL)


@settings(settings.get_profile("multihead"))
@given(shapes(), st.integers(0, 2**16))
def test_property_split_merge_round_trip(shape: tuple[int, int, int, int], seed: int) -> None:
    batch, n, d_model, num_heads = shape
    x = inputs(batch, n, d_model, seed=seed)
    heads = split_heads(x, num_heads)
    assert heads.shape == (batch, num_heads, n, d_model // num_heads)
    assert torch.equal(merge_heads(heads), x)


@settings(settings.get_profile("multihead"))
@given(shapes(), st.integers(0, 2**16), st.data())
def test_property_causal_output_ignores_the_future(
    shape: tuple[int, int, int, int], seed: int, data: st.DataObject
) -> None:
    batch, n, d_model, num_heads = shape
    torch.manual_seed(seed)
    module = MultiHeadAttention(d_model, num_heads).double()
    x = inputs(batch, n, d_model, seed=seed)
    t = data.draw(st.integers(0, n - 1))
    changed = x.clone()
    changed[:, t + 1 :] = inputs(batch, n, d_model, seed=seed + 1)[:, t + 1 :]
    mask = causal_mask(n)
    torch.testing.assert_close(
        module(changed, mask)[:, : t + 1], module(x, mask)[:, : t + 1], **TOL
    )


# ================================================================================================
# Properties of the course's attention that hold for every input, checked with hypothesis.
#
# Strategy: float64 tensors drawn from bounded ranges, so the comparisons can be tight.
# * softmax: scores in [-1e4, 1e4] (float64 exp of the shifted scores never overflows; the
#   naive exp would overflow above ~709); tolerance 1e-12 for sums, 1e-10 against F.softmax.
# * attention: entries in [-10, 10], sizes 1-6, batches 1-3; compared with PyTorch's own
#   F.scaled_dot_product_attention at rtol=atol=1e-9 (float64 rounding of a few dozen terms).
# Runs are derandomized (the same examples every run), with no deadline (CI machines vary)
# and no example database (nothing is written to the repository).
# ================================================================================================


@st.composite
def matrices(
    draw: st.DrawFn, low: float, high: float, rows: int | None = None, cols: int | None = None
) -> torch.Tensor:
    n = rows if rows is not None else draw(st.integers(1, 6))
    m = cols if cols is not None else draw(st.integers(1, 6))
    values = draw(st.lists(st.floats(low, high, allow_nan=False), min_size=n * m, max_size=n * m))
    return torch.tensor(values, dtype=DTYPE).reshape(n, m)


@given(matrices(-1e4, 1e4))
def test_softmax_rows_are_probabilities(scores: torch.Tensor) -> None:
    weights = helpers.softmax(scores)
    assert torch.isfinite(weights).all()
    assert ((weights >= 0) & (weights <= 1)).all()
    torch.testing.assert_close(
        weights.sum(-1), torch.ones(scores.shape[0], dtype=DTYPE), rtol=0, atol=1e-12
    )


@given(matrices(-1e4, 1e4))
def test_stable_softmax_equals_pytorch(scores: torch.Tensor) -> None:
    torch.testing.assert_close(
        helpers.softmax(scores), F.softmax(scores, dim=-1), rtol=1e-10, atol=1e-10
    )


@given(matrices(-100, 100), st.floats(-1e3, 1e3))
def test_adding_a_constant_to_a_row_changes_nothing(scores: torch.Tensor, shift: float) -> None:
    torch.testing.assert_close(
        helpers.softmax(scores + shift), helpers.softmax(scores), rtol=1e-9, atol=1e-12
    )


@st.composite
def attention_inputs(
    draw: st.DrawFn,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    batch, n_q, n_k = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    d_k, d_v = draw(st.integers(1, 6)), draw(st.integers(1, 6))

    def tensor(*shape: int) -> torch.Tensor:
        size = 1
        for s in shape:
            size *= s
        values = draw(st.lists(st.floats(-10, 10, allow_nan=False), min_size=size, max_size=size))
        return torch.tensor(values, dtype=DTYPE).reshape(shape)

    mask = torch.tensor(
        draw(st.lists(st.booleans(), min_size=n_q * n_k, max_size=n_q * n_k))
    ).reshape(n_q, n_k)
    mask[:, draw(st.integers(0, n_k - 1))] = True  # every query may attend to at least one key
    return tensor(batch, n_q, d_k), tensor(batch, n_k, d_k), tensor(batch, n_k, d_v), mask


@given(attention_inputs())
def test_attention_equals_pytorchs(inputs: tuple[torch.Tensor, ...]) -> None:
    query, key, value, mask = inputs
    for used in (None, mask):
        context, weights = helpers.scaled_dot_product_attention(query, key, value, used)
        expected = F.scaled_dot_product_attention(query, key, value, attn_mask=used)
        torch.testing.assert_close(context, expected, rtol=1e-9, atol=1e-9)
        torch.testing.assert_close(
            weights.sum(-1), torch.ones(weights.shape[:-1], dtype=DTYPE), rtol=0, atol=1e-12
        )


@given(attention_inputs())
def test_a_batch_equals_its_sentences_one_by_one(inputs: tuple[torch.Tensor, ...]) -> None:
    query, key, value, mask = inputs
    together, _ = helpers.scaled_dot_product_attention(query, key, value, mask)
    for i in range(query.shape[0]):
        alone, _ = helpers.scaled_dot_product_attention(query[i], key[i], value[i], mask)
        torch.testing.assert_close(together[i], alone, rtol=1e-12, atol=1e-12)


@given(matrices(-3, 3, cols=3), st.randoms(use_true_random=False))
def test_self_attention_is_permutation_equivariant(x: torch.Tensor, random: object) -> None:
    """Shuffling the words shuffles the context vectors the same way (no positions here)."""
    torch.manual_seed(0)
    module = helpers.SelfAttention(3, 2, 2, 4).double()
    order = list(range(x.shape[0]))
    random.shuffle(order)  # type: ignore[attr-defined]
    permutation = torch.tensor(order)
    with torch.no_grad():
        torch.testing.assert_close(
            module(x[permutation]), module(x)[permutation], rtol=1e-10, atol=1e-12
        )
