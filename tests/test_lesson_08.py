"""Lesson 08 (masks): its figures, its explorer and its exercise checks (issue 9).

Numbers are computed here from the article's own code (tests/article_reference.py) with
plain PyTorch, independently of helpers; expected texts are written out.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article
from matplotlib.figure import Figure

import helpers.beyond_exercises as checks
from helpers.beyond_explorers import (
    causal_mask_explorer,
    causal_weights,
)
from helpers.beyond_figures import causal_explorer_figure, causal_weights_figure
from helpers.figures import render_png
from helpers.html_pictures import picture_labels, picture_text
from helpers.masks import padding_mask

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]
CAUSAL = torch.tril(torch.ones(9, 9, dtype=torch.bool))
EVERYTHING = torch.ones(9, 9, dtype=torch.bool)


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    with torch.random.fork_rng(devices=[]):
        return run_article()


def article_weights(article: dict[str, Any], mask: torch.Tensor) -> torch.Tensor:
    scores = (article["query"] @ article["key"].T / math.sqrt(2)).detach()
    return F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


# ---- the weights the lesson and its explorer use ----------------------------------------


def test_causal_weights_are_the_article_scores_masked(article: dict[str, Any]) -> None:
    weights, mask = causal_weights(True)
    assert torch.equal(mask, CAUSAL)
    assert torch.allclose(weights, article_weights(article, CAUSAL))
    assert weights[0, 0] == 1 and (weights[0, 1:] == 0).all()
    assert torch.allclose(weights.sum(dim=-1), torch.ones(9))
    unmasked, everything = causal_weights(False)
    assert torch.equal(everything, EVERYTHING)
    assert torch.equal(unmasked, article["attention_weights"].detach())


def test_causal_weights_leave_the_random_state_alone() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    causal_weights(True)
    assert torch.equal(torch.rand(3), expected)


# ---- figures ----------------------------------------------------------------------------


def test_causal_weights_figure_draws_two_labelled_panels(article: dict[str, Any]) -> None:
    fig = causal_weights_figure(
        article["attention_weights"], article_weights(article, CAUSAL), CAUSAL, WORDS
    )
    assert isinstance(fig, Figure)
    left, right = fig.axes[:2]
    assert [t.get_text() for t in left.get_xticklabels()] == WORDS
    assert [t.get_text() for t in right.get_yticklabels()] == WORDS
    assert "No mask" in left.get_title() and "Causal mask" in right.get_title()
    numbers = [t.get_text() for t in right.texts]
    assert len(numbers) == 45, "blocked cells carry no number: 81 - 36 annotated"
    assert numbers[0] == "1.00" and "0.81" in numbers
    assert render_png(fig).startswith(b"\x89PNG")


def test_causal_explorer_figure_hatches_the_blocked_keys(article: dict[str, Any]) -> None:
    weights = article_weights(article, CAUSAL)
    fig = causal_explorer_figure(weights, CAUSAL, WORDS, 3, "a caption")
    heat, bars = fig.axes
    assert bars.get_title() == "a caption"
    hatched = [p for p in bars.patches if p.get_hatch() == "///"]
    assert len(hatched) == 5, "one hatched column per key after 'fox'"
    assert len([p for p in heat.patches if p.get_hatch() == "///"]) == 36


# ---- the explorer -----------------------------------------------------------------------

HEADER = "key          The   quick   brown     fox   jumps    over       a    lazy     dog"


def grid_label(query: str, blocked: int) -> str:
    return (
        "Attention weights of 9 words, rows = queries, columns = keys; "
        f"{blocked} blocked cells striped grey; the row of query {query!r} is framed."
    )


def explorer_png(article: dict[str, Any], mask: torch.Tensor, index: int, caption: str) -> bytes:
    weights = article_weights(article, mask)
    return render_png(causal_explorer_figure(weights, mask, WORDS, index, caption))


def test_drive_causal_mask_explorer(article: dict[str, Any]) -> None:
    explorer = causal_mask_explorer()
    query, causal = explorer.controls["query"], explorer.controls["causal"]
    assert isinstance(query, widgets.Dropdown) and isinstance(causal, widgets.Checkbox)
    assert [label for label, _ in query.options][:4] == ["0: The", "1: quick", "2: brown", "3: fox"]
    assert query.value == 3 and causal.value is True

    assert explorer.shown_text() == (
        "query 3: 'fox'; causal mask on (it may attend to keys 0 to 3)\n"
        f"{HEADER}\n"
        "weight    0.0457  0.0416  0.0995  0.8132 blocked blocked blocked blocked blocked\n"
        "blocked keys (the words after 'fox'): jumps, over, a, lazy, dog\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value) == [
        grid_label("fox", 36),
        "Weights of query 'fox' over the keys: The 0.05, quick 0.04, brown 0.10, fox 0.81, "
        "jumps blocked, over blocked, a blocked, lazy blocked, dog blocked.",
    ]
    shown = picture_text(explorer.picture.value)
    assert "weights of query 'fox' (causal mask)" in shown and "× lazy" in shown
    assert explorer.snapshot_png() == explorer_png(
        article, CAUSAL, 3, "weights of query 'fox' (causal mask)"
    )

    causal.value = False
    assert explorer.shown_text() == (
        "query 3: 'fox'; causal mask off (it may attend to every key)\n"
        f"{HEADER}\n"
        "weight    0.0195  0.0178  0.0425  0.3473  0.0103  0.1129  0.0743  0.3637  0.0116\n"
        "blocked keys: none; weight on the later words (the future): 0.5729\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value)[0] == grid_label("fox", 0)
    assert "×" not in picture_text(explorer.picture.value)
    assert explorer.snapshot_png() == explorer_png(
        article, EVERYTHING, 3, "weights of query 'fox' (no mask)"
    )

    query.value = 0
    assert explorer.shown_text() == (
        "query 0: 'The'; causal mask off (it may attend to every key)\n"
        f"{HEADER}\n"
        "weight    0.1211  0.1238  0.1124  0.0906  0.1284  0.1019  0.1058  0.0908  0.1251\n"
        "blocked keys: none; weight on the later words (the future): 0.8789\n"
        "sum of weights = 1.0000"
    )

    causal.value = True
    assert explorer.shown_text() == (
        "query 0: 'The'; causal mask on (it may attend to key 0 only: itself)\n"
        f"{HEADER}\n"
        "weight    1.0000 blocked blocked blocked blocked blocked blocked blocked blocked\n"
        "blocked keys (the words after 'The'): quick, brown, fox, jumps, over, a, lazy, dog\n"
        "sum of weights = 1.0000"
    )
    assert picture_labels(explorer.picture.value)[1] == (
        "Weights of query 'The' over the keys: The 1.00, quick blocked, brown blocked, "
        "fox blocked, jumps blocked, over blocked, a blocked, lazy blocked, dog blocked."
    )
    assert explorer.snapshot_png() == explorer_png(
        article, CAUSAL, 0, "weights of query 'The' (causal mask)"
    )

    query.value = 8
    last = (
        "{}\n"
        f"{HEADER}\n"
        "weight    0.1524  0.1661  0.0874  0.0191  0.2395  0.0432  0.0580  0.0186  0.2158\n"
        "blocked keys: none ('dog' is the last word: no later word to hide)\n"
        "sum of weights = 1.0000"
    )
    assert explorer.shown_text() == last.format(
        "query 8: 'dog'; causal mask on (it may attend to keys 0 to 8)"
    )
    causal.value = False
    assert explorer.shown_text() == last.format(
        "query 8: 'dog'; causal mask off (it may attend to every key)"
    )


# ---- exercise checks --------------------------------------------------------------------

FIVE = torch.tril(torch.ones(5, 5, dtype=torch.bool))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (FIVE, "Correct! each of the 5 tokens may attend to itself"),
        (~torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1), "Correct!"),
        (~FIVE, "True and False are swapped: this is the future (True = blocked)"),
        (FIVE.T, "that is the upper triangle"),
        (torch.tril(FIVE, diagonal=-1), "the diagonal is False, so no token may attend to itself"),
        (FIVE.float(), "your mask has dtype torch.float32; a mask must be torch.bool"),
        (FIVE.int(), "your mask has dtype torch.int32"),
        (CAUSAL, "the causal mask for 5 tokens has shape (5, 5); yours has shape (9, 9)"),
        (FIVE.tolist(), "the causal mask for 5 tokens is a boolean tensor; you gave [[True"),
        (torch.ones(5, 5, dtype=torch.bool), "this is not the causal mask"),
    ],
)
def test_check_causal_mask_of_five(answer: Any, expected: str) -> None:
    assert expected in checks.check_causal_mask_of_five(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (0.8132, "Correct! 0.8132: with the 5 later words hidden"),
        (torch.tensor(0.81316), "Correct!"),
        (torch.tensor([0.8132]), "Correct!"),
        (0.3473, "that is the weight without the mask"),
        (0.6026, "the blocked scores were set to 0"),
        (0.0457, "that is the weight 'fox' puts on 'The', not on itself"),
        (0.5, "0.5 is not the weight of 'fox' on itself"),
        (
            torch.zeros(4),
            "the weight 'fox' puts on itself is one number; you gave a tensor of shape (4,)",
        ),
        ("0.8132", "is one number; you gave '0.8132'"),
    ],
)
def test_check_fox_self_weight(answer: Any, expected: str) -> None:
    assert expected in checks.check_fox_self_weight(answer).message


PADDING = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (PADDING, "Correct! in sentence 0 every query may attend to the 2 real tokens only"),
        (padding_mask([2, 4]), "Correct!"),
        (PADDING[:, 0], "the right True and False, but shape (2, 4)"),
        (~PADDING, "True and False are swapped"),
        (PADDING.flip(-1), "this pads on the left"),
        (PADDING.float(), "your mask has dtype torch.float32"),
        (padding_mask([2, 4], n=5), "has shape (2, 1, 4); yours has shape (2, 1, 5)"),
        (padding_mask([4, 2]), "this is not the padding mask for lengths [2, 4]"),
        ([[1, 1, 0, 0], [1, 1, 1, 1]], "is a boolean tensor; you gave [[1, 1, 0, 0]"),
    ],
)
def test_check_padding_mask_2_4(answer: Any, expected: str) -> None:
    assert expected in checks.check_padding_mask_2_4(answer).message
