"""Lesson 08, masks: its picture, its explorer and its exercise checks (maths: helpers.masks)."""

from __future__ import annotations

import functools
from typing import Any

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from helpers._validate import describe, require_weights
from helpers.lessons import course
from helpers.lessons.l05_softmax_weights import WEIGHTS_HEIGHT
from helpers.masks import causal_mask, padding_mask
from helpers.ui.answers import (
    Verdict,
    correct,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_number,
)
from helpers.ui.charts import Bars
from helpers.ui.explore import Explorer, View, checkbox, dropdown, explore
from helpers.ui.pictures import ORANGE, Heatmap, Row, figure
from helpers.ui.strings import translator

_ = translator(__name__)


@functools.cache
def causal_weights(causal: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The course's ``(9, 9)`` weights under the causal mask (or none), and that mask."""
    scores = course().scores.detach()  # (9, 9)
    mask = causal_mask(len(scores)) if causal else torch.ones_like(scores, dtype=torch.bool)
    return F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1), mask


def causal_weights_figure(
    unmasked: torch.Tensor, masked: torch.Tensor, mask: torch.Tensor, words: list[str]
) -> Figure:
    """The weights without a mask and under ``mask``. Introduced in 08_masks.ipynb ("Picture")."""
    require_weights("unmasked", unmasked, words)
    require_weights("masked", masked, words)
    n = len(words)
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(f"mask must be a boolean tensor (True = may attend); got {describe(mask)}.")
    if tuple(mask.shape) != (n, n):
        raise ValueError(f"mask must have shape ({n}, {n}); got {tuple(mask.shape)}.")
    common = dict(rows=list(words), columns=list(words), number_format=".2f", low=0.0, high=1.0,
                  cell=(34, 18), row_title=_("query (row)"), column_title=_("key (column)"))  # fmt: skip
    left = Heatmap(unmasked.detach().tolist(), _("Attention weights without a mask."), **common,
                   title=_("No mask: each word sees the future (above the orange line)"))  # fmt: skip
    right = Heatmap(masked.detach().tolist(), _("Attention weights under the causal mask."), **common,
                    title=_("Causal mask: the future is blocked (hatched, weight 0)"),
                    blocked=(~mask).tolist())  # fmt: skip
    fig = figure(Row((left, right)))
    corners = range(2 * n - 1)  # along the diagonal's right edge: (1, 0), (1, 1), (2, 1), ...
    for ax in fig.axes:
        ax.plot([i // 2 + 1 for i in corners], [(i + 1) // 2 for i in corners], color=ORANGE, lw=2)
    return fig


def render_causal_mask(query: int, causal: bool) -> View:
    """What the causal mask explorer shows for query word ``query``, with the mask on or off."""
    words = course().words
    weights, mask = causal_weights(causal)
    row, allowed, word = weights[query].tolist(), mask[query].tolist(), words[query]
    if causal:
        keys = _("keys 0 to {query}", query=query) if query else _("key 0 only: itself")
        first = _("query {query}: {word!r}; causal mask on (it may attend to {keys})",
                  query=query, word=word, keys=keys)  # fmt: skip
    else:
        first = _("query {query}: {word!r}; causal mask off (it may attend to every key)",
                  query=query, word=word)  # fmt: skip
    if query == len(words) - 1:
        last = _("blocked keys: none ({word!r} is the last word: no later word to hide)", word=word)
    elif causal:
        last = _("blocked keys (the words after {word!r}): {keys}", word=word,
                 keys=", ".join(words[query + 1 :]))  # fmt: skip
    else:
        last = _("blocked keys: none; weight on the later words (the future): {future:.4f}",
                 future=sum(row[query + 1 :]))  # fmt: skip
    cells = [f"{x:8.4f}" if ok else f"{_('blocked'):>8}" for x, ok in zip(row, allowed, strict=True)]  # fmt: skip
    header = f"{_('key'):<8}" + "".join(w[:7].rjust(8) for w in words)
    total = _("sum of weights = {total:.4f}", total=sum(row))
    text = "\n".join([first, header, f"{_('weight'):<8}" + "".join(cells), last, total])
    grid = Heatmap(
        weights.tolist(),
        _("Attention weights of {n} words, rows = queries, columns = keys; {count} blocked "
          "cells striped grey; the row of query {word!r} is framed.",
          n=len(words), count=int((~mask).sum()), word=word),
        rows=words, columns=[w[:3] for w in words], title=_("rows = queries, columns = keys"),
        framed_row=query, low=0.0, high=float(weights.max()), cell=(16, 11), blocked=(~mask).tolist(),
    )  # fmt: skip
    labels = [w if ok else f"× {w}" for w, ok in zip(words, allowed, strict=True)]
    shown = ", ".join(f"{w} {x:.2f}" if ok else _("{word} blocked", word=w)
                      for w, x, ok in zip(words, row, allowed, strict=True))  # fmt: skip
    bars = Bars(labels, {_("weight"): row},
                _("Weights of query {word!r} over the keys: {shown}.", word=word, shown=shown),
                title=_("weights of query '{word}' ({mask})", word=word,
                        mask=_("causal mask") if causal else _("no mask")), top=1.0)  # fmt: skip
    return View(text, Row((grid, bars)))


def causal_mask_explorer() -> Explorer:
    """A query word's weights, the causal mask on or off. Introduced in 08_masks.ipynb ("Explore")."""
    return explore(
        render_causal_mask,
        height=WEIGHTS_HEIGHT,
        query=dropdown("query-word", _("Query word:"),
                       [(f"{i}: {w}", i) for i, w in enumerate(course().words)], 3),
        causal=checkbox("causal-mask", _("Causal mask (each word may attend only to itself and "
                                         "earlier words)"), True),
        fallback=_("[Causal mask explorer: switch the causal mask on and off and pick a query word to "
                   "see which keys it may attend to. It needs a live kernel (JupyterLab or Binder); the "
                   "picture below shows its starting state.]"),
    )  # fmt: skip


def judge_mask(answer: Any, right: torch.Tensor, what: str, hint: str, done: str, wrong: str,
                mistakes: list[tuple[torch.Tensor, str, str]]) -> Verdict:  # fmt: skip
    """The verdict on a boolean mask: right, one of the ``(mask, problem, fix)`` mistakes, or not."""
    if not isinstance(answer, torch.Tensor):
        return not_yet(_("{what} is a boolean tensor; you gave {answer}.", what=what,
                         answer=describe(answer)), hint)  # fmt: skip
    if answer.dtype != torch.bool:
        return not_yet(_("your mask has dtype {dtype}; a mask must be torch.bool (True = may attend). "
                         "A float mask would be added to the scores instead.", dtype=answer.dtype),
                       _("pass dtype=torch.bool, or convert with .bool()."))  # fmt: skip
    if torch.equal(answer, right):
        return correct(done)
    for known, problem, fix in mistakes:
        if torch.equal(answer, known):
            return not_yet(problem, fix)
    if answer.shape != right.shape:
        return not_yet(_("{what} has shape {shape}; yours has shape {got}.", what=what,
                         shape=tuple(right.shape), got=tuple(answer.shape)), hint)  # fmt: skip
    return not_yet(wrong, hint)


@exercise_check(_("torch.triu(..., diagonal=1) builds the later words; True here means 'may attend'."))  # fmt: skip
def check_causal_mask_of_five(answer: Any) -> Verdict:
    """Exercise 1 of 08_masks.ipynb: the causal mask for 5 tokens (a boolean answer, exact)."""
    right = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    return judge_mask(
        answer, right, _("the causal mask for 5 tokens"),
        _("keep the diagonal and everything below it: helpers.masks.causal_mask(5) builds it too."),
        _("each of the 5 tokens may attend to itself and the tokens before it."),
        _("this is not the causal mask."),
        [(~right, _("True and False are swapped: this is the future (True = blocked)."),
          _("here True means 'may attend': invert it with ~.")),
         (right.T, _("that is the upper triangle: each token would see itself and the tokens after it."),
          _("the past is the lower triangle: torch.tril, or ~torch.triu(..., diagonal=1).")),
         (torch.tril(right, diagonal=-1),
          _("the diagonal is False, so no token may attend to itself (token 0 sees nothing: NaN)."),
          _("use diagonal=1 in torch.triu (the future starts one step right of the diagonal)."))],
    )  # fmt: skip


def window_mask(n: int, before: int) -> torch.Tensor:
    """``(n, n)``: query i may attend to keys i - before ... i (a causal sliding window)."""
    i = torch.arange(n)
    return (i[None, :] <= i[:, None]) & (i[None, :] >= i[:, None] - before)


@exercise_check(_("build the mask from two comparisons of positions, key j <= query i and "
                  "j >= i - 2, mask the scores, softmax, then read row 3, column 3."))  # fmt: skip
def check_window_self_weight(answer: Any) -> Verdict:
    """Exercise 2 of 08_masks.ipynb: the weight 'fox' puts on itself when each word may see
    only itself and the 2 words before it (within 5e-4)."""
    hint = _("i = torch.arange(9); window = (i[None, :] <= i[:, None]) & (i[None, :] >= i[:, None] - 2); "
             "then F.softmax(scores.masked_fill(~window, float('-inf')), dim=-1)[3, 3].")  # fmt: skip
    value, problem = read_number(answer, _("the weight 'fox' puts on itself"), hint)
    if problem:
        return problem
    steps = course()
    scores = steps.scores.detach()

    def weight(mask: torch.Tensor, fill: float = float("-inf")) -> float:
        return F.softmax(scores.masked_fill(~mask, fill), dim=-1)[3, 3].item()

    right = weight(window_mask(9, 2))
    done = _("{weight:.4f}: 'fox' now sees only 'quick', 'brown' and itself, so it keeps more "
             "than under the causal mask ({causal:.4f}), where 'The' took a share too. A sliding "
             "window like this is how some long-context models bound attention's cost.",
             weight=right, causal=weight(causal_mask(9)))  # fmt: skip
    known = [  # some lie within judge's "close" range, so they are named first
        (
            weight(causal_mask(9)),
            _(
                "that is the weight under the whole causal mask; the window "
                "also hides 'The', 3 words back."
            ),
            None,
        ),
        (
            steps.weights[3, 3].item(),
            _("that is the weight without any mask (step 5's value)."),
            None,
        ),
        (
            weight(window_mask(9, 1)),
            _("that window holds only 1 word before 'fox'; it should hold 2: 'quick' and 'brown'."),
            None,
        ),
        (
            weight(window_mask(9, 2).T),
            _(
                "that window looks ahead: 'fox' and the 2 words after it. "
                "The window holds the words before."
            ),
            None,
        ),
        (
            weight(window_mask(9, 2), 0.0),
            _("the blocked scores were set to 0, and exp(0) = 1 still gives them weight."),
            _("fill with float('-inf'), whose exp is exactly 0."),
        ),
    ]
    if abs(value - right) > 5e-4 and (named := mistake(value, known, hint, 5e-4)):
        return named
    return judge(value, right, done, hint, tolerance=5e-4) or not_yet(
        _("{value} is not the weight of 'fox' on itself under this window.", value=value), hint)  # fmt: skip


@exercise_check(_("helpers.masks.padding_mask(lengths) gives (batch, 1, n): True for real tokens."))
def check_padding_mask_2_4(answer: Any) -> Verdict:
    """Exercise 3 of 08_masks.ipynb: the padding mask for lengths [2, 4] (a boolean answer, exact)."""
    right = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])
    return judge_mask(
        answer, right, _("the padding mask for lengths [2, 4]"),
        _("torch.arange(4) < torch.tensor([2, 4]).unsqueeze(1), then .unsqueeze(1) again."),
        _("in sentence 0 every query may attend to the 2 real tokens only; in sentence 1, to all 4."),
        _("this is not the padding mask for lengths [2, 4]."),
        [(right[:, 0], _("the right True and False, but shape (2, 4): the mask needs a middle "
                         "dimension of size 1 that broadcasts over the queries, (2, 1, 4)."),
          _("add it with .unsqueeze(1).")),
         (~right, _("True and False are swapped: True should mark the real tokens (may attend)."),
          _("invert it with ~.")),
         (right.flip(-1), _("this pads on the left; the lesson's padding goes after the real tokens."),
          _("position j is real when j < length."))],
    )  # fmt: skip


@exercise_check(_("a left-padded sentence's real tokens are its last `length` positions; combine "
                  "that padding mask with the causal mask using &."))  # fmt: skip
def check_left_padded_causal_mask(answer: Any) -> Verdict:
    """Exercise 4 of 08_masks.ipynb: a language model's mask for lengths [2, 4], padded on the
    left to 4 (a boolean answer, exact)."""
    lengths = torch.tensor([2, 4])
    left = (torch.arange(4) >= 4 - lengths[:, None]).unsqueeze(1)  # (2, 1, 4): real keys
    causal = causal_mask(4)  # (4, 4)
    right = left & causal  # (2, 4, 4)
    return judge_mask(
        answer, right, _("the mask for lengths [2, 4], padded on the left"),
        _("(torch.arange(4) >= 4 - torch.tensor([[2], [4]])).unsqueeze(1) & causal_mask(4)."),
        _("each query may attend to the real tokens at or before it. In sentence 0 the pad "
          "queries 0 and 1 may attend to nothing: their rows are all False, so their outputs "
          "are NaN with -inf (zeros with PyTorch's fused function) and are never used."),
        _("this is not the mask for this left-padded batch."),
        [(padding_mask([2, 4], 4) & causal, _("this pads on the right: here the padding comes "
          "first, so sentence 0's real tokens are positions 2 and 3."),
          _("a key is real when its position is at least 4 - length.")),
         (left, _("that is only the padding mask (2, 1, 4): a query may still see later keys."),
          _("combine it with causal_mask(4) using &: the result is (2, 4, 4).")),
         (left.expand(2, 4, 4), _("a query may still see later keys: the causal part is missing."),
          _("combine with causal_mask(4) using &.")),
         (causal, _("that is only the causal mask (4, 4): the pad keys are still allowed."),
          _("combine it with the left padding mask using &: the result is (2, 4, 4).")),
         (causal.expand(2, 4, 4), _("the pad keys are still allowed: the padding part is missing."),
          _("combine with the left padding mask using &.")),
         (left | causal, _("| lets a key through when either mask allows it; both must allow it."),
          _("use &, not |.")),
         (~right, _("True and False are swapped: True should mean 'may attend'."),
          _("invert it with ~."))],
    )  # fmt: skip
