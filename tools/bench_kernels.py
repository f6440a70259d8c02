"""What a learner waits for, against the floor of this stack: kernels, lessons, the regression.

    .venv/bin/python tools/bench_kernels.py      (run by `make bench`)

Measured here, each ``REPEATS`` times (medians; memory: the largest):

* the floor: a fresh kernel of this environment that only runs ``import torch``, and the
  plotting imports on top of it (a kernel running ``import torch`` plus what a lesson's
  pictures and explorers import);
* every lesson: a fresh kernel runs every cell, as `make notebooks` does; wall time from
  kernel start to the end of the last cell, and the kernel's peak resident memory (VmHWM
  from /proc, Linux only);
* the whole regression: the strict nbval run over the seven core lessons, serial and with
  two pytest-xdist workers (``--dist loadfile``), as `make test` runs it.

Writes artifacts/bench/kernels.json for tools/bench_report.py (which writes BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.execute_notebooks import client_for  # noqa: E402

REPEATS = 3
OUT = REPO / "artifacts" / "bench" / "kernels.json"
PLOTTING_IMPORTS = (
    "import torch\nimport matplotlib.figure\nimport ipywidgets\nimport helpers.explorers"
)
CORE = 7


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def run(nb: nbformat.NotebookNode, path: Path) -> tuple[float, float]:
    """Seconds from kernel start to the end of the last cell, and the kernel's peak MB."""
    start = time.perf_counter()
    client = client_for(nb, path)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        memory = peak_rss_mb(client.km.provisioner.process.pid)
    return seconds, memory


def source_notebook(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])


def median_run(nb: nbformat.NotebookNode, path: Path) -> tuple[float, float]:
    results = [run(nb, path) for _ in range(REPEATS)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def regression_seconds(lessons: list[Path], workers: int) -> float:
    """Wall time of `pytest --nbval` (strict) over ``lessons``, one run."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval"]
    command += ["--nbval-current-env", *map(str, lessons)]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadfile"]
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def machine() -> dict[str, str]:
    import torch

    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024**2:.0f} GiB",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch CPU kernels": torch.backends.cpu.get_cpu_capability(),
        "torch threads": str(torch.get_num_threads()),
        "os": f"{platform.system()} {platform.release()}",
    }


def main() -> int:
    lessons = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    floor, floor_mb = median_run(source_notebook("import torch"), lessons[0])
    plotting, _ = median_run(source_notebook(PLOTTING_IMPORTS), lessons[0])
    print(f"floor {floor:.2f} s ({floor_mb:.0f} MB), with plotting imports {plotting:.2f} s")
    results = {}
    for path in lessons:
        seconds, memory = median_run(nbformat.read(path, as_version=4), path)
        results[path.stem] = {"seconds": seconds, "peak_mb": memory}
        print(f"{path.stem}: {seconds:.2f} s, {memory:.0f} MB")
    core = [path for path in lessons if int(path.name[:2]) <= CORE]
    serial = statistics.median(regression_seconds(core, 1) for _ in range(REPEATS))
    parallel = statistics.median(regression_seconds(core, 2) for _ in range(REPEATS))
    print(f"regression over the core lessons: {serial:.1f} s serial, {parallel:.1f} s parallel")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "machine": machine(),
                "repeats": REPEATS,
                "floor_seconds": floor,
                "floor_peak_mb": floor_mb,
                "plotting_seconds": plotting,
                "lessons": results,
                "regression": {"lessons": len(core), "serial": serial, "parallel": parallel},
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
