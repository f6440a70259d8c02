"""One picture description, rendered three ways (introduced in 01_vocabulary.ipynb, "Explore").

A lesson describes a picture once, as data: a :class:`Heatmap`, :class:`Bars`,
:class:`NumberLines`, :class:`TokenBoxes` or :class:`Message`, or several side by side in
a :class:`Row`. Every description renders

* to HTML (``html()``), for a live explorer: a few dozen ``<td>`` and ``<div>`` elements
  are built in well under a millisecond, so the page answers a control within 100 ms
  (a matplotlib PNG takes 40-200 ms);
* to a matplotlib figure (:func:`figure`; heatmaps drawn by ``seaborn.heatmap``), for the
  static picture and the explorer's snapshot, which readers without a kernel see;
* to text (``description``), what nbval compares and what a screen reader says.

All three read the same fields, and every number is formatted by the same ``cell_text``
of the description, so the HTML and the figure show the same numbers by construction
(``tests/test_pictures.py`` checks it for every explorer). Every label is escaped in the
HTML: learners type the sentences whose words become labels. Colours are colour-blind
safe: cividis for magnitudes, PuOr for signed numbers, Okabe-Ito for marks.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

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
PX = 1 / 72
"""Inches per HTML pixel: figures are sized from the same cell sizes as the HTML."""

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

    cmap = colormaps[colour_map(palette)]
    pairs = []
    for step in range(256):
        face = cmap(step / 255)
        background = "#{:02X}{:02X}{:02X}".format(*(round(255 * c) for c in face[:3]))
        pairs.append((background, ink_on(face)))
    return tuple(pairs)


def colour(value: float, low: float, high: float, palette: Palette = "cividis") -> tuple[str, str]:
    """The (background, ink) colours of ``value`` on a scale from ``low`` to ``high``.

    ``"diverging"`` centres the scale on 0 (white) with ``±max(|low|, |high|)`` at the ends.
    """
    if palette == "diverging":
        limit = max(abs(low), abs(high), 1e-12)
        share = (value / limit + 1) / 2
    else:
        share = (value - low) / (high - low) if high > low else 0.5
    return _colours(palette)[min(255, max(0, round(share * 255)))]


def _frame(description: str, body: str, style: str = "") -> str:
    label = html.escape(description)
    return f'<div role="img" aria-label="{label}" style="{FONT}{style}">{body}</div>'


def _title(title: str) -> str:
    return (
        f'<div style="font-size:11px;margin-bottom:2px">{html.escape(title)}</div>' if title else ""
    )


def _number(value: float, number_format: str | None) -> str:
    if number_format is None:
        return ""
    return format(value, number_format).replace("-0.00", "0.00")


def _axes_off(ax: Any, title: str, fontsize: float = 9) -> None:
    ax.set_title(title, fontsize=fontsize, loc="left")
    ax.spines[["top", "right", "left"]].set_visible(False)


@dataclass(frozen=True)
class Heatmap:
    """A matrix as coloured cells: rows labelled on the left, columns on top.

    ``number_format`` (e.g. ``".2f"``) prints each number in its cell. ``framed_row`` gets
    an orange frame (the chosen query); ``blocked`` cells (a mask's ``True``) are striped
    grey and marked ``×``. ``low``/``high`` fix the colour scale (default: the values'
    own range); ``cell`` is (width, height) in pixels.
    """

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
        if self.is_blocked(i, j):
            return "×"
        return _number(self.values[i][j], self.number_format)

    def html(self) -> str:
        low, high = self.scale()
        width, height = self.cell
        parts = ['<table style="border-collapse:collapse;line-height:1">']
        if self.columns is not None:
            parts.append("<tr>" + ("<td></td>" if self.rows is not None else ""))
            for label in self.columns:
                parts.append(
                    '<td style="padding:0 1px 2px;text-align:center;vertical-align:bottom;'
                    f'font-size:10px;white-space:pre">{html.escape(label)}</td>'
                )
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
        return _frame(self.description, _title(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        n_rows, n_columns = len(self.values), len(self.values[0])
        label = max((len(r) for r in self.rows or []), default=0)
        width = max(self.cell[0], 26) * n_columns * PX * 1.6 + 0.1 * label + 0.4
        height = max(self.cell[1], 14) * n_rows * PX * 1.6 + 0.9
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
            linecolor="white",
            square=False,
        )
        ax.tick_params(length=0, labelsize=8)
        ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
        if self.columns is not None and n_columns > 5 and not any("\n" in c for c in self.columns):
            ax.set_xticklabels(ax.get_xticklabels(), rotation=45, ha="right")
        for i in range(n_rows):
            for j in range(n_columns):
                if self.is_blocked(i, j):
                    ax.add_patch(
                        Rectangle((j, i), 1, 1, facecolor="#F4F4F4", edgecolor=BLOCKED,
                                  hatch="///", lw=0)
                    )  # fmt: skip
                    ax.text(j + 0.5, i + 0.5, "×", ha="center", va="center", fontsize=7,
                            color=MUTED)  # fmt: skip
        if self.framed_row is not None:
            ax.add_patch(
                Rectangle((0, self.framed_row), n_columns, 1, fill=False, edgecolor=ORANGE,
                          lw=2.5, clip_on=False)
            )  # fmt: skip
        ax.set_xlabel(self.column_title)
        ax.set_ylabel(self.row_title)
        ax.set_title(self.title, fontsize=9)


@dataclass(frozen=True)
class Bars:
    """Vertical bars, one group per label and one bar per series, each value printed above.

    ``series`` maps a name (shown in a legend when there are several) to one number ≥ 0
    per label; ``top`` is the value of a full-height bar (default: the largest).
    """

    labels: list[str]
    series: dict[str, list[float]]
    description: str
    title: str = ""
    colours: tuple[str, ...] = (BLUE, ORANGE)
    top: float | None = None
    number_format: str | None = ".2f"
    bar_height: int = 60

    def full(self) -> float:
        if self.top is not None:
            return self.top
        return max([v for values in self.series.values() for v in values] + [1e-12])

    def html(self) -> str:
        top = self.full()
        bar_width = 22 if len(self.series) == 1 else 13
        parts = []
        if len(self.series) > 1:
            keys = "".join(
                f'<span style="margin-right:10px"><span style="display:inline-block;width:9px;'
                f'height:9px;background:{self.colours[k % len(self.colours)]}"></span> '
                f"{html.escape(name)}</span>"
                for k, name in enumerate(self.series)
            )
            parts.append(f'<div style="font-size:10px;margin-bottom:2px">{keys}</div>')
        parts.append('<div style="display:flex;align-items:flex-end;gap:6px">')
        for j, label in enumerate(self.labels):
            parts.append('<div style="display:flex;flex-direction:column;align-items:center">')
            parts.append(
                '<div style="display:flex;align-items:flex-end;gap:1px;'
                f'height:{self.bar_height + 12}px">'
            )
            for k, values in enumerate(self.series.values()):
                size = round(self.bar_height * min(values[j], top) / top)
                parts.append(
                    '<div style="display:flex;flex-direction:column;align-items:center">'
                    f'<span style="font-size:9px">{_number(values[j], self.number_format)}</span>'
                    f'<div style="width:{bar_width}px;height:{size}px;'
                    f'background:{self.colours[k % len(self.colours)]}"></div></div>'
                )
            parts.append(
                f'</div><div style="font-size:10px;max-width:60px;overflow:hidden;'
                f'text-overflow:ellipsis;white-space:nowrap">{html.escape(label)}</div></div>'
            )
        parts.append("</div>")
        return _frame(self.description, _title(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        return 0.55 * len(self.labels) * max(1, len(self.series) * 0.7) + 0.6, 2.0

    def draw(self, ax: Any) -> None:
        top = self.full()
        count = len(self.series)
        width = 0.8 / count
        for k, (name, values) in enumerate(self.series.items()):
            xs = [j + (k - (count - 1) / 2) * width for j in range(len(self.labels))]
            colour_k = self.colours[k % len(self.colours)]
            ax.bar(xs, [min(v, top) for v in values], width=width * 0.95, color=colour_k,
                   label=name)  # fmt: skip
            for x, value in zip(xs, values, strict=True):
                ax.text(x, min(value, top) + top * 0.03, _number(value, self.number_format),
                        ha="center", va="bottom", fontsize=7)  # fmt: skip
        ax.set_ylim(0, top * 1.25)
        ax.set_xticks(range(len(self.labels)), self.labels, fontsize=8)
        ax.set_yticks([])
        if count > 1:
            ax.legend(fontsize=7, frameon=False, loc="upper right")
        _axes_off(ax, self.title)


@dataclass(frozen=True)
class NumberLines:
    """One horizontal number line per entry of ``lines``, each number a dot on it.

    Every line spans ``-limit`` to ``limit`` (default: 1.15 × the largest magnitude) with 0
    dotted; with ``marked`` the dot at that position of every line is drawn large in
    orange with its value printed above it.
    """

    lines: dict[str, list[float]]
    description: str
    title: str = ""
    marked: int | None = None
    colours: tuple[str, ...] = (GREY,)
    limit: float | None = None
    width: int = 520

    def span(self) -> float:
        if self.limit is not None:
            return float(self.limit)
        return 1.15 * max([abs(v) for values in self.lines.values() for v in values] + [1e-12])

    def html(self) -> str:
        limit = self.span()

        def left(value: float) -> str:
            return f"{50 + 50 * max(-1.0, min(1.0, value / limit)):.2f}%"

        parts = [
            f'<div style="position:relative;height:10px;margin-left:90px;width:{self.width}px;'
            f'font-size:9px;color:{MUTED}">'
            f'<span style="position:absolute;left:0">{-limit:.2f}</span>'
            f'<span style="position:absolute;left:50%;transform:translateX(-50%)">0</span>'
            f'<span style="position:absolute;right:0">{limit:.2f}</span></div>'
        ]
        for k, (name, values) in enumerate(self.lines.items()):
            dots = [
                '<span style="position:absolute;left:50%;top:0;bottom:0;'
                f'border-left:1px dotted {GREY}"></span>'
            ]
            ink = self.colours[k % len(self.colours)]
            for value in values:
                dots.append(
                    f'<span style="position:absolute;left:{left(value)};top:12px;width:6px;'
                    f"height:6px;margin-left:-3px;border-radius:50%;background:{ink};"
                    'opacity:0.7"></span>'
                )
            if self.marked is not None:
                value = values[self.marked]
                dots.append(
                    f'<span style="position:absolute;left:{left(value)};top:9px;width:11px;'
                    f"height:11px;margin-left:-6px;border-radius:50%;background:{ORANGE};"
                    f'border:1px solid {INK}"></span>'
                    f'<span style="position:absolute;left:{left(value)};top:-2px;'
                    f'transform:translateX(-50%);font-size:9px">{value:.4f}</span>'
                )
            parts.append(
                '<div style="display:flex;align-items:center;height:24px">'
                f'<div style="width:86px;padding-right:4px;text-align:right;font-size:10px">'
                f"{html.escape(name)}</div>"
                f'<div style="position:relative;width:{self.width}px;height:24px;'
                f'background:linear-gradient(#DDD,#DDD) 0 15px/100% 1px no-repeat">'
                + "".join(dots)
                + "</div></div>"
            )
        return _frame(self.description, _title(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        return self.width * PX * 1.3 + 1.2, 0.45 * len(self.lines) + 0.9

    def draw(self, ax: Any) -> None:
        limit = self.span()
        names = list(self.lines)
        for k, name in enumerate(names):
            y = len(names) - 1 - k
            ax.axhline(y, color="#DDDDDD", lw=1, zorder=0)
            values = self.lines[name]
            ax.scatter(values, [y] * len(values), s=14, alpha=0.7,
                       color=self.colours[k % len(self.colours)])  # fmt: skip
            if self.marked is not None:
                value = values[self.marked]
                ax.scatter([value], [y], s=60, color=ORANGE, edgecolor=INK, zorder=3)
                ax.text(value, y + 0.3, f"{value:.4f}", ha="center", fontsize=7)
        ax.axvline(0, color=GREY, lw=1, ls=":")
        for x, text in ((-limit, f"{-limit:.2f}"), (0, "0"), (limit, f"{limit:.2f}")):
            ax.text(x, len(names) - 0.35, text, ha="center", fontsize=7, color=MUTED)
        ax.set_xlim(-limit * 1.02, limit * 1.02)
        ax.set_ylim(-0.6, len(names) - 0.1)
        ax.set_xticks([])
        ax.set_yticks(range(len(names)), list(reversed(names)), fontsize=8)
        _axes_off(ax, self.title)


@dataclass(frozen=True)
class TokenBoxes:
    """Each word above a box holding its id, and its position below, in sentence order.

    Boxes are coloured by id (cividis), so a repeated word shows the same colour each
    time; an id of ``None`` (a word the vocabulary lacks) is a grey box showing ``?``.
    Only the first ``max_words`` words are drawn.
    """

    words: list[str]
    ids: list[int | None]
    max_words: int = 16

    @property
    def shown(self) -> list[tuple[str, int | None]]:
        return list(zip(self.words, self.ids, strict=True))[: self.max_words]

    @property
    def description(self) -> str:
        more = ""
        if len(self.words) > self.max_words:
            more = f" (first {self.max_words} of {len(self.words)} words)"
        pairs = ", ".join(f"{w} {'?' if i is None else i}" for w, i in self.shown)
        return f"Each word above its id, in sentence order{more}: {pairs}."

    def _face(self, token_id: int | None) -> tuple[str, str, str]:
        if token_id is None:
            return UNKNOWN, INK, "?"
        top = max([i for _, i in self.shown if i is not None] + [1])
        background, ink = colour(token_id, 0, top)
        return background, ink, str(token_id)

    def html(self) -> str:
        boxes = []
        for position, (word, token_id) in enumerate(self.shown):
            background, ink, label = self._face(token_id)
            boxes.append(
                '<div style="display:flex;flex-direction:column;align-items:center;width:72px">'
                '<div style="font-size:13px;max-width:70px;overflow:hidden;'
                f'text-overflow:ellipsis;white-space:nowrap">{html.escape(word)}</div>'
                f'<div style="background:{background};color:{ink};width:56px;height:40px;'
                "margin:4px 0;border-radius:6px;display:flex;align-items:center;"
                f'justify-content:center;font-size:17px;font-weight:bold">{label}</div>'
                f'<div style="font-size:10px;color:{MUTED}">position {position}</div></div>'
            )
        return _frame(
            self.description, '<div style="display:flex;gap:4px">' + "".join(boxes) + "</div>"
        )

    def size(self) -> tuple[float, float]:
        return max(4.0, 1.05 * len(self.shown)), 1.55

    def draw(self, ax: Any) -> None:
        from matplotlib.patches import FancyBboxPatch

        count = len(self.shown)
        ax.set_xlim(0, max(count, 4.0 / 1.05))
        ax.set_ylim(0, 1.55)
        ax.axis("off")
        for position, (word, token_id) in enumerate(self.shown):
            background, ink, label = self._face(token_id)
            ax.text(position + 0.5, 1.3, word, ha="center", va="center", fontsize=11, color=INK)
            ax.add_patch(
                FancyBboxPatch((position + 0.1, 0.35), 0.8, 0.7, facecolor=background,
                               boxstyle="round,pad=0.0,rounding_size=0.08", edgecolor="white")
            )  # fmt: skip
            ax.text(position + 0.5, 0.7, label, ha="center", va="center", fontsize=14,
                    color=ink, weight="bold")  # fmt: skip
            ax.text(position + 0.5, 0.15, f"position {position}", ha="center", va="center",
                    fontsize=7.5, color=MUTED)  # fmt: skip


@dataclass(frozen=True)
class Message:
    """A picture holding only ``text``: what an explorer shows when there is nothing to draw."""

    text: str

    @property
    def description(self) -> str:
        return self.text

    def html(self) -> str:
        return _frame(
            self.text,
            f'<div style="color:{MUTED};font-size:13px;padding:40px 0 0 120px">'
            f"{html.escape(self.text)}</div>",
        )

    def size(self) -> tuple[float, float]:
        return 4.0, 1.55

    def draw(self, ax: Any) -> None:
        ax.axis("off")
        ax.text(0.5, 0.5, self.text, ha="center", va="center", fontsize=11, color=MUTED)


Picture = Heatmap | Bars | NumberLines | TokenBoxes | Message


@dataclass(frozen=True)
class Sign:
    """An operator between two pictures of a :class:`Row`, such as ``@`` or ``=``."""

    text: str
    description: str = ""

    def html(self) -> str:
        return (
            f'<div style="font-size:16px;color:{MUTED};align-self:center">'
            f"{html.escape(self.text)}</div>"
        )

    def size(self) -> tuple[float, float]:
        return 0.35, 1.0

    def draw(self, ax: Any) -> None:
        ax.axis("off")
        ax.text(0.5, 0.5, self.text, ha="center", va="center", fontsize=14, color=MUTED)


@dataclass(frozen=True)
class Row:
    """Several pictures side by side, top-aligned; each keeps its own description.

    With ``rows_to_scale`` the figure draws every heatmap row equally tall, top-aligned as
    in the HTML, so a 3-row matrix beside a 9-row one is a third as tall (03's X @ W = Q).
    """

    parts: tuple[Picture | Sign, ...]
    gap: int = 24
    rows_to_scale: bool = False

    @property
    def description(self) -> str:
        return " ".join(part.description for part in self.parts if part.description)

    def html(self) -> str:
        return (
            f'<div style="display:flex;align-items:flex-start;gap:{self.gap}px">'
            + "".join(part.html() for part in self.parts)
            + "</div>"
        )


def figure(picture: Picture | Row) -> Any:
    """``picture`` drawn with matplotlib (seaborn for heatmaps), panels side by side."""
    from matplotlib.figure import Figure

    parts = picture.parts if isinstance(picture, Row) else (picture,)
    sizes = [part.size() for part in parts]
    ratios = [w for w, _ in sizes]
    fig = Figure(figsize=(min(sum(w for w, _ in sizes), 11.0), max(h for _, h in sizes)))
    grid = fig.add_gridspec(1, len(parts), width_ratios=ratios)
    axes = [fig.add_subplot(spec) for spec in grid]
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
