"""Properties of the course's attention that hold for every input, checked with hypothesis.

Strategy: float64 tensors drawn from bounded ranges, so the comparisons can be tight.
* softmax: scores in [-1e4, 1e4] (float64 exp of the shifted scores never overflows; the
  naive exp would overflow above ~709); tolerance 1e-12 for sums, 1e-10 against F.softmax.
* attention: entries in [-10, 10], sizes 1-6, batches 1-3; compared with PyTorch's own
  F.scaled_dot_product_attention at rtol=atol=1e-9 (float64 rounding of a few dozen terms).
Runs are derandomized (the same examples every run), with no deadline (CI machines vary)
and no example database (nothing is written to the repository).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers

settings.register_profile("course", derandomize=True, deadline=None, database=None, max_examples=60)
settings.load_profile("course")

DTYPE = torch.float64


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
