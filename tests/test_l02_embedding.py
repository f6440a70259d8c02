"""Lesson 02, embedding: its 3-D picture, its heatmap, its explorer and its exercise checks.

Numbers come from the article's own code (tests/article_reference.py) with plain PyTorch,
independently of helpers; expected texts are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from article_reference import run_article
from course import NOTEBOOKS, figure_text, picture_labels, picture_text, read, text_of

from helpers.lessons import l02_embedding as lesson
from helpers.ui import figures
from helpers.ui.charts import NumberLines, spread_labels

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article() -> dict[str, Any]:
    with torch.random.fork_rng(devices=[]):
        return run_article()


@pytest.fixture(scope="module")
def embedded() -> torch.Tensor:
    return article()["embedded_sentence"]


def one_hot(index: int, size: int = 50_000, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    vector = torch.zeros(size, dtype=dtype)
    vector[index] = 1
    return vector


RIGHT_ANSWERS = {
    "check_new_sentence_embedding": lambda: new_sentence_embedding(),
    "check_lazy_one_hot": lambda: one_hot(article()["dc"]["lazy"]),
    "check_table_parameters": lambda: torch.nn.Embedding(50257, 768).weight.numel(),
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


# ---- the lesson's numbers are the article's ------------------------------------------------


def as_printed(tensor: torch.Tensor) -> str:
    """``tensor`` as a lesson prints it (helpers.setup_lesson's print options)."""
    torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)
    try:
        return str(tensor)
    finally:
        torch.set_printoptions(profile="default")


def test_the_notebook_prints_the_articles_embedding(embedded: torch.Tensor) -> None:
    nb = read(NOTEBOOKS / "02_embedding.ipynb")
    printed = "\n".join(
        text_of(output) for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert as_printed(embedded) in printed


def test_course_is_the_articles_embedding_and_leaves_the_random_state_alone(
    embedded: torch.Tensor,
) -> None:
    lesson.course.cache_clear()
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    words, vocabulary, ours = lesson.course()
    lesson.embedding_explorer()
    lesson.check_new_sentence_embedding(torch.zeros(7, 3))  # it embeds, with the RNG untouched
    assert torch.equal(torch.rand(3), expected)
    assert torch.equal(ours, embedded) and words == WORDS
    assert vocabulary == article()["dc"]


# ---- pictures ------------------------------------------------------------------------------


def overlapping(boxes: list[Any]) -> list[tuple[int, int]]:
    return [
        (i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes) if i < j and a.overlaps(b)
    ]


def test_word_vectors_figure_shows_each_pair_of_dimensions_with_every_word_named(
    embedded: torch.Tensor,
) -> None:
    fig = lesson.word_vectors_figure(embedded, WORDS, highlight=3)
    assert fig._suptitle.get_text() == (
        "Each word is a point in 3-D, seen here along each pair of dimensions"
    )
    renderer = fig.canvas.get_renderer()
    assert len(fig.axes) == 3
    for ax, (a, b) in zip(fig.axes, [(0, 1), (0, 2), (1, 2)], strict=True):
        assert ax.get_title() == f"dim {a} and dim {b}"
        assert (ax.get_xlabel(), ax.get_ylabel()) == (f"dim {a}", f"dim {b}")
        (points,) = ax.collections
        assert torch.allclose(torch.tensor(points.get_offsets()), embedded[:, [a, b]].double())
        labels = {text.get_text(): text for text in ax.texts}
        assert sorted(labels) == sorted(WORDS) and len(ax.texts) == len(WORDS)
        for word, vector in zip(WORDS, embedded.tolist(), strict=True):
            assert labels[word].xy == pytest.approx((vector[a], vector[b])), "at its own point"
        assert labels["fox"].get_weight() == "bold" and labels["dog"].get_weight() == "normal"
        boxes = [text.get_window_extent(renderer) for text in ax.texts]
        assert not overlapping(boxes), f"labels overlap in dim {a} and dim {b}"
        inside = ax.get_window_extent(renderer)
        assert all(inside.x0 <= box.x0 and box.x1 <= inside.x1 for box in boxes)
        dots = ax.transData.transform(embedded[:, [a, b]].numpy())
        for box, text in zip(boxes, ax.texts, strict=True):  # no label covers another's point
            others = [d for d, w in zip(dots, WORDS, strict=True) if w != text.get_text()]
            assert not any(box.contains(x, y) for x, y in others), text.get_text()
    assert figures.render_png(fig) == figures.render_png(
        lesson.word_vectors_figure(embedded, WORDS, highlight=3)
    ), "deterministic PNG"


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([0.2, 0.8], [0.2, 0.8]),  # far apart: each label under its dot
        ([0.5, 0.5], [0.5 - 0.0425, 0.5 + 0.0425]),  # a tie: pushed apart evenly, in row order
        ([0.0, 0.01], [0.0, 0.085]),  # at the end of the line: kept on it
        ([0.6, 0.3, 0.32], [0.6, 0.2675, 0.3525]),  # the dots' order, whatever the rows' order
    ],
)
def test_spread_labels_keeps_order_and_distance(shares: list[float], expected: list[float]) -> None:
    assert spread_labels(shares) == pytest.approx(expected)


def test_the_lessons_heatmap_shows_every_number(embedded: torch.Tensor) -> None:
    fig = figures.heatmap_figure(embedded, WORDS, ["dim 0", "dim 1", "dim 2"], "t")
    shown = figure_text(fig)
    for x in embedded.flatten().tolist():
        assert f"{x:.2f}" in shown
    assert "fox" in shown and "dim 2" in shown


# ---- explorer ------------------------------------------------------------------------------


def explorer_text(word: str, embedded: torch.Tensor) -> str:
    position, token_id = WORDS.index(word), article()["dc"][word]
    vector = embedded[position]
    numbers = ", ".join(f"{x:.4f}" for x in vector.tolist())
    return (
        f"word: {word!r}   id: {token_id}   position in the sentence: {position}\n"
        f"vector: [{numbers}]\n"
        f"= row {token_id} of the table embed.weight = row {position} of embedded_sentence\n"
        f"length of the vector: {vector.norm().item():.4f}"
    )


def test_drive_embedding_explorer(embedded: torch.Tensor) -> None:
    explorer = lesson.embedding_explorer()
    (word,) = explorer.controls.values()
    assert isinstance(word, widgets.Dropdown) and "course-word" in word._dom_classes
    assert word.options == tuple(WORDS) and word.value == "fox" and word.description == "Word:"
    assert explorer.picture.layout.height == "190px"
    assert explorer.fallback == (
        "[Embedding explorer: pick a word to see its id and its vector. It needs a live "
        "kernel (JupyterLab or Binder); the picture below shows its starting state.]"
    )
    assert explorer.shown_text() == (
        "word: 'fox'   id: 4   position in the sentence: 3\n"
        "vector: [0.1794, 1.8951, 0.4954]\n"
        "= row 4 of the table embed.weight = row 3 of embedded_sentence\n"
        "length of the vector: 1.9670"
    )
    assert picture_labels(explorer.picture.value) == [
        "Three number lines, one per dimension of the word vectors: every word is a grey dot, "
        "named below its line (the names in the dots' order, each joined to its dot by a thin "
        "line); 'fox' is orange at 0.1794, 1.8951, 0.4954."
    ]
    text = picture_text(explorer.picture.value)
    assert "'fox' (orange) among the other words (grey)" in text and "dimension 2" in text
    assert text.split("dimension 0 ")[1].split(" dimension 1")[0] == (
        "The quick brown fox jumps over a lazy dog 0.1794"
    ), "every dot named (in row order in the page; placed in the dots' order)"
    assert_every_dot_is_named(explorer.view.picture, embedded)
    word.value = "quick"
    assert explorer.shown_text() == (
        "word: 'quick'   id: 8   position in the sentence: 1\n"
        "vector: [0.4965, -1.5723, 0.9666]\n"
        "= row 8 of the table embed.weight = row 1 of embedded_sentence\n"
        "length of the vector: 1.9113"
    )
    assert picture_labels(explorer.picture.value)[0].endswith(
        "'quick' is orange at 0.4965, -1.5723, 0.9666."
    )
    for position, choice in enumerate(WORDS):
        word.value = choice
        assert explorer.shown_text() == explorer_text(choice, embedded)
        picture = explorer.view.picture
        assert isinstance(picture, NumberLines) and picture.marked == position
        assert list(picture.lines) == ["dimension 0", "dimension 1", "dimension 2"]
        assert torch.allclose(torch.tensor(list(picture.lines.values())), embedded.T)
        assert picture.title == f"{choice!r} (orange) among the other words (grey)"
        assert picture.words == tuple(WORDS)


def assert_every_dot_is_named(picture: Any, embedded: torch.Tensor) -> None:
    """The snapshot names every dot of every line once, below it, and no two names overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = figures.figure(picture)
    renderer = FigureCanvasAgg(fig).get_renderer()
    (ax,) = fig.axes
    names = [t for t in ax.texts if t.get_text() in WORDS]
    assert len(names) == 3 * len(WORDS)
    for line in range(3):  # line 0 (dimension 0) is the top one, at y = 2
        shown = names[line * len(WORDS) : (line + 1) * len(WORDS)]
        assert [t.get_text() for t in shown] == WORDS
        assert all(t.get_position()[1] < 2 - line for t in shown), "below its line"
        order = sorted(WORDS, key=lambda w: embedded[WORDS.index(w), line].item())
        assert [t.get_text() for t in sorted(shown, key=lambda t: t.get_position()[0])] == order
    assert not overlapping([t.get_window_extent(renderer) for t in ax.texts])
    assert [t.get_weight() for t in names].count("bold") == 3, "the chosen word's three names"


# ---- exercise checks -----------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def new_sentence_embedding(vocabulary: dict[str, int] | None = None) -> torch.Tensor:
    """Exercise 1's answer with the article's own table and vocabulary: "a lazy dog jumps over a
    fox", (7, 3); with ``vocabulary``, the rows that vocabulary's ids pick instead."""
    found = article()
    ids = [(vocabulary or found["dc"])[word] for word in "a lazy dog jumps over a fox".split()]
    return found["embed"](torch.tensor(ids)).detach()


def test_check_new_sentence_embedding() -> None:
    check = lesson.check_new_sentence_embedding
    right = new_sentence_embedding()
    assert torch.equal(right[0], right[5]), "the two 'a's get the same row"
    for form in (right, right.double(), right.numpy(), right.tolist()):
        assert verdict(check, form).startswith("Correct! rows 0 and 5, the two 'a's"), type(form)
    own = {w: i for i, w in enumerate(sorted(set("a lazy dog jumps over a fox".split())))}
    assert "you numbered the new sentence's words afresh" in verdict(
        check, new_sentence_embedding(own)
    )
    positions = article()["embed"](torch.arange(7)).detach()
    assert "you used the words' positions as ids" in verdict(check, positions)
    assert "turned round" in verdict(check, right.T)
    assert "that is our sentence's matrix (9 words)" in verdict(
        check, article()["embedded_sentence"]
    )
    assert "close, but not precise enough" in verdict(check, right.round(decimals=2))
    assert "these are not the rows of the new sentence's words" in verdict(check, right.flip(0))
    assert "your answer has shape (7,)" in verdict(check, right[:, 0])


FLOATS_NOTE = (
    "Correct! one_hot @ embed.weight picks row 6 of the table: the vector of 'lazy'. Your "
    "tensor holds integers (torch.int64); convert it with .float() before multiplying it with "
    "the float table."
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda: one_hot(6), "Correct! one_hot @ embed.weight picks row 6 of the table: the vector of 'lazy'."),
        (lambda: one_hot(6, dtype=torch.int64), FLOATS_NOTE),
        (lambda: one_hot(6).tolist(), "You gave it as a Python list; to multiply it with embed.weight, make it a float tensor"),
        (lambda: one_hot(6) * 0.999, "close, but not precise enough"),
        (lambda: one_hot(7), "your 1 is at index 7, the position of 'lazy' in the sentence"),
        (lambda: one_hot(2), "your 1 is at index 2; 'lazy' has id 6"),
        (lambda: one_hot(6, size=9), "your vector has 9 entries; a one-hot vector has one entry per row"),
        (lambda: one_hot(2, size=3).tolist(), "your vector has 3 entries"),
        (lambda: one_hot(6) + one_hot(7), "yours has 2 ones and 0 other non-zero entries"),
        (lambda: one_hot(6) * 2, "yours has 0 ones and 1 other non-zero entries"),
        (lambda: one_hot(6)[None], "your answer has shape (1, 50000); the one-hot vector has shape (50000,)"),
    ],
)  # fmt: skip
def test_check_lazy_one_hot(answer: Callable[[], Any], expected: str) -> None:
    message = verdict(lesson.check_lazy_one_hot, answer())
    assert expected in message
    assert message.startswith("Correct!") == (
        expected.startswith("Correct!") or "You gave" in expected
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (38_597_376, "Correct! 50,257 rows × 768 numbers = 38,597,376 learnable numbers, about 31% of GPT-2 small's 124 million"),
        (38_597_376.0, "Correct!"),
        (torch.tensor(38_597_376), "Correct!"),
        (150_000, "150,000 is the article's table"),
        (50_257, "50,257 is the number of rows"),
        (768, "768 is the length of one vector"),
        (50_257 + 768, "you added rows and columns"),
        (12, "12 is not the number of entries in the table"),
        (38_597_377, "38597377 is not the number of entries in the table"),
        ("38597376", "you gave the text '38597376'; write the count as a number, without quotes"),
        (float("inf"), "the count is a finite number; you gave inf"),
        (2.5, "a count is a whole number; you gave 2.5"),
        ([50_257, 768], "the count is one number; you gave 2 numbers"),
    ],
)  # fmt: skip
def test_check_table_parameters(answer: Any, expected: str) -> None:
    message = verdict(lesson.check_table_parameters, answer)
    assert expected in message
    assert message.startswith("Correct!") == expected.startswith("Correct!")


def test_checks_keep_their_hints() -> None:
    """The placeholder cells print these hints: they are stored outputs of the notebook."""
    assert verdict(lesson.check_new_sentence_embedding, ...).endswith(
        "Hint: encode the new sentence with this lesson's vocab, then look its ids up in the same "
        "table, embed."
    )
    assert verdict(lesson.check_lazy_one_hot, ...).endswith(
        "Hint: a float tensor of 50,000 zeros with a 1 at the id of 'lazy'."
    )
    assert verdict(lesson.check_table_parameters, ...).endswith(
        "Hint: a table has one row per token id and one number per dimension: rows times columns."
    )


# ---- bad input -----------------------------------------------------------------------------

HEATMAP = {"matrix": torch.ones(2, 3), "rows": ["a", "b"], "columns": ["x", "y", "z"], "title": "t"}
EMBEDDED = article()["embedded_sentence"]

BAD_INPUT = [
    (lambda: lesson.word_vectors_figure([[1, 2, 3]], ["a"]), TypeError, "vectors must be a non-empty 2-D tensor of numbers; got [[1, 2, 3]] (type list)"),
    (lambda: lesson.word_vectors_figure(torch.ones(9, 2), WORDS), ValueError, "vectors must have 3 columns; got shape (9, 2)"),
    (lambda: lesson.word_vectors_figure(torch.ones(3), WORDS), TypeError, "vectors must be a non-empty 2-D tensor of numbers; got tensor([1., 1., 1.])"),
    (lambda: lesson.word_vectors_figure(EMBEDDED, WORDS[:8]), ValueError, "words must hold 9 labels, one per row; got 8"),
    (lambda: lesson.word_vectors_figure(EMBEDDED, "fox"), TypeError, "words must be a list of strings; got 'fox' (type str)"),
    (lambda: lesson.word_vectors_figure(EMBEDDED, WORDS, highlight=9), ValueError, "highlight must be from 0 to 8; got 9"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": torch.ones(3)})), TypeError, "matrix must be a 2-D tensor of numbers; got tensor([1., 1., 1.])"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": "ab"})), TypeError, "matrix must be a 2-D tensor of numbers; got 'ab' (type str)"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"rows": ["a"]})), ValueError, "rows and columns must label the matrix's 2 rows and 3 columns; got 1 row labels and 3 column labels"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"highlight_row": 2})), ValueError, "highlight_row must be from 0 to 1; got 2"),
]  # fmt: skip


def test_only_plain_gradient_descent_leaves_unused_rows_alone() -> None:
    """Lesson 2's claim: the rows of words that do not occur get a gradient of zero, so plain
    gradient descent leaves them unchanged, while weight decay (or momentum from earlier steps)
    still moves them."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        table = torch.nn.Embedding(10, 3)
    before = table.weight.detach().clone()
    table(torch.tensor([0, 8, 2])).sum().backward()
    assert table.weight.grad[[1, 3, 4, 5, 6, 7, 9]].abs().sum() == 0
    torch.optim.SGD(table.parameters(), lr=0.1).step()
    assert torch.equal(table.weight.detach()[9], before[9]) and not torch.equal(
        table.weight.detach()[0], before[0]
    )
    torch.optim.SGD(table.parameters(), lr=0.1, weight_decay=0.1).step()
    assert not torch.equal(table.weight.detach()[9], before[9]), "weight decay moves unused rows"
