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
    mistake,
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


@exercise_check(_("the weights come from queries and keys, not from the values."))
def check_context_without_lazy(answer: Any) -> Verdict:
    """Exercise 1 of 06_context_vectors.ipynb: the context vector of 'fox' if the value vector of
    'lazy' were zeros, predicted from context, weights and value (within 1e-4)."""
    steps = course()
    weights, value, context = steps.weights.detach(), steps.value.detach(), steps.context.detach()
    zeroed = value.clone()
    zeroed[7] = 0  # 'lazy' is word 7
    right = weights[3] @ zeroed  # (4,): context[3] minus the one term weights[3, 7] * value[7]
    hint = _("context[3] is the sum over j of weights[3, j] * value[j]; only the term of 'lazy' "
             "(j = 7) changes, and it becomes zero.")  # fmt: skip
    every, _problem = read_tensor(answer, (9, 4), _("the new context vectors"), hint)
    if every is not None and close(every, weights @ zeroed):
        return not_yet(_("these are the new context vectors of all 9 words: right, but the "
                         "exercise asks for the one of 'fox'."), _("give row 3 only."))  # fmt: skip
    vector, problem = read_tensor(answer, (4,), _("the new context vector of 'fox'"), hint)
    if problem:
        return problem
    # The new context vector of 'lazy' lies within 0.01 of the right answer, which judge would
    # call "close": name that mistake first (it is 0.007 away, so a right answer never matches).
    if close(vector, weights[7] @ zeroed):
        return not_yet(_("that is the new context vector of 'lazy' (row 7); the exercise asks for "
                         "the one of 'fox' (row 3)."), _("start from context[3]."))  # fmt: skip
    done = _("the weights do not depend on the values, so only the term of 'lazy' goes: "
             "context[3] - weights[3, 7] * value[7] = {row}.", row=right)  # fmt: skip
    if verdict := judge(vector, right, done, hint):
        return verdict
    row = weights[3].clone()
    row[7] = 0
    lazy_id = steps.vocabulary["lazy"]
    known = [
        (context[3], _("that is the context vector of 'fox' as it is now; with a zero value "
         "vector, 'lazy' adds nothing any more."), _("subtract the term of 'lazy', "
         "weights[3, 7] * value[7].")),
        (context[3] - value[7], _("you subtracted the whole value vector of 'lazy'; 'fox' only "
         "took weights[3, 7] = {w:.4f} of it.", w=float(weights[3, 7])),
         _("subtract weights[3, 7] * value[7].")),
        (context[3] - weights[7, 3] * value[7], _("you used weights[7, 3], how much 'lazy' "
         "attends to 'fox'; the weight 'fox' gives 'lazy' is weights[3, 7] (row = query, "
         "column = key)."), None),
        (weights[3, 7] * value[7], _("that is the part 'lazy' gave, the term that disappears; "
         "the new context vector is what is left."), None),
        ((row / row.sum()) @ value, _("you shared the weight of 'lazy' among the other 8 words. The "
         "weights come from queries and keys (steps 4 and 5), so a change of value leaves them "
         "as they are."), _("keep weights[3] and drop only the term of 'lazy'.")),
    ]  # fmt: skip
    known += [
        (context[3] - weights[3, j] * value[j], _("that removes the term of {word!r} (word {j}); "
         "'lazy' is word 7.", word=word, j=j) if j != lazy_id else _("that removes the term of "
         "{word!r} (word {j}): {j} is the vocabulary id of 'lazy', but rows and columns follow "
         "the words' positions, and 'lazy' is word 7.", word=word, j=j), None)
        for j, word in enumerate(steps.words) if j != 7
    ]  # fmt: skip
    return mistake(vector, known, hint) or not_yet(
        _("this is not the new context vector of 'fox'."), hint
    )


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
