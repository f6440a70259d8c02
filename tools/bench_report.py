"""Write BENCHMARKS.md (and print it) from what the `make bench` tools measured.

    .venv/bin/python tools/bench_report.py      (the last step of `make bench`)

Reads artifacts/bench/tests.json (tools/bench_tests.py), kernels.json
(tools/bench_kernels.py), explorers.json (tools/bench_explorers.py) and, when present,
setup.json (tools/bench_setup.sh, run by the slower `make bench-setup`) and compat.json
(tools/compat.py, run by `make compat`). One table: figure, value, goal, met?; then each
lesson, and the lessons on another PyTorch release.
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

sys.path.insert(0, str(REPO))
from helpers.course import LESSONS  # noqa: E402

BUDGETS_S = {lesson.stem: (lesson.budget_s, lesson.why) for lesson in LESSONS}
"""Each lesson's goal over the floor, with the reason when it is more than a core lesson's
1 s (helpers.course.LESSONS, the one table of lessons)."""
CORE_BUDGET_S = 1.0
CORE_NUMBERS = {lesson.number for lesson in LESSONS if lesson.core}

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
            "Explorer imports on top of the floor (matplotlib, ipywidgets, helpers.ui.explore)",
            f"+{kernels['plotting_seconds'] - floor:.2f} s",
            "(inside each lesson's goal)",
            "—",
        ),
        (
            "Plotting stack on top of the floor (matplotlib, seaborn and pandas)",
            f"+{kernels.get('seaborn_seconds', floor) - floor:.2f} s",
            "(inside each lesson's goal)",
            "—",
        ),
    ]
    for name, result in kernels["lessons"].items():
        seconds = result["seconds"]
        budget, why = BUDGETS_S.get(name, (CORE_BUDGET_S, "no budget set"))
        why = f" ({why})" if why else ""
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
    learner = []
    if "learner_install_seconds" in setup:
        learner = [
            (
                "A learner's install, `make lab`'s environment (lessons only; pip's cache warm)",
                f"{setup['learner_install_seconds']:.0f} s, {setup['learner_venv_mb'] / 1024:.2f} GB",
                "—",
                "—",
            )
        ]
    return [
        *learner,
        (
            "Environment size (.venv, with the test tools)",
            f"{setup['venv_mb'] / 1024:.2f} GB",
            "—",
            "—",
        ),
        (
            "Fresh clone to a green `make test` (creates .venv; pip's cache warm)",
            f"{seconds / 60:.1f} min ({setup['tests_passed']} tests, commit {setup['commit']})",
            "≤ 20 min",
            met(seconds <= SETUP_GOAL_S),
        ),
    ]


def compat_section(compat: dict | None) -> list[str]:
    """The lessons on another PyTorch release (`make compat`): what moved, and by how much."""
    if compat is None:
        return ["Not run on this machine (`make compat`; CONTRIBUTING says when it must run)."]
    moved = compat["moved"]
    lines = [
        f"PyTorch {compat['torch']} (Python {compat['python']}): {compat['lessons']} lessons, "
        f"{compat['numbers']} printed numbers compared with the stored ones (2.13.0); "
        f"{sum(map(len, moved.values()))} printed lines moved, each by at most one unit of "
        "its last digit; "
        f"{sum(map(len, compat['wording'].values()))} PyTorch error texts reworded; "
        f"{sum(map(len, compat['different'].values()))} lines beyond that. "
        "Every lesson ran with no error and no stderr, and every hidden solution was Correct.",
    ]
    if moved or compat["wording"]:
        lines += ["", "| lesson | code cell | stored | printed |", "|---|---|---|---|"]
        for name, entries in sorted({**moved, **compat["wording"]}.items()):
            for entry in entries:
                lines.append(
                    f"| {name} | {entry['cell']} | {cell_text(entry['stored'])} "
                    f"| {cell_text(entry['printed'])} |"
                )
    return lines


def cell_text(text: str) -> str:
    """Printed text as one table cell: its lines joined by ⏎, pipes escaped."""
    return "`" + text.strip().replace("\n", " ⏎ ").replace("|", "\\|") + "`"


RUNS = ("kernel run", "browser run", "scalar nbval run", "own tests")


def rows_for_tests(tests: dict | None) -> list[tuple[str, str, str, str]]:
    if tests is None:
        return [("`make test`", "not measured (tools/bench_tests.py)", "—", "—")]
    seconds, budget = tests["make_test_seconds"], tests["budget_seconds"]
    stages = "; ".join(f"{name} {value:.0f} s" for name, value in tests["stages"].items())
    return [
        (
            f"`make test` ({tests['tests']} tests and notebook cells, commit {tests['commit']})",
            f"{seconds:.0f} s ({stages})",
            f"≤ 20 s × {tests['lesson_count']} lessons + 60 s = {budget} s",
            met(seconds <= budget),
        )
    ]


def test_table(tests: dict | None) -> list[str]:
    """Each lesson's share of `make test`: its three runs and its own test file."""
    if tests is None:
        return ["Not measured in this run."]
    lines = [
        "Seconds per test, as pytest reports them; two workers share the machine, so the "
        "columns add up to about twice the wall time of their stages.",
        "",
        "| lesson | " + " | ".join(RUNS) + " | all |",
        "|---|" + "---|" * (len(RUNS) + 1),
    ]
    for stem, runs in tests["lessons"].items():
        cells = [runs.get(run, 0.0) for run in RUNS]
        lines.append(
            f"| {stem} | " + " | ".join(f"{c:.1f}" for c in cells) + f" | {sum(cells):.1f} |"
        )
    shared = tests["shared_files"]
    top = ", ".join(f"{name} {value:.1f} s" for name, value in list(shared.items())[:6])
    lines += ["", f"Shared test files: {sum(shared.values()):.0f} s in all (slowest: {top})."]
    return lines


def lesson_table(kernels: dict) -> list[str]:
    """Each lesson's time, split where it goes, and its memory."""
    lines = [
        "| lesson | seconds | × floor | kernel start | setup cell | pictures (cells) | rest "
        "| RSS after setup (MB) | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in kernels["lessons"].items():
        lines.append(
            f"| {name} | {r['seconds']:.2f} | {r['seconds'] / kernels['floor_seconds']:.2f} "
            f"| {r['kernel_start']:.2f} | {r['setup']:.2f} | {r['pictures']:.2f} "
            f"({r['picture_cells']:.0f}) | {r['rest']:.2f} | {r['setup_mb']:.0f} "
            f"| {r['peak_mb']:.0f} |"
        )
    return lines


def budget_of(name: str) -> float:
    return BUDGETS_S[name][0]


def misses(kernels: dict, explorers: dict, tests: dict | None = None) -> list[str]:
    """Why each missed goal is missed, from the measured split of its time and memory."""
    floor = kernels["floor_seconds"]
    plotting = kernels["plotting_seconds"] - floor
    found = []
    if tests and tests["make_test_seconds"] > tests["budget_seconds"]:
        runs = {run: sum(r.get(run, 0.0) for r in tests["lessons"].values()) for run in RUNS}
        startup = kernels.get("seaborn_seconds", floor)
        split = ", ".join(f"{run} {seconds:.0f} s" for run, seconds in runs.items())
        found.append(
            f"- **`make test`: {tests['make_test_seconds']:.0f} s** (goal "
            f"{tests['budget_seconds']} s). Per lesson run, summed over the lessons: {split}; "
            f"the shared test files {sum(tests['shared_files'].values()):.0f} s. Each of the "
            f"{3 * tests['lesson_count']} runs starts a kernel that imports PyTorch and the "
            f"plotting stack ({startup:.1f} s, above): {3 * tests['lesson_count'] * startup:.0f} s "
            "of the two workers' time before any lesson cell computes."
        )
    slow = {
        name: r for name, r in kernels["lessons"].items() if r["seconds"] > floor + budget_of(name)
    }
    if slow:
        picture = kernels.get("picture", {})
        drawn = (
            f"the lessons' 9 × 9 weights heatmap takes {picture['build']:.2f} s to build "
            f"(laying out its 81 labelled cells) and {picture['render']:.2f} s to render as PNG"
            if picture
            else "an annotated 9 × 9 heatmap takes 0.2-0.5 s"
        )
        found.append(
            f"**Lessons over their time budget: {len(slow)} of {len(kernels['lessons'])}.** "
            f"The floor itself is {floor:.2f} s. Importing what pictures and explorers need "
            f"(matplotlib, ipywidgets) adds {plotting:.2f} s to every lesson's setup cell: most "
            "of a core lesson's 1 s budget is gone before its first step runs. Then every "
            f"picture is a matplotlib PNG: {drawn}. Per lesson (medians):"
        )
        found.append("")
        causes = kernels.get("causes", {})
        notes = {
            "12_watching_attention_learn": (
                f" The first `torch.optim.Adam(...)` alone takes {causes['first_optimizer']:.2f} s "
                "(PyTorch wraps its optimizers with `torch._disable_dynamo`, which imports "
                "`torch._dynamo` on first use); the lesson then trains six times (the loop, "
                "`training.train`, without positions, a wild learning rate, without "
                "`zero_grad`, the explorer), about 0.4 s each."
                if "first_optimizer" in causes
                else ""
            ),
            "14_positions": (
                f" Its one training run (lesson 12's model without positions) builds the first "
                f"`torch.optim.Adam` of its kernel, {causes['first_optimizer']:.2f} s of it."
                if "first_optimizer" in causes
                else ""
            ),
            "13_a_real_models_attention": (
                f" Importing `transformers` and loading the model takes {causes['load_model']:.2f} s "
                "of its setup cell; its grid of 72 heatmaps is most of its picture time."
                if "load_model" in causes
                else ""
            ),
        }
        for name, r in slow.items():
            over = r["seconds"] - floor - budget_of(name)
            found.append(
                f"- `{name}`: {r['seconds']:.2f} s, {over:.2f} s over floor + "
                f"{budget_of(name):g} s; setup cell {r['setup']:.2f} s, "
                f"{r['picture_cells']:.0f} pictures {r['pictures']:.2f} s, other cells "
                f"{r['rest']:.2f} s.{notes.get(name, '')}"
            )
        found.append("")
        found.append(
            "What would meet the goal: only fewer or cheaper pictures. Without its static "
            "pictures and matplotlib a core lesson would run in about the floor + its other "
            "cells (the table above). The pictures stay: they are the lessons' figures for "
            "readers on GitHub or nbviewer, where no kernel runs, and the explorers' snapshots. "
            "The cheaper options tried: laying out without `tight_layout` saves about half of "
            "a heatmap's build time but lets long labels overflow the figure; the explorers' "
            "HTML pictures (10-50 ms) do not render on GitHub; PNG files rendered once and "
            "reused would break the rule that stored outputs come only from re-executing the "
            "lesson."
        )
        found.append("")
    regression = kernels["regression"]
    target = REGRESSION_GOAL * regression["lessons"] * floor
    core = [r for n, r in kernels["lessons"].items() if int(n[:2]) in CORE_NUMBERS]
    for label, key in (("serial", "serial"), ("with 2 workers", "parallel")):
        if regression[key] > target:
            found.append(
                f"- **Regression, {label}: {regression[key]:.1f} s** (goal {target:.1f} s = "
                f"{REGRESSION_GOAL} × {regression['lessons']} × floor). The core lessons "
                f"themselves take {sum(r['seconds'] for r in core):.1f} s one after another "
                "(the table above), so the regression can be no faster than the lessons "
                "plus pytest's own start; it misses for the lessons' reasons, not nbval's."
            )
    heavy = {n: r for n, r in kernels["lessons"].items() if r["peak_mb"] > MEMORY_GOAL_MB}
    for name, r in heavy.items():
        found.append(
            f"- **Memory, `{name}`: {r['peak_mb']:.0f} MB** (goal {MEMORY_GOAL_MB} MB; a kernel "
            f"with only `import torch` holds {kernels['floor_peak_mb']:.0f} MB). After its setup "
            f"cell the kernel holds {r['setup_mb']:.0f} MB"
            + (
                ": the setup loads a trained model (22.7 million float32 weights, 87 MB, "
                "and the `transformers` code that builds it); the first forward pass then "
                "maps about 50 MB more of PyTorch's compiled kernels from disk (file-backed "
                "pages, shared with other processes, but counted in RSS). A smaller model "
                "would change what the lesson shows; the lesson tells Binder users to shut "
                "other kernels first (1 GB in all)."
                if name.startswith("13_")
                else "."
            )
        )
    for name in sorted(set(explorers["text"]) | set(explorers["kernel"])):
        page = explorers["whole"].get(name) or explorers["text"].get(name, [])
        if page and statistics.median(page) > EXPLORER_GOAL_MS:
            kernel = explorers["kernel"].get(name, [])
            found.append(
                f"- **Explorer `{name}`**: median {statistics.median(page):.0f} ms in the "
                f"page, of which its kernel callback takes "
                f"{statistics.median(kernel) if kernel else float('nan'):.1f} ms; the rest is "
                "the widget messages and the page redrawing."
            )
    return found or ["Every goal is met."]


def main() -> int:
    kernels, explorers, setup = load("kernels"), load("explorers"), load("setup")
    tests = load("tests")
    if kernels is None or explorers is None:
        print("error: run tools/bench_kernels.py and tools/bench_explorers.py first (make bench)")
        return 1
    rows = (
        rows_for_tests(tests)
        + rows_for_kernels(kernels)
        + rows_for_explorers(explorers)
        + rows_for_setup(setup)
    )
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
        "## Each lesson in `make test`",
        "",
        *test_table(tests),
        "",
        "## The lessons on another PyTorch release (`make compat`)",
        "",
        *compat_section(load("compat")),
        "",
        "How each figure is measured: the docstrings of `tools/bench_kernels.py`, "
        "`tools/bench_explorers.py` and `tools/bench_setup.sh`. Misses and their causes: "
        "[Why a goal is missed](#why-a-goal-is-missed).",
        "",
        "## Why a goal is missed",
        "",
        *misses(kernels, explorers, tests),
        "",
    ]
    text = "\n".join(lines)
    OUT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
