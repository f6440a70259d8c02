"""Lesson 06, context vectors: its picture, its explorer and its exercise checks.

Numbers come from the article's own code (tests/article_reference.py) with plain PyTorch,
independently of helpers; expected texts are written out.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch
from article_reference import run_article
from course import picture_labels, picture_text

from helpers import rebuild_steps
from helpers.lessons import l06_context_vectors as lesson

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article_values() -> tuple[torch.Tensor, torch.Tensor]:
    with torch.random.fork_rng(devices=[]):
        found = run_article()
    return found["attention_weights"].detach(), found["value"].detach()


RIGHT_ANSWERS = {
    "check_context_without_lazy": lambda: (  # 'fox''s weights, 'lazy''s value row set to zeros
        article_values()[0][3] @ (article_values()[1] * (torch.arange(9) != 7)[:, None])
    ),
    "check_uniform_context": lambda: article_values()[1].mean(dim=0),
}
"""The right answer of each exercise, computed from the article's code (tests/test_toolkit.py)."""


def test_contributions_add_up_to_the_context_vector(article: dict[str, Any]) -> None:
    weights, value = article["attention_weights"], article["value"]
    picture = lesson.contributions(weights, value, WORDS, 3)
    left, right = picture.parts
    parts = torch.tensor(left.values)
    assert torch.allclose(parts, (weights[3, :, None] * value).T.detach())
    assert torch.allclose(torch.tensor(right.values).flatten(), article["context_vector"][3])
    assert left.low == -left.high == -float(parts.abs().max()), "one scale, centred on 0"
    assert right.description == "The context vector of 'fox': 0.82, 1.42, 0.96, 1.56."


def test_drive_context_explorer(article: dict[str, Any]) -> None:
    explorer = lesson.context_explorer()
    query = explorer.controls["query"]
    assert isinstance(query, widgets.Dropdown) and query.value == 3
    lines = explorer.shown_text().splitlines()
    assert lines[0] == "context vector of 'fox' (row 3) = [ 0.8153,  1.4165,  0.9633,  1.5575]"
    assert lines[4] == (
        "quick     0.0178   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.0120, -0.0112,  0.0031,  0.0020]"
    )
    assert picture_labels(explorer.picture.value)[1] == (
        "The context vector of 'fox': 0.82, 1.42, 0.96, 1.56."
    )
    assert "quick\n×0.02" in picture_text(explorer.picture.value)
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
    context = (article["attention_weights"][8] @ article["value"]).tolist()
    assert picture_labels(explorer.picture.value)[1] == (
        "The context vector of 'dog': " + ", ".join(f"{x:.2f}" for x in context) + "."
    )
    assert "jumps\n×0.24" in picture_text(explorer.picture.value)


def verdict(check: Any, answer: Any) -> str:
    return check(answer).message


def test_check_context_without_lazy() -> None:
    check = lesson.check_context_without_lazy
    weights, value = article_values()
    silent = value.clone()
    silent[7] = 0  # the value vector of 'lazy' (word 7), set to zeros
    loop = sum(weights[3, j] * silent[j] for j in range(9))  # the weights do not change
    context = weights @ value
    assert torch.allclose(loop, context[3] - weights[3, 7] * value[7])
    assert verdict(check, loop).startswith(
        "Correct! the weights do not depend on the values, so only the term of 'lazy' goes: "
        "context[3] - weights[3, 7] * value[7] = tensor([0.2895, 0.8113, 0.4890, 0.7966])."
    )
    assert verdict(check, loop.tolist()).startswith("Correct!")
    assert "close, but not precise enough" in verdict(check, loop.round(decimals=2))
    assert "the new context vectors of all 9 words: right" in verdict(check, weights @ silent)
    assert "the new context vector of 'lazy' (row 7)" in verdict(check, weights[7] @ silent)
    assert "the context vector of 'fox' as it is now" in verdict(check, context[3])
    whole = verdict(check, context[3] - value[7])
    assert (
        "you subtracted the whole value vector of 'lazy'; 'fox' only took weights[3, 7] = 0.3637"
        in whole
    )
    assert "you used weights[7, 3]" in verdict(check, context[3] - weights[7, 3] * value[7])
    assert "the part 'lazy' gave" in verdict(check, weights[3, 7] * value[7])
    others = weights[3] * (torch.arange(9) != 7)
    assert "you shared the weight of 'lazy' among the other 8 words" in verdict(
        check, others / others.sum() @ value
    )
    assert "that removes the term of 'dog' (word 8); 'lazy' is word 7" in verdict(
        check, context[3] - weights[3, 8] * value[8]
    )
    assert "6 is the vocabulary id of 'lazy'" in verdict(
        check, context[3] - weights[3, 6] * value[6]
    )
    assert "not the new context vector of 'fox'" in verdict(check, torch.zeros(4))
    assert "your answer has shape (9, 4)" in verdict(check, context)


def test_check_uniform_context() -> None:
    check = lesson.check_uniform_context
    _, value = article_values()
    assert verdict(check, value.mean(dim=0)).startswith("Correct! every word would get")
    assert "the wrong dimension" in verdict(check, value.mean(dim=1))
    assert "the wrong dimension" in verdict(check, value.mean(dim=1).numpy())
    assert "that is the sum of the value rows" in verdict(check, value.sum(dim=0))
    assert "not the average of the value rows" in verdict(check, torch.zeros(4))


BAD_INPUT = [
    (lambda: lesson.contributions(torch.full((3, 3), 1 / 3), torch.ones(2, 4), ["a", "b", "c"], 0), ValueError, "value must be a 2-D tensor with one row per word (3); got tensor"),
    (lambda: lesson.contributions([[1.0]], torch.ones(1, 4), ["a"], 0), TypeError, "weights must be a 2-D float tensor (queries x keys); got [[1.0]]"),
    (lambda: lesson.contributions(torch.ones(9, 9), torch.ones(9, 4), WORDS[:8], 0), ValueError, "weights must have one row and one column per word, (8, 8); got shape (9, 9)"),
    (lambda: lesson.contributions(torch.ones(9, 9), torch.ones(9, 4), WORDS, 9), ValueError, "query_index must be from 0 to 8; got 9"),
    (lambda: lesson.contributions(torch.ones(9, 9), torch.ones(9, 4), "The quick", 0), TypeError, "words must be a list of strings; got 'The quick'"),
]  # fmt: skip


def test_contributions_picture_matches_its_text() -> None:
    """The lesson's sentence under the picture: dimensions numbered from 0 (as in lesson 02),
    and the negative cells are tiny (none below -0.02), which is why no purple shows."""
    steps = rebuild_steps()
    row = lesson.contributions(steps.weights, steps.value, steps.words, 3)
    left = row.parts[0]  # the grid of contributions
    assert list(left.rows) == ["dim 0", "dim 1", "dim 2", "dim 3"]
    parts = (steps.weights.detach()[3][:, None] * steps.value.detach()).T  # (4, 9)
    assert -0.02 <= float(parts.min()) < 0, "some cells are negative, all of them tiny"
