"""Start a new lesson from its row of the lesson table, with the course's anatomy.

    1. add the lesson's row to helpers/course.py (LESSONS): number, slug, title, ...
    2. python tools/new_lesson.py 14

writes what a new lesson touches, each with TODOs to fill in (CONTRIBUTING.md, "A new
lesson"): notebooks/14_<slug>.ipynb with every section of the anatomy, tagged exercise cells
and collapsed solutions; helpers/lessons/l14_<slug>.py (its pictures, explorer and checks);
tests/test_l14_<slug>.py (its tests). A number above 7 writes a lesson of the
beyond-the-article part (its own title and course map). Then add the explorer's steps to
tests/explorer_steps.py, run `make links` (README course map), `make notebooks` and `make test`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
sys.path.insert(0, str(REPO))
from tools.links import LAUNCH_LABEL, binder_url, bootstrap, colab_navigation, colab_url  # noqa: E402

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


from helpers.course import CORE as CORE_STEPS  # noqa: E402
from helpers.course import lesson  # noqa: E402

MODULE = '''"""Lesson {number:02d}, {title}: its pictures, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (helpers.ui.strings).
"""

from __future__ import annotations

from typing import Any

from helpers.ui.answers import Verdict, exercise_check, judge, not_yet, read_tensor
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import Heatmap
from helpers.ui.strings import translator

_ = translator(__name__)


def render_TODO(choice: int) -> View:
    """What the explorer shows for ``choice`` (a pure function of the controls)."""
    return View(_("TODO the key numbers as text"), Heatmap([[0.0]], _("TODO what it shows")))


def TODO_explorer() -> Explorer:
    """TODO. Introduced in {stem}.ipynb ("Explore")."""
    return explore(
        render_TODO,
        choice=dropdown("TODO-css", _("TODO label:"), [0, 1], 0),
        fallback=_("[TODO explorer: ... It needs a live kernel (JupyterLab or Binder); the picture below shows its starting state.]"),
    )


@exercise_check(_("TODO the hint"))
def check_TODO_1(answer: Any) -> Verdict:
    """Exercise 1 of {stem}.ipynb: TODO."""
    value, problem = read_tensor(answer, (1,), _("TODO what"), _("TODO the hint"))
    if problem:
        return problem
    return judge(value, [0.0], _("TODO why it is right"), _("TODO the hint")) or not_yet(
        _("TODO what is wrong"), _("TODO the hint")
    )
'''

TESTS = '''"""Lesson {number:02d}, {title}: its pictures, its explorer and its exercise checks."""

from __future__ import annotations

from helpers.lessons import l{number:02d}_{slug} as lesson

RIGHT_ANSWERS = {{"check_TODO_1": lambda: [0.0]}}
"""The right answer of each exercise, computed independently (tests/test_toolkit.py)."""


def test_drive_TODO_explorer() -> None:
    explorer = lesson.TODO_explorer()
    assert explorer.shown_text() == "TODO the exact text"


def test_check_TODO_1() -> None:
    assert lesson.check_TODO_1([0.0]).passed
'''


def cells(step: int, slug: str, title: str) -> list[nbformat.NotebookNode]:
    """The lesson's cells: a core step (1-7) or a lesson beyond the article (8 on)."""
    core = step <= CORE_STEPS
    previous = sorted(NOTEBOOKS.glob(f"{step - 1:02d}_*.ipynb"))
    before = step - 1
    prev_name = f"Step {before}" if before <= CORE_STEPS else f"Lesson {before:02d}"
    prev_link = (
        f"[← {prev_name}]({previous[0].name})" if previous else "[← Course map](../README.md)"
    )
    here = f"**Step {step} of 7**" if core else f"**Beyond the article, lesson {step:02d}**"
    nav = f"{prev_link} · [Course map](../README.md) · {here} · [Next →](TODO.ipynb)"
    heading = (
        f"# Step {step} of 7 — {title}"
        if core
        else f"# Beyond the article, lesson {step:02d} — {title}"
    )
    where = f"show_pipeline({step})" if core else f"show_beyond({step})"
    notebook = f"{step:02d}_{slug}.ipynb"
    md = new_markdown_cell
    code = new_code_cell

    def tagged(cell: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
        cell.metadata["tags"] = [tag]
        return cell

    exercise = []
    for number in (1, 2):
        exercise += [
            md(
                f"### Exercise {number}: TODO a short name\n\nTODO: what to compute, and where the lesson showed how."
            ),
            tagged(
                code(f"answer_{number} = ...  # your answer: TODO what type and shape"), "exercise"
            ),
            tagged(code(f"check_TODO_{number}(answer_{number})"), "exercise-check"),
            tagged(
                md(
                    "<details>\n<summary>Show a solution</summary>\n\n```python\n"
                    f"answer_{number} = ...  # TODO the solution\n```\n\n</details>"
                ),
                "solution",
            ),
        ]
    return [
        md(
            f"{heading}\n\nAfter this lesson you can TODO (one sentence).\n\n{nav}"
            f"\n\n[{LAUNCH_LABEL}]({binder_url(notebook)}) "
            "(nothing to install; it takes a minute or two to start) · "
            f"[Open it in Colab]({colab_url(notebook)}) "
            "(needs a Google account; its setup cell installs the course)"
            f"\n\n{colab_navigation(notebook)}"
        ),
        md(
            "## What you will learn\n\n- TODO 2 to 4 objectives\n\n"
            "**Prerequisites:** TODO.\n**Time:** about TODO minutes.\n\n"
            "| Key term | 中文 (the article's term) | Here it means |\n|---|---|---|\n| TODO | TODO | TODO |"
        ),
        md("## Setup\n\nRun this cell first. TODO: say what it rebuilds from earlier steps."),
        code(
            bootstrap() + "\n"
            "try:\n    import torch\n\n    import helpers\nexcept ModuleNotFoundError as missing:\n"
            "    raise ModuleNotFoundError(\n"
            '        f"This lesson needs the package {missing.name!r}, which this kernel cannot import. "\n'
            '        "Start JupyterLab from the course folder with `make lab` (see the README), or install "\n'
            '        "the course into this kernel by running:  %pip install -r ../requirements.txt -e .."\n'
            "    ) from None\n\n"
            f"from helpers.lessons.l{step:02d}_{slug} import TODO_explorer, check_TODO_1\n"
            f"from helpers.ui.figures import show, {where.split('(')[0]}\n\nhelpers.setup_lesson()"
        ),
        md("## Where we are\n\nTODO: one or two sentences linking the previous step to this one."),
        code(where),
        md(
            "## TODO the step's idea\n\nIdea in words, then the formula in LaTeX with shapes, e.g. $Q = XW_Q$."
        ),
        code("# TODO code: one idea per cell; print what the text talks about"),
        md("**What to notice:** TODO."),
        md("## Picture: TODO\n\nTODO what the picture shows."),
        code("# TODO show(..., 'a text version of the picture')"),
        md("## Explore: TODO\n\nTODO what to change and what to look for."),
        tagged(code("explorer = TODO_explorer()\nexplorer"), "explorer"),
        md("Reading this without a live kernel? This is what the explorer shows at the start:"),
        code("explorer.show_snapshot()"),
        md(
            "## Pitfalls\n\n**1. TODO.** A demo that warns or raises catches it and prints the message."
        ),
        code("# TODO try: ... except ...Error as error: print(type(error).__name__ + ':', error)"),
        md("## Exercises\n\nReplace the `...`, run both cells, and read the verdict."),
        *exercise,
        md(
            "## Recap\n\n- TODO\n- TODO\n- TODO\n\n"
            "**Before you go:** shut this notebook's kernel down (*Kernel → Shut Down Kernel*). "
            "On Binder all open lessons share 1 GB of memory.\n\n**Next:** TODO.\n\n"
            f"{nav}\n\n{colab_navigation(notebook)}"
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("number", type=int, help="the lesson's number in helpers.course.LESSONS")
    args = parser.parse_args(argv)
    try:
        row = lesson(args.number)
    except ValueError:
        print(f"add lesson {args.number}'s row to helpers/course.py (LESSONS) first.")
        return 1
    fields = {"number": row.number, "slug": row.slug, "title": row.title, "stem": row.stem}
    files = {
        NOTEBOOKS / row.notebook: None,
        REPO / "helpers" / "lessons" / f"l{row.number:02d}_{row.slug}.py": MODULE,
        REPO / "tests" / f"test_l{row.number:02d}_{row.slug}.py": TESTS,
    }
    existing = [path for path in files if path.exists()]
    if existing:
        print(f"{', '.join(map(str, existing))} exists already; not overwriting anything.")
        return 1
    for path, template in files.items():
        if template is None:
            nb = new_notebook(
                cells=cells(row.number, row.slug, row.title), metadata={"kernelspec": KERNELSPEC}
            )
            nbformat.validate(nb)
            path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        else:
            path.write_text(template.format(**fields), encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
