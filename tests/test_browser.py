"""Every lesson, run in a real JupyterLab in a real Chromium, as a learner runs it.

For each lesson: open a copy without its stored outputs (so every output on the page is
this run's), wait for the kernel, Run All from the menu, then check that
every code cell ran, that no error or stderr output shows anywhere in the page, that the
JupyterLab log holds no traceback (an exception in an explorer callback lands there, not
in the page), and that each explorer rendered. Then every control of every explorer is
changed as a learner would (typing, clicking, keyboard) and the page must show the right
new text, written out in the test. Screenshots go to artifacts/browser/ (git-ignored);
on failure also the JupyterLab log.

Each pytest worker starts one server, one browser and one page for all the lessons it
gets: each lesson is opened from the file browser and closed after, so JupyterLab loads
once per worker. Without Chromium the tests skip with a one-line reason; with CI=true
they fail instead (CI installs Chromium in .ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from course import LESSONS, REPO, ids, read
from explorer_steps import STEPS

from tools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    INSTALL_HINT,
    close_all_tabs,
    drive,
    explorer_names,
    jupyterlab,
    open_and_run_all,
    open_lab,
    shut_down_kernels,
)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts" / "browser"
RUN_TIMEOUT_MS = 120_000


@dataclass
class Lab:
    base: str
    root: Path
    log: Path


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with jupyterlab(LESSONS, tmp_path_factory.mktemp("jupyterlab")) as (base, root, log):
        yield Lab(base, root, log)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"the browser tests need Chromium at {CHROMIUM}: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Page:
    """One JupyterLab page that opens the lessons one after another (loading JupyterLab is
    the slow part), with the browser console's errors since the last lesson began. After a
    failure the next lesson gets a new page, so one lesson's failure never spreads."""

    browser: Any
    page: Any = None
    console_errors: list[str] = field(default_factory=list)

    def ready(self, base: str) -> Any:
        """The page, with JupyterLab loaded (a new page when there is none)."""
        if self.page is None:
            self.page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
            self.page.on("console", self._console)
            open_lab(self.page, base)
        self.console_errors.clear()
        return self.page

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def discard(self) -> None:
        if self.page is not None:
            self.page.close()
            self.page = None


@pytest.fixture(scope="session")
def lab_page(browser) -> Iterator[Page]:
    shown = Page(browser)
    yield shown
    shown.discard()


def test_every_explorer_in_the_lessons_has_steps() -> None:
    used = {name for path in LESSONS for name in explorer_names(path)}
    assert used <= set(STEPS), f"add browser steps to STEPS for: {sorted(used - set(STEPS))}"
    for name, steps in STEPS.items():
        assert steps[0].act is None, f"{name}: the first step is the starting state (act=None)"
        assert all(step.act for step in steps[1:]), f"{name}: every later step does something"
        assert steps[-1].expected == steps[0].expected, (
            f"{name}: the last step must bring the explorer back to its starting state"
        )
        texts = [step.expected for step in steps]
        assert all(a != b for a, b in pairwise(texts)), (
            f"{name}: each step must change what the explorer shows"
        )


# ---- the test ----


KERNEL_LIST_RACE = (
    "The 'last_activity' trait of a ServerKernelManager instance expected a datetime, "
    "not the NoneType None."
)
"""jupyter_server's own race (2.21): JupyterLab polls GET /api/kernels, and a kernel that
has just been added to the server's list gets its ``last_activity`` one event-loop step
later (services/kernels/kernelmanager.py, ``_async_start_kernel``); a poll in between
answers 500 and logs this. JupyterLab polls again; the lesson and its kernel never see it.
It shows only on a loaded machine, and it is the server's code, not a lesson's."""


def without_kernel_list_race(log: str) -> str:
    """The server log without the records of that one race (each record is a line starting
    with ``[`` and the indented lines after it); every other traceback stays."""
    records = re.split(r"\n(?=\[)", log)
    return "\n".join(record for record in records if KERNEL_LIST_RACE not in record)


def test_the_race_filter_keeps_every_other_traceback() -> None:
    race = f"[E 1 ServerApp] Uncaught exception GET /api/kernels\n    Traceback (most recent call last):\n    {KERNEL_LIST_RACE}"
    other = "[E 2 ServerApp] Exception in callback\n    Traceback (most recent call last):\n    ValueError: x"
    assert (
        without_kernel_list_race(f"[I 0 ServerApp] ok\n{race}\n{other}")
        == f"[I 0 ServerApp] ok\n{other}"
    )


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_runs_and_explorers_answer(path: Path, lab: Lab, lab_page: Page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = lab_page.ready(lab.base)
    log_start = lab.log.stat().st_size
    try:
        notebook = open_and_run_all(page, path.name)
        code_cells = [c for c in read(path).cells if c.cell_type == "code" and c.source.strip()]
        prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt")
        page.wait_for_function(
            """(n) => {
                const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                return p.length === n && p.every(e => /^\\[\\d+\\]:$/.test(e.innerText.trim()));
            }""",
            arg=len(code_cells),
            timeout=RUN_TIMEOUT_MS,
        )
        page.get_by_text(IDLE).wait_for(timeout=RUN_TIMEOUT_MS)
        counts = [int(t.strip()[1:-2]) for t in prompts.all_inner_texts()]
        assert counts == list(range(1, len(code_cells) + 1)), f"cells ran out of order: {counts}"

        stderr = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
        assert stderr.count() == 0, (
            f"error or stderr output in the page: {stderr.all_inner_texts()}"
        )

        names = explorer_names(path)
        explorers = notebook.locator(".course-explorer")
        assert explorers.count() == len(names), f"expected explorers {names}"
        for index, name in enumerate(names):
            explorer = explorers.nth(index)
            explorer.scroll_into_view_if_needed()
            drive(explorer, STEPS[name])
        page.screenshot(path=ARTIFACTS / f"{path.stem}.png")

        log = without_kernel_list_race(lab.log.read_text()[log_start:])
        assert "Traceback" not in log, f"the kernel or server logged an error:\n{log[-3000:]}"
        assert not lab_page.console_errors, (
            f"the browser console shows errors: {lab_page.console_errors}"
        )
        close_all_tabs(page)
    except BaseException:
        page.screenshot(path=ARTIFACTS / f"{path.stem}-FAILED.png")
        shutil.copy(lab.log, ARTIFACTS / f"{path.stem}-FAILED-jupyterlab.log")
        lab_page.discard()
        raise
    finally:
        shut_down_kernels(lab.base)
