"""Lesson 08, masks: its picture, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.masks`` (``causal_mask``, ``padding_mask``).
"""

from __future__ import annotations

import functools
from typing import Any

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from helpers._validate import describe, require_weights
from helpers.attention import CourseSteps, rebuild_steps
from helpers.masks import causal_mask
from helpers.ui.answers import Verdict, correct, exercise_check, judge, not_yet, read_number
from helpers.ui.explore import Explorer, View, checkbox, dropdown, explore
from helpers.ui.pictures import ORANGE, Bars, Heatmap, Row, figure
from helpers.ui.strings import translator

_ = translator(__name__)

WEIGHTS_HEIGHT = "170px"
"""Height of the explorer's picture: the 9 × 9 grid beside the chosen row's bars."""


@functools.cache
def course() -> CourseSteps:
    """The course sentence's steps, computed once without moving the notebook's random state."""
    with torch.random.fork_rng(devices=[]):
        return rebuild_steps()


@functools.cache
def causal_weights(causal: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The course's ``(9, 9)`` weights under the causal mask (or none), and that mask."""
    scores = course().scores.detach()  # (9, 9)
    n = scores.shape[-1]
    mask = causal_mask(n) if causal else torch.ones(n, n, dtype=torch.bool)
    return F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1), mask


# ---- picture ---------------------------------------------------------------------------


def causal_weights_figure(
    unmasked: torch.Tensor, masked: torch.Tensor, mask: torch.Tensor, words: list[str]
) -> Figure:
    """Two ``(n, n)`` weight matrices side by side: without a mask, and under ``mask``.

    Rows are queries, columns keys, one scale from 0 to 1; the cells ``mask`` blocks are
    hatched. An orange staircase in both panels separates each word's past from its
    future (the keys after it). Introduced in 08_masks.ipynb ("Picture").
    """
    require_weights("unmasked", unmasked, words)
    require_weights("masked", masked, words)
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(f"mask must be a boolean tensor (True = may attend); got {describe(mask)}.")
    if tuple(mask.shape) != (len(words), len(words)):
        raise ValueError(
            f"mask must have shape ({len(words)}, {len(words)}); got {tuple(mask.shape)}."
        )
    words = list(words)
    common = {"rows": words, "columns": words, "number_format": ".2f", "low": 0.0,
              "high": 1.0, "cell": (34, 18), "row_title": _("query (row)"),
              "column_title": _("key (column)")}  # fmt: skip
    left = Heatmap(
        unmasked.detach().tolist(),
        _("Attention weights without a mask."),
        title=_("No mask: each word sees the future (above the orange line)"),
        **common,
    )
    right = Heatmap(
        masked.detach().tolist(),
        _("Attention weights under the causal mask."),
        title=_("Causal mask: the future is blocked (hatched, weight 0)"),
        blocked=(~mask).tolist(),
        **common,
    )
    fig = figure(Row((left, right)))
    n = len(words)
    xs = [x for i in range(n - 1) for x in (i + 1, i + 1)] + [n]  # right edge of the diagonal
    ys = [y for i in range(n - 1) for y in (i, i + 1)] + [n - 1]
    for ax in fig.axes:
        ax.plot(xs, ys, color=ORANGE, linewidth=2)
    return fig


# ---- explorer --------------------------------------------------------------------------


def _query_text(words: list[str], row: list[float], allowed: list[bool], query: int,
                causal: bool) -> str:  # fmt: skip
    """One query's weights over the keys, the blocked keys named."""
    word = words[query]
    if causal:
        keys = _("keys 0 to {query}", query=query) if query else _("key 0 only: itself")
        first = _("query {query}: {word!r}; causal mask on (it may attend to {keys})",
                  query=query, word=word, keys=keys)  # fmt: skip
    else:
        first = _("query {query}: {word!r}; causal mask off (it may attend to every key)",
                  query=query, word=word)  # fmt: skip
    cells = [
        f"{x:8.4f}" if ok else f"{_('blocked'):>8}" for x, ok in zip(row, allowed, strict=True)
    ]
    blocked = [w for w, ok in zip(words, allowed, strict=True) if not ok]
    if query == len(words) - 1:
        last = _("blocked keys: none ({word!r} is the last word: no later word to hide)", word=word)
    elif blocked:
        last = _("blocked keys (the words after {word!r}): {keys}", word=word,
                 keys=", ".join(blocked))  # fmt: skip
    else:
        last = _("blocked keys: none; weight on the later words (the future): {future:.4f}",
                 future=sum(row[query + 1 :]))  # fmt: skip
    return "\n".join([
        first,
        f"{_('key'):<8}" + "".join(w[:7].rjust(8) for w in words),
        f"{_('weight'):<8}" + "".join(cells),
        last,
        _("sum of weights = {total:.4f}", total=sum(row)),
    ])  # fmt: skip


def render_causal_mask(query: int, causal: bool) -> View:
    """What the causal mask explorer shows for query word ``query``, with the mask on or off."""
    words = course().words
    weights, mask = causal_weights(causal)
    rows, blocked = weights.tolist(), (~mask).tolist()
    row, allowed = rows[query], mask[query].tolist()
    grid = Heatmap(
        rows,
        _("Attention weights of {n} words, rows = queries, columns = keys; {count} blocked "
          "cells striped grey; the row of query {word!r} is framed.",
          n=len(words), count=sum(map(sum, blocked)), word=words[query]),
        rows=words,
        columns=[w[:3] for w in words],
        title=_("rows = queries, columns = keys"),
        framed_row=query,
        low=0.0,
        high=max(max(r) for r in rows),
        cell=(16, 11),
        blocked=blocked,
    )  # fmt: skip
    shown = ", ".join(
        f"{w} {x:.2f}" if ok else _("{word} blocked", word=w)
        for w, x, ok in zip(words, row, allowed, strict=True)
    )
    bars = Bars(
        [w if ok else f"× {w}" for w, ok in zip(words, allowed, strict=True)],
        {_("weight"): row},
        _("Weights of query {word!r} over the keys: {shown}.", word=words[query], shown=shown),
        title=_("weights of query '{word}' ({mask})", word=words[query],
                mask=_("causal mask") if causal else _("no mask")),
        top=1.0,
    )  # fmt: skip
    return View(_query_text(words, row, allowed, query, causal), Row((grid, bars)))


def causal_mask_explorer() -> Explorer:
    """Switch the causal mask on and off and pick a query word; see its weights and blocked keys.

    Introduced in 08_masks.ipynb ("Explore").
    """
    words = course().words
    return explore(
        render_causal_mask,
        height=WEIGHTS_HEIGHT,
        query=dropdown("query-word", _("Query word:"),
                       [(f"{i}: {w}", i) for i, w in enumerate(words)], 3),
        causal=checkbox("causal-mask",
                        _("Causal mask (each word may attend only to itself and earlier words)"),
                        True),
        fallback=_(
            "[Causal mask explorer: switch the causal mask on and off and pick a query word "
            "to see which keys it may attend to. It needs a live kernel (JupyterLab or Binder); "
            "the picture below shows its starting state.]"
        ),
    )  # fmt: skip


# ---- exercises -------------------------------------------------------------------------


def _read_mask(answer: Any, shape: tuple[int, ...], what: str, hint: str) -> Verdict | None:
    """Why ``answer`` is not a boolean tensor of ``shape``, or ``None`` if it is one."""
    if not isinstance(answer, torch.Tensor):
        return not_yet(_("{what} is a boolean tensor; you gave {answer}.", what=what,
                         answer=describe(answer)), hint)  # fmt: skip
    if answer.dtype != torch.bool:
        return not_yet(
            _("your mask has dtype {dtype}; a mask must be torch.bool (True = may attend). A "
              "float mask would be added to the scores instead.", dtype=answer.dtype),
            _("pass dtype=torch.bool, or convert with .bool()."),
        )  # fmt: skip
    if tuple(answer.shape) != shape:
        return not_yet(_("{what} has shape {shape}; yours has shape {got}.", what=what,
                         shape=shape, got=tuple(answer.shape)), hint)  # fmt: skip
    return None


@exercise_check(
    _("torch.triu(..., diagonal=1) builds the later words; True here means 'may attend'.")
)
def check_causal_mask_of_five(answer: Any) -> Verdict:
    """Exercise 1 of 08_masks.ipynb: the causal mask for 5 tokens (a boolean answer, exact)."""
    # precision: exact (a boolean mask: torch.equal)
    hint = _(
        "keep the diagonal and everything below it: helpers.masks.causal_mask(5) builds it too."
    )
    expected = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    if problem := _read_mask(answer, (5, 5), _("the causal mask for 5 tokens"), hint):
        return problem
    if torch.equal(answer, expected):
        return correct(_("each of the 5 tokens may attend to itself and the tokens before it."))
    if torch.equal(answer, ~expected):
        return not_yet(_("True and False are swapped: this is the future (True = blocked)."),
                       _("here True means 'may attend': invert it with ~."))  # fmt: skip
    if torch.equal(answer, expected.T):
        return not_yet(
            _("that is the upper triangle: each token would see itself and the tokens after it."),
            _("the past is the lower triangle: torch.tril, or ~torch.triu(..., diagonal=1)."),
        )
    if torch.equal(answer, torch.tril(expected, diagonal=-1)):
        return not_yet(
            _("the diagonal is False, so no token may attend to itself (token 0 sees nothing: "
              "NaN)."),
            _("use diagonal=1 in torch.triu (the future starts one step right of the diagonal)."),
        )  # fmt: skip
    return not_yet(_("this is not the causal mask."), hint)


@exercise_check(
    _("mask the scores with helpers.masks.causal_mask(9), softmax, then read row 3, column 3.")
)
def check_fox_self_weight(answer: Any) -> Verdict:
    """Exercise 2 of 08_masks.ipynb: the weight 'fox' puts on itself under the causal mask."""
    # precision: within 5e-4 (the weight printed to 4 decimals, or computed in another order)
    tolerance = 5e-4
    hint = _("weights = F.softmax(steps.scores.masked_fill(~causal_mask(9), float('-inf')), "
             "dim=-1); 'fox' is position 3.")  # fmt: skip
    value, problem = read_number(answer, _("the weight 'fox' puts on itself"), hint)
    if problem:
        return problem
    steps = course()
    weights, mask = causal_weights(True)
    before = steps.weights[3, 3].item()
    done = _("{weight:.4f}: with the 5 later words hidden, 'fox' puts most of its weight on "
             "itself (without the mask it was {before:.4f}).", weight=weights[3, 3].item(),
             before=before)  # fmt: skip
    if verdict := judge(value, weights[3, 3], done, hint, tolerance):
        return verdict
    if abs(value - before) <= tolerance:
        return not_yet(
            _("that is the weight without the mask (step 5's value)."),
            _("set the blocked scores to -inf before the softmax: "
              "scores.masked_fill(~mask, float('-inf'))."),
        )  # fmt: skip
    zero_filled = F.softmax(steps.scores.detach().masked_fill(~mask, 0.0), dim=-1)[3, 3].item()
    if abs(value - zero_filled) <= tolerance:
        return not_yet(_("the blocked scores were set to 0, and exp(0) = 1 still gives them "
                         "weight."), _("fill with float('-inf'), whose exp is exactly 0."))  # fmt: skip
    for word, weight in zip(steps.words, weights[3].tolist(), strict=True):
        if word != "fox" and abs(value - weight) <= tolerance:
            return not_yet(_("that is the weight 'fox' puts on {word!r}, not on itself.",
                             word=word), hint)  # fmt: skip
    return not_yet(_("{value} is not the weight of 'fox' on itself.", value=value), hint)


@exercise_check(_("helpers.masks.padding_mask(lengths) gives (batch, 1, n): True for real tokens."))
def check_padding_mask_2_4(answer: Any) -> Verdict:
    """Exercise 3 of 08_masks.ipynb: the padding mask for lengths [2, 4] (a boolean answer, exact)."""
    # precision: exact (a boolean mask: torch.equal)
    hint = _("torch.arange(4) < torch.tensor([2, 4]).unsqueeze(1), then .unsqueeze(1) again.")
    expected = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])
    if isinstance(answer, torch.Tensor) and answer.dtype == torch.bool:
        if tuple(answer.shape) == (2, 4) and torch.equal(answer, expected[:, 0]):
            return not_yet(
                _("the right True and False, but shape (2, 4): the mask needs a middle "
                  "dimension of size 1 that broadcasts over the queries, (2, 1, 4)."),
                _("add it with .unsqueeze(1)."),
            )  # fmt: skip
    if problem := _read_mask(answer, (2, 1, 4), _("the padding mask for lengths [2, 4]"), hint):
        return problem
    if torch.equal(answer, expected):
        return correct(_("in sentence 0 every query may attend to the 2 real tokens only; in "
                         "sentence 1, to all 4."))  # fmt: skip
    if torch.equal(answer, ~expected):
        return not_yet(_("True and False are swapped: True should mark the real tokens (may "
                         "attend)."), _("invert it with ~."))  # fmt: skip
    if torch.equal(answer, expected.flip(-1)):
        return not_yet(_("this pads on the left; the lesson's padding goes after the real tokens."),
                       _("position j is real when j < length."))  # fmt: skip
    return not_yet(_("this is not the padding mask for lengths [2, 4]."), hint)
