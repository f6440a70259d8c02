"""Each lesson's exercises, run inside the lesson on a real kernel, as a learner would.

For every exercise the test runs the notebook up to it, then checks that:
the untouched placeholder gets "Not attempted yet"; the solution hidden in the lesson's
<details> block passes; a wrong value of the right type and answers of wrong types get a
friendly "Not yet" (never an exception, which would fail the cell and so this test).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from course import LESSONS, ids, read, text_of

from tools.execute_notebooks import client_for

pytestmark = pytest.mark.kernel

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
"""

WRONG_TYPES = ["None", "'an answer'", "2.5", "[1, 2, 3]", "{'a': 1}", "torch.zeros(2, 2)"]


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


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_exercises(path: Path) -> None:
    nb = read(path)
    lesson_cells = list(nb.cells)
    client = client_for(nb, path)

    def run(source: str) -> str:
        """Run ``source`` as an extra cell (appended after the lesson's own) and return its text."""
        cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
        client.execute_cell(cell, len(nb.cells) - 1)
        for output in cell.outputs:
            assert output.output_type != "stream" or output.name != "stderr", output.text
        return "".join(text_of(output) for output in cell.outputs)

    checked = 0
    with client.setup_kernel():
        run(MUTATE)
        for index, cell in enumerate(lesson_cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            if "exercise-check" not in cell.metadata.get("tags", []):
                continue
            name = answer_name(lesson_cells[index - 1].source)
            where = f"{path.name}, exercise `{name}`"
            assert text_of(cell.outputs[0]).startswith("Not attempted yet:"), where

            run(solution_code(lesson_cells[index + 1].source))
            verdict = run(cell.source)
            assert verdict.startswith("Correct!"), f"{where}: the solution fails: {verdict}"

            run(f"{name} = _course_wrong_value({name})")
            verdict = run(cell.source)
            assert verdict.startswith("Not yet:") and "\nHint: " in verdict, f"{where}: {verdict}"

            for wrong in WRONG_TYPES:
                run(f"{name} = {wrong}")
                verdict = run(cell.source)
                assert verdict.startswith("Not yet:"), f"{where}, answer {wrong}: {verdict}"
                assert "could not read your answer" not in verdict, f"{where}, answer {wrong}"
            run(f"{name} = ...")
            checked += 1
    assert checked >= 2, f"{path.name}: expected at least two exercises, ran {checked}"
