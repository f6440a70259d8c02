"""Showing pictures in a lesson (introduced in 01_vocabulary.ipynb, "Where we are").

Figures are ``matplotlib.figure.Figure`` objects, never ``pyplot`` (no global state).
:func:`show` displays one as a deterministic PNG with its text version, what nbval compares.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers._validate import describe
from helpers.course import CORE, LESSONS, lesson
from helpers.ui.pictures import BLUE, GREY, INK, SKY, Heatmap, Picture, Row, figure

DPI = 100


def render_png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes, with no metadata that changes between versions or runs."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def show(picture: Figure | Picture | Row, description: str | None = None) -> None:
    """Display ``picture`` as a PNG with ``description`` (a picture description brings its own,
    a ``Figure`` needs one) as its text version. Introduced in 01_vocabulary.ipynb."""
    from IPython.display import display

    if not isinstance(picture, Figure):
        if not hasattr(picture, "draw") and not isinstance(picture, Row):
            raise TypeError(
                "picture must be a matplotlib Figure or a picture description "
                f"(helpers.ui.pictures); got {describe(picture)}."
            )
        description = description or picture.description
        picture = figure(picture)
    if not isinstance(description, str) or not description.strip():
        raise ValueError(
            "description must be a sentence saying what the figure shows; "
            f"got {describe(description)}."
        )
    png = base64.b64encode(render_png(picture)).decode("ascii")
    display({"image/png": png, "text/plain": description}, raw=True)


def heatmap_figure(
    matrix: Any,
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
    """A labelled heatmap of a 2-D tensor with every value printed; ``highlight_row`` is framed
    orange, ``-inf`` (a masked score) shows on a grey cell. Introduced in 02_embedding.ipynb."""
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
    finite = np.isfinite(values)
    picture = Heatmap(
        values=np.where(finite, values, 0.0).tolist(),
        description=title,
        rows=list(rows),
        columns=list(columns),
        title=title,
        framed_row=highlight_row,
        number_format=f".{decimals}f",
        palette="diverging" if cmap == "PuOr" else "cividis",
        low=float(values[finite].min()) if finite.any() else 0.0,
        high=float(values[finite].max()) if finite.any() else 1.0,
        blocked=None if finite.all() else (~finite).tolist(),
        row_title=row_title,
        column_title=column_title,
        colorbar=True,
        cell=(34, 18),
    )
    fig = figure(picture)
    for text in fig.axes[0].texts:  # say what a blocked cell holds: -inf, the mask's mark
        if text.get_text() == "×":
            text.set_text("-inf")
    return fig


def _box_row(
    ax: Any, names: Sequence[str], current: int, y: float, first_number: int, size: float = 9.5
) -> None:
    """``names`` as numbered boxes joined by arrows: done pale blue, current dark blue."""
    for index, name in enumerate(names, start=1):
        if current == 0 or index < current:
            face, edge, ink = "#D6EAF8", SKY, INK
        elif index == current:
            face, edge, ink = BLUE, BLUE, "white"
        else:
            face, edge, ink = "white", GREY, "#666666"
        x = index - 1
        ax.add_patch(
            FancyBboxPatch((x + 0.08, y + 0.15), 0.84, 0.8, facecolor=face, edgecolor=edge,
                           boxstyle="round,pad=0.0,rounding_size=0.08", linewidth=2)
        )  # fmt: skip
        ax.text(x + 0.5, y + 0.55, f"{index + first_number - 1}. {name}", ha="center",
                va="center", fontsize=size, color=ink,
                weight="bold" if index == current else "normal")  # fmt: skip
        if index < len(names):
            ax.annotate("", xy=(x + 1.1, y + 0.55), xytext=(x + 0.9, y + 0.55),
                        arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.5})  # fmt: skip


def pipeline_figure(number: int) -> Figure:
    """The course as rows of boxes, lesson ``number`` highlighted (beyond 7: below the seven)."""
    core = [row.name for row in LESSONS if row.core]
    beyond = [row.name for row in LESSONS if not row.core]
    here = lesson(number)
    height = 1.35 if here.core else 2.6
    fig = Figure(figsize=(10, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, len(core) if here.core else max(len(core), len(beyond))), ylim=(0, height))
    ax.axis("off")
    if here.core:
        _box_row(ax, core, number, 0.0, 1)
        x, y = number - 0.5, 1.15
    else:
        size = 9.5 * min(1.0, len(core) / len(beyond))  # more boxes in a row: smaller text
        ax.text(0.1, 2.45, "The article's seven steps", fontsize=9, color=INK, va="center")
        _box_row(ax, core, 0, 1.3, 1, size)
        ax.text(0.1, 1.15, "Beyond the article", fontsize=9, color=INK, va="center")
        _box_row(ax, beyond, number - CORE, -0.05, CORE + 1, size)
        x, y = number - CORE - 0.5, 0.99  # just above its box, below the row's title
    ax.text(x, y, "you are here", ha="center", va="center", fontsize=9, color=BLUE, style="italic")
    return fig


def _lesson_name(name: str, number: object, first: int, last: int) -> str:
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"{name} must be an int from {first} to {last}; got {describe(number)}.")
    if not first <= number <= last:
        raise ValueError(f"{name} must be from {first} to {last}; got {number}.")
    return lesson(number).name.replace("\n", " ")


def show_pipeline(step: int) -> None:
    """Show where core lesson ``step`` (1-7) sits among the article's seven steps."""
    name = _lesson_name("step", step, 1, CORE)
    show(
        pipeline_figure(step),
        f"The seven steps of self-attention; this lesson is step {step} of {CORE}: {name}.",
    )


def show_beyond(number: int) -> None:
    """Show where lesson ``number`` (8 on) sits among the lessons beyond the article."""
    name = _lesson_name("lesson", number, CORE + 1, LESSONS[-1].number)
    beyond = len([row for row in LESSONS if not row.core])
    show(
        pipeline_figure(number),
        f"After the article's seven steps come {beyond} lessons beyond it; "
        f"this is lesson {number}: {name}.",
    )
