"""Charts for the explorers and pictures: bars, number lines, and words above their ids.

Each is a picture description like those of ``helpers.ui.pictures`` (read its docstring):
``html()`` for the live explorer, ``draw(ax)`` for the figure, ``description`` for the text.
Introduced in 01_vocabulary.ipynb (token boxes), 02_embedding.ipynb (number lines) and
04_attention_scores.ipynb (bars).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
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
                    f'<span style="font-size:9px">{number_text(values[j], self.number_format)}</span>'
                    f'<div style="width:{bar_width}px;height:{size}px;'
                    f'background:{self.colours[k % len(self.colours)]}"></div></div>'
                )
            parts.append(
                f'</div><div style="font-size:10px;max-width:60px;overflow:hidden;'
                f'text-overflow:ellipsis;white-space:nowrap">{html.escape(label)}</div></div>'
            )
        parts.append("</div>")
        return html_picture(self.description, title_html(self.title) + "".join(parts))

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
                ax.text(x, min(value, top) + top * 0.03, number_text(value, self.number_format),
                        ha="center", va="bottom", fontsize=7)  # fmt: skip
        ax.set_ylim(0, top * 1.25)
        ax.set_xticks(range(len(self.labels)), self.labels, fontsize=8)
        ax.set_yticks([])
        if count > 1:
            ax.legend(fontsize=7, frameon=False, loc="upper right")
        axes_off(ax, self.title)


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
        return html_picture(self.description, title_html(self.title) + "".join(parts))

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
        axes_off(ax, self.title)


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
        return html_picture(
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
