"""Pictures shared by the lessons, drawn with matplotlib (introduced in 01_vocabulary.ipynb).

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: they belong to
no global state, so nothing is left open after a figure is shown, and the same function
serves a notebook cell, an explorer and a test. ``show`` renders a figure to PNG once and
displays it with a plain-text description (what a screen reader, nbval and a reader
without images get). Colours come from colour-blind-safe sets (Okabe-Ito, cividis).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from numbers import Real

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers._validate import describe, require_index, require_word_ids

STEPS = (
    "Vocabulary",
    "Embedding",
    "Query, key,\nvalue",
    "Attention\nscores",
    "Softmax\nweights",
    "Context\nvectors",
    "SelfAttention\nmodule",
)
"""The seven steps of the article, in order; lesson N teaches ``STEPS[N - 1]``."""

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
GREY = "#999999"
INK = "#222222"

DPI = 100


def ink_on(face: Sequence[float]) -> str:
    """Dark or white text, whichever reads better on the RGB(A) colour ``face``.

    ``face`` holds 3 or 4 numbers from 0 to 1 (what a matplotlib colour map returns).
    Introduced in 01_vocabulary.ipynb (every picture with numbers on coloured cells).
    """
    if (
        isinstance(face, str)
        or not hasattr(face, "__len__")
        or len(face) not in (3, 4)
        or not all(isinstance(c, Real) and 0 <= c <= 1 for c in face)
    ):
        raise TypeError(
            f"face must be an RGB or RGBA colour, 3 or 4 numbers from 0 to 1; got {describe(face)}."
        )
    luminance = 0.299 * face[0] + 0.587 * face[1] + 0.114 * face[2]
    return INK if luminance > 0.5 else "white"


def render_png(fig: Figure) -> bytes:
    """Render ``fig`` to PNG bytes, with no metadata that changes between versions or runs.

    Introduced in 01_vocabulary.ipynb (used by every picture and explorer).
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {describe(fig)}.")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def show(fig: Figure, description: str) -> None:
    """Display ``fig`` as a PNG in the notebook, with ``description`` as its text version.

    The description is what nbval compares and what a reader without images sees, so it
    should state what the picture shows. Introduced in 01_vocabulary.ipynb.
    """
    from IPython.display import display

    if not isinstance(description, str) or not description.strip():
        raise ValueError(
            f"description must be a sentence saying what the figure shows; got {describe(description)}."
        )
    png = base64.b64encode(render_png(fig)).decode("ascii")
    display({"image/png": png, "text/plain": description}, raw=True)


def _check_step(step: object) -> int:
    if isinstance(step, bool) or not isinstance(step, int):
        raise TypeError(f"step must be an int from 1 to {len(STEPS)}; got {describe(step)}.")
    if not 1 <= step <= len(STEPS):
        raise ValueError(f"step must be from 1 to {len(STEPS)}; got {step}.")
    return step


def _box_row(ax: Axes, names: Sequence[str], current: int, y: float, first_number: int = 1) -> None:
    """Draw ``names`` as a row of numbered boxes joined by arrows, at height ``y``.

    Boxes before ``current`` (1-based position in the row) are pale blue, the current one
    dark blue, later ones grey; ``current=0`` draws the whole row as done.
    """
    for index, name in enumerate(names, start=1):
        if current == 0 or index < current:
            face, edge, ink = "#D6EAF8", SKY, INK
        elif index == current:
            face, edge, ink = BLUE, BLUE, "white"
        else:
            face, edge, ink = "white", GREY, "#666666"
        x = index - 1
        ax.add_patch(
            FancyBboxPatch(
                (x + 0.08, y + 0.15),
                0.84,
                0.8,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor=edge,
                linewidth=2,
            )
        )
        ax.text(
            x + 0.5,
            y + 0.55,
            f"{index + first_number - 1}. {name}",
            ha="center",
            va="center",
            fontsize=9.5,
            color=ink,
            weight="bold" if index == current else "normal",
        )
        if index < len(names):
            ax.annotate(
                "",
                xy=(x + 1.1, y + 0.55),
                xytext=(x + 0.9, y + 0.55),
                arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.5},
            )


def _you_are_here(ax: Axes, x: float, y: float) -> None:
    ax.text(x, y, "you are here", ha="center", va="center", fontsize=9, color=BLUE, style="italic")


def pipeline_figure(step: int) -> Figure:
    """The seven steps as a row of boxes, with ``step`` (1-7) highlighted.

    Steps already taken are pale blue, the current one dark blue, later ones grey.
    Introduced in 01_vocabulary.ipynb ("Where we are"); every lesson shows it.
    """
    _check_step(step)
    fig = Figure(figsize=(10, 1.35))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, len(STEPS))
    ax.set_ylim(0, 1.35)
    ax.axis("off")
    _box_row(ax, STEPS, step, 0.0)
    _you_are_here(ax, step - 0.5, 1.15)
    return fig


def show_pipeline(step: int) -> None:
    """Show :func:`pipeline_figure` for ``step`` with a one-line text version."""
    _check_step(step)
    name = STEPS[step - 1].replace("\n", " ")
    show(
        pipeline_figure(step),
        f"The seven steps of self-attention; this lesson is step {step} of {len(STEPS)}: {name}.",
    )


BEYOND = (
    "Masks",
    "Multi-head\nattention",
    "PyTorch's\nattention",
    "Cost of\nattention",
    "Attention\nlearns",
    "A real\nmodel",
)
"""The lessons past the article's seven steps; lesson ``8 + i`` teaches ``BEYOND[i]``."""


def _check_beyond(lesson: object) -> int:
    first, last = len(STEPS) + 1, len(STEPS) + len(BEYOND)
    if isinstance(lesson, bool) or not isinstance(lesson, int):
        raise TypeError(f"lesson must be an int from {first} to {last}; got {describe(lesson)}.")
    if not first <= lesson <= last:
        raise ValueError(f"lesson must be from {first} to {last}; got {lesson}.")
    return lesson


def beyond_figure(lesson: int) -> Figure:
    """The seven steps (all done) above the beyond-the-article lessons, ``lesson`` highlighted.

    Introduced in 08_masks.ipynb ("Where we are"); every lesson from 08 on shows it.
    """
    _check_beyond(lesson)
    columns = max(len(STEPS), len(BEYOND))
    fig = Figure(figsize=(10, 2.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, columns)
    ax.set_ylim(0, 2.6)
    ax.axis("off")
    ax.text(0.1, 2.45, "The article's seven steps", fontsize=9, color=INK, va="center")
    _box_row(ax, STEPS, 0, 1.3)
    ax.text(0.1, 1.15, "Beyond the article", fontsize=9, color=INK, va="center")
    current = lesson - len(STEPS)
    _box_row(ax, BEYOND, current, -0.05, first_number=len(STEPS) + 1)
    _you_are_here(ax, current - 0.5, 1.15)
    return fig


def show_beyond(lesson: int) -> None:
    """Show :func:`beyond_figure` for ``lesson`` (8 on) with a one-line text version."""
    _check_beyond(lesson)
    name = BEYOND[lesson - len(STEPS) - 1].replace("\n", " ")
    show(
        beyond_figure(lesson),
        f"After the article's seven steps come {len(BEYOND)} lessons beyond it; "
        f"this is lesson {lesson}: {name}.",
    )


def token_ids_figure(
    words: Sequence[str], ids: Sequence[int | None], max_words: int = 16
) -> Figure:
    """Each word of a sentence above its id, in sentence order (first ``max_words`` words).

    Boxes are coloured by id (cividis colour map), so a word that repeats shows the same
    colour each time. An id of ``None`` marks a word the vocabulary lacks: its box is
    grey and shows ``?``. Introduced in 01_vocabulary.ipynb ("Picture").

    Raises:
        TypeError: ``words`` is not a list of strings, or ``ids`` holds something other
            than ints and ``None``.
        ValueError: ``words`` is empty, or ``words`` and ``ids`` differ in length.
    """
    words, ids = require_word_ids(words, ids)
    shown = min(len(words), max_words)
    cmap = colormaps["cividis"]
    top = max([i for i in ids[:shown] if i is not None] + [1])
    fig = Figure(figsize=(max(4.0, 1.05 * shown), 1.55))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, max(shown, 4.0 / 1.05))
    ax.set_ylim(0, 1.55)
    ax.axis("off")
    for position, (word, token_id) in enumerate(zip(words[:shown], ids[:shown], strict=True)):
        if token_id is None:
            face, ink, label = "#DDDDDD", INK, "?"
        else:
            face = cmap(token_id / top)
            ink, label = ink_on(face), str(token_id)
        ax.text(position + 0.5, 1.3, word, ha="center", va="center", fontsize=11, color=INK)
        ax.add_patch(
            FancyBboxPatch(
                (position + 0.1, 0.35),
                0.8,
                0.7,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor="white",
            )
        )
        ax.text(
            position + 0.5,
            0.7,
            label,
            ha="center",
            va="center",
            fontsize=14,
            color=ink,
            weight="bold",
        )
        ax.text(
            position + 0.5,
            0.15,
            f"position {position}",
            ha="center",
            va="center",
            fontsize=7.5,
            color="#666666",
        )
    return fig


def message_figure(message: str) -> Figure:
    """A small figure holding only ``message``: what an explorer shows when there is nothing to draw."""
    if not isinstance(message, str):
        raise TypeError(f"message must be a string; got {describe(message)}.")
    fig = Figure(figsize=(4, 1.55))
    fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#666666")
    return fig


def show_token_ids(words: Sequence[str], ids: Sequence[int | None]) -> None:
    """Show :func:`token_ids_figure` with a text version listing each word and its id."""
    fig = token_ids_figure(words, ids)
    ids = list(ids.tolist() if hasattr(ids, "tolist") else ids)
    pairs = ", ".join(f"{w} {'?' if i is None else i}" for w, i in zip(words, ids, strict=True))
    show(fig, f"Each word above its id, in sentence order: {pairs}.")


def vocabulary_figure(vocabulary: Mapping[str, int], words: Sequence[str]) -> Figure:
    """The vocabulary (top, in id order) and the sentence (bottom, in word order), joined.

    A line joins each word of the sentence to its entry in the vocabulary, so the picture
    shows that encoding is a look-up and that id order is not sentence order.
    Introduced in 01_vocabulary.ipynb ("Picture").

    Raises:
        TypeError: ``vocabulary`` is not a dict or ``words`` not a list of strings.
        ValueError: a word is missing from ``vocabulary``.
    """
    if not isinstance(vocabulary, Mapping) or not vocabulary:
        raise TypeError(
            f"vocabulary must be a non-empty dict from word to id; got {describe(vocabulary)}."
        )
    if isinstance(words, str) or not words or not all(isinstance(w, str) for w in words):
        raise TypeError(f"words must be a non-empty list of strings; got {describe(words)}.")
    unknown = [w for w in words if w not in vocabulary]
    if unknown:
        raise ValueError(f"words must all be in vocabulary; got words missing from it: {unknown}.")
    entries = sorted(vocabulary.items(), key=lambda item: item[1])
    width = max(len(entries), len(words))
    cmap = colormaps["cividis"]
    top = max(max(vocabulary.values()), 1)
    fig = Figure(figsize=(max(5.0, 1.0 * width), 2.9))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.9, width)
    ax.set_ylim(0, 2.9)
    ax.axis("off")
    ax.text(-0.85, 2.35, "vocabulary\n(id order)", fontsize=8.5, color="#666666", va="center")
    ax.text(-0.85, 0.55, "sentence\n(word order)", fontsize=8.5, color="#666666", va="center")
    slot = {word: index for index, (word, _) in enumerate(entries)}

    def box(x: float, y: float, word: str, token_id: int) -> None:
        face = cmap(token_id / top)
        ax.add_patch(
            FancyBboxPatch(
                (x + 0.1, y - 0.25),
                0.8,
                0.5,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor="white",
            )
        )
        ax.text(
            x + 0.5,
            y,
            str(token_id),
            ha="center",
            va="center",
            fontsize=12,
            weight="bold",
            color=ink_on(face),
        )

    for word, token_id in entries:
        x = slot[word]
        box(x, 2.35, word, token_id)
        ax.text(x + 0.5, 2.78, word, ha="center", va="center", fontsize=10, color=INK)
    for position, word in enumerate(words):
        box(position, 0.55, word, vocabulary[word])
        ax.text(position + 0.5, 0.12, word, ha="center", va="center", fontsize=10, color=INK)
        ax.plot([position + 0.5, slot[word] + 0.5], [0.82, 2.08], color=GREY, lw=1, zorder=0)
    return fig


def heatmap_figure(
    matrix: object,
    rows: Sequence[str],
    columns: Sequence[str],
    title: str,
    *,
    row_title: str = "",
    column_title: str = "",
    decimals: int = 2,
    highlight_row: int | None = None,
    cmap: str = "cividis",
) -> Figure:
    """A labelled heatmap of a 2-D tensor, each cell annotated with its value.

    ``rows`` and ``columns`` label the axes (words, or dimension names). ``highlight_row``
    draws a frame around one row (e.g. the query word an explorer picked). Drawn with
    matplotlib alone (no seaborn) to keep lessons quick to start. The colour map is
    cividis (readable with any colour vision, and in greyscale).
    Introduced in 02_embedding.ipynb; used by every lesson that shows a matrix.

    Raises:
        TypeError: ``matrix`` is not a 2-D tensor or array.
        ValueError: the labels do not match the matrix's shape, or ``highlight_row`` is
            out of range.
    """
    import numpy as np

    values = matrix.detach().numpy() if hasattr(matrix, "detach") else np.asarray(matrix)
    if values.ndim != 2 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"matrix must be a 2-D tensor of numbers; got {describe(matrix)}.")
    n_rows, n_columns = values.shape
    if len(rows) != n_rows or len(columns) != n_columns:
        raise ValueError(
            f"rows and columns must label the matrix's {n_rows} rows and {n_columns} columns; "
            f"got {len(rows)} row labels and {len(columns)} column labels."
        )
    if highlight_row is not None and not 0 <= highlight_row < n_rows:
        raise ValueError(f"highlight_row must be from 0 to {n_rows - 1}; got {highlight_row}.")
    cell = 0.62 if n_columns > 5 else 0.8
    fig = Figure(figsize=(1.6 + cell * n_columns, 1.2 + 0.42 * n_rows))
    ax = fig.add_subplot()
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    image = ax.imshow(
        values, cmap=cmap, aspect="auto", vmin=low, vmax=high if high > low else low + 1
    )
    colours = colormaps[cmap]
    for i in range(n_rows):
        for j in range(n_columns):
            value = values[i, j]
            if not np.isfinite(value):
                label, ink = ("-inf" if value < 0 else "nan"), INK
            else:
                share = (value - low) / (high - low) if high > low else 0.5
                face = colours(share)
                label, ink = f"{value:.{decimals}f}", ink_on(face)
            ax.text(j, i, label, ha="center", va="center", fontsize=8, color=ink)
    ax.set_xticks(
        range(n_columns),
        list(columns),
        rotation=45 if n_columns > 5 else 0,
        ha="right" if n_columns > 5 else "center",
    )
    ax.set_yticks(range(n_rows), list(rows))
    ax.set_xlabel(column_title)
    ax.set_ylabel(row_title)
    ax.set_title(title, fontsize=11)
    if highlight_row is not None:
        ax.add_patch(
            FancyBboxPatch(
                (-0.5, highlight_row - 0.5),
                n_columns,
                1,
                boxstyle="square,pad=0",
                fill=False,
                edgecolor=ORANGE,
                linewidth=2.5,
            )
        )
    fig.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
    fig.tight_layout()
    return fig


# ---- 02_embedding, 03_query_key_value, 04_attention_scores (issue 3) ----


def _require_matrix(name: str, matrix: object, columns: int | None = None) -> object:
    """Return ``matrix`` as a NumPy array if it is a 2-D tensor/array of numbers, else raise."""
    import numpy as np

    values = matrix.detach().numpy() if hasattr(matrix, "detach") else matrix
    if not isinstance(values, np.ndarray) or values.ndim != 2 or values.size == 0:
        raise TypeError(
            f"{name} must be a non-empty 2-D tensor of numbers; got {describe(matrix)}."
        )
    if columns is not None and values.shape[1] != columns:
        raise ValueError(f"{name} must have {columns} columns; got shape {tuple(values.shape)}.")
    return values


def _require_labels(name: str, labels: Sequence[str], count: int) -> list[str]:
    if isinstance(labels, str) or not all(isinstance(w, str) for w in labels):
        raise TypeError(f"{name} must be a list of strings; got {describe(labels)}.")
    if len(labels) != count:
        raise ValueError(f"{name} must hold {count} labels, one per row; got {len(labels)}.")
    return list(labels)


def word_vectors_figure(
    vectors: object, words: Sequence[str], highlight: int | None = None
) -> Figure:
    """Each word's 3-number vector as a labelled point (and an arrow from 0) in 3-D.

    ``vectors`` is a 2-D tensor of shape ``(n, 3)``, one row per word of ``words``;
    ``highlight`` (a row index) draws that word in orange. Introduced in
    02_embedding.ipynb ("Picture").

    Raises:
        TypeError: ``vectors`` is not a 2-D tensor, or ``words`` not a list of strings.
        ValueError: ``vectors`` has not 3 columns, ``words`` has not one word per row,
            or ``highlight`` is out of range.
    """
    values = _require_matrix("vectors", vectors, columns=3)
    labels = _require_labels("words", words, values.shape[0])
    if highlight is not None and not 0 <= highlight < len(labels):
        raise ValueError(f"highlight must be from 0 to {len(labels) - 1}; got {highlight}.")
    fig = Figure(figsize=(6.4, 5.4))
    ax = fig.add_subplot(projection="3d")
    for row, (word, (x, y, z)) in enumerate(zip(labels, values, strict=True)):
        chosen = row == highlight
        colour = ORANGE if chosen else BLUE
        ax.plot([0, x], [0, y], [0, z], color=colour, lw=2.2 if chosen else 1, alpha=0.6)
        ax.scatter([x], [y], [z], color=colour, s=70 if chosen else 30, depthshade=False)
        ax.text(
            x,
            y,
            z,
            f" {word}",
            fontsize=11 if chosen else 9.5,
            color=INK,
            weight="bold" if chosen else "normal",
        )
    ax.scatter([0], [0], [0], color=GREY, s=12, depthshade=False)
    ax.set_xlabel("dimension 0")
    ax.set_ylabel("dimension 1")
    ax.set_zlabel("dimension 2")
    ax.view_init(elev=22, azim=-58)
    ax.set_title("Each word is a point in 3-D (an arrow from the origin)", fontsize=11)
    fig.subplots_adjust(left=0.0, right=0.95, bottom=0.03, top=0.95)
    return fig


def embedding_strip_figure(vectors: object, words: Sequence[str], chosen: int) -> Figure:
    """One number line per dimension: every word a grey dot, the ``chosen`` row in orange.

    A wide, short picture of where one word's vector lies among the others, for the
    embedding explorer. ``vectors`` is a 2-D tensor ``(n, d)``. Introduced in
    02_embedding.ipynb ("Explore").

    Raises:
        TypeError: ``vectors`` is not a 2-D tensor, or ``words`` not a list of strings.
        ValueError: ``words`` has not one word per row, or ``chosen`` is out of range.
    """
    values = _require_matrix("vectors", vectors)
    labels = _require_labels("words", words, values.shape[0])
    if isinstance(chosen, bool) or not isinstance(chosen, int) or not 0 <= chosen < len(labels):
        raise ValueError(
            f"chosen must be a row index from 0 to {len(labels) - 1}; got {describe(chosen)}."
        )
    dims = values.shape[1]
    height = 0.85 + 0.45 * dims
    fig = Figure(figsize=(8, height))
    ax = fig.add_axes((0.13, 0.45 / height, 0.84, 0.45 * dims / height))
    span = float(abs(values).max()) * 1.15
    for dim in range(dims):
        y = dims - 1 - dim
        ax.axhline(y, color="#DDDDDD", lw=1, zorder=0)
        ax.scatter(values[:, dim], [y] * len(labels), color=GREY, s=22, zorder=1)
        value = float(values[chosen, dim])
        ax.scatter([value], [y], color=ORANGE, s=80, zorder=2, edgecolor=INK, linewidth=0.6)
        ax.text(value, y + 0.22, f"{value:.4f}", ha="center", va="bottom", fontsize=9, color=INK)
    ax.axvline(0, color=GREY, lw=0.8, ls=":")
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.6, dims - 0.2)
    ax.set_yticks(range(dims), [f"dimension {d}" for d in reversed(range(dims))])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title(
        f"{labels[chosen]!r} (orange) among the other words (grey)", fontsize=10, loc="left"
    )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig


def projection_figure(
    x: object,
    weights: Mapping[str, object],
    results: Mapping[str, object],
    words: Sequence[str],
    *,
    annotate: bool = True,
) -> Figure:
    """X, each weight matrix and each product, laid out as a matrix multiplication.

    ``x`` is the ``(n, d)`` input; ``weights`` maps a name (``"W_query"``) to a ``(d, d_out)``
    matrix and ``results`` maps a name (``"query"``) to the ``(n, d_out)`` product, in the
    same order. Each weight matrix sits above its product and X sits to the left of the
    products, so entry (i, j) of a product is row i of X times column j of the matrix
    above it. With ``annotate=False`` (the explorer's small version) cells carry no
    numbers. Introduced in 03_query_key_value.ipynb ("Picture").

    Raises:
        TypeError: an argument is not a 2-D tensor, or ``words`` not a list of strings.
        ValueError: shapes do not chain (``x (n, d) @ W (d, d_out) = (n, d_out)``), or
            ``weights`` and ``results`` differ in length.
    """
    import numpy as np

    xs = _require_matrix("x", x)
    labels = _require_labels("words", words, xs.shape[0])
    if not isinstance(weights, Mapping) or not isinstance(results, Mapping):
        raise TypeError(
            f"weights and results must be dicts from a name to a matrix; got {describe(weights)} "
            f"and {describe(results)}."
        )
    if len(weights) != len(results) or not weights:
        raise ValueError(
            f"weights and results must pair up one to one; got {len(weights)} and {len(results)}."
        )
    pairs = []
    for (w_name, w), (r_name, r) in zip(weights.items(), results.items(), strict=True):
        wv = _require_matrix(w_name, w, columns=None)
        rv = _require_matrix(r_name, r, columns=None)
        if wv.shape[0] != xs.shape[1] or rv.shape != (xs.shape[0], wv.shape[1]):
            raise ValueError(
                f"{r_name} must be x @ {w_name}: x {tuple(xs.shape)} @ {w_name} "
                f"{tuple(wv.shape)} gives ({xs.shape[0]}, {wv.shape[1]}); got {r_name} "
                f"of shape {tuple(rv.shape)}."
            )
        pairs.append((w_name, wv, r_name, rv))
    n, d = xs.shape
    cw, ch = (0.5, 0.3) if annotate else (0.22, 0.09)
    left, gap, top, middle, bottom = (
        (0.95, 0.45, 0.5, 0.55, 0.2) if annotate else (0.1, 0.5, 0.3, 0.32, 0.05)
    )
    width = left + d * cw + sum(gap + wv.shape[1] * cw for _, wv, _, _ in pairs) + 0.15
    height = top + d * ch + middle + n * ch + bottom
    fig = Figure(figsize=(width, height))
    everything = np.concatenate([xs.ravel()] + [m.ravel() for p in pairs for m in (p[1], p[3])])
    low, high = float(everything.min()), float(everything.max())
    cmap = colormaps["cividis"]
    title_size = 10 if annotate else 9

    def panel(x0: float, y0: float, values: object, title: str, rows: bool) -> None:
        rows_n, cols_n = values.shape
        ax = fig.add_axes((x0 / width, y0 / height, cols_n * cw / width, rows_n * ch / height))
        ax.imshow(values, cmap=cmap, vmin=low, vmax=high, aspect="auto")
        ax.set_title(title, fontsize=title_size, pad=3)
        ax.set_xticks([])
        if rows and annotate:
            ax.set_yticks(range(rows_n), labels, fontsize=9)
        else:
            ax.set_yticks([])
        if annotate:
            for i in range(rows_n):
                for j in range(cols_n):
                    face = cmap((values[i, j] - low) / (high - low))
                    ax.text(
                        j,
                        i,
                        f"{values[i, j]:.2f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=ink_on(face),
                    )

    y_result = bottom
    y_weight = bottom + n * ch + middle
    panel(left, y_result, xs, f"X ({n}×{d})", rows=True)
    if annotate:
        fig.text(
            left / width,
            (y_weight + d * ch / 2) / height,
            "X times the matrix above\neach result gives it",
            fontsize=8.5,
            color="#666666",
            va="center",
        )
    x0 = left + d * cw
    for w_name, wv, r_name, rv in pairs:
        x0 += gap
        panel(x0, y_weight, wv, f"{w_name} ({wv.shape[0]}×{wv.shape[1]})", rows=False)
        panel(x0, y_result, rv, f"{r_name} ({rv.shape[0]}×{rv.shape[1]})", rows=False)
        x0 += wv.shape[1] * cw
    return fig


def variance_figure(dims: Sequence[int], raw: Sequence[float], scaled: Sequence[float]) -> Figure:
    """Variance of q·k for random vectors, unscaled and divided by √d_k, against d_k (log axes).

    ``dims`` are the sizes d_k tried; ``raw`` and ``scaled`` the measured variances.
    Introduced in 04_attention_scores.ipynb ("Why divide by √d_k").

    Raises:
        TypeError: an argument is not a sequence of numbers.
        ValueError: the sequences differ in length, are empty, or hold a value ≤ 0.
    """
    series = {}
    for name, seq in (("dims", dims), ("raw", raw), ("scaled", scaled)):
        if isinstance(seq, str) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name} must be a sequence of numbers; got {describe(seq)}.")
        values = [float(v) for v in seq]
        if not values or min(values) <= 0:
            raise ValueError(f"{name} must hold positive numbers (log axes); got {describe(seq)}.")
        series[name] = values
    if not len(series["dims"]) == len(series["raw"]) == len(series["scaled"]):
        raise ValueError(
            f"dims, raw and scaled must have the same length; got {len(series['dims'])}, "
            f"{len(series['raw'])} and {len(series['scaled'])}."
        )
    fig = Figure(figsize=(6.6, 4.0))
    ax = fig.add_subplot()
    d = series["dims"]
    ax.plot(d, d, color=GREY, ls="--", lw=1, label="y = d_k")
    ax.plot(d, series["raw"], "o-", color=ORANGE, label="q · k (unscaled)")
    ax.plot(d, series["scaled"], "s-", color=BLUE, label="q · k / √d_k (scaled)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(d, [str(int(v)) for v in d])
    ax.set_xlabel("d_k (length of each query and key vector)")
    ax.set_ylabel("variance of the score")
    ax.set_title("Unscaled scores spread out as d_k grows; scaled ones do not", fontsize=11)
    ax.grid(True, which="major", color="#EEEEEE")
    ax.legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def scaling_figure(raw_scores: object, d_k: int, keys: Sequence[str]) -> Figure:
    """Left: the spread of unscaled and scaled scores. Right: softmax of row 0 both ways.

    ``raw_scores`` is an ``(n, n)`` matrix of unscaled dot products of vectors of length
    ``d_k``; rows are queries, columns are keys (labelled ``keys``). Shows why dividing
    by √d_k keeps softmax from putting almost all weight on one key. Introduced in
    04_attention_scores.ipynb ("Explore").

    Raises:
        TypeError: ``raw_scores`` is not a 2-D tensor, or ``d_k`` not a positive int.
        ValueError: ``raw_scores`` is not square, or ``keys`` has not one label per column.
    """
    import numpy as np

    raw = _require_matrix("raw_scores", raw_scores)
    if raw.shape[0] != raw.shape[1]:
        raise ValueError(f"raw_scores must be square (n, n); got shape {tuple(raw.shape)}.")
    if isinstance(d_k, bool) or not isinstance(d_k, int) or d_k <= 0:
        raise TypeError(f"d_k must be a positive int; got {describe(d_k)}.")
    labels = _require_labels("keys", keys, raw.shape[1])
    scaled = raw / np.sqrt(d_k)

    def softmax_row(row: object) -> object:
        shifted = np.exp(row - row.max())
        return shifted / shifted.sum()

    fig = Figure(figsize=(8.4, 1.9))
    left = fig.add_axes((0.1, 0.27, 0.36, 0.58))
    for y, values, colour in ((1, raw, ORANGE), (0, scaled, BLUE)):
        left.scatter(values.ravel(), [y] * values.size, color=colour, s=10, alpha=0.6)
    bound = max(float(abs(raw).max()), 3.0) * 1.05
    left.set_xlim(-bound, bound)
    left.set_ylim(-0.6, 1.6)
    left.set_yticks([0, 1], ["scaled", "unscaled"])
    left.tick_params(labelsize=8)
    left.set_title(f"all {raw.size} scores, d_k = {d_k}", fontsize=9)
    right = fig.add_axes((0.56, 0.27, 0.42, 0.58))
    positions = np.arange(len(labels))
    right.bar(positions - 0.2, softmax_row(raw[0]), width=0.4, color=ORANGE, label="unscaled")
    right.bar(positions + 0.2, softmax_row(scaled[0]), width=0.4, color=BLUE, label="scaled")
    right.set_ylim(0, 1)
    right.set_xticks(positions, labels, fontsize=7.5, rotation=30, ha="right")
    right.tick_params(axis="y", labelsize=8)
    right.set_title("softmax of query 0's row over the keys", fontsize=9)
    right.legend(fontsize=7.5, frameon=False, loc="upper right", ncol=2)
    return fig


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
def _weights_heatmap_axes(
    ax: Axes, rows: list[list[float]], words: Sequence[str], query_index: int
) -> None:
    """A small unannotated heatmap of the weight ``rows`` with row ``query_index`` framed."""
    n = len(words)
    top = max(max(max(row) for row in rows), 1e-6)
    ax.imshow(rows, cmap="cividis", vmin=0.0, vmax=top, aspect="auto")
    ax.set_xticks(range(n), list(words), rotation=90, fontsize=6.5)
    ax.set_yticks(range(n), list(words), fontsize=6.5)
    ax.tick_params(length=0, pad=1)
    ax.set_title("rows = queries, columns = keys", fontsize=7)
    ax.add_patch(
        FancyBboxPatch(
            (-0.5, query_index - 0.5),
            n,
            1,
            boxstyle="square,pad=0",
            fill=False,
            edgecolor=ORANGE,
            linewidth=2,
        )
    )


def _weights_bar_axes(
    ax: Axes, row: Sequence[float], words: Sequence[str], query_word: str, fontsize: float
) -> None:
    """Bars of one query's weights over the keys, each labelled with its value."""
    positions = range(len(words))
    ax.bar(positions, row, color=BLUE, width=0.7)
    top = max(max(row), 1e-6)
    for x, weight in zip(positions, row, strict=True):
        ax.text(
            x, weight + top * 0.03, f"{weight:.2f}", ha="center", va="bottom", fontsize=fontsize
        )
    ax.set_ylim(0, top * 1.25)
    ax.set_xticks(list(positions), list(words), fontsize=fontsize + 1)
    ax.set_xlim(-0.6, len(words) - 0.4)
    ax.tick_params(axis="y", labelsize=fontsize)
    ax.spines[["top", "right"]].set_visible(False)


def _check_weights(weights: object, words: Sequence[str], query_index: int) -> list[list[float]]:
    import torch

    if not isinstance(weights, torch.Tensor) or weights.dim() != 2:
        raise TypeError(f"weights must be a 2-D tensor (queries x keys); got {describe(weights)}.")
    n_rows, n_columns = weights.shape
    if isinstance(words, str) or len(words) != n_columns or n_rows != n_columns:
        raise ValueError(
            f"weights must be square with one row and column per word; got shape "
            f"{tuple(weights.shape)} for {len(words)} words."
        )
    require_index("query_index", query_index, n_rows)
    return weights.detach().tolist()


def weights_bar_figure(weights: object, words: Sequence[str], query_index: int) -> Figure:
    """One query word's attention weights over all the words (keys), as labelled bars.

    ``weights`` is the square ``(n, n)`` weight matrix (rows = queries, columns = keys);
    the bars are its row ``query_index``. Introduced in 05_softmax_weights.ipynb ("Picture").

    Raises:
        TypeError: ``weights`` is not a 2-D tensor, or ``query_index`` not an int.
        ValueError: ``weights`` is not one row and column per word, or ``query_index`` is
            out of range.
    """
    row = _check_weights(weights, words, query_index)[query_index]
    fig = Figure(figsize=(7.5, 2.6))
    ax = fig.add_subplot()
    _weights_bar_axes(ax, row, words, words[query_index], fontsize=8)
    ax.set_xlabel("key word (the word attended to)")
    ax.set_ylabel("attention weight")
    ax.set_title(
        f"How query '{words[query_index]}' spreads its attention (the weights sum to 1)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def weights_explorer_figure(
    weights: object, words: Sequence[str], query_index: int, caption: str = ""
) -> Figure:
    """Compact, for an explorer: the weight matrix (row ``query_index`` framed) and that row as bars.

    Drawn 130 px high to fit an explorer's picture. ``caption`` goes above the bars.
    Introduced in 05_softmax_weights.ipynb ("Explore"); 07's sentence explorer uses it too.

    Raises:
        TypeError, ValueError: as :func:`weights_bar_figure`.
    """
    rows = _check_weights(weights, words, query_index)
    row = rows[query_index]
    n = len(words)
    fig = Figure(figsize=(9.0, 1.3))
    grid = fig.add_gridspec(
        1, 2, width_ratios=(1.0, 4.2), left=0.06, right=0.99, bottom=0.24, top=0.85, wspace=0.12
    )
    _weights_heatmap_axes(fig.add_subplot(grid[0]), rows, words, query_index)
    bars = fig.add_subplot(grid[1])
    _weights_bar_axes(bars, row, words, words[query_index], fontsize=6.5 if n > 9 else 7)
    bars.set_title(caption or f"weights of query '{words[query_index]}'", fontsize=7.5)
    return fig


def contributions_figure(
    weights: object, value: object, words: Sequence[str], query_index: int, compact: bool = False
) -> Figure:
    """How one context vector is built: weight × value row for every word, then the sum.

    Left: a ``d_v × n`` grid whose column ``j`` is ``weights[query_index, j] * value[j]``
    (word ``j``'s contribution); right: their sum across each row, the context vector.
    Colours: orange positive, purple negative (PuOr, colour-blind safe); numbers printed in
    each cell. ``compact=True`` draws it 130 px high for an explorer.
    Introduced in 06_context_vectors.ipynb ("Picture" and "Explore").

    Raises:
        TypeError: ``weights`` or ``value`` is not a 2-D tensor.
        ValueError: shapes do not match ``words``, or ``query_index`` is out of range.
    """
    import numpy as np
    import torch
    from matplotlib.colors import TwoSlopeNorm

    row = _check_weights(weights, words, query_index)[query_index]
    if not isinstance(value, torch.Tensor) or value.dim() != 2 or value.shape[0] != len(words):
        raise ValueError(
            f"value must be a 2-D tensor with one row per word ({len(words)}); got {describe(value)}."
        )
    values = value.detach().numpy()
    parts = (np.asarray(row)[:, None] * values).T  # (d_v, n)
    context = parts.sum(axis=1, keepdims=True)  # (d_v, 1)
    d_v, n = parts.shape
    height, font = (1.3, 6.5) if compact else (2.7, 8.0)
    fig = Figure(figsize=(9.0, height))
    bottom, top = (0.27, 0.84) if compact else (0.2, 0.86)
    grid = fig.add_gridspec(
        1, 2, width_ratios=(n, 1.25), left=0.07, right=0.99, bottom=bottom, top=top, wspace=0.08
    )
    word = words[query_index]
    for panel, (matrix, title) in enumerate(
        (
            (
                parts,
                f"each word's contribution to the context vector of '{word}': its weight × its value row",
            ),
            (context, "= context"),
        )
    ):
        ax = fig.add_subplot(grid[panel])
        limit = max(float(np.abs(matrix).max()), 1e-6)
        ax.imshow(matrix, cmap="PuOr_r", norm=TwoSlopeNorm(0.0, -limit, limit), aspect="auto")
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                strong = abs(matrix[i, j]) > 0.6 * limit
                label = f"{matrix[i, j]:.2f}".replace("-0.00", "0.00")
                ax.text(
                    j,
                    i,
                    label,
                    ha="center",
                    va="center",
                    fontsize=font,
                    color="white" if strong else INK,
                )
        ax.set_title(title, fontsize=font + 0.5)
        ax.tick_params(length=0, pad=1)
        if panel == 0:
            ax.set_xticks(
                range(n),
                [f"{w}\n×{weight:.2f}" for w, weight in zip(words, row, strict=True)],
                fontsize=font,
            )
            ax.set_yticks(range(d_v), [f"dim {k + 1}" for k in range(d_v)], fontsize=font)
        else:
            ax.set_xticks([0], [f"'{word}'"], fontsize=font)
            ax.set_yticks([])
    return fig


def pipeline_summary_figure(shapes: Mapping[str, tuple[int, ...]] | None = None) -> Figure:
    """The whole of self-attention on one page: each tensor with its shape and formula.

    ``shapes`` maps ``X, Q, K, V, S, A, Z`` to shapes (default: the course sentence,
    n = 9, d = 3, d_q = d_k = 2, d_v = 4). Introduced in 07_self_attention_module.ipynb
    ("The whole pipeline on one page").

    Raises:
        TypeError: ``shapes`` is not a dict from a tensor's name to a tuple of positive ints.
        ValueError: ``shapes`` names a tensor not in the picture.
    """
    n, d, d_k, d_v = 9, 3, 2, 4
    default = {
        "X": (n, d),
        "Q": (n, d_k),
        "K": (n, d_k),
        "V": (n, d_v),
        "S": (n, n),
        "A": (n, n),
        "Z": (n, d_v),
    }
    if shapes is not None and not isinstance(shapes, Mapping):
        raise TypeError(
            f"shapes must be a dict from a tensor's name to its shape; got {describe(shapes)}."
        )
    for name, shape in (shapes or {}).items():
        if name not in default:
            raise ValueError(f"shapes must name tensors among {list(default)}; got {name!r}.")
        if not isinstance(shape, tuple) or not all(
            isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in shape
        ):
            raise TypeError(
                f"shapes[{name!r}] must be a tuple of positive ints; got {describe(shape)}."
            )
    shapes = {**default, **(shapes or {})}
    boxes = [
        ("X", "embedded words", r"$X$", "steps 1-2"),
        ("Q", "queries", r"$Q = X W_Q$", "step 3"),
        ("K", "keys", r"$K = X W_K$", ""),
        ("V", "values", r"$V = X W_V$", ""),
        ("S", "scores", r"$S = Q K^{\top} / \sqrt{d_k}$", "step 4"),
        ("A", "weights", r"$A = \mathrm{softmax}_{\mathrm{row}}(S)$", "step 5"),
        ("Z", "context vectors", r"$Z = A V$", "step 6"),
    ]
    places = {"X": (0.6, 1.0), "Q": (2.45, 1.75), "K": (2.45, 1.0), "V": (2.45, 0.25),
              "S": (4.4, 1.4), "A": (6.35, 1.4), "Z": (8.3, 0.8)}  # fmt: skip
    fig = Figure(figsize=(10, 3.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.4, 9.4)
    ax.set_ylim(-0.45, 2.45)
    ax.axis("off")
    for name, label, formula, step in boxes:
        x, y = places[name]
        face = BLUE if name == "Z" else "#D6EAF8"
        ink = "white" if name == "Z" else INK
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.8, y - 0.3),
                1.6,
                0.6,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor=BLUE,
                linewidth=1.5,
            )
        )
        shape = " × ".join(map(str, shapes[name]))
        ax.text(x, y + 0.1, formula, ha="center", va="center", fontsize=10, color=ink)
        ax.text(x, y - 0.17, f"{label}  ({shape})", ha="center", va="center", fontsize=8, color=ink)
        if step:
            ax.text(
                x,
                y + 0.4,
                step,
                ha="center",
                va="center",
                fontsize=7.5,
                color="#666666",
                style="italic",
            )
    arrows = [
        ("X", "Q"),
        ("X", "K"),
        ("X", "V"),
        ("Q", "S"),
        ("K", "S"),
        ("S", "A"),
        ("A", "Z"),
        ("V", "Z"),
    ]
    for start, end in arrows:
        (x0, y0), (x1, y1) = places[start], places[end]
        ax.annotate(
            "",
            xy=(x1 - 0.82, y1),
            xytext=(x0 + 0.82, y0),
            arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.3},
        )
    ax.text(
        4.5,
        -0.3,
        r"learned: $W_Q, W_K, W_V$ (the module's parameters)    "
        r"computed: everything else",
        ha="center",
        va="center",
        fontsize=8.5,
        color=INK,
    )
    return fig
