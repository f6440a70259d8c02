"""The `helpers` that lessons import is this repository's, installed under the course's name."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from course import REPO

import helpers


def test_helpers_is_this_repositorys() -> None:
    assert Path(helpers.__file__).resolve() == REPO / "helpers" / "__init__.py"


def test_distribution_has_the_course_name() -> None:
    assert metadata.packages_distributions()["helpers"] == ["self-attention-step-by-step"]
    direct_url = metadata.distribution("self-attention-step-by-step").read_text("direct_url.json")
    assert '"editable": true' in direct_url, "helpers must be installed editable (pip install -e .)"
    # The PyPI project called "helpers" is a different package and must not be installed.
    names = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "helpers" not in names


def test_import_works_from_any_directory(tmp_path: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import helpers; print(helpers.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).resolve() == REPO / "helpers" / "__init__.py"


def test_importing_helpers_stays_cheap() -> None:
    """Plotting and widgets load only when a lesson asks for them (each costs kernel time)."""
    code = "import sys, helpers; print(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


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
