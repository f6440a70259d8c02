"""Lesson 12, watching attention learn: its pictures, its explorer and its exercise checks.

The training itself is tested in tests/test_training.py. Right answers come from the
lesson's inline training loop, written out in plain PyTorch in tests/test_training.py; expected texts are
written out as the lesson prints them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import torch
from course import figure_text, picture_labels, picture_text
from matplotlib.patches import Rectangle
from test_training import inline_training

from helpers import training
from helpers.lessons import l12_watching_attention_learn as lesson
from helpers.ui.figures import render_png
from helpers.ui.pictures import figure

HELD_OUT = torch.randint(0, 6, (256, 6), generator=torch.Generator().manual_seed(124))


@functools.cache
def trained_weights() -> torch.Tensor:
    """The example sequence's (6, 6) weights after training (the lesson's ``after``)."""
    model = inline_training()[0]
    with torch.no_grad():
        return model(HELD_OUT[0])[1]


def previous_weight() -> torch.Tensor:
    queries = torch.arange(6)
    return trained_weights()[queries, (queries - 1) % 6].mean()


RIGHT_ANSWERS = {
    "check_two_back_pattern": lambda: torch.eye(6).roll(-2, dims=1),
    "check_chance_loss": lambda: torch.tensor(-math.log(1 / 6), dtype=torch.float64),
    "check_previous_weight": previous_weight,
}
"""The right answer of each exercise, computed without the lesson module (tests/test_answers.py)."""


# ---- explorer ----------------------------------------------------------------------------

HEADER = "after {step} of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)"
START = "(at step 0 that weight was 0.167, about 1/6; the perfect pattern gives 1)"


def label_of(step: int, sequence: str, weights: str) -> list[str]:
    return [
        f"Attention weights at step {step} for the sequence {sequence}, rows = queries, "
        f"columns = keys; weight of each query on the previous position: {weights}."
    ]


def test_drive_training_explorer() -> None:
    explorer = lesson.training_explorer()
    step, sequence = explorer.controls["step"], explorer.controls["sequence"]
    assert isinstance(step, widgets.SelectionSlider) and isinstance(sequence, widgets.Dropdown)
    assert [value for _, value in step.options] == list(range(0, 201, 10))
    assert step.description == "Training step:" and step.layout.width == "480px"
    assert sequence.options == (
        ("1. E C B F C B", 0), ("2. C A A A C B", 1), ("3. D E A B D C", 2), ("4. E E E E B D", 3),
    )  # fmt: skip
    assert explorer.picture.layout.height == "150px"
    assert explorer.fallback.startswith("[Training explorer: slide through the training steps")
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=0),
            "held-out sequences: loss 1.952   accuracy 0.160   mean weight on the previous position 0.167",
            START,
            "sequence   E  C  B  F  C  B",
            "target     B  E  C  B  F  C   (each token's previous one)",
            "predicted  F  F  F  F  F  F   (1 of 6 right)",
        ]
    )
    html = explorer.picture.value
    assert picture_labels(html) == label_of(
        0, "E C B F C B", "0:E 0.17, 1:C 0.12, 2:B 0.14, 3:F 0.15, 4:C 0.26, 5:B 0.21"
    )
    assert picture_text(html).startswith(
        "attention weights at step 0 (rows = queries, columns = keys) "
        "0:E 1:C 2:B 3:F 4:C 5:B 0:E 0.10 0.14 0.13 0.25 0.21 0.17 1:C 0.12 "
    )
    assert (
        explorer.view.picture.values == training.lesson_run(10).checkpoints[0].weights[0].tolist()
    )

    step.value = 50
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=50),
            "held-out sequences: loss 0.907   accuracy 0.802   mean weight on the previous position 0.539",
            START,
            "sequence   E  C  B  F  C  B",
            "target     B  E  C  B  F  C   (each token's previous one)",
            "predicted  B  E  C  B  F  C   (6 of 6 right)",
        ]
    )
    assert picture_labels(explorer.picture.value) == label_of(
        50, "E C B F C B", "0:E 0.38, 1:C 0.66, 2:B 0.54, 3:F 0.34, 4:C 0.74, 5:B 0.58"
    )
    assert "attention weights at step 50 (rows = queries, columns = keys)" in picture_text(
        explorer.picture.value
    )

    sequence.value = 1
    assert explorer.shown_text().splitlines()[3:] == [
        "sequence   C  A  A  A  C  B",
        "target     B  C  A  A  A  C   (each token's previous one)",
        "predicted  C  C  A  C  A  C   (4 of 6 right)",
    ]
    assert picture_labels(explorer.picture.value) == label_of(
        50, "C A A A C B", "0:C 0.36, 1:A 0.66, 2:A 0.43, 3:A 0.30, 4:C 0.62, 5:B 0.59"
    )

    step.value = 200
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=200),
            "held-out sequences: loss 0.001   accuracy 1.000   mean weight on the previous position 0.959",
            START,
            "sequence   C  A  A  A  C  B",
            "target     B  C  A  A  A  C   (each token's previous one)",
            "predicted  B  C  A  A  A  C   (6 of 6 right)",
        ]
    )
    assert picture_labels(explorer.picture.value) == label_of(
        200, "C A A A C B", "0:C 0.93, 1:A 0.98, 2:A 0.95, 3:A 0.97, 4:C 0.96, 5:B 0.97"
    )
    snapshot = figure_text(figure(explorer.view.picture))
    assert "attention weights at step 200 (rows = queries, columns = keys)" in snapshot
    assert "query (position:token)" in snapshot and "key (position:token)" in snapshot

    for k in (2, 3):
        sequence.value = k
        assert explorer.shown_text().splitlines()[-1].endswith("(6 of 6 right)")


# ---- pictures ----------------------------------------------------------------------------


def test_training_curves_figure() -> None:
    run = training.lesson_run()
    fig = lesson.training_curves_figure(
        run.batch_losses,
        [c.step for c in run.checkpoints],
        [c.loss for c in run.checkpoints],
        [c.correct_weight for c in run.checkpoints],
    )
    left, right = fig.axes
    assert left.get_yscale() == "log"
    assert [left.get_title(), right.get_title()] == [
        "The loss falls",
        "Attention moves to the right key",
    ]
    assert left.lines[0].get_ydata().tolist() == run.batch_losses
    assert right.lines[0].get_ydata().tolist() == [c.correct_weight for c in run.checkpoints]
    assert [t.get_text() for t in right.texts] == ["chance: 1/6", "perfect: 1"]
    assert render_png(fig).startswith(b"\x89PNG")


def test_before_after_figure_frames_the_previous_position() -> None:
    labels = ["0:E", "1:C", "2:B", "3:F", "4:C", "5:B"]
    after = trained_weights()
    fig = lesson.before_after_figure(torch.full((6, 6), 1 / 6), after, labels)
    assert [ax.get_title() for ax in fig.axes] == ["before training", "after training"]
    right = fig.axes[1]
    assert [t.get_text() for t in right.get_yticklabels()] == labels
    assert right.get_ylabel() == "query (position:token)"
    assert [t.get_text() for t in right.texts] == [f"{w:.2f}" for w in after.flatten().tolist()]
    frames = [p.get_xy() for p in right.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert frames == [((i - 1) % 6, i) for i in range(6)], "row i frames key i - 1"
    assert render_png(fig).startswith(b"\x89PNG")


# ---- exercise checks ---------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_two_back_pattern() -> None:
    check = lesson.check_two_back_pattern
    assert check(torch.eye(6).roll(-2, dims=1)).passed
    assert check(torch.eye(6).roll(4, dims=1).bool()).passed, "a boolean pattern is fine too"
    assert check(torch.eye(6, dtype=torch.long).roll(-2, dims=1).tolist()).passed
    assert "the lesson's pattern, one position back" in verdict(check, torch.eye(6).roll(-1, 1))
    assert "two positions *forward*" in verdict(check, torch.eye(6).roll(2, dims=1))
    assert "the diagonal" in verdict(check, torch.eye(6))
    no_wrap = torch.eye(6).roll(-2, dims=1)
    no_wrap[:2] = 0
    assert "queries 0 and 1 have no weight" in verdict(check, no_wrap)
    assert "your answer has shape (5, 5); the pattern has shape (6, 6)" in verdict(
        check, torch.eye(5)
    )
    assert "NaN or infinity" in verdict(check, torch.full((6, 6), float("nan")))
    assert verdict(check, torch.zeros(6, 6)).startswith("Not yet: this is not the two-positions")
    assert "close, but not precise enough" in verdict(check, 0.99 * torch.eye(6).roll(-2, 1))


def test_check_chance_loss() -> None:
    check = lesson.check_chance_loss
    assert check(math.log(6)).passed and check(torch.tensor(6.0).log()).passed
    assert check(1.792).passed, "three decimals are within the check's 1e-3"
    assert "close, but not precise enough" in verdict(check, 1.79)
    assert "probability of the right token" in verdict(check, 1 / 6)
    assert "the sign" in verdict(check, -math.log(6))
    assert "natural logarithm" in verdict(check, math.log10(6))
    assert "natural logarithm" in verdict(check, math.log2(6))
    assert "1.952 is not the loss of an even guess" in verdict(check, 1.952)
    assert "write the loss as a number, without quotes" in verdict(check, "1.79")


def test_check_previous_weight() -> None:
    check = lesson.check_previous_weight
    after = trained_weights()
    queries = torch.arange(6)
    right = previous_weight()
    assert check(right).passed and check(right.item()).passed
    assert check(training.mean_weight_on_previous(after)).passed
    assert verdict(check, right).startswith("Correct! 0.959: almost all")
    assert "query 0 is missing" in verdict(check, after[queries[1:], queries[1:] - 1].mean())
    assert "close, but not precise enough" in verdict(check, round(right.item(), 2))
    assert "mean of the whole matrix" in verdict(check, after.mean())
    assert "mean of the diagonal" in verdict(check, after.diagonal().mean())
    assert "*next* position" in verdict(check, after[queries, (queries + 1) % 6].mean())
    assert "one number; you gave 6 numbers" in verdict(check, after[queries, (queries - 1) % 6])
    assert "0.5000 is not the mean weight" in verdict(check, 0.5)


# ---- bad input: the figures take the lesson's own numbers --------------------------------

BAD_INPUT = [
    (lambda: lesson.training_curves_figure("1.0", [0], [1.0], [0.5]), TypeError, "batch_losses must be a non-empty list of numbers; got '1.0' (type str)"),
    (lambda: lesson.training_curves_figure([1.0], [0], ["1"], [0.5]), TypeError, "held_out_losses must hold only numbers"),
    (lambda: lesson.training_curves_figure([1.0], [0, 1], [1.0], [0.5]), ValueError, "steps, held_out_losses and correct_weights must have one entry per checkpoint; got 2, 1 and 1."),
    (lambda: lesson.training_curves_figure([1.0, float("nan")], [0], [1.0], [0.5]), ValueError, "batch_losses must hold finite numbers"),
    (lambda: lesson.training_curves_figure([1.0, 0.0], [0], [1.0], [0.5]), ValueError, "batch_losses and held_out_losses must be positive (the loss axis is logarithmic); got a smallest loss of 0.0"),
    (lambda: lesson.before_after_figure(torch.eye(6), torch.eye(5), ["a"] * 6), ValueError, "weights must have one row and one column per word, (6, 6); got shape (5, 5)."),
    (lambda: lesson.before_after_figure([[1.0]], torch.eye(1), ["a"]), TypeError, "weights must be a 2-D float tensor (queries x keys); got [[1.0]] (type list)"),
    (lambda: lesson.before_after_figure(torch.eye(2, dtype=torch.long), torch.eye(2), ["a", "b"]), TypeError, "weights must be a 2-D float tensor"),
    (lambda: lesson.before_after_figure(torch.eye(2), torch.eye(2), "ab"), TypeError, "words must be a list of strings; got 'ab' (type str)"),
    (lambda: lesson.before_after_figure(torch.eye(2), torch.eye(2), [0, 1]), TypeError, "words must hold only strings"),
]  # fmt: skip
