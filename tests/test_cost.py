"""helpers.cost: the counted costs of attention, and the measurements `make bench` writes
(issue 9, lesson 11). Counts are checked against plain loops and hand arithmetic here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

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
from tools import bench_attention


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
