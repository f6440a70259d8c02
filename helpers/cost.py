"""What attention costs, counted from the sizes (``n`` tokens, ``d`` features, ``heads`` heads of
``d_k`` and ``d_v``) and as ``make bench`` measured it. Introduced in 11_cost_of_attention.ipynb."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import torch

from helpers._validate import describe, require_size

MEASURED_COSTS = Path(__file__).resolve().parent / "data" / "attention_cost.csv"
MEASURED_TYPES = {"function": str, "n": int, "median_seconds": float, "peak_extra_bytes": int}
MEASURED_COLUMNS = tuple(MEASURED_TYPES)
UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _require_sizes(**sizes: object) -> None:
    for name, size in sizes.items():
        require_size(name, size)


def bytes_per_number(dtype: torch.dtype = torch.float32) -> int:
    """How many bytes one number of ``dtype`` takes: 4 for float32, 8 for float64, 2 for float16."""
    return torch.empty((), dtype=dtype).element_size()


def score_matrix_bytes(
    n: int, heads: int = 1, batch: int = 1, dtype: torch.dtype = torch.float32
) -> int:
    """Bytes of the score matrices ``Q Kᵀ / √d_k``: ``batch × heads × n × n`` numbers of ``dtype``.
    Introduced in 11_cost_of_attention.ipynb ("Scores are n × n")."""
    _require_sizes(n=n, heads=heads, batch=batch)
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"dtype must be a torch.dtype such as torch.float32; got {describe(dtype)}.")  # fmt: skip
    if not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating-point dtype (scores are real numbers); got {dtype}.")  # fmt: skip
    return batch * heads * n * n * bytes_per_number(dtype)


def attention_multiply_adds(n: int, d_k: int, d_v: int, heads: int = 1, batch: int = 1) -> int:
    """Multiply-adds of ``Q Kᵀ`` (n·n·d_k) plus ``weights @ V`` (n·n·d_v); softmax not counted.
    Introduced in 11_cost_of_attention.ipynb ("Counting multiply-adds")."""
    _require_sizes(n=n, d_k=d_k, d_v=d_v, heads=heads, batch=batch)
    return batch * heads * n * n * (d_k + d_v)


def projection_multiply_adds(
    n: int, d: int, d_k: int, d_v: int, heads: int = 1, batch: int = 1
) -> int:
    """Multiply-adds of ``Q = X W_Q``, ``K = X W_K``, ``V = X W_V`` (no output projection).
    Introduced in 11_cost_of_attention.ipynb ("Which dominates when")."""
    _require_sizes(n=n, d=d, d_k=d_k, d_v=d_v, heads=heads, batch=batch)
    return batch * heads * n * d * (2 * d_k + d_v)  # (n, d) @ (d, d_k), twice, and (d, d_v)


def human_bytes(count: int) -> str:
    """``count`` bytes in binary units, e.g. ``324 B``, ``1.0 MiB``, ``64.0 GiB``.
    Introduced in 11_cost_of_attention.ipynb ("Scores are n × n")."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int number of bytes; got {describe(count)}.")
    if count < 0:
        raise ValueError(f"count must be zero or positive; got {count}.")
    unit = max((u for u in range(len(UNITS)) if 1024**u <= count), default=0)
    return f"{count / 1024**unit:.1f} {UNITS[unit]}" if unit else f"{count} B"


def log_log_slope(x: list[float], y: list[float]) -> float:
    """The slope of ``y`` against ``x`` on log-log axes, first point to last (n² has slope 2).
    Introduced in 11_cost_of_attention.ipynb ("Picture")."""
    for name, values in (("x", x), ("y", y)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list of positive numbers; got {describe(values)}.")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise TypeError(f"{name} must hold numbers only; got {describe(values)}.")
        if any(not v > 0 for v in values):
            raise ValueError(f"{name} must hold positive numbers (logs); got {describe(values)}.")
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(
            f"x and y must hold the same number of points, at least 2; got {len(x)} and {len(y)}."
        )
    if x[0] == x[-1]:
        raise ValueError(
            f"the first and last x must differ (a slope needs two lengths); got x[0] = x[-1] = {x[0]}."
        )
    return math.log(y[-1] / y[0]) / math.log(x[-1] / x[0])


def load_measured_costs(path: str | Path | None = None) -> list[dict[str, str | int | float]]:
    """The rows of ``make bench``'s CSV (default :data:`MEASURED_COSTS`), ``#`` lines skipped.
    Introduced in 11_cost_of_attention.ipynb ("Measured")."""
    path = MEASURED_COSTS if path is None else Path(path) if isinstance(path, str) else path
    if not isinstance(path, Path):
        raise TypeError(f"path must be a str or pathlib.Path; got {describe(path)}.")
    if not path.is_file():
        raise FileNotFoundError(
            f"no measurements at {path.name}: run `make bench` (tools/bench_attention.py) to write them."
        )
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != MEASURED_COLUMNS:
        raise ValueError(
            f"{path.name} must have the columns {', '.join(MEASURED_COLUMNS)}; got {describe(reader.fieldnames)}."
        )
    rows = []
    for number, row in enumerate(reader, start=1):
        try:
            rows.append({name: kind(row[name]) for name, kind in MEASURED_TYPES.items()})
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path.name}, data row {number} is not valid: {error}.") from None
    if not rows:
        raise ValueError(f"{path.name} holds no measurements: run `make bench` again.")
    return rows
