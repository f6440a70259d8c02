"""Lessons 05-07: the functional attention, the module with a mask, their pictures,
explorers and exercise checks (issue 4). Numbers are compared with the article's own code
(tests/article_reference.py) or computed here independently of helpers."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article

import helpers
import helpers.exercises as exercises
import helpers.explorers as explorers
import helpers.figures as figures
from helpers.attention import SelfAttention, scaled_dot_product_attention
from helpers.html_pictures import picture_labels, picture_text

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    with torch.random.fork_rng(devices=[]):
        return run_article()


# ---- scaled_dot_product_attention and SelfAttention -------------------------------------


def test_functional_attention_is_bit_exact_with_the_article(article: dict[str, Any]) -> None:
    context, weights = scaled_dot_product_attention(
        article["query"], article["key"], article["value"]
    )
    assert torch.equal(weights, article["attention_weights"])
    assert torch.equal(context, article["context_vector"])


@pytest.mark.parametrize("shape", [(9, 2), (3, 9, 2), (2, 3, 9, 2)])
def test_functional_attention_matches_pytorch(shape: tuple[int, ...]) -> None:
    generator = torch.Generator().manual_seed(1)
    query, key = torch.randn(*shape, generator=generator), torch.randn(*shape, generator=generator)
    value = torch.randn(*shape[:-1], 4, generator=generator)
    context, weights = scaled_dot_product_attention(query, key, value)
    torch.testing.assert_close(context, F.scaled_dot_product_attention(query, key, value))
    assert weights.shape == (*shape[:-1], 9)
    causal = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    context, weights = scaled_dot_product_attention(query, key, value, causal)
    expected = F.scaled_dot_product_attention(query, key, value, attn_mask=causal)
    torch.testing.assert_close(context, expected)
    assert (weights[..., 0, 1:] == 0).all() and torch.allclose(weights[..., 0, 0], torch.ones(1))


def test_a_fully_masked_row_gives_nan_weights() -> None:
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1] = False
    _, weights = scaled_dot_product_attention(
        torch.ones(3, 2), torch.ones(3, 2), torch.ones(3, 4), mask
    )
    assert torch.isnan(weights[1]).all() and not torch.isnan(weights[[0, 2]]).any()


def test_a_mask_broadcasts_over_the_batch() -> None:
    x = torch.randn(2, 4, 3, generator=torch.Generator().manual_seed(2))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        module = SelfAttention(3, 2, 2, 4)
    mask = torch.tril(torch.ones(4, 4, dtype=torch.bool))
    together, weights = module.attend(x, mask)
    assert together.shape == (2, 4, 4) and weights.shape == (2, 4, 4)
    for i in range(2):
        torch.testing.assert_close(together[i], module(x[i], mask))
    torch.testing.assert_close(module(x), module(x, torch.ones(4, 4, dtype=torch.bool)))


def test_module_from_helpers_equals_the_article_after_reseeding(article: dict[str, Any]) -> None:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        module = SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    out = module(article["embedded_sentence"])
    assert torch.equal(out, article["context_vector"])
    out.sum().backward()
    for name in ("W_query", "W_key", "W_value"):
        grad = getattr(module, name).grad
        assert grad is not None and grad.shape == getattr(module, name).shape


def test_sentence_attention_for_the_course_sentence_is_the_lessons() -> None:
    state = torch.get_rng_state()
    words, weights = explorers.sentence_attention(helpers.SENTENCE)
    assert torch.equal(torch.get_rng_state(), state), "the explorer must not move the random state"
    assert words == WORDS
    with torch.random.fork_rng(devices=[]):
        assert torch.equal(weights, helpers.rebuild_steps().weights.detach())


# ---- figures -----------------------------------------------------------------------------


def test_figures_render() -> None:
    with torch.random.fork_rng(devices=[]):
        steps = helpers.rebuild_steps()
    for fig in (
        figures.weights_bar_figure(steps.weights, WORDS, 3),
        figures.weights_explorer_figure(steps.weights, WORDS, 0, "a caption"),
        figures.contributions_figure(steps.weights, steps.value, WORDS, 8),
        figures.contributions_figure(steps.weights, steps.value, WORDS, 8, compact=True),
        figures.pipeline_summary_figure(),
        figures.pipeline_summary_figure({"X": (2, 5, 3)}),
    ):
        assert figures.render_png(fig).startswith(b"\x89PNG")


# ---- explorers ---------------------------------------------------------------------------


def softmax_picture(article: dict[str, Any], index: int, divisor: float, caption: str) -> bytes:
    raw = (article["query"] @ article["key"].T).detach()
    weights = F.softmax(raw / divisor, dim=-1)
    return figures.render_png(figures.weights_explorer_figure(weights, WORDS, index, caption))


def weights_labels(words: list[str], weights: torch.Tensor, index: int) -> list[str]:
    """What the weights picture must say: the framed heatmap, then the chosen row's bars."""
    row = ", ".join(f"{w} {x:.2f}" for w, x in zip(words, weights[index].tolist(), strict=True))
    return [
        f"Attention weights of {len(words)} words, rows = queries, columns = keys; the row "
        f"of query {words[index]!r} is framed in orange.",
        f"Weights of query {words[index]!r} over the keys: {row}.",
    ]


def softmax_weights(article: dict[str, Any], divisor: float) -> torch.Tensor:
    return F.softmax((article["query"] @ article["key"].T).detach() / divisor, dim=-1)


def test_drive_softmax_explorer(article: dict[str, Any]) -> None:
    explorer = explorers.softmax_explorer()
    query, temperature, scale = (explorer.controls[k] for k in ("query", "temperature", "scale"))
    assert isinstance(query, widgets.Dropdown) and isinstance(scale, widgets.Checkbox)
    assert isinstance(temperature, widgets.SelectionSlider) and not temperature.continuous_update
    assert explorer.shown_text() == (
        "query 'fox' (row 3); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 1\n"
        "key word       The   quick   brown     fox   jumps    over       a    lazy     dog\n"
        "score       -0.425  -0.519   0.353   2.454  -1.062   1.331   0.912   2.500  -0.946\n"
        "weight       0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\n"
        "largest weight: 'lazy' 0.364; smallest: 0.010; sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value) == weights_labels(
        WORDS, softmax_weights(article, math.sqrt(2)), 3
    )
    assert picture_labels(explorer.picture.value)[1] == (
        "Weights of query 'fox' over the keys: The 0.02, quick 0.02, brown 0.04, fox 0.35, "
        "jumps 0.01, over 0.11, a 0.07, lazy 0.36, dog 0.01."
    )
    assert "weights of query 'fox' (temperature 1)" in picture_text(explorer.picture.value)
    assert explorer.snapshot_png() == softmax_picture(
        article, 3, math.sqrt(2), "weights of query 'fox' (temperature 1)"
    )
    query.value = 8
    temperature.value = 0.25
    assert explorer.shown_text() == (
        "query 'dog' (row 8); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 0.25\n"
        "key word       The   quick   brown     fox   jumps    over       a    lazy     dog\n"
        "score        1.229   1.573  -0.992  -7.082   3.038  -3.815  -2.635  -7.174   2.621\n"
        "weight       0.079   0.111   0.009   0.000   0.482   0.001   0.002   0.000   0.317\n"
        "largest weight: 'jumps' 0.482; smallest: 0.000; sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value) == weights_labels(
        WORDS, softmax_weights(article, math.sqrt(2) * 0.25), 8
    )
    assert explorer.snapshot_png() == softmax_picture(
        article, 8, math.sqrt(2) * 0.25, "weights of query 'dog' (temperature 0.25)"
    )
    scale.value = False
    assert explorer.shown_text().splitlines()[0] == (
        "query 'dog' (row 8); scores not scaled, then ÷ temperature 0.25"
    )
    assert explorer.shown_text().splitlines()[2] == (
        "score        1.738   2.225  -1.403 -10.015   4.296  -5.395  -3.726 -10.145   3.706"
    )
    assert picture_labels(explorer.picture.value) == weights_labels(
        WORDS, softmax_weights(article, 0.25), 8
    )
    assert explorer.snapshot_png() == softmax_picture(
        article, 8, 0.25, "weights of query 'dog' (temperature 0.25)"
    )
    temperature.value = 4.0
    assert "then ÷ temperature 4\n" in explorer.shown_text()


def test_drive_context_explorer(article: dict[str, Any]) -> None:
    explorer = explorers.context_explorer()
    query = explorer.controls["query"]
    assert isinstance(query, widgets.Dropdown)
    lines = explorer.shown_text().splitlines()
    assert lines[0] == "context vector of 'fox' (row 3) = [ 0.8153,  1.4165,  0.9633,  1.5575]"
    assert lines[4] == (
        "quick     0.0178   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.0120, -0.0112,  0.0031,  0.0020]"
    )
    weights, value = article["attention_weights"], article["value"]
    labels = picture_labels(explorer.picture.value)
    assert labels[1] == "The context vector of 'fox': 0.82, 1.42, 0.96, 1.56."
    assert "quick\n×0.02" in picture_text(explorer.picture.value)
    picture = figures.contributions_figure(weights, value, WORDS, 3, compact=True)
    assert explorer.snapshot_png() == figures.render_png(picture)
    query.value = 8
    assert explorer.shown_text() == (
        "context vector of 'dog' (row 8) = [-0.2663, -0.2382, -0.2310, -0.3559]\n"
        "= sum over the words of  weight × value row:\n"
        "word      weight   value row                               weight × value row\n"
        "The       0.1524   [-0.2546, -0.2608, -0.1544, -0.2801]    [-0.0388, -0.0397, -0.0235, -0.0427]\n"
        "quick     0.1661   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.1123, -0.1046,  0.0285,  0.0184]\n"
        "brown     0.0874   [ 0.5932,  0.0981,  0.2741,  0.4151]    [ 0.0519,  0.0086,  0.0240,  0.0363]\n"
        "fox       0.0191   [ 0.6612,  1.8972,  1.0963,  1.8106]    [ 0.0126,  0.0362,  0.0209,  0.0345]\n"
        "jumps     0.2395   [-0.8598, -0.6161, -0.5940, -0.9455]    [-0.2059, -0.1475, -0.1423, -0.2264]\n"
        "over      0.0432   [ 0.0781,  1.1918,  0.7710,  1.1675]    [ 0.0034,  0.0515,  0.0333,  0.0504]\n"
        "a         0.0580   [ 0.5605,  0.5645,  0.3676,  0.6429]    [ 0.0325,  0.0327,  0.0213,  0.0373]\n"
        "lazy      0.0186   [ 1.4455,  1.6639,  1.3038,  2.0918]    [ 0.0270,  0.0310,  0.0243,  0.0390]\n"
        "dog       0.2158   [-1.2107, -0.4929, -1.0081, -1.4031]    [-0.2612, -0.1063, -0.2175, -0.3027]"
    )
    context = (weights[8] @ value).tolist()
    assert picture_labels(explorer.picture.value)[1] == (
        "The context vector of 'dog': " + ", ".join(f"{x:.2f}" for x in context) + "."
    )
    assert "jumps\n×0.24" in picture_text(explorer.picture.value)
    picture = figures.contributions_figure(weights, value, WORDS, 8, compact=True)
    assert explorer.snapshot_png() == figures.render_png(picture)


def sentence_weights(sentence: str) -> tuple[list[str], torch.Tensor]:
    """The article's recipe, written out here: own vocabulary, seeded embedding, seeded module."""
    words = sentence.replace(",", "").split()[:12]
    vocabulary = {w: i for i, w in enumerate(sorted(set(words)))}
    ids = torch.tensor([vocabulary[w] for w in words])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        x = torch.nn.Embedding(50000, 3)(ids).detach()
        torch.manual_seed(123)
        w_q, w_k = torch.rand(3, 2), torch.rand(3, 2)  # W_value is drawn after: not needed
    weights = F.softmax((x @ w_q) @ (x @ w_k).T / math.sqrt(2), dim=-1)
    return words, weights


def test_drive_sentence_attention_explorer() -> None:
    explorer = explorers.sentence_attention_explorer()
    sentence, query = explorer.controls["sentence"], explorer.controls["query"]
    assert isinstance(sentence, widgets.Text) and isinstance(query, widgets.Dropdown)
    lines = explorer.shown_text().splitlines()
    assert lines[:4] == [
        f"words (9): {WORDS}",
        "query 'The' attends most to 'jumps' (weight 0.128)",
        "weights (rows = queries, columns = keys; each row sums to 1):",
        "query\\key      The   quick   brown     fox   jumps    over       a    lazy     dog",
    ]
    assert lines[7] == (
        "fox          0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012"
    )
    words, weights = sentence_weights(helpers.SENTENCE)
    assert picture_labels(explorer.picture.value) == weights_labels(words, weights, 0)
    assert explorer.snapshot_png() == figures.render_png(
        figures.weights_explorer_figure(weights, words, 0)
    )

    sentence.value = "Life is short, eat dessert first"
    assert query.options == (
        ("1. Life", 0), ("2. is", 1), ("3. short", 2), ("4. eat", 3), ("5. dessert", 4), ("6. first", 5),
    )  # fmt: skip
    query.value = 4
    assert explorer.shown_text() == (
        "words (6): ['Life', 'is', 'short', 'eat', 'dessert', 'first']\n"
        "query 'dessert' attends most to 'is' (weight 0.276)\n"
        "weights (rows = queries, columns = keys; each row sums to 1):\n"
        "query\\key     Life      is   short     eat dessert   first\n"
        "Life         0.177   0.133   0.188   0.165   0.155   0.183\n"
        "is           0.039   0.687   0.020   0.084   0.147   0.023\n"
        "short        0.197   0.062   0.251   0.145   0.115   0.231\n"
        "eat          0.151   0.219   0.140   0.165   0.179   0.146\n"
        "dessert      0.135   0.276   0.116   0.162   0.188   0.123\n"
        "first        0.197   0.025   0.310   0.113   0.075   0.279"
    )
    words, weights = sentence_weights("Life is short, eat dessert first")
    assert picture_labels(explorer.picture.value) == weights_labels(words, weights, 4)
    assert explorer.snapshot_png() == figures.render_png(
        figures.weights_explorer_figure(weights, words, 4)
    )

    long = "one two three four five six seven eight nine ten eleven twelve thirteen"
    sentence.value = long
    assert explorer.shown_text().splitlines()[1] == "(showing the first 12 words)"
    assert query.options[-1] == ("12. twelve", 11) and query.value == 0

    for empty in ("", "   "):
        sentence.value = empty
        assert explorer.shown_text() == (
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
        )
        assert query.options == () and query.value is None
        assert picture_labels(explorer.picture.value) == ["(no words to show)"]
        assert explorer.snapshot_png() == figures.render_png(
            figures.message_figure("(no words to show)")
        )
    sentence.value = " , "
    assert explorer.shown_text().startswith("Only commas so far")
    sentence.value = "hello"
    assert (
        explorer.shown_text().splitlines()[1]
        == "query 'hello' attends most to 'hello' (weight 1.000)"
    )


# ---- exercise checks ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def steps() -> helpers.attention.CourseSteps:
    with torch.random.fork_rng(devices=[]):
        return helpers.rebuild_steps()


def verdict(check: Any, answer: Any) -> str:
    return check(answer).message


def test_check_fox_weights(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_fox_weights
    scores = steps.scores.detach()
    e = scores[3].exp()
    assert verdict(check, e / e.sum()).startswith("Correct! the weights of 'fox' sum to 1")
    assert "you gave the whole 9 × 9 matrix" in verdict(check, steps.weights)
    assert "you used column 3 of the scores" in verdict(check, F.softmax(scores[:, 3], dim=0))
    unscaled = (steps.query @ steps.key.T).detach()[3]
    assert "weights of the unscaled scores" in verdict(check, unscaled.exp() / unscaled.exp().sum())
    assert "yours sum to 33.5035" in verdict(check, e)
    assert "should have shape (9,); yours has shape (1, 9)" in verdict(check, (e / e.sum())[None])
    assert "you gave a Python list" in verdict(check, (e / e.sum()).tolist())
    assert "dtype torch.int64" in verdict(check, torch.zeros(9, dtype=torch.long))
    assert "holds NaN or inf" in verdict(check, torch.full((9,), float("nan")))


def test_check_unscaled_weights(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_unscaled_weights
    raw = steps.query @ steps.key.T
    assert verdict(check, F.softmax(raw, dim=-1)).startswith(
        "Correct! without scaling, the largest weight of 'fox' grows from 0.364 to 0.430"
    )
    assert "these are the scaled weights" in verdict(check, steps.weights)
    assert "softmax ran along dim=0" in verdict(check, F.softmax(raw, dim=0))
    assert "these are not the unscaled weights" in verdict(check, torch.full((9, 9), 1 / 9))


def test_check_causal_weights(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_causal_weights
    later = torch.triu(torch.ones(9, 9, dtype=torch.bool), diagonal=1)
    scores = steps.scores.detach()
    right = F.softmax(scores.masked_fill(later, float("-inf")), dim=-1)
    assert verdict(check, right).startswith("Correct! 'The' can only attend to itself")
    assert right[0, 0] == 1 and torch.allclose(right.sum(-1), torch.ones(9))
    assert "lesson's unmasked weights" in verdict(check, steps.weights)
    zero_filled = F.softmax(scores.masked_fill(later, 0.0), dim=-1)
    assert "0 is an ordinary score" in verdict(check, zero_filled)
    assert "mask the scores before the softmax" in verdict(
        check, steps.weights.detach().masked_fill(later, 0.0)
    )


def test_check_dog_context(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_dog_context
    weights, value = steps.weights.detach(), steps.value.detach()
    loop = sum(weights[8, j] * value[j] for j in range(9))
    assert verdict(check, loop).startswith("Correct! it equals row 8 of weights @ value")
    assert "'dog' has id 3, but it is the word at position 8" in verdict(check, steps.context[3])
    assert "you used column 8" in verdict(check, weights[:, 8] @ value)
    assert "should have shape (4,); yours has shape (9, 4)" in verdict(check, steps.context)
    assert "not the context vector of 'dog'" in verdict(check, torch.zeros(4))


def test_check_uniform_context(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_uniform_context
    value = steps.value.detach()
    assert verdict(check, value.mean(dim=0)).startswith("Correct! every word would get")
    assert verdict(check, torch.full((9, 9), 1 / 9) @ value).startswith("Not yet: the uniform")
    assert "the wrong dimension" in verdict(check, value.mean(dim=1))
    assert "that is the sum of the value rows" in verdict(check, value.sum(dim=0))


def test_check_causal_mask() -> None:
    check = exercises.check_causal_mask
    right = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    assert verdict(check, right).startswith("Correct!")
    assert "dtype torch.float32; it must be torch.bool" in verdict(check, right.float())
    assert "True and False are swapped" in verdict(check, ~right)
    assert "that is the upper triangle" in verdict(check, right.T)
    assert "the diagonal is False" in verdict(check, torch.tril(right, diagonal=-1))
    assert "yours has shape (8, 8)" in verdict(check, right[:8, :8])
    assert "a mask is a boolean tensor; you gave None" in verdict(check, None)
    assert "this is not the causal mask" in verdict(check, torch.ones(9, 9, dtype=torch.bool))


def test_check_batch_context(steps: helpers.attention.CourseSteps) -> None:
    check = exercises.check_batch_context
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        module = SelfAttention(3, 2, 2, 4)
    x = steps.embedded
    assert verdict(check, module(torch.stack([x, x.flip(0)]))).startswith(
        "Correct! the reversed sentence gets the same context vectors in reverse order"
    )
    assert "that is one sentence's output" in verdict(check, module(x))
    assert "both sentences are the course sentence" in verdict(check, module(torch.stack([x, x])))
    assert "use helper_sa" in verdict(check, torch.zeros(2, 9, 4))


def test_check_parameter_count() -> None:
    check = exercises.check_parameter_count
    assert verdict(check, 24).startswith("Correct! 6 + 6 + 12 = 24")
    assert "8 is d_q + d_k + d_v" in verdict(check, 8)
    assert "3 is the number of weight matrices" in verdict(check, 3)
    assert "should be a whole number (an int); you gave 24.0" in verdict(check, 24.0)
    assert "25 is not the number" in verdict(check, 25)
