"""Lesson 11, the cost of attention: its explorer, exercise checks and pictures (issue 9).

Expected numbers are written out here (worked by hand from n² (d_k + d_v) and n·d·(2 d_k + d_v)),
not computed by the code under test.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pytest
import torch

import helpers.beyond_exercises as exercises
import helpers.beyond_explorers as explorers
import helpers.beyond_figures as figures
from helpers.cost import load_measured_costs
from helpers.figures import render_png
from helpers.html_pictures import picture_labels

START = (
    "n = 512 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\n"
    "score matrix: 512 × 512 × 4 B = 1.0 MiB per head, 8.0 MiB for all 8 heads\n"
    "multiply-adds of attention (QKᵀ and weights·V): 268,435,456\n"
    "multiply-adds of the projections (Q, K, V): 402,653,184\n"
    "attention ÷ projections = 2n ÷ (3 d_model) = 0.67: the projections dominate (equal at n = 768)\n"
    "compared with n = 9 (our sentence) and the same sizes: × 3,236.3 memory and attention "
    "multiply-adds"
)


def memory_label(n: str, vectors: str, scores: str) -> str:
    return (
        f"Memory per head at n = {n}: Q {vectors}, K {vectors}, V {vectors}, scores {scores}, "
        f"weights {scores}, context {vectors}."
    )


def test_drive_cost_explorer() -> None:
    explorer = explorers.cost_explorer()
    n, heads, d_k = (explorer.controls[name] for name in ("n", "heads", "d_k"))
    assert all(isinstance(c, widgets.SelectionSlider) for c in (n, heads, d_k))
    assert explorer.shown_text() == START
    assert picture_labels(explorer.picture.value) == [
        memory_label("512", "128.0 KiB", "1.0 MiB"),
        "Multiply-adds of all heads: projections 402,653,184, attention 268,435,456.",
    ]
    memory, multiply_adds = explorers.cost_parts(512, 8, 64)
    assert explorer.snapshot_png() == render_png(
        figures.cost_explorer_figure(memory, multiply_adds, 512)
    )

    n.value = 1024
    assert explorer.shown_text() == (
        "n = 1,024 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\n"
        "score matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 32.0 MiB for all 8 heads\n"
        "multiply-adds of attention (QKᵀ and weights·V): 1,073,741,824\n"
        "multiply-adds of the projections (Q, K, V): 805,306,368\n"
        "attention ÷ projections = 2n ÷ (3 d_model) = 1.33: attention dominates (equal at n = 768)\n"
        "compared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention "
        "multiply-adds"
    )
    assert picture_labels(explorer.picture.value)[0] == memory_label(
        "1,024", "256.0 KiB", "4.0 MiB"
    )

    heads.value = 12
    assert explorer.shown_text().splitlines()[0::4] == [
        "n = 1,024 tokens, 12 heads of d_k = d_v = 64 (d_model = 768), batch 1, float32",
        "attention ÷ projections = 2n ÷ (3 d_model) = 0.89: the projections dominate "
        "(equal at n = 1,152)",
    ]

    d_k.value = 2
    assert explorer.shown_text().splitlines()[2:5] == [
        "multiply-adds of attention (QKᵀ and weights·V): 50,331,648",
        "multiply-adds of the projections (Q, K, V): 1,769,472",
        "attention ÷ projections = 2n ÷ (3 d_model) = 28.44: attention dominates (equal at n = 36)",
    ]
    assert picture_labels(explorer.picture.value) == [
        memory_label("1,024", "8.0 KiB", "4.0 MiB"),
        "Multiply-adds of all heads: projections 1,769,472, attention 50,331,648.",
    ]

    heads.value = 1
    d_k.value = 128
    assert explorer.shown_text().splitlines()[:2] == [
        "n = 1,024 tokens, 1 head of d_k = d_v = 128 (d_model = 128), batch 1, float32",
        "score matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head",
    ]

    n.value = 9
    assert explorer.shown_text().splitlines()[-1] == (
        "compared with n = 9 (our sentence) and the same sizes: × 1.0 memory and attention "
        "multiply-adds"
    )
    n.value = 131072
    assert explorer.shown_text().splitlines()[1] == (
        "score matrix: 131,072 × 131,072 × 4 B = 64.0 GiB per head"
    )

    n.value, heads.value, d_k.value = 512, 8, 64
    assert explorer.shown_text() == START


def test_cost_parts_per_head_and_per_layer() -> None:
    memory, multiply_adds = explorers.cost_parts(4, 2, 3)
    assert memory == {
        "Q": 48, "K": 48, "V": 48, "scores": 64, "weights": 64, "context": 48
    }  # fmt: skip
    # attention: 2 heads × 4² × (3 + 3); projections: 2 heads × 4 × d_model 6 × (3 + 3 + 3)
    assert multiply_adds == {"projections": 432, "attention": 192}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (50_331_648, "Correct! 12 × 1024 × 1024 × 4 = 50,331,648 bytes"),
        (50_331_648.0, "Correct!"),
        (torch.tensor(50_331_648), "Correct!"),
        (4_194_304, "that is one head's score matrix"),
        (100_663_296, "(float64)"),
        (12_582_912, "that is how many numbers there are"),
        (48, "that is the size in MiB"),
        (49_152, "that grows with n, not n²"),
        (1, "you gave 1, which is not the bytes of the layer's score matrices"),
        ("50331648", "is one number; you gave '50331648'"),
    ],
)
def test_check_layer_score_bytes(answer: Any, expected: str) -> None:
    assert expected in exercises.check_layer_score_bytes(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (2_147_483_648, "Correct! 4096 × 4096 × (64 + 64) = 2,147,483,648"),
        (1_073_741_824, "that counts one of the two products"),
        (262_144, "that grows with n"),
        (4_294_967_296, "that counts a multiply and an add separately"),
        (4096 * 4096, "that counts the scores (n²), not the multiply-adds"),
        (torch.ones(2), "is one number; you gave a tensor of shape (2,)"),
    ],
)
def test_check_long_multiply_adds(answer: Any, expected: str) -> None:
    assert expected in exercises.check_long_multiply_adds(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (1152, "Correct! n = 1.5 × d_model = 1152 tokens"),
        (1152.0, "Correct!"),
        (768, "at n = d_model = 768 the projections still cost 1.5 times"),
        (1536, "count only the Q, K and V projections"),
        (2304, "that counts only Q Kᵀ"),
        (1152.4, "is close; the length is a whole number"),
        (float("inf"), "is a finite number"),
    ],
)
def test_check_crossover_length(answer: Any, expected: str) -> None:
    assert expected in exercises.check_crossover_length(answer).message


def test_measured_cost_figure_draws_the_committed_file() -> None:
    rows = load_measured_costs()
    png = render_png(figures.measured_cost_figure(rows))
    assert png.startswith(b"\x89PNG") and png == render_png(figures.measured_cost_figure(rows))
