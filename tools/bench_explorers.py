"""How fast every explorer answers: in the page, and in the kernel alone.

    .venv/bin/python tools/bench_explorers.py      (run by `make bench`)

In the page: a real JupyterLab in Chromium (tools/browser.py) runs each lesson, then
repeats each explorer's learner steps (tests/explorer_steps.py) until at least
``CHANGES`` changes were timed, each from the action (typing, clicking, a key press) to
the moment the page shows the step's expected text (checked every animation frame).
In the kernel: the explorer's callback alone, timed in this process by setting each
control's value directly, ``CHANGES`` times per explorer.
Prints a table with the median and 95th percentile and writes the timings to
artifacts/bench/explorers.json (tools/bench_report.py puts them in BENCHMARKS.md).
The goal for the page is a median of at most 100 ms.
"""

from __future__ import annotations

import inspect
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from course import LESSONS  # noqa: E402
from explorer_steps import STEPS  # noqa: E402

from tools.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    close_all_tabs,
    explorer_names,
    jupyterlab,
    open_and_run_all,
    open_lab,
    shown_text,
    shut_down_kernels,
    timed_step,
)

CHANGES = 20
GOAL_MS = 100.0
OUT = REPO / "artifacts" / "bench" / "explorers.json"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def kernel_side() -> dict[str, list[float]]:
    """Callback time per explorer: each control cycled through a few values, in-process."""
    import ipywidgets as widgets

    from helpers.lessons import all_modules

    timings: dict[str, list[float]] = {}
    factories = [
        (name, factory)
        for module in all_modules()
        for name, factory in inspect.getmembers(module, inspect.isfunction)
        if name.endswith("_explorer") and factory.__module__ == module.__name__
    ]
    for name, factory in factories:
        explorer = factory()
        changes: list[tuple[Any, Any]] = []
        for control in explorer.controls.values():
            if isinstance(control, widgets.Checkbox):
                values = [not control.value, control.value]
            elif isinstance(
                control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons)
            ):
                values = (
                    [value for _, value in control.options]
                    if isinstance(control.options[0], tuple)
                    else list(control.options)
                )
            elif isinstance(control, widgets.SelectionSlider):
                values = (
                    [value for _, value in control.options]
                    if isinstance(control.options[0], tuple)
                    else list(control.options)
                )
            elif isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
                values = [control.min, control.max, control.value]
            elif isinstance(control, widgets.Text):
                values = ["the dog saw the cat", "a b c d e f g", control.value]
            else:
                continue
            changes += [(control, value) for value in values]
        times = []
        while len(times) < CHANGES and changes:
            for control, value in changes:
                if control.value == value:
                    continue
                start = time.perf_counter()
                control.value = value
                times.append((time.perf_counter() - start) * 1000)
        timings[name] = times
    return timings


def in_page() -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per explorer: ms until the text updated, and ms until text and picture both updated."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {}
    whole: dict[str, list[float]] = {}
    with (
        tempfile.TemporaryDirectory() as workdir,
        jupyterlab(LESSONS, Path(workdir)) as (base, _, _),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_lab(page, base)
        for path in LESSONS:
            names = explorer_names(path)
            if not names:
                continue
            notebook = open_and_run_all(page, path.name)
            notebook.locator(".course-explorer").nth(len(names) - 1).wait_for(timeout=120_000)
            page.get_by_text(IDLE).wait_for(timeout=120_000)
            for index, name in enumerate(names):
                if name not in STEPS:  # tests/test_browser.py insists every explorer has steps
                    continue
                explorer = notebook.locator(".course-explorer").nth(index)
                explorer.scroll_into_view_if_needed()
                steps = [step for step in STEPS[name] if step.act is not None]
                times: list[float] = []
                while len(times) < CHANGES:
                    for step in steps:
                        if shown_text(explorer) == step.expected:  # nothing would change
                            step.act(explorer)
                            continue
                        text_ms, picture_ms = timed_step(explorer, step)
                        times.append(text_ms)
                        if picture_ms is not None:
                            whole[name] = [*whole.get(name, []), picture_ms]
                timings[name] = times
            close_all_tabs(page)
            shut_down_kernels(base)
        browser.close()
    return timings, whole


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f}" if values else "-"


def table(
    text: dict[str, list[float]], whole: dict[str, list[float]], kernel: dict[str, list[float]]
) -> str:
    """Markdown table: per explorer, page and callback timings (median / p95, in ms)."""
    lines = [
        "| explorer | changes | page: text updated | page: text and picture updated "
        "| kernel: callback alone | goal: page median ≤ 100 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name in sorted(set(text) | set(kernel)):
        page = whole.get(name) or text.get(name, [])
        met = ("yes" if statistics.median(page) <= GOAL_MS else "no") if page else "not measured"
        cells = [
            name,
            str(len(text.get(name, []))),
            summary(text.get(name, [])),
            summary(whole.get(name, [])),
            summary(kernel.get(name, [])),
            met,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nTimes in ms as median / 95th percentile."


def main() -> int:
    kernel = kernel_side()
    text, whole = in_page() if CHROMIUM.exists() else ({}, {})
    if not text:
        print(f"(no page timings: Chromium not found at {CHROMIUM})")
    print(table(text, whole, kernel))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"text": text, "whole": whole, "kernel": kernel}, indent=1))
    return 0 if text else 1


if __name__ == "__main__":
    sys.exit(main())
