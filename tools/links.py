"""The README's course map and every link that names the course's home, built from one place.

    python tools/links.py          check the map and every link (exit 1 if one disagrees)
    python tools/links.py --write  rewrite them

The course map (between the README's ``course-map`` markers) and each lesson's "In Colab:"
line (absolute links to the previous and next lessons and the course map, since relative
links do not open in Colab) are written from the lesson table, ``helpers.course.LESSONS``.
Every Binder and Colab link, and the repository the setup cells install the course from on
Colab, come from pyproject.toml's [tool.course] (github, branch). Run through `make links`
after changing either. tests/test_binder.py checks them all.
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
COLAB_LINK = re.compile(
    r"https://colab\.research\.google\.com/github/(?P<repository>[^/\s)]+/[^/\s)]+)"
    r"/blob/(?P<branch>[^/\s)]+)/(?P<path>[^\s)]+)"
)
GITHUB_LINK = re.compile(
    r"https://github\.com/(?P<repository>[^/\s)]+/[^/\s)]+)/blob/(?P<branch>[^/\s)]+)"
    r"/(?P<path>[^\s)]+)"
)
INSTALL_SOURCE = re.compile(
    r"git\+https://github\.com/(?P<repository>[^/\s@]+/[^/\s@]+)@(?P<branch>[\w./-]+)"
)
COLAB_NAVIGATION = re.compile(r"In Colab: [^\"\\\n]*")  # one line of a cell, inside the JSON
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


def colab_url(notebook: str) -> str:
    """The link that opens ``notebook`` (a file name in notebooks/) in Google Colab."""
    repository, branch = settings()
    return (
        f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{notebook}"
    )


def github_url(path: str) -> str:
    """The link to ``path`` (in the repository) on GitHub, at the configured branch."""
    repository, branch = settings()
    return f"https://github.com/{repository}/blob/{branch}/{path}"


def install_source() -> str:
    """What a lesson's setup cell gives pip on Colab: the course at the configured branch."""
    repository, branch = settings()
    return f"git+https://github.com/{repository}@{branch}"


BOOTSTRAP = """\
import importlib.util
import os
import subprocess
import sys

# On Colab, or with COURSE_PACKAGE set (a pip requirement), install the course package first.
if importlib.util.find_spec("helpers") is None and (
    "google.colab" in sys.modules or "COURSE_PACKAGE" in os.environ
):
    print("Installing the course package into this kernel (once per session)...")
    default = "{source}"
    source = os.environ.get("COURSE_PACKAGE", default)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source]
    installed = subprocess.run(pip, capture_output=True, text=True)
    if installed.returncode:
        raise RuntimeError(f"pip could not install the course package:\\n{{installed.stderr}}")
    importlib.invalidate_caches()
"""
"""The first lines of every lesson's setup cell, the same everywhere (tests/test_hygiene.py)."""


def bootstrap() -> str:
    """The setup cells' first lines, installing the course from the configured branch."""
    return BOOTSTRAP.format(source=install_source())


def lessons() -> list:
    sys.path.insert(0, str(REPO))
    from helpers.course import LESSONS

    return list(LESSONS)


def colab_navigation(notebook: str) -> str:
    """The "In Colab:" line of ``notebook``'s title and last cells: the previous lesson, the
    course map and the next lesson (the last lesson leads back to the first), as absolute
    links, because Colab opens neither ``../README.md`` nor a sibling notebook."""
    table = lessons()
    by_number = {lesson.number: lesson for lesson in table}
    number = int(notebook[:2])  # a new lesson may not be in the table yet (tools/new_lesson.py)

    def label(lesson: object) -> str:
        return f"Step {lesson.number}" if lesson.core else f"Lesson {lesson.number:02d}"

    parts = [f"[Course map]({github_url('README.md')}#course-map)"]
    if previous := by_number.get(number - 1):
        parts.insert(0, f"[← {label(previous)}]({colab_url(previous.notebook)})")
    following = by_number.get(number + 1, table[0])
    parts.append(f"[{label(following)} →]({colab_url(following.notebook)})")
    return "In Colab: " + " · ".join(parts)


def course_map() -> str:
    """The README's two lesson tables, from ``helpers.course.LESSONS``."""
    LESSONS = lessons()

    def row(lesson: object, first: str) -> str:
        link = f"[{lesson.title}](notebooks/{lesson.notebook})"
        launch = f"[Binder]({binder_url(lesson.notebook)}) · [Colab]({colab_url(lesson.notebook)})"
        return f"| {first} | {link} | {lesson.idea} | {lesson.minutes} min | {launch} |"

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


def rewrite(text: str, notebook: str | None = None) -> str:
    """``text`` with every Binder, Colab and GitHub link and the install source pointing at the
    configured repository and branch, and ``notebook``'s "In Colab:" lines rewritten."""
    repository, branch = settings()
    text = BINDER_LINK.sub(
        lambda m: f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/{m['path']}",
        text,
    )
    text = COLAB_LINK.sub(
        lambda m: (
            f"https://colab.research.google.com/github/{repository}/blob/{branch}/{m['path']}"
        ),
        text,
    )
    text = GITHUB_LINK.sub(
        lambda m: f"https://github.com/{repository}/blob/{branch}/{m['path']}", text
    )
    text = INSTALL_SOURCE.sub(install_source(), text)
    if notebook is not None:
        text = COLAB_NAVIGATION.sub(lambda m: colab_navigation(notebook), text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite links in place")
    args = parser.parse_args(argv)
    stale = []
    for path in files_with_links():
        text = path.read_text(encoding="utf-8")
        if path.name == "README.md":
            updated = rewrite(with_course_map(text))
        else:
            updated = rewrite(text, path.name)
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
