"""The environments `make` builds: a learner's for `make lab`, a maintainer's for `make test`.

- `make lab` installs only what the lessons import; `make test` adds the test tools.
- On Linux, PyTorch comes from its CPU-only index (tools/install_torch.sh), probed once with
  a short timeout; where it cannot be reached, as on this machine and in CI, the script says
  so and pip takes torch from its usual index. Both paths are tested here against local
  servers, so no test needs the network.
- `make compat` judges another PyTorch release's printed numbers by their last digit.
- tools/python_support.py reads which Pythons a pin's wheels fit (PyPI itself: by hand).
"""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from course import REPO
from packaging.specifiers import SpecifierSet
from packaging.utils import parse_wheel_filename

from tools.compat import compare, line_verdict, unit
from tools.python_support import PLATFORMS, excluded, fits

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


# ------------------------------------------------------------------------------------------------
# make compat: how another PyTorch release's printed text is judged (tools/compat.py).
# ------------------------------------------------------------------------------------------------


def test_one_unit_of_the_last_printed_digit() -> None:
    assert [unit("3.14"), unit("12"), unit("-0.0001"), unit("1.5e-05")] == [
        Decimal("0.01"), Decimal(1), Decimal("0.0001"), Decimal("1e-6"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "printed", "verdict"),
    [
        ("tensor([0.1234, -0.5000])", "tensor([0.1234, -0.5000])", "same"),
        ("tensor([0.1234, -0.5000])", "tensor([0.1235, -0.5000])", "moved"),
        ("tensor([0.1234, -0.5000])", "tensor([0.1236, -0.5000])", "different"),
        ("loss 1.5e-05", "loss 1.6e-05", "moved"),
        ("loss 1.5e-05", "loss 1.7e-05", "different"),
        # A sign change pads the column differently; -0.0000 is 0.0000.
        ("tensor([ 0.0000,  1.0000])", "tensor([-0.0000,  1.0000])", "same"),
        # Whole numbers (counts, shapes, indices) do not round: any change is a difference.
        ("argmax: 3", "argmax: 4", "different"),
        ("shape (9, 3)", "shape (9, 4)", "different"),
        ("weights sum to 1", "weights sum to one", "different"),
    ],
)
def test_a_printed_line_is_judged_number_by_number(stored, printed, verdict) -> None:
    assert line_verdict(stored, printed)[0] == verdict


def test_compare_leaves_out_the_version_note_and_reports_each_moved_line() -> None:
    note = "Note: this kernel has PyTorch 2.14.1; the course was checked with 2.13.0, ...\n"
    stored = ["vocabulary of 9 words\n", "tensor([0.5000, 0.2500])\n"]
    printed = [note + "vocabulary of 9 words\n", "tensor([0.5001, 0.2500])\n"]
    found = compare(stored, printed)
    assert found["numbers"] == 3 and not found["different"] and not found["wording"]
    assert found["moved"] == [
        {"cell": 1, "stored": "tensor([0.5000, 0.2500])", "printed": "tensor([0.5001, 0.2500])",
         "units": 1.0},
    ]  # fmt: skip
    assert compare(stored, ["vocabulary of 9 words\nand more\n", stored[1]])["different"]
    assert compare(stored, ["vocabulary of 10 words\n", stored[1]])["different"]


def test_a_pitfalls_changed_pytorch_error_is_reported_for_a_person_not_failed() -> None:
    stored = ["3-D input: RuntimeError: No available kernel.\nd_v: RuntimeError: sizes differ\n"]
    for printed in (
        "3-D input: RuntimeError: no kernel for 3-D input\nd_v: RuntimeError: sizes differ\n",
        "3-D input: this PyTorch release runs the fused kernel on it\nd_v: RuntimeError: sizes differ\n",
    ):
        found = compare(stored, [printed])
        assert not found["different"]
        assert found["wording"] == [{"cell": 0, "stored": stored[0], "printed": printed}]


# ------------------------------------------------------------------------------------------------
# tools/python_support.py: which Pythons a pinned release's wheels and Requires-Python allow.
# ------------------------------------------------------------------------------------------------

LINUX, MAC = PLATFORMS["Linux x86-64"], PLATFORMS["macOS arm64"]


@pytest.mark.parametrize(
    ("wheel", "python", "platform", "installs"),
    [
        ("numpy-2.4.6-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "3.12", LINUX, True),
        ("numpy-2.4.6-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "3.13", LINUX, False),
        ("numpy-2.4.6-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "3.12", MAC, False),
        ("psutil-7.2.2-cp36-abi3-manylinux2014_x86_64.whl", "3.11", LINUX, True),
        ("hf_xet-1.8.0-cp37-abi3-macosx_11_0_arm64.whl", "3.14", MAC, True),
        ("matplotlib-3.11.2-cp313-cp313-macosx_10_13_universal2.whl", "3.13", MAC, True),
        ("seaborn-0.13.2-py3-none-any.whl", "3.14", LINUX, True),
    ],
)  # fmt: skip
def test_a_wheel_fits_a_python_by_its_tags(wheel, python, platform, installs) -> None:
    assert fits(parse_wheel_filename(wheel)[3], python, platform) == installs


def test_requires_python_exclusions_are_reported_release_by_release() -> None:
    assert excluded(SpecifierSet(">=3.11"), "3.11") == ""
    assert excluded(SpecifierSet(">=3.11.5"), "3.11") == "3.11.0, 3.11.1, 3.11.2, 3.11.3, 3.11.4"
    assert excluded(SpecifierSet("!=3.14.1,>=3.11"), "3.14") == "3.14.1"
    assert excluded(SpecifierSet(">=3.12"), "3.11") == "every 3.11"
