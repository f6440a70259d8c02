"""The README's course map and every Binder launch link, built from one place each.

    python tools/links.py          check the map and every link (exit 1 if one disagrees)
    python tools/links.py --write  rewrite them

The course map (between the README's ``course-map`` markers) is written from the lesson
table, ``helpers.course.LESSONS``; every Binder link from pyproject.toml's [tool.course]
(github, branch). Run through `make links` after changing either. tests/test_binder.py
checks both.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINDER_LINK = re.compile(
    r"https://mybinder\.org/v2/gh/(?P<repository>[^/\s)]+/[^/\s)]+)/(?P<branch>[^?\s)]+)"
    r"\?urlpath=lab/tree/(?P<path>[^\s)]+)"
)
LAUNCH_LABEL = "Run this lesson on Binder"
MAP_START, MAP_END = (
    "<!-- course-map:start (tools/links.py writes this part) -->",
    "<!-- course-map:end -->",
)


def settings() -> tuple[str, str]:
    """The configured (GitHub repository "owner/name", branch)."""
    course = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["course"]
    return course["github"], course["branch"]


def binder_url(notebook: str) -> str:
    """The Binder link that opens ``notebook`` (a file name in notebooks/) in JupyterLab."""
    repository, branch = settings()
    return f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/notebooks/{notebook}"


def course_map() -> str:
    """The README's two lesson tables, from ``helpers.course.LESSONS``."""
    sys.path.insert(0, str(REPO))
    from helpers.course import LESSONS

    def row(lesson: object, first: str) -> str:
        link = f"[{lesson.title}](notebooks/{lesson.notebook})"
        binder = f"[Binder]({binder_url(lesson.notebook)})"
        return f"| {first} | {link} | {lesson.idea} | {lesson.minutes} min | {binder} |"

    core = [row(lesson, str(lesson.number)) for lesson in LESSONS if lesson.core]
    beyond = [row(lesson, str(lesson.number)) for lesson in LESSONS if not lesson.core]
    return "\n".join(
        [
            "| Step | Lesson | Key idea | Time | Launch |",
            "|---|---|---|---|---|",
            *core,
            "",
            "### Beyond the article",
            "",
            "The article stops at one head over one sentence. These lessons carry on toward the "
            "models learners meet next; they follow the same anatomy and run on their own.",
            "",
            "| Lesson | Topic | Key idea | Time | Launch |",
            "|---|---|---|---|---|",
            *beyond,
        ]
    )


def with_course_map(text: str) -> str:
    """``text`` (the README) with the course map between its markers rewritten."""
    start, end = text.index(MAP_START) + len(MAP_START), text.index(MAP_END)
    return text[:start] + "\n" + course_map() + "\n" + text[end:]


def files_with_links() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def rewrite(text: str) -> str:
    """``text`` with every Binder link pointing at the configured repository and branch."""
    repository, branch = settings()
    return BINDER_LINK.sub(
        lambda m: f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/{m['path']}",
        text,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite links in place")
    args = parser.parse_args(argv)
    stale = []
    for path in files_with_links():
        text = path.read_text(encoding="utf-8")
        updated = rewrite(with_course_map(text) if path.name == "README.md" else text)
        if updated != text:
            stale.append(path.relative_to(REPO))
            if args.write:
                path.write_text(updated, encoding="utf-8")
    verb = "rewrote" if args.write else "course map or links to update in"
    for path in stale:
        print(f"{verb} {path}")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
