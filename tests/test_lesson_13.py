"""Lesson 13 (a real model's attention): its picture, its explorer and its exercise checks.

helpers.real_model itself is tested in tests/test_real_model.py. Expected texts are written
out here, as the lesson shows them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from matplotlib.figure import Figure

import helpers.beyond_exercises as exercises
import helpers.beyond_explorers as explorers
import helpers.beyond_figures as figures
from helpers import real_model
from helpers.figures import heatmap_figure, render_png
from helpers.html_pictures import picture_labels

TOKENS = ["[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "[SEP]"]

TEXTS = {
    (0, 2): [
        "layer 0, head 2 of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
        "  [CLS]→[CLS] 1.00   the→[CLS] 1.00   quick→the 1.00   brown→quick 1.00",
        "  fox→brown 1.00   jumps→fox 1.00   over→jumps 1.00   a→over 1.00",
        "  lazy→a 1.00   dog→lazy 1.00   [SEP]→dog 1.00",
        "mean weight on [CLS] 0.18, on [SEP] 0.00, on itself 0.09,",
        "            on the previous token 1.00, on the next token 0.00",
    ],
    (1, 2): [
        "layer 1, head 2 of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
        "  [CLS]→[CLS] 0.94   the→[CLS] 0.31   quick→[CLS] 0.38   brown→quick 0.50",
        "  fox→[CLS] 0.41   jumps→[CLS] 0.29   over→[CLS] 0.20   a→over 0.39",
        "  lazy→[CLS] 0.37   dog→[CLS] 0.34   [SEP]→[CLS] 0.20",
        "mean weight on [CLS] 0.34, on [SEP] 0.04, on itself 0.13,",
        "            on the previous token 0.20, on the next token 0.10",
    ],
    (1, 8): [
        "layer 1, head 8 of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
        "  [CLS]→[CLS] 0.87   the→quick 0.52   quick→brown 0.78   brown→fox 0.72",
        "  fox→jumps 0.59   jumps→over 0.59   over→a 0.91   a→lazy 0.43",
        "  lazy→dog 0.49   dog→[CLS] 0.42   [SEP]→[CLS] 0.97",
        "mean weight on [CLS] 0.40, on [SEP] 0.04, on itself 0.15,",
        "            on the previous token 0.03, on the next token 0.54",
    ],
    (0, 8): [
        "layer 0, head 8 of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
        "  [CLS]→[CLS] 0.69   the→the 0.56   quick→[CLS] 0.41   brown→[CLS] 0.40",
        "  fox→[SEP] 0.43   jumps→[CLS] 0.42   over→[CLS] 0.39   a→[CLS] 0.33",
        "  lazy→[CLS] 0.64   dog→[CLS] 0.35   [SEP]→[CLS] 0.59",
        "mean weight on [CLS] 0.43, on [SEP] 0.17, on itself 0.23,",
        "            on the previous token 0.04, on the next token 0.04",
    ],
    (0, 9): [
        "layer 0, head 9 of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
        "  [CLS]→[SEP] 0.99   the→[CLS] 0.31   quick→[CLS] 0.58   brown→[CLS] 0.23",
        "  fox→[CLS] 0.38   jumps→[CLS] 0.61   over→[CLS] 0.49   a→[CLS] 0.22",
        "  lazy→[CLS] 0.45   dog→[CLS] 0.39   [SEP]→dog 0.16",
        "mean weight on [CLS] 0.34, on [SEP] 0.09, on itself 0.05,",
        "            on the previous token 0.12, on the next token 0.06",
    ],
}

STRONGEST = {
    (0, 2): "[CLS] [CLS] 1.00, the [CLS] 1.00, quick the 1.00, brown quick 1.00, fox brown 1.00, "
    "jumps fox 1.00, over jumps 1.00, a over 1.00, lazy a 1.00, dog lazy 1.00, [SEP] dog 1.00",
    (1, 2): "[CLS] [CLS] 0.94, the [CLS] 0.31, quick [CLS] 0.38, brown quick 0.50, fox [CLS] 0.41, "
    "jumps [CLS] 0.29, over [CLS] 0.20, a over 0.39, lazy [CLS] 0.37, dog [CLS] 0.34, [SEP] [CLS] 0.20",
    (1, 8): "[CLS] [CLS] 0.87, the quick 0.52, quick brown 0.78, brown fox 0.72, fox jumps 0.59, "
    "jumps over 0.59, over a 0.91, a lazy 0.43, lazy dog 0.49, dog [CLS] 0.42, [SEP] [CLS] 0.97",
    (0, 8): "[CLS] [CLS] 0.69, the the 0.56, quick [CLS] 0.41, brown [CLS] 0.40, fox [SEP] 0.43, "
    "jumps [CLS] 0.42, over [CLS] 0.39, a [CLS] 0.33, lazy [CLS] 0.64, dog [CLS] 0.35, [SEP] [CLS] 0.59",
    (0, 9): "[CLS] [SEP] 0.99, the [CLS] 0.31, quick [CLS] 0.58, brown [CLS] 0.23, fox [CLS] 0.38, "
    "jumps [CLS] 0.61, over [CLS] 0.49, a [CLS] 0.22, lazy [CLS] 0.45, dog [CLS] 0.39, [SEP] dog 0.16",
}


def label(layer: int, head: int) -> list[str]:
    return [
        f"Attention weights of layer {layer}, head {head} of all-MiniLM-L6-v2 on the 11 tokens "
        "of the course sentence, rows = queries, columns = keys; strongest key of each query: "
        f"{STRONGEST[layer, head]}."
    ]


def snapshot(layer: int, head: int) -> bytes:
    weights = real_model.run_model().attentions[layer, head]
    return render_png(
        heatmap_figure(
            weights,
            TOKENS,
            TOKENS,
            f"all-MiniLM-L6-v2, layer {layer}, head {head}",
            row_title="query token (row)",
            column_title="key token (column)",
        )
    )


def test_drive_real_model_explorer() -> None:
    explorer = explorers.real_model_explorer()
    layer, head = explorer.controls["layer"], explorer.controls["head"]
    assert isinstance(layer, widgets.Dropdown) and isinstance(head, widgets.Dropdown)
    assert layer.options == tuple((str(i), i) for i in range(6))
    assert head.options == tuple((str(i), i) for i in range(12))

    def shows(at: tuple[int, int]) -> None:
        assert explorer.shown_text() == "\n".join(TEXTS[at])
        assert picture_labels(explorer.picture.value) == label(*at)
        assert ">[CLS]<" in explorer.picture.value and ">CLS<" in explorer.picture.value

    shows((0, 2))
    assert explorer.snapshot_png() == snapshot(0, 2)
    layer.value = 1
    shows((1, 2))
    head.value = 8
    shows((1, 8))
    assert explorer.snapshot_png() == snapshot(1, 8)
    layer.value = 0
    shows((0, 8))
    head.value = 9
    shows((0, 9))
    head.value = 2
    shows((0, 2))


def test_attention_grid_figure() -> None:
    run = real_model.run_model()
    fig = figures.attention_grid_figure(run.attentions, run.tokens, "a title")
    assert isinstance(fig, Figure)
    plots = [ax for ax in fig.axes if ax.get_title().startswith("head") or ax.images]
    assert len(plots) == 72
    assert [ax.get_title() for ax in fig.axes[:12]] == [f"head {i}" for i in range(12)]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == TOKENS
    assert fig.axes[0].get_ylabel() == "layer 0" and fig.axes[60].get_ylabel() == "layer 5"
    assert render_png(fig).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            12,
            "Correct! 12 tokens: [CLS] self - attention is un ##bel ##ie ##va ##bly useful [SEP].",
        ),
        (torch.tensor(12), "Correct! 12 tokens"),
        (4, "that is the number of words"),
        (10, "not the two special tokens"),
        (9, "9 is not the number of tokens the model sees"),
        ("12", "is one number; you gave '12'"),
        ([12], "is one number"),
    ],
)
def test_check_token_count(answer: Any, expected: str) -> None:
    assert expected in exercises.check_token_count(answer).message


def _layer_1_head_8(
    bias: bool = True, scale: float = math.sqrt(32), layer_input: int = 1
) -> torch.Tensor:
    run = real_model.run_model()
    p = real_model.head_projections(1, 8)
    h = run.hidden_states[layer_input]
    q, k = h @ p["W_q"].T, h @ p["W_k"].T
    if bias:
        q, k = q + p["b_q"], k + p["b_k"]
    return torch.softmax(q @ k.T / scale, dim=-1)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: _layer_1_head_8(), "Correct! your weights equal the model's"),
        (lambda: real_model.run_model().attentions[1, 8].clone(), "Correct!"),
        (lambda: _layer_1_head_8().T, "your matrix is transposed"),
        (lambda: _layer_1_head_8(layer_input=0), "you fed layer 1 the embeddings"),
        (lambda: _layer_1_head_8(bias=False), "the biases are missing"),
        (lambda: _layer_1_head_8(scale=math.sqrt(384)), "you divided the scores by sqrt(384)"),
        (lambda: real_model.run_model().attentions[0, 8], "another layer or head"),
        (lambda: real_model.run_model().attentions[1, 2], "another layer or head"),
        (lambda: torch.full((11, 11), 1 / 11), "these are not the weights of layer 1, head 8"),
        (lambda: torch.zeros(11, 9), "your tensor has shape (11, 9)"),
        (lambda: torch.ones(11, 11, dtype=torch.long), "dtype torch.int64"),
        (lambda: "weights", "should be a tensor of shape (11, 11)"),
    ],
)
def test_check_next_token_head(make: Callable[[], Any], expected: str) -> None:
    assert expected in exercises.check_next_token_head(make()).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (3 * (384 * 384 + 384), "Correct! 443,520 numbers"),
        (3 * 384 * 384, "counted the weights but not the biases"),
        (384 * 384 + 384, "that is one projection"),
        (384 * 384, "that is one projection"),
        (3 * (384 * 384 + 384) // 12, "one head's share"),
        (6 * 3 * (384 * 384 + 384), "all six layers"),
        (24, "24 is not the number"),
        (None, "is one number; you gave None"),
    ],
)
def test_check_qkv_parameter_count(answer: Any, expected: str) -> None:
    assert expected in exercises.check_qkv_parameter_count(answer).message
