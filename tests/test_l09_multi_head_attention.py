"""Lesson 09, multi-head attention: its picture, its explorer, its exercise checks, and
helpers.multihead's bad input.

The lesson's tensors are rebuilt here in plain PyTorch, as the notebook's inline cells
build them (nn.Embedding and four nn.Linear after seed 123), independently of helpers.
The module's equality with nn.MultiheadAttention is tests/test_maths.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from course import figure_text, picture_labels, picture_text
from torch import nn

from helpers.lessons import l09_multi_head_attention as lesson
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import MultiHeadAttention, merge_heads, split_heads
from helpers.ui.pictures import Heatmap, figure

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def inline() -> dict[str, torch.Tensor]:
    """The notebook's inline multi-head attention, in plain PyTorch: Q, heads, weights."""
    vocabulary = {word: i for i, word in enumerate(sorted(WORDS))}
    ids = torch.tensor([vocabulary[word] for word in WORDS])
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(123)
        x = nn.Embedding(50_000, 8)(ids).unsqueeze(0)  # (1, 9, 8)
        torch.manual_seed(123)
        w_q, w_k, w_v, w_o = (nn.Linear(8, 8) for _ in range(4))
        q, k, v = w_q(x), w_k(x), w_v(x)  # (1, 9, 8)
        split = [t.view(1, 9, 4, 2).transpose(1, 2) for t in (q, k, v)]  # (1, 4, 9, 2)
        weights = F.softmax(split[0] @ split[1].transpose(-2, -1) / math.sqrt(2), dim=-1)
        heads = weights @ split[2]  # (1, 4, 9, 2)
        output = w_o(heads.transpose(1, 2).reshape(1, 9, 8))
    return {"x": x, "Q": q, "heads": heads, "weights": weights, "output": output, "W_o": w_o}


RIGHT_ANSWERS = {
    "check_split_query_heads": lambda: inline()["Q"].view(1, 9, 4, 2).transpose(1, 2),
    "check_merged_heads": lambda: inline()["heads"].transpose(1, 2).reshape(1, 9, 8),
    "check_multihead_parameters": lambda: torch.tensor(
        sum(p.numel() for p in torch.nn.MultiheadAttention(384, 12).parameters())
    ),
}
"""The right answer of each exercise, computed without helpers (tests/test_toolkit.py)."""


def verdict(check: Any, answer: Any) -> str:
    return check(answer).message


# ---- the weights the lesson uses --------------------------------------------------------


def test_inline_tensors_are_the_notebooks() -> None:
    query, heads = lesson.inline_tensors()
    found = inline()
    assert torch.equal(query, found["Q"]) and torch.equal(heads, found["heads"])


def test_course_head_weights_are_the_inline_weights() -> None:
    words, weights = lesson.course_head_weights()
    assert words == WORDS and weights.shape == (4, 9, 9) and weights.dtype == torch.float64
    torch.testing.assert_close(weights.float(), inline()["weights"][0])
    _, causal = lesson.course_head_weights(causal=True)
    assert (causal.triu(1) == 0).all()
    torch.testing.assert_close(causal.sum(-1), torch.ones(4, 9, dtype=torch.float64))


# ---- picture ----------------------------------------------------------------------------


def test_heads_figure_draws_one_heatmap_per_head_on_one_scale() -> None:
    weights = inline()["weights"][0]  # (4, 9, 9)
    fig = lesson.heads_figure(weights, WORDS, "4 heads")
    assert len(fig.axes) == 4 and fig._suptitle.get_text() == "4 heads"
    assert [ax.get_title() for ax in fig.axes] == ["head 0", "head 1", "head 2", "head 3"]
    assert [ax.get_ylabel() for ax in fig.axes] == ["query (row)", "", "query (row)", ""]
    assert [ax.get_xlabel() for ax in fig.axes] == ["", "", "key (column)", "key (column)"]
    top = float(weights.max())
    for head, ax in enumerate(fig.axes):
        assert ax.collections[0].get_clim() == (0.0, top), "one colour scale for every head"
        numbers = [t.get_text() for t in ax.texts]
        assert numbers == [f"{x:.2f}" for x in weights[head].flatten().tolist()]
        assert [t.get_text() for t in ax.get_xticklabels()] == WORDS
    assert "0.35" in figure_text(fig)


# ---- explorer ---------------------------------------------------------------------------

TABLE = "query      strongest key   weight\n"


def test_drive_head_explorer() -> None:
    explorer = lesson.head_explorer()
    head, causal = explorer.controls["head"], explorer.controls["causal"]
    assert isinstance(head, widgets.Dropdown) and isinstance(causal, widgets.Checkbox)
    assert head.options == (
        ("head 0", 0), ("head 1", 1), ("head 2", 2), ("head 3", 3),
        ("average of the 4 heads", -1),
    )  # fmt: skip
    assert explorer.picture.layout.height == "200px"
    weights = inline()["weights"][0].double()

    def labels() -> list[str]:
        return picture_labels(explorer.picture.value)

    assert explorer.shown_text() == (
        "head 0 of 4 (d_head = 2), no mask: uniform would be 1/9 = 0.111\n"
        + TABLE
        + "The        brown           0.133\nquick      brown           0.138\n"
        "brown      brown           0.155\nfox        over            0.220\n"
        "jumps      lazy            0.142\nover       lazy            0.152\n"
        "a          brown           0.181\nlazy       over            0.148\n"
        "dog        brown           0.148"
    )
    assert labels() == [
        "Attention weights of head 0, 9 queries (rows) by 9 keys (columns), from 0 to 0.22."
    ]
    shown = picture_text(explorer.picture.value)
    assert shown.startswith("head 0: rows = queries, columns = keys The quick brown fox")
    assert " 0.22 " in shown and " jumps " in shown
    picture = explorer.view.picture
    assert isinstance(picture, Heatmap) and picture.low == 0.0
    torch.testing.assert_close(torch.tensor(picture.values, dtype=torch.float64), weights[0])
    snapshot = figure_text(figure(picture))
    assert "head 0: rows = queries, columns = keys" in snapshot and "query (row)" in snapshot

    head.value = 2
    assert explorer.shown_text().splitlines()[0] == (
        "head 2 of 4 (d_head = 2), no mask: uniform would be 1/9 = 0.111"
    )
    assert explorer.shown_text().splitlines()[4] == "brown      quick           0.350"
    assert labels() == [
        "Attention weights of head 2, 9 queries (rows) by 9 keys (columns), from 0 to 0.35."
    ]

    causal.value = True
    assert explorer.shown_text() == (
        "head 2 of 4 (d_head = 2), causal mask: uniform would be 1/(i + 1) for query i\n"
        + TABLE
        + "The        The             1.000\nquick      The             0.572\n"
        "brown      quick           0.752\nfox        quick           0.525\n"
        "jumps      brown           0.219\nover       over            0.208\n"
        "a          quick           0.211\nlazy       quick           0.188\n"
        "dog        brown           0.134"
    )
    assert labels() == [
        "Attention weights of head 2, 9 queries (rows) by 9 keys (columns), from 0 to 1.00."
    ]

    head.value = -1
    assert explorer.shown_text().splitlines()[:4] == [
        "average of the 4 heads (d_head = 2), causal mask: uniform would be 1/(i + 1) for query i",
        TABLE.strip(),
        "The        The             1.000",
        "quick      The             0.522",
    ]
    assert labels() == [
        "Attention weights of the average of the 4 heads, 9 queries (rows) by 9 keys "
        "(columns), from 0 to 1.00."
    ]

    causal.value = False
    assert explorer.shown_text().splitlines()[2:4] == [
        "The        jumps           0.120",
        "quick      fox             0.166",
    ]
    assert labels() == [
        "Attention weights of the average of the 4 heads, 9 queries (rows) by 9 keys "
        "(columns), from 0 to 0.17."
    ]
    torch.testing.assert_close(
        torch.tensor(explorer.view.picture.values, dtype=torch.float64), weights.mean(0)
    )
    assert explorer.view.picture.title == (
        "the average of the 4 heads: rows = queries, columns = keys"
    )

    head.value = 0
    assert explorer.shown_text().splitlines()[5] == "fox        over            0.220"


# ---- exercise checks --------------------------------------------------------------------


def test_check_split_query_heads() -> None:
    check = lesson.check_split_query_heads
    query = inline()["Q"]
    assert verdict(check, query.view(1, 9, 4, 2).transpose(1, 2)).startswith("Correct!")
    assert verdict(check, split_heads(query.double(), 4)).startswith("Correct!")
    assert "close, but not precise enough" in verdict(
        check, query.view(1, 9, 4, 2).transpose(1, 2).round(decimals=2)
    )
    assert "right shape, but this is Q.view(1, 4, 9, 2)" in verdict(check, query.view(1, 4, 9, 2))
    assert "the heads are not in front of the words yet" in verdict(check, query.view(1, 9, 4, 2))
    assert "your answer has shape (1, 9, 8); Q split into 4 heads has shape (1, 4, 9, 2)" in (
        verdict(check, query)
    )
    assert "these are not Q's features" in verdict(check, torch.zeros(1, 4, 9, 2))
    assert "these are not Q's features" in verdict(check, torch.zeros(1, 4, 9, 2, dtype=torch.long))
    assert "you gave None" in verdict(check, None)


def test_check_merged_heads() -> None:
    check = lesson.check_merged_heads
    heads = inline()["heads"]
    assert verdict(check, heads.transpose(1, 2).reshape(1, 9, 8)).startswith("Correct!")
    assert verdict(check, merge_heads(heads)).startswith("Correct!")
    assert "reshape without the transpose" in verdict(check, heads.reshape(1, 9, 8))
    assert "has shape (1, 9, 8)" in verdict(check, heads)
    assert "not the heads' context vectors" in verdict(check, torch.ones(1, 9, 8))
    assert "your answer has shape (2,); the merged heads has shape (1, 9, 8)" in verdict(
        check, [1, 2]
    )


def test_check_multihead_parameters() -> None:
    check = lesson.check_multihead_parameters
    counted = sum(p.numel() for p in MultiHeadAttention(384, 12).parameters())
    assert counted == 591_360 == sum(p.numel() for p in MultiHeadAttention(384, 6).parameters())
    assert verdict(check, counted).startswith("Correct! 4 × (384 × 384 + 384) = 591,360")
    assert verdict(check, 591360.0).startswith("Correct!")
    assert "589,824 counts the weights but not the biases" in verdict(check, 4 * 384 * 384)
    assert "147,840 is one nn.Linear(384, 384)" in verdict(check, 384 * 384 + 384)
    assert "forgets the output projection" in verdict(check, 3 * (384 * 384 + 384))
    assert "7,096,320 gives every head its own" in verdict(check, 12 * counted)
    assert "50,688 gives each head 32 × 32 weights" in verdict(check, 12 * 4 * (32 * 32 + 32))
    assert "288 is the lesson's MultiHeadAttention(8, 4)" in verdict(check, 288)
    assert "100 is not the number of parameters" in verdict(check, 100)
    assert "591360.5 is not the number of parameters" in verdict(check, 591360.5)
    assert "you gave True" in verdict(check, True)
    assert "you gave the text '591360'" in verdict(check, "591360")


def test_checks_hints_are_the_notebooks() -> None:
    """The hints are stored outputs of the placeholder cells: they must not change."""
    assert verdict(lesson.check_split_query_heads, ...).endswith(
        "Hint: view Q as (1, 9, 4, 2), then transpose(1, 2)."
    )
    assert verdict(lesson.check_merged_heads, ...).endswith(
        "Hint: transpose(1, 2) back to (1, 9, 4, 2), then reshape(1, 9, 8)."
    )
    assert verdict(lesson.check_multihead_parameters, ...).endswith(
        "Hint: four nn.Linear(384, 384) layers, each with a weight (384, 384) and a bias (384,)."
    )


# ---- bad input: helpers.multihead, which lessons 09 and 10 call with their own data ------


def loaded_from_torch(**kwargs: Any) -> Callable[[], Any]:
    """Load a MultiHeadAttention(8, 4) from an nn.MultiheadAttention built with ``kwargs``."""

    def call() -> Any:
        defaults = {"embed_dim": 8, "num_heads": 4, "batch_first": True}
        return MultiHeadAttention(8, 4).load_from_torch(
            nn.MultiheadAttention(**(defaults | kwargs))
        )

    return call


BAD_INPUT: list[tuple[Callable[[], object], type[Exception], str]] = [
    (lambda: lesson.heads_figure(torch.zeros(3, 3), ["a"] * 3), TypeError, "weights must be a (heads, n, n) float tensor"),
    (lambda: lesson.heads_figure(torch.zeros(2, 3, 3), ["a"] * 2), ValueError, "got shape (2, 3, 3) for 2 words"),
    (lambda: MultiHeadAttention(8, 3), ValueError, "num_heads must divide d_model (each head gets d_model / num_heads features); got d_model=8 and num_heads=3."),
    (lambda: MultiHeadAttention(10, 4), ValueError, "d_model=10 and num_heads=4"),
    (lambda: MultiHeadAttention(8.0, 4), TypeError, "d_model must be a positive int"),
    (lambda: MultiHeadAttention(8, 0), ValueError, "num_heads must be a positive int"),
    (lambda: MultiHeadAttention(-8, 2), ValueError, "d_model must be a positive int"),
    (lambda: MultiHeadAttention(8, True), TypeError, "num_heads must be a positive int"),
    (lambda: MultiHeadAttention(8, 4, bias=1), TypeError, "bias must be True or False"),
    (lambda: MultiHeadAttention(8, 4)([[0.0] * 8]), TypeError, "x must be a 2-D or 3-D torch.Tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 1, 2, 8)), ValueError, "got a 4-D tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 6)), ValueError, "x must have 8 features"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8, dtype=torch.long)), TypeError, "floating-point"),
    (lambda: MultiHeadAttention(8, 4)(torch.full((1, 3, 8), float("nan"))), ValueError, "must hold only finite numbers; got a tensor with NaN in it"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), torch.ones(3, 3)), TypeError, "mask must be a boolean tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), [[True] * 3] * 3), TypeError, "mask must be a boolean torch.Tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), causal_mask(4)), ValueError, "mask must broadcast"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(2, 3, 8), padding_mask([3, 2, 1])), ValueError, "mask must broadcast"),
    (lambda: split_heads(torch.zeros(3, 8), 2), ValueError, "x must be a 3-D tensor"),
    (lambda: split_heads(torch.zeros(1, 3, 8), 3), ValueError, "d_model=8 and num_heads=3"),
    (lambda: split_heads(torch.zeros(1, 3, 8), "2"), TypeError, "num_heads must be a positive int"),
    (lambda: merge_heads(torch.zeros(1, 3, 8)), ValueError, "x must be a 4-D tensor"),
    (lambda: MultiHeadAttention(8, 4).load_from_torch(nn.Linear(8, 8)), TypeError, "torch.nn.MultiheadAttention"),
    (loaded_from_torch(embed_dim=12), ValueError, "got embed_dim=12 and num_heads=4"),
    (loaded_from_torch(num_heads=2), ValueError, "got embed_dim=8 and num_heads=2"),
    (loaded_from_torch(batch_first=False), ValueError, "module must be built with batch_first=True (inputs (batch, n, d_model), as in this course); got batch_first=False, which reads inputs as (n, batch, d_model)."),
    (loaded_from_torch(kdim=6, vdim=6), ValueError, "kdim=6, vdim=6"),
    (loaded_from_torch(add_bias_kv=True), ValueError, "add_bias_kv=True"),
    (loaded_from_torch(add_zero_attn=True), ValueError, "add_bias_kv=False, add_zero_attn=True"),
    (loaded_from_torch(bias=False), ValueError, "bias=True like this module"),
]  # fmt: skip
