"""The lessons on another PyTorch release: how far their printed numbers move (`make compat`).

`make compat` (tools/compat.sh) builds .venv-compat, the course's pins with another torch
(COMPAT_TORCH, 2.14.1 by default), and runs tests/test_determinism.py there with
COURSE_COMPAT_REPORT set. Each lesson then runs exactly as in `make test` (no error, no
stderr, every hidden solution Correct in every form, every seeded cell the same twice), but
its printed text is compared with the stored text by ``compare`` below instead of byte for
byte, and the comparison is written to COURSE_COMPAT_REPORT/<lesson>.json. Then

    python tools/compat.py REPORT_DIR

gathers those files into artifacts/bench/compat.json, which tools/bench_report.py puts in
BENCHMARKS.md, and prints a summary.

How a printed line is judged:
- every decimal number may move by at most one unit of its last printed digit (0.1234
  against 0.1235 passes, against 0.1236 does not); a whole number (a count, a shape, an
  index) must not change at all; everything between the numbers must be equal, up to
  spacing (PyTorch pads a column when a sign changes);
- the setup cell's note that this is not the checked PyTorch release is left out;
- a cell that shows a PyTorch error (a pitfall: a line such as ``RuntimeError: ...``) and
  prints something else on this release, other words or no error at all, is a *wording*
  change: reported with both texts, not failed. A pitfall shows PyTorch's message so the
  learner recognises it; what PyTorch says, and when it refuses, changes between releases.
  A person reads the new text against the lesson's prose and marks what depends on the
  release (lesson 11's pitfall 4 was found so: 2.14 accepts 3-D inputs in its fused kernel).
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
ERROR = re.compile(r"\b\w+(?:Error|Exception): ")
"""A printed exception, as a pitfall shows it (``3-D input: RuntimeError: No available ...``)."""
VERSION_NOTE = "Note: this kernel has PyTorch "
"""The start of the line helpers.setup_lesson prints on another PyTorch release."""


def unit(number: str) -> Decimal:
    """One unit of ``number``'s last printed digit: 0.01 for "3.14", 1e-6 for "1.5e-05"."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return Decimal(1).scaleb(int(exponent or 0) - decimals)


def units_apart(stored: str, printed: str) -> Decimal:
    """How many units of ``stored``'s last digit ``printed`` is away from it. A whole number
    (a count, a shape, an index, a token id) does not round, so any change is infinitely far."""
    if not re.search(r"[.eE]", stored):
        return Decimal(0) if stored == printed else Decimal("Infinity")
    return abs(Decimal(printed) - Decimal(stored)) / unit(stored)


def line_verdict(stored: str, printed: str) -> tuple[str, Decimal]:
    """("same" | "moved" | "different", the largest move in units)."""
    if stored == printed:
        return "same", Decimal(0)
    words_a, words_b = NUMBER.split(stored), NUMBER.split(printed)
    spaced = [" ".join(part.split()) for part in words_a] == [" ".join(p.split()) for p in words_b]
    if spaced:
        moves = [
            units_apart(a, b)
            for a, b in zip(NUMBER.findall(stored), NUMBER.findall(printed), strict=True)
        ]
        largest = max(moves, default=Decimal(0))
        return ("same" if largest == 0 else "moved" if largest <= 1 else "different"), largest
    return "different", Decimal(0)


def without_version_note(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(VERSION_NOTE)]


def compare(stored: list[str], printed: list[str]) -> dict:
    """Compare each code cell's text as stored with its text as printed on this release.

    Returns the counts and, for every line that is not the same, where it is and what it says.
    """
    found: dict = {"cells": len(stored), "numbers": 0, "moved": [], "wording": [], "different": []}
    if len(stored) != len(printed):
        found["different"].append({"cell": None, "stored": len(stored), "printed": len(printed)})
        return found
    for cell, (want, got) in enumerate(zip(stored, printed, strict=True)):
        want_lines, got_lines = without_version_note(want), without_version_note(got)
        found["numbers"] += len(NUMBER.findall(want))
        lines = []
        if len(want_lines) == len(got_lines):
            lines = [
                (a, b, *line_verdict(a, b)) for a, b in zip(want_lines, got_lines, strict=True)
            ]
        if len(want_lines) != len(got_lines) or any(line[2] == "different" for line in lines):
            kind = "wording" if ERROR.search(want) else "different"
            found[kind].append({"cell": cell, "stored": want, "printed": got})
            continue
        for a, b, verdict, largest in lines:
            if verdict == "moved":
                found["moved"].append(
                    {"cell": cell, "stored": a, "printed": b, "units": float(largest)}
                )
    return found


def summarize(folder: Path) -> dict:
    """All lessons' comparisons (COURSE_COMPAT_REPORT/*.json) in one record."""
    lessons = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    meta = lessons.pop("_environment", {})
    kernels = {r.pop("kernel_torch", None) for r in lessons.values()}
    assert kernels == {meta.get("torch")}, f"the lessons ran on torch {kernels}, not {meta}"
    return {
        **meta,
        "lessons": len(lessons),
        "numbers": sum(r["numbers"] for r in lessons.values()),
        "moved": {name: r["moved"] for name, r in lessons.items() if r["moved"]},
        "wording": {name: r["wording"] for name, r in lessons.items() if r["wording"]},
        "different": {name: r["different"] for name, r in lessons.items() if r["different"]},
    }


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    result = summarize(folder)
    out = Path(__file__).resolve().parent.parent / "artifacts" / "bench" / "compat.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    moved = sum(len(v) for v in result["moved"].values())
    print(
        f"PyTorch {result.get('torch', '?')}: {result['lessons']} lessons, "
        f"{result['numbers']} printed numbers; {moved} lines moved by at most one unit of "
        f"their last digit, in {sorted(result['moved']) or 'no lesson'}; "
        f"{sum(len(v) for v in result['wording'].values())} pitfalls print another PyTorch "
        "error text (below); "
        f"{sum(len(v) for v in result['different'].values())} lines beyond that"
    )
    for name, entries in {**result["moved"], **result["wording"]}.items():
        for entry in entries:
            print(
                f"  {name}, code cell {entry['cell']}: {entry['stored']!r} -> {entry['printed']!r}"
            )
    print(f"written to {out.relative_to(out.parent.parent.parent)}")
    return 1 if result["different"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
