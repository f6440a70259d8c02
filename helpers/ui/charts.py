"""Bars, number lines and token boxes: picture descriptions like those of ``helpers.ui.pictures``.

Introduced in 01_vocabulary.ipynb (token boxes), 02_embedding.ipynb (number lines), 04 (bars).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import cycle
from typing import Any

from helpers.ui.pictures import (
    BLUE,
    GREY,
    INK,
    MUTED,
    ORANGE,
    PX,
    UNKNOWN,
    axes_off,
    colour,
    html_picture,
    number_text,
    title_html,
)

COLUMN = '<div style="display:flex;flex-direction:column;align-items:center">'
ELLIPSIS = "overflow:hidden;text-overflow:ellipsis;white-space:nowrap"
KEY = "display:inline-block;width:9px;height:9px;background:"
RULE = "linear-gradient(#DDD,#DDD) 0 15px/100% 1px no-repeat"


@dataclass(frozen=True)
class Bars:
    """Vertical bars, one per label and series, values printed above; ``top`` is a full bar."""

    labels: list[str]
    series: dict[str, list[float]]
    description: str
    title: str = ""
    colours: tuple[str, ...] = (BLUE, ORANGE)
    top: float | None = None
    number_format: str | None = ".2f"
    bar_height: int = 60

    def full(self) -> float:
        flat = [v for values in self.series.values() for v in values]
        return self.top if self.top is not None else max([*flat, 1e-12])

    def html(self) -> str:
        top = self.full()
        width = 22 if len(self.series) == 1 else 13
        parts = []
        if len(self.series) > 1:
            keys = "".join(
                f'<span style="margin-right:10px"><span style="{KEY}{ink}"></span> '
                f"{html.escape(name)}</span>"
                for name, ink in zip(self.series, cycle(self.colours))
            )
            parts.append(f'<div style="font-size:10px;margin-bottom:2px">{keys}</div>')
        parts.append('<div style="display:flex;align-items:flex-end;gap:6px">')
        group = f"display:flex;align-items:flex-end;gap:1px;height:{self.bar_height + 12}px"
        for j, label in enumerate(map(html.escape, self.labels)):
            parts.append(f'{COLUMN}<div style="{group}">')
            for values, ink in zip(self.series.values(), cycle(self.colours)):
                size = round(self.bar_height * min(values[j], top) / top)
                number = number_text(values[j], self.number_format)
                bar = f'<div style="width:{width}px;height:{size}px;background:{ink}"></div>'
                parts.append(f'{COLUMN}<span style="font-size:9px">{number}</span>{bar}</div>')
            parts.append(
                f'</div><div style="font-size:10px;max-width:60px;{ELLIPSIS}">{label}</div></div>'
            )
        parts.append("</div>")
        return html_picture(self.description, title_html(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        return 0.55 * len(self.labels) * max(1, len(self.series) * 0.7) + 0.6, 2.0

    def draw(self, ax: Any) -> None:
        top = self.full()
        count = len(self.series)
        width = 0.8 / count
        for k, ((name, values), ink) in enumerate(zip(self.series.items(), cycle(self.colours))):
            xs = [j + (k - (count - 1) / 2) * width for j in range(len(self.labels))]
            ax.bar(xs, [min(v, top) for v in values], width=width * 0.95, color=ink, label=name)
            for x, value in zip(xs, values, strict=True):
                ax.text(x, min(value, top) + top * 0.03, number_text(value, self.number_format),
                        ha="center", va="bottom", fontsize=7)  # fmt: skip
        ax.set(ylim=(0, top * 1.25), yticks=[])
        ax.set_xticks(range(len(self.labels)), self.labels, fontsize=8)
        if count > 1:
            ax.legend(fontsize=7, frameon=False, loc="upper right")
        axes_off(ax, self.title)


LABEL_GAP = 0.085  # the least distance between two word labels, as a share of a line's length


def spread_labels(shares: Sequence[float], gap: float = LABEL_GAP) -> list[float]:
    """Where to write the labels of dots at ``shares`` (0 to 1 along a line): as near each dot
    as possible, in the dots' order, at least ``gap`` apart and within 0 to 1 (least squares,
    pooling adjacent violators). Introduced in 02_embedding.ipynb ("Explore")."""
    order = sorted(range(len(shares)), key=lambda k: (shares[k], k))
    blocks: list[list[float]] = []  # [sum of targets, count], targets shifted by rank × gap
    for rank, k in enumerate(order):
        blocks.append([shares[k] - rank * gap, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    shifted = [total / count for total, count in blocks for _k in range(int(count))]
    placed = [s + rank * gap for rank, s in enumerate(shifted)]
    last = len(placed) - 1
    placed = [max(p, rank * gap) for rank, p in enumerate(placed)]
    placed = [min(p, 1 - (last - rank) * gap) for rank, p in enumerate(placed)]
    where = [0.0] * len(shares)
    for rank, k in enumerate(order):
        where[k] = placed[rank]
    return where


@dataclass(frozen=True)
class NumberLines:
    """A number line per entry of ``lines``, each number a dot; the ``marked`` ones large. With
    ``words``, every dot is named below its line, the names in the dots' order and spread so no
    two overlap, each joined to its dot by a thin line (02_embedding.ipynb's explorer)."""

    lines: dict[str, list[float]]
    description: str
    title: str = ""
    marked: int | None = None
    colours: tuple[str, ...] = (GREY,)
    limit: float | None = None
    width: int = 520
    words: tuple[str, ...] = ()

    def span(self) -> float:
        flat = [abs(v) for values in self.lines.values() for v in values]
        return float(self.limit) if self.limit is not None else 1.15 * max([*flat, 1e-12])

    def share(self, value: float) -> float:
        """Where ``value`` lies along a line, from 0 (-span) to 1 (+span)."""
        return 0.5 + 0.5 * max(-1.0, min(1.0, value / self.span()))

    def labels(self, values: Sequence[float]) -> list[tuple[float, float]]:
        """(dot, name) positions of every word on one line, as shares of its length."""
        dots = [self.share(v) for v in values]
        return list(zip(dots, spread_labels(dots), strict=True))

    def html(self) -> str:
        limit, height = self.span(), 44 if self.words else 24

        def at(share: float, style: str, text: str = "") -> str:
            return f'<span style="position:absolute;left:{100 * share:.2f}%;{style}">{text}</span>'

        parts = [
            f'<div style="position:relative;height:10px;margin-left:90px;width:{self.width}px;'
            f'font-size:9px;color:{MUTED}">'
            f'<span style="position:absolute;left:0">{-limit:.2f}</span>'
            f'<span style="position:absolute;left:50%;transform:translateX(-50%)">0</span>'
            f'<span style="position:absolute;right:0">{limit:.2f}</span></div>'
        ]
        zero = f"position:absolute;left:50%;top:0;height:24px;border-left:1px dotted {GREY}"
        track = f"position:relative;width:{self.width}px;height:{height}px;background:{RULE}"
        big = f"width:11px;height:11px;margin-left:-6px;border-radius:50%;background:{ORANGE}"
        for (name, values), ink in zip(self.lines.items(), cycle(self.colours)):
            dot = f"width:6px;height:6px;margin-left:-3px;border-radius:50%;background:{ink}"
            strokes, marks = [], [f'<span style="{zero}"></span>']
            for row, (share, label) in enumerate(self.labels(values)):
                marks.append(at(share, f"top:12px;{dot};opacity:0.7"))
                if self.words:
                    x0, x1 = share * self.width, label * self.width
                    strokes.append(f'<line x1="{x0:.1f}" y1="19" x2="{x1:.1f}" y2="30" '
                                   f'stroke="{GREY}" stroke-width="0.8"/>')  # fmt: skip
                    weight = "font-weight:bold;" if row == self.marked else ""
                    marks.append(at(label, f"top:30px;transform:translateX(-50%);font-size:9px;"
                                           f"{weight}", html.escape(self.words[row])))  # fmt: skip
            if self.marked is not None:
                share, value = self.share(values[self.marked]), values[self.marked]
                marks.append(at(share, f"top:9px;{big};border:1px solid {INK}"))
                marks.append(at(share, "top:-2px;transform:translateX(-50%);font-size:9px",
                                f"{value:.4f}"))  # fmt: skip
            svg = (f'<svg width="{self.width}" height="{height}" style="position:absolute;'
                   f'left:0;top:0">{"".join(strokes)}</svg>') if strokes else ""  # fmt: skip
            row_style = "align-items:flex-start" if self.words else "align-items:center"
            name_style = "padding:9px 4px 0 0" if self.words else "padding-right:4px"
            parts.append(
                f'<div style="display:flex;{row_style};height:{height}px"><div style="width:86px;'
                f'{name_style};text-align:right;font-size:10px">{html.escape(name)}</div>'
                f'<div style="{track}">{svg}{"".join(marks)}</div></div>'
            )
        return html_picture(self.description, title_html(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        return self.width * PX * 1.3 + 1.2, (0.8 if self.words else 0.45) * len(self.lines) + 0.9

    def draw(self, ax: Any) -> None:
        limit = self.span()
        names = list(self.lines)
        for k, (values, ink) in enumerate(zip(self.lines.values(), cycle(self.colours))):
            y = len(names) - 1 - k
            ax.axhline(y, color="#DDDDDD", lw=1, zorder=0)
            ax.scatter(values, [y] * len(values), s=14, alpha=0.7, color=ink)
            if self.marked is not None:
                value = values[self.marked]
                ax.scatter([value], [y], s=60, color=ORANGE, edgecolor=INK, zorder=3)
                ax.text(value, y + 0.3, f"{value:.4f}", ha="center", fontsize=7)
        ax.axvline(0, color=GREY, lw=1, ls=":")
        for x, text in ((-limit, f"{-limit:.2f}"), (0, "0"), (limit, f"{limit:.2f}")):
            ax.text(x, len(names) - 0.35, text, ha="center", fontsize=7, color=MUTED)
        ax.set(xlim=(-limit * 1.02, limit * 1.02), ylim=(-0.6, len(names) - 0.1), xticks=[])
        ax.set_yticks(range(len(names)), list(reversed(names)), fontsize=8)
        axes_off(ax, self.title)
        if self.words:  # the names below each line, joined to their dots
            for k, values in enumerate(self.lines.values()):
                y = len(names) - 1 - k
                for row, (dot, label) in enumerate(self.labels(values)):
                    x0, x1 = (2 * dot - 1) * limit, (2 * label - 1) * limit
                    ax.plot([x0, x1], [y - 0.08, y - 0.3], color=GREY, lw=0.6, zorder=1)
                    ax.text(x1, y - 0.33, self.words[row], ha="center", va="top", fontsize=7.5,
                            color=INK, weight="bold" if row == self.marked else "normal")  # fmt: skip
            ax.set_ylim(-0.75, len(names) - 0.1)


@dataclass(frozen=True)
class TokenBoxes:
    """Each word above a box with its id (``?`` if unknown) and its position, in sentence order."""

    words: list[str]
    ids: list[int | None]
    max_words: int = 16

    @property
    def shown(self) -> list[tuple[str, int | None]]:
        return list(zip(self.words, self.ids, strict=True))[: self.max_words]

    @property
    def description(self) -> str:
        count = len(self.words)
        more = f" (first {self.max_words} of {count} words)" if count > self.max_words else ""
        pairs = ", ".join(f"{w} {'?' if i is None else i}" for w, i in self.shown)
        return f"Each word above its id, in sentence order{more}: {pairs}."

    def _face(self, token_id: int | None) -> tuple[str, str, str]:
        if token_id is None:
            return UNKNOWN, INK, "?"
        top = max([i for _, i in self.shown if i is not None] + [1])
        return (*colour(token_id, 0, top), str(token_id))

    def html(self) -> str:
        boxes = []
        for position, (word, token_id) in enumerate(self.shown):
            background, ink, label = self._face(token_id)
            boxes.append(
                '<div style="display:flex;flex-direction:column;align-items:center;width:72px">'
                f'<div style="font-size:13px;max-width:70px;{ELLIPSIS}">{html.escape(word)}</div>'
                f'<div style="background:{background};color:{ink};width:56px;height:40px;'
                "margin:4px 0;border-radius:6px;display:flex;align-items:center;"
                f'justify-content:center;font-size:17px;font-weight:bold">{label}</div>'
                f'<div style="font-size:10px;color:{MUTED}">position {position}</div></div>'
            )
        row = f'<div style="display:flex;gap:4px">{"".join(boxes)}</div>'
        return html_picture(self.description, row)

    def size(self) -> tuple[float, float]:
        return max(4.0, 1.05 * len(self.shown)), 1.55

    def draw(self, ax: Any) -> None:
        from matplotlib.patches import FancyBboxPatch

        ax.set(xlim=(0, max(len(self.shown), 4.0 / 1.05)), ylim=(0, 1.55))
        ax.axis("off")
        centred = {"ha": "center", "va": "center"}
        box = {"boxstyle": "round,pad=0.0,rounding_size=0.08", "edgecolor": "white"}
        for position, (word, token_id) in enumerate(self.shown):
            face, ink, label = self._face(token_id)
            x = position + 0.5
            ax.text(x, 1.3, word, fontsize=11, color=INK, **centred)
            ax.add_patch(FancyBboxPatch((position + 0.1, 0.35), 0.8, 0.7, facecolor=face, **box))
            ax.text(x, 0.7, label, fontsize=14, color=ink, weight="bold", **centred)
            ax.text(x, 0.15, f"position {position}", fontsize=7.5, color=MUTED, **centred)
