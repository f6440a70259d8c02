"""Lesson 11, the cost of attention: its two log-log pictures, its explorer and its checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The counting is ``helpers.cost``; the measurements are the file
``helpers/data/attention_cost.csv`` that ``make bench`` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import cycle
from typing import Any

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers._validate import describe, require_size
from helpers.cost import (
    MEASURED_COLUMNS,
    attention_multiply_adds,
    bytes_per_number,
    human_bytes,
    projection_multiply_adds,
    score_matrix_bytes,
)
from helpers.ui.answers import Verdict, close, exercise_check, judge, not_yet, read_number
from helpers.ui.explore import Explorer, View, explore, slider
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE, Bars, Row
from helpers.ui.strings import translator

_ = translator(__name__)

# ---- pictures --------------------------------------------------------------------------

COST_LENGTHS = tuple(2**k for k in range(3, 18))
"""The sequence lengths the cost pictures draw: 8 to 131,072 (128k) tokens, doubling."""

COST_EXAMPLES = (9, 512, 4096, 131072)
"""Lengths the lesson names: our sentence, a BERT-sized input, a long prompt, 128k tokens."""

_LENGTH_TICKS = {8: "8", 64: "64", 512: "512", 4096: "4k", 32768: "32k", 131072: "128k"}
_BYTE_TICKS = {2**10: "1 KiB", 2**20: "1 MiB", 2**30: "1 GiB", 2**40: "1 TiB"}
_SECOND_TICKS = {10.0**k: f"{1000 * 10.0**k:g} ms" for k in range(-6, 0)} | {1.0: "1 s"}
_MEMORY_TICKS = {2**k: f"{2 ** (k % 10)} {('B', 'KiB', 'MiB', 'GiB')[k // 10]}" for k in range(0, 40, 2)}  # fmt: skip


def _cost_axes(ax: Axes, ylabel: str, title: str, ticks: dict[int, str] = _LENGTH_TICKS) -> None:
    """Log-log axes with ``ticks`` (length: label) on the x axis."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(list(ticks), list(ticks.values()))
    ax.set_xlabel(_("sequence length n (tokens)"), fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(True, color="#EEEEEE", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)


def _slope_line(ax: Axes, lengths: Sequence[int], anchor: tuple[float, float], slope: int,
                label: str, style: str = "--") -> None:  # fmt: skip
    """A grey reference line of ``slope`` on log-log axes through the point ``anchor``."""
    n0, y0 = anchor
    ax.plot(lengths, [y0 * (n / n0) ** slope for n in lengths], style, color=GREY, lw=1.2,
            label=label)  # fmt: skip


def _y_ticks(ax: Axes, ticks: dict[float, str]) -> None:
    """Label the y axis with those of ``ticks`` (value: label) that fall inside it."""
    low, high = ax.get_ylim()
    shown = {value: label for value, label in ticks.items() if low <= value <= high}
    ax.set_yticks(list(shown), list(shown.values()))
    ax.minorticks_off()


def cost_growth_figure(d_model: int = 768, heads: int = 12) -> Figure:
    """The counted costs against n on log-log axes: score-matrix bytes, and multiply-adds.

    Left: bytes of one head's ``n × n`` score matrix in float32, a slope-2 reference line
    and the lesson's example lengths. Right: multiply-adds of attention (``heads`` heads of
    ``d_k = d_v = d_model / heads``) and of the Q, K, V projections, and where they cross.
    Introduced in 11_cost_of_attention.ipynb ("Picture").

    Raises:
        TypeError: a size is not an int.
        ValueError: a size is not positive, or ``heads`` does not divide ``d_model``.
    """
    require_size("d_model", d_model)
    require_size("heads", heads)
    if d_model % heads:
        raise ValueError(f"heads must divide d_model; got d_model={d_model}, heads={heads}.")
    d_k, lengths = d_model // heads, list(COST_LENGTHS)
    fig = Figure(figsize=(10, 4.0))
    memory, compute = fig.subplots(1, 2)

    scores = [score_matrix_bytes(n) for n in lengths]
    _cost_axes(memory, _("bytes (log scale)"), _("Memory: one head's score matrix, float32"))
    memory.plot(lengths, scores, color=BLUE, lw=2, label=_("score matrix: 4 n² bytes"))
    _slope_line(memory, lengths, (lengths[0], scores[0] * 16), 2, _("slope 2 (reference)"))
    for n in COST_EXAMPLES:
        size = score_matrix_bytes(n)
        memory.plot([n], [size], "o", color=ORANGE, markersize=6, zorder=3)
        memory.annotate(_("n = {n:,}: {size}", n=n, size=human_bytes(size)), (n, size),
                        textcoords="offset points", xytext=(6, -12), fontsize=7.5, color=INK)  # fmt: skip
    memory.set_ylim(bottom=40)
    _y_ticks(memory, _BYTE_TICKS)

    attention = [attention_multiply_adds(n, d_k, d_k, heads=heads) for n in lengths]
    projections = [projection_multiply_adds(n, d_model, d_k, d_k, heads=heads) for n in lengths]
    crossing = d_model * 3 // 2  # 2 n² d = 3 n d²
    _cost_axes(compute, _("multiply-adds (log scale)"),
               _("Compute: {heads} heads × d_k = {d_k} (d_model = {d_model})",
                 heads=heads, d_k=d_k, d_model=d_model))  # fmt: skip
    compute.plot(lengths, attention, color=BLUE, lw=2, label=_("attention: QKᵀ and weights·V"))
    compute.plot(lengths, projections, color=ORANGE, lw=2, label=_("projections: Q, K, V"))
    _slope_line(compute, lengths, (lengths[0], attention[0] * 16), 2, _("slope 2 (reference)"))
    compute.axvline(crossing, color=INK, linestyle=":", lw=1)
    compute.annotate(_("equal at n = {n:,}", n=crossing), (crossing, projections[0]),
                     textcoords="offset points", xytext=(4, 0), fontsize=8, color=INK)  # fmt: skip
    for ax in (memory, compute):
        ax.minorticks_off()
        ax.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def _measured_series(rows: Any) -> dict[str, list[tuple[int, float, int]]]:
    """``rows`` (from ``load_measured_costs``) as (n, seconds, bytes) per function, sorted by n."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
        raise TypeError(
            f"rows must be a non-empty list of dicts from load_measured_costs(); got {describe(rows)}."
        )
    series: dict[str, list[tuple[int, float, int]]] = {}
    for row in rows:
        if not isinstance(row, dict) or not set(MEASURED_COLUMNS) <= set(row):
            raise TypeError(
                "rows must hold dicts with function, n, median_seconds and peak_extra_bytes; "
                f"got {describe(row)}."
            )
        point = (int(row["n"]), float(row["median_seconds"]), int(row["peak_extra_bytes"]))
        series.setdefault(str(row["function"]), []).append(point)
    return {name: sorted(points) for name, points in series.items()}


def measured_cost_figure(rows: Sequence[dict[str, Any]]) -> Figure:
    """Measured time and peak extra memory of each function against n, on log-log axes.

    ``rows`` come from ``helpers.cost.load_measured_costs`` (written by ``make bench``). A
    dashed slope-2 line runs through the first function's longest measurement; on the
    memory side a dotted slope-1 line through the second's. A memory of 0 bytes (below
    the page size) cannot be drawn on a log axis and is left out.
    Introduced in 11_cost_of_attention.ipynb ("Measured").

    Raises:
        TypeError: ``rows`` is not a non-empty list of measurement dicts.
    """
    series = _measured_series(rows)
    lengths = sorted({point[0] for points in series.values() for point in points})
    fig = Figure(figsize=(10, 3.8))
    timing, memory = fig.subplots(1, 2)
    sides = (
        (timing, 1, _("seconds per call (log scale)"), _("Time: median wall time, 1 thread"),
         _SECOND_TICKS),
        (memory, 2, _("bytes (log scale)"), _("Memory: peak extra during one call"),
         _MEMORY_TICKS),
    )  # fmt: skip
    for ax, column, ylabel, title, ticks in sides:
        _cost_axes(ax, ylabel, title, {n: f"{n:,}" for n in lengths})
        for colour, (name, points) in zip(cycle((BLUE, ORANGE, GREY)), series.items()):
            shown = [p for p in points if p[column] > 0]
            ax.plot([p[0] for p in shown], [p[column] for p in shown], "o-", color=colour, lw=2,
                    markersize=4, label=name)  # fmt: skip
        first, *others = series.values()
        _slope_line(ax, lengths, (first[-1][0], first[-1][column]), 2, _("slope 2 (reference)"))
        if ax is memory and others and others[0][-1][column] > 0:
            _slope_line(ax, lengths, (others[0][-1][0], others[0][-1][column]), 1,
                        _("slope 1 (reference)"), style=":")  # fmt: skip
        ax.legend(fontsize=7.5, loc="upper left", frameon=False)
        _y_ticks(ax, ticks)
    fig.tight_layout()
    return fig


# ---- explorer --------------------------------------------------------------------------

COST_EXPLORER_LENGTHS = (9, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)  # fmt: skip
"""Sequence lengths the cost explorer offers: our sentence's 9, then 16 to 131,072 doubling."""

COST_EXPLORER_HEADS = (1, 2, 4, 8, 12, 16, 32)
COST_EXPLORER_D_K = (2, 4, 8, 16, 32, 64, 128)
COURSE_LENGTH = 9
"""Our sentence's length: the explorer compares every length with it."""


def cost_parts(n: int, heads: int, d_k: int) -> tuple[dict[str, int], dict[str, int]]:
    """Bytes per head of each tensor of attention, and the multiply-adds of the whole layer.

    With ``d_v = d_k`` and ``d_model = heads × d_k``, batch 1, float32: the first dict maps
    Q, K, V, scores, weights and context to their bytes for one head; the second maps
    "projections" and "attention" to their multiply-adds over all heads.
    Introduced in 11_cost_of_attention.ipynb ("Explore").
    """
    vectors = n * d_k * bytes_per_number(torch.float32)  # (n, d_k)
    scores = score_matrix_bytes(n)  # (n, n)
    memory = {"Q": vectors, "K": vectors, "V": vectors, "scores": scores, "weights": scores,
              "context": vectors}  # fmt: skip
    multiply_adds = {
        "projections": projection_multiply_adds(n, heads * d_k, d_k, d_k, heads=heads),
        "attention": attention_multiply_adds(n, d_k, d_k, heads=heads),
    }
    return memory, multiply_adds


def render_cost(n: int, heads: int, d_k: int) -> View:
    """What the cost explorer shows: memory, multiply-adds, the ratio to n = 9, and two bar charts."""
    memory, multiply_adds = cost_parts(n, heads, d_k)
    d_model = heads * d_k
    crossing = d_model * 3 // 2  # 2 n² d_model = 3 n d_model²
    heads_text = _("1 head") if heads == 1 else _("{count} heads", count=heads)
    all_heads = "" if heads == 1 else _(", {size} for all {heads} heads",
                                        size=human_bytes(heads * memory["scores"]), heads=heads)  # fmt: skip
    if n < crossing:
        verdict = _("the projections dominate (equal at n = {n:,})", n=crossing)
    elif n > crossing:
        verdict = _("attention dominates (equal at n = {n:,})", n=crossing)
    else:
        verdict = _("they are equal here")
    text = [
        _("n = {n:,} tokens, {heads} of d_k = d_v = {d_k} (d_model = {d_model:,}), batch 1, "
          "float32", n=n, heads=heads_text, d_k=d_k, d_model=d_model),
        _("score matrix: {n:,} × {n:,} × 4 B = {size} per head{all_heads}", n=n,
          size=human_bytes(memory["scores"]), all_heads=all_heads),
        _("multiply-adds of attention (QKᵀ and weights·V): {count:,}",
          count=multiply_adds["attention"]),
        _("multiply-adds of the projections (Q, K, V): {count:,}",
          count=multiply_adds["projections"]),
        _("attention ÷ projections = 2n ÷ (3 d_model) = {ratio:,.2f}: {verdict}",
          ratio=multiply_adds["attention"] / multiply_adds["projections"], verdict=verdict),
        _("compared with n = {course} (our sentence) and the same sizes: × {growth:,.1f} memory "
          "and attention multiply-adds", course=COURSE_LENGTH,
          growth=score_matrix_bytes(n) / score_matrix_bytes(COURSE_LENGTH)),
    ]  # fmt: skip
    sizes = ", ".join(f"{name} {human_bytes(size)}" for name, size in memory.items())
    counts = ", ".join(f"{name} {count:,}" for name, count in multiply_adds.items())
    bars = Bars(
        list(memory),
        {_("bytes per head"): list(memory.values())},
        title=_("memory per head at n = {n:,} (float32, bars to scale)", n=n),
        description=_("Memory per head at n = {n:,}: {sizes}.", n=n, sizes=sizes),
        number_format=None,
    )
    work = Bars(
        list(multiply_adds),
        {_("multiply-adds"): list(multiply_adds.values())},
        title=_("multiply-adds, all heads"),
        description=_("Multiply-adds of all heads: {counts}.", counts=counts),
        colours=(ORANGE,),
        number_format=".3g",
    )
    return View("\n".join(text), Row((bars, work)))


def cost_explorer() -> Explorer:
    """Pick a sequence length, a number of heads and d_k; see what attention costs.

    Starts at the original Transformer's sizes (8 heads of 64, d_model = 512) and 512
    tokens. Introduced in 11_cost_of_attention.ipynb ("Explore").
    """

    def choices(options: tuple[int, ...]) -> list[tuple[str, int]]:
        return [(f"{option:,}", option) for option in options]

    return explore(
        render_cost,
        n=slider("n", _("sequence length n (tokens):"), choices(COST_EXPLORER_LENGTHS), 512,
                 width="480px"),
        heads=slider("heads", _("heads:"), choices(COST_EXPLORER_HEADS), 8, width="480px"),
        d_k=slider("d-k", _("d_k = d_v (per head):"), choices(COST_EXPLORER_D_K), 64,
                   width="480px"),
        fallback=_(
            "[Cost explorer: pick a sequence length, heads and d_k to see the memory and the "
            "multiply-adds of attention. It needs a live kernel (JupyterLab or Binder); the "
            "picture below shows its starting state.]"
        ),
    )  # fmt: skip


# ---- exercises (precision: a count is exact; judge's 1e-4 only absorbs float rounding) --


def _count_verdict(value: float, known: dict[int, str], what: str, hint: str) -> Verdict:
    """Name a typical wrong count (``known`` explains each), or say the count is not ``what``."""
    for wrong, explanation in known.items():
        if close(value, wrong):
            return not_yet(explanation, hint)
    return not_yet(_("you gave {value:,g}, which is not {what}.", value=value, what=what), hint)


@exercise_check(_("batch × heads × n × n numbers, times 4 bytes for float32."))
def check_layer_score_bytes(answer: Any) -> Verdict:
    """Exercise 1 of 11_cost_of_attention.ipynb: bytes of GPT-2 small's score matrices, one layer."""
    hint = _("batch × heads × n × n numbers, times 4 bytes for float32.")
    what = _("the bytes of the layer's score matrices")
    value, problem = read_number(answer, what, hint)
    if problem:
        return problem
    expected = score_matrix_bytes(1024, heads=12)
    done = _("12 × 1024 × 1024 × 4 = {expected:,} bytes (48.0 MiB) for one layer's scores, and "
             "as much again for its weights.", expected=expected)  # fmt: skip
    if verdict := judge(value, expected, done, hint):
        return verdict
    known = {
        score_matrix_bytes(1024): _("that is one head's score matrix; the layer has 12 heads."),
        score_matrix_bytes(1024, heads=12, dtype=torch.float64): _(
            "that counts 8 bytes per number (float64); the model computes in float32, 4 bytes."
        ),
        12 * 1024 * 1024: _(
            "that is how many numbers there are; each float32 number takes 4 bytes."
        ),
        expected // 2**20: _("that is the size in MiB; the question asks for bytes."),
        12 * 1024 * 4: _("that grows with n, not n²: each of the 1024 queries has 1024 scores."),
    }
    return _count_verdict(value, known, what, hint)


@exercise_check(_("Q Kᵀ costs n·n·d_k multiply-adds, weights @ V another n·n·d_v."))
def check_long_multiply_adds(answer: Any) -> Verdict:
    """Exercise 2 of 11_cost_of_attention.ipynb: multiply-adds of one head at n = 4096."""
    hint = _("Q Kᵀ costs n·n·d_k multiply-adds, weights @ V another n·n·d_v.")
    what = _("the multiply-adds of one head")
    value, problem = read_number(answer, what, hint)
    if problem:
        return problem
    expected = attention_multiply_adds(4096, 64, 64)
    done = _("4096 × 4096 × (64 + 64) = {expected:,}: about 2.1 billion multiply-adds for one "
             "head of one layer.", expected=expected)  # fmt: skip
    if verdict := judge(value, expected, done, hint):
        return verdict
    known = {
        expected // 2: _(
            "that counts one of the two products; attention does Q Kᵀ and weights @ V."
        ),
        4096 * 4096: _(
            "that counts the scores (n²), not the multiply-adds: each score is a dot product "
            "of d_k = 64 pairs."
        ),
        4096 * 64: _("that grows with n; every one of the 4096 queries meets all 4096 keys."),
        2 * expected: _(
            "that counts a multiply and an add separately (floating-point operations); "
            "count multiply-adds."
        ),
    }
    return _count_verdict(value, known, what, hint)


@exercise_check(_("set 12 · n² · (64 + 64) equal to 12 · n · 768 · (2·64 + 64) and solve for n."))
def check_crossover_length(answer: Any) -> Verdict:
    """Exercise 3 of 11_cost_of_attention.ipynb: the length where attention costs what the projections cost."""
    hint = _("set 12 · n² · (64 + 64) equal to 12 · n · 768 · (2·64 + 64) and solve for n.")
    what = _("the length where they are equal")
    value, problem = read_number(answer, what, hint)
    if problem:
        return problem
    expected = next(
        n
        for n in range(1, 4097)
        if attention_multiply_adds(n, 64, 64, 12) >= projection_multiply_adds(n, 768, 64, 64, 12)
    )
    done = _("n = 1.5 × d_model = 1152 tokens: below it the projections cost more, above it "
             "attention does, and its share keeps growing with n.")  # fmt: skip
    if verdict := judge(value, expected, done, hint):
        return verdict
    if abs(value - expected) < 0.5:
        return not_yet(
            _("{value} is close; the length is a whole number of tokens.", value=value), hint
        )
    known = {
        768: _("at n = d_model = 768 the projections still cost 1.5 times as much as attention."),
        1536: _(
            "that is where attention matches four n·d_model² products (with an output "
            "projection); count only the Q, K and V projections."
        ),
        2304: _("that counts only Q Kᵀ; attention also multiplies the weights by V."),
    }
    return _count_verdict(value, known, what, hint)
