"""helpers.ui.pictures: one description, three renderings that show the same numbers.

For every explorer of every lesson, the live HTML picture and the matplotlib snapshot are
drawn from one description; here both are read back as a reader would see them (the
HTML's visible text, the figure's text artists) and must show the same numbers, and the
HTML's aria-labels must be the descriptions' text. Then the toolkit's primitives: escaping,
colours, and determinism.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from course import (
    explorer_factories,
    figure_text,
    numbers_in,
    picture_labels,
    picture_text,
)

from helpers.ui import pictures
from helpers.ui.charts import Bars, NumberLines, TokenBoxes
from helpers.ui.figures import render_png
from helpers.ui.pictures import Heatmap, Message, Row, Sign, figure

FACTORIES = explorer_factories()
HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def leaves(picture: Any) -> list[Any]:
    return (
        [p for p in picture.parts if not isinstance(p, Sign)]
        if isinstance(picture, Row)
        else [picture]
    )


def assert_agree(picture: Any) -> None:
    """The HTML and the figure of ``picture`` show the same numbers; labels are descriptions."""
    markup = picture.html()
    fig = figure(picture)
    assert numbers_in(picture_text(markup)) == numbers_in(figure_text(fig)), (
        f"HTML shows {picture_text(markup)!r}\nfigure shows {figure_text(fig)!r}"
    )
    assert picture_labels(markup) == [part.description for part in leaves(picture)]


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_explorer_html_and_snapshot_show_the_same_numbers(factory: Callable[[], Any]) -> None:
    explorer = factory()
    if explorer.view.picture is not None:
        assert explorer.picture.value == explorer.view.picture.html()
        assert_agree(explorer.view.picture)


@pytest.mark.parametrize(
    "picture",
    [
        Heatmap([[0.0, -0.5], [1.0, 0.25]], "two by two", rows=["q1", "q2"], columns=["k1", "k2"],
                framed_row=1, number_format=".2f", title="rows = queries"),
        Heatmap([[0.5, 0.0], [0.25, 0.75]], "masked", rows=["a", "b"], columns=["x", "y"],
                blocked=[[False, True], [False, False]], number_format=".3f"),
        Heatmap([[-1.0, 2.0]], "diverging", palette="diverging", number_format=".1f"),
        Bars(["a", "b", "c"], {"raw": [1.0, 2.0, 3.0], "scaled": [0.5, 1.0, 1.5]}, "bars"),
        NumberLines({"x": [-1.0, 0.5, 2.0], "y": [0.25, 0.0, -0.75]}, "lines", marked=1),
        TokenBoxes(["the", "cat", "the"], [1, 0, 1]),
        TokenBoxes(["a", "b"], [0, None]),
        Message("nothing to show"),
        Row((Heatmap([[1.0]], "one", number_format=".2f"), Sign("="), Bars(["a"], {"w": [1.0]}, "b"))),
    ],
    ids=["heatmap", "blocked", "diverging", "bars", "lines", "tokens", "unknown", "message", "row"],
)  # fmt: skip
def test_every_primitive_renders_the_same_numbers_twice(picture: Any) -> None:
    assert_agree(picture)
    assert render_png(figure(picture)) == render_png(figure(picture)), "deterministic PNG"


def test_heatmap_html_shows_every_cell_and_frames_the_row() -> None:
    picture = Heatmap([[0.0, 0.5], [1.0, 0.25]], "two by two", rows=["q1", "q2"],
                      columns=["k1", "k2"], framed_row=1, number_format=".2f", title="t")  # fmt: skip
    assert picture_text(picture.html()) == "t k1 k2 q1 0.00 0.50 q2 1.00 0.25"
    assert picture.html().count("outline:2px solid") == 1


def test_negative_zero_reads_as_zero() -> None:
    picture = Heatmap([[-0.001]], "tiny", number_format=".2f")
    assert picture.cell_text(0, 0) == "0.00" and "-0.00" not in picture.html()


@pytest.mark.parametrize(
    "picture",
    [
        Heatmap([[1.0]], HOSTILE, rows=[HOSTILE], columns=[HOSTILE], title=HOSTILE),
        Bars([HOSTILE], {HOSTILE: [1.0], "b": [2.0]}, HOSTILE, title=HOSTILE),
        NumberLines({HOSTILE: [1.0]}, HOSTILE, title=HOSTILE),
        TokenBoxes([HOSTILE], [0]),
        Message(HOSTILE),
    ],
    ids=["heatmap", "bars", "lines", "tokens", "message"],
)
def test_typed_text_is_escaped(picture: Any) -> None:
    markup = picture.html()
    assert "<script>" not in markup and ESCAPED in markup


def test_colours_follow_cividis_and_pick_readable_ink() -> None:
    assert pictures.colour(0.0, 0.0, 1.0) == ("#00224E", "white")  # cividis: dark blue
    assert pictures.colour(1.0, 0.0, 1.0) == ("#FEE838", "#222222")  # cividis: yellow
    assert pictures.colour(5.0, 0.0, 1.0) == pictures.colour(1.0, 0.0, 1.0), "clipped"
    background, ink = pictures.colour(0.0, -2.0, 2.0, "diverging")
    assert ink == "#222222" and background.startswith("#F"), "0 is the pale middle"


def test_token_boxes_describe_only_what_they_draw() -> None:
    words = [f"w{k}" for k in range(20)]
    picture = TokenBoxes(words, list(range(20)))
    assert picture.description.startswith(
        "Each word above its id, in sentence order (first 16 of 20"
    )
    assert picture_text(picture.html()).count("position") == 16


def test_heatmap_without_labels_or_numbers() -> None:
    picture = Heatmap([[1.0] * 3] * 2, "ones")
    assert picture_text(picture.html()) == "" and picture.html().count("<td") == 6


def test_bars_scale_to_the_largest_and_name_each_series() -> None:
    picture = Bars(["a", "b"], {"weight": [0.25, 0.75]}, "two bars", bar_height=60)
    assert picture_text(picture.html()) == "0.25 a 0.75 b"
    assert "height:20px" in picture.html() and "height:60px" in picture.html()
    two = Bars(["a"], {"unscaled": [1.0], "scaled": [0.5]}, "d", number_format=None)
    assert picture_text(two.html()) == "unscaled scaled a", "a legend names each series"


def test_number_lines_mark_the_chosen_dot() -> None:
    picture = NumberLines({"dimension 0": [-1.0, 1.0], "dimension 1": [0.5, 0.0]}, "two lines",
                          marked=1, limit=2.0)  # fmt: skip
    markup = picture.html()
    assert picture_text(markup) == "-2.00 0 2.00 dimension 0 1.0000 dimension 1 0.0000"
    assert "left:25.00%" in markup and "left:75.00%" in markup  # -1 and 1 of ±2


def test_token_boxes_show_unknown_words_as_a_question_mark() -> None:
    picture = TokenBoxes(["the", "cat", "the"], [1, None, 1])
    assert picture.description == "Each word above its id, in sentence order: the 1, cat ?, the 1."
    assert picture_text(picture.html()) == "the 1 position 0 cat ? position 1 the 1 position 2"
