"""Pictures of the lessons beyond the article (08 on): same rules as :mod:`helpers.figures`.

Figures are ``matplotlib.figure.Figure`` objects (no pyplot), shown with
:func:`helpers.figures.show` and a text version. Sections follow the lessons in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers._validate import describe, require_index, require_size
from helpers.figures import (
    GREY,
    ORANGE,
    _weights_bar_axes,
    _weights_heatmap_axes,
    ink_on,
)

# --- 08_masks.ipynb ---------------------------------------------------------------------

BLOCKED = "#D9D9D9"
"""Face of a blocked (masked) cell: light grey and hatched, never mistaken for a small weight."""


def _square_weights(weights: object, words: Sequence[str]) -> list[list[float]]:
    """``weights`` as nested lists if it is an ``(n, n)`` float tensor for ``words``, else raise."""
    import torch

    if isinstance(words, str) or not isinstance(words, Sequence):
        raise TypeError(f"words must be a list of strings; got {describe(words)}.")
    if not all(isinstance(word, str) for word in words):
        raise TypeError(f"words must hold only strings; got {describe(words)}.")
    if (
        not isinstance(weights, torch.Tensor)
        or weights.dim() != 2
        or not weights.is_floating_point()
    ):
        raise TypeError(
            f"weights must be a 2-D float tensor (queries x keys); got {describe(weights)}."
        )
    if tuple(weights.shape) != (len(words), len(words)):
        raise ValueError(
            f"weights must have one row and one column per word, ({len(words)}, {len(words)}); "
            f"got shape {tuple(weights.shape)}."
        )
    return weights.detach().tolist()


def _blocked_cells(mask: object, n: int) -> list[list[bool]]:
    """Which cells ``mask`` blocks (``True`` = blocked), for a boolean ``(n, n)`` mask."""
    import torch

    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(f"mask must be a boolean tensor (True = may attend); got {describe(mask)}.")
    if tuple(mask.shape) != (n, n):
        raise ValueError(f"mask must have shape ({n}, {n}); got {tuple(mask.shape)}.")
    return (~mask).tolist()


def _hatch_blocked(ax: Axes, blocked: list[list[bool]]) -> None:
    """Cover every blocked cell of a heatmap with a hatched grey square."""
    for i, row in enumerate(blocked):
        for j, is_blocked in enumerate(row):
            if is_blocked:
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=BLOCKED,
                        edgecolor=GREY,
                        hatch="///",
                        linewidth=0,
                    )
                )


def _future_line(ax: Axes, n: int) -> None:
    """An orange staircase just below the diagonal's right: above it lie the later words."""
    xs, ys = [], []
    for i in range(n - 1):
        xs += [i + 0.5, i + 0.5]
        ys += [i - 0.5, i + 0.5]
    ax.plot([*xs, n - 0.5], [*ys, n - 1.5], color=ORANGE, linewidth=2)


def _weights_panel(
    ax: Axes,
    rows: list[list[float]],
    words: Sequence[str],
    title: str,
    blocked: list[list[bool]] | None = None,
) -> object:
    """An annotated ``(n, n)`` weights heatmap on a 0-1 scale, rows = queries, columns = keys.

    Cells that ``blocked`` marks are hatched grey and carry no number.
    """
    n = len(words)
    image = ax.imshow(rows, cmap="cividis", vmin=0.0, vmax=1.0, aspect="auto")
    colours = colormaps["cividis"]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if blocked is None or not blocked[i][j]:
                ink = ink_on(colours(value))
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, color=ink)
    if blocked is not None:
        _hatch_blocked(ax, blocked)
    _future_line(ax, n)
    ax.set_xticks(range(n), list(words), rotation=45, ha="right")
    ax.set_yticks(range(n), list(words))
    ax.set_xlabel("key (column)")
    ax.set_ylabel("query (row)")
    ax.set_title(title, fontsize=10)
    return image


def causal_weights_figure(
    unmasked: object, masked: object, mask: object, words: Sequence[str]
) -> Figure:
    """Two weight matrices side by side: without a mask, and under ``mask`` (blocked cells hatched).

    ``unmasked`` and ``masked`` are ``(n, n)`` weights (rows = queries, columns = keys) for
    ``words``; ``mask`` is the boolean ``(n, n)`` mask behind ``masked`` (``True`` = may
    attend). An orange staircase in both panels separates each word's past from its future
    (the keys after it). Both share one colour scale, 0 to 1.
    Introduced in 08_masks.ipynb ("Picture").

    Raises:
        TypeError: a weight matrix is not a 2-D float tensor, ``mask`` is not boolean, or
            ``words`` is not a list of strings.
        ValueError: a shape is not ``(n, n)`` for the ``n`` words.
    """
    before = _square_weights(unmasked, words)
    after = _square_weights(masked, words)
    blocked = _blocked_cells(mask, len(words))
    fig = Figure(figsize=(12.0, 5.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    _weights_panel(
        left, before, words, "No mask: each word sees the future (above the orange line)"
    )
    image = _weights_panel(
        right, after, words, "Causal mask: the future is blocked (hatched, weight 0)", blocked
    )
    fig.colorbar(image, ax=[left, right], fraction=0.03, pad=0.02, label="attention weight")
    return fig


def causal_explorer_figure(
    weights: object, mask: object, words: Sequence[str], query_index: int, caption: str = ""
) -> Figure:
    """Compact, for the causal mask explorer: weights (blocked cells hatched) and one row as bars.

    The snapshot twin of the explorer's HTML picture: the ``(n, n)`` weight matrix with
    row ``query_index`` framed and the cells ``mask`` blocks hatched grey, then that row's
    weights as bars, with a hatched grey column behind each blocked key.
    Introduced in 08_masks.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`causal_weights_figure`, or ``query_index`` is not
            an int from 0 to n - 1.
    """
    rows = _square_weights(weights, words)
    blocked = _blocked_cells(mask, len(words))
    require_index("query_index", query_index, len(words))
    row = rows[query_index]
    fig = Figure(figsize=(9.0, 1.3))
    grid = fig.add_gridspec(
        1, 2, width_ratios=(1.0, 4.2), left=0.06, right=0.99, bottom=0.24, top=0.85, wspace=0.12
    )
    heat = fig.add_subplot(grid[0])
    _weights_heatmap_axes(heat, rows, words, query_index)
    _hatch_blocked(heat, blocked)
    bars = fig.add_subplot(grid[1])
    top = max(max(row), 1e-6) * 1.25
    for j, is_blocked in enumerate(blocked[query_index]):
        if is_blocked:
            bars.bar(j, top, width=0.7, color=BLOCKED, edgecolor=GREY, hatch="///", linewidth=0)
    _weights_bar_axes(bars, row, words, words[query_index], fontsize=7)
    bars.set_title(caption or f"weights of query '{words[query_index]}'", fontsize=7.5)
    return fig


# --- 09_multi_head_attention.ipynb ------------------------------------------------------


def _annotated_weights(
    ax: Axes, values: list[list[float]], words: Sequence[str], top: float
) -> None:
    """A heatmap of ``values`` on one colour scale from 0 to ``top``, each cell annotated."""
    cmap = colormaps["cividis"]
    ax.imshow(values, cmap="cividis", vmin=0.0, vmax=top, aspect="auto")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            colour = ink_on(cmap(value / top))
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color=colour)
    ax.set_xticks(range(len(words)), list(words), rotation=45, ha="right", fontsize=7.5)
    ax.set_yticks(range(len(words)), list(words), fontsize=7.5)
    ax.tick_params(length=0, pad=1)


def heads_figure(weights: object, words: Sequence[str], title: str = "") -> Figure:
    """One annotated heatmap per head, side by side in rows of two, on one shared colour scale.

    ``weights`` is ``(heads, n, n)`` (one sentence's weights from
    ``MultiHeadAttention.attend``), rows = queries, columns = keys; ``words`` labels both
    axes. The shared scale (0 to the largest weight) makes the heads comparable.
    Introduced in 09_multi_head_attention.ipynb ("Picture").

    Raises:
        TypeError: ``weights`` is not a 3-D tensor of numbers.
        ValueError: ``words`` does not label the ``n`` rows and columns.
    """
    import numpy as np

    values = weights.detach().numpy() if hasattr(weights, "detach") else np.asarray(weights)
    if values.ndim != 3 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(
            f"weights must be a (heads, n, n) tensor of numbers; got {describe(weights)}."
        )
    heads, n, m = values.shape
    if n != m or len(words) != n:
        raise ValueError(
            f"words must label the {n} queries and {m} keys of weights (heads, n, n); "
            f"got weights of shape {values.shape} and {len(words)} words."
        )
    columns = min(heads, 2)
    rows = -(-heads // columns)
    fig = Figure(figsize=(4.6 * columns, 0.9 + 3.9 * rows))
    top = max(float(values.max()), 1e-6)
    for head in range(heads):
        ax = fig.add_subplot(rows, columns, head + 1)
        _annotated_weights(ax, values[head].tolist(), words, top)
        ax.set_title(f"head {head}", fontsize=10)
        if head % columns == 0:
            ax.set_ylabel("query (row)", fontsize=8)
        if head >= heads - columns:
            ax.set_xlabel("key (column)", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------


def in_proj_figure(in_proj_weight: object, d_model: int) -> Figure:
    """``nn.MultiheadAttention``'s stacked ``in_proj_weight (3 d_model, d_model)``, its three blocks named.

    Rows ``[0, d)``, ``[d, 2d)`` and ``[2d, 3d)`` are the query, key and value weights in
    ``nn.Linear``'s ``(out, in)`` layout (so each block is the transpose of ``W_Q``,
    ``W_K``, ``W_V``); an orange line separates the blocks. Signed values, PuOr colours
    centred on 0. Introduced in 10_what_pytorch_does.ipynb ("Picture").

    Raises:
        TypeError: ``in_proj_weight`` is not a 2-D tensor of numbers.
        ValueError: its shape is not ``(3 * d_model, d_model)``.
    """
    import numpy as np

    values = (
        in_proj_weight.detach().numpy()
        if hasattr(in_proj_weight, "detach")
        else np.asarray(in_proj_weight)
    )
    if values.ndim != 2 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(
            f"in_proj_weight must be a 2-D tensor of numbers; got {describe(in_proj_weight)}."
        )
    if isinstance(d_model, bool) or not isinstance(d_model, int) or d_model <= 0:
        raise TypeError(f"d_model must be a positive int; got {describe(d_model)}.")
    if values.shape != (3 * d_model, d_model):
        raise ValueError(
            f"in_proj_weight must have shape (3 * d_model, d_model) = ({3 * d_model}, {d_model}); "
            f"got {values.shape}."
        )
    limit = max(float(abs(values).max()), 1e-6)
    fig = Figure(figsize=(5.4, 6.2))
    ax = fig.add_subplot()
    ax.imshow(values, cmap="PuOr_r", vmin=-limit, vmax=limit, aspect="auto")
    cmap = colormaps["PuOr_r"]
    for i, row in enumerate(values.tolist()):
        for j, value in enumerate(row):
            ink = ink_on(cmap((value / limit + 1) / 2))
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color=ink)
    for block in (1, 2):
        ax.axhline(block * d_model - 0.5, color=ORANGE, linewidth=2.5)
    names = ("query\nrows 0-{}", "key\nrows {}-{}", "value\nrows {}-{}")
    for block, name in enumerate(names):
        first, last = block * d_model, (block + 1) * d_model - 1
        label = name.format(last) if block == 0 else name.format(first, last)
        ax.text(d_model - 0.2, (first + last) / 2, label, ha="left", va="center", fontsize=9)
    ax.set_xticks(range(d_model), [f"in {j}" for j in range(d_model)], fontsize=7, rotation=45)
    ax.set_yticks(range(0, 3 * d_model, 2), [str(i) for i in range(0, 3 * d_model, 2)], fontsize=7)
    ax.set_ylabel("row of in_proj_weight (output feature)", fontsize=8)
    ax.set_title("in_proj_weight: three nn.Linear weights stacked", fontsize=10)
    fig.subplots_adjust(left=0.12, right=0.78, top=0.94, bottom=0.08)
    return fig


def _comparison_panel(
    ax: Axes, values: list[list[float]], words: Sequence[str], title: str
) -> None:
    """One 0-to-1 weights heatmap, each cell annotated; NaN cells are grey and say "nan"."""
    import math

    cmap = colormaps["cividis"]
    finite = [[0.0 if math.isnan(v) else v for v in row] for row in values]
    ax.imshow(finite, cmap="cividis", vmin=0.0, vmax=1.0, aspect="auto")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if math.isnan(value):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=GREY, edgecolor="none"))
                ax.text(j, i, "nan", ha="center", va="center", fontsize=6.5, color="white")
            else:
                ink = ink_on(cmap(value))
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6.5, color=ink)
    ax.set_xticks(range(len(words)), list(words), rotation=45, ha="right", fontsize=7.5)
    ax.set_yticks(range(len(words)), list(words), fontsize=7.5)
    ax.tick_params(length=0, pad=1)
    ax.set_xlabel("key (column)", fontsize=8)
    ax.set_title(title, fontsize=9)


def mask_comparison_figure(
    course_weights: object, torch_weights: object, words: Sequence[str]
) -> Figure:
    """Head 0's weights from the course module and from ``nn.MultiheadAttention``, side by side.

    Both are ``(n, n)`` tensors, rows = queries, columns = keys, on one scale from 0 to 1;
    a NaN weight (a query that may attend to no key) is drawn grey and labelled "nan".
    Introduced in 10_what_pytorch_does.ipynb ("Explore": the snapshot of the mask explorer).

    Raises:
        TypeError: a weights argument is not a 2-D tensor of numbers.
        ValueError: ``words`` does not label its rows and columns.
    """
    import numpy as np

    panels = []
    for name, weights in (("course_weights", course_weights), ("torch_weights", torch_weights)):
        values = weights.detach().numpy() if hasattr(weights, "detach") else np.asarray(weights)
        if values.ndim != 2 or not np.issubdtype(values.dtype, np.number):
            raise TypeError(f"{name} must be an (n, n) tensor of numbers; got {describe(weights)}.")
        if values.shape != (len(words), len(words)):
            raise ValueError(
                f"words must label the rows and columns of {name}; got shape {values.shape} "
                f"and {len(words)} words."
            )
        panels.append(values.tolist())
    fig = Figure(figsize=(9.2, 4.0))
    left, right = fig.subplots(1, 2)
    _comparison_panel(left, panels[0], words, "course module (True = may attend), head 0")
    _comparison_panel(right, panels[1], words, "nn.MultiheadAttention, as passed, head 0")
    left.set_ylabel("query (row)", fontsize=8)
    fig.tight_layout()
    return fig


# --- 11_cost_of_attention.ipynb ---------------------------------------------------------


COST_LENGTHS = tuple(2**k for k in range(3, 18))
"""The sequence lengths the cost pictures draw: 8 to 131,072 (128k) tokens, doubling."""

COST_EXAMPLES = (9, 512, 4096, 131072)
"""Lengths the lesson names: our sentence, a BERT-sized input, a long prompt, 128k tokens."""

_LENGTH_TICKS = {8: "8", 64: "64", 512: "512", 4096: "4k", 32768: "32k", 131072: "128k"}
_BYTE_TICKS = {2**10: "1 KiB", 2**20: "1 MiB", 2**30: "1 GiB", 2**40: "1 TiB"}
_SECOND_TICKS = {10.0**k: f"{1000 * 10.0**k:g} ms" for k in range(-6, 0)} | {1.0: "1 s"}
_MEMORY_TICKS = {
    2**k: f"{2 ** (k % 10)} {('B', 'KiB', 'MiB', 'GiB')[k // 10]}" for k in range(0, 40, 2)
}


def _cost_axes(ax: Axes, ylabel: str, title: str) -> None:
    """Log-log axes with the lengths the lesson uses as x ticks."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(list(_LENGTH_TICKS), list(_LENGTH_TICKS.values()))
    ax.minorticks_off()
    ax.set_xlabel("sequence length n (tokens)", fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(True, color="#EEEEEE", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)


def _slope_line(
    ax: Axes, lengths: Sequence[int], anchor: tuple[float, float], slope: int, label: str
) -> None:
    """A dashed grey reference line of ``slope`` on log-log axes through the point ``anchor``."""
    n0, y0 = anchor
    ax.plot(
        list(lengths),
        [y0 * (n / n0) ** slope for n in lengths],
        linestyle="--",
        color=GREY,
        linewidth=1.2,
        label=label,
    )


def cost_growth_figure(d_model: int = 768, heads: int = 12) -> Figure:
    """The counted costs against n on log-log axes: score-matrix bytes, and multiply-adds.

    Left: bytes of one head's ``n × n`` score matrix in float32, with a slope-2 reference
    line and the lesson's example lengths marked. Right: multiply-adds of attention
    (``heads`` heads of ``d_k = d_v = d_model / heads``) and of the Q, K, V projections,
    with the length where they cross. Introduced in 11_cost_of_attention.ipynb ("Picture").

    Raises:
        TypeError: a size is not an int.
        ValueError: a size is not positive, or ``heads`` does not divide ``d_model``.
    """
    from helpers.cost import (
        attention_multiply_adds,
        human_bytes,
        projection_multiply_adds,
        score_matrix_bytes,
    )
    from helpers.figures import BLUE, INK

    require_size("d_model", d_model)
    require_size("heads", heads)
    if d_model % heads:
        raise ValueError(f"heads must divide d_model; got d_model={d_model}, heads={heads}.")
    d_k = d_model // heads
    lengths = list(COST_LENGTHS)
    fig = Figure(figsize=(10, 4.0))
    memory, compute = fig.subplots(1, 2)

    scores = [score_matrix_bytes(n) for n in lengths]
    _cost_axes(memory, "bytes (log scale)", "Memory: one head's score matrix, float32")
    memory.plot(lengths, scores, color=BLUE, linewidth=2, label="score matrix: 4 n² bytes")
    _slope_line(memory, lengths, (lengths[0], scores[0] * 16), 2, "slope 2 (reference)")
    for n in COST_EXAMPLES:
        size = score_matrix_bytes(n)
        memory.plot([n], [size], "o", color=ORANGE, markersize=6, zorder=3)
        memory.annotate(
            f"n = {n:,}: {human_bytes(size)}",
            (n, size),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=7.5,
            color=INK,
        )
    memory.set_yticks(list(_BYTE_TICKS), list(_BYTE_TICKS.values()))
    memory.minorticks_off()
    memory.set_ylim(bottom=40)
    memory.legend(fontsize=8, loc="upper left", frameon=False)

    attention = [attention_multiply_adds(n, d_k, d_k, heads=heads) for n in lengths]
    projections = [projection_multiply_adds(n, d_model, d_k, d_k, heads=heads) for n in lengths]
    crossing = d_model * 3 // 2
    _cost_axes(
        compute,
        "multiply-adds (log scale)",
        f"Compute: {heads} heads × d_k = {d_k} (d_model = {d_model})",
    )
    compute.plot(lengths, attention, color=BLUE, linewidth=2, label="attention: QKᵀ and weights·V")
    compute.plot(lengths, projections, color=ORANGE, linewidth=2, label="projections: Q, K, V")
    _slope_line(compute, lengths, (lengths[0], attention[0] * 16), 2, "slope 2 (reference)")
    compute.axvline(crossing, color=INK, linestyle=":", linewidth=1)
    compute.annotate(
        f"equal at n = {crossing:,}",
        (crossing, projections[0]),
        textcoords="offset points",
        xytext=(4, 0),
        fontsize=8,
        color=INK,
    )
    compute.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


_MEASURED_KEYS = ("function", "n", "median_seconds", "peak_extra_bytes")


def _measured_series(rows: object) -> dict[str, list[tuple[int, float, int]]]:
    """``rows`` (from :func:`helpers.cost.load_measured_costs`) grouped by function, sorted by n."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
        raise TypeError(
            f"rows must be a non-empty list of dicts from load_measured_costs(); got {describe(rows)}."
        )
    series: dict[str, list[tuple[int, float, int]]] = {}
    for row in rows:
        if not isinstance(row, dict) or not set(_MEASURED_KEYS) <= set(row):
            raise TypeError(
                "rows must hold dicts with function, n, median_seconds and peak_extra_bytes; "
                f"got {describe(row)}."
            )
        series.setdefault(str(row["function"]), []).append(
            (int(row["n"]), float(row["median_seconds"]), int(row["peak_extra_bytes"]))
        )
    return {name: sorted(points) for name, points in series.items()}


def measured_cost_figure(rows: Sequence[dict[str, object]]) -> Figure:
    """Measured time and peak extra memory of each function against n, on log-log axes.

    ``rows`` come from :func:`helpers.cost.load_measured_costs` (written by ``make bench``).
    A dashed slope-2 line runs through the first function's longest measurement, a dotted
    slope-1 line through the second's; a memory of 0 bytes (below the page size) cannot be
    drawn on a log axis and is left out. Introduced in 11_cost_of_attention.ipynb ("Measured").

    Raises:
        TypeError: ``rows`` is not a non-empty list of measurement dicts.
    """
    from helpers.figures import BLUE

    series = _measured_series(rows)
    colours = (BLUE, ORANGE, GREY)
    fig = Figure(figsize=(10, 3.8))
    timing, memory = fig.subplots(1, 2)
    for ax, column, ylabel, title in (
        (timing, 1, "seconds per call (log scale)", "Time: median wall time, 1 thread"),
        (memory, 2, "bytes (log scale)", "Memory: peak extra during one call"),
    ):
        lengths = sorted({n for points in series.values() for n, _, _ in points})
        _cost_axes(ax, ylabel, title)
        ax.set_xticks(lengths, [f"{n:,}" for n in lengths])
        ax.minorticks_off()
        for k, (name, points) in enumerate(series.items()):
            shown = [(p[0], p[column]) for p in points if p[column] > 0]
            ax.plot(
                [n for n, _ in shown],
                [y for _, y in shown],
                "o-",
                color=colours[k % len(colours)],
                linewidth=2,
                markersize=4,
                label=name,
            )
        first, *others = list(series.values())
        _slope_line(ax, lengths, (first[-1][0], first[-1][column]), 2, "slope 2 (reference)")
        if ax is memory and others and others[0][-1][column] > 0:
            n_last, y_last = others[0][-1][0], others[0][-1][column]
            ax.plot(
                lengths,
                [y_last * n / n_last for n in lengths],
                linestyle=":",
                color=GREY,
                linewidth=1.2,
                label="slope 1 (reference)",
            )
        ax.legend(fontsize=7.5, loc="upper left", frameon=False)
    for ax, ticks in ((timing, _SECOND_TICKS), (memory, _MEMORY_TICKS)):
        low, high = ax.get_ylim()
        shown = {value: label for value, label in ticks.items() if low <= value <= high}
        ax.set_yticks(list(shown), list(shown.values()))
        ax.minorticks_off()
    fig.tight_layout()
    return fig


def cost_explorer_figure(memory: dict[str, int], multiply_adds: dict[str, int], n: int) -> Figure:
    """The cost explorer's picture as a figure: memory per head of each tensor, and multiply-adds.

    ``memory`` maps a tensor's name (Q, K, V, scores, weights, context) to its bytes for
    one head; ``multiply_adds`` maps "projections" and "attention" to their counts
    (both as :func:`helpers.beyond_explorers.cost_parts` returns them); ``n`` is the
    sequence length. Introduced in 11_cost_of_attention.ipynb ("Explore").

    Raises:
        TypeError: ``memory`` or ``multiply_adds`` is not a non-empty dict from a name to
            an int count, or ``n`` is not an int.
        ValueError: a count is negative, or ``n`` is not positive.
    """
    from helpers.cost import human_bytes
    from helpers.figures import BLUE

    for name, counts in (("memory", memory), ("multiply_adds", multiply_adds)):
        if (
            not isinstance(counts, dict)
            or not counts
            or not all(
                isinstance(key, str) and isinstance(value, int) and not isinstance(value, bool)
                for key, value in counts.items()
            )
        ):
            raise TypeError(
                f"{name} must be a non-empty dict from a name to an int count, as cost_parts() "
                f"returns; got {describe(counts)}."
            )
        negative = {key: value for key, value in counts.items() if value < 0}
        if negative:
            raise ValueError(f"{name} must hold counts of zero or more; got {negative}.")
    require_size("n", n)
    fig = Figure(figsize=(9.0, 1.3))
    grid = fig.add_gridspec(
        1, 2, width_ratios=(3.0, 1.2), left=0.04, right=0.99, bottom=0.2, top=0.78, wspace=0.12
    )
    for panel, (values, title, label) in enumerate(
        (
            (memory, f"memory per head at n = {n:,} (float32)", human_bytes),
            (multiply_adds, "multiply-adds, all heads", lambda v: f"{v:.3g}"),
        )
    ):
        ax = fig.add_subplot(grid[panel])
        names, numbers = list(values), list(values.values())
        ax.bar(range(len(names)), numbers, color=BLUE if panel == 0 else ORANGE, width=0.6)
        top = max(max(numbers), 1)
        for x, value in enumerate(numbers):
            ax.text(x, value + top * 0.04, label(value), ha="center", va="bottom", fontsize=6.5)
        ax.set_ylim(0, top * 1.35)
        ax.set_xticks(range(len(names)), names, fontsize=7)
        ax.set_yticks([])
        ax.set_title(title, fontsize=7.5)
        ax.spines[["top", "right", "left"]].set_visible(False)
    return fig


# --- 12_watching_attention_learn.ipynb --------------------------------------------------


def _finite_numbers(name: str, values: object) -> list[float]:
    """``values`` as a list of finite floats (a list or 1-D tensor of numbers), else raise."""
    import math

    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"{name} must be a non-empty list of numbers; got {describe(values)}.")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must hold only numbers; got {describe(values)}.")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{name} must hold finite numbers; got {describe(values)}.")
    return [float(v) for v in values]


def training_curves_figure(
    batch_losses: Sequence[float],
    steps: Sequence[int],
    held_out_losses: Sequence[float],
    correct_weights: Sequence[float],
) -> Figure:
    """Two panels: the loss during training (log scale), and the weight on the right key.

    Left: each training batch's loss (grey line, one per step, step 1 first) and the
    held-out loss at the checkpoints ``steps`` (blue dots). Right: the mean weight each
    query puts on the previous position at the checkpoints, with chance level
    ``1 / 6`` and the perfect 1 as dotted lines. Introduced in 12_watching_attention_learn.ipynb.

    Raises:
        TypeError: an argument is not a list of numbers.
        ValueError: a number is not finite or not positive (loss), or the checkpoint
            lists differ in length.
    """
    from helpers.figures import BLUE, INK

    batch = _finite_numbers("batch_losses", batch_losses)
    marks = _finite_numbers("steps", steps)
    held = _finite_numbers("held_out_losses", held_out_losses)
    weights = _finite_numbers("correct_weights", correct_weights)
    if not len(marks) == len(held) == len(weights):
        raise ValueError(
            "steps, held_out_losses and correct_weights must have one entry per checkpoint; "
            f"got {len(marks)}, {len(held)} and {len(weights)}."
        )
    if min(batch + held) <= 0:
        raise ValueError(
            "batch_losses and held_out_losses must be positive (the loss axis is logarithmic); "
            f"got a smallest loss of {min(batch + held)}."
        )
    fig = Figure(figsize=(10, 3.4))
    left, right = fig.subplots(1, 2)
    left.plot(range(1, len(batch) + 1), batch, color=GREY, linewidth=1, label="training batch")
    left.plot(marks, held, "o", color=BLUE, markersize=5, label="held-out sequences")
    left.set_yscale("log")
    left.set_xlabel("training step")
    left.set_ylabel("cross-entropy loss (log scale)")
    left.set_title("The loss falls", fontsize=11)
    left.legend(fontsize=8, frameon=False)
    right.plot(marks, weights, "o-", color=ORANGE, markersize=5)
    right.axhline(1 / 6, color=INK, linestyle=":", linewidth=1)
    right.axhline(1.0, color=INK, linestyle=":", linewidth=1)
    right.text(marks[-1], 1 / 6 + 0.02, "chance: 1/6", ha="right", fontsize=8, color=INK)
    right.text(marks[-1], 0.94, "perfect: 1", ha="right", va="top", fontsize=8, color=INK)
    right.set_ylim(0, 1.05)
    right.set_xlabel("training step")
    right.set_ylabel("mean weight on the previous position")
    right.set_title("Attention moves to the right key", fontsize=11)
    fig.tight_layout()
    return fig


def _previous_position_heatmap(
    ax: Axes, values: list[list[float]], labels: list[str], title: str
) -> None:
    """One weights heatmap (0 to 1, cividis), each cell annotated, key ``i - 1`` of row ``i`` framed."""
    n = len(values)
    cmap = colormaps["cividis"]
    ax.imshow(values, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=8,
                color=ink_on(cmap(value)),
            )
        ax.add_patch(
            Rectangle(((i - 1) % n - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=ORANGE, linewidth=2)
        )
    ax.set_xticks(range(n), labels, rotation=45, ha="right")
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("key (position:token)")
    ax.set_ylabel("query (position:token)")
    ax.set_title(title, fontsize=11)


def before_after_figure(
    before: object,
    after: object,
    labels: Sequence[str],
    titles: tuple[str, str] = ("before training", "after training"),
) -> Figure:
    """Two attention heatmaps side by side, one colour scale (0 to 1); the right keys framed.

    ``before`` and ``after`` are ``(n, n)`` weight tensors of one sequence, rows = queries,
    columns = keys, labelled by ``labels`` (``'0:C'`` = position 0 holding C). The cell
    of key ``i - 1`` in each row ``i`` (the previous position, wrapping around) is framed
    in orange: where the weight should go. Introduced in 12_watching_attention_learn.ipynb.

    Raises:
        TypeError: a weight matrix is not a 2-D float tensor, or ``labels`` not strings.
        ValueError: a matrix is not ``(len(labels), len(labels))``.
    """
    first = _square_weights(before, labels)
    second = _square_weights(after, labels)
    fig = Figure(figsize=(10, 4.2))
    axes = fig.subplots(1, 2)
    for ax, values, title in zip(axes, (first, second), titles, strict=True):
        _previous_position_heatmap(ax, values, list(labels), title)
    fig.tight_layout()
    return fig


def checkpoint_figure(weights: object, labels: Sequence[str], step: int) -> Figure:
    """One sequence's attention weights at training step ``step``; the right keys framed.

    The training explorer's snapshot. Introduced in 12_watching_attention_learn.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`before_after_figure`.
    """
    values = _square_weights(weights, labels)
    fig = Figure(figsize=(5, 4.2))
    _previous_position_heatmap(
        fig.add_subplot(), values, list(labels), f"attention weights at step {step}"
    )
    fig.tight_layout()
    return fig


# --- 13_a_real_models_attention.ipynb ---------------------------------------------------


def attention_grid_figure(attentions: object, tokens: Sequence[str], title: str = "") -> Figure:
    """Every head of every layer as a small heatmap: a grid of layers (rows) × heads (columns).

    ``attentions`` is ``(layers, heads, n, n)`` (one sentence's weights from a model run
    with ``output_attentions=True``), rows of each map = queries, columns = keys, one colour
    scale from 0 to 1 for all. ``tokens`` label the queries down the left column and the
    keys along the bottom row. Introduced in 13_a_real_models_attention.ipynb ("Picture").

    Raises:
        TypeError: ``attentions`` is not a 4-D tensor of numbers, or ``tokens`` not strings.
        ValueError: ``tokens`` does not label the ``n`` queries and keys.
    """
    import numpy as np

    values = (
        attentions.detach().numpy() if hasattr(attentions, "detach") else np.asarray(attentions)
    )
    if values.ndim != 4 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(
            f"attentions must be a (layers, heads, n, n) tensor of numbers; got {describe(attentions)}."
        )
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(f"tokens must be a list of strings; got {describe(tokens)}.")
    layers, heads, n, m = values.shape
    if n != m or len(tokens) != n:
        raise ValueError(
            f"tokens must label the {n} queries and {m} keys of attentions (layers, heads, n, n); "
            f"got attentions of shape {values.shape} and {len(tokens)} tokens."
        )
    fig = Figure(figsize=(1.05 * heads + 1.2, 1.05 * layers + 1.3))
    grid = fig.add_gridspec(
        layers, heads, left=0.075, right=0.94, bottom=0.085, top=0.93, wspace=0.08, hspace=0.08
    )
    image = None
    for layer in range(layers):
        for head in range(heads):
            ax = fig.add_subplot(grid[layer, head])
            image = ax.imshow(
                values[layer, head], cmap="cividis", vmin=0.0, vmax=1.0, aspect="auto"
            )
            ax.set_xticks([])
            ax.set_yticks([])
            if layer == 0:
                ax.set_title(f"head {head}", fontsize=8)
            if head == 0:
                ax.set_yticks(range(n), list(tokens), fontsize=4.5)
                ax.set_ylabel(f"layer {layer}", fontsize=8)
            if layer == layers - 1:
                ax.set_xticks(range(n), list(tokens), fontsize=4.5, rotation=90)
            ax.tick_params(length=0, pad=1)
    colour_bar = fig.add_axes((0.955, 0.3, 0.01, 0.4))
    fig.colorbar(image, cax=colour_bar, label="attention weight")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
