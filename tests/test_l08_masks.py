"""Lesson 08, masks: its picture, its explorer, its exercise checks, and helpers.masks' bad input.

Numbers come from the article's own code (tests/article_reference.py) with plain PyTorch,
independently of helpers; expected texts are written out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article
from course import figure_text, picture_labels, picture_text

from helpers.attention import SelfAttention, scaled_dot_product_attention
from helpers.lessons import l08_masks as lesson
from helpers.masks import causal_mask, padding_mask
from helpers.ui.charts import Bars
from helpers.ui.pictures import ORANGE, Heatmap

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]
CAUSAL = torch.tril(torch.ones(9, 9, dtype=torch.bool))
EVERYTHING = torch.ones(9, 9, dtype=torch.bool)
FIVE = torch.tril(torch.ones(5, 5, dtype=torch.bool))
PADDING = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])


def article_weights(article: dict[str, Any], mask: torch.Tensor) -> torch.Tensor:
    scores = (article["query"] @ article["key"].T / math.sqrt(2)).detach()
    return F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


def window_self_weight(before: int = 2) -> torch.Tensor:
    """Exercise 2's answer from the article's scores: 'fox' under a causal window that keeps
    itself and the ``before`` words before it, written out as a band of the lower triangle."""
    band = torch.tril(torch.ones(9, 9, dtype=torch.bool)) & ~torch.tril(
        torch.ones(9, 9, dtype=torch.bool), diagonal=-(before + 1)
    )
    with torch.random.fork_rng(devices=[]):
        return article_weights(run_article(), band)[3, 3]


LEFT_REAL = torch.tensor([[[False, False, True, True]], [[True, True, True, True]]])  # (2, 1, 4)
LOWER = torch.tril(torch.ones(4, 4, dtype=torch.bool))  # (4, 4): key j <= query i
LEFT_PADDED_CAUSAL = LEFT_REAL & LOWER  # (2, 4, 4)

RIGHT_ANSWERS = {
    "check_causal_mask_of_five": lambda: FIVE.clone(),
    "check_window_self_weight": window_self_weight,
    "check_padding_mask_2_4": lambda: PADDING.clone(),
    "check_left_padded_causal_mask": lambda: LEFT_PADDED_CAUSAL.clone(),
}
"""The right answer of each exercise, computed without helpers (tests/test_toolkit.py)."""


# ---- the weights the lesson and its explorer use ----------------------------------------


# ---- the mask argument of helpers.scaled_dot_product_attention and SelfAttention ---------


def test_a_fully_masked_row_gives_nan_weights() -> None:
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1] = False
    _, weights = scaled_dot_product_attention(
        torch.ones(3, 2), torch.ones(3, 2), torch.ones(3, 4), mask
    )
    assert torch.isnan(weights[1]).all() and not torch.isnan(weights[[0, 2]]).any()


def test_a_mask_broadcasts_over_the_batch() -> None:
    x = torch.randn(2, 4, 3, generator=torch.Generator().manual_seed(2))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        module = SelfAttention(3, 2, 2, 4)
    mask = torch.tril(torch.ones(4, 4, dtype=torch.bool))
    together, weights = module.attend(x, mask)
    assert together.shape == (2, 4, 4) and weights.shape == (2, 4, 4)
    for i in range(2):
        torch.testing.assert_close(together[i], module(x[i], mask))
    torch.testing.assert_close(module(x), module(x, torch.ones(4, 4, dtype=torch.bool)))


def test_causal_weights_are_the_article_scores_masked(article: dict[str, Any]) -> None:
    weights, mask = lesson.causal_weights(True)
    assert torch.equal(mask, CAUSAL)
    assert torch.allclose(weights, article_weights(article, CAUSAL))
    assert weights[0, 0] == 1 and (weights[0, 1:] == 0).all()
    assert torch.allclose(weights.sum(dim=-1), torch.ones(9))
    unmasked, everything = lesson.causal_weights(False)
    assert torch.equal(everything, EVERYTHING)
    assert torch.equal(unmasked, article["attention_weights"].detach())


def test_causal_weights_leave_the_random_state_alone() -> None:
    lesson.course.cache_clear()
    lesson.causal_weights.cache_clear()
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    lesson.causal_weights(True)
    assert torch.equal(torch.rand(3), expected)


# ---- picture ----------------------------------------------------------------------------


def test_causal_weights_figure_draws_two_panels_and_the_future_line(
    article: dict[str, Any],
) -> None:
    masked = article_weights(article, CAUSAL)
    fig = lesson.causal_weights_figure(article["attention_weights"], masked, CAUSAL, WORDS)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_xticklabels()] == WORDS
    assert [t.get_text() for t in right.get_yticklabels()] == WORDS
    assert left.get_title().startswith("No mask") and right.get_title().startswith("Causal mask")
    assert left.get_xlabel() == "key (column)" and left.get_ylabel() == "query (row)"
    numbers = [t.get_text() for t in right.texts if t.get_text() != "×"]
    assert len(numbers) == 45, "81 cells, 36 blocked"
    assert [t.get_text() for t in right.texts].count("×") == 36
    assert numbers[0] == "1.00" and f"{masked[3, 3]:.2f}" == "0.81" and "0.81" in numbers
    assert "×" not in figure_text(fig).split("Causal mask")[0], "the left panel blocks nothing"
    for ax in (left, right):
        (line,) = ax.lines
        assert line.get_color() == ORANGE
        assert list(zip(line.get_xdata(), line.get_ydata(), strict=True))[:3] == [
            (1, 0), (1, 1), (2, 1)
        ], "the staircase runs along the diagonal's right edge"  # fmt: skip


# ---- explorer ---------------------------------------------------------------------------

HEADER = "key          The   quick   brown     fox   jumps    over       a    lazy     dog"


def grid_label(query: str, blocked: int) -> str:
    return (
        "Attention weights of 9 words, rows = queries, columns = keys; "
        f"{blocked} blocked cells striped grey; the row of query {query!r} is framed."
    )


def test_drive_causal_mask_explorer(article: dict[str, Any]) -> None:
    explorer = lesson.causal_mask_explorer()
    query, causal = explorer.controls["query"], explorer.controls["causal"]
    assert isinstance(query, widgets.Dropdown) and isinstance(causal, widgets.Checkbox)
    assert [label for label, _ in query.options][:4] == ["0: The", "1: quick", "2: brown", "3: fox"]
    assert query.value == 3 and causal.value is True
    assert explorer.picture.layout.height == "170px"

    assert explorer.shown_text() == (
        "query 3: 'fox'; causal mask on (it may attend to keys 0 to 3)\n"
        f"{HEADER}\n"
        "weight    0.0457  0.0416  0.0995  0.8132 blocked blocked blocked blocked blocked\n"
        "blocked keys (the words after 'fox'): jumps, over, a, lazy, dog\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value) == [
        grid_label("fox", 36),
        "Weights of query 'fox' over the keys: The 0.05, quick 0.04, brown 0.10, fox 0.81, "
        "jumps blocked, over blocked, a blocked, lazy blocked, dog blocked.",
    ]
    shown = picture_text(explorer.picture.value)
    assert "weights of query 'fox' (causal mask)" in shown and "× lazy" in shown
    assert shown.startswith("rows = queries, columns = keys The qui bro fox jum ove a laz dog")
    grid, bars = explorer.view.picture.parts
    assert isinstance(grid, Heatmap) and isinstance(bars, Bars)
    assert grid.framed_row == 3 and grid.blocked == (~CAUSAL).tolist()
    assert torch.allclose(torch.tensor(grid.values), article_weights(article, CAUSAL))
    assert bars.top == 1.0 and len(bars.series["weight"]) == 9

    causal.value = False
    assert explorer.shown_text() == (
        "query 3: 'fox'; causal mask off (it may attend to every key)\n"
        f"{HEADER}\n"
        "weight    0.0195  0.0178  0.0425  0.3473  0.0103  0.1129  0.0743  0.3637  0.0116\n"
        "blocked keys: none; weight on the later words (the future): 0.5729\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value)[0] == grid_label("fox", 0)
    assert "×" not in picture_text(explorer.picture.value)
    assert "weights of query 'fox' (no mask)" in picture_text(explorer.picture.value)
    grid, _ = explorer.view.picture.parts
    assert torch.equal(torch.tensor(grid.values), article["attention_weights"].detach())

    query.value = 0
    assert explorer.shown_text() == (
        "query 0: 'The'; causal mask off (it may attend to every key)\n"
        f"{HEADER}\n"
        "weight    0.1211  0.1238  0.1124  0.0906  0.1284  0.1019  0.1058  0.0908  0.1251\n"
        "blocked keys: none; weight on the later words (the future): 0.8789\n"
        "sum of weights = 1.0000"
    )

    causal.value = True
    assert explorer.shown_text() == (
        "query 0: 'The'; causal mask on (it may attend to key 0 only: itself)\n"
        f"{HEADER}\n"
        "weight    1.0000 blocked blocked blocked blocked blocked blocked blocked blocked\n"
        "blocked keys (the words after 'The'): quick, brown, fox, jumps, over, a, lazy, dog\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value)[1] == (
        "Weights of query 'The' over the keys: The 1.00, quick blocked, brown blocked, "
        "fox blocked, jumps blocked, over blocked, a blocked, lazy blocked, dog blocked."
    )

    query.value = 8
    last = (
        "{}\n"
        f"{HEADER}\n"
        "weight    0.1524  0.1661  0.0874  0.0191  0.2395  0.0432  0.0580  0.0186  0.2158\n"
        "blocked keys: none ('dog' is the last word: no later word to hide)\n"
        "sum of weights = 1.0000"
    )
    assert explorer.shown_text() == last.format(
        "query 8: 'dog'; causal mask on (it may attend to keys 0 to 8)"
    )
    causal.value = False
    assert explorer.shown_text() == last.format(
        "query 8: 'dog'; causal mask off (it may attend to every key)"
    )


# ---- exercise checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (FIVE, "Correct! each of the 5 tokens may attend to itself"),
        (~torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1), "Correct!"),
        (~FIVE, "True and False are swapped: this is the future (True = blocked)"),
        (FIVE.T, "that is the upper triangle"),
        (torch.tril(FIVE, diagonal=-1), "the diagonal is False, so no token may attend to itself"),
        (FIVE.float(), "your mask has dtype torch.float32; a mask must be torch.bool"),
        (FIVE.int(), "your mask has dtype torch.int32"),
        (CAUSAL, "the causal mask for 5 tokens has shape (5, 5); yours has shape (9, 9)"),
        (FIVE.tolist(), "the causal mask for 5 tokens is a boolean tensor; you gave [[True"),
        (torch.ones(5, 5, dtype=torch.bool), "this is not the causal mask"),
    ],
)
def test_check_causal_mask_of_five(answer: Any, expected: str) -> None:
    assert expected in lesson.check_causal_mask_of_five(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (0.8522, "Correct! 0.8522: 'fox' now sees only 'quick', 'brown' and itself"),
        (torch.tensor(0.85217), "Correct!"),
        (torch.tensor([0.8522]), "Correct!"),
        (0.8525, "Correct!"),
        (0.85, "that is the right answer rounded to 2 decimals"),
        (0.8132, "that is the weight under the whole causal mask"),
        (0.3473, "that is the weight without any mask"),
        (0.8910, "that window holds only 1 word before 'fox'"),
        (0.7381, "that window looks ahead"),
        (0.5920, "the blocked scores were set to 0"),
        (0.5, "0.5 is not the weight of 'fox' on itself under this window"),
        (torch.zeros(4), "the weight 'fox' puts on itself is one number; you gave 4 numbers"),
        ("0.8522", "you gave the text '0.8522'"),
    ],
)
def test_check_window_self_weight(answer: Any, expected: str) -> None:
    assert float(window_self_weight()) == pytest.approx(0.8522, abs=5e-5)
    assert float(window_self_weight(3)) == pytest.approx(0.8132, abs=5e-5), "3 back: causal"
    assert expected in lesson.check_window_self_weight(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (PADDING, "Correct! in sentence 0 every query may attend to the 2 real tokens only"),
        (padding_mask([2, 4]), "Correct!"),
        (PADDING[:, 0], "the right True and False, but shape (2, 4)"),
        (~PADDING, "True and False are swapped"),
        (PADDING.flip(-1), "this pads on the left"),
        (PADDING.float(), "your mask has dtype torch.float32"),
        (padding_mask([2, 4], n=5), "has shape (2, 1, 4); yours has shape (2, 1, 5)"),
        (padding_mask([4, 2]), "this is not the padding mask for lengths [2, 4]"),
        ([[1, 1, 0, 0], [1, 1, 1, 1]], "is a boolean tensor; you gave [[1, 1, 0, 0]"),
    ],
)
def test_check_padding_mask_2_4(answer: Any, expected: str) -> None:
    assert expected in lesson.check_padding_mask_2_4(answer).message


def test_checks_hints_are_the_notebooks() -> None:
    """The hints are stored outputs of the placeholder cells: they must not change."""
    assert lesson.check_causal_mask_of_five(...).message.endswith(
        "Hint: torch.triu(..., diagonal=1) builds the later words; True here means 'may attend'."
    )
    assert lesson.check_window_self_weight(...).message.endswith(
        "Hint: build the mask from two comparisons of positions, key j <= query i and j >= i - 2, "
        "mask the scores, softmax, then read row 3, column 3."
    )
    assert lesson.check_padding_mask_2_4(...).message.endswith(
        "Hint: helpers.masks.padding_mask(lengths) gives (batch, 1, n): True for real tokens."
    )


# ---- bad input: helpers.masks, which the lesson's cells call with their own numbers ------

BAD_INPUT: list[tuple[Callable[[], object], type[Exception], str]] = [
    (lambda: lesson.causal_weights_figure([[1.0]], CAUSAL.float(), CAUSAL, WORDS), TypeError, "unmasked must be a 2-D float tensor (queries x keys); got [[1.0]]"),
    (lambda: lesson.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL, WORDS[:8]), ValueError, "unmasked must have one row and one column per word, (8, 8); got shape (9, 9)"),
    (lambda: lesson.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL, [1] * 9), TypeError, "words must hold only strings"),
    (lambda: lesson.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL.float(), WORDS), TypeError, "mask must be a boolean tensor (True = may attend)"),
    (lambda: lesson.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL[:3, :3], WORDS), ValueError, "mask must have shape (9, 9); got (3, 3)"),
    (lambda: causal_mask(0), ValueError, "n must be a positive int; got 0"),
    (lambda: causal_mask(-3), ValueError, "n must be a positive int; got -3"),
    (lambda: causal_mask(2.0), TypeError, "n must be a positive int; got 2.0 (type float)"),
    (lambda: causal_mask(None), TypeError, "n must be a positive int; got None"),
    (lambda: causal_mask(True), TypeError, "n must be a positive int; got True (type bool)"),
    (lambda: padding_mask(3), TypeError, "lengths must be a list of ints, one per sentence; got 3 (type int)"),
    (lambda: padding_mask("3"), TypeError, "lengths must be a list of ints, one per sentence; got '3' (type str)"),
    (lambda: padding_mask([]), ValueError, "lengths must hold at least one sentence length; got an empty list"),
    (lambda: padding_mask([2, 0]), ValueError, "lengths[1] must be a positive int; got 0"),
    (lambda: padding_mask([2, 1.5]), TypeError, "lengths[1] must be a positive int; got 1.5 (type float)"),
    (lambda: padding_mask([5, 2], n=3), ValueError, "n must be at least the longest length, 5, since padding cannot shorten a sentence; got n=3"),
    (lambda: padding_mask([2], n="4"), TypeError, "n must be a positive int; got '4' (type str)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (LEFT_PADDED_CAUSAL, "Correct! each query may attend to the real tokens at or before it"),
        (LEFT_PADDED_CAUSAL, "the pad queries 0 and 1 may attend to nothing"),
        (padding_mask([2, 4]) & LOWER, "this pads on the right"),
        (LEFT_REAL, "that is only the padding mask (2, 1, 4)"),
        (LEFT_REAL.expand(2, 4, 4), "the causal part is missing"),
        (LOWER, "that is only the causal mask (4, 4)"),
        (LOWER.expand(2, 4, 4), "the padding part is missing"),
        (LEFT_REAL | LOWER, "| lets a key through when either mask allows it"),
        (~LEFT_PADDED_CAUSAL, "True and False are swapped"),
        (LEFT_PADDED_CAUSAL.int(), "your mask has dtype torch.int32"),
        (LEFT_PADDED_CAUSAL[:, :3], "has shape (2, 4, 4); yours has shape (2, 3, 4)"),
        (LEFT_PADDED_CAUSAL.flip(0), "this is not the mask for this left-padded batch"),
        (LEFT_PADDED_CAUSAL.tolist(), "is a boolean tensor; you gave [[[False"),
    ],
)
def test_check_left_padded_causal_mask(answer: Any, expected: str) -> None:
    assert expected in lesson.check_left_padded_causal_mask(answer).message
