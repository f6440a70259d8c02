"""Re-executing a lesson reproduces its stored file exactly (`make notebooks` changes nothing).

Each lesson runs on a fresh kernel through tools/execute_notebooks.py, into memory, and the
result must equal the committed file byte for byte: every text output, every picture, the
metadata (no timing, no widget state) and the execution counts. A difference means the
lesson is not deterministic, or its stored outputs are stale: run `make notebooks` and read
`git diff` (a changed number is a finding).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import nbformat
import pytest
from course import LESSONS, ids

from tools.execute_notebooks import execute

pytestmark = pytest.mark.kernel


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_re_execution_reproduces_the_stored_lesson(path: Path) -> None:
    stored = path.read_text(encoding="utf-8")
    fresh = nbformat.writes(execute(path)) + "\n"
    if fresh != stored:
        diff = "".join(
            list(
                difflib.unified_diff(
                    stored.splitlines(keepends=True),
                    fresh.splitlines(keepends=True),
                    "stored",
                    "re-executed",
                    n=1,
                )
            )[:60]
        )
        pytest.fail(f"{path.name} changes when re-executed:\n{diff}")
