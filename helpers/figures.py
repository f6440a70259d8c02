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

from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers._validate import describe

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
    for index, name in enumerate(STEPS, start=1):
        if index < step:
            face, edge, ink = "#D6EAF8", SKY, INK
        elif index == step:
            face, edge, ink = BLUE, BLUE, "white"
        else:
            face, edge, ink = "white", GREY, "#666666"
        x = index - 1
        ax.add_patch(
            FancyBboxPatch(
                (x + 0.08, 0.15),
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
            0.55,
            f"{index}. {name}",
            ha="center",
            va="center",
            fontsize=9.5,
            color=ink,
            weight="bold" if index == step else "normal",
        )
        if index < len(STEPS):
            ax.annotate(
                "",
                xy=(x + 1.1, 0.55),
                xytext=(x + 0.9, 0.55),
                arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.5},
            )
    ax.text(
        step - 0.5,
        1.15,
        "you are here",
        ha="center",
        va="center",
        fontsize=9,
        color=BLUE,
        style="italic",
    )
    return fig


def show_pipeline(step: int) -> None:
    """Show :func:`pipeline_figure` for ``step`` with a one-line text version."""
    _check_step(step)
    name = STEPS[step - 1].replace("\n", " ")
    show(
        pipeline_figure(step),
        f"The seven steps of self-attention; this lesson is step {step} of {len(STEPS)}: {name}.",
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
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise TypeError(f"words must be a list of strings; got {describe(words)}.")
    if isinstance(ids, str):
        raise TypeError(f"ids must be a list or 1-D tensor of ints; got {describe(ids)}.")
    ids = list(ids.tolist() if hasattr(ids, "tolist") else ids)
    if not all(i is None or (isinstance(i, int) and not isinstance(i, bool)) for i in ids):
        raise TypeError(f"ids must hold ints (or None for unknown words); got {describe(ids)}.")
    if not words:
        raise ValueError("words must hold at least one word; got an empty list.")
    if len(words) != len(ids):
        raise ValueError(
            f"words and ids must have the same length; got {len(words)} words and {len(ids)} ids."
        )
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
            luminance = 0.299 * face[0] + 0.587 * face[1] + 0.114 * face[2]
            ink, label = (INK if luminance > 0.5 else "white"), str(token_id)
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
        raise ValueError(f"words holds words missing from vocabulary: {unknown}.")
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
        luminance = 0.299 * face[0] + 0.587 * face[1] + 0.114 * face[2]
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
            color=INK if luminance > 0.5 else "white",
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
                luminance = 0.299 * face[0] + 0.587 * face[1] + 0.114 * face[2]
                label, ink = f"{value:.{decimals}f}", (INK if luminance > 0.5 else "white")
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


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
