"""helpers.multihead: shapes, the head split, and equality with PyTorch's own attention.

Comparisons with ``torch.nn.MultiheadAttention`` and ``F.scaled_dot_product_attention``
run in float64, so the tolerance can be tight (1e-10): only the order of additions differs.
Property tests follow tests/test_properties.py: derandomized, no deadline, no database.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import helpers
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


def test_shapes() -> None:
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
