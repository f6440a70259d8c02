"""Lesson 13, a real model's attention: its picture, its explorer and its exercise checks.

helpers.real_model itself is tested in tests/test_real_model.py. Right answers come from
the model and its tokenizer directly (Hugging Face's own code, not the course's); expected
texts are written out as the lesson shows them. Loading the model takes a few seconds.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from course import figure_text, picture_labels, picture_text

from helpers import SENTENCE, real_model
from helpers.lessons import l13_a_real_models_attention as lesson
from helpers.ui.figures import render_png
from helpers.ui.pictures import figure

TOKENS = ["[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "[SEP]"]


@functools.cache
def model_output() -> Any:
    """The model's own outputs for the course sentence, from Hugging Face's code."""
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    with torch.no_grad():
        return model(**tokenizer(SENTENCE, return_tensors="pt"), output_attentions=True)


def token_count() -> torch.Tensor:
    ids = real_model.load_tokenizer()("Self-attention is unbelievably useful")["input_ids"]
    return torch.tensor(len(ids))


def qkv_count() -> torch.Tensor:
    attention = real_model.load_model().encoder.layer[0].attention.self
    return torch.tensor(sum(p.numel() for p in attention.parameters()))


RIGHT_ANSWERS = {
    "check_token_count": token_count,
    "check_next_token_head": lambda: model_output().attentions[1][0, 8],
    "check_qkv_parameter_count": qkv_count,
}
"""The right answer of each exercise, from the model itself (tests/test_answers.py)."""


# ---- explorer ----------------------------------------------------------------------------

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


def test_drive_real_model_explorer() -> None:
    explorer = lesson.real_model_explorer()
    layer, head = explorer.controls["layer"], explorer.controls["head"]
    assert isinstance(layer, widgets.Dropdown) and isinstance(head, widgets.Dropdown)
    assert layer.options == tuple((str(i), i) for i in range(6))
    assert head.options == tuple((str(i), i) for i in range(12))
    assert (layer.value, head.value, explorer.picture.layout.height) == (0, 2, "230px")
    assert explorer.fallback.startswith("[Real model explorer: pick a layer and a head")

    def shows(at: tuple[int, int]) -> None:
        assert explorer.shown_text() == "\n".join(TEXTS[at])
        html = explorer.picture.value
        assert picture_labels(html) == [
            f"Attention weights of layer {at[0]}, head {at[1]} of all-MiniLM-L6-v2 on the 11 "
            "tokens of the course sentence, rows = queries, columns = keys; strongest key of "
            f"each query: {STRONGEST[at]}."
        ]
        assert picture_text(html).startswith(
            f"layer {at[0]}, head {at[1]}: rows = queries, columns = keys "
            "CLS the quick brown fox jumps over a lazy dog SEP [CLS] "
        )
        weights = model_output().attentions[at[0]][0, at[1]]
        assert torch.equal(torch.tensor(explorer.view.picture.values), weights)

    shows((0, 2))
    layer.value = 1
    shows((1, 2))
    head.value = 8
    shows((1, 8))
    snapshot = figure_text(figure(explorer.view.picture))
    assert "query token (row)" in snapshot and "key token (column)" in snapshot
    layer.value = 0
    shows((0, 8))
    head.value = 9
    shows((0, 9))
    head.value = 2
    shows((0, 2))


# ---- picture -----------------------------------------------------------------------------


def test_attention_grid_figure() -> None:
    attentions = torch.stack(model_output().attentions)[:, 0]  # (6, 12, 11, 11)
    fig = lesson.attention_grid_figure(attentions, TOKENS, "a title")
    maps, colour_bar = fig.axes[:72], fig.axes[72]
    assert len(fig.axes) == 73 and colour_bar.get_ylabel() == "attention weight"
    assert [ax.get_title() for ax in maps[:12]] == [f"head {i}" for i in range(12)]
    assert [t.get_text() for t in maps[0].get_yticklabels()] == TOKENS
    assert [t.get_text() for t in maps[71].get_xticklabels()] == TOKENS
    assert maps[0].get_ylabel() == "layer 0" and maps[60].get_ylabel() == "layer 5"
    assert not maps[13].get_yticklabels() and not maps[13].get_xticklabels(), "inner maps"
    mesh = maps[2].collections[0].get_array().reshape(11, 11)
    assert torch.equal(torch.tensor(mesh.data), attentions[0, 2]), "layer 0, head 2"
    assert fig.get_suptitle() == "a title"
    assert render_png(fig).startswith(b"\x89PNG")


# ---- exercise checks ---------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (12, "Correct! 12 tokens: [CLS] self - attention is un ##bel ##ie ##va ##bly useful [SEP]. "
             "Four words became 10 pieces, plus [CLS] and [SEP]."),
        (torch.tensor(12), "Correct! 12 tokens"),
        ([12], "Correct! 12 tokens"),
        (4, "that is the number of words"),
        (10, "not the two special tokens"),
        (12.5, "12.5 is not the number of tokens the model sees"),
        (9, "9 is not the number of tokens the model sees"),
        ("12", "you gave the text '12'; write the number of tokens as a number"),
    ],
)  # fmt: skip
def test_check_token_count(answer: Any, expected: str) -> None:
    assert expected in verdict(lesson.check_token_count, answer)


def layer_1_head_8(
    bias: bool = True, scale: float = math.sqrt(32), layer_input: int = 1
) -> torch.Tensor:
    """Layer 1, head 8 recomputed by hand from the model's own hidden states and weights."""
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    with torch.no_grad():
        out = model(**tokenizer(SENTENCE, return_tensors="pt"), output_hidden_states=True)
    h = out.hidden_states[layer_input][0]  # (11, 384)
    attention = model.encoder.layer[1].attention.self
    rows = slice(8 * 32, 9 * 32)
    q = h @ attention.query.weight.detach()[rows].T
    k = h @ attention.key.weight.detach()[rows].T
    if bias:
        q, k = q + attention.query.bias.detach()[rows], k + attention.key.bias.detach()[rows]
    return torch.softmax(q @ k.T / scale, dim=-1)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: layer_1_head_8(), "Correct! your weights equal the model's to 4 decimals. "
         "Most tokens look at the NEXT token (e.g. 'quick' → 'brown' 0.78)"),
        (lambda: model_output().attentions[1][0, 8].numpy(), "Correct!"),
        (lambda: layer_1_head_8().round(decimals=2), "close, but not precise enough"),
        (lambda: layer_1_head_8().T, "your matrix is transposed"),
        (lambda: layer_1_head_8(layer_input=0), "you fed layer 1 the embeddings"),
        (lambda: layer_1_head_8(bias=False), "the biases are missing"),
        (lambda: layer_1_head_8(scale=math.sqrt(384)), "you divided the scores by sqrt(384)"),
        (lambda: model_output().attentions[0][0, 8], "another layer or head"),
        (lambda: model_output().attentions[1][0, 2], "another layer or head"),
        (lambda: torch.full((11, 11), 1 / 11), "these are not the weights of layer 1, head 8"),
        (lambda: torch.ones(11, 11, dtype=torch.long), "these are not the weights of layer 1, head 8"),
        (lambda: torch.zeros(11, 9), "your answer has shape (11, 9); the table of weights of layer 1, head 8 has shape (11, 11)"),
        (lambda: "weights", "is a tensor of numbers of shape (11, 11); you gave 'weights'"),
    ],
)  # fmt: skip
def test_check_next_token_head(make: Callable[[], Any], expected: str) -> None:
    assert expected in verdict(lesson.check_next_token_head, make())


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
    assert expected in verdict(lesson.check_qkv_parameter_count, answer)


# ---- bad input: the figure takes the lesson's own tensors --------------------------------

BAD_INPUT = [
    (lambda: lesson.attention_grid_figure(torch.zeros(6, 12, 11), TOKENS), TypeError, "attentions must be a (layers, heads, n, n) tensor of numbers; got tensor("),
    (lambda: lesson.attention_grid_figure("weights", TOKENS), TypeError, "attentions must be a (layers, heads, n, n)"),
    (lambda: lesson.attention_grid_figure(torch.zeros(1, 2, 11, 11), TOKENS[:9]), ValueError, "tokens must label the 11 queries and 11 keys of attentions (layers, heads, n, n); got attentions of shape (1, 2, 11, 11) and 9 tokens."),
    (lambda: lesson.attention_grid_figure(torch.zeros(1, 2, 3, 3), "abc"), TypeError, "tokens must be a list of strings; got 'abc' (type str)"),
]  # fmt: skip
