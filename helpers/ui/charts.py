"""Bars, number lines and token boxes: picture descriptions like those of ``helpers.ui.pictures``.

Introduced in 01_vocabulary.ipynb (token boxes), 02_embedding.ipynb (number lines), 04 (bars).
"""

from __future__ import annotations

import html
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


@dataclass(frozen=True)
class NumberLines:
    """A number line per entry of ``lines``, each number a dot; the ``marked`` ones large."""

    lines: dict[str, list[float]]
    description: str
    title: str = ""
    marked: int | None = None
    colours: tuple[str, ...] = (GREY,)
    limit: float | None = None
    width: int = 520

    def span(self) -> float:
        flat = [abs(v) for values in self.lines.values() for v in values]
        return float(self.limit) if self.limit is not None else 1.15 * max([*flat, 1e-12])

    def html(self) -> str:
        limit = self.span()

        def at(value: float, style: str, text: str = "") -> str:
            left = f"{50 + 50 * max(-1.0, min(1.0, value / limit)):.2f}%"
            return f'<span style="position:absolute;left:{left};{style}">{text}</span>'

        parts = [
            f'<div style="position:relative;height:10px;margin-left:90px;width:{self.width}px;'
            f'font-size:9px;color:{MUTED}">'
            f'<span style="position:absolute;left:0">{-limit:.2f}</span>'
            f'<span style="position:absolute;left:50%;transform:translateX(-50%)">0</span>'
            f'<span style="position:absolute;right:0">{limit:.2f}</span></div>'
        ]
        zero = f"position:absolute;left:50%;top:0;bottom:0;border-left:1px dotted {GREY}"
        track = f"position:relative;width:{self.width}px;height:24px;background:{RULE}"
        for (name, values), ink in zip(self.lines.items(), cycle(self.colours)):
            dot = f"width:6px;height:6px;margin-left:-3px;border-radius:50%;background:{ink}"
            dots = [f'<span style="{zero}"></span>']
            dots += [at(value, f"top:12px;{dot};opacity:0.7") for value in values]
            if self.marked is not None:
                value = values[self.marked]
                big = "width:11px;height:11px;margin-left:-6px;border-radius:50%;background:"
                dots.append(at(value, f"top:9px;{big}{ORANGE};border:1px solid {INK}"))
                dots.append(at(value, "top:-2px;transform:translateX(-50%);font-size:9px",
                               f"{value:.4f}"))  # fmt: skip
            parts.append(
                '<div style="display:flex;align-items:center;height:24px"><div style="width:86px;'
                f'padding-right:4px;text-align:right;font-size:10px">{html.escape(name)}</div>'
                f'<div style="{track}">{"".join(dots)}</div></div>'
            )
        return html_picture(self.description, title_html(self.title) + "".join(parts))

    def size(self) -> tuple[float, float]:
        return self.width * PX * 1.3 + 1.2, 0.45 * len(self.lines) + 0.9

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
