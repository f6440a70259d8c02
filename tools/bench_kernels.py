"""How long each lesson takes on a fresh kernel, and how much memory its kernel needs.

    .venv/bin/python tools/bench_kernels.py      (run by `make bench`)

For each lesson, REPEATS times: a fresh kernel of this environment runs every cell (as
`make notebooks` does); we record the wall time from kernel start to the last cell, and the
kernel's peak resident memory (VmHWM from /proc, Linux only). The floor is a fresh kernel
that only imports torch. Prints a markdown table of medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.execute_notebooks import client_for  # noqa: E402

REPEATS = 3
MEMORY_GOAL_MB = 500


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


def floor_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])


def main() -> int:
    lessons = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    floor = statistics.median(run(floor_notebook(), lessons[0])[0] for _ in range(REPEATS))
    for path in lessons:
        results = [run(nbformat.read(path, as_version=4), path) for _ in range(REPEATS)]
        seconds = statistics.median(r[0] for r in results)
        memory = max(r[1] for r in results)
        rows.append((path.name, seconds, memory))
    print(f"Floor (fresh kernel + import torch): {floor:.2f} s, median of {REPEATS}\n")
    print(
        "| lesson | run on a fresh kernel (s) | minus floor (s) | goal ≤ floor + 1 s | kernel peak RSS (MB) | goal ≤ 500 MB |"
    )
    print("|---|---|---|---|---|---|")
    for name, seconds, memory in rows:
        print(
            f"| {name} | {seconds:.2f} | {seconds - floor:.2f} | {'yes' if seconds <= floor + 1 else 'no'} "
            f"| {memory:.0f} | {'yes' if memory <= MEMORY_GOAL_MB else 'no'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
