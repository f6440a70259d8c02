"""A cell tagged `seeded` reproduces its own output when it is run again, on its own.

The prose of a lesson talks about the numbers a random cell prints. A learner who re-runs
that one cell (after running others, or the whole lesson) must see the same numbers, so
such a cell seeds itself (tests/test_notebook_hygiene.py requires the tag on every cell
that draws random numbers). Here each lesson runs top to bottom on a real kernel, then
each `seeded` cell runs a second time, and its text outputs must be identical.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from course import LESSONS, ids, read, text_of

from tools.execute_notebooks import client_for

pytestmark = pytest.mark.kernel

SEEDED = "seeded"


def texts(cell: nbformat.NotebookNode) -> str:
    """All text ``cell`` shows, streams joined (the kernel splits printed text by timing;
    pictures are compared through their text version)."""
    return "".join(
        text_of(output) + ("" if output.output_type == "stream" else "\n")
        for output in cell.outputs
    )


def seeded_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and SEEDED in cell.metadata.get("tags", [])
    ]


# Lessons without a random cell have nothing to re-run (the hygiene test checks the tags).
WITH_SEEDED = [path for path in LESSONS if seeded_cells(read(path))]


@pytest.mark.parametrize("path", WITH_SEEDED, ids=ids(WITH_SEEDED))
def test_seeded_cells_reproduce_their_output(path: Path) -> None:
    nb = read(path)
    seeded = seeded_cells(nb)
    client = client_for(nb, path)
    with client.setup_kernel():
        for index, cell in enumerate(list(nb.cells)):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        first = {index: texts(nb.cells[index]) for index in seeded}
        for index in seeded:
            again = nbformat.v4.new_code_cell(nb.cells[index].source)
            nb.cells.append(again)
            client.execute_cell(again, len(nb.cells) - 1)
            assert texts(again) == first[index], (
                f"{path.name}, cell {index}: a second run printed something else; "
                "seed the cell itself (torch.manual_seed before drawing, or its own "
                f"torch.Generator).\nfirst: {first[index]}\nagain: {texts(again)}"
            )
