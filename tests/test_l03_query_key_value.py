"""Lesson 03, query, key and value: its picture, its explorer and its exercise checks.

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
from matplotlib.backends.backend_agg import FigureCanvasAgg

import helpers
from helpers.lessons import l03_query_key_value as lesson
from helpers.ui.figures import render_png
from helpers.ui.pictures import figure

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article_value(name: str) -> torch.Tensor:
    with torch.random.fork_rng(devices=[]):
        return run_article()[name].detach()


RIGHT_ANSWERS = {
    "check_fox_query": lambda: article_value("embedded_sentence")[3] @ article_value("W_query"),
    "check_mixed_key": lambda: (
        (0.5 * article_value("embedded_sentence")[3] + 0.5 * article_value("embedded_sentence")[8])
        @ article_value("W_key")
    ),
    "check_linear_weight": lambda: article_value("W_query").T,
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


# ---- the stored notebook prints the article's tensors ------------------------------------


def printed() -> str:
    nb = read(NOTEBOOKS / "03_query_key_value.ipynb")
    return "\n".join(
        text_of(output) for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
    )


@pytest.mark.parametrize("name", ["W_query", "query", "key", "value"])
def test_the_lesson_prints_the_articles_tensors(article: dict[str, Any], name: str) -> None:
    with torch.no_grad():
        torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)
        try:
            shown = str(article[name])
        finally:
            torch.set_printoptions(profile="default")
    assert shown in printed()


def test_projection_weights_are_the_articles(article: dict[str, Any]) -> None:
    for ours, name in zip(
        helpers.projection_weights(), ("W_query", "W_key", "W_value"), strict=True
    ):
        assert torch.equal(ours, article[name])


# ---- picture ---------------------------------------------------------------------------


def test_projection_figure_shows_every_number(article: dict[str, Any]) -> None:
    x = article["embedded_sentence"]
    names = ("query", "key", "value")
    weights = {f"W_{n}": article[f"W_{n}"] for n in names}
    results = {n: article[n] for n in names}
    fig = lesson.projection_figure(x, weights, results, WORDS)
    shown = figure_text(fig)
    for title in ("X (9×3)", "W_query (3×2)", "W_value (3×4)", "query (9×2)", "value (9×4)"):
        assert title in shown
    for matrix in (x, *weights.values(), *results.values()):
        for number in matrix.detach().flatten().tolist():
            assert f"{number:.2f}".replace("-0.00", "0.00") in shown
    assert [t.get_text() for t in fig.texts] == ["X times the matrix above\neach result gives it"]
    assert render_png(fig) == render_png(lesson.projection_figure(x, weights, results, WORDS))


# ---- explorer --------------------------------------------------------------------------


def panels(d_k: int, d_v: int) -> list[str]:
    shapes = {"X": (9, 3), "W_Q": (3, d_k), "W_K": (3, d_k), "W_V": (3, d_v)}
    shapes |= {"Q": (9, d_k), "K": (9, d_k), "V": (9, d_v)}
    return [
        f"{name}, a {rows}×{columns} matrix, every number printed in its cell on one colour "
        "scale (cividis: dark low, yellow high)."
        for name, (rows, columns) in shapes.items()
    ]


def assert_snapshot_is_labelled(picture: Any, article: dict[str, Any]) -> None:
    """The snapshot (the figure of the explorer's picture) prints every number of every matrix
    in its cell, names X's rows by their words and numbers every other row and column from 0."""
    fig = figure(picture)
    x, w_q, w_k, w_v, q, k, v = fig.axes[0], *fig.axes[2:5], *fig.axes[6:]
    for ax, matrix in zip((x, w_q, w_k, w_v, q, k, v), ("embedded_sentence", "W_query", "W_key",
                          "W_value", "query", "key", "value"), strict=True):  # fmt: skip
        values = article[matrix].detach()
        cells = [t.get_text() for t in ax.texts]
        assert cells == [f"{n:.2f}".replace("-0.00", "0.00") for n in values.flatten().tolist()]
        columns = [t.get_text() for t in ax.get_xticklabels()]
        assert columns == [str(j) for j in range(values.shape[1])], matrix
        rows = [t.get_text() for t in ax.get_yticklabels()]
        expected = {"embedded_sentence": WORDS}.get(matrix, ["0", "1", "2"] if matrix[0] == "W"
                                                     else [])  # fmt: skip
        assert rows == expected, matrix
    renderer = FigureCanvasAgg(fig).get_renderer()
    for ax in fig.axes:  # every printed number fits inside its cell (no two overlap)
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def fmt(t: torch.Tensor) -> str:
    return "[" + ", ".join(f"{float(n):.4f}" for n in t) + "]"


def test_drive_projection_explorer(article: dict[str, Any]) -> None:
    explorer = lesson.projection_explorer()
    d_k, d_v, seed = (explorer.controls[n] for n in ("d_k", "d_v", "seed"))
    assert all(isinstance(c, widgets.IntSlider) for c in (d_k, d_v, seed))
    assert (d_k.value, d_v.value, seed.value) == (2, 4, 123)
    assert (d_k.min, d_k.max, d_v.min, d_v.max, seed.min, seed.max) == (1, 8, 1, 8, 0, 999)
    assert explorer.picture.layout.height == "215px"
    assert explorer.shown_text() == (
        "d_q = d_k = 2, d_v = 4, seed = 123  (the article's settings)\n"
        "W_query (3, 2), W_key (3, 2), W_value (3, 4)\n"
        "query (9, 2), key (9, 2), value (9, 4)\n"
        "'The': query [0.0327, -0.2112]\n"
        "       key   [-0.0823, -0.3031]\n"
        "       value [-0.2546, -0.2608, -0.1544, -0.2801]"
    )
    assert picture_labels(explorer.picture.value) == panels(2, 4)
    shown = picture_text(explorer.picture.value)
    assert shown.startswith("X (9×3) 0 1 2 The 0.34 -0.18 -0.30 quick 0.50 -1.57 0.97")
    assert " @ W_Q (3×2) 0 1 0 0.30 0.52 1 0.25 0.69 2 0.07 0.87 W_K (3×2) " in shown
    assert " = Q (9×2) 0 1 0.03 -0.21 " in shown and shown.endswith("-1.21 -0.49 -1.01 -1.40")
    _x, w_q, _w_k, w_v, _q, _k, v = (p for p in explorer.view.picture.parts if hasattr(p, "values"))
    assert torch.equal(torch.tensor(w_q.values), article["W_query"].detach())
    assert torch.allclose(torch.tensor(v.values), article["value"])
    assert "W_V (3×4)" in figure_text(figure(explorer.view.picture))
    assert_snapshot_is_labelled(explorer.view.picture, article)

    d_k.value, d_v.value, seed.value = 3, 1, 7
    torch.manual_seed(7)
    w_q, w_k, w_v = torch.rand(3, 3), torch.rand(3, 3), torch.rand(3, 1)
    x = article["embedded_sentence"]
    assert explorer.shown_text() == (
        "d_q = d_k = 3, d_v = 1, seed = 7\n"
        "W_query (3, 3), W_key (3, 3), W_value (3, 1)\n"
        "query (9, 3), key (9, 3), value (9, 1)\n"
        f"'The': query {fmt(x[0] @ w_q)}\n"
        f"       key   {fmt(x[0] @ w_k)}\n"
        f"       value {fmt(x[0] @ w_v)}"
    )
    assert picture_labels(explorer.picture.value) == panels(3, 1)
    assert "W_V (3×1)" in picture_text(explorer.picture.value)
    d_k.value, d_v.value = 1, 3
    seed.value = 124
    assert explorer.shown_text() == (
        "d_q = d_k = 1, d_v = 3, seed = 124\nW_query (3, 1), W_key (3, 1), W_value (3, 3)\n"
        "query (9, 1), key (9, 1), value (9, 3)\n'The': query [-0.3159]\n"
        "       key   [0.0315]\n       value [-0.2379, -0.1471, 0.0107]"
    )


def test_the_explorer_leaves_the_global_random_state_alone() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    lesson.projection_explorer().controls["seed"].value = 5
    lesson.check_fox_query(torch.zeros(2))
    assert torch.equal(torch.rand(3), expected)


# ---- exercises -------------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_fox_query(article: dict[str, Any]) -> None:
    check = lesson.check_fox_query
    x, w_query = article["embedded_sentence"], article["W_query"].detach()
    by_hand = torch.stack([(x[3] * w_query[:, j]).sum() for j in range(2)])
    assert verdict(check, by_hand).startswith(
        "Correct! the query of 'fox' is tensor([0.5667, 1.8269]), row 3 of query."
    )
    assert verdict(check, by_hand.tolist()).startswith("Correct!")
    assert "close, but not precise enough" in verdict(check, by_hand.round(decimals=2))
    assert "that is the key of 'fox': you used W_key" in verdict(check, article["key"][3])
    assert "that is the query of 'jumps' (word 4)" in verdict(check, article["query"][4])
    assert "your answer has shape (1, 2)" in verdict(check, article["query"][3:4])
    assert "not the two numbers of the query of 'fox'" in verdict(check, by_hand * 2)


def test_check_mixed_key(article: dict[str, Any]) -> None:
    check = lesson.check_mixed_key
    x, w_key = article["embedded_sentence"], article["W_key"].detach()
    x_new = 0.5 * x[3] + 0.5 * x[8]  # (3,): halfway between 'fox' and 'dog'
    key, query, value = (article[n].detach() for n in ("key", "query", "value"))
    predicted = 0.5 * key[3] + 0.5 * key[8]
    assert torch.allclose(predicted, x_new @ w_key), "the key of the mix is the mix of the keys"
    assert verdict(check, x_new @ w_key).startswith(
        "Correct! the key of the mix is the same mix of the keys, tensor([0.0254, 0.5760]): a "
        "projection is linear, so x_new @ W_key needs no new product."
    )
    assert verdict(check, predicted.tolist()).startswith("Correct!")
    assert "close, but not precise enough" in verdict(check, predicted.round(decimals=2))
    assert "that is the new word's embedding x_new (3 numbers)" in verdict(check, x_new)
    mixed_value = 0.5 * value[3] + 0.5 * value[8]
    assert "that is the new word's value (4 numbers)" in verdict(check, mixed_value)
    assert "you mixed the rows of query" in verdict(check, 0.5 * query[3] + 0.5 * query[8])
    assert "the 0.5 of each is missing" in verdict(check, key[3] + key[8])
    by_ids = 0.5 * key[4] + 0.5 * key[3]  # 'fox' has id 4, 'dog' id 3 (lesson 1)
    assert "you took rows 4 and 3, the vocabulary ids of 'fox' and 'dog'" in verdict(check, by_ids)
    assert "that is the key of 'fox' alone" in verdict(check, key[3])
    assert "that is the key of 'dog' alone" in verdict(check, key[8])
    assert "the average key of all 9 words" in verdict(check, key.mean(dim=0))
    assert "that mixes the keys of 'quick' (row 1) and 'lazy' (row 7)" in verdict(
        check, 0.5 * key[1] + 0.5 * key[7]
    )
    assert "this is not the key of the new word" in verdict(check, predicted.flip(0))
    assert "your answer has shape (3,)" in verdict(check, torch.zeros(3))
    assert "your answer has shape (9, 2)" in verdict(check, key)


def test_check_linear_weight(article: dict[str, Any]) -> None:
    check = lesson.check_linear_weight
    w_query, w_key = article["W_query"], article["W_key"]
    assert verdict(check, w_query.T).startswith(
        "Correct! nn.Linear(3, 2, bias=False) with weight W_query.T"
    )
    linear = torch.nn.Linear(3, 2, bias=False)
    with torch.no_grad():
        linear.weight.copy_(w_query.T)
    assert torch.allclose(linear(article["embedded_sentence"]), article["query"])
    assert verdict(check, linear.weight).startswith("Correct!")
    assert "that is W_query itself, shape (3, 2)" in verdict(check, w_query)
    assert "that is W_query itself" in verdict(check, w_query.detach().numpy())
    assert "that is W_key.T: it would compute the keys" in verdict(check, w_key.T)
    assert "this weight does not give the lesson's query" in verdict(check, w_query.T * 2)
    assert "your answer has shape (3, 2)" in verdict(check, torch.zeros(3, 2))


# ---- bad input -------------------------------------------------------------------------

STEPS = helpers.rebuild_steps()
BAD_INPUT = [
    (lambda: lesson.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {"Q": STEPS.key.T}, WORDS), ValueError, "Q must be x @ W: x (9, 3) @ W (3, 2) gives (9, 2); got Q of shape (2, 9)"),
    (lambda: lesson.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {}, WORDS), ValueError, "weights and results must pair up one to one; got 1 and 0"),
    (lambda: lesson.projection_figure(STEPS.embedded, [STEPS.W_query], {"Q": STEPS.query}, WORDS), TypeError, "weights and results must be dicts from a name to a matrix"),
    (lambda: lesson.projection_figure([[1.0, 2.0]], {"W": STEPS.W_query}, {"Q": STEPS.query}, ["a"]), TypeError, "x must be a non-empty 2-D tensor of numbers; got [[1.0, 2.0]] (type list)"),
    (lambda: lesson.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {"Q": STEPS.query}, "fox"), TypeError, "words must be a list of strings; got 'fox' (type str)"),
    (lambda: lesson.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {"Q": STEPS.query}, WORDS[:8]), ValueError, "words must hold 9 labels, one per row; got 8"),
    (lambda: lesson.projection_figure(STEPS.embedded, {"W": torch.ones(3)}, {"Q": STEPS.query}, WORDS), TypeError, "W must be a non-empty 2-D tensor of numbers; got tensor([1., 1., 1.])"),
]  # fmt: skip


def test_the_hand_made_queries_look_for_the_noun_of_their_phrase() -> None:
    """The aside's own cells, run here: after a softmax (step 5), each adjective puts most of
    its weight on the noun of its phrase, and the scores are not symmetric."""
    cells = read(NOTEBOOKS / "03_query_key_value.ipynb").cells
    source = "\n".join(c.source for c in cells if "X_hand" in c.source and c.cell_type == "code")
    space: dict[str, Any] = {"torch": torch, "words": WORDS, "print": lambda *a, **k: None}
    exec(compile(source.split("show(")[0], "aside", "exec"), space)  # the cells up to the picture
    weights = torch.softmax(space["match"], dim=-1)  # (9, 9)
    for adjective, noun in (("quick", "fox"), ("brown", "fox"), ("lazy", "dog")):
        row = weights[WORDS.index(adjective)]
        assert WORDS[int(row.argmax())] == noun and row.max() > 2 * sorted(row)[-2]
    assert not torch.equal(space["match"], space["match"].T)
