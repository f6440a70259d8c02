"""Lesson 09 (multi-head attention): its exercise checks and its head explorer."""

from __future__ import annotations

import torch

import helpers.beyond_exercises as beyond_exercises
from helpers.beyond_explorers import course_head_weights, head_explorer
from helpers.figures import heatmap_figure, render_png
from helpers.html_pictures import picture_labels
from helpers.multihead import course_example, merge_heads, split_heads


def verdict(check, answer) -> str:
    return check(answer).message


def lesson_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's Q (1, 9, 8) and heads (1, 4, 9, 2), computed as the notebook does."""
    _, x, module = course_example()
    with torch.no_grad():
        q, k, v = (split_heads(layer(x), 4) for layer in (module.query, module.key, module.value))
        weights = torch.softmax(q @ k.transpose(-2, -1) / 2**0.5, dim=-1)
        return module.query(x), weights @ v


def test_check_split_query_heads() -> None:
    check = beyond_exercises.check_split_query_heads
    query, _ = lesson_tensors()
    assert verdict(check, query.view(1, 9, 4, 2).transpose(1, 2)).startswith("Correct!")
    assert verdict(check, split_heads(query.double(), 4)).startswith("Correct!")
    assert "right shape, but this is Q.view(1, 4, 9, 2)" in verdict(check, query.view(1, 4, 9, 2))
    assert "the heads are not in front of the words yet" in verdict(check, query.view(1, 9, 4, 2))
    assert "has shape (1, 4, 9, 2)" in verdict(check, query)
    assert "these are not Q's features" in verdict(check, torch.zeros(1, 4, 9, 2))
    assert "holds floats" in verdict(check, torch.zeros(1, 4, 9, 2, dtype=torch.long))
    assert "you gave None" in verdict(check, None)


def test_check_merged_heads() -> None:
    check = beyond_exercises.check_merged_heads
    _, heads = lesson_tensors()
    assert verdict(check, heads.transpose(1, 2).reshape(1, 9, 8)).startswith("Correct!")
    assert verdict(check, merge_heads(heads)).startswith("Correct!")
    assert "reshape without the transpose" in verdict(check, heads.reshape(1, 9, 8))
    assert "has shape (1, 9, 8)" in verdict(check, heads)
    assert "not the heads' context vectors" in verdict(check, torch.ones(1, 9, 8))
    assert "you gave [1, 2]" in verdict(check, [1, 2])


def test_check_multihead_parameters() -> None:
    check = beyond_exercises.check_multihead_parameters
    assert verdict(check, 288).startswith("Correct! 4 × (64 + 8) = 288")
    assert "not the biases" in verdict(check, 256)
    assert "forgets the output projection" in verdict(check, 216)
    assert "counts per head" in verdict(check, 288 * 4)
    assert "is not the number of parameters" in verdict(check, 100)
    assert "is an int; you gave 288.0" in verdict(check, 288.0)
    assert "you gave True" in verdict(check, True)


def test_course_head_weights() -> None:
    words, weights = course_head_weights()
    assert len(words) == 9 and weights.shape == (4, 9, 9) and weights.dtype == torch.float64
    _, x, module = course_example()
    _, expected = module.attend(x)
    torch.testing.assert_close(weights.float(), expected[0].detach())
    _, causal = course_head_weights(causal=True)
    assert (causal.triu(1) == 0).all()


TABLE = "query      strongest key   weight\n"


def test_drive_head_explorer() -> None:
    explorer = head_explorer()
    head, causal = explorer.controls["head"], explorer.controls["causal"]
    words, weights = course_head_weights()

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
    assert ">0.22<" in explorer.picture.value and ">jumps<" in explorer.picture.value
    assert explorer.snapshot_png() == render_png(
        heatmap_figure(
            weights[0],
            words,
            words,
            "head 0: rows = queries, columns = keys",
            row_title="query (row)",
            column_title="key (column)",
        )
    )

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
    _, all_weights = course_head_weights()
    assert explorer.snapshot_png() == render_png(
        heatmap_figure(
            all_weights.mean(0),
            words,
            words,
            "the average of the 4 heads: rows = queries, columns = keys",
            row_title="query (row)",
            column_title="key (column)",
        )
    )

    head.value = 0
    assert explorer.shown_text().splitlines()[5] == "fox        over            0.220"
