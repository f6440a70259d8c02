"""Lesson 04, attention scores: the variance plot, its explorer and its exercise checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from matplotlib.figure import Figure

from helpers._validate import describe
from helpers.lessons import course
from helpers.ui.answers import (
    Verdict,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_number,
    read_tensor,
    shape_of,
)
from helpers.ui.charts import Bars, NumberLines
from helpers.ui.explore import Explorer, View, explore, slider
from helpers.ui.pictures import BLUE, GREY, ORANGE, Row
from helpers.ui.strings import translator

_ = translator(__name__)


def variance_figure(dims: Sequence[int], raw: Sequence[float], scaled: Sequence[float]) -> Figure:
    """Variance of q·k against d_k (log axes), unscaled and divided by √d_k.
    Introduced in 04_attention_scores.ipynb ("Why divide by √d_k")."""
    series = {}
    for name, numbers in (("dims", dims), ("raw", raw), ("scaled", scaled)):
        if isinstance(numbers, str) or not hasattr(numbers, "__len__"):
            raise TypeError(_("{name} must be a sequence of numbers; got {got}.", name=name,
                              got=describe(numbers)))  # fmt: skip
        series[name] = [float(v) for v in numbers]
        if not series[name] or min(series[name]) <= 0:
            raise ValueError(_("{name} must hold positive numbers (log axes); got {got}.",
                               name=name, got=describe(numbers)))  # fmt: skip
    d, raw, scaled = series["dims"], series["raw"], series["scaled"]
    if not len(d) == len(raw) == len(scaled):
        raise ValueError(_("dims, raw and scaled must have the same length; got {a}, {b} and "
                           "{c}.", a=len(d), b=len(raw), c=len(scaled)))  # fmt: skip
    fig = Figure(figsize=(6.6, 4.0))
    ax = fig.add_subplot()
    ax.loglog(d, d, color=GREY, ls="--", lw=1, label=_("y = d_k"), base=2)
    ax.plot(d, raw, "o-", color=ORANGE, label=_("q · k (unscaled)"))
    ax.plot(d, scaled, "s-", color=BLUE, label=_("q · k / √d_k (scaled)"))
    ax.set_xticks(d, [str(int(v)) for v in d])
    ax.set(xlabel=_("d_k (length of each query and key vector)"), ylabel=_("variance of the score"))
    ax.set_title(_("Unscaled scores spread out as d_k grows; scaled ones do not"), fontsize=11)
    ax.grid(True, which="major", color="#EEEEEE")
    ax.legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


SCALING_DIMS = (2, 4, 8, 16, 32, 64, 128, 256, 512)  # the explorer's d_k, as in the variance plot


def random_scores(d_k: int, seed: int = 123, n: int = 9) -> torch.Tensor:
    """Unscaled scores ``q @ k.T`` (n, n) of N(0, 1) queries and keys of length ``d_k``, drawn
    from their own generator. Introduced in 04_attention_scores.ipynb."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, d_k, generator=generator) @ torch.randn(n, d_k, generator=generator).T


def render_scaling(d_k: int) -> View:
    """The spread of the 81 scores, unscaled and scaled, and softmax of row 0 both ways."""
    raw = random_scores(d_k)  # (9, 9)
    scaled = raw / d_k**0.5
    row_raw, row_scaled = torch.softmax(raw[0], -1), torch.softmax(scaled[0], -1)
    low, high = (raw.min().item(), scaled.min().item()), (raw.max().item(), scaled.max().item())
    top = row_raw.max().item(), row_scaled.max().item()
    text = "\n".join([
        _("d_k = {d_k}: 9 random queries and 9 random keys, numbers drawn from N(0, 1)", d_k=d_k),
        _("unscaled scores: std {std:.2f}, from {low:.2f} to {high:.2f}", std=raw.std().item(),
          low=low[0], high=high[0]),
        _("scaled (÷ √{d_k} = {root:.2f}): std {std:.2f}, from {low:.2f} to {high:.2f}",
          d_k=d_k, root=d_k**0.5, std=scaled.std().item(), low=low[1], high=high[1]),
        _("softmax of row 0: largest weight {raw:.2f} unscaled, {scaled:.2f} scaled "
          "(equal weights would be {equal:.2f})", raw=top[0], scaled=top[1], equal=1 / 9),
    ])  # fmt: skip
    names = (_("unscaled"), _("scaled"))
    keys = [f"k{j}" for j in range(raw.shape[1])]  # random keys: no word of the sentence
    spread = NumberLines(
        dict(zip(names, (raw.flatten().tolist(), scaled.flatten().tolist()), strict=True)),
        _("All {count} scores as dots on two number lines: unscaled from {a:.2f} to {b:.2f}, "
          "scaled from {c:.2f} to {d:.2f}.", count=raw.numel(), a=low[0], b=high[0], c=low[1],
          d=high[1]),
        title=_("all {count} scores, d_k = {d_k}", count=raw.numel(), d_k=d_k),
        colours=(ORANGE, BLUE), limit=max(float(raw.abs().max()), 3.0) * 1.05, width=300,
    )  # fmt: skip
    bars = Bars(
        keys,
        dict(zip(names, (row_raw.tolist(), row_scaled.tolist()), strict=True)),
        _("Softmax of query 0's scores over the {n} keys: largest weight {raw:.2f} unscaled, "
          "{scaled:.2f} scaled.", n=len(keys), raw=top[0], scaled=top[1]),
        title=_("softmax of query 0's row over the keys"),
        colours=(ORANGE, BLUE), top=1.0, number_format=None, bar_height=70,
    )  # fmt: skip
    return View(text, Row((spread, bars)))


def scaling_explorer(d_k: int = 64) -> Explorer:
    """Slide d_k; see unscaled scores spread out while scaled ones stay put, and softmax sharpen.
    Introduced in 04_attention_scores.ipynb ("Explore")."""
    if isinstance(d_k, bool) or d_k not in SCALING_DIMS:
        raise ValueError(_("d_k must be one of the slider's values {dims}; got {got}.",
                           dims=SCALING_DIMS, got=describe(d_k)))  # fmt: skip
    return explore(
        render_scaling,
        height="150px",
        d_k=slider("d-k", _("d_k (query and key size):"), list(SCALING_DIMS), d_k, "480px"),
        fallback=_(
            "[Scaling explorer: slide d_k to see why scores are divided by its square root. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )


@exercise_check(_("read row 'fox', column 'dog' of the scaled scores."))
def check_fox_dog_score(answer: Any) -> Verdict:
    """Exercise 1 of 04_attention_scores.ipynb: the scaled score of 'fox' and 'dog', within 5e-4."""
    scores = course().scores.detach()
    hint = _("rows are queries and columns are keys, both in sentence order: 'fox' is word 3, "
             "'dog' word 8.")  # fmt: skip
    value, problem = read_number(answer, _("a score"), hint)
    if problem:
        return problem
    expected = scores[3, 8].item()
    done = _("attention_scores[3, 8] = {score:.4f}: 'fox' asks, 'dog' answers.", score=expected)
    verdict = judge(value, expected, done, hint, tolerance=5e-4)
    if verdict and verdict.passed:
        return verdict
    # The typical mistakes before "close": the ids' score (-0.9853) is within 0.05 of the answer.
    typical = mistake(value, [
        (expected * 2**0.5, _("that is the unscaled score."), _("divide by √d_k = √2.")),
        (scores[8, 3], _("that is query 'dog' against key 'fox': row and column are swapped."),
         _("the query's word picks the row: attention_scores[3, 8].")),
        (scores[4, 3], _("you used the ids (fox 4, dog 3); rows and columns follow the "
                         "sentence's word order."), hint),
    ], tolerance=5e-4)  # fmt: skip
    other = _("{value} is not the scaled score of query 'fox' and key 'dog'.", value=value)
    return typical or verdict or not_yet(other, hint)


def batch_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """Detached (2, 9, 2) queries and keys of our sentence and its reverse, for exercise 2.
    Introduced in 04_attention_scores.ipynb."""
    steps = course()
    x_batch = torch.stack([steps.embedded, steps.embedded.flip(0)])  # (2, 9, 3)
    return (x_batch @ steps.W_query).detach(), (x_batch @ steps.W_key).detach()


@exercise_check(_("transpose the last two dimensions of the keys, then divide by √d_k."))
def check_batch_scores(answer: Any) -> Verdict:
    """Exercise 2 of 04_attention_scores.ipynb: scaled scores of a batch (2, 9, 9), within 1e-4."""
    queries, keys = batch_inputs()
    expected = queries @ keys.transpose(-2, -1) / 2**0.5  # (2, 9, 9)
    hint = _("q_batch @ k_batch.transpose(-2, -1) / math.sqrt(d_k)")
    if shape_of(answer) == (9, 9):
        return not_yet(_("your scores are (9, 9): one sentence; the batch holds two."), hint)
    scores, problem = read_tensor(answer, (2, 9, 9), _("the batch's scores"), hint)
    if problem:
        return problem
    done = _("two 9 × 9 score matrices, one per sentence: shape (2, 9, 9).")
    if verdict := judge(scores, expected, done, hint):
        return verdict
    return mistake(scores, [
        (expected * 2**0.5, _("these are the unscaled scores."), _("divide by math.sqrt(d_k).")),
        (expected.transpose(-2, -1), _("rows and columns are swapped: that is keys times queries."),
         _("put the queries first: q_batch @ k_batch.transpose(-2, -1).")),
    ]) or not_yet(_("these are not the scaled scores of q_batch and k_batch."), hint)  # fmt: skip


@exercise_check(_("a dot product with a sum of keys is the sum of the dot products."))
def check_new_key_score(answer: Any) -> Verdict:
    """Exercise 3 of 04_attention_scores.ipynb: predict query 'fox''s scaled score against a new
    key k_fox + k_dog from two scores in the table, within 5e-4."""
    scores = course().scores.detach()  # (9, 9), scaled
    hint = _("q · (k_fox + k_dog) = q · k_fox + q · k_dog, and dividing by √d_k keeps the sum a "
             "sum: attention_scores[3, 3] + attention_scores[3, 8].")  # fmt: skip
    value, problem = read_number(answer, _("a score"), hint)
    if problem:
        return problem
    fox_fox, fox_dog = scores[3, 3].item(), scores[3, 8].item()
    expected = fox_fox + fox_dog
    # Three decimals: -0.94565 sits 3 float32 steps from a fourth-decimal rounding boundary.
    done = _("{fox_fox:.3f} + ({fox_dog:.3f}) = {score:.3f}: a score is a dot product, so it adds "
             "up over a sum of keys, and the scaling by √d_k carries through.",
             fox_fox=fox_fox, fox_dog=fox_dog, score=expected)  # fmt: skip
    if verdict := judge(value, expected, done, hint, tolerance=5e-4):
        return verdict
    return mistake(value, [
        (expected / 2, _("that is the average of the two scores; the new key is their sum, not "
                         "their mean."), hint),
        (expected * 2**0.5, _("that is the unscaled score: divide by √d_k = √2."), hint),
        (expected / 2**0.5, _("you divided by √d_k twice: the table's scores are already scaled."),
         hint),
        (fox_fox * fox_dog, _("you multiplied the two scores; a dot product is linear in the key, "
                              "so they add."), hint),
        (scores[3, 8].item() + scores[8, 8].item(), _("you added query 'dog''s column score; both "
         "scores must come from query 'fox''s row, row 3."), hint),
        (scores[3, 3].item() + scores[8, 3].item(), _("attention_scores[8, 3] is query 'dog' against "
         "key 'fox'; the question needs query 'fox' against key 'dog', [3, 8]."), hint),
    ], tolerance=5e-4) or not_yet(_("{value} is not the score of query 'fox' against "
                                    "k_fox + k_dog.", value=value), hint)  # fmt: skip
