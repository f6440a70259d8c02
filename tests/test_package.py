"""The `helpers` that lessons import is this repository's, installed under the course's name."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
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


FRESH_IMPORT = """
import json, sys
import helpers
after_helpers = sorted({"matplotlib", "ipywidgets"} & set(sys.modules))
import helpers.lessons.l13_a_real_models_attention, helpers.real_model
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
    and transformers only when lesson 13 loads its model."""
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
