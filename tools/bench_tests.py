"""Time `make test` against its budget, stage by stage and lesson by lesson.

    .venv/bin/python tools/bench_tests.py      (a step of `make bench`)

Runs the README's test command, `make test`, as a maintainer does (existing .venv,
Chromium installed), with `JUNIT=artifacts/bench/test` so each pytest stage also writes a
JUnit report. Writes artifacts/bench/tests.json: the wall time of the whole command and of
each stage, and per lesson the seconds of each of its three runs (tests/test_determinism.py,
tests/test_browser.py, nbval on scalar kernels, summed over its cells) and of its own test
file. The budget: 20 s per lesson notebook + 60 s. Two pytest workers share the
machine, so the per-lesson seconds add up to about twice the wall time of their stage.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from helpers.course import LESSONS  # noqa: E402

BENCH = REPO / "artifacts" / "bench"
OUT = BENCH / "tests.json"
JUNIT = BENCH / "test"  # the Makefile adds -tests.xml and -nbval.xml

PER_LESSON_S = 20
FIXED_S = 60


def cases(path: Path) -> tuple[float, list[tuple[str, str, float]]]:
    """A JUnit report's session seconds and its (class name, test name, seconds) cases."""
    suite = ET.parse(path).getroot().find("testsuite")
    found = [
        (case.get("classname", ""), case.get("name", ""), float(case.get("time", 0)))
        for case in suite.iter("testcase")
    ]
    return float(suite.get("time", 0)), found


def lesson_of(classname: str, name: str, stems: list[str]) -> tuple[str, str] | None:
    """(lesson stem, which of its runs or tests) a test case belongs to; None if shared."""
    for stem in stems:
        if classname.startswith("notebooks.") and stem in classname:
            return stem, "scalar nbval run"
        if classname == "tests.test_determinism" and stem in name:
            return stem, "kernel run"
        if classname == "tests.test_browser" and stem in name:
            return stem, "browser run"
        if classname.startswith(f"tests.test_l{stem[:2]}_"):
            return stem, "own tests"
    return None


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()


def main() -> int:
    BENCH.mkdir(parents=True, exist_ok=True)
    stems = [lesson.stem for lesson in LESSONS]
    start = time.monotonic()
    done = subprocess.run(["make", "test", f"JUNIT={JUNIT}"], cwd=REPO)
    total = time.monotonic() - start
    if done.returncode:
        print("error: make test failed; no timing written", file=sys.stderr)
        return 1

    stages: dict[str, float] = {}
    lessons: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    shared: dict[str, float] = defaultdict(float)
    tests = 0
    for stage, suffix in (("pytest tests (kernel runs, browser runs, all other tests)", "tests"),
                          ("nbval on scalar kernels", "nbval")):  # fmt: skip
        seconds, found = cases(Path(f"{JUNIT}-{suffix}.xml"))
        stages[stage] = seconds
        tests += len(found)
        for classname, name, spent in found:
            where = lesson_of(classname, name, stems)
            if where:
                lessons[where[0]][where[1]] += spent
            else:
                shared[classname.removeprefix("tests.")] += spent
    budget = PER_LESSON_S * len(stems) + FIXED_S
    result = {
        "commit": git("rev-parse", "--short", "HEAD")
        + (
            " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
        ),
        "make_test_seconds": total,
        "budget_seconds": budget,
        "lesson_count": len(stems),
        "tests": tests,
        "stages": stages,
        "lessons": {stem: dict(lessons[stem]) for stem in stems},
        "shared_files": dict(sorted(shared.items(), key=lambda kv: -kv[1])),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"make test: {total:.0f} s (budget {budget} s = {PER_LESSON_S} s × {len(stems)} + {FIXED_S} s)"
    )
    for stage, seconds in stages.items():
        print(f"  {stage}: {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
