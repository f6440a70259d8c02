"""Create a new lesson notebook with the course's anatomy, ready to fill in.

    python tools/new_lesson.py 2 embedding "Embedding: from ids to vectors"

writes notebooks/02_embedding.ipynb with every required section (CONTRIBUTING.md,
"Anatomy"), tagged exercise cells and collapsed solutions. A number above 7 writes a
lesson of the beyond-the-article part (its own title and course map). Fill in the TODOs, add an
explorer to helpers/explorers.py and checks to helpers/exercises.py, then run
`make notebooks` and `make test`.
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
from tools.links import LAUNCH_LABEL, binder_url  # noqa: E402

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


CORE_STEPS = 7


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
            f"\n\n[{LAUNCH_LABEL}]({binder_url(f'{step:02d}_{slug}.ipynb')}) "
            "(nothing to install; it takes a minute or two to start)"
        ),
        md(
            "## What you will learn\n\n- TODO 2 to 4 objectives\n\n"
            "**Prerequisites:** TODO.\n**Time:** about TODO minutes.\n\n"
            "| Key term | 中文 (the article's term) | Here it means |\n|---|---|---|\n| TODO | TODO | TODO |"
        ),
        md("## Setup\n\nRun this cell first. TODO: say what it rebuilds from earlier steps."),
        code(
            "try:\n    import torch\n\n    import helpers\nexcept ModuleNotFoundError as missing:\n"
            "    raise ModuleNotFoundError(\n"
            '        f"This lesson needs the package {missing.name!r}, which this kernel cannot import. "\n'
            '        "Start JupyterLab from the course folder with `make lab` (see the README), or install "\n'
            '        "the course into this kernel by running:  %pip install -r ../requirements.txt -e .."\n'
            "    ) from None\n\n"
            f"from helpers.figures import {where.split('(')[0]}\n\nhelpers.setup_lesson()"
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
            "On Binder all open lessons share 1 GB of memory.\n\n**Next:** TODO.\n\n" + nav
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", type=int, help="the lesson's number, e.g. 2")
    parser.add_argument("slug", help="file name part, e.g. embedding")
    parser.add_argument(
        "title", help="title after 'Step N of 7 — ' (or 'Beyond the article, lesson NN — ', 8 on)"
    )
    args = parser.parse_args(argv)
    path = NOTEBOOKS / f"{args.step:02d}_{args.slug}.ipynb"
    if path.exists():
        print(f"{path} exists already; not overwriting it.")
        return 1
    nb = new_notebook(
        cells=cells(args.step, args.slug, args.title), metadata={"kernelspec": KERNELSPEC}
    )
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
