"""Each lesson, run once on a fresh kernel: its outputs, its seeded cells and its exercises.

One execution per lesson does the work of three. The lesson runs top to bottom, cell by
cell, on a real kernel of this environment (tools/execute_notebooks.py), and:

- **at each exercise**, where the lesson reaches it: the untouched placeholder gets
  "Not attempted yet"; the solution hidden in the lesson's <details> block passes, also as
  float64, NumPy, a nested list and (where whole) int32; a wrong
  value of the right type, and answers of other types, get a friendly "Not yet" (never an
  exception, which would fail the cell, and never "could not read your answer");
- **after the last cell**, each cell tagged ``seeded`` runs a second time and must print the
  same text: a learner who re-runs one random cell sees the numbers the prose talks about;
- **then the whole notebook** (every text output, every picture, the metadata, the
  execution counts) must equal the committed file byte for byte, as ``make notebooks``
  would store it. A difference means the lesson is not deterministic, or its stored
  outputs are stale, or an exercise's solution changed what the lesson shows after it.

Under `make compat` (COURSE_COMPAT_REPORT set: another PyTorch release), the last step
compares only the printed text, each number within one unit of its last printed digit
(tools/compat.py says how), and records how far each one moved.

The extra cells run with ``store_history=False``: they leave the kernel's execution
counter, and so the lesson's stored execution counts, untouched. They are removed before
the comparison.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from course import LESSONS, ids, read, text_of

from tools.compat import compare
from tools.execute_notebooks import clean, clear, client_for

pytestmark = pytest.mark.kernel

SEEDED = "seeded"

# Defined in the kernel: a value of the same type as ``value`` but different from it.
MUTATE = """
def _course_wrong_value(value):
    import torch
    if isinstance(value, torch.Tensor):
        return value + 1 if value.numel() else torch.ones(1, dtype=value.dtype)
    if isinstance(value, dict):
        return dict(list(value.items())[1:]) if value else {"?": 0}
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "?"
    if isinstance(value, (list, tuple)):
        return type(value)(list(value)[1:]) if value else type(value)([0])
    if isinstance(value, slice):
        return slice((value.start or 0) + 1, (value.stop or 0) + 1, value.step)
    raise TypeError(f"no wrong value defined for {type(value).__name__}")

def _course_form(value, form):
    import torch
    if not isinstance(value, torch.Tensor) or value.dtype == torch.bool:
        return value
    value = value.detach()
    whole = not value.is_floating_point() or (
        value.isfinite().all() and torch.equal(value, value.round()))
    forms = {"float64": value.double, "numpy": lambda: value.double().numpy(),
             "list": value.tolist, "int32": lambda: value.to(torch.int32) if whole else value}
    return forms[form]()
"""

FORMS = ["float64", "numpy", "list", "int32"]
"""The right answer as a learner may type it (int32 only where it is whole and finite): each
must be read as its value (tests/test_toolkit.py adds more forms, in-process)."""

WRONG_TYPES = ["None", "'an answer'", "2.5", "[1, 2, 3]", "{'a': 1}", "torch.zeros(2, 2)"]
"""Answers of other types, typed in the lesson's own kernel (tests/test_toolkit.py meets
every check with more of them, in-process)."""


def answer_name(placeholder: str) -> str:
    """The variable a placeholder cell assigns ``...`` to (e.g. ``life_vocab = ...``)."""
    for node in ast.parse(placeholder).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if node.value.value is Ellipsis and isinstance(node.targets[0], ast.Name):
                return node.targets[0].id
    raise AssertionError(f"placeholder cell does not assign `...`: {placeholder!r}")


def solution_code(markdown: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", markdown, re.S)
    assert len(blocks) == 1, "a solution cell holds exactly one python block"
    return blocks[0]


def texts(cell: nbformat.NotebookNode) -> str:
    """All text ``cell`` shows, streams joined (the kernel splits printed text by timing;
    pictures are compared through their text version)."""
    return "".join(
        text_of(output) + ("" if output.output_type == "stream" else "\n")
        for output in cell.outputs
    )


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_runs_once_as_stored(path: Path) -> None:
    stored = path.read_text(encoding="utf-8")
    nb = read(path)
    clear(nb)
    lesson_cells = len(nb.cells)
    client = client_for(nb, path)

    def run(source: str) -> str:
        """Run ``source`` as an extra cell, after the lesson's own, and return its text."""
        cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
        client.execute_cell(cell, len(nb.cells) - 1, store_history=False)
        for output in cell.outputs:
            assert output.output_type != "stream" or output.name != "stderr", output.text
        return texts(cell)

    exercises = 0
    report = os.environ.get("COURSE_COMPAT_REPORT")  # make compat: another PyTorch release
    kernel_torch = None
    with client.setup_kernel():
        run(MUTATE)
        for index in range(lesson_cells):
            cell = nb.cells[index]
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            if "exercise-check" in cell.metadata.get("tags", []):
                check_exercise(path, nb, index, run)
                exercises += 1
        for index in range(lesson_cells):
            cell = nb.cells[index]
            if SEEDED in cell.metadata.get("tags", []):
                again = run(cell.source)
                assert again == texts(cell), (
                    f"{path.name}, cell {index}: a second run printed something else; seed "
                    "the cell itself (torch.manual_seed before drawing, or its own "
                    f"torch.Generator).\nfirst: {texts(cell)}\nagain: {again}"
                )
        if report:
            kernel_torch = run("import torch; print(torch.__version__, end='')")
    assert exercises >= 2, f"{path.name}: expected at least two exercises, ran {exercises}"

    del nb.cells[lesson_cells:]
    if report:
        code = [c for c in nbformat.reads(stored, as_version=4).cells if c.cell_type == "code"]
        ran = [c for c in nb.cells if c.cell_type == "code"]
        found = compare([texts(c) for c in code], [texts(c) for c in ran])
        found["kernel_torch"] = kernel_torch
        Path(report, f"{path.stem}.json").write_text(json.dumps(found, indent=1) + "\n")
        assert not found["different"], f"{path.name} prints other text: {found['different']}"
        return
    clean(nb)
    nbformat.validate(nb)
    fresh = nbformat.writes(nb) + "\n"
    if fresh != stored:
        diff = difflib.unified_diff(
            stored.splitlines(keepends=True), fresh.splitlines(keepends=True),
            "stored", "re-executed", n=1,
        )  # fmt: skip
        pytest.fail(f"{path.name} changes when re-executed:\n{''.join(list(diff)[:60])}")


def check_exercise(path: Path, nb: nbformat.NotebookNode, index: int, run) -> None:
    """The exercise whose check is cell ``index``: placeholder, solution and its forms, wrong answers."""
    check = nb.cells[index]
    name = answer_name(nb.cells[index - 1].source)
    where = f"{path.name}, exercise `{name}`"
    assert texts(check).startswith("Not attempted yet:"), where

    run(solution_code(nb.cells[index + 1].source))
    verdict = run(check.source)
    assert verdict.startswith("Correct!"), f"{where}: the solution fails: {verdict}"
    run(f"_course_right = {name}")
    for form in FORMS:
        run(f"{name} = _course_form(_course_right, {form!r})")
        verdict = run(check.source)
        assert verdict.startswith("Correct!"), f"{where}: the solution as {form}: {verdict}"
    run(f"{name} = _course_right")

    run(f"{name} = _course_wrong_value({name})")
    verdict = run(check.source)
    assert verdict.startswith("Not yet:") and "\nHint: " in verdict, f"{where}: {verdict}"

    for wrong in WRONG_TYPES:
        run(f"{name} = {wrong}")
        verdict = run(check.source)
        assert verdict.startswith("Not yet:"), f"{where}, answer {wrong}: {verdict}"
        assert "could not read your answer" not in verdict, f"{where}, answer {wrong}"
    run(f"{name} = ...")
