"""The explorers' HTML pictures (helpers/html_pictures.py): what each primitive draws,
that every label is escaped, and the message each bad argument gets."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import torch

import helpers.html_pictures as pictures
from helpers.html_pictures import picture_labels, picture_text

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_colour_lookup_matches_cividis_ends_and_ink() -> None:
    assert pictures.colour(0.0, 0.0, 1.0) == ("#00224E", "white")  # cividis: dark blue
    assert pictures.colour(1.0, 0.0, 1.0) == ("#FEE838", "#222222")  # cividis: yellow
    assert pictures.colour(5.0, 0.0, 1.0) == pictures.colour(1.0, 0.0, 1.0), "clipped"
    background, ink = pictures.colour(0.0, -2.0, 2.0, "diverging")  # 0 is the pale middle
    assert ink == "#222222" and background.startswith("#F")


def test_heatmap_draws_every_cell_labels_and_frame() -> None:
    picture = pictures.heatmap(
        [[0.0, 0.5], [1.0, 0.25]],
        rows=["q1", "q2"],
        columns=["k1", "k2"],
        framed_row=1,
        number_format=".2f",
        title="rows = queries, columns = keys",
        description="two by two",
    )
    assert picture_labels(picture) == ["two by two"]
    assert picture_text(picture) == (
        "rows = queries, columns = keys k1 k2 q1 0.00 0.50 q2 1.00 0.25"
    )
    assert picture.count('<td style="background:') == 4
    rows = re.findall(r"<tr[^>]*>", picture)
    assert "outline:2px solid #E69F00" in rows[2] and "outline" not in rows[1]
    assert "background:#00224E;color:white" in picture  # the smallest value, white ink
    assert "background:#FEE838;color:#222222" in picture  # the largest value, dark ink


def test_heatmap_without_labels_or_numbers() -> None:
    picture = pictures.heatmap(torch.ones(2, 3), description="ones")
    assert picture_text(picture) == "" and picture.count("<td") == 6


def test_bar_chart_bars_values_and_legend() -> None:
    picture = pictures.bar_chart(
        ["a", "b"], {"weight": [0.25, 0.75]}, description="two bars", bar_height=60
    )
    assert picture_text(picture) == "0.25 a 0.75 b"
    assert "height:20px" in picture and "height:60px" in picture
    two = pictures.bar_chart(
        ["a"], {"unscaled": [1.0], "scaled": [0.5]}, description="d", number_format=None
    )
    assert picture_text(two) == "unscaled scaled a", "a legend names each series"


def test_number_lines_marks_the_chosen_dot() -> None:
    picture = pictures.number_lines(
        {"dimension 0": [-1.0, 1.0], "dimension 1": [0.5, 0.0]},
        marked=1,
        limit=2.0,
        description="two lines",
    )
    assert picture_text(picture) == "-2.00 0 2.00 dimension 0 1.0000 dimension 1 0.0000"
    assert "left:25.00%" in picture and "left:75.00%" in picture  # -1 and 1 of ±2


def test_token_boxes_ids_unknown_words_and_limit() -> None:
    picture = pictures.token_boxes(["the", "cat", "the"], [1, None, 1])
    assert picture_labels(picture) == [
        "Each word above its id, in sentence order: the 1, cat ?, the 1."
    ]
    assert picture_text(picture) == "the 1 position 0 cat ? position 1 the 1 position 2"
    many = pictures.token_boxes([f"w{i}" for i in range(20)], list(range(20)), max_words=3)
    assert picture_labels(many)[0].startswith(
        "Each word above its id, in sentence order (first 3 of 20 words): w0 0"
    )


def test_weights_picture_frames_the_query_row() -> None:
    weights = torch.tensor([[0.5, 0.5], [0.2, 0.8]])
    picture = pictures.weights_picture(weights, ["a", "b"], 1, "caption")
    assert picture_labels(picture) == [
        "Attention weights of 2 words, rows = queries, columns = keys; the row of query 'b' "
        "is framed in orange.",
        "Weights of query 'b' over the keys: a 0.20, b 0.80.",
    ]
    assert "caption" in picture_text(picture)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: pictures.heatmap(
            [[1.0]], rows=[HOSTILE], columns=[HOSTILE], title=HOSTILE, description=HOSTILE
        ),
        lambda: pictures.bar_chart([HOSTILE], {HOSTILE: [1.0]}, title=HOSTILE, description=HOSTILE),
        lambda: pictures.number_lines({HOSTILE: [1.0]}, title=HOSTILE, description=HOSTILE),
        lambda: pictures.token_boxes([HOSTILE], [0]),
        lambda: pictures.weights_picture([[1.0]], [HOSTILE], 0, HOSTILE),
        lambda: pictures.message(HOSTILE),
    ],
    ids=["heatmap", "bar_chart", "number_lines", "token_boxes", "weights_picture", "message"],
)
def test_labels_are_escaped(draw: Callable[[], str]) -> None:
    picture = draw()
    assert "<script" not in picture and ESCAPED in picture
    assert HOSTILE in picture_text(picture) or HOSTILE in picture_labels(picture)[0]
