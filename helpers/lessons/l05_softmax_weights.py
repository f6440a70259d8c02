"""Lesson 05, softmax weights: its pictures (07 reuses them), its explorer and its checks."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import torch

from helpers._validate import describe, require_index
from helpers.attention import attention_weights
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
from helpers.ui.charts import Bars
from helpers.ui.explore import Explorer, View, checkbox, dropdown, explore, slider
from helpers.ui.pictures import Heatmap, Row
from helpers.ui.strings import translator

_ = translator(__name__)

TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0)  # below 1 sharpens the weights, above 1 flattens them
WEIGHTS_HEIGHT = "170px"  # the weights pictures (05, 07, 08): a 12 × 12 heatmap beside its bars


# ---- pictures --------------------------------------------------------------------------


def weights_bars(weights: torch.Tensor, words: list[str], query_index: int) -> Bars:
    """A query's row of weights as bars. Introduced in 05_softmax_weights.ipynb ("Picture")."""
    if not isinstance(weights, torch.Tensor) or weights.dim() != 2:
        raise TypeError(_("weights must be a 2-D tensor (queries x keys); got {got}.",
                          got=describe(weights)))  # fmt: skip
    if isinstance(words, str) or weights.shape != (len(words), len(words)):
        raise ValueError(
            _("weights must be square with one row and column per word; got shape {shape} for "
              "{count} words.", shape=tuple(weights.shape), count=len(words))
        )  # fmt: skip
    require_index("query_index", query_index, len(words))
    word, row = words[query_index], weights.detach()[query_index].tolist()
    pairs = ", ".join(f"{w} {x:.2f}" for w, x in zip(words, row, strict=True))
    description = _("Weights of query {word!r} over the keys: {pairs}.", word=word, pairs=pairs)
    title = _("How query '{word}' spreads its attention over the keys (the weights sum to 1)",
              word=word)  # fmt: skip
    return Bars(list(words), {_("weight"): row}, description, title=title)


def weights_picture(weights: torch.Tensor, words: list[str], query_index: int,
                    caption: str = "") -> Row:  # fmt: skip
    """The weight matrix with row ``query_index`` framed, beside that row's bars (titled
    ``caption``). Introduced in 05_softmax_weights.ipynb ("Explore"); 07 uses it too."""
    word = words[query_index]
    grid = Heatmap(
        weights.detach().tolist(),
        _("Attention weights of {n} words, rows = queries, columns = keys; the row of query "
          "{word!r} is framed in orange.", n=len(words), word=word),
        rows=list(words), columns=[w[:3] for w in words], title=_("rows = queries, columns = keys"),
        framed_row=query_index, low=0.0, high=max(float(weights.max()), 1e-6), cell=(16, 9),
    )  # fmt: skip
    bars = weights_bars(weights, words, query_index)
    return Row((grid, replace(bars, title=caption or _("weights of query '{word}'", word=word))))


# ---- explorer --------------------------------------------------------------------------


def row_table(words: list[str], rows: list[tuple[str, list[float]]], corner: str) -> str:
    """Aligned columns: a header of ``words``, then one line per (name, numbers) row."""
    lines = [corner.ljust(10) + "".join(w[:7].rjust(8) for w in words)]
    for name, numbers in rows:
        lines.append(name[:9].ljust(10) + "".join(f"{x:8.3f}" for x in numbers))
    return "\n".join(lines)


def render_softmax(query: int, temperature: float, scale: bool) -> View:
    """One query's scores (÷ √d_k if ``scale``, ÷ ``temperature``), its weights and the matrix."""
    steps = course()
    words = steps.words
    divisor = (math.sqrt(steps.key.shape[-1]) if scale else 1.0) * temperature
    scores = (steps.query @ steps.key.T).detach() / divisor  # (9, 9)
    weights = attention_weights(scores)  # (9, 9), each row sums to 1
    row = weights[query]
    top = int(row.argmax())
    how = _("÷ √d_k = ÷ 1.414") if scale else _("not scaled")
    text = "\n".join([
        _("query {word!r} (row {row}); scores {how}, then ÷ temperature {temperature:g}",
          word=words[query], row=query, how=how, temperature=temperature),
        row_table(words, [(_("score"), scores[query].tolist()), (_("weight"), row.tolist())],
                  _("key word")),
        _("largest weight: {word!r} {weight:.3f}; smallest: {low:.3f}; sum of weights = "
          "{total:.4f}", word=words[top], weight=float(row[top]), low=float(row.min()),
          total=float(row.sum())),
    ])  # fmt: skip
    caption = _("weights of query '{word}' (temperature {temperature:g})", word=words[query],
                temperature=temperature)  # fmt: skip
    return View(text, weights_picture(weights, words, query, caption))


def softmax_explorer() -> Explorer:
    """Pick a query word, a temperature and whether to scale by √d_k; see its weights.
    Introduced in 05_softmax_weights.ipynb ("Explore")."""
    return explore(
        render_softmax,
        query=dropdown("query-word", _("Query word:"), [(w, i) for i, w in enumerate(course().words)], 3),
        temperature=slider("temperature", _("Temperature (divide the scores by):"),
                           [(f"{t:g}", t) for t in TEMPERATURES], 1.0),
        scale=checkbox("scale", _("Divide the scores by √d_k first (as the article does)"), True),
        height=WEIGHTS_HEIGHT,
        fallback=_("[Softmax explorer: pick a query word and a temperature to see its attention "
                   "weights. It needs a live kernel (JupyterLab or Binder); the picture below "
                   "shows its starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: every float answer counts within 1e-4) ------------------------


@exercise_check(_("exponentiate row 3 of the scaled scores, then divide by the row's sum."))
def check_fox_weights(answer: Any) -> Verdict:
    """Exercise 1 of 05_softmax_weights.ipynb: the weights of query 'fox' (row 3), by hand."""
    steps = course()
    scores = steps.scores.detach()  # (9, 9), scaled
    hint = _("take scores[3], compute its exp(), and divide by that exp's sum (shape (9,)).")
    if shape_of(answer) == (9, 9):
        return not_yet(_("you gave the whole 9 × 9 matrix."),
                       _("keep only row 3, the row of 'fox'."))  # fmt: skip
    tensor, problem = read_tensor(answer, (9,), _("the weights of 'fox'"), hint)
    if problem:
        return problem
    right = steps.weights.detach()[3]
    done = _("the weights of 'fox' sum to 1 and peak at 'lazy': {row}", row=right)
    if verdict := judge(tensor, right, done, hint):
        return verdict
    if close(tensor, torch.softmax(scores[:, 3], dim=-1)):
        return not_yet(
            _("you used column 3 of the scores: how much each word's query matches 'fox'."),
            _("the query's weights are its row: scores[3], not scores[:, 3]."),
        )
    if close(tensor, torch.softmax(scores[3] * math.sqrt(2), dim=-1)):
        return not_yet(
            _("these are the weights of the unscaled scores."),
            _("start from the scaled scores (query @ key.T divided by √d_k), as the lesson did."),
        )
    total = float(tensor.sum())
    if abs(total - 1) > 1e-3:
        return not_yet(_("weights of one query sum to 1; yours sum to {total:.4f}.", total=total),
                       _("divide the exps by their sum: e / e.sum()."))  # fmt: skip
    return not_yet(_("these are not the weights of 'fox'."), hint)


@exercise_check(_("softmax the unscaled scores (no division by √d_k), along dim=-1."))
def check_unscaled_weights(answer: Any) -> Verdict:
    """Exercise 2 of 05_softmax_weights.ipynb: the weights without the √d_k scaling."""
    steps = course()
    raw = (steps.query @ steps.key.T).detach()  # (9, 9), not scaled
    right = torch.softmax(raw, dim=-1)
    hint = _("F.softmax(query @ key.T, dim=-1): no division by √d_k.")
    tensor, problem = read_tensor(answer, (9, 9), _("the unscaled weights"), hint)
    if problem:
        return problem
    done = _("without scaling, the largest weight of 'fox' grows from {scaled:.3f} to "
             "{unscaled:.3f}: the weights get sharper.",
             scaled=float(steps.weights.detach()[3].max()), unscaled=float(right[3].max()))  # fmt: skip
    if verdict := judge(tensor, right, done, hint):
        return verdict
    if close(tensor, steps.weights):
        return not_yet(_("these are the scaled weights from the lesson."), hint)
    if close(tensor, torch.softmax(raw, dim=0)):
        return not_yet(_("your columns sum to 1, not your rows: softmax ran along dim=0."),
                       _("use dim=-1, so that each query's row sums to 1."))  # fmt: skip
    return not_yet(_("these are not the unscaled weights."), hint)


@exercise_check(_("set the scores above the diagonal to -inf, then softmax each row."))
def check_causal_weights(answer: Any) -> Verdict:
    """Exercise 3 of 05_softmax_weights.ipynb: weights where each word sees only itself and earlier words."""
    steps = course()
    later = torch.triu(torch.ones(9, 9, dtype=torch.bool), diagonal=1)  # keys after the query
    right = torch.softmax(steps.scores.detach().masked_fill(later, float("-inf")), dim=-1)
    hint = _("scores.masked_fill(later, float('-inf')) with later = torch.triu(..., "
             "diagonal=1), then softmax.")  # fmt: skip
    tensor, problem = read_tensor(answer, (9, 9), _("the masked weights"), hint, finite=False)
    if problem:
        return problem
    if torch.isnan(tensor[0]).all():  # row 0 blocked everywhere: softmax of only -inf is 0/0
        return not_yet(_("row 0 is NaN: your mask blocks the diagonal too, so 'The' may attend "
                         "to nothing, and a softmax over nothing but -inf is 0/0."),
                       _("keep the diagonal: torch.triu(..., diagonal=1) blocks only the later "
                         "words."))  # fmt: skip
    if not torch.isfinite(tensor).all():
        return not_yet(_("your answer holds NaN or infinity."), hint)
    done = _("'The' can only attend to itself (weight 1), and every row still sums to 1.")
    if verdict := judge(tensor, right, done, hint):
        return verdict
    if close(tensor, steps.weights):
        return not_yet(_("these are the lesson's unmasked weights."), hint)
    if close(tensor.tril(diagonal=-1), 0) and not close(tensor.triu(diagonal=1), 0):
        return not_yet(_("you blocked the earlier words and kept the later ones: the mask is the "
                         "wrong triangle."),
                       _("the blocked keys come after their query, above the diagonal: "
                         "torch.triu(..., diagonal=1)."))  # fmt: skip
    if not close(tensor.triu(diagonal=1), 0):
        return not_yet(
            _("some words still attend to later words (there are weights above the diagonal)."),
            _("use -inf for the blocked scores: 0 is an ordinary score and still gets weight."),
        )
    sums = tensor.sum(dim=-1)  # (9,)
    if not close(sums, 1, 1e-3):
        return not_yet(
            _("each row should sum to 1; row 0 sums to {total:.4f}.", total=float(sums[0])),
            _("mask the scores before the softmax, not the weights after it."),
        )
    return not_yet(_("these are not the masked weights."), hint)


@exercise_check(_("softmax only sees the differences between a row's scores."))
def check_shifted_weights(answer: Any) -> Verdict:
    """Exercise 4 of 05_softmax_weights.ipynb: the weights of 'fox' after adding 10 to every one
    of its scores, predicted rather than recomputed, within 1e-4."""
    scores = course().scores.detach()[3]  # (9,): 'fox''s scaled scores
    right = torch.softmax(scores, dim=-1)  # adding 10 changes nothing
    hint = _("every exp(s + 10) is exp(s) times the same e^10, and the division by the sum "
             "cancels it.")  # fmt: skip
    tensor, problem = read_tensor(answer, (9,), _("the weights of 'fox'"), hint)
    if problem:
        return problem
    done = _("the same weights as before: adding one number to a whole row multiplies every "
             "exp by the same factor, and the division cancels it. That is why subtracting the "
             "maximum is safe, and why a bias added to a whole row of scores changes nothing "
             "(lesson 13's b_k).")  # fmt: skip
    if verdict := judge(tensor, right, done, hint):
        return verdict
    return mistake(tensor, [
        (right + 10, _("you added 10 to the weights; the 10 goes into the scores, before the "
                       "softmax."), None),
        (torch.softmax(scores * 10, dim=-1), _("these are the weights of 10 times the scores: "
         "multiplying sharpens them, adding does not."), None),
        ((scores + 10).exp(), _("these are the exps, not yet divided by their sum."), None),
        (torch.full((9,), 1 / 9), _("the weights do not become equal: adding the same number "
                                     "keeps every difference between the scores."), None),
    ]) or not_yet(_("these are not the weights of 'fox' after the shift."), hint)  # fmt: skip
