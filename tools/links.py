"""Binder launch links, all built from pyproject.toml's [tool.course] (github, branch).

    python tools/links.py          check every link (exit 1 if one disagrees)
    python tools/links.py --write  rewrite every link to the configured repository and branch

Run through `make links` after changing [tool.course]. tests/test_binder.py checks the links.
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


def settings() -> tuple[str, str]:
    """The configured (GitHub repository "owner/name", branch)."""
    course = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["course"]
    return course["github"], course["branch"]


def binder_url(notebook: str) -> str:
    """The Binder link that opens ``notebook`` (a file name in notebooks/) in JupyterLab."""
    repository, branch = settings()
    return f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/notebooks/{notebook}"


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
        updated = rewrite(text)
        if updated != text:
            stale.append(path.relative_to(REPO))
            if args.write:
                path.write_text(updated, encoding="utf-8")
    verb = "rewrote" if args.write else "links to update in"
    for path in stale:
        print(f"{verb} {path}")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
