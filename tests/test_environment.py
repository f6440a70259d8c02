"""The environments `make` builds: a learner's for `make lab`, a maintainer's for `make test`.

- `make lab` installs only what the lessons import; `make test` adds the test tools.
- On Linux, PyTorch comes from its CPU-only index (tools/install_torch.sh), probed once with
  a short timeout; where it cannot be reached, as on this machine and in CI, the script says
  so and pip takes torch from its usual index. Both paths are tested here against local
  servers, so no test needs the network.
"""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from course import REPO

INSTALL_TORCH = REPO / "tools" / "install_torch.sh"


def make_plan(*targets: str) -> str:
    """The commands `make` would run for ``targets`` from scratch (make -n -B runs nothing)."""
    plan = subprocess.run(
        ["make", "-n", "-B", *targets], cwd=REPO, capture_output=True, text=True, check=True
    )
    return plan.stdout


def test_make_lab_installs_only_what_the_lessons_need() -> None:
    plan = make_plan("lab")
    assert "tools/install_torch.sh" in plan
    assert "-r requirements.txt -r requirements-model.txt" in plan
    assert "requirements-dev.txt" not in plan, "make lab must not install the test tools"


def test_make_test_adds_the_test_tools() -> None:
    assert "-r requirements-dev.txt" in make_plan("test")


def test_the_makefile_accepts_pythons_3_11_to_3_14_only() -> None:
    plan = make_plan("lab")
    (check,) = [line for line in plan.splitlines() if "sys.version_info" in line]
    # The check as make runs it (its echo part cut off), for each Python version it may meet.
    condition = check.split("'")[1]
    for version, accepted in [((3, 10), False), ((3, 11), True), ((3, 14), True), ((3, 15), False)]:
        code = condition.replace("sys.version_info[:2]", repr(version))
        ran = subprocess.run([sys.executable, "-c", code])
        assert (ran.returncode == 0) == accepted, version


@pytest.fixture
def recording_python(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for the environment's Python: `-m pip ...` is recorded, not run; anything
    else (the script's probe) runs on the real interpreter."""
    record = tmp_path / "pip-calls"
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = -m ]; then echo "$@" >> {record}; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n'
    )
    stand_in.chmod(0o755)
    return stand_in, record


@pytest.fixture
def torch_index(tmp_path: Path) -> Iterator[str]:
    """A local stand-in for PyTorch's CPU index: it serves /torch/."""
    root = tmp_path / "index"
    (root / "torch").mkdir(parents=True)
    (root / "torch" / "index.html").write_text("<a href='torch-2.13.0+cpu.whl'>torch</a>\n")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def install_torch(python: Path, index: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(INSTALL_TORCH), str(python), "2.13.0"],
        env={"PATH": "/usr/bin:/bin", "TORCH_INDEX": index},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the CPU index is used on Linux only")
def test_on_linux_torch_alone_comes_from_the_cpu_index(recording_python, torch_index) -> None:
    python, record = recording_python
    ran = install_torch(python, torch_index)
    assert ran.returncode == 0 and ran.stderr == ""
    assert ran.stdout == f"PyTorch 2.13.0, CPU-only build, from {torch_index}\n"
    # torch alone (--no-deps), from that index alone (--index-url, not --extra-index-url).
    assert record.read_text() == (
        f"-m pip install --quiet --no-deps torch==2.13.0 --index-url {torch_index}\n"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the CPU index is used on Linux only")
def test_an_unreachable_index_falls_back_quietly_to_pips_usual_one(recording_python) -> None:
    python, record = recording_python
    index = f"http://127.0.0.1:{closed_port()}"
    ran = install_torch(python, index)
    assert ran.returncode == 0 and ran.stderr == ""
    assert ran.stdout == (
        f"note: {index} cannot be reached from here; pip installs torch 2.13.0 "
        "from its usual index\n"
    )
    assert not record.exists(), "nothing is installed: the next pip install brings torch"
