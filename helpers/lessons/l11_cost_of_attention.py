"""Lesson 11, the cost of attention: its two log-log pictures, its explorer and its checks.
The counting itself is ``helpers.cost``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import cycle
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import cost
from helpers._validate import describe, require_size
from helpers.lessons import course
from helpers.ui.answers import Verdict, exercise_check, judge, mistake, not_yet, read_number
from helpers.ui.charts import Bars
from helpers.ui.explore import Explorer, View, explore, slider
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE, Row
from helpers.ui.strings import translator

_ = translator(__name__)

# ---- pictures --------------------------------------------------------------------------
_LENGTH_TICKS = {8: "8", 64: "64", 512: "512", 4096: "4k", 32768: "32k", 131072: "128k"}
_BYTE_TICKS = {2**10: "1 KiB", 2**20: "1 MiB", 2**30: "1 GiB", 2**40: "1 TiB"}
_SECOND_TICKS = {10.0**k: f"{1000 * 10.0**k:g} ms" for k in range(-6, 0)} | {1.0: "1 s"}
_MEMORY_TICKS = {2**k: f"{2 ** (k % 10)} {('B', 'KiB', 'MiB', 'GiB')[k // 10]}" for k in range(0, 40, 2)}  # fmt: skip


def _cost_axes(ax: Axes, ylabel: str, title: str, ticks: dict[int, str] = _LENGTH_TICKS) -> None:
    """Log-log axes with ``ticks`` (length: label) on the x axis."""
    ax.set(xscale="log", yscale="log")
    ax.set_title(title, fontsize=10)
    ax.set_xticks(list(ticks), list(ticks.values()))
    ax.set_xlabel(_("sequence length n (tokens)"), fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(True, color="#EEEEEE", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)


def _slope_line(ax: Axes, lengths: list[int], n0: float, y0: float, slope: int) -> None:
    """A grey reference line of ``slope`` (dashed 2, dotted 1) through the point (n0, y0)."""
    ax.plot(lengths, [y0 * (n / n0) ** slope for n in lengths], "--" if slope == 2 else ":",
            color=GREY, lw=1.2, label=_("slope {slope} (reference)", slope=slope))  # fmt: skip


def _finish(ax: Axes, legend_size: float, y_ticks: dict[float, str] | None = None) -> None:
    """A legend top left, no minor ticks, and those ``y_ticks`` (value: label) inside the axis."""
    ax.legend(fontsize=legend_size, loc="upper left", frameon=False)
    if y_ticks:
        low, high = ax.get_ylim()
        shown = {value: label for value, label in y_ticks.items() if low <= value <= high}
        ax.set_yticks(list(shown), list(shown.values()))
    ax.minorticks_off()


def cost_growth_figure(d_model: int = 768, heads: int = 12) -> Figure:
    """Counted costs against n, log-log: one head's score bytes, and the multiply-adds of attention
    and of the projections. Introduced in 11_cost_of_attention.ipynb ("Picture")."""
    require_size("d_model", d_model)
    require_size("heads", heads)
    if d_model % heads:
        raise ValueError(f"heads must divide d_model; got d_model={d_model}, heads={heads}.")
    d_k, lengths = d_model // heads, [2**k for k in range(3, 18)]
    fig = Figure(figsize=(10, 4.0))
    memory, compute = fig.subplots(1, 2)
    scores = [cost.score_matrix_bytes(n) for n in lengths]
    _cost_axes(memory, _("bytes (log scale)"), _("Memory: one head's score matrix, float32"))
    memory.plot(lengths, scores, color=BLUE, lw=2, label=_("score matrix: 4 n² bytes"))
    _slope_line(memory, lengths, lengths[0], scores[0] * 16, 2)
    for n in (9, 512, 4096, 131072):  # our sentence, a BERT-sized input, a long prompt, 128k
        size = cost.score_matrix_bytes(n)
        memory.plot([n], [size], "o", color=ORANGE, markersize=6, zorder=3)
        memory.annotate(_("n = {n:,}: {size}", n=n, size=cost.human_bytes(size)), (n, size),
                        textcoords="offset points", xytext=(6, -12), fontsize=7.5, color=INK)  # fmt: skip
    memory.set_ylim(bottom=40)
    _finish(memory, 8, _BYTE_TICKS)
    attention = [cost.attention_multiply_adds(n, d_k, d_k, heads=heads) for n in lengths]
    projections = [cost.projection_multiply_adds(n, d_model, d_k, d_k, heads) for n in lengths]
    crossing = d_model * 3 // 2  # 2 n² d = 3 n d²
    _cost_axes(compute, _("multiply-adds (log scale)"),
               _("Compute: {heads} heads × d_k = {d_k} (d_model = {d_model})",
                 heads=heads, d_k=d_k, d_model=d_model))  # fmt: skip
    compute.plot(lengths, attention, color=BLUE, lw=2, label=_("attention: QKᵀ and weights·V"))
    compute.plot(lengths, projections, color=ORANGE, lw=2, label=_("projections: Q, K, V"))
    _slope_line(compute, lengths, lengths[0], attention[0] * 16, 2)
    compute.axvline(crossing, color=INK, linestyle=":", lw=1)
    compute.annotate(_("equal at n = {n:,}", n=crossing), (crossing, projections[0]),
                     textcoords="offset points", xytext=(4, 0), fontsize=8, color=INK)  # fmt: skip
    _finish(compute, 8)
    fig.tight_layout()
    return fig


def measured_cost_figure(rows: Sequence[dict[str, Any]]) -> Figure:
    """Measured time and peak extra memory of each function (``load_measured_costs()``) against
    n, log-log. Introduced in 11_cost_of_attention.ipynb ("Measured")."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
        raise TypeError(f"rows must be a non-empty list of dicts from load_measured_costs(); got "
                        f"{describe(rows)}.")  # fmt: skip
    series: dict[str, list[tuple[int, float, int]]] = {}  # function: (n, seconds, bytes)
    for row in rows:
        if not isinstance(row, dict) or not set(cost.MEASURED_COLUMNS) <= set(row):
            raise TypeError("rows must hold dicts with function, n, median_seconds and peak_extra_bytes; "
                            f"got {describe(row)}.")  # fmt: skip
        point = (int(row["n"]), float(row["median_seconds"]), int(row["peak_extra_bytes"]))
        series.setdefault(str(row["function"]), []).append(point)
    series = {name: sorted(points) for name, points in series.items()}
    lengths = sorted({int(row["n"]) for row in rows})
    last = [points[-1] for points in series.values()]  # each function's point at its longest n
    fig = Figure(figsize=(10, 3.8))
    sides = ((1, _("seconds per call (log scale)"), _("Time: median wall time, 1 thread"), _SECOND_TICKS),
             (2, _("bytes (log scale)"), _("Memory: peak extra during one call"), _MEMORY_TICKS))  # fmt: skip
    for ax, (column, ylabel, title, ticks) in zip(fig.subplots(1, 2), sides, strict=True):
        _cost_axes(ax, ylabel, title, {n: f"{n:,}" for n in lengths})
        for colour, (name, points) in zip(cycle((BLUE, ORANGE, GREY)), series.items()):
            shown = [p for p in points if p[column] > 0]  # 0 bytes: not on a log axis
            ax.plot([p[0] for p in shown], [p[column] for p in shown], "o-", color=colour, lw=2,
                    markersize=4, label=name)  # fmt: skip
        _slope_line(ax, lengths, last[0][0], last[0][column], 2)
        if column == 2 and len(last) > 1 and last[1][column] > 0:
            _slope_line(ax, lengths, last[1][0], last[1][column], 1)
        _finish(ax, 7.5, ticks)
    # w_pad=1.5 draws the same PNG with NumPy's AVX-512 and AVX2 code (rendered with and without
    # NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"). The default pad did not: it put
    # the left plot's right edge exactly on the half pixel x = 490.5, which the two round apart.
    fig.tight_layout(w_pad=1.5)
    return fig


# ---- explorer --------------------------------------------------------------------------
def cost_parts(n: int, heads: int, d_k: int) -> tuple[dict[str, int], dict[str, int]]:
    """Bytes of each tensor of one head (float32, ``d_v = d_k``), and the multiply-adds of all
    ``heads`` (``d_model = heads × d_k``). Introduced in 11_cost_of_attention.ipynb ("Explore")."""
    vectors, scores = n * d_k * 4, cost.score_matrix_bytes(n)  # (n, d_k) and (n, n), float32
    memory = dict(Q=vectors, K=vectors, V=vectors, scores=scores, weights=scores, context=vectors)
    multiply_adds = {"projections": cost.projection_multiply_adds(n, heads * d_k, d_k, d_k, heads),
                     "attention": cost.attention_multiply_adds(n, d_k, d_k, heads=heads)}  # fmt: skip
    return memory, multiply_adds


def render_cost(n: int, heads: int, d_k: int) -> View:
    """What the cost explorer shows: memory, multiply-adds, the ratio to n = 9, two bar charts."""
    memory, multiply_adds = cost_parts(n, heads, d_k)
    d_model = heads * d_k
    crossing = d_model * 3 // 2  # 2 n² d_model = 3 n d_model²
    heads_text = _("1 head") if heads == 1 else _("{count} heads", count=heads)
    all_heads = "" if heads == 1 else _(", {size} for all {heads} heads",
                                        size=cost.human_bytes(heads * memory["scores"]), heads=heads)  # fmt: skip
    if n < crossing:
        verdict = _("the projections dominate (equal at n = {n:,})", n=crossing)
    elif n > crossing:
        verdict = _("attention dominates (equal at n = {n:,})", n=crossing)
    else:
        verdict = _("they are equal here")
    text = [
        _("n = {n:,} tokens, {heads} of d_k = d_v = {d_k} (d_model = {d_model:,}), batch 1, float32",
          n=n, heads=heads_text, d_k=d_k, d_model=d_model),
        _("score matrix: {n:,} × {n:,} × 4 B = {size} per head{all_heads}", n=n,
          size=cost.human_bytes(memory["scores"]), all_heads=all_heads),
        _("multiply-adds of attention (QKᵀ and weights·V): {count:,}", count=multiply_adds["attention"]),
        _("multiply-adds of the projections (Q, K, V): {count:,}", count=multiply_adds["projections"]),
        _("attention ÷ projections = 2n ÷ (3 d_model) = {ratio:,.2f}: {verdict}",
          ratio=multiply_adds["attention"] / multiply_adds["projections"], verdict=verdict),
        _("compared with n = {course} (our sentence) and the same sizes: × {growth:,.1f} memory and "
          "attention multiply-adds", course=9, growth=n * n / 9**2),
    ]  # fmt: skip
    sizes = ", ".join(f"{name} {cost.human_bytes(size)}" for name, size in memory.items())
    counts = ", ".join(f"{name} {count:,}" for name, count in multiply_adds.items())
    bars = Bars(list(memory), {_("bytes per head"): list(memory.values())},
                _("Memory per head at n = {n:,}: {sizes}.", n=n, sizes=sizes),
                title=_("memory per head at n = {n:,} (float32, bars to scale)", n=n),
                number_format=None)  # fmt: skip
    work = Bars(list(multiply_adds), {_("multiply-adds"): list(multiply_adds.values())},
                _("Multiply-adds of all heads: {counts}.", counts=counts),
                title=_("multiply-adds, all heads"), colours=(ORANGE,), number_format=".3g")  # fmt: skip
    return View("\n".join(text), Row((bars, work)))


def cost_explorer() -> Explorer:
    """Pick a sequence length, heads and d_k; see what attention costs. Starts at the original
    Transformer's sizes and 512 tokens. Introduced in 11_cost_of_attention.ipynb ("Explore")."""

    def choices(css: str, label: str, options: Sequence[int], value: int) -> Any:
        return slider(css, label, [(f"{o:,}", o) for o in options], value, width="480px")

    return explore(
        render_cost,
        n=choices("n", _("sequence length n (tokens):"), [9] + [2**k for k in range(4, 18)], 512),
        heads=choices("heads", _("heads:"), (1, 2, 4, 8, 12, 16, 32), 8),
        d_k=choices("d-k", _("d_k = d_v (per head):"), (2, 4, 8, 16, 32, 64, 128), 64),
        fallback=_("[Cost explorer: pick a sequence length, heads and d_k to see the memory and the "
                   "multiply-adds of attention. It needs a live kernel (JupyterLab or Binder); the picture "
                   "below shows its starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: a count is exact; judge's 1e-4 only absorbs float rounding) --
def _check_count(answer: Any, what: str, hint: str, expected: int, done: str,
                 known: dict[int, str], whole: bool = False) -> Verdict:  # fmt: skip
    """Correct, close, a typical wrong count (``known`` explains each), or not ``what``."""
    value, problem = read_number(answer, what, hint)
    if problem:
        return problem
    if verdict := judge(value, expected, done, hint):
        return verdict
    if whole and abs(value - expected) < 0.5:
        return not_yet(_("{value} is close; the length is a whole number of tokens.",
                         value=value), hint)  # fmt: skip
    if verdict := mistake(value, [(wrong, why, None) for wrong, why in known.items()], hint):
        return verdict
    return not_yet(_("you gave {value:,g}, which is not {what}.", value=value, what=what), hint)


BYTES_HINT = _("batch × heads × n × n numbers, times 4 bytes for float32.")
MULTIPLY_ADDS_HINT = _("Q Kᵀ costs n·n·d_k multiply-adds, weights @ V another n·n·d_v.")
CROSSOVER_HINT = _("set 12 · n² · (64 + 64) equal to 12 · n · 768 · (2·64 + 64) and solve for n.")


@exercise_check(BYTES_HINT)
def check_layer_score_bytes(answer: Any) -> Verdict:
    """Exercise 1 of 11_cost_of_attention.ipynb: bytes of GPT-2 small's score matrices, one layer."""
    expected = cost.score_matrix_bytes(1024, heads=12)
    return _check_count(
        answer, _("the bytes of the layer's score matrices"), BYTES_HINT, expected,
        _("12 × 1024 × 1024 × 4 = {expected:,} bytes (48.0 MiB) for one layer's scores, and as much "
          "again for its weights.", expected=expected),
        {cost.score_matrix_bytes(1024): _("that is one head's score matrix; the layer has 12 heads."),
         2 * expected: _("that is twice the answer: the scores and the weights together, or 8 bytes "
                         "per number (float64). The question asks for the scores alone, in "
                         "float32 (4 bytes each)."),
         12 * 1024 * 1024: _("that is how many numbers there are; each float32 number takes 4 bytes."),
         expected // 2**20: _("that is the size in MiB; the question asks for bytes."),
         12 * 1024 * 4: _("that grows with n, not n²: each of the 1024 queries has 1024 scores.")},
    )  # fmt: skip


@exercise_check(MULTIPLY_ADDS_HINT)
def check_long_multiply_adds(answer: Any) -> Verdict:
    """Exercise 2 of 11_cost_of_attention.ipynb: multiply-adds of one head at n = 4096."""
    expected = cost.attention_multiply_adds(4096, 64, 64)
    return _check_count(
        answer, _("the multiply-adds of one head"), MULTIPLY_ADDS_HINT, expected,
        _("4096 × 4096 × (64 + 64) = {expected:,}: about 2.1 billion multiply-adds for one head of "
          "one layer.", expected=expected),
        {expected // 2: _("that counts one of the two products; attention does Q Kᵀ and weights @ V."),
         4096 * 4096: _("that counts the scores (n²), not the multiply-adds: each score is a dot "
                        "product of d_k = 64 pairs."),
         4096 * 64: _("that grows with n; every one of the 4096 queries meets all 4096 keys."),
         2 * expected: _("that counts a multiply and an add separately (floating-point operations); "
                         "count multiply-adds.")},
    )  # fmt: skip


@exercise_check(CROSSOVER_HINT)
def check_crossover_length(answer: Any) -> Verdict:
    """Exercise 3 of 11_cost_of_attention.ipynb: where attention costs what the projections cost."""
    return _check_count(
        answer, _("the length where they are equal"), CROSSOVER_HINT,
        768 * (2 * 64 + 64) // (64 + 64),  # solving 12 n² (64 + 64) = 12 n 768 (2·64 + 64)
        _("n = 1.5 × d_model = 1152 tokens: below it the projections cost more, above it attention "
          "does, and its share keeps growing with n."),
        {768: _("at n = d_model = 768 the projections still cost 1.5 times as much as attention."),
         1536: _("that is where attention matches four n·d_model² products (with an output "
                 "projection); count only the Q, K and V projections."),
         2304: _("that counts only Q Kᵀ; attention also multiplies the weights by V.")},
        whole=True,
    )  # fmt: skip


@exercise_check(_("rescale each block's sum to the overall maximum m = max(m_1, m_2): "
                  "l_1 · exp(m_1 − m) + l_2 · exp(m_2 − m)."))  # fmt: skip
def check_merged_exp_sum(answer: Any) -> Verdict:
    """Exercise 4 of 11_cost_of_attention.ipynb: merge two blocks' softmax sums, as the fused
    kernel does when a new block of keys arrives."""
    hint = _("m = max(m_1, m_2); each block's sum counts from its own maximum, so multiply it "
             "by exp(m_b − m) before adding.")  # fmt: skip
    value, problem = read_number(answer, _("the sum of exp(s − m) over all 9 keys"), hint)
    if problem:
        return problem
    scores = course().scores.detach()[3]  # (9,): 'fox' against every key, scaled
    blocks = scores[:4], scores[4:]  # (4,), (5,): two blocks of keys
    maxima = [float(b.max()) for b in blocks]
    sums = [float((b - m).exp().sum()) for b, m in zip(blocks, maxima, strict=True)]
    top = max(maxima)
    expected = float((scores - scores.max()).exp().sum())
    done = _("{value:.4f}: the same sum as over all 9 scores at once, from two maxima and two "
             "sums. A block that arrives with a larger maximum shrinks what came before.",
             value=expected)  # fmt: skip
    if verdict := judge(value, expected, done, hint):
        return verdict
    return mistake(value, [
        (sum(sums), _("you added the two sums as they are, but each counts from its own block's "
                      "maximum."), None),
        (sum(total * math.exp(top - m) for total, m in zip(sums, maxima, strict=True)),
         _("you rescaled the wrong way: exp(m − m_b) grows a sum; exp(m_b − m), at most 1, "
           "brings it down to the common maximum."), None),
        (float(scores.exp().sum()), _("that is the sum of exp(s) itself, without subtracting "
                                      "the maximum."), None),
        (1.0, _("the weights sum to 1; the question asks for the sum of exp(s − m), before "
                "dividing."), None),
    ], hint) or not_yet(_("{value:g} is not the merged sum.", value=value), hint)  # fmt: skip
