"""Lesson 04, attention scores: its variance plot, its explorer and its exercise checks.

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
from course import NOTEBOOKS, figure_text, picture_labels, picture_text, read, text_of

import helpers
from helpers.lessons import l04_attention_scores as lesson
from helpers.ui.figures import render_png

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """The exercise's batch, built from the article's tensors: the sentence and its reverse."""
    with torch.random.fork_rng(devices=[]):
        found = run_article()
    x = torch.stack([found["embedded_sentence"], found["embedded_sentence"].flip(0)])
    return (x @ found["W_query"]).detach(), (x @ found["W_key"]).detach()


def article_score() -> torch.Tensor:
    with torch.random.fork_rng(devices=[]):
        return run_article()["attention_scores"].detach()[3, 8]


RIGHT_ANSWERS = {
    "check_fox_dog_score": article_score,
    "check_batch_scores": lambda: (lambda q, k: q @ k.transpose(-2, -1) / math.sqrt(2))(
        *article_batch()
    ),
    "check_new_key_score": lambda: new_key_score(),
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


# ---- the stored notebook prints the article's tensors ------------------------------------


def printed() -> str:
    nb = read(NOTEBOOKS / "04_attention_scores.ipynb")
    return "\n".join(
        text_of(output) for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
    )


def as_printed(tensor: torch.Tensor, precision: int = 4) -> str:
    torch.set_printoptions(precision=precision, sci_mode=False, linewidth=100)
    try:
        return str(tensor)
    finally:
        torch.set_printoptions(profile="default")


def test_the_lesson_prints_the_articles_scores(article: dict[str, Any]) -> None:
    assert as_printed(article["attention_scores"].detach()) in printed()
    unscaled = article["query"] @ article["key"].T
    # Three decimals: one raw score sits on a four-decimal rounding boundary (the lesson says why).
    assert as_printed(unscaled.detach(), precision=3) in printed()
    torch.testing.assert_close(unscaled / math.sqrt(2), article["attention_scores"])


def test_attention_scores_are_the_articles(article: dict[str, Any]) -> None:
    scores = helpers.attention_scores(article["query"], article["key"])
    assert torch.equal(scores, article["attention_scores"])


# ---- picture ---------------------------------------------------------------------------


def test_variance_figure_plots_the_three_lines() -> None:
    fig = lesson.variance_figure([2, 4, 8], [2.0, 4.1, 7.9], [1.0, 1.02, 0.99])
    (ax,) = fig.axes
    assert [list(line.get_ydata()) for line in ax.lines] == [
        [2.0, 4.0, 8.0], [2.0, 4.1, 7.9], [1.0, 1.02, 0.99]
    ]  # fmt: skip
    shown = figure_text(fig)
    for text in ("y = d_k", "q · k (unscaled)", "q · k / √d_k (scaled)", "variance of the score"):
        assert text in shown
    again = lesson.variance_figure([2, 4, 8], [2.0, 4.1, 7.9], [1.0, 1.02, 0.99])
    assert render_png(fig) == render_png(again)


# ---- explorer --------------------------------------------------------------------------


def test_random_scores_are_reproducible_and_spread_with_d_k() -> None:
    generator = torch.Generator().manual_seed(123)
    q, k = torch.randn(9, 16, generator=generator), torch.randn(9, 16, generator=generator)
    assert torch.equal(lesson.random_scores(16), q @ k.T)
    assert lesson.random_scores(512).std() > 10 * lesson.random_scores(2).std() / 2


def test_drive_scaling_explorer() -> None:
    explorer = lesson.scaling_explorer()
    (d_k,) = explorer.controls.values()
    assert isinstance(d_k, widgets.SelectionSlider) and explorer.picture.layout.height == "150px"
    assert d_k.options == (2, 4, 8, 16, 32, 64, 128, 256, 512) and d_k.value == 64
    assert explorer.shown_text() == (
        "d_k = 64: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\n"
        "unscaled scores: std 7.91, from -14.51 to 19.39\n"
        "scaled (÷ √64 = 8.00): std 0.99, from -1.81 to 2.42\n"
        "softmax of row 0: largest weight 0.54 unscaled, 0.29 scaled (equal weights would be 0.11)"
    )
    for size in (2, 4, 8, 16, 32, 128, 256, 512, 64):
        d_k.value = size
        generator = torch.Generator().manual_seed(123)
        q = torch.randn(9, size, generator=generator)
        k = torch.randn(9, size, generator=generator)
        raw = q @ k.T
        scaled = raw / math.sqrt(size)
        top_raw = torch.softmax(raw[0], dim=-1).max().item()
        top_scaled = torch.softmax(scaled[0], dim=-1).max().item()
        assert explorer.shown_text() == (
            f"d_k = {size}: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\n"
            f"unscaled scores: std {raw.std().item():.2f}, from {raw.min().item():.2f} to "
            f"{raw.max().item():.2f}\n"
            f"scaled (÷ √{size} = {math.sqrt(size):.2f}): std {scaled.std().item():.2f}, from "
            f"{scaled.min().item():.2f} to {scaled.max().item():.2f}\n"
            f"softmax of row 0: largest weight {top_raw:.2f} unscaled, {top_scaled:.2f} scaled "
            "(equal weights would be 0.11)"
        )
        assert picture_labels(explorer.picture.value) == [
            f"All 81 scores as dots on two number lines: unscaled from {raw.min().item():.2f} "
            f"to {raw.max().item():.2f}, scaled from {scaled.min().item():.2f} to "
            f"{scaled.max().item():.2f}.",
            f"Softmax of query 0's scores over the 9 keys: largest weight {top_raw:.2f} "
            f"unscaled, {top_scaled:.2f} scaled.",
        ]
        shown = picture_text(explorer.picture.value)
        assert f"all 81 scores, d_k = {size}" in shown
        assert "unscaled scaled" in shown and " ".join(f"k{j}" for j in range(9)) in shown
        spread, bars = explorer.view.picture.parts
        assert bars.labels == [f"k{j}" for j in range(9)], "random keys, not the sentence's words"
        assert torch.allclose(torch.tensor(spread.lines["scaled"]), scaled.flatten())
        assert torch.allclose(torch.tensor(bars.series["unscaled"]), torch.softmax(raw[0], -1))
    assert explorer.shown_text().startswith("d_k = 64: 9 random queries")
    assert lesson.scaling_explorer(512).shown_text().startswith("d_k = 512:")


def test_the_explorer_leaves_the_global_random_state_alone() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    lesson.scaling_explorer().controls["d_k"].value = 2
    lesson.check_batch_scores(torch.zeros(2, 9, 9))
    assert torch.equal(torch.rand(3), expected)


# ---- exercises -------------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (-0.9456, "Correct! attention_scores[3, 8] = -0.9456: 'fox' asks, 'dog' answers."),
        (article_score, "Correct!"),
        (-1.3374, "that is the unscaled score"),
        (-1.7704, "row and column are swapped"),
        (-0.9853, "you used the ids (fox 4, dog 3)"),
        (-0.95, "close, but not precise enough"),
        (0.5, "0.5 is not the scaled score"),
        (lambda: torch.zeros(9), "a score is one number; you gave 9 numbers (shape (9,))"),
        (float("nan"), "a score is a finite number"),
    ],
)
def test_check_fox_dog_score(answer: Any, expected: str) -> None:
    value = answer() if callable(answer) else answer
    assert expected in verdict(lesson.check_fox_dog_score, value)


def test_batch_inputs_are_the_sentence_and_its_reverse(article: dict[str, Any]) -> None:
    queries, keys = lesson.batch_inputs()
    assert queries.shape == keys.shape == (2, 9, 2) and not queries.requires_grad
    torch.testing.assert_close(queries[0], article["query"].detach())
    torch.testing.assert_close(keys[1], article["key"].detach().flip(0))
    q_batch, k_batch = article_batch()
    assert torch.equal(queries, q_batch) and torch.equal(keys, k_batch)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda q, k: q @ k.transpose(-2, -1) / math.sqrt(2), "Correct! two 9 × 9 score matrices"),
        (lambda q, k: helpers.attention_scores(q, k), "Correct!"),
        (lambda q, k: q @ k.mT / math.sqrt(2), "Correct!"),
        (lambda q, k: q @ k.transpose(-2, -1), "these are the unscaled scores"),
        (lambda q, k: k @ q.transpose(-2, -1) / math.sqrt(2), "rows and columns are swapped"),
        (lambda q, k: q[0] @ k[0].T / math.sqrt(2), "your scores are (9, 9): one sentence"),
        (lambda q, k: q @ k.transpose(-2, -1) / 3, "these are not the scaled scores"),
        (lambda q, k: q, "your answer has shape (2, 9, 2); the batch's scores has shape (2, 9, 9)"),
    ],
)
def test_check_batch_scores(answer: Any, expected: str) -> None:
    assert expected in verdict(lesson.check_batch_scores, answer(*lesson.batch_inputs()))


def test_batch_scores_weigh_values_as_torch_does() -> None:
    """The scores the check accepts, softmaxed and applied, are PyTorch's attention."""
    q, k = article_batch()
    v = torch.rand(2, 9, 4)
    scores = q @ k.transpose(-2, -1) / math.sqrt(2)
    assert lesson.check_batch_scores(scores).passed
    torch.testing.assert_close(
        torch.softmax(scores, dim=-1) @ v, F.scaled_dot_product_attention(q, k, v)
    )


def new_key_score() -> float:
    """Exercise 3's answer from the article's own code: query 'fox' against k_fox + k_dog, scaled,
    computed as a new dot product (not from the table)."""
    found = run_article()
    q, k = found["query"].detach(), found["key"].detach()  # (9, 2) each
    return float(q[3] @ (k[3] + k[8]) / math.sqrt(2))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (new_key_score(), "Correct! 2.454 + (-0.946) = 1.509: a score is a dot product"),
        (torch.tensor(new_key_score(), dtype=torch.float64), "Correct!"),
        (1.5086, "Correct!"),
        (1.5086 / 2, "that is the average of the two scores"),
        (1.5086 * math.sqrt(2), "that is the unscaled score"),
        (1.5086 / math.sqrt(2), "you divided by √d_k twice"),
        (2.4542 * -0.9457, "you multiplied the two scores"),
        (1.51, "close, but not precise enough"),
        (2.0, "2.0 is not the score of query 'fox' against k_fox + k_dog"),
        ("1.5", "you gave the text '1.5'; write a score as a number"),
    ],
)
def test_check_new_key_score(answer: Any, expected: str) -> None:
    assert expected in verdict(lesson.check_new_key_score, answer)


# ---- bad input -------------------------------------------------------------------------

BAD_INPUT = [
    (lambda: lesson.variance_figure([2, 4], [2.0], [1.0, 1.0]), ValueError, "dims, raw and scaled must have the same length; got 2, 1 and 2"),
    (lambda: lesson.variance_figure([0, 4], [2.0, 4.0], [1.0, 1.0]), ValueError, "dims must hold positive numbers (log axes)"),
    (lambda: lesson.variance_figure("24", [2.0], [1.0]), TypeError, "dims must be a sequence of numbers; got '24' (type str)"),
    (lambda: lesson.variance_figure([2], 3.0, [1.0]), TypeError, "raw must be a sequence of numbers; got 3.0 (type float)"),
    (lambda: lesson.scaling_explorer(0), ValueError, "d_k must be one of the slider's values (2, 4, 8, 16, 32, 64, 128, 256, 512); got 0 (type int)"),
    (lambda: lesson.scaling_explorer(True), ValueError, "d_k must be one of the slider's values (2, 4, 8, 16, 32, 64, 128, 256, 512); got True (type bool)"),
]  # fmt: skip


def test_when_T_on_a_batch_goes_unnoticed() -> None:
    """Pitfall 2's claim: `.T` keeps (B, n, d_k) exactly when B = d_k; the product
    `q @ k.T` then still raises, unless n = d_k too, when it runs and gives wrong numbers."""
    q = torch.randn(2, 9, 2)
    assert q.mT.shape == (2, 2, 9) and q.permute(2, 1, 0).shape == q.shape  # what .T does
    with pytest.raises(RuntimeError):
        q @ q.permute(2, 1, 0)  # n = 9 != d_k = 2
    square = torch.randn(2, 2, 2)  # B = n = d_k
    wrong = square @ square.permute(2, 1, 0)
    assert wrong.shape == (2, 2, 2) and not torch.allclose(wrong, square @ square.mT)


def test_the_scaled_fox_dog_score_is_a_few_float32_steps_from_a_rounding_boundary(
    article: dict[str, Any],
) -> None:
    """The note under the score matrix: -0.94565 sits about 3 float32 steps from the boundary
    between -0.9456 and -0.9457, so only the scalar-kernel run shows that it prints alike."""
    score = float(article["attention_scores"].detach()[3, 8])
    steps = abs(score - -0.94565) / 2**-24  # one float32 step between 0.5 and 1
    assert 2 <= steps <= 4, steps
