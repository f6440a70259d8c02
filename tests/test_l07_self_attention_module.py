"""Lesson 07, the SelfAttention module: the maths it wraps, its picture, explorer and checks.

Numbers come from the article's own code (tests/article_reference.py), from PyTorch's own
``F.scaled_dot_product_attention``, or from plain PyTorch written out here, independently
of helpers; expected texts are written out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article
from course import NOTEBOOKS, figure_text, picture_labels, read

from helpers.attention import SelfAttention, scaled_dot_product_attention
from helpers.course import SENTENCE
from helpers.lessons import l07_self_attention_module as lesson
from helpers.lessons.l05_softmax_weights import weights_picture
from helpers.ui.figures import render_png
from helpers.ui.pictures import Message

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article_run() -> dict[str, Any]:
    with torch.random.fork_rng(devices=[]):
        return run_article()


def repeated_word_context_input(found: dict[str, Any]) -> torch.Tensor:
    vocabulary = {word: i for i, word in enumerate(sorted(set(WORDS)))}
    ids = torch.tensor([vocabulary[w] for w in "The dog jumps over a lazy dog".split()])
    return found["embed"](ids).detach()  # (7, 3)


def repeated_word_context() -> torch.Tensor:
    """Exercise 1's answer with the article's own code: its embedding table and its
    SelfAttention class (built right after seeding 123), on "The dog jumps over a lazy dog"."""
    found = article_run()
    x = repeated_word_context_input(found)  # (7, 3)
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(123)
        return found["SelfAttention"](3, 2, 2, 4)(x)  # (7, 4)


def one_column_gradient() -> torch.Tensor:
    """Exercise 2's answer with the article's own code: its SelfAttention class, built right
    after seeding 123, on its embedded sentence, with the loss Z[:, 0].sum()."""
    found = article_run()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        module = found["SelfAttention"](3, 2, 2, 4)
    module(found["embedded_sentence"].detach())[:, 0].sum().backward()
    return module.W_value.grad  # (3, 4)


RIGHT_ANSWERS = {
    "check_repeated_word_context": repeated_word_context,
    "check_one_column_gradient": one_column_gradient,
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


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


def test_sentence_attention_for_the_course_sentence_is_the_lessons(article: dict[str, Any]) -> None:
    state = torch.get_rng_state()
    words, weights = lesson.sentence_attention(SENTENCE)
    assert torch.equal(torch.get_rng_state(), state), "the explorer must not move the random state"
    assert words == WORDS
    assert torch.equal(weights, article["attention_weights"].detach())


# ---- picture -----------------------------------------------------------------------------


def test_pipeline_summary_names_every_tensor_with_its_shape() -> None:
    text = figure_text(lesson.pipeline_summary_figure())
    for piece in ("embedded words  (9 × 3)", "queries  (9 × 2)", "keys  (9 × 2)",
                  "values  (9 × 4)", "scores  (9 × 9)", "weights  (9 × 9)",
                  "context vectors  (9 × 4)", "steps 1-2", "step 6", "$Z = A V$",
                  "(the module's parameters)"):  # fmt: skip
        assert piece in text, piece
    batch = lesson.pipeline_summary_figure({"X": (2, 5, 3)})
    assert "embedded words  (2 × 5 × 3)" in figure_text(batch)
    assert render_png(batch).startswith(b"\x89PNG")


# ---- explorer ----------------------------------------------------------------------------


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


def weights_labels(words: list[str], weights: torch.Tensor, index: int) -> list[str]:
    """What the weights picture must say: the framed heatmap, then the chosen row's bars."""
    row = ", ".join(f"{w} {x:.2f}" for w, x in zip(words, weights[index].tolist(), strict=True))
    return [
        f"Attention weights of {len(words)} words, rows = queries, columns = keys; the row "
        f"of query {words[index]!r} is framed in orange.",
        f"Weights of query {words[index]!r} over the keys: {row}.",
    ]


def assert_shows(explorer: Any, sentence: str, index: int) -> None:
    """The live picture and the snapshot (drawn from the same description) show the article's
    weights for ``sentence``."""
    words, weights = sentence_weights(sentence)
    assert picture_labels(explorer.picture.value) == weights_labels(words, weights, index)
    grid, _ = explorer.view.picture.parts
    assert grid.framed_row == index and torch.allclose(torch.tensor(grid.values), weights)
    assert explorer.view.picture == weights_picture(weights, words, index)


def test_drive_sentence_attention_explorer() -> None:
    explorer = lesson.sentence_attention_explorer()
    sentence, query = explorer.controls["sentence"], explorer.controls["query"]
    assert isinstance(sentence, widgets.Text) and isinstance(query, widgets.Dropdown)
    assert explorer.picture.layout.height == "170px"
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
    assert_shows(explorer, SENTENCE, 0)

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
    assert_shows(explorer, "Life is short, eat dessert first", 4)

    long = "one two three four five six seven eight nine ten eleven twelve thirteen"
    sentence.value = long
    assert explorer.shown_text().splitlines()[:2] == [
        "words (13): ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', "
        "'ten', 'eleven', 'twelve', 'thirteen']",
        "(showing the first 12 words)",
    ]
    assert query.options[-1] == ("12. twelve", 11) and query.value == 0
    assert_shows(explorer, long, 0)

    for empty in ("", "   "):
        sentence.value = empty
        assert explorer.shown_text() == (
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
        )
        assert query.options == () and query.value is None
        assert picture_labels(explorer.picture.value) == ["(no words to show)"]
        assert explorer.view.picture == Message("(no words to show)")
    sentence.value = " , "
    assert explorer.shown_text() == (
        "Only commas so far: type a few words, for example 'the cat sat on the mat'."
    )
    assert picture_labels(explorer.picture.value) == ["(no words to show)"]
    sentence.value = "hello"
    assert query.options == (("1. hello", 0),) and query.value == 0
    assert (
        explorer.shown_text().splitlines()[1]
        == "query 'hello' attends most to 'hello' (weight 1.000)"
    )
    sentence.value = "the cat sat on the mat"
    query.value = 1
    assert (
        explorer.shown_text().splitlines()[1] == "query 'cat' attends most to 'sat' (weight 0.194)"
    )
    assert_shows(explorer, "the cat sat on the mat", 1)


# ---- exercise checks -----------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_repeated_word_context() -> None:
    check = lesson.check_repeated_word_context
    right = repeated_word_context()
    assert torch.equal(right[1], right[6]), "the two 'dog's get the same vector"
    for form in (right, right.double(), right.numpy(), right.tolist()):
        assert verdict(check, form).startswith("Correct! rows 1 and 6, the two 'dog's"), type(form)
    course_output = repeated_word_context()[:1].expand(9, 4)
    assert "that is the output for the course sentence (9 words)" in verdict(check, course_output)
    assert "use helper_sa" in verdict(check, torch.zeros(7, 4))
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        found = article_run()
        article_sa = found["sa"]  # drawn after step 3's matrices, as the article does
        x = repeated_word_context_input(found)
        assert "the article's sa" in verdict(check, article_sa(x))
    assert "your answer has shape (2, 9, 4)" in verdict(check, torch.zeros(2, 9, 4))


def test_check_one_column_gradient() -> None:
    check = lesson.check_one_column_gradient
    right = one_column_gradient()
    assert torch.equal(right[:, 1:], torch.zeros(3, 3)), "only column 0 reaches the loss"
    whole = lesson.one_column_gradients()["whole"]
    torch.testing.assert_close(right[:, 0], whole[:, 0])
    for form in (right, right.double(), right.numpy(), right.tolist()):
        assert verdict(check, form).startswith("Correct! only column 0 of W_value"), type(form)
    assert "you gave None: a parameter's .grad stays None" in verdict(check, None)
    assert "this is the gradient of Z.sum()" in verdict(check, right[:, :1].expand(3, 4))
    assert "this is twice the gradient" in verdict(check, 2 * right)
    assert "this is the gradient of Z[0].sum()" in verdict(
        check, lesson.one_column_gradients()["row"]
    )
    assert "the article's sa" in verdict(check, lesson.one_column_gradients()["article"])
    assert "your answer has shape (4, 3)" in verdict(check, right.T)
    assert "this is not W_value's gradient" in verdict(check, right + 1)


def test_check_one_column_gradient_names_the_lessons_learner() -> None:
    """A learner who reuses the lesson's `learner` (one backward pass, one gradient step, then
    this loss without zero_grad) is told why, with the lesson's own numbers."""
    torch.manual_seed(123)
    learner = SelfAttention(3, 2, 2, 4)
    x = run_article()["embedded_sentence"].detach()
    learner(x).sum().backward()
    with torch.no_grad():
        for parameter in learner.parameters():
            parameter -= 0.1 * parameter.grad
    learner(x)[:, 0].sum().backward()
    assert "this is learner's gradient" in verdict(
        lesson.check_one_column_gradient, learner.W_value.grad
    )


# ---- bad input -----------------------------------------------------------------------------

BAD_INPUT = [
    (lambda: lesson.pipeline_summary_figure(3), TypeError, "shapes must be a dict from a tensor's name to its shape; got 3 (type int)"),
    (lambda: lesson.pipeline_summary_figure({"W": (2, 3)}), ValueError, "shapes must name tensors among ['X', 'Q', 'K', 'V', 'S', 'A', 'Z']; got 'W'"),
    (lambda: lesson.pipeline_summary_figure({"X": [9, 3]}), TypeError, "shapes['X'] must be a tuple of positive ints; got [9, 3] (type list)"),
    (lambda: lesson.pipeline_summary_figure({"X": (9, 0)}), TypeError, "shapes['X'] must be a tuple of positive ints; got (9, 0) (type tuple)"),
    (lambda: lesson.pipeline_summary_figure({"X": (9, True)}), TypeError, "shapes['X'] must be a tuple of positive ints; got (9, True) (type tuple)"),
    (lambda: lesson.sentence_attention_explorer(None), TypeError, "sentence must be a string of words; got None (type NoneType)"),
    (lambda: lesson.sentence_attention_explorer(3), TypeError, "sentence must be a string of words; got 3 (type int)"),
]  # fmt: skip
"""What a learner might wrongly give the lesson's functions, and what the error must say."""


def test_the_backward_pass_as_the_lesson_describes_it() -> None:
    """The W_value gradient's four columns are identical (loss = Z.sum(): dL/dZ is all ones),
    and the lesson's formula block has the four lines its text announces."""
    torch.manual_seed(123)
    learner = SelfAttention(3, 2, 2, 4)
    embedded = torch.nn.Embedding(50000, 3)(torch.tensor([0, 8, 2, 4, 5, 7, 1, 6, 3]))
    learner(embedded.detach()).sum().backward()
    grad = learner.W_value.grad  # (3, 4)
    assert grad.shape == (3, 4) and torch.equal(grad, grad[:, :1].expand(3, 4))
    assert not torch.equal(learner.W_query.grad[:, 0], learner.W_query.grad[:, 1])
    cells = [c.source for c in read(NOTEBOOKS / "07_self_attention_module.ipynb").cells]
    (maths,) = [s for s in cells if "lines of math" in s]
    block = maths.split(r"\begin{aligned}")[1].split(r"\end{aligned}")[0].strip()
    assert "four lines of math" in maths and len(block.split(r"\\")) == 4


def test_the_module_ignores_word_order(article: dict[str, Any]) -> None:
    """The section "Word order: the module does not see it": shuffled words get the same
    context vectors, shuffled; lessons 8, 12 and 13 point back to that section by its title."""
    torch.manual_seed(123)
    module = SelfAttention(3, 2, 2, 4)
    x = article["embedded_sentence"].detach()  # (9, 3)
    order = torch.tensor([8, 3, 0, 6, 1, 7, 2, 5, 4])
    with torch.no_grad():
        assert torch.allclose(module(x[order]), module(x)[order], atol=1e-6)
        assert not torch.allclose(module(x[order]), module(x), atol=1e-3)
    title = "Word order: the module does not see it"
    (section,) = [
        c for c in read(NOTEBOOKS / "07_self_attention_module.ipynb").cells if title in c.source
    ]
    assert section.source.startswith(f"## {title}")
    for later in ("08_masks", "12_watching_attention_learn", "13_a_real_models_attention"):
        assert any(title in c.source for c in read(NOTEBOOKS / f"{later}.ipynb").cells), later
