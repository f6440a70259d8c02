"""Lessons 02-04 (embedding, query/key/value, attention scores): their helpers, checks,
explorers and pictures, and the numbers the stored notebooks print (the article's)."""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from article_reference import run_article
from course import NOTEBOOKS, read, text_of

import helpers
import helpers.exercises as exercises
import helpers.explorers as explorers
import helpers.figures as figures
from helpers.html_pictures import picture_labels, picture_text

WORDS = helpers.split_words(helpers.SENTENCE)


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    return run_article()


@pytest.fixture(scope="module")
def steps() -> helpers.attention.CourseSteps:
    return helpers.rebuild_steps()


# ---- the stored notebooks print the article's tensors ------------------------------------


def printed(notebook: str) -> str:
    """All text the stored notebook shows, joined."""
    nb = read(NOTEBOOKS / notebook)
    return "\n".join(
        text_of(output) for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
    )


def as_printed(tensor: torch.Tensor, precision: int = 4) -> str:
    """``tensor`` as a lesson prints it (helpers.setup_lesson's print options)."""
    with torch.no_grad():
        torch.set_printoptions(precision=precision, sci_mode=False, linewidth=100)
        try:
            return str(tensor)
        finally:
            torch.set_printoptions(profile="default")


@pytest.mark.parametrize(
    ("notebook", "name", "detach"),
    [
        ("02_embedding.ipynb", "embedded_sentence", False),
        ("03_query_key_value.ipynb", "W_query", False),
        ("03_query_key_value.ipynb", "query", False),
        ("03_query_key_value.ipynb", "key", False),
        ("03_query_key_value.ipynb", "value", False),
        ("04_attention_scores.ipynb", "attention_scores", True),
    ],
)
def test_lessons_print_the_articles_tensors(
    article: dict[str, Any], notebook: str, name: str, detach: bool
) -> None:
    tensor = article[name].detach() if detach else article[name]
    assert as_printed(tensor) in printed(notebook)


def test_lesson_04_prints_the_unscaled_scores(article: dict[str, Any]) -> None:
    unscaled = article["query"] @ article["key"].T
    # Three decimals: one raw score sits on a four-decimal rounding boundary (the lesson says why).
    assert as_printed(unscaled.detach(), precision=3) in printed("04_attention_scores.ipynb")
    torch.testing.assert_close(unscaled / math.sqrt(2), article["attention_scores"])


def test_helpers_used_by_the_lessons_equal_the_article(article: dict[str, Any]) -> None:
    ids = helpers.encode(helpers.SENTENCE, helpers.build_vocabulary(helpers.SENTENCE))
    assert torch.equal(helpers.embed(ids), article["embedded_sentence"])
    for ours, name in zip(
        helpers.projection_weights(), ("W_query", "W_key", "W_value"), strict=True
    ):
        assert torch.equal(ours, article[name])
    scores = helpers.attention_scores(article["query"], article["key"])
    assert torch.equal(scores, article["attention_scores"])


# ---- explorers -----------------------------------------------------------------------------


def test_explorers_leave_the_global_random_state_alone() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    explorers.embedding_explorer()
    explorers.projection_explorer().controls["seed"].value = 5
    explorers.scaling_explorer()
    exercises.check_fox_vector(torch.zeros(3))
    assert torch.equal(torch.rand(3), expected)


def test_drive_embedding_explorer(steps: helpers.attention.CourseSteps) -> None:
    explorer = explorers.embedding_explorer()
    (word,) = explorer.controls.values()
    assert word.options == tuple(WORDS) and word.value == "fox"
    assert explorer.shown_text() == (
        "word: 'fox'   id: 4   position in the sentence: 3\n"
        "vector: [0.1794, 1.8951, 0.4954]\n"
        "= row 4 of the table embed.weight = row 3 of embedded_sentence\n"
        "length of the vector: 1.9670"
    )
    assert picture_labels(explorer.picture.value) == [
        "Three number lines, one per dimension of the word vectors: every word is a grey dot, "
        "'fox' is orange at 0.1794, 1.8951, 0.4954."
    ]
    assert "dimension 2" in picture_text(explorer.picture.value)
    assert explorer.snapshot_png() == figures.render_png(
        figures.embedding_strip_figure(steps.embedded, WORDS, 3)
    )
    word.value = "quick"
    assert explorer.shown_text() == (
        "word: 'quick'   id: 8   position in the sentence: 1\n"
        "vector: [0.4965, -1.5723, 0.9666]\n"
        "= row 8 of the table embed.weight = row 1 of embedded_sentence\n"
        f"length of the vector: {steps.embedded[1].norm().item():.4f}"
    )
    shown = ", ".join(f"{x:.4f}" for x in steps.embedded[1].tolist())
    assert shown == "0.4965, -1.5723, 0.9666"
    assert picture_labels(explorer.picture.value)[0].endswith(f"'quick' is orange at {shown}.")
    assert explorer.snapshot_png() == figures.render_png(
        figures.embedding_strip_figure(steps.embedded, WORDS, 1)
    )
    assert "is not a word of the lesson's sentence" in explorers.describe_word_vector("cat")


def test_drive_projection_explorer(steps: helpers.attention.CourseSteps) -> None:
    explorer = explorers.projection_explorer()
    d_k, d_v, seed = (explorer.controls[n] for n in ("d_k", "d_v", "seed"))
    assert (d_k.value, d_v.value, seed.value) == (2, 4, 123)
    assert explorer.shown_text() == (
        "d_q = d_k = 2, d_v = 4, seed = 123  (the article's settings)\n"
        "W_query (3, 2), W_key (3, 2), W_value (3, 4)\n"
        "query (9, 2), key (9, 2), value (9, 4)\n"
        "'The': query [0.0327, -0.2112]\n"
        "       key   [-0.0823, -0.3031]\n"
        "       value [-0.2546, -0.2608, -0.1544, -0.2801]"
    )

    def picture(w_q: Any, w_k: Any, w_v: Any) -> bytes:
        x = steps.embedded
        return figures.render_png(
            figures.projection_figure(
                x,
                {"W_Q": w_q.detach(), "W_K": w_k.detach(), "W_V": w_v.detach()},
                {"Q": x @ w_q.detach(), "K": x @ w_k.detach(), "V": x @ w_v.detach()},
                WORDS,
                annotate=False,
            )
        )

    def panels(d_k: int, d_v: int) -> list[str]:
        shapes = {"W_Q": (3, d_k), "W_K": (3, d_k), "W_V": (3, d_v)}
        shapes |= {"X": (9, 3), "Q": (9, d_k), "K": (9, d_k), "V": (9, d_v)}
        return [
            f"{name}, a {rows}×{columns} matrix, as coloured cells (cividis: dark low, yellow high)."
            for name, (rows, columns) in shapes.items()
        ]

    assert picture_labels(explorer.picture.value) == panels(2, 4)
    assert "W_V (3×4)" in picture_text(explorer.picture.value)
    assert explorer.snapshot_png() == picture(steps.W_query, steps.W_key, steps.W_value)
    d_k.value, d_v.value, seed.value = 3, 1, 7
    torch.manual_seed(7)
    w_q, w_k, w_v = torch.rand(3, 3), torch.rand(3, 3), torch.rand(3, 1)
    x = steps.embedded
    q, k, v = x[0] @ w_q, x[0] @ w_k, x[0] @ w_v

    def fmt(t: torch.Tensor) -> str:
        return "[" + ", ".join(f"{float(n):.4f}" for n in t) + "]"

    assert explorer.shown_text() == (
        "d_q = d_k = 3, d_v = 1, seed = 7\n"
        "W_query (3, 3), W_key (3, 3), W_value (3, 1)\n"
        "query (9, 3), key (9, 3), value (9, 1)\n"
        f"'The': query {fmt(q)}\n"
        f"       key   {fmt(k)}\n"
        f"       value {fmt(v)}"
    )
    assert picture_labels(explorer.picture.value) == panels(3, 1)
    assert explorer.snapshot_png() == picture(w_q, w_k, w_v)


def test_drive_scaling_explorer() -> None:
    explorer = explorers.scaling_explorer()
    (d_k,) = explorer.controls.values()
    assert d_k.options == (2, 4, 8, 16, 32, 64, 128, 256, 512) and d_k.value == 64
    for size in (64, 2, 512):
        d_k.value = size
        generator = torch.Generator().manual_seed(123)
        q = torch.randn(9, size, generator=generator)
        k = torch.randn(9, size, generator=generator)
        raw = q @ k.T
        scaled = raw / math.sqrt(size)
        top_raw = torch.softmax(raw[0], dim=-1).max().item()
        top_scaled = torch.softmax(scaled[0], dim=-1).max().item()
        assert explorer.shown_text() == (
            f"d_k = {size}: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\n"
            f"unscaled scores: std {raw.std().item():.2f}, from {raw.min().item():.2f} to "
            f"{raw.max().item():.2f}\n"
            f"scaled (÷ √{size} = {math.sqrt(size):.2f}): std {scaled.std().item():.2f}, from "
            f"{scaled.min().item():.2f} to {scaled.max().item():.2f}\n"
            f"softmax of row 0: largest weight {top_raw:.2f} unscaled, {top_scaled:.2f} scaled "
            "(equal weights would be 0.11)"
        )
        assert picture_labels(explorer.picture.value) == [
            f"All 81 scores as dots on two number lines: unscaled from {raw.min().item():.2f} "
            f"to {raw.max().item():.2f}, scaled from {scaled.min().item():.2f} to "
            f"{scaled.max().item():.2f}.",
            f"Softmax of query 0's scores over the 9 keys: largest weight {top_raw:.2f} "
            f"unscaled, {top_scaled:.2f} scaled.",
        ]
        assert f"all 81 scores, d_k = {size}" in picture_text(explorer.picture.value)
        assert explorer.snapshot_png() == figures.render_png(
            figures.scaling_figure(raw, size, WORDS)
        )
    d_k.value = 64
    assert explorer.shown_text().startswith(
        "d_k = 64: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\n"
        "unscaled scores: std 7.91, from -14.51 to 19.39\n"
        "scaled (÷ √64 = 8.00): std 0.99, from -1.81 to 2.42"
    )


# ---- exercise checks ------------------------------------------------------------------------


def verdict(check: Any, answer: Any) -> str:
    return check(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda s: s.embedded[3], "Correct! 'fox' is the vector"),
        (lambda s: [0.1794, 1.8951, 0.4954], "Correct!"),
        (lambda s: s.embedded[4], "that is the vector of 'jumps' (word 4 of the sentence)"),
        (
            lambda s: s.embedded[3:4],
            "your tensor has shape (1, 3); one word's vector has shape (3,)",
        ),
        (lambda s: torch.tensor([0, 1, 0]), "your tensor has dtype torch.int64"),
        (lambda s: torch.tensor([float("nan")] * 3), "holds NaN or infinity"),
        (lambda s: s.embedded[3] + 0.01, "these are not the numbers of 'fox'"),
        (lambda s: ["a", "b", "c"], "should be a tensor of numbers"),
    ],
)
def test_check_fox_vector(steps: Any, answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_fox_vector, answer(steps))


def one_hot(index: int, size: int = 50_000, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    vector = torch.zeros(size, dtype=dtype)
    vector[index] = 1
    return vector


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (one_hot(6), "Correct! one_hot @ embed.weight picks row 6"),
        (one_hot(7), "your 1 is at index 7, the position of 'lazy' in the sentence"),
        (one_hot(2), "your 1 is at index 2; 'lazy' has id 6"),
        (one_hot(6, size=9), "your vector has 9 entries; a one-hot vector has one entry per row"),
        (one_hot(6, dtype=torch.int64), "your vector has dtype torch.int64"),
        (one_hot(6) + one_hot(7), "yours has 2 ones and 0 other non-zero entries"),
        (one_hot(6) * 2, "yours has 0 ones and 1 other non-zero entries"),
        (one_hot(6)[None], "your tensor has shape (1, 50000)"),
    ],
)
def test_check_lazy_one_hot(answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_lazy_one_hot, answer)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (150_000, "Correct! 50,000 rows × 3 numbers = 150,000"),
        (150_000.0, "Correct!"),
        (27, "27 is what our sentence uses"),
        (50_000, "50,000 is the number of rows"),
        (3, "3 is the length of one vector"),
        (9, "9 is the number of words"),
        (12, "12 is not the number of entries in the table"),
        (torch.tensor(150_000), "the answer is a count, a Python int"),
        (float("inf"), "a count is a whole number; you gave inf"),
        (2.5, "a count is a whole number; you gave 2.5"),
    ],
)
def test_check_table_parameters(answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_table_parameters, answer)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda s: s.query[3], "Correct! the query of 'fox' is tensor([0.5667, 1.8269])"),
        (lambda s: s.query[3].detach().tolist(), "Correct!"),
        (lambda s: s.key[3], "that is the key of 'fox': you used W_key"),
        (lambda s: s.query[4], "that is the query of 'jumps' (word 4)"),
        (lambda s: s.query[3:4], "your tensor has shape (1, 2)"),
        (lambda s: s.query[3] * 2, "these are not the two numbers of the query of 'fox'"),
    ],
)
def test_check_fox_query(steps: Any, answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_fox_query, answer(steps))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((9, 6), "Correct! value would be 9 × 6"),
        (torch.Size([9, 6]), "Correct!"),
        ([9, 6], "Correct!"),
        ((6, 9), "rows are words: the 9 comes first"),
        ((3, 6), "(3, 6) is the shape of W_value"),
        ((9, 4), "(9, 4) is the article's value"),
        ((9, 3), "(9, 3) is the shape of X"),
        ((9, 6.0), "a shape holds ints; you gave (9, 6.0)"),
        ("(9, 6)", "a shape is a tuple of ints such as (2, 3); you gave '(9, 6)'"),
    ],
)
def test_check_value_shape(answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_value_shape, answer)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda s: s.W_query.T, "Correct! nn.Linear(3, 2, bias=False) with weight W_query.T"),
        (lambda s: s.W_query, "that is W_query itself, shape (3, 2)"),
        (lambda s: s.W_key.T, "that is W_key.T: it would compute the keys"),
        (lambda s: s.W_query.T * 2, "this weight does not give the lesson's query"),
        (lambda s: torch.zeros(3, 2), "your tensor has shape (3, 2)"),
    ],
)
def test_check_linear_weight(steps: Any, answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_linear_weight, answer(steps))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (-0.9456, "Correct! attention_scores[3, 8] = -0.9456"),
        (lambda s: s.scores[3, 8], "Correct!"),
        (-1.3374, "that is the unscaled score"),
        (-1.7704, "row and column are swapped"),
        (-0.9853, "you used the ids (fox 4, dog 3)"),
        (0.5, "0.5 is not the scaled score"),
        (lambda s: s.scores[3], "a score is one number; you gave a tensor of shape (9,)"),
        (float("nan"), "a score is a finite number"),
    ],
)
def test_check_fox_dog_score(steps: Any, answer: Any, expected: str) -> None:
    value = answer(steps) if callable(answer) else answer
    assert expected in verdict(exercises.check_fox_dog_score, value)


def test_batch_inputs_are_the_sentence_and_its_reverse(steps: Any) -> None:
    queries, keys = exercises.batch_inputs()
    assert queries.shape == keys.shape == (2, 9, 2) and not queries.requires_grad
    torch.testing.assert_close(queries[0], steps.query.detach())
    torch.testing.assert_close(keys[1], steps.key.detach().flip(0))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda q, k: q @ k.transpose(-2, -1) / math.sqrt(2), "Correct! two 9 × 9 score matrices"),
        (lambda q, k: helpers.attention_scores(q, k), "Correct!"),
        (lambda q, k: q @ k.transpose(-2, -1), "these are the unscaled scores"),
        (lambda q, k: k @ q.transpose(-2, -1) / math.sqrt(2), "rows and columns are swapped"),
        (lambda q, k: q[0] @ k[0].T / math.sqrt(2), "your scores are (9, 9): one sentence"),
        (lambda q, k: q @ k.transpose(-2, -1) / 3, "these are not the scaled scores"),
    ],
)
def test_check_batch_scores(answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_batch_scores, answer(*exercises.batch_inputs()))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (8, "Correct! √64 = 8"),
        (math.sqrt(64), "Correct!"),
        (torch.tensor(8.0), "Correct!"),
        (64, "64 is d_k itself"),
        (math.sqrt(512), "that is √d_model"),
        (512, "512 is d_model"),
        (0.125, "0.125 is what you multiply by"),
        (7, "7.0 is not √d_k for d_k = 64"),
    ],
)
def test_check_scale_for_64(answer: Any, expected: str) -> None:
    assert expected in verdict(exercises.check_scale_for_64, answer)


# ---- pictures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda s: figures.word_vectors_figure(s.embedded, WORDS, highlight=3),
        lambda s: figures.word_vectors_figure(s.embedded, WORDS),
        lambda s: figures.embedding_strip_figure(s.embedded, WORDS, 0),
        lambda s: figures.projection_figure(
            s.embedded, {"W_query": s.W_query}, {"query": s.query}, WORDS
        ),
        lambda s: figures.variance_figure([2, 4], [2.0, 4.1], [1.0, 1.02]),
        lambda s: figures.scaling_figure(s.query @ s.key.T, 2, WORDS),
    ],
)
def test_lesson_figures_render_identically(steps: Any, make: Any) -> None:
    first, second = figures.render_png(make(steps)), figures.render_png(make(steps))
    assert first.startswith(b"\x89PNG") and first == second


def test_random_scores_are_reproducible_and_spread_with_d_k() -> None:
    assert torch.equal(explorers.random_scores(16), explorers.random_scores(16))
    assert explorers.random_scores(512).std() > 10 * explorers.random_scores(2).std() / 2
