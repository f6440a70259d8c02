"""Small pictures drawn as HTML and CSS, for the live explorers (introduced in 01_vocabulary.ipynb).

An explorer redraws its picture every time a learner moves a control. Drawing with
matplotlib takes 40-200 ms per picture (text layout and artists), too slow for a page
that should answer within 100 ms; the same picture as a few dozen ``<div>`` and ``<td>``
elements is built in well under a millisecond and shown by the browser at once. The
lessons' static figures (and each explorer's snapshot) stay matplotlib PNGs
(``helpers.figures``), so a reader without a live kernel still sees a real picture.

Every function returns an HTML string whose outer element has ``role="img"`` and an
``aria-label`` saying what it shows. Every label is escaped with ``html.escape``:
learners type the sentences whose words become labels. Colours are the colour-blind-safe
ones of ``helpers.figures``: cividis for magnitudes, PuOr for signed numbers, Okabe-Ito
for marks.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping, Sequence
from typing import Literal

from helpers._validate import describe, require_index, require_word_ids

# Okabe-Ito colours, as in helpers.figures (not imported: that would load matplotlib).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREY = "#999999"
INK = "#222222"
MUTED = "#666666"
UNKNOWN = "#DDDDDD"

Palette = Literal["cividis", "diverging"]
FONT = "font-family: sans-serif; font-size: 11px; color: #222222;"
_STEPS = 256


@functools.cache
def _colours(palette: Palette) -> tuple[tuple[str, str], ...]:
    """``_STEPS`` (background, ink) pairs sampled along the palette's colour map, computed once."""
    from matplotlib import colormaps

    from helpers.figures import ink_on

    cmap = colormaps["cividis" if palette == "cividis" else "PuOr_r"]
    pairs = []
    for step in range(_STEPS):
        face = cmap(step / (_STEPS - 1))
        background = "#{:02X}{:02X}{:02X}".format(*(round(255 * c) for c in face[:3]))
        pairs.append((background, ink_on(face)))
    return tuple(pairs)


def colour(value: float, low: float, high: float, palette: Palette = "cividis") -> tuple[str, str]:
    """The (background, ink) colours of ``value`` on a scale from ``low`` to ``high``.

    ``"diverging"`` centres the scale on 0 (white), orange positive, purple negative, with
    ``±max(|low|, |high|)`` at the ends. Introduced in 01_vocabulary.ipynb ("Explore").

    Raises:
        TypeError: ``value``, ``low`` or ``high`` is not a finite number.
        ValueError: ``palette`` is not ``"cividis"`` or ``"diverging"``.
    """
    for name, number in (("value", value), ("low", low), ("high", high)):
        if (
            isinstance(number, bool)
            or not isinstance(number, (int, float))
            or not math.isfinite(number)
        ):
            raise TypeError(f"{name} must be a finite number; got {describe(number)}.")
    if palette not in ("cividis", "diverging"):
        raise ValueError(f"palette must be 'cividis' or 'diverging'; got {palette!r}.")
    if palette == "diverging":
        limit = max(abs(low), abs(high), 1e-12)
        share = (value / limit + 1) / 2
    else:
        share = (value - low) / (high - low) if high > low else 0.5
    index = min(_STEPS - 1, max(0, round(share * (_STEPS - 1))))
    return _colours(palette)[index]


# ---- argument checks ----


def _labels(name: str, labels: object, count: int | None = None) -> list[str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"{name} must be a list of strings; got {describe(labels)}.")
    if not all(isinstance(label, str) for label in labels):
        raise TypeError(f"{name} must hold only strings; got {describe(labels)}.")
    if count is not None and len(labels) != count:
        raise ValueError(f"{name} must hold {count} labels; got {len(labels)}: {describe(labels)}.")
    return list(labels)


def _numbers(name: str, values: object) -> list[float]:
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of numbers; got {describe(values)}.")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must hold only numbers; got {describe(values)}.")
    numbers = [float(v) for v in values]
    if not all(math.isfinite(v) for v in numbers):
        raise ValueError(f"{name} must hold finite numbers; got {describe(values)}.")
    return numbers


def _matrix(name: str, values: object) -> list[list[float]]:
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"{name} must be a non-empty 2-D list or tensor; got {describe(values)}.")
    rows = [_numbers(f"{name}[{i}]", row) for i, row in enumerate(values)]
    if not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError(
            f"{name} must be rectangular and non-empty; got rows of lengths {[len(r) for r in rows]}."
        )
    return rows


def _index(name: str, value: object, count: int) -> int | None:
    """``value`` if it is None or an int from 0 to ``count - 1`` (an optional row), else raise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None; got {describe(value)}.")
    return require_index(name, value, count)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {describe(value)}.")
    return value


def _picture(description: str, body: str, style: str = "") -> str:
    label = html.escape(_text("description", description))
    return f'<div role="img" aria-label="{label}" style="{FONT}{style}">{body}</div>'


def _title(title: str) -> str:
    return (
        f'<div style="font-size:11px;margin-bottom:2px">{html.escape(title)}</div>' if title else ""
    )


# ---- primitives ----


def heatmap(
    values: object,
    *,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    description: str,
    title: str = "",
    framed_row: int | None = None,
    number_format: str | None = None,
    palette: Palette = "cividis",
    low: float | None = None,
    high: float | None = None,
    cell: tuple[int, int] = (18, 10),
) -> str:
    """A heatmap as an HTML table: one coloured cell per number, optionally printed in it.

    ``values`` is a 2-D list or tensor; ``rows`` and ``columns`` label its rows (left) and
    columns (top), or are ``None`` for no labels. ``framed_row`` gets an orange frame (the
    chosen query). ``number_format`` (e.g. ``".2f"``) prints each number in its cell, in
    an ink colour readable on that background. ``low``/``high`` fix the colour scale
    (default: the values' own range); ``cell`` is (width, height) in pixels.
    Introduced in 03_query_key_value.ipynb ("Explore"); 05-07 use it too.

    Raises:
        TypeError: ``values`` is not a 2-D list of numbers, a label list holds a non-string,
            or ``framed_row`` is not an int.
        ValueError: label counts do not match the shape, or ``framed_row`` is out of range.
    """
    matrix = _matrix("values", values)
    n_rows, n_columns = len(matrix), len(matrix[0])
    row_labels = None if rows is None else _labels("rows", rows, n_rows)
    column_labels = None if columns is None else _labels("columns", columns, n_columns)
    framed = _index("framed_row", framed_row, n_rows)
    if palette not in ("cividis", "diverging"):
        raise ValueError(f"palette must be 'cividis' or 'diverging'; got {describe(palette)}.")
    flat = [v for row in matrix for v in row]
    low = min(flat) if low is None else float(low)
    high = max(flat) if high is None else float(high)
    width, height = cell
    parts = ['<table style="border-collapse:collapse;line-height:1">']
    if column_labels is not None:
        parts.append("<tr>" + ("<td></td>" if row_labels is not None else ""))
        for label in column_labels:
            parts.append(
                '<td style="padding:0 1px 2px;text-align:center;vertical-align:bottom;'
                f'font-size:10px;white-space:pre">{html.escape(label)}</td>'
            )
        parts.append("</tr>")
    for i, row in enumerate(matrix):
        frame = f"outline:2px solid {ORANGE};outline-offset:-1px;" if i == framed else ""
        parts.append(f'<tr style="{frame}">')
        if row_labels is not None:
            weight = "font-weight:bold;" if i == framed else ""
            parts.append(
                f'<td style="padding:0 4px 0 0;text-align:right;font-size:10px;{weight}">'
                f"{html.escape(row_labels[i])}</td>"
            )
        for value in row:
            background, ink = colour(value, low, high, palette)
            number = "" if number_format is None else format(value, number_format)
            number = number.replace("-0.00", "0.00")
            parts.append(
                f'<td style="background:{background};color:{ink};min-width:{width}px;'
                f'height:{height}px;padding:0 2px;text-align:center;font-size:10px">{number}</td>'
            )
        parts.append("</tr>")
    parts.append("</table>")
    return _picture(description, _title(title) + "".join(parts))


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, object],
    *,
    description: str,
    title: str = "",
    colours: Sequence[str] = (BLUE, ORANGE),
    top: float | None = None,
    number_format: str | None = ".2f",
    bar_height: int = 60,
) -> str:
    """Vertical bars, one group per label, one bar per series, each with its value above.

    ``series`` maps a name (shown in a legend when there are several) to one number
    ≥ 0 per label. ``top`` is the value of a full-height bar (default: the largest).
    Introduced in 04_attention_scores.ipynb ("Explore"); 05 and 07 use it too.

    Raises:
        TypeError: ``labels`` is not a list of strings, or a series not a list of numbers.
        ValueError: ``series`` is empty, a series has not one number per label, or a
            number is negative.
    """
    names = _labels("labels", labels)
    if not isinstance(series, Mapping) or not series:
        raise ValueError(
            f"series must be a non-empty dict of name to numbers; got {describe(series)}."
        )
    data = {}
    for name, numbers in series.items():
        values = _numbers(f"series[{name!r}]", numbers)
        if len(values) != len(names):
            raise ValueError(
                f"series[{name!r}] must hold one number per label ({len(names)}); got {len(values)}."
            )
        if any(v < 0 for v in values):
            raise ValueError(f"series[{name!r}] must hold numbers ≥ 0; got {describe(values)}.")
        data[str(name)] = values
    top = max([v for values in data.values() for v in values] + [1e-12]) if top is None else top
    bar_width = 22 if len(data) == 1 else 13
    parts = []
    if len(data) > 1:
        keys = "".join(
            f'<span style="margin-right:10px"><span style="display:inline-block;width:9px;'
            f'height:9px;background:{colours[k % len(colours)]}"></span> {html.escape(name)}</span>'
            for k, name in enumerate(data)
        )
        parts.append(f'<div style="font-size:10px;margin-bottom:2px">{keys}</div>')
    parts.append('<div style="display:flex;align-items:flex-end;gap:6px">')
    for j, label in enumerate(names):
        parts.append('<div style="display:flex;flex-direction:column;align-items:center">')
        parts.append(
            f'<div style="display:flex;align-items:flex-end;gap:1px;height:{bar_height + 12}px">'
        )
        for k, values in enumerate(data.values()):
            size = round(bar_height * min(values[j], top) / top)
            number = "" if number_format is None else format(values[j], number_format)
            parts.append(
                '<div style="display:flex;flex-direction:column;align-items:center">'
                f'<span style="font-size:9px">{number}</span>'
                f'<div style="width:{bar_width}px;height:{size}px;'
                f'background:{colours[k % len(colours)]}"></div></div>'
            )
        parts.append(
            f'</div><div style="font-size:10px;max-width:60px;overflow:hidden;'
            f'text-overflow:ellipsis;white-space:nowrap">{html.escape(label)}</div></div>'
        )
    parts.append("</div>")
    return _picture(description, _title(title) + "".join(parts))


def number_lines(
    lines: Mapping[str, object],
    *,
    description: str,
    title: str = "",
    marked: int | None = None,
    colours: Sequence[str] = (GREY,),
    limit: float | None = None,
    width: int = 520,
) -> str:
    """One horizontal number line per entry of ``lines``, each number a dot on it.

    Every line spans ``-limit`` to ``limit`` (default: 1.15 × the largest magnitude) with 0
    dotted. Dots take ``colours`` line by line; with ``marked`` the dot at that position
    of every line is drawn large in orange with its value printed above it.
    Introduced in 02_embedding.ipynb ("Explore"); 04's scaling explorer uses it too.

    Raises:
        TypeError: a line is not a list of numbers, or ``marked`` not an int.
        ValueError: ``lines`` is empty, lines differ in length when ``marked`` is given,
            or ``marked`` is out of range.
    """
    if not isinstance(lines, Mapping) or not lines:
        raise ValueError(
            f"lines must be a non-empty dict of name to numbers; got {describe(lines)}."
        )
    data = {str(name): _numbers(f"lines[{name!r}]", values) for name, values in lines.items()}
    if marked is not None:
        for values in data.values():
            _index("marked", marked, len(values))
    biggest = max([abs(v) for values in data.values() for v in values] + [1e-12])
    limit = biggest * 1.15 if limit is None else float(limit)

    def left(value: float) -> str:
        return f"{50 + 50 * max(-1.0, min(1.0, value / limit)):.2f}%"

    parts = [
        f'<div style="position:relative;height:10px;margin-left:90px;width:{width}px;'
        f'font-size:9px;color:{MUTED}">'
        f'<span style="position:absolute;left:0">{-limit:.2f}</span>'
        f'<span style="position:absolute;left:50%;transform:translateX(-50%)">0</span>'
        f'<span style="position:absolute;right:0">{limit:.2f}</span></div>'
    ]
    for k, (name, values) in enumerate(data.items()):
        dots = [
            f'<span style="position:absolute;left:50%;top:0;bottom:0;border-left:1px dotted {GREY}"></span>'
        ]
        ink = colours[k % len(colours)]
        for value in values:
            dots.append(
                f'<span style="position:absolute;left:{left(value)};top:12px;width:6px;height:6px;'
                f'margin-left:-3px;border-radius:50%;background:{ink};opacity:0.7"></span>'
            )
        if marked is not None:
            value = values[marked]
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
            f'<div style="position:relative;width:{width}px;height:24px;'
            f'background:linear-gradient(#DDD,#DDD) 0 15px/100% 1px no-repeat">'
            + "".join(dots)
            + "</div></div>"
        )
    return _picture(description, _title(title) + "".join(parts))


def token_boxes(words: Sequence[str], ids: Sequence[int | None], max_words: int = 16) -> str:
    """Each word above a box holding its id, and its position below, in sentence order.

    Boxes are coloured by id (cividis), so a repeated word shows the same colour each
    time; an id of ``None`` (a word the vocabulary lacks) is a grey box showing ``?``.
    The HTML twin of :func:`helpers.figures.token_ids_figure`. Introduced in
    01_vocabulary.ipynb ("Explore").

    Raises:
        TypeError: ``words`` is not a list of strings, or ``ids`` holds something other
            than ints and ``None``.
        ValueError: ``words`` is empty, or ``words`` and ``ids`` differ in length.
    """
    words, ids = require_word_ids(words, ids)
    shown = list(zip(words, ids, strict=True))[:max_words]
    top = max([i for _, i in shown if i is not None] + [1])
    boxes = []
    for position, (word, token_id) in enumerate(shown):
        if token_id is None:
            background, ink, label = UNKNOWN, INK, "?"
        else:
            background, ink = colour(token_id, 0, top)
            label = str(token_id)
        boxes.append(
            '<div style="display:flex;flex-direction:column;align-items:center;width:72px">'
            '<div style="font-size:13px;max-width:70px;overflow:hidden;text-overflow:ellipsis;'
            f'white-space:nowrap">{html.escape(word)}</div>'
            f'<div style="background:{background};color:{ink};width:56px;height:40px;margin:4px 0;'
            "border-radius:6px;display:flex;align-items:center;justify-content:center;"
            f'font-size:17px;font-weight:bold">{label}</div>'
            f'<div style="font-size:10px;color:{MUTED}">position {position}</div></div>'
        )
    more = f" (first {max_words} of {len(words)} words)" if len(words) > max_words else ""
    pairs = ", ".join(f"{w} {'?' if i is None else i}" for w, i in shown)
    return _picture(
        f"Each word above its id, in sentence order{more}: {pairs}.",
        '<div style="display:flex;gap:4px">' + "".join(boxes) + "</div>",
    )


def message(text: str) -> str:
    """A picture holding only ``text``: what an explorer shows when there is nothing to draw.

    Introduced in 01_vocabulary.ipynb ("Explore").
    """
    text = _text("text", text)
    return _picture(
        text,
        f'<div style="color:{MUTED};font-size:13px;padding:40px 0 0 120px">{html.escape(text)}</div>',
    )


def side_by_side(*pictures: str, gap: int = 24) -> str:
    """Several pictures in one row, top-aligned (each keeps its own ``role="img"``).

    Introduced in 04_attention_scores.ipynb ("Explore"); 05-07 use it too.
    """
    for k, picture in enumerate(pictures):
        _text(f"pictures[{k}]", picture)
    return (
        f'<div style="display:flex;align-items:flex-start;gap:{gap}px">'
        + "".join(pictures)
        + "</div>"
    )


def weights_picture(
    weights: object, words: Sequence[str], query_index: int, caption: str = ""
) -> str:
    """The weight matrix (row ``query_index`` framed) beside that row as labelled bars.

    The HTML twin of :func:`helpers.figures.weights_explorer_figure`. ``weights`` is the
    square ``(n, n)`` weight matrix, rows = queries, columns = keys. Introduced in
    05_softmax_weights.ipynb ("Explore"); 07's sentence explorer uses it too.

    Raises:
        TypeError, ValueError: as :func:`heatmap` and :func:`bar_chart`.
    """
    matrix = _matrix("weights", weights)
    labels = _labels("words", words, len(matrix))
    query = require_index("query_index", query_index, len(matrix))
    word = labels[query]
    grid = heatmap(
        matrix,
        rows=labels,
        columns=[label[:3] for label in labels],
        framed_row=query,
        low=0.0,
        high=max(max(max(row) for row in matrix), 1e-6),
        cell=(16, 9),
        title="rows = queries, columns = keys",
        description=(
            f"Attention weights of {len(labels)} words, rows = queries, columns = keys; "
            f"the row of query {word!r} is framed in orange."
        ),
    )
    row = matrix[query]
    bars = bar_chart(
        labels,
        {"weight": row},
        title=caption or f"weights of query '{word}'",
        description=f"Weights of query {word!r} over the keys: "
        + ", ".join(f"{w} {v:.2f}" for w, v in zip(labels, row, strict=True))
        + ".",
    )
    return side_by_side(grid, bars)


def picture_text(picture: str) -> str:
    """The visible text of an HTML picture, one piece per element (what tests compare).

    Introduced with the explorers in 01_vocabulary.ipynb.
    """
    import re

    _text("picture", picture)

    pieces = re.findall(r">([^<>]+)<", picture)
    return " ".join(html.unescape(p.strip()) for p in pieces if p.strip())


def picture_labels(picture: str) -> list[str]:
    """The ``aria-label`` of every ``role="img"`` element of a picture, unescaped.

    Introduced with the explorers in 01_vocabulary.ipynb.
    """
    import re

    _text("picture", picture)

    return [
        html.unescape(label) for label in re.findall(r'role="img" aria-label="([^"]*)"', picture)
    ]
