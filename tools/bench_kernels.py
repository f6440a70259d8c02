"""What a learner waits for, against the floor of this stack: kernels, lessons, the regression.

    .venv/bin/python tools/bench_kernels.py      (run by `make bench`)

Measured here, each ``REPEATS`` times after one run that is not counted (medians; memory:
the largest):

* the floor: a fresh kernel of this environment that only runs ``import torch``, and the
  plotting imports on top of it (a kernel running ``import torch`` plus what a lesson's
  pictures and explorers import);
* every lesson: a fresh kernel runs every cell, as `make notebooks` does; wall time from
  kernel start to the end of the last cell, split into kernel start, the setup cell, the
  cells that draw pictures and the rest (so a missed goal says where the time went), and
  the kernel's resident memory after the setup cell and at its peak (VmRSS, VmHWM from
  /proc, Linux only);
* the whole regression: the strict nbval run over the seven core lessons, serial and with
  two pytest-xdist workers (``--dist loadfile``), as `make test` runs it;
* what explains the slow parts: building and rendering one 9 x 9 heatmap (in this process),
  the first ``torch.optim`` optimizer and loading lesson 13's model (fresh processes).

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

from helpers.course import LESSONS  # noqa: E402
from tools.execute_notebooks import client_for  # noqa: E402

REPEATS = 3
OUT = REPO / "artifacts" / "bench" / "kernels.json"
PLOTTING_IMPORTS = (
    "import torch\nimport matplotlib.figure\nimport ipywidgets\nimport helpers.ui.explore"
)
SEABORN_IMPORTS = "import torch\nimport matplotlib.figure\nimport seaborn"
"""The plotting stack a static picture needs: matplotlib, and seaborn for the heatmaps
(imported only where a picture is drawn; it pulls in pandas, and scipy would add 1.5 s)."""


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


PICTURE_CALLS = ("show(", "show_pipeline(", "show_beyond(", ".show_snapshot(")
"""A code cell that calls one of these draws a picture (a matplotlib PNG)."""


def kind_of(cell: nbformat.NotebookNode, first: bool) -> str:
    """Which part of a lesson's time a code cell counts toward: setup, pictures or the rest."""
    if first:
        return "setup"
    return "pictures" if any(call in cell.source for call in PICTURE_CALLS) else "rest"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def run(nb: nbformat.NotebookNode, path: Path) -> dict[str, float]:
    """One fresh-kernel run of every cell: where the time and the memory go.

    Returns seconds from kernel start to the end of the last cell (``seconds``), of which
    ``kernel_start`` (until the kernel answers), ``setup`` (the first code cell: imports and
    rebuilding earlier steps), ``pictures`` (cells that draw a picture, see PICTURE_CALLS)
    and ``rest``; the kernel's resident memory after the setup cell (``setup_mb``) and its
    peak over the whole run (``peak_mb``, VmHWM).
    """
    parts = {"setup": 0.0, "pictures": 0.0, "rest": 0.0, "picture_cells": 0.0}
    start = time.perf_counter()
    client = client_for(nb, path)
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        parts["kernel_start"] = time.perf_counter() - start
        first = True
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            kind = kind_of(cell, first)
            begun = time.perf_counter()
            client.execute_cell(cell, index)
            parts[kind] += time.perf_counter() - begun
            parts["picture_cells"] += kind == "pictures"
            if first:
                parts["setup_mb"] = rss_mb(pid)
            first = False
        parts["seconds"] = time.perf_counter() - start
        parts["peak_mb"] = peak_rss_mb(pid)
    return parts


def source_notebook(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])


def median_run(nb: nbformat.NotebookNode, path: Path) -> dict[str, float]:
    """:func:`run` once to warm up (not counted: on a fresh clone the first kernel reads
    PyTorch's files from a cold disk cache), then ``REPEATS`` times: the median of every
    time, the largest memory."""
    run(nb, path)
    runs = [run(nb, path) for _ in range(REPEATS)]
    return {
        key: (max if key.endswith("_mb") else statistics.median)(r.get(key, 0.0) for r in runs)
        for key in runs[0]
    }


def regression_seconds(lessons: list[Path], workers: int) -> float:
    """Wall time of `pytest --nbval` (strict) over ``lessons``, one run."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval"]
    command += ["--nbval-current-env", *map(str, lessons)]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadfile"]
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


CAUSES = {
    "first_optimizer": (
        "import torch, time\n"
        "p = [torch.nn.Parameter(torch.zeros(1))]\n"
        "t = time.perf_counter(); torch.optim.Adam(p); print(time.perf_counter() - t)"
    ),
    "load_model": (
        "import torch, time\n"
        "t = time.perf_counter()\n"
        "from helpers import real_model\n"
        "real_model.load_tokenizer(); real_model.load_model()\n"
        "print(time.perf_counter() - t)"
    ),
}
"""Costs that explain slow lessons, each timed in a fresh Python process after `import torch`:
building the first torch.optim optimizer (lesson 12; PyTorch then imports torch._dynamo) and
importing transformers + loading lesson 13's model."""


def picture_seconds() -> dict[str, float]:
    """Median seconds to build and to render (PNG) the lessons' 9 x 9 weights heatmap."""
    import helpers
    from helpers.ui.figures import heatmap_figure, render_png

    steps = helpers.rebuild_steps()
    build, render = [], []
    for _ in range(REPEATS + 2):
        start = time.perf_counter()
        fig = heatmap_figure(steps.weights, steps.words, steps.words, "weights")
        built = time.perf_counter()
        render_png(fig)
        build.append(built - start)
        render.append(time.perf_counter() - built)
    return {"build": statistics.median(build[2:]), "render": statistics.median(render[2:])}


def cause_seconds() -> dict[str, float]:
    """Each of :data:`CAUSES`, median of ``REPEATS`` fresh processes."""
    found = {}
    for name, code in CAUSES.items():
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout.split()[-1]
            )
            for _ in range(REPEATS)
        ]
        found[name] = statistics.median(runs)
    return found


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
    lessons = [REPO / "notebooks" / lesson.notebook for lesson in LESSONS]
    floor_run = median_run(source_notebook("import torch"), lessons[0])
    floor, floor_mb = floor_run["seconds"], floor_run["peak_mb"]
    plotting = median_run(source_notebook(PLOTTING_IMPORTS), lessons[0])["seconds"]
    seaborn = median_run(source_notebook(SEABORN_IMPORTS), lessons[0])["seconds"]
    print(
        f"floor {floor:.2f} s ({floor_mb:.0f} MB), with explorer imports {plotting:.2f} s, "
        f"with matplotlib and seaborn {seaborn:.2f} s"
    )
    results = {}
    for path in lessons:
        results[path.stem] = result = median_run(nbformat.read(path, as_version=4), path)
        print(
            f"{path.stem}: {result['seconds']:.2f} s (setup {result['setup']:.2f}, "
            f"{result['picture_cells']:.0f} pictures {result['pictures']:.2f}, rest "
            f"{result['rest']:.2f}), {result['peak_mb']:.0f} MB"
        )
    core = [REPO / "notebooks" / lesson.notebook for lesson in LESSONS if lesson.core]
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
                "seaborn_seconds": seaborn,
                "lessons": results,
                "regression": {"lessons": len(core), "serial": serial, "parallel": parallel},
                "picture": picture_seconds(),
                "causes": cause_seconds(),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
