"""tools/execute_notebooks.py stores only what is the same on every run (make notebooks)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools.execute_notebooks import KERNELSPEC, WIDGET_VIEW, clean, clear, problems


def notebook() -> nbformat.NotebookNode:
    cell = new_code_cell("explorer", execution_count=3)
    cell.metadata["execution"] = {"iopub.status.busy": "2026-11-25T03:52:15Z"}
    cell.outputs = [
        new_output(
            "display_data", data={"text/plain": "fallback", WIDGET_VIEW: {"model_id": "ab12"}}
        ),
        new_output("display_data", data={WIDGET_VIEW: {"model_id": "cd34"}}),
        new_output("stream", name="stdout", text="kept"),
        new_output("stream", name="stdout", text=" and joined\n"),
    ]
    nb = new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    return nb


def test_clean_drops_run_specific_data() -> None:
    nb = notebook()
    clean(nb)
    (cell,) = nb.cells
    assert "widgets" not in nb.metadata
    assert nb.metadata["language_info"] == {"name": "python"}
    assert nb.metadata["kernelspec"] == KERNELSPEC
    assert "execution" not in cell.metadata
    assert [o.get("data", {}).get("text/plain", o.get("text")) for o in cell.outputs] == [
        "fallback",
        "kept and joined\n",
    ]


def test_clear_forgets_outputs_and_counts() -> None:
    nb = notebook()
    clear(nb)
    assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None


def test_problems_finds_errors_and_stderr() -> None:
    nb = new_notebook(cells=[new_code_cell("x"), new_code_cell("y")])
    nb.cells[0].outputs = [new_output("stream", name="stderr", text="UserWarning: careful\n")]
    nb.cells[1].outputs = [new_output("error", ename="KeyError", evalue="'cat'", traceback=[])]
    assert problems(nb) == [
        "cell 0: stream output: UserWarning: careful",
        "cell 1: error output: 'cat'",
    ]
