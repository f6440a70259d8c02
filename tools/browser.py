"""A real JupyterLab and a real Chromium, for tests/test_browser.py and tools/bench_explorers.py.

One JupyterLab server serves a temporary copy of the lessons, without their outputs
(JupyterLab autosaves, and the lessons' stored outputs are the regression reference). It
runs on a free loopback port with no token, its own settings and workspaces folders (so no
earlier layout or user setting is restored), and is stopped whatever happens. Chromium is
Debian's, at /usr/bin/chromium, driven by Playwright from pip; nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "install it with `sudo apt-get install chromium` (CI does this in .ci/run)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The notebook renders every cell (no windowing), so tests can see every output.
NOTEBOOK_SETTINGS = '{"windowingMode": "none"}'
IDLE = "Python 3 (ipykernel) | Idle"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def jupyterlab(notebooks: list[Path], workdir: Path) -> Iterator[tuple[str, Path, Path]]:
    """Serve copies of ``notebooks`` from ``workdir``; yield (base URL, copies folder, log file).

    The copies have no outputs, so everything the page shows comes from the run the test
    starts (and the page need not first draw the stored outputs it would replace)."""
    import nbformat

    from tools.execute_notebooks import clear

    root = workdir / "lessons"
    root.mkdir()
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        clear(nb)
        nbformat.write(nb, root / notebook.name)
    settings = workdir / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(NOTEBOOK_SETTINGS)
    port = free_port()
    log = workdir / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ip=127.0.0.1", f"--port={port}",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={workdir / 'settings'}",
        f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
        "--LabApp.news_url=None",
        # Loopback-only test server: lets the test shut kernels down with plain HTTP calls.
        "--ServerApp.disable_check_xsrf=True",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start; its log:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, root, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---- driving an explorer in the page ----

UPDATE_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Step:
    """One thing a learner does with an explorer, and the exact text it must then show.

    ``act`` receives the explorer's locator (``None``: just check the current text).
    ``picture`` lists pieces of text the explorer's picture must then show (its visible
    text or its ``aria-label``), each written out by the test.
    """

    describe: str
    act: Callable[[Any], None] | None
    expected: str
    picture: tuple[str, ...] = ()


def shown_text(explorer: Any) -> str:
    """The text an explorer's text area shows in the page."""
    return explorer.locator(".course-explorer-text pre").inner_text()


def expect_text(explorer: Any, expected: str, timeout_ms: int = UPDATE_TIMEOUT_MS) -> None:
    """Wait until the explorer's text area shows exactly ``expected`` (checked every frame)."""
    area = explorer.locator(".course-explorer-text")  # its <pre> is replaced on each update
    area.page.wait_for_function(
        "([element, expected]) => element.querySelector('pre')?.innerText === expected",
        arg=[area.element_handle(), expected],
        polling="raf",
        timeout=timeout_ms,
    )


def shown_picture(explorer: Any) -> str:
    """The explorer picture's visible text and the aria-labels of its parts, one per line."""
    return explorer.locator(".course-explorer-figure").evaluate(
        """(element) => [element.innerText,
            ...[...element.querySelectorAll('[role="img"]')].map(e => e.getAttribute('aria-label'))
        ].join('\\n')"""
    )


def expect_picture(explorer: Any, pieces: tuple[str, ...]) -> None:
    """Check the explorer shows a non-empty picture (a ``role="img"`` element with an
    aria-label) holding every piece of text in ``pieces``."""
    figure = explorer.locator(".course-explorer-figure")
    if figure.count() != 1:
        raise AssertionError(f"the explorer should show one picture; found {figure.count()}")
    labelled = figure.locator('[role="img"][aria-label]')
    if labelled.count() == 0:
        raise AssertionError("the explorer's picture is empty (no element with role='img')")
    shown = shown_picture(explorer)
    missing = [piece for piece in pieces if piece not in shown]
    if missing:
        raise AssertionError(f"the explorer's picture lacks {missing}; it shows:\n{shown}")


def typing(css_class: str, text: str) -> Callable[[Any], None]:
    """Type ``text`` into the text box with this CSS class and press Enter."""

    def act(explorer: Any) -> None:
        box = explorer.locator(f".{css_class} input")
        box.fill(text)
        box.press("Enter")

    return act


def clicking(css_class: str) -> Callable[[Any], None]:
    """Click the checkbox (or button) with this CSS class."""
    return lambda explorer: explorer.locator(f".{css_class} input").click()


def choosing(css_class: str, label: str) -> Callable[[Any], None]:
    """Pick the option ``label`` in the dropdown with this CSS class."""
    return lambda explorer: explorer.locator(f".{css_class} select").select_option(label=label)


def pressing(css_class: str, *keys: str) -> Callable[[Any], None]:
    """Focus the slider with this CSS class and press ``keys`` (e.g. "ArrowRight", "End")."""

    def act(explorer: Any) -> None:
        handle = explorer.locator(f".{css_class} .noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        for key in keys:
            handle.press(key)

    return act


def drive(explorer: Any, steps: list[Step]) -> None:
    """Do each step and check the page shows its text; say which step failed and what showed."""
    for step in steps:
        if step.act is not None:
            step.act(explorer)
        try:
            expect_text(explorer, step.expected)
        except Exception as error:
            raise AssertionError(
                f"after '{step.describe}' the explorer should show:\n{step.expected}\n"
                f"but it shows:\n{shown_text(explorer)}"
            ) from error
        try:  # the picture is set before the text, so it is already there
            expect_picture(explorer, step.picture)
        except AssertionError as error:
            raise AssertionError(f"after '{step.describe}': {error}") from None


def explorer_names(path: Path) -> list[str]:
    """The explorer factories a lesson calls, in page order (from its `explorer`-tagged cells)."""
    import re

    import nbformat

    names = []
    for cell in nbformat.read(path, as_version=4).cells:
        if "explorer" in cell.metadata.get("tags", []):
            names += re.findall(r"(\w+_explorer)\(", cell.source)
    return names


def open_lab(page: Any, base: str, timeout_ms: int = 120_000) -> None:
    """Load JupyterLab in ``page`` with no earlier tabs (``?reset``), once for many lessons:
    its start-up is the slowest thing a browser test does."""
    page.goto(f"{base}/lab?reset")
    page.locator(".jp-DirListing-item").first.wait_for(timeout=timeout_ms)


def open_and_run_all(page: Any, name: str, timeout_ms: int = 120_000) -> Any:
    """Open lesson ``name`` from the file browser, wait for its kernel, and choose
    Run → Run All Cells, as a learner would. Returns the notebook's locator."""
    page.locator(".jp-DirListing-item", has_text=name).dblclick()
    page.get_by_text(IDLE).wait_for(timeout=timeout_ms)
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    notebook.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    return notebook


def shut_down_kernels(base: str) -> None:
    """Shut down every session's kernel through the server's REST API (frees its memory
    before the next lesson, as on a Binder-sized machine)."""
    with urllib.request.urlopen(f"{base}/api/sessions") as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request).close()


def close_all_tabs(page: Any) -> None:
    """File → Close All Tabs, discarding the run's outputs (the copies are the test's own)."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name="Close All Tabs", exact=True).click()
    page.get_by_role("button", name="Discard").click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached")


_START_TIMER = """([element, expected]) => {
    // In-page clock: starts at the learner's input event on the explorer (key, click,
    // change); "text" stops when the text area first shows the expected text, "picture"
    // when the explorer's HTML picture next changes (if the step changes the picture).
    // A text box answers only when Enter is pressed (continuous_update=False), so there the
    // clock starts at Enter: the typing before it is the learner's own time.
    const record = { start: null, text: null, picture: null };
    window.__courseTiming = record;
    const types = ["keydown", "mousedown", "change", "input"];
    const start = (event) => {
        const box = event.target?.tagName === "INPUT" && event.target.type === "text";
        if (box && !(event.type === "keydown" && event.key === "Enter")) return;
        record.start = performance.now();
        for (const type of types) element.removeEventListener(type, start, { capture: true });
    };
    for (const type of types) element.addEventListener(type, start, { capture: true });
    const area = element.querySelector(".course-explorer-text");
    const textObserver = new MutationObserver(() => {
        if (record.text === null && area.querySelector("pre")?.innerText === expected) {
            record.text = performance.now();
            textObserver.disconnect();
        }
    });
    textObserver.observe(area, { childList: true, subtree: true, characterData: true });
    const picture = element.querySelector(".course-explorer-figure");
    if (picture) {
        const pictureObserver = new MutationObserver(() => {
            if (record.start !== null && record.picture === null) {
                record.picture = performance.now();
                pictureObserver.disconnect();
            }
        });
        // ipywidgets' HTML view replaces the content of its inner element on each update.
        pictureObserver.observe(picture, { childList: true, subtree: true, characterData: true });
    }
}"""


def timed_step(
    explorer: Any, step: Step, picture_wait_ms: int = 2000
) -> tuple[float, float | None]:
    """Do ``step``; return milliseconds from its input event to (the updated text, the
    replaced picture), measured inside the page (Playwright's own overhead is not counted).
    The picture time is ``None`` when the step leaves the picture as it was."""
    if step.act is None:
        raise ValueError("step must have an action to time; got a step with act=None.")
    page = explorer.page
    page.evaluate(_START_TIMER, [explorer.element_handle(), step.expected])
    step.act(explorer)
    expect_text(explorer, step.expected)
    try:
        page.wait_for_function(
            "() => window.__courseTiming.picture !== null", timeout=picture_wait_ms
        )
    except Exception:  # the step did not change the picture
        pass
    start, text, picture = page.evaluate(
        "() => [window.__courseTiming.start, window.__courseTiming.text, window.__courseTiming.picture]"
    )
    if start is None:
        raise RuntimeError(f"no input event reached the explorer during '{step.describe}'.")
    return float(text - start), (None if picture is None else float(max(picture, text) - start))
