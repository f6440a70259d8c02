"""One picture description, rendered three ways (introduced in 01_vocabulary.ipynb, "Explore").

A lesson describes a picture once, as data (a :class:`Heatmap`, the charts of
``helpers.ui.charts``, several in a :class:`Row`); it renders to HTML for a live explorer
(``html()``), to a matplotlib :func:`figure` and to text (``description``, what nbval compares),
all from the same fields, so all three show the same numbers. Colours are colour-blind safe.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
GREY = "#999999"
INK = "#222222"
MUTED = "#666666"
UNKNOWN = "#DDDDDD"
BLOCKED = "#D9D9D9"
FONT = "font-family: sans-serif; font-size: 11px; color: #222222;"
HATCH = "repeating-linear-gradient(45deg,#D9D9D9 0 2px,#F4F4F4 2px 5px)"
PX = 1 / 72  # inches per HTML pixel: figures are sized from the HTML's cell sizes

Palette = Literal["cividis", "diverging"]


def ink_on(face: Sequence[float]) -> str:
    """Dark or white text, whichever reads better on the RGB(A) colour ``face`` (0 to 1)."""
    luminance = 0.299 * face[0] + 0.587 * face[1] + 0.114 * face[2]
    return INK if luminance > 0.5 else "white"


def colour_map(palette: Palette) -> str:
    """The matplotlib colour map behind ``palette``."""
    return "cividis" if palette == "cividis" else "PuOr_r"


@functools.cache
def _colours(palette: Palette) -> tuple[tuple[str, str], ...]:
    """256 (background, ink) pairs along the palette's colour map, computed once."""
    from matplotlib import colormaps

    faces = [colormaps[colour_map(palette)](step / 255) for step in range(256)]
    return tuple(
        ("#{:02X}{:02X}{:02X}".format(*(round(255 * c) for c in face[:3])), ink_on(face))
        for face in faces
    )


def colour(value: float, low: float, high: float, palette: Palette = "cividis") -> tuple[str, str]:
    """The (background, ink) colours of ``value`` from ``low`` to ``high`` (diverging: 0 white)."""
    if palette == "diverging":
        limit = max(abs(low), abs(high), 1e-12)
        share = (value / limit + 1) / 2
    else:
        share = (value - low) / (high - low) if high > low else 0.5
    return _colours(palette)[min(255, max(0, round(share * 255)))]


def html_picture(description: str, body: str, style: str = "") -> str:
    label = html.escape(description)
    return f'<div role="img" aria-label="{label}" style="{FONT}{style}">{body}</div>'


def title_html(title: str) -> str:
    style = "font-size:11px;margin-bottom:2px"
    return f'<div style="{style}">{html.escape(title)}</div>' if title else ""


def number_text(value: float, number_format: str | None) -> str:
    return "" if number_format is None else format(value, number_format).replace("-0.00", "0.00")


def axes_off(ax: Any, title: str, fontsize: float = 9) -> None:
    ax.set_title(title, fontsize=fontsize, loc="left")
    ax.spines[["top", "right", "left"]].set_visible(False)


@dataclass(frozen=True)
class Heatmap:
    """A matrix as coloured cells; ``framed_row`` is framed orange, ``blocked`` cells marked ×."""

    values: list[list[float]]
    description: str
    rows: list[str] | None = None
    columns: list[str] | None = None
    title: str = ""
    framed_row: int | None = None
    number_format: str | None = None
    palette: Palette = "cividis"
    low: float | None = None
    high: float | None = None
    cell: tuple[int, int] = (18, 10)
    blocked: list[list[bool]] | None = None
    row_title: str = ""
    column_title: str = ""
    colorbar: bool = False

    def scale(self) -> tuple[float, float]:
        flat = [v for row in self.values for v in row]
        low = min(flat) if self.low is None else float(self.low)
        high = max(flat) if self.high is None else float(self.high)
        if self.palette == "diverging":
            limit = max(abs(low), abs(high), 1e-12)
            return -limit, limit
        return low, high

    def is_blocked(self, i: int, j: int) -> bool:
        return self.blocked is not None and self.blocked[i][j]

    def cell_text(self, i: int, j: int) -> str:
        """What cell (i, j) shows: its number, or × where it is blocked."""
        return "×" if self.is_blocked(i, j) else number_text(self.values[i][j], self.number_format)

    def html(self) -> str:
        low, high = self.scale()
        width, height = self.cell
        parts = ['<table style="border-collapse:collapse;line-height:1">']
        if self.columns is not None:
            parts.append("<tr>" + ("<td></td>" if self.rows is not None else ""))
            head = "padding:0 1px 2px;text-align:center;vertical-align:bottom;font-size:10px;"
            for label in self.columns:
                parts.append(f'<td style="{head}white-space:pre">{html.escape(label)}</td>')
            parts.append("</tr>")
        for i, row in enumerate(self.values):
            framed = i == self.framed_row
            frame = f"outline:2px solid {ORANGE};outline-offset:-1px;" if framed else ""
            parts.append(f'<tr style="{frame}">')
            if self.rows is not None:
                weight = "font-weight:bold;" if framed else ""
                parts.append(
                    f'<td style="padding:0 4px 0 0;text-align:right;font-size:10px;{weight}">'
                    f"{html.escape(self.rows[i])}</td>"
                )
            for j, value in enumerate(row):
                if self.is_blocked(i, j):
                    background, ink = HATCH, MUTED
                else:
                    background, ink = colour(value, low, high, self.palette)
                parts.append(
                    f'<td style="background:{background};color:{ink};min-width:{width}px;'
                    f'height:{height}px;padding:0 2px;text-align:center;font-size:10px">'
                    f"{self.cell_text(i, j)}</td>"
                )
            parts.append("</tr>")
        parts.append("</table>")
        return html_picture(self.description, title_html(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        label = max((len(r) for r in self.rows or []), default=0)
        width = max(self.cell[0], 26) * len(self.values[0]) * PX * 1.6 + 0.1 * label + 0.4
        height = max(self.cell[1], 14) * len(self.values) * PX * 1.6 + 0.9
        return width + (0.6 if self.colorbar else 0), height

    def draw(self, ax: Any) -> None:
        import numpy as np
        import seaborn as sns
        from matplotlib.patches import Rectangle

        low, high = self.scale()
        n_rows, n_columns = len(self.values), len(self.values[0])
        labels = [[self.cell_text(i, j) for j in range(n_columns)] for i in range(n_rows)]
        sns.heatmap(
            np.array(self.values, dtype=float),
            ax=ax,
            cmap=colour_map(self.palette),
            vmin=low,
            vmax=high if high > low else low + 1,
            mask=None if self.blocked is None else np.array(self.blocked, dtype=bool),
            annot=np.array(labels, dtype=object) if self.number_format else False,
            fmt="",
            annot_kws={"fontsize": 7.5},
            cbar=self.colorbar,
            xticklabels=list(self.columns) if self.columns is not None else False,
            yticklabels=list(self.rows) if self.rows is not None else False,
            linewidths=0.5,
        )
        ax.tick_params(length=0, labelsize=8)
        ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
        if self.columns is not None and n_columns > 5 and not any("\n" in c for c in self.columns):
            ax.set_xticklabels(ax.get_xticklabels(), rotation=45, ha="right")
        blocked = [(i, j) for i in range(n_rows) for j in range(n_columns) if self.is_blocked(i, j)]
        hatched = {"facecolor": "#F4F4F4", "edgecolor": BLOCKED, "hatch": "///", "lw": 0}
        for i, j in blocked:
            ax.add_patch(Rectangle((j, i), 1, 1, **hatched))
            ax.text(j + 0.5, i + 0.5, "×", ha="center", va="center", fontsize=7, color=MUTED)
        if self.framed_row is not None:
            frame = {"fill": False, "edgecolor": ORANGE, "lw": 2.5, "clip_on": False}
            ax.add_patch(Rectangle((0, self.framed_row), n_columns, 1, **frame))
        ax.set(xlabel=self.column_title, ylabel=self.row_title)
        ax.set_title(self.title, fontsize=9)


@dataclass(frozen=True)
class Message:
    """A picture holding only ``text``: what an explorer shows when there is nothing to draw."""

    text: str

    @property
    def description(self) -> str:
        return self.text

    def html(self) -> str:
        style = f"color:{MUTED};font-size:13px;padding:40px 0 0 120px"
        return html_picture(self.text, f'<div style="{style}">{html.escape(self.text)}</div>')

    def size(self) -> tuple[float, float]:
        return 4.0, 1.55

    def draw(self, ax: Any) -> None:
        ax.axis("off")
        ax.text(0.5, 0.5, self.text, ha="center", va="center", fontsize=11, color=MUTED)


class Picture(Protocol):
    """What every picture description has: a text version, HTML, a size and a drawing."""

    description: str

    def html(self) -> str: ...
    def size(self) -> tuple[float, float]: ...
    def draw(self, ax: Any) -> None: ...


@dataclass(frozen=True)
class Sign:
    """An operator between two pictures of a :class:`Row`, such as ``@`` or ``=``."""

    text: str
    description: str = ""

    def html(self) -> str:
        style = f"font-size:16px;color:{MUTED};align-self:center"
        return f'<div style="{style}">{html.escape(self.text)}</div>'

    def size(self) -> tuple[float, float]:
        return 0.35, 1.0

    def draw(self, ax: Any) -> None:
        ax.axis("off")
        ax.text(0.5, 0.5, self.text, ha="center", va="center", fontsize=14, color=MUTED)


@dataclass(frozen=True)
class Row:
    """Pictures side by side, top-aligned (``rows_to_scale``: heatmap rows equally tall)."""

    parts: tuple[Picture | Sign, ...]
    gap: int = 24
    rows_to_scale: bool = False

    @property
    def description(self) -> str:
        return " ".join(part.description for part in self.parts if part.description)

    def html(self) -> str:
        parts = "".join(part.html() for part in self.parts)
        return f'<div style="display:flex;align-items:flex-start;gap:{self.gap}px">{parts}</div>'


def figure(picture: Picture | Row) -> Any:
    """``picture`` drawn with matplotlib (seaborn for heatmaps), panels side by side."""
    from matplotlib.figure import Figure

    parts = picture.parts if isinstance(picture, Row) else (picture,)
    widths, heights = zip(*(part.size() for part in parts), strict=True)
    fig = Figure(figsize=(min(sum(widths), 11.0), max(heights)))
    axes = [fig.add_subplot(spec) for spec in fig.add_gridspec(1, len(parts), width_ratios=widths)]
    for part, ax in zip(parts, axes, strict=True):
        part.draw(ax)
    fig.tight_layout()
    if isinstance(picture, Row) and picture.rows_to_scale:
        tallest = max(len(p.values) for p in parts if isinstance(p, Heatmap))
        for part, ax in zip(parts, axes, strict=True):
            if isinstance(part, Heatmap) and len(part.values) < tallest:
                box = ax.get_position()
                height = box.height * len(part.values) / tallest
                ax.set_position((box.x0, box.y1 - height, box.width, height))
    return fig
