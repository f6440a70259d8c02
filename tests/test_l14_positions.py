"""Lesson 14, where words are: helpers.positions (sinusoids, offsets, RoPE), helpers.block's
LayerNorm and helpers.real_model's input layer, then the lesson's pictures, explorer and checks.

References are independent of the code under test: the Annotated Transformer's formula for the
sinusoids, complex multiplication (as Meta's Llama code computes RoPE) for the rotations,
PyTorch's own LayerNorm, and the real model run by Hugging Face's ``transformers`` (tests marked
``model``). Expected texts are written out as the lesson shows them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from course import figure_text, picture_labels

from helpers import SENTENCE, SelfAttention, positions, real_model
from helpers.block import layer_norm
from helpers.lessons import l14_positions as lesson
from helpers.ui.pictures import figure

# ================================================================================================
# helpers.positions
# ================================================================================================


def annotated_transformer_encoding(n: int, d: int) -> torch.Tensor:
    """The sinusoids as the Annotated Transformer writes them (``PositionalEncoding``), float64; for
    an odd ``d`` its last cosine is left out (the Annotated Transformer takes ``d`` even)."""
    pe = torch.zeros(n, d, dtype=torch.float64)
    position = torch.arange(0, n, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * -(math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d // 2])
    return pe


@pytest.mark.parametrize(("n", "d"), [(1, 2), (9, 4), (48, 16), (50, 384), (7, 10)])
def test_sinusoids_match_the_annotated_transformer(n: int, d: int) -> None:
    found = positions.sinusoidal_positions(n, d)
    assert found.shape == (n, d) and found.dtype == torch.float32
    assert torch.allclose(found.double(), annotated_transformer_encoding(n, d), atol=1e-6)


def test_sinusoids_of_an_odd_size_end_with_a_sine() -> None:
    pe = positions.sinusoidal_positions(9, 3).double()
    omega_1 = 10000 ** (-2 / 3)
    p = torch.arange(9, dtype=torch.float64)
    assert torch.allclose(pe[:, 0], p.sin(), atol=1e-6) and torch.allclose(
        pe[:, 1], p.cos(), atol=1e-6
    )
    assert torch.allclose(pe[:, 2], (p * omega_1).sin(), atol=1e-6)


def test_frequencies_run_from_one_radian_to_almost_one_over_base() -> None:
    assert positions.frequencies(8).tolist() == pytest.approx([1.0, 0.1, 0.01, 0.001])
    assert positions.frequencies(4, base=100.0).tolist() == pytest.approx([1.0, 0.1])


@pytest.mark.parametrize("seed", range(6))
def test_an_offset_is_one_rotation_at_every_position(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    d = 2 * int(torch.randint(1, 40, (1,), generator=g))
    offset = int(torch.randint(-30, 30, (1,), generator=g))
    pe = annotated_transformer_encoding(100, d).float()
    M = positions.offset_map(offset, d)
    assert M.shape == (d, d)
    assert torch.allclose(M @ M.T, torch.eye(d), atol=1e-6), "a rotation: orthogonal"
    low, high = max(0, -offset), min(100, 100 - offset)  # positions p with p + offset in 0..99
    assert torch.allclose(pe[low:high] @ M.T, pe[low + offset : high + offset], atol=1e-5)


def complex_rope(x: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    """RoPE as complex multiplication: the pair (x_2i, x_2i+1) is x_2i + i x_2i+1, times e^{i p ω}."""
    d = x.shape[-1]
    omega = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    turn = torch.polar(torch.ones(len(where), d // 2, dtype=torch.float64), where[:, None] * omega)
    pairs = torch.view_as_complex(x.double().reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(pairs * turn).flatten(-2)


@pytest.mark.parametrize("seed", range(8))
def test_rotary_equals_complex_multiplication(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    batch = [
        int(s)
        for s in torch.randint(1, 4, (int(torch.randint(0, 3, (1,), generator=g)),), generator=g)
    ]
    n, d = (
        int(torch.randint(1, 20, (1,), generator=g)),
        2 * int(torch.randint(1, 33, (1,), generator=g)),
    )
    x = torch.randn(*batch, n, d, generator=g, dtype=torch.float64)
    where = torch.randint(0, 1000, (n,), generator=g)
    assert torch.allclose(positions.rotary(x, where), complex_rope(x, where), atol=1e-9)
    assert torch.allclose(positions.rotary(x), complex_rope(x, torch.arange(n)), atol=1e-9)
    assert positions.rotary(x.float(), where).dtype == torch.float32


@pytest.mark.parametrize("seed", range(8))
def test_a_rope_score_depends_only_on_the_offset(seed: int) -> None:
    """Shift every query's and key's position by the same amount: every score stays."""
    g = torch.Generator().manual_seed(100 + seed)
    n, d = (
        int(torch.randint(2, 16, (1,), generator=g)),
        2 * int(torch.randint(1, 33, (1,), generator=g)),
    )
    q, k = torch.randn(2, n, d, generator=g, dtype=torch.float64)
    where = torch.randint(0, 200, (n,), generator=g)
    shift = int(torch.randint(1, 5000, (1,), generator=g))
    scores = positions.rotary(q, where) @ positions.rotary(k, where).T
    moved = positions.rotary(q, where + shift) @ positions.rotary(k, where + shift).T
    assert torch.allclose(scores, moved, atol=1e-8)
    # ... and it does depend on the offset: the same query and key at other distances differ
    same_q, same_k = q[:1].expand(n, d), k[:1].expand(n, d)
    table = positions.rotary(same_q) @ positions.rotary(same_k).T  # (n, n)
    for offset in range(-(n - 1), n):
        line = table.diagonal(offset)
        assert torch.allclose(line, line[0].expand_as(line), atol=1e-8)
    assert not torch.allclose(table[0, 0], table[0, 1])


def test_rotary_leaves_a_vector_at_position_zero_alone() -> None:
    x = torch.randn(1, 6, generator=torch.Generator().manual_seed(0))
    assert torch.equal(positions.rotary(x, [0]), x)


def test_self_attention_is_permutation_equivariant_only_without_positions() -> None:
    g = torch.Generator().manual_seed(5)
    x = torch.randn(12, 8, generator=g)
    order = torch.randperm(12, generator=g)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        sa = SelfAttention(8, 4, 4, 6)
    with torch.no_grad():
        assert torch.allclose(sa(x[order]), sa(x)[order], atol=1e-6)
        pe = positions.sinusoidal_positions(12, 8)
        assert not torch.allclose(sa(x[order] + pe), sa(x + pe)[order], atol=1e-3)
        q, k, v = x @ sa.W_query, x @ sa.W_key, x @ sa.W_value  # RoPE on the queries and keys

        def rope_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
            return F.softmax(positions.rotary(q) @ positions.rotary(k).T / 2, dim=-1) @ v

        assert not torch.allclose(
            rope_attention(q[order], k[order], v[order]), rope_attention(q, k, v)[order], atol=1e-3
        )


# ================================================================================================
# helpers.block.layer_norm, helpers.real_model's input layer
# ================================================================================================


@pytest.mark.parametrize(("shape", "eps"), [((5,), 1e-5), ((3, 7), 1e-12), ((2, 4, 384), 1e-12)])
def test_layer_norm_equals_pytorchs(shape: tuple[int, ...], eps: float) -> None:
    g = torch.Generator().manual_seed(len(shape))
    x = 3 * torch.randn(*shape, generator=g, dtype=torch.float64) + 1
    weight, bias = torch.randn(2, shape[-1], generator=g, dtype=torch.float64)
    norm = torch.nn.LayerNorm(shape[-1], eps=eps, dtype=torch.float64)
    with torch.no_grad():
        norm.weight.copy_(weight)
        norm.bias.copy_(bias)
        assert torch.allclose(layer_norm(x, weight, bias, eps), norm(x), atol=1e-12)


def test_read_weights_gives_the_input_layer() -> None:
    w = real_model.read_weights("embeddings.")
    assert {name: tuple(t.shape) for name, t in w.items()} == {
        "embeddings.LayerNorm.bias": (384,),
        "embeddings.LayerNorm.weight": (384,),
        "embeddings.position_embeddings.weight": (512, 384),
        "embeddings.position_ids": (1, 512),
        "embeddings.token_type_embeddings.weight": (2, 384),
        "embeddings.word_embeddings.weight": (30522, 384),
    }
    assert real_model.read_weights("embeddings.") is w, "read once"
    assert real_model.model_config()["layer_norm_eps"] == 1e-12


@pytest.mark.model
def test_read_weights_equal_the_models_parameters() -> None:
    model = real_model.load_model()
    for name, tensor in real_model.read_weights("embeddings.").items():
        if name != "embeddings.position_ids":  # a buffer, not saved by transformers 5
            assert torch.equal(tensor, model.state_dict()[name]), name


@pytest.mark.model
@pytest.mark.parametrize(
    "sentence",
    [
        SENTENCE,
        "Self-attention is unbelievably useful",
        "Héllo, WORLD!! naïve café 東京 don't",
        "a " * 300,
    ],
)
def test_tokenize_equals_transformers_tokenizer(sentence: str) -> None:
    tokens, ids = real_model.tokenize(sentence)
    expected = real_model.load_tokenizer()(sentence)["input_ids"]
    assert ids.tolist() == expected and ids.dtype == torch.int64
    assert tokens == real_model.load_tokenizer().convert_ids_to_tokens(expected)


@pytest.mark.model
@pytest.mark.parametrize(
    "sentence", [SENTENCE, "Self-attention is unbelievably useful", "x " * 500]
)
def test_input_layer_equals_the_models_hidden_state_0(sentence: str) -> None:
    """The course's input layer (its own LayerNorm) against the model run by transformers."""
    _, ids = real_model.tokenize(sentence)
    with torch.no_grad():
        expected = real_model.load_model()(ids[None], output_hidden_states=True).hidden_states[0][0]
    found = real_model.input_layer(ids)
    assert found.shape == (len(ids), 384)
    assert torch.allclose(found, expected, atol=1e-6)
    assert (found - expected).abs().max() > 0, "not bit for bit (the lesson says so)"


@pytest.mark.model
def test_the_recorded_outputs_are_the_models() -> None:
    """helpers/data/minilm_outputs.safetensors, which lesson 14 compares with, is what the pinned
    transformers computes now (tools/record_model_outputs.py re-records it)."""
    import transformers

    record, run = real_model.recorded_run(), real_model.run_model()
    assert record.tokens == run.tokens and torch.equal(record.input_ids, run.input_ids)
    assert record.hidden_states.shape == run.hidden_states.shape == (7, 11, 384)
    assert torch.allclose(record.hidden_states, run.hidden_states, atol=1e-5)
    assert torch.allclose(record.hidden_states[0], run.hidden_states[0], atol=1e-6)
    assert record.transformers_version == transformers.__version__


def test_the_record_ships_in_the_package() -> None:
    assert real_model.RECORD.is_file() and real_model.RECORD.stat().st_size < 200_000
    assert real_model.recorded_run().hidden_states.dtype == torch.float32


# ---- bad input ----------------------------------------------------------------------------
BAD_INPUT = [
    (lambda: positions.sinusoidal_positions(0, 4), ValueError, "n must be a positive int; got 0"),
    (lambda: positions.sinusoidal_positions(4, 2.0), TypeError, "d must be a positive int; got 2.0 (type float)"),
    (lambda: positions.sinusoidal_positions(4, 4, base=1), ValueError, "base must be a finite number greater than 1; got 1"),
    (lambda: positions.sinusoidal_positions(4, 4, base="10000"), TypeError, "base must be a number greater than 1; got '10000'"),
    (lambda: positions.frequencies(-2), ValueError, "d must be a positive int; got -2"),
    (lambda: positions.offset_map(5, 3), ValueError, "d must be even (sines and cosines come in pairs); got d=3"),
    (lambda: positions.offset_map(1.5, 4), TypeError, "offset must be an int (a number of positions); got 1.5"),
    (lambda: positions.rotary([[1.0, 2.0]]), TypeError, "x must be a torch.Tensor of at least 2 dimensions; got [[1.0, 2.0]] (type list) (wrap it"),
    (lambda: positions.rotary(torch.ones(4)), ValueError, "x must be a tensor of at least 2 dimensions; got a 1-D tensor of shape (4,)"),
    (lambda: positions.rotary(torch.ones(3, 5)), ValueError, "x must have an even last dimension (its numbers are turned in pairs); got shape (3, 5)"),
    (lambda: positions.rotary(torch.ones(3, 4, dtype=torch.long)), TypeError, "x must hold floating-point numbers"),
    (lambda: positions.rotary(torch.ones(3, 4), [0, 1]), ValueError, "positions must have shape (3,), one per row of x; got (2,)"),
    (lambda: positions.rotary(torch.ones(1, 4), [0.5]), TypeError, "positions must be whole numbers; got [0.5]"),
    (lambda: positions.rotary(torch.ones(1, 4), torch.tensor([0.5])), TypeError, "positions must hold whole numbers (an integer tensor); got dtype torch.float32"),
    (lambda: positions.rotary(torch.ones(1, 4), 3), TypeError, "positions must be a tensor or list of 1 ints; got 3 (type int)"),
    (lambda: layer_norm([1.0, 2.0], torch.ones(2), torch.zeros(2)), TypeError, "x must be a torch.Tensor of at least 1 dimensions; got [1.0, 2.0]"),
    (lambda: layer_norm(torch.ones(3, 4), torch.ones(3), torch.zeros(4)), ValueError, "weight must have shape (4,), one number per feature of x; got (3,)"),
    (lambda: layer_norm(torch.ones(3, 4), torch.ones(4), torch.zeros(1, 4)), ValueError, "bias must be a 1-D tensor; got a 2-D tensor of shape (1, 4)"),
    (lambda: real_model.read_weights(0), TypeError, "prefix must be a string such as 'embeddings.'; got 0 (type int)"),
    (lambda: real_model.read_weights("embedding_"), ValueError, "prefix must start some of the model's tensor names, such as 'embeddings.'; got 'embedding_'"),
    (lambda: real_model.input_layer([101, 102]), TypeError, "input_ids must be a 1-D or 2-D torch.Tensor; got [101, 102] (type list) (wrap it"),
    (lambda: real_model.input_layer(torch.tensor([[[101, 102]]])), ValueError, "input_ids must be a 1-D or 2-D tensor; got a 3-D tensor of shape (1, 1, 2)"),
    (lambda: real_model.input_layer(torch.tensor([1.0])), TypeError, "input_ids must be an integer tensor (torch.int64) of token ids; got dtype torch.float32"),
    (lambda: real_model.input_layer(torch.tensor([30522])), ValueError, "input_ids must be token ids from 0 to 30521; got values from 30522 to 30522"),
    (lambda: real_model.input_layer(torch.full((513,), 1000)), ValueError, "input_ids must hold at most 512 tokens, since the model learned 512 positions; got 513"),
    (lambda: lesson.score_table("learned"), ValueError, "encoding must be one of 'none', 'sinusoidal', 'rotary'; got 'learned' (type str)"),
    (lambda: lesson.sinusoid_figure(torch.ones(4)), ValueError, "pe must be a 2-D tensor; got a 1-D tensor of shape (4,)"),
    (lambda: lesson.similarity_figure(torch.ones(4, 2), [[1.0]]), TypeError, "learned must be a 2-D torch.Tensor; got [[1.0]] (type list)"),
    (lambda: lesson.cosine_similarity(torch.ones(4)), ValueError, "table must be a 2-D tensor; got a 1-D tensor of shape (4,)"),
]  # fmt: skip
"""The functions 14_positions.ipynb calls with its own numbers, given wrong ones."""


# ================================================================================================
# The lesson module: its explorer, its pictures and its exercise checks.
# ================================================================================================


def article_scores(article: dict[str, Any], encoding: str, m: int, n: int) -> float:
    """The score of 'fox' at m and 'dog' at n, from the article's own tensors and the references
    above (not the lesson module's code)."""
    words = article["sentence"].replace(",", "").split()
    x = article["embedded_sentence"]
    fox, dog = x[words.index("fox")].double(), x[words.index("dog")].double()
    w_q, w_k = article["W_query"].detach().double(), article["W_key"].detach().double()
    if encoding == "sinusoidal":
        pe = annotated_transformer_encoding(10, 3)
        q, k = (fox + pe[m]) @ w_q, (dog + pe[n]) @ w_k
    else:
        q, k = fox @ w_q, dog @ w_k
        if encoding == "rotary":
            q = complex_rope(q[None], torch.tensor([m]))[0]
            k = complex_rope(k[None], torch.tensor([n]))[0]
    return float(q @ k) / math.sqrt(2)


@pytest.mark.parametrize("encoding", lesson.ENCODINGS)
def test_score_table_is_the_articles_attention(article: dict[str, Any], encoding: str) -> None:
    table = lesson.score_table(encoding)
    assert table.shape == (10, 10)
    expected = [[article_scores(article, encoding, m, n) for n in range(10)] for m in range(10)]
    assert torch.allclose(table.double(), torch.tensor(expected, dtype=torch.float64), atol=1e-5)


TEXTS = {
    ("rotary", 2, 7): "encoding: rotary (RoPE), turning queries and keys\n"
    "query of 'fox' at position 2, key of 'dog' at position 7: offset +5, score 0.1006\n"
    "the same offset elsewhere, (query position, key position) score:\n"
    "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
    "  (4, 9) 0.1006\n"
    "the same offset gives the same score wherever the pair sits",
    ("rotary", 3, 7): "encoding: rotary (RoPE), turning queries and keys\n"
    "query of 'fox' at position 3, key of 'dog' at position 7: offset +4, score 0.9092\n"
    "the same offset elsewhere, (query position, key position) score:\n"
    "  (0, 4) 0.9092   (1, 5) 0.9092   (2, 6) 0.9092   (3, 7) 0.9092\n"
    "  (4, 8) 0.9092   (5, 9) 0.9092\n"
    "the same offset gives the same score wherever the pair sits",
    ("rotary", 3, 8): "encoding: rotary (RoPE), turning queries and keys\n"
    "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score 0.1006\n"
    "the same offset elsewhere, (query position, key position) score:\n"
    "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
    "  (4, 9) 0.1006\n"
    "the same offset gives the same score wherever the pair sits",
    ("sinusoidal", 3, 8): "encoding: sinusoidal, added to the embeddings\n"
    "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score -0.5913\n"
    "the same offset elsewhere, (query position, key position) score:\n"
    "  (0, 5) -1.1537   (1, 6) -0.0507   (2, 7) -0.0674   (3, 8) -0.5913\n"
    "  (4, 9) -0.9096\n"
    "the same offset gives different scores: the score depends on where the words are, not "
    "only on how far apart",
    ("none", 3, 8): "encoding: no positions\n"
    "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score -0.9456\n"
    "the same offset elsewhere, (query position, key position) score:\n"
    "  (0, 5) -0.9456   (1, 6) -0.9456   (2, 7) -0.9456   (3, 8) -0.9456\n"
    "  (4, 9) -0.9456\n"
    "the score is the same at every pair of positions: attention cannot see them",
}
LABELS = {
    "none": "no positions",
    "sinusoidal": "sinusoidal, added to the embeddings",
    "rotary": "rotary (RoPE), turning queries and keys",
}


def test_drive_position_explorer(article: dict[str, Any]) -> None:
    explorer = lesson.position_explorer()
    encoding = explorer.controls["encoding"]
    fox, dog = explorer.controls["query_position"], explorer.controls["key_position"]
    assert isinstance(encoding, widgets.Dropdown)
    assert isinstance(fox, widgets.IntSlider) and isinstance(dog, widgets.IntSlider)
    assert encoding.options == tuple((LABELS[e], e) for e in ("none", "sinusoidal", "rotary"))
    assert (fox.min, fox.max, dog.min, dog.max) == (0, 9, 0, 9)
    assert explorer.picture.layout.height == "200px"
    assert explorer.fallback.startswith("[Position explorer: choose how attention gets positions")

    def shows(state: tuple[str, int, int]) -> None:
        kind, m, n = state
        assert (encoding.value, fox.value, dog.value) == state
        assert explorer.shown_text() == TEXTS[state]
        picture = explorer.view.picture
        assert picture.framed_row == m
        expected = [[article_scores(article, kind, i, j) for j in range(10)] for i in range(10)]
        assert torch.allclose(
            torch.tensor(picture.values), torch.tensor(expected, dtype=torch.float32), atol=1e-5
        )
        [label] = picture_labels(picture.html())
        assert label == (
            "Scores of the query of 'fox' (rows: its position 0 to 9) and the key of 'dog' "
            f"(columns: its position) with {LABELS[kind]}; row {m} framed; score at ({m}, {n}): "
            f"{expected[m][n]:.2f}."
        )

    shows(("rotary", 2, 7))
    fox.value = 3
    shows(("rotary", 3, 7))
    dog.value = 8
    shows(("rotary", 3, 8))
    encoding.value = "sinusoidal"
    shows(("sinusoidal", 3, 8))
    encoding.value = "none"
    shows(("none", 3, 8))
    snapshot = figure_text(figure(explorer.view.picture))
    assert "position of 'fox'" in snapshot and "position of 'dog'" in snapshot
    encoding.value = "rotary"
    shows(("rotary", 3, 8))
    dog.value, fox.value = 7, 2
    shows(("rotary", 2, 7))


def test_every_offset_of_the_rotary_table_holds_one_score() -> None:
    table = lesson.score_table("rotary")
    for offset in range(-9, 10):
        line = table.diagonal(offset)
        assert torch.allclose(line, line[0].expand_as(line), atol=1e-6)
    assert torch.allclose(
        lesson.score_table("none"), lesson.score_table("none")[0, 0].expand(10, 10)
    )


# ---- pictures --------------------------------------------------------------------------------


def test_sinusoid_figure_draws_the_table() -> None:
    pe = positions.sinusoidal_positions(48, 16)
    fig = lesson.sinusoid_figure(pe)
    ax = fig.axes[0]
    mesh = ax.collections[0].get_array().reshape(48, 16)
    assert torch.allclose(torch.tensor(mesh.data), pe.double())
    assert ax.get_title() == "sinusoidal encodings of positions 0 to 47, d = 16"
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("position", "dimension")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "8", "16", "24", "32", "40"]


@pytest.mark.model
def test_similarity_figure_compares_sinusoids_with_the_models_table() -> None:
    learned = real_model.load_model().embeddings.position_embeddings.weight.detach()[:48]
    sinusoidal = positions.sinusoidal_positions(48, 384)
    fig = lesson.similarity_figure(sinusoidal, learned)
    left, right = fig.axes[:2]  # then the two colour bars
    assert (left.get_title(), right.get_title()) == (
        "sinusoidal, d = 384",
        "learned by all-MiniLM-L6-v2, d = 384",
    )
    for ax, table in ((left, sinusoidal), (right, learned)):
        mesh = torch.tensor(ax.collections[0].get_array().reshape(48, 48).data)
        assert torch.allclose(
            mesh, F.cosine_similarity(table[:, None], table[None], dim=-1).double(), atol=1e-5
        )
    assert fig.get_suptitle() == "cosine similarity of the vectors of every two positions"


# ---- exercises --------------------------------------------------------------------------------


def exercise_2_scores() -> list[float]:
    """Exercise 2 from the complex-number reference: the same query and key, as the lesson draws them."""
    q, k = torch.randn(2, 8, generator=torch.Generator().manual_seed(123))
    return [
        float(
            complex_rope(q[None], torch.tensor([m]))[0]
            @ complex_rope(k[None], torch.tensor([n]))[0]
        )
        / math.sqrt(8)
        for m, n in ((2, 7), (102, 107))
    ]


RIGHT_ANSWERS = {
    "check_sinusoid_position_3": lambda: annotated_transformer_encoding(4, 4)[3],
    "check_shifted_rope_scores": exercise_2_scores,
    "check_alibi_weights": lambda: torch.softmax(torch.tensor([-2.0, -1.5, -1.0, -0.5, 0.0]), -1),
}
"""The right answer of each exercise, computed independently (tests/test_toolkit.py)."""


def test_exercise_query_key_is_seeded_apart_from_the_global_state() -> None:
    torch.manual_seed(0)
    before = torch.random.get_rng_state()
    q, k = lesson.exercise_query_key()
    assert torch.equal(torch.random.get_rng_state(), before)
    assert torch.equal(
        torch.stack([q, k]), torch.randn(2, 8, generator=torch.Generator().manual_seed(123))
    )


A, B = 3.0, 0.03


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([math.sin(A), math.cos(A), math.sin(B), math.cos(B)], "Correct! position 3 is [sin 3, cos 3, sin 0.03, cos 0.03]"),
        (torch.tensor([math.sin(A), math.cos(A), math.sin(B), math.cos(B)], dtype=torch.float64), "Correct!"),
        ([round(v, 2) for v in (math.sin(A), math.cos(A), math.sin(B), math.cos(B))], "close, but not precise enough: that is the right answer rounded to 2 decimals"),
        ([math.cos(A), math.sin(A), math.cos(B), math.sin(B)], "sine and cosine are swapped"),
        ([math.sin(A), math.cos(A), math.sin(3 * 10000**-0.25), math.cos(3 * 10000**-0.25)], "not 10000 ** (-1/4)"),
        ([math.sin(A), math.cos(A), math.sin(3e-4), math.cos(3e-4)], "which is 0.01"),
        ([math.sin(math.radians(A)), math.cos(math.radians(A)), math.sin(math.radians(B)), math.cos(math.radians(B))], "you used degrees"),
        ([math.sin(4), math.cos(4), math.sin(0.04), math.cos(0.04)], "that is position 4; positions count from 0"),
        ([math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)], "that is position 2"),
        ([math.sin(A), math.sin(A), math.sin(B), math.sin(B)], "every dimension holds a sine"),
        ([1.0, 2.0, 3.0, 4.0], "Not yet: these are not the four numbers of position 3."),
        ([math.sin(A), math.cos(A)], "your answer has shape (2,); the encoding of one position for d = 4 has shape (4,)"),
        ("sin 3", "the encoding of one position for d = 4 is a tensor of numbers of shape (4,); you gave 'sin 3'"),
        (..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_sinusoid_position_3(answer: Any, expected: str) -> None:
    assert expected in str(lesson.check_sinusoid_position_3(answer))


def rope_score(q: torch.Tensor, k: torch.Tensor, m: int, n: int, turn_k: bool = True) -> float:
    turned_k = complex_rope(k[None], torch.tensor([n]))[0] if turn_k else k.double()
    return float(complex_rope(q[None], torch.tensor([m]))[0] @ turned_k) / math.sqrt(8)


Q8, K8 = torch.randn(2, 8, generator=torch.Generator().manual_seed(123))
PLAIN = float(Q8 @ K8) / math.sqrt(8)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (exercise_2_scores, "Correct! both scores are 0.3860: moving both words 100 positions on"),
        (lambda: torch.tensor(exercise_2_scores()).float(), "Correct!"),
        (lambda: [PLAIN, PLAIN], "these are the scores without positions"),
        (lambda: [s * math.sqrt(8) for s in exercise_2_scores()], "the scores are not scaled: divide by sqrt(8)"),
        (lambda: [rope_score(Q8, K8, 7, 2), rope_score(Q8, K8, 107, 102)], "the positions are swapped"),
        (lambda: [rope_score(Q8, K8, 2, 7, False), rope_score(Q8, K8, 102, 107, False)], "only the query is rotated"),
        (lambda: [rope_score(K8, Q8, 2, 7, False), rope_score(K8, Q8, 102, 107, False)], "only one vector is rotated"),
        (lambda: [1.0, 1.0], "these are not the two RoPE scores (expected the same number twice)"),
        (lambda: exercise_2_scores()[0], "your answer has shape (); the two scores has shape (2,)"),
        (lambda: ..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_shifted_rope_scores(make: Callable[[], Any], expected: str) -> None:
    assert expected in str(lesson.check_shifted_rope_scores(make()))


DISTANCE = torch.tensor([4.0, 3.0, 2.0, 1.0, 0.0])


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (torch.softmax(-0.5 * DISTANCE, -1), "Correct! the weights grow towards the query: 0.058, 0.096, 0.158, 0.260, 0.429."),
        (torch.softmax(-0.5 * DISTANCE, -1).numpy(), "Correct!"),
        ([0.058, 0.096, 0.158, 0.26, 0.429], "close, but not precise enough"),
        ((-0.5 * DISTANCE).tolist(), "that is the bias itself"),
        (torch.softmax(0.5 * DISTANCE, -1), "the sign is flipped, or the keys are in reverse order"),
        (torch.softmax(-DISTANCE, -1), "that is slope 1"),
        (torch.softmax(-0.5 * DISTANCE.flip(0), -1), "the weights fall towards the query"),
        ([0.2] * 5, "equal weights"),
        ([1, 0, 0, 0, 0], "Not yet: these are not the weights of query 4 with ALiBi."),
        (torch.ones(5, 5), "your answer has shape (5, 5); the 5 weights of query 4 has shape (5,)"),
        (None, "the 5 weights of query 4 is a tensor of numbers of shape (5,); you gave None"),
        (..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_alibi_weights(answer: Any, expected: str) -> None:
    assert expected in str(lesson.check_alibi_weights(answer))


def test_exercise_2s_mistakes_are_far_from_the_answer() -> None:
    """Every mistake the check names is a different pair of numbers from the right one."""
    right = exercise_2_scores()
    for wrong in (
        [PLAIN, PLAIN],
        [rope_score(Q8, K8, 7, 2), rope_score(Q8, K8, 107, 102)],
        [rope_score(Q8, K8, 2, 7, False), rope_score(Q8, K8, 102, 107, False)],
        [rope_score(K8, Q8, 2, 7, False), rope_score(K8, Q8, 102, 107, False)],
    ):
        assert max(abs(a - b) for a, b in zip(wrong, right, strict=True)) > 1e-2
