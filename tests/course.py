"""Facts about the course that several tests share: where lessons are and what they must hold.

The lessons are the rows of ``helpers.course.LESSONS`` (the one table of lessons);
tests/test_hygiene.py checks that notebooks/ holds exactly those notebooks.
PLANNED_LESSONS lists a lesson promised by an open issue but not written yet.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

from helpers import course

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
CORE_STEPS = course.CORE

LESSONS = [NOTEBOOKS / lesson.notebook for lesson in course.LESSONS]
"""Every lesson notebook, in course order: the article's seven steps (01-07), then the
"beyond the article" lessons (08 on)."""

PLANNED_LESSONS: dict[str, int] = {}
"""Lessons that links may point to before they exist, with the open issue that delivers each.
Remove an entry when its lesson lands (the hygiene test then requires the file)."""

ANATOMY = (
    "What you will learn",
    "Setup",
    "Where we are",
    "Picture",
    "Explore",
    "Pitfalls",
    "Exercises",
    "Recap",
)
"""The level-2 headings every lesson has, in this order (CONTRIBUTING.md, "Anatomy").
Other level-2 headings (the step's own sections) may stand between them; a heading
matches when it starts with the name, e.g. "Picture: looking words up"."""

TITLE = re.compile(r"^# Step (?P<step>\d) of 7 — \S")
"""The title of a core lesson (01-07): one step of the article."""

BEYOND_TITLE = re.compile(r"^# Beyond the article, lesson (?P<step>\d\d) — \S")
"""The title of a lesson past the article's seven steps (08 on): it must not say "Step N of 7"."""


def is_core(path: Path) -> bool:
    """True for the article's seven steps (01-07), False for the beyond-the-article lessons."""
    return int(path.name[:2]) <= CORE_STEPS


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def ids(paths: list[Path]) -> list[str]:
    """Test ids: the notebook file names."""
    return [path.name for path in paths]


def text_of(output: dict) -> str:
    """All text an output shows (streams, text/plain, text/html, errors)."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join([output.get("ename", ""), output.get("evalue", "")])
    data = output.get("data", {})
    return "\n".join(str(data[key]) for key in data if key.startswith("text/"))


def lesson_modules() -> list[Any]:
    """Every lesson module that exists (helpers/lessons/lNN_slug.py), in course order."""
    import importlib

    names = sorted(path.stem for path in (REPO / "helpers" / "lessons").glob("l[0-9][0-9]_*.py"))
    return [importlib.import_module(f"helpers.lessons.{name}") for name in names]


def lesson_members(suffix: str = "", prefix: str = "") -> dict[str, Callable[..., Any]]:
    """Every function of the lesson modules named ``<prefix>…<suffix>``, by name."""
    return {
        name: function
        for module in lesson_modules()
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith(prefix)
        and name.endswith(suffix)
        and function.__module__ == module.__name__
    }


def exercise_checks() -> dict[str, Callable[[Any], Any]]:
    """Every exercise check (``check_*``) of every lesson, by name."""
    return lesson_members(prefix="check_")


def explorer_factories() -> dict[str, Callable[[], Any]]:
    """Every explorer factory (``*_explorer``) of every lesson module, by name."""
    return lesson_members(suffix="_explorer")


def picture_text(picture: str) -> str:
    """The visible text of an HTML picture, one piece per element, as a reader sees it."""
    import html

    pieces = re.findall(r">([^<>]+)<", picture)
    return " ".join(html.unescape(p.strip()) for p in pieces if p.strip())


def picture_labels(picture: str) -> list[str]:
    """The ``aria-label`` of every ``role="img"`` element of an HTML picture, unescaped."""
    import html

    return [html.unescape(x) for x in re.findall(r'role="img" aria-label="([^"]*)"', picture)]


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def figure_text(fig: Any) -> str:
    """Every piece of text a matplotlib figure shows: titles, tick labels, annotations."""
    pieces = []
    for ax in fig.axes:
        pieces += [ax.get_title(), ax.get_title("left"), ax.get_xlabel(), ax.get_ylabel()]
        if ax.axison:  # an axis switched off draws no tick labels
            pieces += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        pieces += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            pieces += [t.get_text() for t in legend.get_texts()]
    return " ".join(p for p in pieces if p)


def numbers_in(text: str) -> list[str]:
    """The numbers a text shows, sorted (so two renderings can be compared as multisets)."""
    return sorted(NUMBER.findall(text))


def defined_tests(prefix: str) -> set[str]:
    """Names X of every ``def test_<prefix>X`` in any test file (e.g. prefix "drive_")."""
    found: set[str] = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        found |= set(re.findall(rf"^def test_{prefix}(\w+)\(", path.read_text(), re.M))
    return found
