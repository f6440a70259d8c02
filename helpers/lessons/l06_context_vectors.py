"""Lesson 06, context vectors: its picture, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.attention.context_vectors``.
"""

from __future__ import annotations

from typing import Any

import torch

from helpers._validate import describe, require_index, require_weights
from helpers.lessons import course
from helpers.ui.answers import (
    Verdict,
    close,
    exercise_check,
    judge,
    not_yet,
    read_tensor,
    shape_of,
)
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import Heatmap, Row
from helpers.ui.strings import translator

_ = translator(__name__)


# ---- picture ---------------------------------------------------------------------------


def contributions(
    weights: torch.Tensor, value: torch.Tensor, words: list[str], query_index: int
) -> Row:
    """How one context vector is built: weight × value row for every word, then the sum.

    Left, a ``d_v × n`` grid whose column ``j`` is ``weights[query_index, j] * value[j]``
    (word ``j``'s contribution); right, their sum, the context vector. One diverging scale for
    both: white at 0, orange for positive numbers, purple for negative ones. Introduced in 06_context_vectors.ipynb ("Picture").
    """
    require_weights("weights", weights, words)
    require_index("query_index", query_index, len(words))
    if not isinstance(value, torch.Tensor) or value.dim() != 2 or value.shape[0] != len(words):
        raise ValueError(
            f"value must be a 2-D tensor with one row per word ({len(words)}); got {describe(value)}."
        )
    row = weights.detach()[query_index]
    parts = (row[:, None] * value.detach()).T  # (d_v, n)
    context = parts.sum(dim=1, keepdim=True)  # (d_v, 1)
    limit = float(parts.abs().max())
    word = words[query_index]
    common = {"number_format": ".2f", "palette": "diverging", "cell": (30, 15)}
    left = Heatmap(
        parts.tolist(),
        rows=[f"dim {k}" for k in range(parts.shape[0])],  # numbered from 0, as in lesson 02
        columns=[f"{w}\n×{x:.2f}" for w, x in zip(words, row.tolist(), strict=True)],
        title=_(
            "each word's contribution to the context vector of '{word}': "
            "its weight × its value row",
            word=word,
        ),
        low=-limit,
        high=limit,
        description=_(
            "A {d_v} by {n} grid: column j is the weight of word j for query {word!r} times "
            "word j's value row (orange positive, purple negative).",
            d_v=parts.shape[0],
            n=parts.shape[1],
            word=word,
        ),
        **common,
    )
    right = Heatmap(
        context.tolist(),
        columns=[f"'{word}'\n"],
        title=_("= context"),
        low=-limit,
        high=limit,
        description=_("The context vector of {word!r}: {numbers}.", word=word,
                      numbers=", ".join(f"{x:.2f}" for x in context.flatten().tolist())),
        **common,
    )  # fmt: skip
    return Row((left, right), gap=10)


# ---- explorer --------------------------------------------------------------------------


def _vector(numbers: torch.Tensor) -> str:
    return "[" + ", ".join(f"{x:7.4f}" for x in numbers.tolist()) + "]"


def render_context(query: int) -> View:
    """What the context explorer shows for query word ``query``: the weighted sum, term by term."""
    steps = course()
    words = steps.words
    weights = steps.weights.detach()[query]
    value = steps.value.detach()
    lines = [
        _("context vector of {word!r} (row {row}) = {vector}", word=words[query], row=query,
          vector=_vector(weights @ value)),
        _("= sum over the words of  weight × value row:"),
        f"{_('word'):<8}{_('weight'):>8}   {_('value row'):<38}  {_('weight × value row')}",
    ]  # fmt: skip
    for word, weight, row in zip(words, weights.tolist(), value, strict=True):
        lines.append(f"{word:<8}{weight:8.4f}   {_vector(row):<38}  {_vector(weight * row)}")
    return View("\n".join(lines), contributions(steps.weights, steps.value, words, query))


def context_explorer() -> Explorer:
    """Pick a word; see what its context vector mixes in from each word, and the sum.

    Introduced in 06_context_vectors.ipynb ("Explore").
    """
    words = course().words
    return explore(
        render_context,
        query=dropdown("query-word", _("Word:"), [(w, i) for i, w in enumerate(words)], 3),
        fallback=_(
            "[Context explorer: pick a word to see its context vector as a weighted sum of "
            "value rows. It needs a live kernel (JupyterLab or Binder); the picture below "
            "shows its starting state.]"
        ),
    )


# ---- exercises (precision: every float answer counts within 1e-4) ------------------------


@exercise_check(_("'dog' is the last word: weights[8] mixes the value rows."))
def check_dog_context(answer: Any) -> Verdict:
    """Exercise 1 of 06_context_vectors.ipynb: the context vector of 'dog' as a weighted sum."""
    steps = course()
    hint = _("add up weights[8, j] * value[j] over the 9 words j (shape (4,)).")
    vector, problem = read_tensor(answer, (4,), _("the context vector of 'dog'"), hint)
    if problem:
        return problem
    done = _("it equals row 8 of weights @ value: {row}", row=steps.context[8].detach())
    if verdict := judge(vector, steps.context[8], done, hint):
        return verdict
    if close(vector, steps.context[3]):
        return not_yet(
            _(
                "that is the context vector of 'fox' (row 3). 'dog' has id 3, but it is the "
                "word at position 8."
            ),
            _("rows follow the sentence's word order, not the ids: use row 8."),
        )
    if close(vector, steps.weights[:, 8].detach() @ steps.value.detach()):
        return not_yet(
            _("you used column 8 of the weights (how much each word attends to 'dog')."),
            _("the weights of 'dog' as a query are its row: weights[8]."),
        )
    return not_yet(_("this is not the context vector of 'dog'."), hint)


@exercise_check(_("with equal weights 1/9, a context vector is the average of the value rows."))
def check_uniform_context(answer: Any) -> Verdict:
    """Exercise 2 of 06_context_vectors.ipynb: the context vector if every weight were 1/9."""
    value = course().value.detach()
    hint = _("average the 9 value rows: value.mean(dim=0) (shape (4,)).")
    vector, problem = read_tensor(answer, (4,), _("the uniform context vector"), hint)
    if problem:
        if shape_of(answer) == (9,):
            return not_yet(
                _("you averaged along the wrong dimension (one number per word)."),
                _("average over the words, dim=0, to keep the 4 numbers of a value vector."),
            )
        return problem
    done = _(
        "every word would get this same vector: equal weights erase what is special about "
        "each word."
    )
    if verdict := judge(vector, value.mean(dim=0), done, hint):
        return verdict
    if close(vector, value.sum(dim=0)):
        return not_yet(
            _("that is the sum of the value rows."), _("weights of 1/9 each: divide by 9.")
        )
    return not_yet(_("this is not the average of the value rows."), hint)
