"""Every lesson notebook is clean, complete and shaped like the others (CONTRIBUTING.md).

These checks read the stored notebooks; nothing is executed here. tests/test_lesson_run.py
runs each lesson, its seeded cells and its exercises on a kernel.
"""

from __future__ import annotations

import ast
import getpass
import re
from pathlib import Path

import nbformat
import pytest
from course import (
    ANATOMY,
    BEYOND_TITLE,
    CORE_STEPS,
    LESSONS,
    NOTEBOOKS,
    PLANNED_LESSONS,
    REPO,
    TITLE,
    ids,
    is_core,
    read,
    text_of,
)


@pytest.fixture(params=LESSONS, ids=ids(LESSONS))
def path(request: pytest.FixtureRequest) -> Path:
    return request.param


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

# Code that draws from a random generator (or reseeds one). A cell whose source matches
# must carry the cell tag `seeded` and seed itself (torch.manual_seed before drawing, or
# its own torch.Generator), so that re-running that one cell reproduces the numbers the
# prose talks about; tests/test_lesson_run.py re-runs every `seeded` cell and compares.
# The list names what lessons use; extend it when a lesson draws random numbers another way:
#   torch.rand( randn( randint( randperm( normal( bernoulli( multinomial(
#   tensor.normal_( uniform_( random_( (in-place draws)
#   nn.Embedding( nn.Linear( (their weights are drawn when they are built)
#   SelfAttention( (the module draws its weights; `class SelfAttention(` is not a draw)
#   torch.manual_seed( (moves the global generator; later cells depend on it)
RANDOM_DRAW = re.compile(
    r"torch\.(rand|randn|randint|randperm|normal|bernoulli|multinomial)\("
    r"|\.(normal_|uniform_|random_)\("
    r"|nn\.(Embedding|Linear)\("
    r"|(?<!class )\bSelfAttention\("
    r"|torch\.manual_seed\("
)
SEEDED = "seeded"


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_notebooks_are_the_lesson_table() -> None:
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert found == LESSONS, (
        "notebooks/ must hold exactly the lessons of helpers.course.LESSONS (add a row there)"
    )


def test_valid_nbformat_with_cell_ids(path: Path) -> None:
    nb = read(path)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "cell ids need nbformat 4.5 or later"
    cell_ids = [cell.get("id") for cell in nb.cells]
    assert all(cell_ids), "every cell needs an id"
    assert len(set(cell_ids)) == len(cell_ids), "cell ids must be unique"


def test_kernelspec_is_python3(path: Path) -> None:
    assert read(path).metadata.kernelspec.name == "python3"


def test_executed_top_to_bottom(path: Path) -> None:
    counts = [cell.execution_count for cell in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts}: re-run with `make notebooks` (fresh kernel, top to bottom)"
    )


def test_no_errors_or_stderr(path: Path) -> None:
    for index, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} stores an error"
            is_stderr = output.output_type == "stream" and output.name == "stderr"
            assert not is_stderr, f"cell {index} stores stderr: {output.text[:200]!r}"


def test_no_timing_or_widget_state(path: Path) -> None:
    nb = read(path)
    assert "widgets" not in nb.metadata, "widget state is stored (random model ids)"
    for index, cell in enumerate(nb.cells):
        assert "execution" not in cell.metadata, f"cell {index} stores execution timing"
        for output in cell.get("outputs", []):
            assert WIDGET_VIEW not in output.get("data", {}), f"cell {index} stores a widget view"


def test_no_machine_specific_text_in_outputs(path: Path) -> None:
    home = str(Path.home())
    user = getpass.getuser()
    for index, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            text = text_of(output)
            assert not ADDRESS.search(text), f"cell {index} shows a memory address: {text[:200]!r}"
            for leak in (str(REPO), home, f"/home/{user}", "/tmp/", "site-packages"):
                assert leak not in text, (
                    f"cell {index} shows a machine path ({leak}): {text[:200]!r}"
                )


def test_title_and_anatomy(path: Path) -> None:
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown", "the first cell is the title cell"
    if is_core(path):
        title = TITLE.match(first.source)
        assert title, (
            f"title must look like '# Step N of {CORE_STEPS} — ...': {first.source[:80]!r}"
        )
    else:
        title = BEYOND_TITLE.match(first.source)
        assert title, (
            f"a lesson past step {CORE_STEPS} is titled '# Beyond the article, lesson NN — ...': "
            f"{first.source[:80]!r}"
        )
    assert int(title["step"]) == int(path.name[:2]), "the lesson number must match the file name"
    headings = [
        line[3:].strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    position = -1
    for name in ANATOMY:
        found = [i for i, heading in enumerate(headings) if heading.startswith(name)]
        later = [i for i in found if i > position]
        assert later, f"missing heading '## {name}' after '## {ANATOMY[ANATOMY.index(name) - 1]}'"
        position = later[0]


def test_setup_cell_seeds_the_lesson(path: Path) -> None:
    first_code = code_cells(read(path))[0].source
    assert "helpers.setup_lesson()" in first_code, (
        "the first code cell calls helpers.setup_lesson()"
    )
    assert "ModuleNotFoundError" in first_code, "the setup cell explains a missing package"


def test_exercises_have_checks_and_solutions(path: Path) -> None:
    cells = read(path).cells
    exercises = [i for i, c in enumerate(cells) if "exercise" in c.metadata.get("tags", [])]
    assert len(exercises) >= 2, "a lesson has at least two exercises"
    for i in exercises:
        placeholder, check, solution = cells[i], cells[i + 1], cells[i + 2]
        assert "= ..." in placeholder.source, f"cell {i}: an exercise starts as `name = ...`"
        assert "exercise-check" in check.metadata.get("tags", []), f"cell {i + 1}: check cell"
        assert solution.cell_type == "markdown" and "solution" in solution.metadata.get("tags", [])
        source = solution.source
        assert source.startswith("<details>") and source.rstrip().endswith("</details>")
        assert "<summary>" in source, f"cell {i + 2}: the solution needs a <summary>"
        assert len(re.findall(r"```python\n", source)) == 1, f"cell {i + 2}: one python block"
        assert re.search(r"\n\n```python\n.*?\n```\n\n", source, re.S), (
            f"cell {i + 2}: blank lines must surround the code block, or it shows as raw text"
        )


def test_previous_and_next_links_resolve(path: Path) -> None:
    nb = read(path)
    for where, cell in (("title", nb.cells[0]), ("last", nb.cells[-1])):
        targets = [target for _, target in LINK.findall(cell.source)]
        assert any("README.md" in t for t in targets), f"{where} cell links back to the course map"
        step = int(path.name[:2])
        last = max([int(p.name[:2]) for p in LESSONS] + [int(n[:2]) for n in PLANNED_LESSONS])
        if step < last:
            assert any(re.match(rf"{step + 1:02d}_", t) for t in targets), (
                f"{where} cell links to the next lesson"
            )
        if step > 1:
            assert any(re.match(rf"{step - 1:02d}_", t) for t in targets), (
                f"{where} cell links to the previous lesson"
            )
        for target in targets:
            if target.startswith(("http://", "https://")):
                continue
            file = (path.parent / target.split("#")[0]).resolve()
            assert file.exists() or file.name in PLANNED_LESSONS, (
                f"{where} cell links to {target}, which does not exist and is not planned"
            )


def runs_when_executed(source: str) -> str:
    """The code of a cell that runs when the cell runs: class and function bodies only run
    when called, so a cell that only defines a class drawing random numbers draws none."""
    definitions = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return "\n".join(
        ast.unparse(node) for node in ast.parse(source).body if not isinstance(node, definitions)
    )


def test_cells_that_draw_random_numbers_are_tagged_seeded(path: Path) -> None:
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        tagged = SEEDED in cell.metadata.get("tags", [])
        draws = RANDOM_DRAW.search(runs_when_executed(cell.source))
        if draws:
            assert tagged, (
                f"cell {index} draws random numbers ({draws.group(0)!r}): make it seed itself "
                f"and tag it `{SEEDED}` (CONTRIBUTING.md, Determinism)"
            )
        else:
            assert not tagged, f"cell {index} is tagged `{SEEDED}` but draws no random numbers"
