"""Lesson 05, softmax weights: its pictures, its explorer and its exercise checks.

Numbers come from the article's own code (tests/article_reference.py) with plain PyTorch,
independently of helpers; expected texts are written out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from article_reference import run_article
from course import figure_text, picture_labels, picture_text

from helpers.lessons import l05_softmax_weights as lesson
from helpers.ui.charts import Bars
from helpers.ui.pictures import Heatmap, figure

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]
LATER = torch.triu(torch.ones(9, 9, dtype=torch.bool), diagonal=1)
"""True above the diagonal: the keys after each query."""


def article_tensors() -> dict[str, Any]:
    with torch.random.fork_rng(devices=[]):
        found = run_article()
    return {name: value.detach() for name, value in found.items() if torch.is_tensor(value)}


def fox_by_hand() -> torch.Tensor:
    e = article_tensors()["attention_scores"][3].exp()
    return e / e.sum()


RIGHT_ANSWERS = {
    "check_fox_weights": fox_by_hand,
    "check_unscaled_weights": lambda: F.softmax(
        article_tensors()["query"] @ article_tensors()["key"].T, dim=-1
    ),
    "check_causal_weights": lambda: F.softmax(
        article_tensors()["attention_scores"].masked_fill(LATER, float("-inf")), dim=-1
    ),
    "check_shifted_weights": lambda: F.softmax(
        article_tensors()["attention_scores"][3] + 10, dim=-1
    ),
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


def softmax_weights(article: dict[str, Any], divisor: float) -> torch.Tensor:
    return F.softmax((article["query"] @ article["key"].T).detach() / divisor, dim=-1)


def weights_labels(words: list[str], weights: torch.Tensor, index: int) -> list[str]:
    """What the weights picture must say: the framed heatmap, then the chosen row's bars."""
    row = ", ".join(f"{w} {x:.2f}" for w, x in zip(words, weights[index].tolist(), strict=True))
    return [
        f"Attention weights of {len(words)} words, rows = queries, columns = keys; the row "
        f"of query {words[index]!r} is framed in orange.",
        f"Weights of query {words[index]!r} over the keys: {row}.",
    ]


# ---- pictures ----------------------------------------------------------------------------


def test_weights_bars_show_one_query_row(article: dict[str, Any]) -> None:
    weights = article["attention_weights"]
    bars = lesson.weights_bars(weights, WORDS, 3)
    assert isinstance(bars, Bars) and bars.labels == WORDS
    assert torch.allclose(torch.tensor(bars.series["weight"]), weights[3].detach())
    assert bars.title == (
        "How query 'fox' spreads its attention over the keys (the weights sum to 1)"
    )
    assert bars.description == (
        "Weights of query 'fox' over the keys: The 0.02, quick 0.02, brown 0.04, fox 0.35, "
        "jumps 0.01, over 0.11, a 0.07, lazy 0.36, dog 0.01."
    )
    text = figure_text(figure(bars))
    assert "0.35" in text and "0.36" in text and "lazy" in text


def test_weights_picture_frames_the_query_row() -> None:
    weights = torch.tensor([[0.5, 0.5], [0.25, 0.75]])
    picture = lesson.weights_picture(weights, ["a", "b"], 1, "caption")
    grid = picture.parts[0]
    assert isinstance(grid, Heatmap) and grid.framed_row == 1 and (grid.low, grid.high) == (0, 0.75)
    assert picture_labels(picture.html()) == [
        "Attention weights of 2 words, rows = queries, columns = keys; the row of query 'b' "
        "is framed in orange.",
        "Weights of query 'b' over the keys: a 0.25, b 0.75.",
    ]
    assert "caption" in picture_text(picture.html())
    assert picture.html().count("outline:2px solid") == 1


def test_weights_picture_escapes_typed_words() -> None:
    hostile = '<script>alert("x")</script>'
    markup = lesson.weights_picture(torch.ones(1, 1), [hostile], 0, hostile).html()
    assert "<script" not in markup and "&lt;script&gt;" in markup


# ---- explorer ----------------------------------------------------------------------------


def assert_weights_picture(explorer: Any, weights: torch.Tensor, index: int, caption: str) -> None:
    """The live picture and the snapshot both show ``weights`` with row ``index`` framed (the
    snapshot is drawn from the same description, so equal descriptions give equal PNGs)."""
    assert picture_labels(explorer.picture.value) == weights_labels(WORDS, weights, index)
    assert caption in picture_text(explorer.picture.value)
    grid, _ = explorer.view.picture.parts
    assert grid.framed_row == index and torch.allclose(torch.tensor(grid.values), weights)
    assert explorer.view.picture == lesson.weights_picture(weights, WORDS, index, caption)


def test_drive_softmax_explorer(article: dict[str, Any]) -> None:
    explorer = lesson.softmax_explorer()
    query, temperature, scale = (explorer.controls[k] for k in ("query", "temperature", "scale"))
    assert isinstance(query, widgets.Dropdown) and isinstance(scale, widgets.Checkbox)
    assert isinstance(temperature, widgets.SelectionSlider) and not temperature.continuous_update
    assert temperature.options == (("0.25", 0.25), ("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("4", 4.0))
    assert temperature.value == 1.0
    assert query.value == 3 and scale.value is True
    assert explorer.picture.layout.height == "170px"
    assert explorer.shown_text() == (
        "query 'fox' (row 3); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 1\n"
        "key word       The   quick   brown     fox   jumps    over       a    lazy     dog\n"
        "score       -0.425  -0.519   0.353   2.454  -1.062   1.331   0.912   2.500  -0.946\n"
        "weight       0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\n"
        "largest weight: 'lazy' 0.364; smallest: 0.010; sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value)[1] == (
        "Weights of query 'fox' over the keys: The 0.02, quick 0.02, brown 0.04, fox 0.35, "
        "jumps 0.01, over 0.11, a 0.07, lazy 0.36, dog 0.01."
    )
    assert_weights_picture(
        explorer,
        softmax_weights(article, math.sqrt(2)),
        3,
        "weights of query 'fox' (temperature 1)",
    )
    query.value = 8
    temperature.value = 0.25
    assert explorer.shown_text() == (
        "query 'dog' (row 8); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 0.25\n"
        "key word       The   quick   brown     fox   jumps    over       a    lazy     dog\n"
        "score        1.229   1.573  -0.992  -7.082   3.038  -3.815  -2.635  -7.174   2.621\n"
        "weight       0.079   0.111   0.009   0.000   0.482   0.001   0.002   0.000   0.317\n"
        "largest weight: 'jumps' 0.482; smallest: 0.000; sum of weights = 1.0000"
    )
    assert_weights_picture(
        explorer,
        softmax_weights(article, math.sqrt(2) * 0.25),
        8,
        "weights of query 'dog' (temperature 0.25)",
    )
    scale.value = False
    assert explorer.shown_text().splitlines()[0] == (
        "query 'dog' (row 8); scores not scaled, then ÷ temperature 0.25"
    )
    assert explorer.shown_text().splitlines()[2] == (
        "score        1.738   2.225  -1.403 -10.015   4.296  -5.395  -3.726 -10.145   3.706"
    )
    assert_weights_picture(
        explorer, softmax_weights(article, 0.25), 8, "weights of query 'dog' (temperature 0.25)"
    )
    temperature.value = 4.0
    assert "then ÷ temperature 4\n" in explorer.shown_text()
    assert_weights_picture(
        explorer, softmax_weights(article, 4.0), 8, "weights of query 'dog' (temperature 4)"
    )


# ---- exercise checks -----------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_fox_weights(article: dict[str, Any]) -> None:
    check = lesson.check_fox_weights
    scores = article["attention_scores"].detach()
    e = scores[3].exp()
    assert verdict(check, e / e.sum()).startswith("Correct! the weights of 'fox' sum to 1")
    assert verdict(check, (e / e.sum()).tolist()).startswith("Correct!")
    assert "you gave the whole 9 × 9 matrix" in verdict(check, article["attention_weights"])
    assert "you used column 3 of the scores" in verdict(check, F.softmax(scores[:, 3], dim=0))
    unscaled = (article["query"] @ article["key"].T).detach()[3]
    assert "weights of the unscaled scores" in verdict(check, unscaled.exp() / unscaled.exp().sum())
    # The sum of the exps is 33.50345 to 6 digits: on the rounding boundary of the fourth
    # decimal, so it prints 33.5035 on AVX2 and 33.5034 on AVX-512. The message carries the sum.
    assert abs(float(e.sum()) - 33.50345) < 1e-4
    assert f"yours sum to {float(e.sum()):.4f}." in verdict(check, e)
    assert "yours sum to 0.0000" in verdict(check, torch.zeros(9, dtype=torch.long))
    assert "your answer has shape (1, 9); the weights of 'fox' has shape (9,)" in verdict(
        check, (e / e.sum())[None]
    )
    assert "holds NaN or infinity" in verdict(check, torch.full((9,), float("nan")))
    assert "these are not the weights of 'fox'" in verdict(check, torch.full((9,), 1 / 9))
    assert "close, but not precise enough" in verdict(check, (e / e.sum()).round(decimals=2))


def test_check_unscaled_weights(article: dict[str, Any]) -> None:
    check = lesson.check_unscaled_weights
    raw = (article["query"] @ article["key"].T).detach()
    assert verdict(check, F.softmax(raw, dim=-1)).startswith(
        "Correct! without scaling, the largest weight of 'fox' grows from 0.364 to 0.430"
    )
    assert "these are the scaled weights" in verdict(check, article["attention_weights"])
    assert "softmax ran along dim=0" in verdict(check, F.softmax(raw, dim=0))
    assert "these are not the unscaled weights" in verdict(check, torch.full((9, 9), 1 / 9))
    assert "has shape (9, 9)" in verdict(check, F.softmax(raw, dim=-1)[3])


def test_check_causal_weights(article: dict[str, Any]) -> None:
    check = lesson.check_causal_weights
    scores = article["attention_scores"].detach()
    right = F.softmax(scores.masked_fill(LATER, float("-inf")), dim=-1)
    assert verdict(check, right).startswith("Correct! 'The' can only attend to itself")
    assert right[0, 0] == 1 and torch.allclose(right.sum(-1), torch.ones(9))
    assert "lesson's unmasked weights" in verdict(check, article["attention_weights"])
    zero_filled = F.softmax(scores.masked_fill(LATER, 0.0), dim=-1)
    assert "0 is an ordinary score" in verdict(check, zero_filled)
    assert "mask the scores before the softmax" in verdict(
        check, article["attention_weights"].detach().masked_fill(LATER, 0.0)
    )
    assert "these are not the masked weights" in verdict(check, torch.eye(9))
    earlier = torch.tril(torch.ones(9, 9, dtype=torch.bool), diagonal=-1)
    wrong_triangle = F.softmax(scores.masked_fill(earlier, float("-inf")), dim=-1)
    assert "the mask is the wrong triangle" in verdict(check, wrong_triangle)
    assert "use -inf" not in verdict(check, wrong_triangle)
    with_diagonal = F.softmax(
        scores.masked_fill(torch.triu(torch.ones(9, 9)).bool(), float("-inf")), -1
    )
    assert verdict(check, with_diagonal).startswith(
        "Not yet: row 0 is NaN: your mask blocks the diagonal"
    )
    assert "holds NaN or infinity" in verdict(check, right.masked_fill(LATER, float("inf")))


# ---- bad input -----------------------------------------------------------------------------

SQUARE = torch.full((3, 3), 1 / 3)

BAD_INPUT = [
    (lambda: lesson.weights_bars([[1.0]], ["a"], 0), TypeError, "weights must be a 2-D tensor (queries x keys); got [[1.0]] (type list)"),
    (lambda: lesson.weights_bars(torch.ones(3), ["a", "b", "c"], 0), TypeError, "weights must be a 2-D tensor (queries x keys); got tensor([1., 1., 1.])"),
    (lambda: lesson.weights_bars(SQUARE, ["a", "b"], 0), ValueError, "weights must be square with one row and column per word; got shape (3, 3) for 2 words"),
    (lambda: lesson.weights_bars(torch.ones(2, 3), ["a", "b", "c"], 0), ValueError, "got shape (2, 3) for 3 words"),
    (lambda: lesson.weights_bars(SQUARE, "abc", 0), ValueError, "weights must be square with one row and column per word; got shape (3, 3) for 3 words"),
    (lambda: lesson.weights_bars(SQUARE, ["a", "b", "c"], 3), ValueError, "query_index must be from 0 to 2; got 3"),
    (lambda: lesson.weights_bars(SQUARE, ["a", "b", "c"], "0"), TypeError, "query_index must be an int from 0 to 2; got '0' (type str)"),
]  # fmt: skip
"""What a learner might wrongly give the lesson's functions, and what the error must say."""


def test_check_shifted_weights(article: dict[str, Any]) -> None:
    check = lesson.check_shifted_weights
    scores = article["attention_scores"].detach()[3]  # (9,)
    shifted = F.softmax(scores + 10, dim=-1)
    assert torch.allclose(shifted, F.softmax(scores, dim=-1)), "the shift changes nothing"
    assert verdict(check, shifted).startswith("Correct! the same weights as before")
    assert verdict(check, shifted.tolist()).startswith("Correct!")
    assert "you added 10 to the weights" in verdict(check, shifted + 10)
    assert "multiplying sharpens them" in verdict(check, F.softmax(scores * 10, dim=-1))
    assert "not yet divided by their sum" in verdict(check, (scores + 10).exp())
    assert "the weights do not become equal" in verdict(check, torch.full((9,), 1 / 9))
    assert "not the weights of 'fox' after the shift" in verdict(check, shifted.flip(0))
    assert "your answer has shape (9, 9)" in verdict(check, torch.zeros(9, 9))
