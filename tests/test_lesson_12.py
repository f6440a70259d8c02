"""Lesson 12 (watching attention learn): its pictures, its explorer and its exercise checks.

The training itself is tested in tests/test_training.py. Expected texts are written out
here, as the lesson prints them.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

import helpers.beyond_exercises as exercises
import helpers.beyond_explorers as explorers
import helpers.beyond_figures as figures
from helpers import training
from helpers.figures import render_png
from helpers.html_pictures import picture_labels

HEADER = "after {step} of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)"
START = "(at step 0 that weight was 0.167, about 1/6; the perfect pattern gives 1)"


def labels_of(step: int, sequence: str, weights: str) -> list[str]:
    return [
        f"Attention weights at step {step} for the sequence {sequence}, rows = queries, "
        f"columns = keys; weight of each query on the previous position: {weights}."
    ]


def snapshot(step: int, sequence: int) -> bytes:
    run = training.lesson_run(10)
    weights = next(c for c in run.checkpoints if c.step == step).weights[sequence]
    labels = training.token_labels(training.lesson_data()[1][sequence])
    return render_png(figures.checkpoint_figure(weights, labels, step))


def test_drive_training_explorer() -> None:
    explorer = explorers.training_explorer()
    step, sequence = explorer.controls["step"], explorer.controls["sequence"]
    assert isinstance(step, widgets.SelectionSlider) and isinstance(sequence, widgets.Dropdown)
    assert [value for _, value in step.options] == list(range(0, 201, 10))
    assert sequence.options == (
        ("1. E C B F C B", 0), ("2. C A A A C B", 1), ("3. D E A B D C", 2), ("4. E E E E B D", 3),
    )  # fmt: skip
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
    assert picture_labels(explorer.picture.value) == labels_of(
        0, "E C B F C B", "0:E 0.17, 1:C 0.12, 2:B 0.14, 3:F 0.15, 4:C 0.26, 5:B 0.21"
    )
    assert ">0:E<" in explorer.picture.value and ">0.17<" in explorer.picture.value
    assert explorer.snapshot_png() == snapshot(0, 0)

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
    assert picture_labels(explorer.picture.value) == labels_of(
        50, "E C B F C B", "0:E 0.38, 1:C 0.66, 2:B 0.54, 3:F 0.34, 4:C 0.74, 5:B 0.58"
    )
    assert explorer.snapshot_png() == snapshot(50, 0)

    sequence.value = 1
    assert explorer.shown_text().splitlines()[3:] == [
        "sequence   C  A  A  A  C  B",
        "target     B  C  A  A  A  C   (each token's previous one)",
        "predicted  C  C  A  C  A  C   (4 of 6 right)",
    ]
    assert picture_labels(explorer.picture.value) == labels_of(
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
    assert picture_labels(explorer.picture.value) == labels_of(
        200, "C A A A C B", "0:C 0.93, 1:A 0.98, 2:A 0.95, 3:A 0.97, 4:C 0.96, 5:B 0.97"
    )
    assert explorer.snapshot_png() == snapshot(200, 1)

    for k in (2, 3):
        sequence.value = k
        assert explorer.shown_text().splitlines()[-1].endswith("(6 of 6 right)")


# ---- figures ------------------------------------------------------------------------------


def test_the_figures_draw() -> None:
    run = training.lesson_run()
    steps = [c.step for c in run.checkpoints]
    curves = figures.training_curves_figure(
        run.batch_losses,
        steps,
        [c.loss for c in run.checkpoints],
        [c.correct_weight for c in run.checkpoints],
    )
    assert isinstance(curves, Figure) and len(curves.axes) == 2
    assert curves.axes[0].get_yscale() == "log"
    labels = training.token_labels(training.lesson_data()[1][0])
    pair = figures.before_after_figure(
        run.checkpoints[0].weights[0], run.checkpoints[-1].weights[0], labels
    )
    assert [ax.get_title() for ax in pair.axes] == ["before training", "after training"]
    assert render_png(pair).startswith(b"\x89PNG")
    one = figures.checkpoint_figure(run.checkpoints[2].weights[0], labels, 50)
    assert one.axes[0].get_title() == "attention weights at step 50"


# ---- exercise checks ----------------------------------------------------------------------


def test_check_two_back_pattern() -> None:
    check = exercises.check_two_back_pattern
    assert check(torch.eye(6).roll(-2, dims=1)).passed
    assert check(torch.eye(6).roll(4, dims=1).bool()).passed, "a boolean pattern is fine too"
    assert check(torch.eye(6, dtype=torch.long).roll(-2, dims=1)).passed
    assert "the lesson's pattern, one position back" in check(torch.eye(6).roll(-1, dims=1)).message
    assert "two positions *forward*" in check(torch.eye(6).roll(2, dims=1)).message
    assert "the diagonal" in check(torch.eye(6)).message
    no_wrap = torch.eye(6).roll(-2, dims=1)
    no_wrap[:2] = 0
    assert "queries 0 and 1 have no weight" in check(no_wrap).message
    assert "shape (5, 5)" in check(torch.eye(5)).message
    assert "NaN" in check(torch.full((6, 6), float("nan"))).message
    assert check(torch.zeros(6, 6)).message.startswith("Not yet: this is not the two-positions")
    assert "(6, 6) tensor" in check([[0] * 6] * 6).message


def test_check_chance_loss() -> None:
    check = exercises.check_chance_loss
    assert check(math.log(6)).passed and check(-math.log(1 / 6)).passed
    assert check(torch.tensor(6.0).log()).passed
    assert check(1.792).passed
    assert "probability of the right token" in check(1 / 6).message
    assert "the sign" in check(-math.log(6)).message
    assert "natural logarithm" in check(math.log10(6)).message
    assert "natural logarithm" in check(math.log2(6)).message
    assert "is not the loss of an even guess" in check(1.952).message


def test_check_previous_weight() -> None:
    check = exercises.check_previous_weight
    after = training.lesson_run().checkpoints[-1].weights[0]
    queries = torch.arange(6)
    right = after[queries, (queries - 1) % 6].mean()
    assert check(right).passed and check(right.item()).passed
    assert check(training.mean_weight_on_previous(after)).passed
    assert "0.959" in check(right).message
    assert "mean of the whole matrix" in check(after.mean()).message
    assert "mean of the diagonal" in check(after.diagonal().mean()).message
    assert "*next* position" in check(after[queries, (queries + 1) % 6].mean()).message
    assert "query 0 is missing" in check(after[queries[1:], queries[1:] - 1].mean()).message
    assert "one number" in check(after[queries, (queries - 1) % 6]).message
    assert "is not the mean weight" in check(0.5).message
