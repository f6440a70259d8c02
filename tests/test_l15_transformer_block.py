"""Lesson 15, the Transformer block: helpers.block (the block, LayerNorm, GELU, the feed-forward
network), cross-attention in helpers.multihead, and helpers.real_model's whole encoder and
sentence embedding; then the lesson's picture, explorer and checks.

References are independent of the code under test: PyTorch's ``nn.TransformerEncoderLayer``,
``nn.MultiheadAttention`` and ``F.gelu``, the model's file read with ``safetensors``, and the
model run by Hugging Face's ``transformers`` (tests marked ``model``). Expected texts are written
out as the lesson shows them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from course import figure_text, picture_labels
from torch import nn

from helpers import SENTENCE, real_model
from helpers.block import LayerNorm, TransformerBlock, gelu
from helpers.lessons import l15_transformer_block as lesson
from helpers.multihead import MultiHeadAttention
from helpers.ui.pictures import figure

# ================================================================================================
# helpers.block and cross-attention, against PyTorch's modules
# ================================================================================================


def torch_layer(
    d: int, heads: int, d_ff: int, norm_first: bool, seed: int
) -> nn.TransformerEncoderLayer:
    """PyTorch's block with BERT's settings (or GPT's order), its weights drawn from ``seed``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = nn.TransformerEncoderLayer(d, heads, d_ff, dropout=0.0, activation="gelu",
                                           layer_norm_eps=1e-12, norm_first=norm_first,
                                           batch_first=True)  # fmt: skip
        for norm in (layer.norm1, layer.norm2):  # LayerNorm starts at ones and zeros: move them
            nn.init.normal_(norm.weight, 1.0, 0.3)
            nn.init.normal_(norm.bias, 0.0, 0.3)
    return layer.eval()


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_block_equals_transformer_encoder_layer(norm_first: bool, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    heads = int(torch.randint(1, 5, (1,), generator=g))
    d = heads * int(torch.randint(1, 9, (1,), generator=g))
    d_ff = int(torch.randint(1, 65, (1,), generator=g))
    batch, n = (int(v) for v in torch.randint(1, 5, (2,), generator=g))
    theirs = torch_layer(d, heads, d_ff, norm_first, seed)
    ours = TransformerBlock(d, heads, d_ff, norm_first=norm_first).load_from_torch(theirs).eval()
    x = torch.randn(batch, n, d, generator=g)
    with torch.no_grad():
        assert torch.allclose(ours(x), theirs(x), atol=1e-5)
        lengths = torch.randint(1, n + 1, (batch,), generator=g)
        real = torch.arange(n) < lengths[:, None]  # (batch, n): True = a real token
        expected = theirs(x, src_key_padding_mask=~real)  # PyTorch: True = padding
        found = ours(x, real[:, None, :])
        assert torch.allclose(found[real], expected[real], atol=1e-5), "padding masked alike"


def test_block_output_has_the_input_shape_and_its_steps_end_with_it() -> None:
    block = TransformerBlock(8, 2).eval()
    x = torch.randn(3, 5, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        steps = block.steps(x)
        assert list(steps) == list(lesson.STEPS)
        assert all(v.shape == x.shape for v in steps.values())
        assert torch.equal(steps["output"], block(x)) and torch.equal(steps["input"], x)
    assert block.feed_forward.up.out_features == 32, "d_ff defaults to 4 d"


def test_gelu_and_layer_norm_equal_pytorchs() -> None:
    z = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    assert torch.allclose(gelu(z), F.gelu(z), atol=1e-12)
    norm, theirs = LayerNorm(7, eps=1e-12), nn.LayerNorm(7, eps=1e-12)
    with torch.no_grad():
        for p in (norm.weight, norm.bias):
            p.normal_()
        theirs.load_state_dict(norm.state_dict())
        x = torch.randn(4, 7)
        assert torch.allclose(norm(x), theirs(x), atol=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_cross_attention_equals_multihead_attention(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    heads = int(torch.randint(1, 4, (1,), generator=g))
    d = heads * int(torch.randint(1, 6, (1,), generator=g))
    batch, n, m = (int(v) for v in torch.randint(1, 7, (3,), generator=g))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        theirs = nn.MultiheadAttention(d, heads, batch_first=True)
    ours = MultiHeadAttention(d, heads).load_from_torch(theirs)
    x, source = torch.randn(batch, n, d, generator=g), torch.randn(batch, m, d, generator=g)
    with torch.no_grad():
        out, weights = ours.attend(x, source=source)
        their_out, their_weights = theirs(x, source, source, average_attn_weights=False)
        assert out.shape == (batch, n, d) and weights.shape == (batch, heads, n, m)
        assert torch.allclose(out, their_out, atol=1e-5)
        assert torch.allclose(weights, their_weights, atol=1e-6)
        one, _ = ours.attend(x[0], source=source[0])  # one sentence, no batch dimension
        assert torch.allclose(one, out[0], atol=1e-6)


# ================================================================================================
# helpers.real_model: every layer, then the sentence embedding
# ================================================================================================


def file_tensors(prefix: str) -> dict[str, torch.Tensor]:
    """The model's tensors named ``prefix...``, read straight from its file with safetensors."""
    from safetensors import safe_open

    with safe_open(str(real_model.model_path() / "model.safetensors"), "pt") as f:
        return {k: f.get_tensor(k) for k in f.keys() if k.startswith(prefix)}


@pytest.mark.parametrize("layer", range(real_model.LAYERS))
def test_minilm_block_holds_the_files_weights(layer: int) -> None:
    block = real_model.minilm_block(layer)
    found = dict(block.named_parameters())
    expected = file_tensors(f"encoder.layer.{layer}.")
    assert sum(p.numel() for p in found.values()) == sum(t.numel() for t in expected.values())
    for mine, name in real_model.BLOCK_NAMES.items():
        for kind in ("weight", "bias"):
            assert torch.equal(
                found[f"{mine}.{kind}"], expected[f"encoder.layer.{layer}.{name}.{kind}"]
            )
    assert not block.training and block.norm1.eps == 1e-12 and not block.norm_first
    assert real_model.minilm_block(layer) is block, "built once"


@functools.cache
def model_outputs(sentences: tuple[str, ...]) -> Any:
    """The model's own outputs for ``sentences`` (padded), from Hugging Face's code."""
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    batch = tokenizer(list(sentences), padding=True, return_tensors="pt")
    with torch.no_grad():
        return batch, model(**batch, output_hidden_states=True)


def model_embedding(sentences: tuple[str, ...]) -> torch.Tensor:
    """The sentence embeddings as sentence-transformers computes them from the model's output:
    the masked mean of the last hidden states, then L2 normalisation."""
    batch, out = model_outputs(sentences)
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return F.normalize(mean, p=2, dim=1)


@pytest.mark.model
@pytest.mark.parametrize("sentences", [(SENTENCE,), (SENTENCE, "The fox jumps"), lesson.SIMILAR])
def test_encoder_equals_the_model_layer_by_layer(sentences: tuple[str, ...]) -> None:
    batch, out = model_outputs(sentences)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    found = (
        real_model.encoder(ids, mask) if len(sentences) > 1 else real_model.encoder(ids[0])[:, None]
    )
    assert found.shape == (7, *ids.shape, 384)
    real = mask.bool()
    for layer in range(7):
        expected = out.hidden_states[layer]
        assert torch.allclose(found[layer][real], expected[real], atol=1e-5), (
            f"hidden_states[{layer}]"
        )


@pytest.mark.model
def test_sentence_embedding_equals_the_models() -> None:
    sentences = (
        SENTENCE,
        *lesson.SIMILAR[1:],
        lesson.UNRELATED,
        "Self-attention is unbelievably useful",
    )
    expected = model_embedding(sentences)
    for sentence, embedding in zip(sentences, expected, strict=True):
        assert torch.allclose(real_model.sentence_embedding(sentence), embedding, atol=1e-6)
    batch, out = model_outputs(sentences)
    pooled = real_model.mean_pooling(out.last_hidden_state, batch["attention_mask"])
    assert torch.allclose(F.normalize(pooled, dim=-1), expected, atol=1e-6), "padding left out"


@pytest.mark.model
def test_the_recorded_embedding_is_the_models() -> None:
    assert torch.allclose(
        real_model.recorded_run().sentence_embedding, model_embedding((SENTENCE,))[0], atol=1e-6
    )


def test_pooling_configuration_is_mean_then_normalise() -> None:
    import json

    folder = real_model.model_path()
    types = [
        m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())
    ]
    assert types == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    assert [k for k, v in pooling.items() if v is True] == ["pooling_mode_mean_tokens"]


# ---- bad input ----------------------------------------------------------------------------
BLOCK = TransformerBlock(8, 2, 32)
BAD_INPUT = [
    (lambda: TransformerBlock(8, 3), ValueError, "num_heads must divide d_model"),
    (lambda: TransformerBlock(0, 2), ValueError, "d_model must be a positive int; got 0"),
    (lambda: TransformerBlock(8, 2, d_ff=2.5), TypeError, "d_ff must be a positive int; got 2.5"),
    (lambda: TransformerBlock(8, 2, norm_first="yes"), TypeError, "norm_first must be True or False; got 'yes'"),
    (lambda: BLOCK(torch.ones(9, 5)), ValueError, "x must have 8 features in its last dimension (d_model=8); got shape (9, 5)"),
    (lambda: BLOCK([[1.0] * 8]), TypeError, "x must be a 2-D or 3-D torch.Tensor; got [[1.0, 1.0"),
    (lambda: BLOCK.load_from_torch(nn.Linear(8, 8)), TypeError, "layer must be a torch.nn.TransformerEncoderLayer; got Linear("),
    (lambda: BLOCK.load_from_torch(torch_layer(8, 2, 32, True, 0)), ValueError, "layer must have norm_first=False like this block; got norm_first=True"),
    (lambda: BLOCK.load_from_torch(nn.TransformerEncoderLayer(8, 2, 32, batch_first=True)), ValueError, "layer must be built with activation='gelu' like this block"),
    (lambda: BLOCK.load_from_torch(torch_layer(8, 2, 16, False, 0)), ValueError, "layer must have dim_feedforward=32 like this block; got 16"),
    (lambda: BLOCK.load_from_torch(nn.TransformerEncoderLayer(8, 2, 32, activation="gelu")), ValueError, "module must be built with batch_first=True"),
    (lambda: gelu([0.5]), TypeError, "x must be a torch.Tensor of at least 1 dimensions; got [0.5]"),
    (lambda: MultiHeadAttention(8, 2).attend(torch.ones(9, 8), source=torch.ones(5, 4)), ValueError, "source must have 8 features in its last dimension (d_model=8); got shape (5, 4)"),
    (lambda: MultiHeadAttention(8, 2).attend(torch.ones(1, 9, 8), source=torch.ones(5, 8)), ValueError, "source must have the same batch dimensions as x; got x (1, 9, 8) and source (5, 8)"),
    (lambda: MultiHeadAttention(8, 2).attend(torch.ones(1, 9, 8), source=[1.0]), TypeError, "source must be a 2-D or 3-D torch.Tensor; got [1.0]"),
    (lambda: lesson.block_example("yes"), TypeError, "norm_first must be True or False; got 'yes'"),
    (lambda: real_model.minilm_block(6), ValueError, "layer must be from 0 to 5; got 6"),
    (lambda: real_model.minilm_block("0"), TypeError, "layer must be an int from 0 to 5; got '0'"),
    (lambda: real_model.encoder(torch.tensor([101, 102]), [1, 1]), TypeError, "attention_mask must be a tensor of 1s and 0s, one per token of input_ids; got [1, 1]"),
    (lambda: real_model.encoder(torch.tensor([[101, 102]]), torch.ones(1, 3)), ValueError, "attention_mask must have shape (1, 2), one entry per token of input_ids; got (1, 3)"),
    (lambda: real_model.mean_pooling(torch.ones(3, 384), [1, 1, 1]), TypeError, "attention_mask must be a tensor of 1s and 0s, one per token of hidden; got [1, 1, 1]"),
    (lambda: real_model.encoder([101, 102]), TypeError, "input_ids must be a 1-D or 2-D torch.Tensor; got [101, 102]"),
    (lambda: real_model.sentence_embedding(""), ValueError, "sentence must contain at least one word"),
    (lambda: real_model.mean_pooling([[1.0]], torch.ones(1)), TypeError, "hidden must be a 2-D or 3-D torch.Tensor; got [[1.0]]"),
    (lambda: real_model.mean_pooling(torch.ones(3, 384), torch.ones(4)), ValueError, "attention_mask must have shape (3,), one entry per token of hidden; got (4,)"),
]  # fmt: skip
"""The functions 15_transformer_block.ipynb calls with its own tensors, given wrong ones."""


# ================================================================================================
# The lesson module: its picture, its explorer and its exercise checks.
# ================================================================================================


def test_block_example_is_seeded_and_leaves_the_global_state() -> None:
    torch.manual_seed(0)
    before = torch.random.get_rng_state()
    words, x, block = lesson.block_example()
    assert torch.equal(torch.random.get_rng_state(), before)
    assert words[3] == "fox" and x.shape == (1, 9, 8)
    again = lesson.block_example()[2]
    assert all(
        torch.equal(a, b)
        for a, b in zip(block.state_dict().values(), again.state_dict().values(), strict=True)
    )


TEXTS = {
    (4, 0, "output"): (
        "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
        "  input              length  11.80   cosine with the input +1.00\n"
        "  attention          length   3.58   cosine with the input +0.05\n"
        "  input + attention  length  12.49   cosine with the input +0.96\n"
        "  LayerNorm 1        length  12.40   cosine with the input +0.91\n"
        "  feed-forward       length   5.85   cosine with the input +0.04\n"
        "  h + feed-forward   length  13.93   cosine with the input +0.82\n"
        "  output             length  12.67   cosine with the input +0.82"
    ),
    (4, 0, "input"): (
        "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
        "  input              length  11.80   cosine with the input +1.00"
    ),
    (4, 0, "attention"): (
        "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
        "  input              length  11.80   cosine with the input +1.00\n"
        "  attention          length   3.58   cosine with the input +0.05"
    ),
    (4, 5, "attention"): (
        "layer 5, token 'fox': its vector (384 numbers) after each sub-step\n"
        "  input              length  13.02   cosine with the input +1.00\n"
        "  attention          length   6.95   cosine with the input +0.16"
    ),
    (0, 5, "attention"): (
        "layer 5, token '[CLS]': its vector (384 numbers) after each sub-step\n"
        "  input              length  10.10   cosine with the input +1.00\n"
        "  attention          length   7.42   cosine with the input -0.01"
    ),
    (0, 5, "output"): (
        "layer 5, token '[CLS]': its vector (384 numbers) after each sub-step\n"
        "  input              length  10.10   cosine with the input +1.00\n"
        "  attention          length   7.42   cosine with the input -0.01\n"
        "  input + attention  length  12.46   cosine with the input +0.80\n"
        "  LayerNorm 1        length  13.39   cosine with the input +0.88\n"
        "  feed-forward       length   6.21   cosine with the input -0.12\n"
        "  h + feed-forward   length  14.13   cosine with the input +0.78\n"
        "  output             length   8.00   cosine with the input +0.67"
    ),
    (4, 5, "output"): (
        "layer 5, token 'fox': its vector (384 numbers) after each sub-step\n"
        "  input              length  13.02   cosine with the input +1.00\n"
        "  attention          length   6.95   cosine with the input +0.16\n"
        "  input + attention  length  15.69   cosine with the input +0.90\n"
        "  LayerNorm 1        length  11.50   cosine with the input +0.90\n"
        "  feed-forward       length  10.22   cosine with the input -0.36\n"
        "  h + feed-forward   length  11.77   cosine with the input +0.57\n"
        "  output             length  10.97   cosine with the input +0.71"
    ),
}


def test_drive_block_explorer() -> None:
    explorer = lesson.block_explorer()
    token, layer, step = (explorer.controls[k] for k in ("token", "layer", "step"))
    assert isinstance(token, widgets.Dropdown) and isinstance(layer, widgets.Dropdown)
    assert isinstance(step, widgets.SelectionSlider)
    assert [label for label, _ in token.options] == real_model.tokenize(SENTENCE)[0]
    assert step.options == lesson.STEPS and explorer.picture.layout.height == "150px"
    assert explorer.fallback.startswith("[Block explorer: pick a token and a layer")
    steps_of = {
        i: real_model.minilm_block(i).steps(real_model.recorded_run().hidden_states[i])
        for i in (0, 5)
    }

    def shows(state: tuple[int, int, str]) -> None:
        t, ell, s = state
        assert (token.value, layer.value, step.value) == state
        assert explorer.shown_text() == TEXTS[state]
        shown = lesson.STEPS[: lesson.STEPS.index(s) + 1]
        with torch.no_grad():  # lengths from the layer run on the model's own recorded input
            lengths = [steps_of[ell][name][t].norm().item() for name in shown]
        bars = explorer.view.picture
        assert list(bars.series) == ["length"]
        assert bars.series["length"] == pytest.approx(lengths, abs=1e-4)
        [label] = picture_labels(bars.html())
        assert label.startswith(
            f"Bars: the length of the vector of token {token.label!r} after each sub-step of layer {ell} up to {s!r}: "
        )

    shows((4, 0, "output"))
    step.value = "input"
    shows((4, 0, "input"))
    step.value = "attention"
    shows((4, 0, "attention"))
    layer.value = 5
    shows((4, 5, "attention"))
    token.value = 0
    shows((0, 5, "attention"))
    step.value = "output"
    shows((0, 5, "output"))
    assert "length of the vector of '[CLS]', layer 5" in figure_text(figure(explorer.view.picture))
    token.value = 4
    shows((4, 5, "output"))
    layer.value = 0
    shows((4, 0, "output"))


@pytest.mark.parametrize("layer", range(real_model.LAYERS))
def test_layer_steps_end_with_the_models_hidden_state(layer: int) -> None:
    assert torch.allclose(
        lesson.layer_steps(layer)["output"],
        real_model.recorded_run().hidden_states[layer + 1],
        atol=1e-5,
    )


def test_block_figure_draws_both_orders() -> None:
    fig = lesson.block_figure()
    left, right = fig.axes
    assert left.get_title() == "post-LN: add, then normalise (BERT, MiniLM)"
    assert right.get_title() == "pre-LN: normalise, then add (GPT-2, Llama)"
    post = (
        "input x",
        "multi-head attention",
        "+",
        "LayerNorm",
        "feed-forward\nd → 4d → d, GELU",
        "+",
        "LayerNorm",
        "output",
    )
    pre = (
        "input x",
        "LayerNorm",
        "multi-head attention",
        "+",
        "LayerNorm",
        "feed-forward\nd → 4d → d, GELU",
        "+",
        "output",
    )
    for ax, boxes in ((left, post), (right, pre)):
        texts = [t.get_text() for t in ax.texts if t.get_text()]  # an arrow is an empty text
        assert [t for t in texts if t != "residual"] == list(boxes)
        assert texts.count("residual") == 2 and texts.count("+") == 2


# ---- exercises ----------------------------------------------------------------------------------


def layer_count() -> int:
    """Exercise 1 from the model's file: every tensor of layer 0."""
    return sum(t.numel() for t in file_tensors("encoder.layer.0.").values())


def pre_ln_reference() -> torch.Tensor:
    """Exercise 2 from PyTorch: nn.TransformerEncoderLayer(norm_first=True) holding the lesson
    block's weights (copied into PyTorch's names), on the lesson's input."""
    _words, x, block = lesson.block_example()
    theirs = torch_layer(8, 2, 32, True, 0)
    with torch.no_grad():
        d = 8
        a = block.attention
        theirs.self_attn.in_proj_weight.copy_(
            torch.cat([a.query.weight, a.key.weight, a.value.weight])
        )
        theirs.self_attn.in_proj_bias.copy_(torch.cat([a.query.bias, a.key.bias, a.value.bias]))
        theirs.self_attn.out_proj.weight.copy_(a.out.weight)
        theirs.self_attn.out_proj.bias.copy_(a.out.bias)
        for mine, their in ((block.norm1, theirs.norm1), (block.norm2, theirs.norm2),
                            (block.feed_forward.up, theirs.linear1), (block.feed_forward.down, theirs.linear2)):  # fmt: skip
            their.weight.copy_(mine.weight)
            their.bias.copy_(mine.bias)
        assert theirs.self_attn.in_proj_weight.shape == (3 * d, d)
        return theirs(x)


@pytest.mark.model
def test_pre_ln_reference_is_the_lessons_answer() -> None:
    assert torch.allclose(lesson.pre_ln_output(), pre_ln_reference(), atol=1e-5)


def cls_vectors() -> torch.Tensor:
    """The [CLS] token's last hidden state of each of exercise 3's sentences, (2, 384)."""
    return model_outputs(lesson.SIMILAR)[1].last_hidden_state[:, 0]


def similarity_reference() -> float:
    """Exercise 3 from the model run by transformers and pooled as sentence-transformers does."""
    first, second = model_embedding(lesson.SIMILAR)
    return float(first @ second)


RIGHT_ANSWERS = {
    "check_layer_parameter_count": layer_count,
    "check_pre_ln_output": pre_ln_reference,
    "check_sentence_similarity": similarity_reference,
}
"""The right answer of each exercise, computed independently (tests/test_toolkit.py)."""

D, FF = 384, 1536


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (1_774_464, "Correct! 1,774,464: the attention 591,360, the feed-forward 1,181,568"),
        (torch.tensor(1_774_464), "Correct!"),
        (4 * D * D + 2 * D * FF, "those are the weight matrices alone"),
        (1_774_464 - 1_536, "close: the two LayerNorms are learnable too"),
        (1_774_464 - 768, "close: each LayerNorm has two vectors"),
        (591_360, "that is the attention alone"),
        (1_181_568, "that is the feed-forward network alone"),
        (1_774_464 - D * D - D, "the attention has four layers"),
        (6 * 1_774_464, "that is all six layers"),
        (22_713_216, "is not the count of one layer"),
        ("1774464", "you gave the text '1774464'; write the number of learnable numbers as a number"),
        (..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_layer_parameter_count(answer: Any, expected: str) -> None:
    assert expected in str(lesson.check_layer_parameter_count(answer))


def wrong_pre_ln(kind: str) -> torch.Tensor:
    _words, x, block = lesson.block_example()
    with torch.no_grad():
        h = x + block.attention(block.norm1(x))
        return {
            "post": block(x),
            "final norm": block.norm2(h + block.feed_forward(block.norm2(h))),
            "no residual": block.feed_forward(block.norm2(h)),
            "no norm2": h + block.feed_forward(h),
        }[kind]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (pre_ln_reference, "Correct! your pre-LN output is right."),
        (lambda: pre_ln_reference().double().numpy(), "Correct!"),
        (lambda: wrong_pre_ln("post"), "that is the post-LN output"),
        (lambda: wrong_pre_ln("final norm"), "a LayerNorm after the last add makes it post-LN again"),
        (lambda: wrong_pre_ln("no residual"), "the second residual is missing"),
        (lambda: wrong_pre_ln("no norm2"), "the feed-forward network's input must be normalised first"),
        (lambda: torch.zeros(1, 9, 8), "these are not the block's pre-LN outputs."),
        (lambda: torch.zeros(9, 8), "your answer has shape (9, 8); the block's output has shape (1, 9, 8)"),
        (lambda: ..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_pre_ln_output(make: Callable[[], Any], expected: str) -> None:
    assert expected in str(lesson.check_pre_ln_output(make()))


@pytest.mark.model
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (similarity_reference, "Correct! 0.8747: the two sentences share few words but mean nearly the same"),
        (lambda: round(similarity_reference(), 2), "close, but not precise enough"),
        (lambda: [similarity_reference()], "Correct!"),
        (lambda: 3.5, "a cosine similarity lies between -1 and 1; you gave 3.5"),
        (lambda: float(F.cosine_similarity(*cls_vectors(), dim=0)), "that compares the [CLS] tokens' vectors"),
        (lambda: 0.5, "0.5000 is not the similarity of the two sentences."),
        (lambda: ..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_sentence_similarity(make: Callable[[], Any], expected: str) -> None:
    assert expected in str(lesson.check_sentence_similarity(make()))


def test_check_sentence_similarity_names_the_unnormalised_dot_product() -> None:
    ids = [real_model.tokenize(s)[1] for s in lesson.SIMILAR]
    means = [real_model.encoder(i)[-1].mean(0) for i in ids]
    assert "before their normalisation" in str(
        lesson.check_sentence_similarity(float(means[0] @ means[1]))
    )
    assert math.isfinite(float(means[0] @ means[1]))
