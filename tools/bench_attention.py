"""Time and memory of attention, measured: the course's function against PyTorch's fused one.

    .venv/bin/python tools/bench_attention.py      (run by `make bench`; about 20-30 s)

Writes ``helpers/data/attention_cost.csv``, which 11_cost_of_attention.ipynb plots (re-execute
that lesson afterwards so its stored picture shows the new numbers). The file starts with
``#`` lines describing the machine and the method; then one row per (function, n).

What is measured
----------------
* Functions: ``helpers.scaled_dot_product_attention`` (the course's: it computes the whole
  ``n × n`` score matrix, then the weights, and returns both with the context vectors) and
  ``torch.nn.functional.scaled_dot_product_attention`` (PyTorch's; on CPU, with 4-D
  inputs and no mask, it runs the fused kernel ``_scaled_dot_product_flash_attention_for_cpu``).
  Both run under ``torch.no_grad()``, with no mask.
* Inputs: query, key and value of shape ``(1, 1, n, 64)``: batch 1, one head,
  d_k = d_v = 64, float32, drawn from N(0, 1) with seed 123. (4-D because PyTorch's fused
  CPU kernels take only 4-D inputs; with 3-D inputs it falls back to the plain algorithm.)
* Threads: ``torch.set_num_threads(1)``, so the comparison is of algorithms, not of how
  many cores the machine has.
* Time (``median_seconds``): wall time (``time.perf_counter``) per call. After one warm-up
  call, each sample times enough back-to-back calls to last at least ``SAMPLE_SECONDS``
  and divides by their number; the file holds the median of ``SAMPLES`` samples.
* Memory (``peak_extra_bytes``): how much more memory the process held at its peak during
  one call than just before it, as the operating system counts it (resident set size).
  ``tracemalloc`` would see nothing (PyTorch allocates tensors in C++), and adding up the
  sizes of the tensors a function returns would miss the work buffers a fused kernel
  allocates inside C++; resident memory sees every page the call touches. Each (function, n)
  runs in a fresh Python process, which (1) asks glibc to give every allocation of 4 KiB or
  more its own pages from the OS and to return them on free (``MALLOC_MMAP_THRESHOLD_``), so
  resident memory rises and falls with the tensors instead of reusing memory freed earlier;
  (2) builds the inputs and calls the function once on a short sequence (n = 16), so code
  is loaded and caches are set up; (3) resets the kernel's high-water mark (writing 5 to
  ``/proc/self/clear_refs``) and reads ``VmRSS``; (4) calls the function at length n, keeping
  its results; (5) reads the high-water mark ``VmHWM``. The difference is the peak extra
  memory, including the returned tensors. Resolution: pages of 4 KiB; at the smallest n a
  few pages of bookkeeping are within the noise. Linux only (``/proc``).

Numbers vary from run to run and machine to machine; the lesson plots them but never prints
them, and its stored outputs do not depend on them except through the picture.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CSV = REPO / "helpers" / "data" / "attention_cost.csv"
LENGTHS = (64, 128, 256, 512, 1024, 2048)
D_HEAD = 64
SEED = 123
SAMPLES = 7
SAMPLE_SECONDS = 0.01
WARM_UP_LENGTH = 16
FUNCTIONS = ("helpers.scaled_dot_product_attention", "F.scaled_dot_product_attention")
COLUMNS = ("function", "n", "median_seconds", "peak_extra_bytes")
MMAP_THRESHOLD = 4096


def attention_function(name: str) -> Callable[..., object]:
    """The function called ``name`` in :data:`FUNCTIONS`."""
    import torch.nn.functional as F

    import helpers

    functions = {
        FUNCTIONS[0]: helpers.scaled_dot_product_attention,
        FUNCTIONS[1]: F.scaled_dot_product_attention,
    }
    if name not in functions:
        raise ValueError(f"function must be one of {', '.join(FUNCTIONS)}; got {name!r}.")
    return functions[name]


def inputs(n: int) -> tuple[object, object, object]:
    """Query, key and value of shape ``(1, 1, n, D_HEAD)``, float32, from N(0, 1), seed 123."""
    import torch

    generator = torch.Generator().manual_seed(SEED)
    return tuple(torch.randn(1, 1, n, D_HEAD, generator=generator) for _ in range(3))  # type: ignore[return-value]


def median_seconds(name: str, n: int) -> float:
    """Median wall time of one call (see the module docstring, "Time")."""
    import torch

    function = attention_function(name)
    query, key, value = inputs(n)
    with torch.no_grad():
        start = time.perf_counter()
        function(query, key, value)  # warm-up, and a first estimate of one call's time
        once = max(time.perf_counter() - start, 1e-7)
        calls = max(1, round(SAMPLE_SECONDS / once))
        samples = []
        for _ in range(SAMPLES):
            start = time.perf_counter()
            for _ in range(calls):
                function(query, key, value)
            samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {key}")


def peak_extra_bytes_here(name: str, n: int) -> int:
    """Peak extra resident memory of one call, in this process (see "Memory"); run it fresh."""
    import torch

    torch.set_num_threads(1)
    function = attention_function(name)
    with torch.no_grad():
        function(*inputs(WARM_UP_LENGTH))
        query, key, value = inputs(n)
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current VmRSS
        before = _status_kib("VmRSS")
        result = function(query, key, value)
        peak = _status_kib("VmHWM")
    del result
    return (peak - before) * 1024


def peak_extra_bytes(name: str, n: int) -> int:
    """Run :func:`peak_extra_bytes_here` in a fresh Python process and return its answer."""
    environment = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD)}
    answer = subprocess.run(
        [sys.executable, __file__, "--memory", name, str(n)],
        capture_output=True, text=True, check=True, env=environment, timeout=120,
    )  # fmt: skip
    return int(answer.stdout.strip())


def header() -> list[str]:
    """The ``#`` lines of the CSV: what was measured, how, and on what (no names or paths)."""
    import torch

    return [
        "# Attention measured by tools/bench_attention.py (`make bench`); plotted by "
        "notebooks/11_cost_of_attention.ipynb. Times and memory vary between runs and machines.",
        f"# machine: {platform.machine()}, {os.cpu_count()} logical CPU cores, {platform.system()}; "
        f"PyTorch {torch.__version__} (CPU capability {torch.backends.cpu.get_cpu_capability()}), "
        f"Python {platform.python_version()}; torch.set_num_threads(1)",
        f"# inputs: query, key, value of shape (1, 1, n, {D_HEAD}), float32 (batch 1, one head, "
        f"d_k = d_v = {D_HEAD}), N(0, 1) with seed {SEED}, no mask, under torch.no_grad()",
        f"# median_seconds: wall time per call, median of {SAMPLES} samples of at least "
        f"{SAMPLE_SECONDS} s each, after one warm-up call",
        "# peak_extra_bytes: resident-memory high-water mark during one call minus resident "
        "memory just before it, in a fresh process per row (pages of 4 KiB; "
        f"MALLOC_MMAP_THRESHOLD_={MMAP_THRESHOLD})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", nargs=2, metavar=("FUNCTION", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory:
        print(peak_extra_bytes_here(args.memory[0], int(args.memory[1])))
        return 0

    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    rows = []
    for n in LENGTHS:
        for name in FUNCTIONS:
            seconds = median_seconds(name, n)
            memory = peak_extra_bytes(name, n)
            rows.append((name, n, seconds, memory))
            print(
                f"{name:<38} n = {n:>5}: {seconds * 1e3:9.3f} ms, peak extra {memory / 2**20:8.2f} MiB"
            )
    CSV.parent.mkdir(parents=True, exist_ok=True)
    lines = [*header(), ",".join(COLUMNS)]
    lines += [f"{name},{n},{seconds:.6e},{memory}" for name, n, seconds, memory in rows]
    CSV.write_text("\n".join(lines) + "\n")
    print(f"wrote {CSV.relative_to(REPO)} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
