"""Lesson 12, watching attention learn: its pictures, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths (the previous-token task, the model, the training loop)
is ``helpers.training``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import training
from helpers._validate import describe
from helpers.ui.answers import (
    Verdict,
    close,
    exercise_check,
    judge,
    not_yet,
    read_number,
    read_tensor,
)
from helpers.ui.explore import Explorer, View, dropdown, explore, slider
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE, Heatmap, Row, figure
from helpers.ui.strings import translator

_ = translator(__name__)

# ---- pictures --------------------------------------------------------------------------


def training_curves_figure(
    batch_losses: Sequence[float],
    steps: Sequence[int],
    held_out_losses: Sequence[float],
    correct_weights: Sequence[float],
) -> Figure:
    """Two panels: the loss during training (log scale), and the weight on the right key.

    Left: each training batch's loss (grey, one per step, step 1 first) and the held-out
    loss at the checkpoints ``steps`` (blue dots). Right: the mean weight each query puts
    on the previous position at the checkpoints, with chance (1/6) and perfect (1) dotted.
    Introduced in 12_watching_attention_learn.ipynb ("Picture").
    """
    batch = _finite_numbers("batch_losses", batch_losses)
    marks = _finite_numbers("steps", steps)
    held = _finite_numbers("held_out_losses", held_out_losses)
    weights = _finite_numbers("correct_weights", correct_weights)
    if not len(marks) == len(held) == len(weights):
        raise ValueError(
            _("steps, held_out_losses and correct_weights must have one entry per checkpoint; "
              "got {a}, {b} and {c}.", a=len(marks), b=len(held), c=len(weights))
        )  # fmt: skip
    if min(batch + held) <= 0:
        raise ValueError(
            _("batch_losses and held_out_losses must be positive (the loss axis is "
              "logarithmic); got a smallest loss of {low}.", low=min(batch + held))
        )  # fmt: skip
    fig = Figure(figsize=(10, 3.4))
    left, right = fig.subplots(1, 2)
    left.plot(range(1, len(batch) + 1), batch, color=GREY, linewidth=1, label=_("training batch"))
    left.plot(marks, held, "o", color=BLUE, markersize=5, label=_("held-out sequences"))
    left.set(yscale="log", xlabel=_("training step"), ylabel=_("cross-entropy loss (log scale)"))
    left.set_title(_("The loss falls"), fontsize=11)
    left.legend(fontsize=8, frameon=False)
    right.plot(marks, weights, "o-", color=ORANGE, markersize=5)
    for level in (1 / 6, 1.0):
        right.axhline(level, color=INK, linestyle=":", linewidth=1)
    right.text(marks[-1], 1 / 6 + 0.02, _("chance: 1/6"), ha="right", fontsize=8, color=INK)
    right.text(marks[-1], 0.94, _("perfect: 1"), ha="right", va="top", fontsize=8, color=INK)
    right.set(ylim=(0, 1.05), xlabel=_("training step"),
              ylabel=_("mean weight on the previous position"))  # fmt: skip
    right.set_title(_("Attention moves to the right key"), fontsize=11)
    fig.tight_layout()
    return fig


def _heatmap(weights: torch.Tensor, labels: list[str], title: str, description: str) -> Heatmap:
    """One sequence's ``(n, n)`` attention weights, 0 to 1, rows = queries, labelled position:token."""
    return Heatmap(
        weights.detach().tolist(),
        description=description,
        rows=labels,
        columns=labels,
        title=title,
        number_format=".2f",
        low=0.0,
        high=1.0,
        cell=(34, 16),
        row_title=_("query (position:token)"),
        column_title=_("key (position:token)"),
    )


def before_after_figure(
    before: torch.Tensor,
    after: torch.Tensor,
    labels: Sequence[str],
    titles: tuple[str, str] | None = None,
) -> Figure:
    """Two attention heatmaps side by side, one colour scale (0 to 1); the right keys framed.

    ``before`` and ``after`` are one sequence's ``(n, n)`` weights, rows = queries, labelled
    by ``labels`` (``'0:C'`` = position 0 holding C). In each row ``i`` the cell of key
    ``i - 1`` (the previous position, wrapping around) is framed in orange: where the
    weight should go. ``titles`` default to "before training" and "after training".
    Introduced in 12_watching_attention_learn.ipynb ("Picture").
    """
    _require_square(before, labels)
    _require_square(after, labels)
    n, labels = len(labels), list(labels)
    titles = titles or (_("before training"), _("after training"))
    panels = [_heatmap(w, labels, t, t) for w, t in zip((before, after), titles, strict=True)]
    fig = figure(Row(tuple(panels)))
    for ax in fig.axes:
        for i in range(n):  # seaborn puts cell (i, j) at x = j, y = i
            ax.add_patch(
                Rectangle(((i - 1) % n, i), 1, 1, fill=False, edgecolor=ORANGE, lw=2, clip_on=False)
            )
    return fig


# ---- explorer --------------------------------------------------------------------------

TRAINING_RECORD_EVERY = 10
"""The training explorer shows a checkpoint every 10 steps (0, 10, ..., 200)."""

TRAINING_SEQUENCES = 4
"""The training explorer offers the first 4 held-out sequences."""


def _letters(ids: torch.Tensor) -> str:
    return "  ".join(training.TOKENS[i] for i in ids.tolist())


def render_training(step: int, sequence: int) -> View:
    """What the training explorer shows at ``step`` for held-out sequence ``sequence``.

    The held-out numbers at that checkpoint, the sequence's targets and predictions, and
    its attention weights as a heatmap. Introduced in 12_watching_attention_learn.ipynb
    ("Explore").
    """
    run = training.lesson_run(TRAINING_RECORD_EVERY)
    checkpoint = next(c for c in run.checkpoints if c.step == step)
    tokens = training.lesson_data()[1][sequence]  # (6,)
    targets = training.previous_token_targets(tokens)  # (6,)
    predicted = checkpoint.predictions[sequence]  # (6,)
    right = int((predicted == targets).sum())
    text = "\n".join(
        [
            _("after {step} of {steps} training steps (Adam, learning rate {rate:g}, batches of "
              "{batch} sequences)", step=step, steps=training.STEPS, rate=training.LEARNING_RATE,
              batch=training.BATCH_SIZE),
            _("held-out sequences: loss {loss:.3f}   accuracy {accuracy:.3f}   mean weight on the "
              "previous position {weight:.3f}", loss=checkpoint.loss,
              accuracy=checkpoint.accuracy, weight=checkpoint.correct_weight),
            _("(at step 0 that weight was {weight:.3f}, about 1/6; the perfect pattern gives 1)",
              weight=run.checkpoints[0].correct_weight),
            f"{_('sequence'):<11}{_letters(tokens)}",
            f"{_('target'):<11}{_letters(targets)}   " + _("(each token's previous one)"),
            f"{_('predicted'):<11}{_letters(predicted)}   "
            + _("({right} of {n} right)", right=right, n=len(tokens)),
        ]
    )  # fmt: skip
    labels = training.token_labels(tokens)
    weights = checkpoint.weights[sequence]  # (6, 6)
    previous = [weights[i, (i - 1) % len(labels)].item() for i in range(len(labels))]
    description = _(
        "Attention weights at step {step} for the sequence {sequence}, rows = queries, "
        "columns = keys; weight of each query on the previous position: {weights}.",
        step=step,
        sequence=" ".join(label[-1] for label in labels),
        weights=", ".join(f"{label} {w:.2f}" for label, w in zip(labels, previous, strict=True)),
    )
    title = _("attention weights at step {step} (rows = queries, columns = keys)", step=step)
    return View(text, _heatmap(weights, labels, title, description))


def training_explorer() -> Explorer:
    """Slide through the training run; see the attention pattern form, checkpoint by checkpoint.

    The lesson's model is trained once when the explorer is built, with a checkpoint every
    ``TRAINING_RECORD_EVERY`` steps; moving a control only looks a checkpoint up.
    Introduced in 12_watching_attention_learn.ipynb ("Explore").
    """
    run = training.lesson_run(TRAINING_RECORD_EVERY)
    held_out = training.lesson_data()[1]  # (256, 6)
    sequences = [
        (f"{k + 1}. " + " ".join(training.TOKENS[i] for i in held_out[k].tolist()), k)
        for k in range(TRAINING_SEQUENCES)
    ]
    return explore(
        render_training,
        step=slider("training-step", _("Training step:"),
                    [(str(c.step), c.step) for c in run.checkpoints], 0, width="480px"),
        sequence=dropdown("sequence", _("Held-out sequence:"), sequences, 0),
        height="150px",
        fallback=_(
            "[Training explorer: slide through the training steps to watch the attention "
            "pattern form. It needs a live kernel (JupyterLab or Binder); the picture below "
            "shows its starting state.]"
        ),
    )  # fmt: skip


# ---- exercises ---------------------------------------------------------------------------


def _pattern(shift: int) -> torch.Tensor:
    """The (6, 6) weights with all of query i's weight on key i - shift (wrapping around)."""
    return torch.eye(6).roll(-shift, dims=1)


# precision: within 1e-4 (the default); the right pattern holds only 0s and 1s
@exercise_check(_("row i holds a single 1, in column (i - 2) % 6; every other entry is 0."))
def check_two_back_pattern(answer: Any) -> Verdict:
    """Exercise 1 of 12_watching_attention_learn.ipynb: the pattern of a "two positions back" task."""
    hint = _(
        "roll the identity matrix: torch.eye(6).roll(-2, dims=1) puts row i's 1 in column i - 2."
    )
    if isinstance(answer, torch.Tensor) and answer.dtype == torch.bool:
        answer = answer.double()  # a pattern of True and False is a pattern too
    pattern, problem = read_tensor(answer, (6, 6), _("the pattern"), hint)
    if problem:
        return problem
    done = _("each query puts all its weight two positions back; queries 0 and 1 wrap around "
             "to keys 4 and 5.")  # fmt: skip
    if verdict := judge(pattern, _pattern(2), done, hint):
        return verdict
    if close(pattern, _pattern(1)):
        return not_yet(_("that is the lesson's pattern, one position back."), hint)
    if close(pattern, _pattern(-2)):
        return not_yet(
            _("that is two positions *forward*: row i has its 1 in column i + 2."),
            _("rows are queries, columns are keys: row i needs its 1 in column i - 2."),
        )
    if close(pattern, torch.eye(6)):
        return not_yet(_("that is the diagonal: each query attends to itself."), hint)
    no_wrap = _pattern(2)
    no_wrap[:2] = 0  # queries 0 and 1 did not wrap around
    if close(pattern, no_wrap):
        return not_yet(
            _("queries 0 and 1 have no weight at all; attention weights sum to 1 in every row."),
            _("wrap around: query 0 takes key 4, query 1 takes key 5."),
        )
    return not_yet(_("this is not the two-positions-back pattern."), hint)


# precision: within 1e-3, so ln 6 = 1.792 to three decimals is right
@exercise_check(_("a model that knows nothing gives each of the 6 tokens probability 1/6."))
def check_chance_loss(answer: Any) -> Verdict:
    """Exercise 2 of 12_watching_attention_learn.ipynb: the loss of a model that guesses evenly."""
    hint = _("cross-entropy is -ln(probability of the right token): -math.log(1 / 6).")
    value, problem = read_number(answer, _("the loss"), hint)
    if problem:
        return problem
    done = _("ln 6 = {ln6:.3f}. The untrained model's loss (1.952) is a little worse than "
             "guessing evenly: its random start is confidently wrong on some positions.",
             ln6=math.log(6))  # fmt: skip
    if verdict := judge(value, math.log(6), done, hint, tolerance=1e-3):
        return verdict
    if close(value, 1 / 6, 1e-3):
        return not_yet(_("1/6 is the probability of the right token, not the loss."), hint)
    if close(value, -math.log(6), 1e-3):
        return not_yet(
            _("the sign: the loss is minus the log of a probability, so it is ≥ 0."), hint
        )
    if close(value, math.log10(6), 1e-3) or close(value, math.log2(6), 1e-3):
        return not_yet(_("cross-entropy uses the natural logarithm (math.log)."), hint)
    return not_yet(_("{value} is not the loss of an even guess.", value=value), hint)


# precision: within 1e-4 (the default)
@exercise_check(_("pick weights[i, (i - 1) % 6] for every query i and average them."))
def check_previous_weight(answer: Any) -> Verdict:
    """Exercise 3 of 12_watching_attention_learn.ipynb: the mean weight on the previous key."""
    hint = _("queries = torch.arange(6); after[queries, (queries - 1) % 6].mean() "
             "(or helpers.training.mean_weight_on_previous(after)).")  # fmt: skip
    value, problem = read_number(answer, _("the mean weight"), hint)
    if problem:
        return problem
    after = training.lesson_run().checkpoints[-1].weights[0]  # (6, 6)
    queries = torch.arange(6)
    expected = after[queries, (queries - 1) % 6].mean()
    done = _("{weight:.3f}: almost all of each query's weight is on the previous position.",
             weight=expected.item())  # fmt: skip
    verdict = judge(value, expected, done, hint)
    if verdict and verdict.passed:
        return verdict
    # Leaving query 0 out is only 0.002 off: name that mistake before saying "close".
    if close(value, after[queries[1:], queries[1:] - 1].mean()):
        return not_yet(_("query 0 is missing: its previous position wraps around to key 5."), hint)
    if verdict:
        return verdict
    if close(value, after.mean()):
        return not_yet(
            _("that is the mean of the whole matrix; every row sums to 1, so it is always 1/6."),
            hint,
        )
    if close(value, after.diagonal().mean()):
        return not_yet(_("that is the mean of the diagonal (each query on itself)."), hint)
    if close(value, after[queries, (queries + 1) % 6].mean()):
        return not_yet(_("that is the weight on the *next* position, i + 1."), hint)
    return not_yet(
        _("{value:.4f} is not the mean weight on the previous position.", value=value), hint
    )


# ---- input checks: the figures above take the lesson's own numbers and tensors -----------


def _finite_numbers(name: str, values: Any) -> list[float]:
    """``values`` as a list of finite floats (a list or 1-D tensor of numbers), else raise."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(
            _("{name} must be a non-empty list of numbers; got {got}.", name=name,
              got=describe(values))
        )  # fmt: skip
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise TypeError(
            _("{name} must hold only numbers; got {got}.", name=name, got=describe(values))
        )
    if not all(math.isfinite(v) for v in values):
        raise ValueError(
            _("{name} must hold finite numbers; got {got}.", name=name, got=describe(values))
        )
    return [float(v) for v in values]


def _require_square(weights: Any, words: Any) -> None:
    """``weights`` must be an ``(n, n)`` float tensor for the ``n`` strings ``words``."""
    if isinstance(words, str) or not isinstance(words, Sequence):
        raise TypeError(_("words must be a list of strings; got {got}.", got=describe(words)))
    if not all(isinstance(word, str) for word in words):
        raise TypeError(_("words must hold only strings; got {got}.", got=describe(words)))
    if (
        not isinstance(weights, torch.Tensor)
        or weights.dim() != 2
        or not weights.is_floating_point()
    ):
        raise TypeError(
            _("weights must be a 2-D float tensor (queries x keys); got {got}.",
              got=describe(weights))
        )  # fmt: skip
    if tuple(weights.shape) != (len(words), len(words)):
        raise ValueError(
            _("weights must have one row and one column per word, ({n}, {n}); got shape {shape}.",
              n=len(words), shape=tuple(weights.shape))
        )  # fmt: skip
