"""The repository's hygiene, checked without running a lesson: every notebook clean,
complete and shaped like the others (CONTRIBUTING.md); the ``helpers`` that lessons import
is this repository's; the test run is offline; tools/execute_notebooks.py stores only what
is the same on every run; tools/new_lesson.py writes a lesson with the course's anatomy.
"""

from __future__ import annotations

import ast
import getpass
import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from importlib import metadata
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
from nbformat.v4 import new_code_cell, new_notebook, new_output
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

import helpers
from tools.execute_notebooks import KERNELSPEC, clean, clear, problems
from tools.links import bootstrap
from tools.new_lesson import cells

# ================================================================================================
# Every lesson notebook is clean, complete and shaped like the others (CONTRIBUTING.md).
#
# These checks read the stored notebooks; nothing is executed here. tests/test_determinism.py
# runs each lesson, its seeded cells and its exercises on a kernel.
# ================================================================================================


@pytest.fixture(params=LESSONS, ids=ids(LESSONS))
def path(request: pytest.FixtureRequest) -> Path:
    return request.param


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

# Code that draws from a random generator (or reseeds one). A cell whose source matches
# must carry the cell tag `seeded` and seed itself (torch.manual_seed before drawing, or
# its own torch.Generator), so that re-running that one cell reproduces the numbers the
# prose talks about; tests/test_determinism.py re-runs every `seeded` cell and compares.
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


def test_setup_cell_starts_with_the_courses_bootstrap(path: Path) -> None:
    """On Colab a lesson must install the course itself, so every setup cell begins with the
    same few lines (tools/links.py: BOOTSTRAP), which install from [tool.course]'s branch."""
    first_code = code_cells(read(path))[0].source
    assert first_code.startswith(bootstrap() + "\n"), (
        "the setup cell must begin with tools/links.py's bootstrap(), unchanged (run `make links` "
        "if only the repository or branch differs)"
    )


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


# ================================================================================================
# The `helpers` that lessons import is this repository's, installed under the course's name.
# ================================================================================================


def test_helpers_is_this_repositorys() -> None:
    assert Path(helpers.__file__).resolve() == REPO / "helpers" / "__init__.py"


def test_distribution_has_the_course_name() -> None:
    assert metadata.packages_distributions()["helpers"] == ["self-attention-step-by-step"]
    direct_url = metadata.distribution("self-attention-step-by-step").read_text("direct_url.json")
    assert '"editable": true' in direct_url, "helpers must be installed editable (pip install -e .)"
    # The PyPI project called "helpers" is a different package and must not be installed.
    names = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "helpers" not in names


FRESH_IMPORT = """
import json, sys
import helpers
after_helpers = sorted({"matplotlib", "ipywidgets"} & set(sys.modules))
import helpers.lessons.l13_a_real_models_attention, helpers.lessons.l14_positions
import helpers.lessons.l15_transformer_block, helpers.lessons.l16_generating_text
import helpers.real_model
print(json.dumps({"file": helpers.__file__, "after_helpers": after_helpers,
                  "transformers": "transformers" in sys.modules}))
"""


@pytest.fixture(scope="module")
def fresh_import(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What a new Python, started in an unrelated folder, loads with ``import helpers`` (one
    process for the tests below: each start costs seconds)."""
    found = subprocess.run(
        [sys.executable, "-c", FRESH_IMPORT],
        cwd=tmp_path_factory.mktemp("elsewhere"),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(found.stdout)


def test_import_works_from_any_directory(fresh_import: dict) -> None:
    assert Path(fresh_import["file"]).resolve() == REPO / "helpers" / "__init__.py"


def test_importing_helpers_stays_cheap(fresh_import: dict) -> None:
    """Plotting and widgets load only when a lesson asks for them (each costs kernel time),
    and transformers only when lesson 13 loads its model (lessons 14 and 15 never do)."""
    assert fresh_import["after_helpers"] == []
    assert fresh_import["transformers"] is False


def test_constraints_pin_exactly_this_environment() -> None:
    """constraints.txt lists every installed package at its installed version (`make lock`).

    Fails when a pin changed in a requirements file but the constraints were not rewritten,
    so a fresh install would get other versions than the ones the outputs were made with.
    """
    written = subprocess.run(
        [sys.executable, str(REPO / "tools" / "write_constraints.py")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    stored = (REPO / "constraints.txt").read_text()
    wanted, found = set(stored.splitlines()), set(written.splitlines())
    assert wanted == found, (
        "constraints.txt and this environment differ; run `make lock` (or reinstall with make): "
        f"only in constraints.txt: {sorted(wanted - found)}; only installed: {sorted(found - wanted)}"
    )


def pins(path: Path) -> dict[str, Version]:
    """A requirements file's or a pip freeze's NAME==VERSION lines, by the name's normal form
    (PEP 503: huggingface_hub and huggingface-hub are one)."""
    lines = [line for line in path.read_text().splitlines() if "==" in line and line[0] != "#"]
    return {canonicalize_name(n): Version(v) for n, v in (line.split("==") for line in lines)}


def test_the_package_installs_beside_colabs_packages_without_replacing_one() -> None:
    """Installed on Colab, the course must replace nothing: its dependencies are floors (>=),
    never pins, each at or below the version in Colab's committed pip freeze, and its Python
    range admits Colab's Python (3.12 in that freeze, 3.13 since 2026-08-25). `make
    colab-rehearsal` asks pip itself the same question against the freeze."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = [Requirement(item) for item in project["dependencies"]]
    assert {r.name for r in declared} == {
        "torch",
        "numpy",
        "matplotlib",
        "seaborn",
        "ipywidgets",
        "ipykernel",
    }
    colab = pins(REPO / "colab" / "pip-freeze.txt")
    assert len(colab) > 700, "colab/pip-freeze.txt should be Colab's whole pip freeze"
    for requirement in declared:
        (only,) = requirement.specifier
        assert only.operator == ">=", f"{requirement}: declare a floor, not a pin or a cap"
        assert colab[requirement.name] in requirement.specifier, (
            f"{requirement} is above Colab's {requirement.name} {colab[requirement.name]}: "
            "installing the course there would replace it"
        )
    for python in ("3.12", "3.13"):
        assert SpecifierSet(project["requires-python"]).contains(python)


def test_the_colab_rehearsal_runs_at_the_floors_and_at_colabs_versions() -> None:
    """`make colab-rehearsal` runs every lesson at exactly the course's floors (colab/stack.txt),
    so nothing in helpers needs more, and the rest of the kernel's stack at Colab's versions.
    torch is the one exception (pyproject.toml says why): the rehearsal has 2.13.0, the pinned
    release, at or above its floor."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    floors = {
        r.name: Version(next(iter(r.specifier)).version)
        for r in map(Requirement, project["dependencies"])
    }
    stack = pins(REPO / "colab" / "stack.txt")
    pinned = pins(REPO / "requirements.txt")
    colab = pins(REPO / "colab" / "pip-freeze.txt")
    for name, release in stack.items():
        if name == "torch":
            assert release == pinned[name] and floors[name] <= release
        elif name in floors:
            assert release == floors[name], f"colab/stack.txt must install {name} at its floor"
        else:
            assert release == colab[name], (
                f"colab/stack.txt must install Colab's {name} {colab[name]}"
            )
    assert set(floors) <= set(stack)
    for name, floor in floors.items():
        assert floor <= pinned[name], f"{name}: the floor is above the pin in requirements.txt"


# ================================================================================================
# The test run itself is offline: `make test` runs pytest through tools/offline.sh.
#
# So every lesson run (on a kernel, in the browser, under nbval) proves it needs no network.
# ================================================================================================


def test_the_tests_run_without_a_network() -> None:
    if os.environ.get("COURSE_OFFLINE") != "1":
        reason = (
            "networking could not be disabled (needs root and `unshare -n`): this run was online"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    interfaces = sorted(name for _, name in socket.if_nameindex())
    assert interfaces == ["lo"], f"expected only the loopback interface, found {interfaces}"


# ================================================================================================
# tools/execute_notebooks.py stores only what is the same on every run (make notebooks).
# ================================================================================================


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


# ================================================================================================
# tools/new_lesson.py writes a lesson that already has the course's title and anatomy.
# ================================================================================================


@pytest.mark.parametrize(
    ("step", "title_rule", "where"),
    [(3, TITLE, "show_pipeline(3)"), (14, BEYOND_TITLE, "show_beyond(14)")],
)
def test_template_has_title_anatomy_and_course_map(step: int, title_rule, where: str) -> None:
    made = cells(step, "topic", "A topic")
    match = title_rule.match(made[0].source)
    assert match and int(match["step"]) == step
    headings = [c.source.splitlines()[0][3:] for c in made if c.source.startswith("## ")]
    positions = [next(i for i, h in enumerate(headings) if h.startswith(name)) for name in ANATOMY]
    assert positions == sorted(positions), "the anatomy's headings come in order"
    code = [c.source for c in made if c.cell_type == "code"]
    assert where in code, "'Where we are' shows the right course map"
    assert "helpers.setup_lesson()" in code[0] and where.split("(")[0] in code[0]


def test_a_new_row_gives_a_notebook_a_lesson_module_and_its_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from helpers.course import Lesson
    from tools import new_lesson

    row = Lesson(14, "positions", "Where words are", "Positions", "an idea", 30)
    for folder in ("notebooks", "helpers/lessons", "tests"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setattr(new_lesson, "REPO", tmp_path)
    monkeypatch.setattr(new_lesson, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(new_lesson, "lesson", lambda number: row)
    assert new_lesson.main(["14"]) == 0
    module_path = tmp_path / "helpers/lessons/l14_positions.py"
    assert (tmp_path / "notebooks/14_positions.ipynb").is_file()
    assert (tmp_path / "tests/test_l14_positions.py").is_file()
    spec = importlib.util.spec_from_file_location("l14_positions", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    explorer = module.TODO_explorer()
    assert explorer.shown_text() == "TODO the key numbers as text"
    assert module.check_TODO_1([0.0]).passed and not module.check_TODO_1([1.0]).passed
    assert new_lesson.main(["14"]) == 1, "never overwrites a lesson"
