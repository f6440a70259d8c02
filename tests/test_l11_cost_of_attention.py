"""Lesson 11, the cost of attention: helpers.cost (the counted costs of attention, and the
measurements `make bench` writes), then the lesson's pictures, explorer and exercise checks.

Counts are checked against plain loops and hand arithmetic. Expected numbers are written out
here (worked by hand from n² (d_k + d_v) and n·d·(2 d_k + d_v)), not computed by the code
under test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from article_reference import run_article
from course import figure_text, picture_labels, picture_text

from helpers.cost import (
    MEASURED_COLUMNS,
    MEASURED_COSTS,
    attention_multiply_adds,
    bytes_per_number,
    human_bytes,
    load_measured_costs,
    log_log_slope,
    projection_multiply_adds,
    score_matrix_bytes,
)
from helpers.lessons import l11_cost_of_attention as lesson
from helpers.ui.figures import render_png
from tools import bench_attention

# ================================================================================================
# helpers.cost: the counted costs, and the measurements `make bench` writes.
# ================================================================================================


def test_score_matrix_bytes_counts_every_score() -> None:
    assert score_matrix_bytes(9) == 9 * 9 * 4 == torch.zeros(9, 9).nbytes
    assert score_matrix_bytes(512, heads=8, batch=2) == torch.zeros(2, 8, 512, 512).nbytes
    assert score_matrix_bytes(4, dtype=torch.float64) == 4 * 4 * 8
    assert score_matrix_bytes(4, dtype=torch.bfloat16) == 4 * 4 * 2
    assert bytes_per_number() == 4 and bytes_per_number(torch.float16) == 2


def multiply_adds_by_loops(n: int, d_k: int, d_v: int) -> int:
    """Count the multiply-adds of Q Kᵀ and weights @ V one at a time, as the loops would do them."""
    count = 0
    for _query in range(n):
        for _key in range(n):
            count += d_k  # one dot product of d_k pairs
    for _query in range(n):
        for _column in range(d_v):
            count += n  # one weighted sum over the n keys
    return count


@pytest.mark.parametrize(("n", "d_k", "d_v"), [(9, 2, 4), (5, 3, 3), (1, 1, 7)])
def test_attention_multiply_adds_matches_the_loops(n: int, d_k: int, d_v: int) -> None:
    assert attention_multiply_adds(n, d_k, d_v) == multiply_adds_by_loops(n, d_k, d_v)
    assert attention_multiply_adds(n, d_k, d_v, heads=3, batch=2) == 6 * multiply_adds_by_loops(
        n, d_k, d_v
    )


def test_projection_multiply_adds() -> None:
    assert projection_multiply_adds(9, 3, 2, 4) == 9 * 3 * 2 + 9 * 3 * 2 + 9 * 3 * 4 == 216
    # 12 heads of 64 with d_model = 768: 3 n d² in all, and attention 2 n² d.
    n, d = 100, 768
    assert projection_multiply_adds(n, d, 64, 64, heads=12) == 3 * n * d * d
    assert attention_multiply_adds(n, 64, 64, heads=12) == 2 * n * n * d
    assert attention_multiply_adds(1152, 64, 64, 12) == projection_multiply_adds(
        1152, d, 64, 64, 12
    )


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (324, "324 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (2**20, "1.0 MiB"),
        (3 * 2**29, "1.5 GiB"),
        (64 * 2**30, "64.0 GiB"),
        (2**60, "1024.0 PiB"),
    ],
)
def test_human_bytes(count: int, text: str) -> None:
    assert human_bytes(count) == text


def test_log_log_slope() -> None:
    lengths = [8, 64, 4096]
    assert log_log_slope(lengths, [n * n for n in lengths]) == pytest.approx(2.0)
    assert log_log_slope(lengths, [3.0 * n for n in lengths]) == pytest.approx(1.0)
    assert log_log_slope((1, 10), (5, 5)) == 0.0


def test_the_committed_measurements_load_and_match_the_benchmark() -> None:
    rows = load_measured_costs()
    assert MEASURED_COSTS.is_file() and MEASURED_COSTS.parent.name == "data"
    assert tuple(rows[0]) == MEASURED_COLUMNS == bench_attention.COLUMNS
    pairs = {(row["function"], row["n"]) for row in rows}
    expected = {(name, n) for name in bench_attention.FUNCTIONS for n in bench_attention.LENGTHS}
    assert pairs == expected and len(rows) == len(expected)
    for row in rows:
        assert isinstance(row["median_seconds"], float) and row["median_seconds"] > 0
        assert isinstance(row["peak_extra_bytes"], int) and row["peak_extra_bytes"] >= 0


def test_measurements_are_found_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A learner's copy in my-notebooks/ (or Binder) runs with another working directory."""
    monkeypatch.chdir(tmp_path)
    assert load_measured_costs() == load_measured_costs(MEASURED_COSTS)


def test_the_measurements_name_no_user_or_path() -> None:
    text = MEASURED_COSTS.read_text()
    for leak in (str(Path.home()), str(MEASURED_COSTS.parent.parent.parent), "/tmp/", "/home/"):
        assert leak not in text
    user = os.environ.get("USER") or os.environ.get("LOGNAME")
    if user and len(user) > 3:
        assert user not in text
    assert text.startswith("# ") and "torch.set_num_threads(1)" in text


def test_load_measured_costs_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text(
        "# a comment\nfunction,n,median_seconds,peak_extra_bytes\nmine,8,1.5e-05,4096\n"
    )
    assert load_measured_costs(str(path)) == [
        {"function": "mine", "n": 8, "median_seconds": 1.5e-05, "peak_extra_bytes": 4096}
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("function,n,seconds\nmine,8,1.0\n", "must have the columns"),
        ("function,n,median_seconds,peak_extra_bytes\nmine,eight,1.0,0\n", "data row 1"),
        ("function,n,median_seconds,peak_extra_bytes\n", "holds no measurements"),
    ],
)
def test_a_broken_measurement_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "costs.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_measured_costs(path)


def test_a_missing_measurement_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make bench"):
        load_measured_costs(tmp_path / "missing.csv")


def test_the_benchmark_header_describes_the_machine_without_names() -> None:
    lines = bench_attention.header()
    assert all(line.startswith("# ") for line in lines)
    text = "\n".join(lines)
    assert "logical CPU cores" in text and "PyTorch" in text and "(1, 1, n, 64)" in text
    assert str(Path.home()) not in text and str(bench_attention.REPO) not in text


def test_the_benchmark_inputs_are_four_dimensional_and_seeded() -> None:
    first, second = bench_attention.inputs(16), bench_attention.inputs(16)
    assert first[0].shape == (1, 1, 16, 64) and first[0].dtype == torch.float32
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))


# ---- bad input: the functions lesson 11 calls, which learners call with their own numbers ----

BAD_INPUT = [
    (lambda: score_matrix_bytes("9"), TypeError, "n must be a positive int; got '9'"),
    (lambda: score_matrix_bytes(0), ValueError, "n must be a positive int; got 0"),
    (lambda: score_matrix_bytes(9, heads=1.5), TypeError, "heads must be a positive int"),
    (lambda: score_matrix_bytes(9, batch=0), ValueError, "batch must be a positive int; got 0"),
    (lambda: score_matrix_bytes(9, dtype="float32"), TypeError, "dtype must be a torch.dtype such as torch.float32; got 'float32' (type str)"),
    (lambda: score_matrix_bytes(9, dtype=torch.int64), ValueError, "dtype must be a floating-point dtype (scores are real numbers); got torch.int64"),
    (lambda: attention_multiply_adds(True, 2, 4), TypeError, "n must be a positive int; got True"),
    (lambda: attention_multiply_adds(9, -1, 4), ValueError, "d_k must be a positive int; got -1"),
    (lambda: attention_multiply_adds(9, 2, 4.0), TypeError, "d_v must be a positive int"),
    (lambda: projection_multiply_adds(9, 0, 2, 4), ValueError, "d must be a positive int; got 0"),
    (lambda: projection_multiply_adds(9, 3, 2, 4, heads=0), ValueError, "heads must be a positive int; got 0"),
    (lambda: human_bytes(1.5), TypeError, "count must be an int number of bytes; got 1.5"),
    (lambda: human_bytes(-1), ValueError, "count must be zero or positive; got -1"),
    (lambda: log_log_slope("ab", [1, 2]), TypeError, "x must be a list of positive numbers"),
    (lambda: log_log_slope([1, 2], [1, "2"]), TypeError, "y must hold numbers only"),
    (lambda: log_log_slope([1, 2], [0, 1]), ValueError, "y must hold positive numbers"),
    (lambda: log_log_slope([1], [1]), ValueError, "at least 2; got 1 and 1"),
    (lambda: log_log_slope([1, 2, 4], [1, 4]), ValueError, "x and y must hold the same number of points, at least 2; got 3 and 2"),
    (lambda: log_log_slope([2, 2], [1, 4]), ValueError, "the first and last x must differ"),
    (lambda: load_measured_costs(42), TypeError, "path must be a str or pathlib.Path; got 42"),
    # tools/bench_attention.py (`make bench`) measures the functions whose costs this module reads
    (lambda: bench_attention.attention_function("mine"), ValueError, "function must be one of"),
]  # fmt: skip


# ================================================================================================
# The lesson module: its pictures, its explorer and its exercise checks.
# ================================================================================================

RIGHT_ANSWERS = {
    "check_layer_score_bytes": lambda: torch.tensor(12 * 1024 * 1024 * 4),
    # A Python int: 2**31 overflows the int32 form test_toolkit.py would also try
    # (test_check_long_multiply_adds checks the other forms).
    "check_long_multiply_adds": lambda: 4096 * 4096 * (64 + 64),
    "check_crossover_length": lambda: torch.tensor(768 * (2 * 64 + 64) // (64 + 64)),
    "check_merged_exp_sum": lambda: merged_exp_sum(),
}
"""The right answer of each exercise, worked by hand (tests/test_toolkit.py)."""


# ---- pictures --------------------------------------------------------------------------


def test_cost_growth_figure_draws_the_counted_costs() -> None:
    fig = lesson.cost_growth_figure(d_model=768, heads=12)
    memory, compute = fig.axes
    lengths = [2**k for k in range(3, 18)]
    score_line = memory.get_lines()[0]
    assert list(score_line.get_xdata()) == lengths
    assert list(score_line.get_ydata()) == [4 * n * n for n in lengths]
    attention, projections = compute.get_lines()[:2]
    assert list(attention.get_ydata()) == [2 * n * n * 768 for n in lengths]
    assert list(projections.get_ydata()) == [3 * n * 768 * 768 for n in lengths]
    text = figure_text(fig)
    for label in ("n = 9: 324 B", "n = 512: 1.0 MiB", "n = 4,096: 64.0 MiB",
                  "n = 131,072: 64.0 GiB", "equal at n = 1,152", "1 KiB", "1 TiB", "128k",
                  "Compute: 12 heads × d_k = 64 (d_model = 768)"):  # fmt: skip
        assert label in text
    assert "equal at n = 96" in figure_text(lesson.cost_growth_figure(d_model=64, heads=4))


def test_measured_cost_figure_draws_the_committed_file() -> None:
    rows = load_measured_costs()
    fig = lesson.measured_cost_figure(rows)
    timing, memory = fig.axes
    ours = [r for r in rows if r["function"] == "helpers.scaled_dot_product_attention"]
    line = timing.get_lines()[0]
    assert line.get_label() == "helpers.scaled_dot_product_attention"
    assert list(line.get_ydata()) == [
        r["median_seconds"] for r in sorted(ours, key=lambda r: r["n"])
    ]
    assert [t.get_text() for t in memory.get_xticklabels()] == ["64", "128", "256", "512", "1,024", "2,048"]  # fmt: skip
    assert "slope 1 (reference)" in figure_text(fig) and "slope 2 (reference)" in figure_text(fig)
    assert render_png(fig) == render_png(lesson.measured_cost_figure(rows)), "deterministic"


# ---- the explorer ----------------------------------------------------------------------

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
    explorer = lesson.cost_explorer()
    n, heads, d_k = (explorer.controls[name] for name in ("n", "heads", "d_k"))
    assert all(isinstance(c, widgets.SelectionSlider) for c in (n, heads, d_k))
    assert [c.value for c in (n, heads, d_k)] == [512, 8, 64]
    assert n.options[0] == ("9", 9) and n.options[-1] == ("131,072", 131072)
    assert explorer.shown_text() == START
    assert picture_labels(explorer.picture.value) == [
        memory_label("512", "128.0 KiB", "1.0 MiB"),
        "Multiply-adds of all heads: projections 402,653,184, attention 268,435,456.",
    ]
    assert picture_text(explorer.picture.value) == (
        "memory per head at n = 512 (float32, bars to scale) Q K V scores weights context "
        "multiply-adds, all heads 4.03e+08 projections 2.68e+08 attention"
    )
    bars, work = explorer.view.picture.parts
    assert list(bars.series.values()) == [[131072] * 3 + [1048576] * 2 + [131072]]
    assert list(work.series.values()) == [[402_653_184, 268_435_456]]

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
    equal = lesson.render_cost(192, 2, 64).text  # d_model = 128: equal at n = 192 (no slider stop)
    assert (
        equal.splitlines()[4]
        == "attention ÷ projections = 2n ÷ (3 d_model) = 1.00: they are equal here"
    )

    n.value, heads.value, d_k.value = 512, 8, 64
    assert explorer.shown_text() == START


def test_cost_parts_per_head_and_per_layer() -> None:
    memory, multiply_adds = lesson.cost_parts(4, 2, 3)
    assert memory == {
        "Q": 48, "K": 48, "V": 48, "scores": 64, "weights": 64, "context": 48
    }  # fmt: skip
    # attention: 2 heads × 4² × (3 + 3); projections: 2 heads × 4 × d_model 6 × (3 + 3 + 3)
    assert multiply_adds == {"projections": 432, "attention": 192}


# ---- exercises -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (50_331_648, "Correct! 12 × 1024 × 1024 × 4 = 50,331,648 bytes"),
        (50_331_648.0, "Correct!"),
        (torch.tensor(50_331_648), "Correct!"),
        (np.int64(50_331_648), "Correct!"),
        (4_194_304, "that is one head's score matrix"),
        (2 * 12 * 1024**2 * 4, "the scores and the weights together, or 8 bytes per number"),
        (12_582_912, "that is how many numbers there are"),
        (48, "that is the size in MiB"),
        (49_152, "that grows with n, not n²"),
        (1, "you gave 1, which is not the bytes of the layer's score matrices"),
        ("50331648", "you gave the text '50331648'; write the bytes of the layer's score"),
    ],
)
def test_check_layer_score_bytes(answer: Any, expected: str) -> None:
    assert expected in lesson.check_layer_score_bytes(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (2_147_483_648, "Correct! 4096 × 4096 × (64 + 64) = 2,147,483,648"),
        (2_147_483_648.0, "Correct!"),
        (torch.tensor(2_147_483_648), "Correct!"),
        (torch.tensor(2_147_483_648.0, dtype=torch.float64), "Correct!"),
        (np.int64(2_147_483_648), "Correct!"),
        ([2_147_483_648], "Correct!"),
        (1_073_741_824, "that counts one of the two products"),
        (262_144, "that grows with n"),
        (4_294_967_296, "that counts a multiply and an add separately"),
        (4096 * 4096, "that counts the scores (n²), not the multiply-adds"),
        (torch.ones(2), "the multiply-adds of one head is one number; you gave 2 numbers"),
    ],
)
def test_check_long_multiply_adds(answer: Any, expected: str) -> None:
    assert expected in lesson.check_long_multiply_adds(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (1152, "Correct! n = 1.5 × d_model = 1152 tokens"),
        (1152.0, "Correct!"),
        (768, "at n = d_model = 768 the projections still cost 1.5 times"),
        (1536, "count only the Q, K and V projections"),
        (2304, "that counts only Q Kᵀ"),
        (1152.4, "1152.4 is close; the length is a whole number"),
        (1000, "you gave 1,000, which is not the length where they are equal"),
        (float("inf"), "the length where they are equal is a finite number"),
    ],
)
def test_check_crossover_length(answer: Any, expected: str) -> None:
    assert expected in lesson.check_crossover_length(answer).message


# ---- bad input -------------------------------------------------------------------------

BAD_INPUT += [
    (lambda: lesson.cost_growth_figure(768, 5), ValueError, "heads must divide d_model; got d_model=768, heads=5"),
    (lambda: lesson.cost_growth_figure(768, "12"), TypeError, "heads must be a positive int; got '12' (type str)"),
    (lambda: lesson.cost_growth_figure(0, 12), ValueError, "d_model must be a positive int; got 0"),
    (lambda: lesson.measured_cost_figure([]), TypeError, "rows must be a non-empty list of dicts from load_measured_costs(); got []"),
    (lambda: lesson.measured_cost_figure("rows"), TypeError, "rows must be a non-empty list of dicts"),
    (lambda: lesson.measured_cost_figure([{"function": "f"}]), TypeError, "rows must hold dicts with function, n, median_seconds and peak_extra_bytes; got {'function': 'f'}"),
    (lambda: lesson.measured_cost_figure([1, 2]), TypeError, "rows must hold dicts with function"),
]  # fmt: skip


def test_a_whole_layer_costs_12_n_d_squared_and_attention_overtakes_at_6_d() -> None:
    """The note after the counting table: with W_O (n d²) and a feed-forward block of hidden
    size 4d (8 n d²), a layer's matrix products cost 12 n d², and attention's 2 n² d equals
    that at n = 6d (4,608 for d = 768), not at the projections' 1.5 d."""
    d, heads = 768, 12
    for n in (512, 4608, 8192):
        layer = (
            projection_multiply_adds(n, d, d // heads, d // heads, heads)
            + n * d * d
            + 8 * n * d * d
        )
        assert layer == 12 * n * d * d
        assert attention_multiply_adds(n, d // heads, d // heads, heads=heads) == 2 * n * n * d
    n = 6 * d  # where they meet: 2 n² d = 12 n d²
    layer = projection_multiply_adds(n, d, 64, 64, heads) + 9 * n * d * d
    assert n == 4608 and attention_multiply_adds(n, 64, 64, heads=heads) == layer


def merged_exp_sum() -> float:
    """Exercise 4's answer from the article's own code: the sum of exp(s - max s) over 'fox''s
    9 scaled scores, computed over the whole row at once (no blocks)."""
    found = run_article()
    scores = found["attention_scores"].detach()[3]  # (9,)
    return float((scores - scores.max()).exp().sum())


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (merged_exp_sum, "Correct! 2.7492: the same sum as over all 9 scores at once"),
        (lambda: np.float32(merged_exp_sum()), "Correct!"),
        (lambda: [merged_exp_sum()], "Correct!"),
        (lambda: 2.8047, "you added the two sums as they are"),
        (lambda: 2.8628, "you rescaled the wrong way"),
        (lambda: 33.5035, "that is the sum of exp(s) itself"),
        (lambda: 1, "the weights sum to 1"),
        (lambda: 2.75, "close, but not precise enough"),
        (lambda: 3.0, "3 is not the merged sum"),
        (lambda: "2.7492", "you gave the text '2.7492'"),
    ],
)
def test_check_merged_exp_sum(make: Any, expected: str) -> None:
    assert expected in lesson.check_merged_exp_sum(make()).message
