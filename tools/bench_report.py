"""Write BENCHMARKS.md (and print it) from what the `make bench` tools measured.

    .venv/bin/python tools/bench_report.py      (the last step of `make bench`)

Reads artifacts/bench/kernels.json (tools/bench_kernels.py), explorers.json
(tools/bench_explorers.py) and, when present, setup.json (tools/bench_setup.sh, run by the
slower `make bench-setup`). One table: figure, value, goal, met?
"""

from __future__ import annotations

import datetime
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "artifacts" / "bench"
OUT = REPO / "BENCHMARKS.md"

CORE = 7
CORE_BUDGET_S = 1.0
"""Goal for each core lesson: at most the floor plus one second (issue 8)."""

BEYOND_BUDGETS_S: dict[str, tuple[float, str]] = {
    "08_masks": (1.5, "two attention comparisons and four pictures"),
    "09_multi_head_attention": (
        1.5,
        "heads computed inline, then by the module; one picture per head",
    ),
    "10_what_pytorch_does": (
        1.5,
        "nn.MultiheadAttention and F.scaled_dot_product_attention checks",
    ),
    "11_cost_of_attention": (1.5, "two log-log plots from a committed CSV; nothing is timed"),
    "12_watching_attention_learn": (4.0, "trains one attention layer for a few hundred steps"),
    "13_a_real_models_attention": (8.0, "imports transformers and loads a 90 MB model"),
}
"""Each beyond-the-article lesson's own budget over the floor, with the reason."""

REGRESSION_GOAL = 1.3
MEMORY_GOAL_MB = 500
EXPLORER_GOAL_MS = 100
SETUP_GOAL_S = 20 * 60


def load(name: str) -> dict | None:
    path = BENCH / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def rows_for_kernels(kernels: dict) -> list[tuple[str, str, str, str]]:
    floor = kernels["floor_seconds"]
    rows = [
        ("Floor: fresh kernel + `import torch`", f"{floor:.2f} s", "(reference)", "—"),
        (
            "Plotting imports on top of the floor (matplotlib, ipywidgets, helpers.explorers)",
            f"+{kernels['plotting_seconds'] - floor:.2f} s",
            "(inside each lesson's goal)",
            "—",
        ),
    ]
    for name, result in kernels["lessons"].items():
        seconds = result["seconds"]
        if int(name[:2]) <= CORE:
            budget, why = CORE_BUDGET_S, ""
        else:
            budget, why = BEYOND_BUDGETS_S.get(name, (CORE_BUDGET_S, "no budget set"))
            why = f" ({why})"
        rows.append(
            (
                f"Lesson {name}, full run on a fresh kernel",
                f"{seconds:.2f} s = floor + {seconds - floor:.2f} s ({seconds / floor:.2f} × floor)",
                f"≤ floor + {budget:g} s = {floor + budget:.2f} s{why}",
                met(seconds <= floor + budget),
            )
        )
    regression = kernels["regression"]
    target = regression["lessons"] * floor
    for label, key in (("serial", "serial"), ("2 workers, --dist loadfile", "parallel")):
        seconds = regression[key]
        rows.append(
            (
                f"Strict nbval regression over the {regression['lessons']} core lessons, {label}",
                f"{seconds:.1f} s = {seconds / target:.2f} × ({regression['lessons']} × floor)",
                f"≤ {REGRESSION_GOAL} × {target:.1f} s = {REGRESSION_GOAL * target:.1f} s",
                met(seconds <= REGRESSION_GOAL * target),
            )
        )
    heaviest = max(kernels["lessons"], key=lambda n: kernels["lessons"][n]["peak_mb"])
    peak = kernels["lessons"][heaviest]["peak_mb"]
    rows.append(
        (
            "Peak kernel memory (RSS), largest lesson",
            f"{peak:.0f} MB ({heaviest}; floor kernel {kernels['floor_peak_mb']:.0f} MB)",
            f"≤ {MEMORY_GOAL_MB} MB each",
            met(peak <= MEMORY_GOAL_MB),
        )
    )
    return rows


def rows_for_explorers(explorers: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for name in sorted(set(explorers["text"]) | set(explorers["kernel"])):
        page = explorers["whole"].get(name) or explorers["text"].get(name, [])
        kernel = explorers["kernel"].get(name, [])
        if page:
            median = statistics.median(page)
            value = (
                f"{median:.0f} ms median, {percentile(page, 0.95):.0f} ms p95 ({len(page)} changes)"
            )
        else:
            median, value = float("inf"), "not measured in the page"
        if kernel:
            value += f"; callback {statistics.median(kernel):.1f} ms median"
        rows.append(
            (
                f"Explorer `{name}`: input to updated text and picture, in Chromium",
                value,
                f"median ≤ {EXPLORER_GOAL_MS} ms",
                met(median <= EXPLORER_GOAL_MS),
            )
        )
    return rows


def rows_for_setup(setup: dict | None) -> list[tuple[str, str, str, str]]:
    if setup is None:
        missing = "not measured in this run (`make bench-setup`)"
        return [
            ("Environment size (.venv)", missing, "—", "—"),
            ("Fresh clone to a green `make test`", missing, "≤ 20 min", "—"),
        ]
    seconds = setup["fresh_clone_to_green_seconds"]
    return [
        ("Environment size (.venv)", f"{setup['venv_mb'] / 1024:.2f} GB", "—", "—"),
        (
            "Fresh clone to a green `make test` (creates .venv; pip's cache warm)",
            f"{seconds / 60:.1f} min ({setup['tests_passed']} tests, commit {setup['commit']})",
            "≤ 20 min",
            met(seconds <= SETUP_GOAL_S),
        ),
    ]


def lesson_table(kernels: dict) -> list[str]:
    lines = ["| lesson | seconds (median) | × floor | peak RSS (MB) |", "|---|---|---|---|"]
    for name, result in kernels["lessons"].items():
        lines.append(
            f"| {name} | {result['seconds']:.2f} | {result['seconds'] / kernels['floor_seconds']:.2f} "
            f"| {result['peak_mb']:.0f} |"
        )
    return lines


def main() -> int:
    kernels, explorers, setup = load("kernels"), load("explorers"), load("setup")
    if kernels is None or explorers is None:
        print("error: run tools/bench_kernels.py and tools/bench_explorers.py first (make bench)")
        return 1
    rows = rows_for_kernels(kernels) + rows_for_explorers(explorers) + rows_for_setup(setup)
    machine = ", ".join(f"{key} {value}" for key, value in kernels["machine"].items())
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`tools/bench_report.py`); do not edit by hand. "
        f"Measured on {datetime.date.today().isoformat()}: {machine}. "
        f"Times are medians of {kernels['repeats']} runs (explorers: of every change timed); "
        "memory is the largest of the runs.",
        "",
        "| figure | value | goal | met? |",
        "|---|---|---|---|",
        *[f"| {figure} | {value} | {goal} | {ok} |" for figure, value, goal, ok in rows],
        "",
        "## Each lesson",
        "",
        *lesson_table(kernels),
        "",
        "How each figure is measured: the docstrings of `tools/bench_kernels.py`, "
        "`tools/bench_explorers.py` and `tools/bench_setup.sh`. Misses and their causes: "
        "[Why a goal is missed](#why-a-goal-is-missed).",
        "",
        "## Why a goal is missed",
        "",
        *MISSES,
        "",
    ]
    text = "\n".join(lines)
    OUT.write_text(text)
    print(text)
    return 0


MISSES = [
    "See the closing notes of issue 8 in the commit history; this section is rewritten when "
    "the measurements are.",
]


if __name__ == "__main__":
    sys.exit(main())
