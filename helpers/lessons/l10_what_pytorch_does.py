"""Lesson 10, what PyTorch does: its picture, its mask explorer and its exercise checks."""

from __future__ import annotations

import functools
from itertools import compress
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from helpers._validate import describe
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import MultiHeadAttention, course_example
from helpers.ui.answers import (
    Verdict,
    close,
    correct,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_tensor,
    shape_of,
)
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import ORANGE, Heatmap, Row
from helpers.ui.strings import translator

_ = translator(__name__)


def in_proj_figure(in_proj_weight: Any, d_model: int) -> Figure:
    """``in_proj_weight (3 d_model, d_model)``: the query, key and value weights stacked, split
    by orange lines. Introduced in 10_what_pytorch_does.ipynb ("Picture")."""
    weight = in_proj_weight
    values = weight.detach().numpy() if hasattr(weight, "detach") else np.asarray(weight)
    if values.ndim != 2 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"in_proj_weight must be a 2-D tensor of numbers; got {describe(weight)}.")
    if isinstance(d_model, bool) or not isinstance(d_model, int) or d_model <= 0:
        raise TypeError(f"d_model must be a positive int; got {describe(d_model)}.")
    rows = 3 * d_model
    if values.shape != (rows, d_model):
        raise ValueError(f"in_proj_weight must have shape (3 * d_model, d_model) = ({rows}, "
                         f"{d_model}); got {values.shape}.")  # fmt: skip
    fig = Figure(figsize=(5.8, 6.6))
    ax = fig.add_subplot()
    Heatmap(values.tolist(), _("in_proj_weight, {rows} rows by {d} columns", rows=rows, d=d_model),
            rows=[str(i) for i in range(rows)], columns=[_("in {j}", j=j) for j in range(d_model)],
            title=_("in_proj_weight: three nn.Linear weights stacked"),
            row_title=_("row of in_proj_weight (output feature)"), number_format=".2f",
            palette="diverging").draw(ax)  # fmt: skip
    for block, name in enumerate((_("query"), _("key"), _("value"))):
        first = block * d_model
        if block:
            ax.axhline(first, color=ORANGE, linewidth=2.5)
        label = _("{name}\nrows {first}-{last}", name=name, first=first, last=first + d_model - 1)
        ax.text(d_model + 0.3, first + d_model / 2, label, va="center", fontsize=9)
    fig.tight_layout()
    return fig


# ---- explorer: a mask, and how it is handed to nn.MultiheadAttention --------------------
KIND_LABELS = {"none": _("none"), "causal": _("causal (no looking ahead)"),
               "padding": _("padding (last 3 words)")}  # fmt: skip
PASSING_LABELS = {"converted": _("~mask (True = blocked, what it expects)"),
                  "unchanged": _("mask unchanged (True = may attend)"),
                  "float -inf": _("float: 0 where allowed, -inf where blocked"),
                  "float 0/1": _("float: mask.float() (1 and 0)")}  # fmt: skip
MASK_KINDS, MASK_PASSING = tuple(KIND_LABELS), tuple(PASSING_LABELS)
PADDED_LENGTH = 6  # in the padding example, the first 6 of the 9 words are real


def torch_mask(mask: torch.Tensor, passing: str) -> torch.Tensor:
    """The course mask (True = may attend) handed over as ``passing`` (a float one in float64).
    Introduced in 10_what_pytorch_does.ipynb ("Explore")."""
    if passing == "float -inf":
        return torch.zeros(mask.shape, dtype=torch.float64).masked_fill(~mask, float("-inf"))
    return {"converted": ~mask, "unchanged": mask, "float 0/1": mask.double()}[passing]


@functools.cache
def _modules() -> tuple[list[str], torch.Tensor, nn.MultiheadAttention, MultiHeadAttention]:
    """The words, ``x (1, 9, 8)`` and both modules holding the same weights, in float64."""
    words, x, _module = course_example()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        reference = nn.MultiheadAttention(8, 4, batch_first=True).double().eval()
        ours = MultiHeadAttention(8, 4).double().load_from_torch(reference)  # draws, then loads
    return words, x.double(), reference, ours


@functools.cache
def compare_with_torch(kind: str, passing: str) -> dict[str, Any]:
    """Our module with a ``kind`` mask against ``nn.MultiheadAttention`` given it as ``passing``:
    head 0's weights, what PyTorch blocks for 'fox', the outputs' difference, NaN queries."""
    words, x, reference, ours = _modules()
    causal = kind == "causal"
    mask = {"causal": causal_mask(9), "padding": padding_mask([PADDED_LENGTH], 9)}.get(kind)
    arguments, blocked = {}, []
    if mask is not None:
        passed = torch_mask(mask if causal else mask[:, 0], passing)  # (9, 9) or (1, 9)
        arguments = {"attn_mask" if causal else "key_padding_mask": passed}
        row = passed[3 if causal else 0]  # what PyTorch keeps query 'fox' from
        blocked = list(compress(words, row.isneginf() if row.is_floating_point() else row))
    with torch.no_grad():
        expected, expected_weights = ours.attend(x, mask)  # (1, 9, 8), (1, 4, 9, 9)
        output, weights = reference(x, x, x, average_attn_weights=False, **arguments)
    nan_queries = list(compress(words, output[0].isnan().any(dim=-1)))  # every key blocked
    difference = float("nan") if nan_queries else float((output - expected).abs().max())
    return {"words": words, "course_weights": expected_weights[0, 0],
            "torch_weights": torch.nan_to_num(weights[0, 0], nan=0.0),
            "torch_weights_with_nan": weights[0, 0], "blocked": blocked,
            "difference": difference, "nan_queries": nan_queries}  # fmt: skip


def render_mask(kind: str, passing: str) -> View:
    """What the mask explorer shows: what PyTorch blocks, whether it agrees, head 0's weights."""
    result = compare_with_torch(kind, passing)
    words, label, nan_queries = result["words"], PASSING_LABELS[passing], result["nan_queries"]
    kinds = {"none": _("no mask"), "causal": _("causal mask, as attn_mask (9, 9)"),
             "padding": _("padding mask (last {count} words are padding), as key_padding_mask (1, 9)",
                          count=9 - PADDED_LENGTH)}  # fmt: skip
    lines = [_("mask: {kind}", kind=kinds[kind])]
    if kind == "none":
        lines.append(_("passed as: nothing (the convention does not matter without a mask)"))
    else:
        should = words[4:] if kind == "causal" else words[PADDED_LENGTH:]  # after 'fox' / padding
        lines += [_("passed as: {label}", label=label),
                  _("nn.MultiheadAttention blocks for query 'fox': {words}",
                    words=", ".join(result["blocked"]) or _("nothing")),
                  f"{_('the course mask blocks for it:'):<46}{', '.join(should)}"]  # fmt: skip
    if nan_queries:
        lines.append(_("result: NaN for query {queries}: every key blocked (shown as 0 in the picture)",
                       queries=", ".join(map(repr, nan_queries))))  # fmt: skip
    elif result["difference"] < 1e-6:
        lines.append(_("result: same output as the course module (max |difference| < 1e-6)"))
    else:
        lines.append(_("result: WRONG, max |difference| from the course module = {difference:.2f}",
                       difference=result["difference"]))  # fmt: skip
    mask = _("no mask") if kind == "none" else _("the {kind} mask", kind=kind)
    passed = "" if kind == "none" else _(" passed as {label}", label=label)
    nan = _(" (NaN rows shown as 0)") if nan_queries else ""
    panels = (
        (result["course_weights"], _("course module (True = may attend), head 0"),
         _("Head 0's attention weights, 9 by 9, from the course module with {mask}.", mask=mask)),
        (result["torch_weights"], _("nn.MultiheadAttention, as passed, head 0"),
         _("Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with {mask}{passed}{nan}.",
           mask=mask, passed=passed, nan=nan)),
    )  # fmt: skip
    heatmaps = [Heatmap(weights.tolist(), description, rows=words, columns=[w[:3] for w in words],
                        title=title, low=0.0, high=1.0, cell=(18, 15))
                for weights, title, description in panels]  # fmt: skip
    return View("\n".join(lines), Row(tuple(heatmaps)))


def pytorch_mask_explorer() -> Explorer:
    """Choose a mask and how to hand it to ``nn.MultiheadAttention``; see if it agrees with ours.
    Introduced in 10_what_pytorch_does.ipynb ("Explore")."""
    passing = dropdown("mask-passing", _("Hand it to nn.MultiheadAttention as:"),
                       [(label, p) for p, label in PASSING_LABELS.items()], "unchanged")  # fmt: skip
    passing.layout.width = "560px"
    return explore(
        render_mask, height="200px",
        kind=dropdown("mask-kind", _("Mask:"), [(label, k) for k, label in KIND_LABELS.items()],
                      "causal"),
        passing=passing,
        fallback=_("[PyTorch mask explorer: choose a mask and how to pass it to nn.MultiheadAttention. "
                   "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
                   "starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: exact, except an additive mask's 0 within 1e-4) -------------
@exercise_check(_("the stack is query, key, value, each d_model = 8 rows."))
def check_key_rows(answer: Any) -> Verdict:
    """Exercise 1 of 10_what_pytorch_does.ipynb: the rows of ``in_proj_weight`` holding W_K."""
    hint = _("rows 0-7 are the query weight, then come 8 rows of key weight, then 8 of value.")
    is_range = isinstance(answer, (slice, range)) and answer.step in (None, 1)
    # (start, stop); a slice without a stop runs to the end of the 24-row stack
    rows = (answer.start or 0, 24 if answer.stop is None else answer.stop) if is_range else answer
    if not isinstance(rows, (tuple, list)) or [type(v) for v in rows] != [int, int]:
        return not_yet(_("give the rows as a slice, e.g. slice(0, 8); you gave {answer}.",
                         answer=describe(answer)), hint)  # fmt: skip
    first, stop = rows
    names = {(0, 8): _("the query weight (W_Q)"), (16, 24): _("the value weight (W_V)")}
    if (first, stop) == (8, 16):
        return correct(_("in_proj_weight[8:16] is the key weight in nn.Linear's (out, in) layout, so "
                         "W_K = in_proj_weight[8:16].T."))  # fmt: skip
    if (first, stop) in names:
        return not_yet(_("rows {first} to {last} hold {name}.", first=first, last=stop - 1,
                         name=names[first, stop]), hint)  # fmt: skip
    if (first, stop) == (8, 24):
        return not_yet(_("rows 8 to 23 hold the key weight and the value weight together."), hint)
    if (first, stop) == (8, 15):
        return not_yet(_("a slice's stop is excluded: slice(8, 15) stops at row 14."), hint)
    return not_yet(_("rows {first} up to {stop} are not one block of 8 rows of the stack.",
                     first=first, stop=stop), hint)  # fmt: skip


@exercise_check(_("padding_mask(lengths) is (batch, 1, n) with True = real word; MHA wants (batch, n), "
                  "True = padding."))  # fmt: skip
def check_key_padding_mask(answer: Any) -> Verdict:
    """Exercise 2 of 10_what_pytorch_does.ipynb: the key_padding_mask for lengths [9, 5]."""
    hint = _("~padding_mask([9, 5])[:, 0] (or .squeeze(1)): drop the middle dimension, then invert.")  # fmt: skip
    expected = ~padding_mask([9, 5])[:, 0]  # (2, 9), True = padding
    if not isinstance(answer, torch.Tensor):
        return not_yet(_("a mask is a boolean tensor; you gave {answer}.", answer=describe(answer)),
                       hint)  # fmt: skip
    shape = tuple(answer.shape)
    if answer.dtype != torch.bool:
        return not_yet(_("your mask has dtype {dtype}; use a boolean mask here (a float one would be "
                         "added to the scores).", dtype=answer.dtype), hint)  # fmt: skip
    if shape == (2, 1, 9):
        return not_yet(_("key_padding_mask has one row per sentence, shape (batch, n) = (2, 9); yours "
                         "is (2, 1, 9), the course's shape."),
                       _("drop the middle dimension with [:, 0] or .squeeze(1)."))  # fmt: skip
    if shape != (2, 9):
        return not_yet(_("key_padding_mask has shape (2, 9); yours is {shape}.", shape=shape), hint)
    if torch.equal(answer, ~expected):
        return not_yet(_("True and False are swapped: nn.MultiheadAttention reads True as 'ignore this "
                         "key'."), _("invert the course mask with ~."))  # fmt: skip
    if torch.equal(answer, expected):
        return correct(_("True marks the 4 padding words of the second sentence: PyTorch ignores "
                         "those keys."))  # fmt: skip
    return not_yet(_("this does not mark the last 4 words of sentence 2 (and nothing else)."), hint)  # fmt: skip


@exercise_check(_("start from zeros and put -inf where the course mask is False."))
def check_additive_causal_mask(answer: Any) -> Verdict:
    """Exercise 3 of 10_what_pytorch_does.ipynb: the causal mask as an additive float mask."""
    hint = _("torch.zeros(9, 9).masked_fill(~causal_mask(9), float('-inf')).")
    allowed = causal_mask(9)  # (9, 9), True = may attend
    if isinstance(answer, torch.Tensor) and not answer.is_floating_point():
        return not_yet(_("your mask has dtype {dtype}; an additive mask holds floats (0 and -inf).",
                         dtype=answer.dtype), hint)  # fmt: skip
    mask, problem = read_tensor(answer, (9, 9), _("the additive causal mask"), hint, finite=False)
    if problem:
        return problem
    if mask.isnan().any():
        return not_yet(_("your mask holds NaN."), hint)
    if torch.equal(mask, allowed.double()):
        return not_yet(_("this is mask.float(): 1 and 0 are added to the scores, so nothing is blocked."),
                       hint)  # fmt: skip
    # A very negative finite number blocks as -inf does (lesson 08: torch.finfo(...).min, -1e9)
    blocked = mask.isneginf() | (mask <= -1e4)
    if blocked.equal(allowed):
        return not_yet(_("-inf stands where words may attend: the mask is inverted."), hint)
    if not blocked.any() and (mask[~allowed] < 0).all() and close(mask[allowed], 0.0):
        return not_yet(_("{value:g} is not negative enough: e^({value:g}) is small but not 0, so the "
                         "later words keep some weight.", value=float(mask[~allowed].max())),
                       _("use -inf (or a number as negative as -1e9)."))  # fmt: skip
    if not blocked.equal(~allowed):
        return not_yet(_("-inf must stand exactly above the diagonal (the later words)."), hint)
    if not close(mask[allowed], 0.0):
        return not_yet(_("where a word may attend, add 0 (leave the score as it is)."), hint)
    if not mask[~allowed].isneginf().all():
        return correct(_("0 keeps a score, and a number as negative as {value:g} removes it as -inf "
                         "would: softmax gives the later words weight 0 (and a fully blocked row "
                         "stays finite, lesson 08).", value=float(mask[~allowed].max())))  # fmt: skip
    return correct(_("0 keeps a score, -inf removes it: softmax then gives the later words weight 0."))  # fmt: skip


def _lesson_mha() -> tuple[torch.Tensor, nn.MultiheadAttention]:
    """The lesson's ``x (1, 9, 8)`` and ``torch_mha``, built as its cells build them (seed 123,
    biases drawn with std 0.1), leaving the caller's random state alone."""
    _words, x, _module = course_example()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        mha = nn.MultiheadAttention(embed_dim=8, num_heads=4, batch_first=True)
        with torch.no_grad():
            mha.in_proj_bias.normal_(std=0.1)
            mha.out_proj.bias.normal_(std=0.1)
    return x, mha


@exercise_check(_("queries from x, keys and values from memory: torch_mha(x, memory, memory)."))
def check_cross_attention(answer: Any) -> Verdict:
    """Exercise 4 of 10_what_pytorch_does.ipynb: the 9 words attend to the 3-word memory
    x[:, 6:] through torch_mha; the output (1, 9, 8), within 1e-4."""
    hint = _("nn.MultiheadAttention takes (query, key, value): the words that ask come first, "
             "the memory they read from second and third.")  # fmt: skip
    x, mha = _lesson_mha()
    memory = x[:, 6:]  # (1, 3, 8): 'a', 'lazy', 'dog'
    with torch.no_grad():
        expected = mha(x, memory, memory)[0]  # (1, 9, 8); its weights are (1, 9, 3)
        itself = mha(x, x, x)[0]  # (1, 9, 8): self-attention
        swapped = mha(memory, x, x)[0]  # (1, 3, 8): the memory asks
    shape = shape_of(answer)
    if shape == tuple(swapped.shape):
        return not_yet(_("yours is (1, 3, 8): the memory asked and the sentence answered."),
                       _("put x first: torch_mha(x, memory, memory)."))  # fmt: skip
    if shape in ((1, 9, 3), (1, 4, 9, 3)):
        return not_yet(_("these are the attention weights; the output is the first of the two "
                         "things torch_mha returns."), hint)  # fmt: skip
    output, problem = read_tensor(answer, (1, 9, 8), _("the output of cross-attention"), hint)
    if problem:
        return problem
    done = _("each of the 9 words gets a mix of the 3 memory words' values: output (1, 9, 8), "
             "weights (1, 9, 3). This is cross-attention, how a translation model's decoder "
             "reads the encoded source sentence.")  # fmt: skip
    if verdict := judge(output, expected, done, hint):
        return verdict
    return mistake(output, [
        (itself, _("that is self-attention over all 9 words: the keys and values must come "
                   "from memory."), hint),
    ]) or not_yet(_("this is not torch_mha's output for x attending to memory."), hint)  # fmt: skip
