"""Lesson 12, watching attention learn: its pictures, its explorer and its exercise checks.
The maths (the previous-token task, the model, the training loop) is ``helpers.training``."""

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
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_number,
    read_tensor,
    shape_of,
)
from helpers.ui.explore import Explorer, View, dropdown, explore, slider
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE, Heatmap, Row, figure
from helpers.ui.strings import translator

_ = translator(__name__)

TRAINING_RECORD_EVERY = 10  # the explorer shows a checkpoint every 10 steps (0, 10, ..., 200)
TRAINING_SEQUENCES = 4  # the explorer offers the first 4 held-out sequences


# ---- pictures --------------------------------------------------------------------------
def training_curves_figure(
    batch_losses: Sequence[float], steps: Sequence[int],
    held_out_losses: Sequence[float], correct_weights: Sequence[float],
) -> Figure:  # fmt: skip
    """Left, the training and held-out losses (log scale); right, the mean weight on the previous
    position at the checkpoints. Introduced in 12_watching_attention_learn.ipynb ("Picture")."""
    lists = {}
    for name, values in (("batch_losses", batch_losses), ("steps", steps),
                         ("held_out_losses", held_out_losses), ("correct_weights", correct_weights)):  # fmt: skip
        values = values.tolist() if hasattr(values, "tolist") else values
        got = describe(values)
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            raise TypeError(_("{name} must be a non-empty list of numbers; got {got}.", name=name, got=got))  # fmt: skip
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise TypeError(_("{name} must hold only numbers; got {got}.", name=name, got=got))
        if not all(math.isfinite(v) for v in values):
            raise ValueError(_("{name} must hold finite numbers; got {got}.", name=name, got=got))
        lists[name] = [float(v) for v in values]
    batch, marks, held, weights = lists.values()
    if not len(marks) == len(held) == len(weights):
        raise ValueError(_("steps, held_out_losses and correct_weights must have one entry per "
                           "checkpoint; got {a}, {b} and {c}.",
                           a=len(marks), b=len(held), c=len(weights)))  # fmt: skip
    if min(batch + held) <= 0:
        raise ValueError(_("batch_losses and held_out_losses must be positive (the loss axis "
                           "is logarithmic); got a smallest loss of {low}.",
                           low=min(batch + held)))  # fmt: skip
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


def _heatmap(weights: torch.Tensor, labels: Sequence[str], title: str, description: str) -> Heatmap:
    """One sequence's ``(n, n)`` weights, rows = queries, labelled position:token."""
    return Heatmap(weights.detach().tolist(), description, rows=list(labels), columns=list(labels),
                   title=title, number_format=".2f", low=0.0, high=1.0, cell=(34, 16),
                   row_title=_("query (position:token)"),
                   column_title=_("key (position:token)"))  # fmt: skip


def before_after_figure(
    before: torch.Tensor, after: torch.Tensor, labels: Sequence[str],
    titles: tuple[str, str] | None = None,
) -> Figure:  # fmt: skip
    """Two ``(n, n)`` heatmaps side by side, each query's previous key framed in orange.
    Introduced in 12_watching_attention_learn.ipynb ("Picture")."""
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(_("words must be a list of strings; got {got}.", got=describe(labels)))
    if not all(isinstance(label, str) for label in labels):
        raise TypeError(_("words must hold only strings; got {got}.", got=describe(labels)))
    n = len(labels)
    for weights in (before, after):
        if not (isinstance(weights, torch.Tensor) and weights.dim() == 2 and weights.is_floating_point()):  # fmt: skip
            raise TypeError(_("weights must be a 2-D float tensor (queries x keys); got {got}.",
                              got=describe(weights)))  # fmt: skip
        if tuple(weights.shape) != (n, n):
            raise ValueError(_("weights must have one row and one column per word, ({n}, {n}); "
                               "got shape {shape}.", n=n, shape=tuple(weights.shape)))  # fmt: skip
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
def _letters(ids: torch.Tensor, gap: str = "  ") -> str:
    return gap.join(training.TOKENS[i] for i in ids.tolist())


def render_training(step: int, sequence: int) -> View:
    """The held-out numbers at checkpoint ``step``; one sequence's predictions and weights.
    Introduced in 12_watching_attention_learn.ipynb ("Explore")."""
    run = training.lesson_run(TRAINING_RECORD_EVERY)
    checkpoint = run.checkpoints[step // TRAINING_RECORD_EVERY]  # steps 0, 10, ..., 200
    tokens = training.lesson_data()[1][sequence]  # (6,)
    targets = training.previous_token_targets(tokens)  # (6,)
    predicted = checkpoint.predictions[sequence]  # (6,)
    text = "\n".join([
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
        + _("({right} of {n} right)", right=int((predicted == targets).sum()), n=len(tokens)),
    ])  # fmt: skip
    labels = training.token_labels(tokens)
    weights = checkpoint.weights[sequence]  # (6, 6); key i - 1 of query 0 is key -1, the last
    previous = ", ".join(f"{label} {weights[i, i - 1]:.2f}" for i, label in enumerate(labels))
    description = _("Attention weights at step {step} for the sequence {sequence}, rows = queries, "
                    "columns = keys; weight of each query on the previous position: {weights}.",
                    step=step, sequence=_letters(tokens, " "), weights=previous)  # fmt: skip
    title = _("attention weights at step {step} (rows = queries, columns = keys)", step=step)
    return View(text, _heatmap(weights, labels, title, description))


def training_explorer() -> Explorer:
    """Slide through the training run (trained once, when built); watch the pattern form.
    Introduced in 12_watching_attention_learn.ipynb ("Explore")."""
    steps = [(str(c.step), c.step) for c in training.lesson_run(TRAINING_RECORD_EVERY).checkpoints]
    held_out = training.lesson_data()[1]  # (256, 6)
    sequences = [(f"{k + 1}. " + _letters(held_out[k], " "), k) for k in range(TRAINING_SEQUENCES)]
    return explore(
        render_training,
        step=slider("training-step", _("Training step:"), steps, 0, width="480px"),
        sequence=dropdown("sequence", _("Held-out sequence:"), sequences, 0),
        height="150px",
        fallback=_("[Training explorer: slide through the training steps to watch the attention "
                   "pattern form. It needs a live kernel (JupyterLab or Binder); the picture below "
                   "shows its starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: within 1e-4 unless said) -------------------------------------
@exercise_check(_("row i holds a single 1, in column (i - 2) % 6; every other entry is 0."))
def check_two_back_pattern(answer: Any) -> Verdict:
    """Exercise 1 of 12_watching_attention_learn.ipynb: the pattern of a "two positions back" task."""
    hint = _("roll the identity matrix: torch.eye(6).roll(-2, dims=1) puts row i's 1 in column i - 2.")  # fmt: skip
    if isinstance(answer, torch.Tensor) and answer.dtype == torch.bool:
        answer = answer.double()  # a pattern of True and False is a pattern too
    pattern, problem = read_tensor(answer, (6, 6), _("the pattern"), hint)
    if problem:
        return problem
    right = torch.eye(6).roll(-2, dims=1)
    done = _("each query puts all its weight two positions back; queries 0 and 1 wrap around "
             "to keys 4 and 5.")  # fmt: skip
    return judge(pattern, right, done, hint) or mistake(pattern, [
        (torch.eye(6).roll(-1, dims=1), _("that is the lesson's pattern, one position back."), None),
        (torch.eye(6).roll(2, dims=1), _("that is two positions *forward*: row i has its 1 in column i + 2."),
         _("rows are queries, columns are keys: row i needs its 1 in column i - 2.")),
        (torch.eye(6), _("that is the diagonal: each query attends to itself."), None),
        (right * (torch.arange(6) >= 2)[:, None],  # queries 0 and 1 did not wrap around
         _("queries 0 and 1 have no weight at all; attention weights sum to 1 in every row."),
         _("wrap around: query 0 takes key 4, query 1 takes key 5.")),
    ], hint) or not_yet(_("this is not the two-positions-back pattern."), hint)  # fmt: skip


@exercise_check(_("a model that knows nothing gives each of the 6 tokens probability 1/6."))
def check_chance_loss(answer: Any) -> Verdict:
    """Exercise 2 of 12_watching_attention_learn.ipynb: the loss of an even guess, within 1e-3."""
    hint = _("cross-entropy is -ln(probability of the right token): -math.log(1 / 6).")
    value, problem = read_number(answer, _("the loss"), hint)
    if problem:
        return problem
    done = _("ln 6 = {ln6:.3f}. The untrained model's loss (1.919) is a little worse than "
             "guessing evenly: its random start is confidently wrong on some positions.",
             ln6=math.log(6))  # fmt: skip
    natural = _("cross-entropy uses the natural logarithm (math.log).")
    return judge(value, math.log(6), done, hint, tolerance=1e-3) or mistake(value, [
        (1 / 6, _("1/6 is the probability of the right token, not the loss."), None),
        (-math.log(6), _("the sign: the loss is minus the log of a probability, so it is ≥ 0."), None),
        (math.log10(6), natural, None),
        (math.log2(6), natural, None),
    ], hint, 1e-3) or not_yet(_("{value} is not the loss of an even guess.", value=value), hint)  # fmt: skip


@exercise_check(_("for each query i, average weights[:, i, (i - 1) % 6] over the 256 sequences: "
                   "a tensor of shape (6,)."))  # fmt: skip
def check_weight_per_query(answer: Any) -> Verdict:
    """Exercise 3 of 12_watching_attention_learn.ipynb: each query's mean weight on its previous
    key, over the 256 held-out sequences after training, ``(6,)``."""
    hint = _("weights = run.checkpoints[-1].weights (256, 6, 6); queries = torch.arange(6); "
             "weights[:, queries, (queries - 1) % 6].mean(dim=0).")  # fmt: skip
    run = training.lesson_run()
    weights = run.checkpoints[-1].weights  # (256, 6, 6): sequence, query, key
    queries = torch.arange(6)
    right = weights[:, queries, (queries - 1) % 6].mean(dim=0)  # (6,)
    shape = shape_of(answer)
    # One number may be the mean over all queries, which the lesson prints: say so.
    if shape in ((), (1,)):
        value, problem = read_number(answer, _("your number"), hint)
        if problem:
            return problem
        if abs(value - right.mean().item()) <= 1e-3:
            return not_yet(_("that is the mean over all six queries, the {mean:.3f} the lesson "
                             "prints; this exercise asks for one number per query, a tensor of "
                             "shape (6,).", mean=right.mean().item()), hint)  # fmt: skip
    if shape == (len(weights),):
        return not_yet(_("you gave one number per sequence ({n} of them): that averages over the "
                         "queries (dim=1). Average over the sequences instead (dim=0).",
                         n=len(weights)), hint)  # fmt: skip
    per_query, problem = read_tensor(answer, (6,), _("the weight of each query"), hint)
    if problem:
        return problem
    done = _("every query learned: from {low:.3f} (query {weakest}) to {high:.3f} (query "
             "{strongest}). Query 0, which wraps around to key 5, gets {zero:.3f}: one-hot "
             "positions have no order and no end, so the last position is no harder to reach "
             "than any other.", low=right.min().item(), weakest=right.argmin().item(),
             high=right.max().item(), strongest=right.argmax().item(),
             zero=right[0].item())  # fmt: skip
    order = _("the right numbers in the wrong places: entry i must be query i's weight on key "
              "i - 1, not key i's weight.")  # fmt: skip
    before = run.checkpoints[0].weights  # (256, 6, 6): before training
    return judge(per_query, right, done, hint) or mistake(per_query, [
        (before[:, queries, (queries - 1) % 6].mean(dim=0),
         _("those are the weights before training, run.checkpoints[0]."),
         _("take the last checkpoint, run.checkpoints[-1], after 200 steps.")),
        (weights[0, queries, (queries - 1) % 6],
         _("those are the weights of the example sequence alone, weights[0] (the lesson's `after`)."),
         _("average over all 256 held-out sequences: .mean(dim=0).")),
        (weights[:, queries, (queries + 1) % 6].mean(dim=0),
         _("that is each query's weight on the *next* position, i + 1."), None),
        (weights[:, queries, queries].mean(dim=0),
         _("that is each query's weight on itself (the diagonal)."), None),
        (right.roll(1), order, None),
        (right.roll(-1), order, None),
    ], hint) or not_yet(_("these are not the weights of each query on its previous position."), hint)  # fmt: skip
