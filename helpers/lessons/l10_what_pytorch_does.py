"""Lesson 10, what PyTorch does: its picture, its mask explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.multihead`` (``MultiHeadAttention`` and its
``load_from_torch``) and ``helpers.masks``; the reference is PyTorch's own
``nn.MultiheadAttention``.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from helpers._validate import describe
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import MultiHeadAttention, course_example
from helpers.ui.answers import Verdict, close, correct, exercise_check, not_yet, read_tensor
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import ORANGE, Heatmap, Row
from helpers.ui.strings import translator

_ = translator(__name__)

# ---- picture ---------------------------------------------------------------------------


def in_proj_figure(in_proj_weight: Any, d_model: int) -> Figure:
    """``nn.MultiheadAttention``'s stacked ``in_proj_weight (3 d_model, d_model)``, its blocks named.

    Rows ``[0, d)``, ``[d, 2d)`` and ``[2d, 3d)`` are the query, key and value weights in
    ``nn.Linear``'s ``(out, in)`` layout; an orange line separates the blocks. Signed
    values, PuOr colours centred on 0. Introduced in 10_what_pytorch_does.ipynb ("Picture").

    Raises:
        TypeError: ``in_proj_weight`` is not a 2-D tensor of numbers, or ``d_model`` not
            a positive int.
        ValueError: its shape is not ``(3 * d_model, d_model)``.
    """
    import numpy as np

    values = (
        in_proj_weight.detach().numpy()
        if hasattr(in_proj_weight, "detach")
        else np.asarray(in_proj_weight)
    )
    if values.ndim != 2 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(
            f"in_proj_weight must be a 2-D tensor of numbers; got {describe(in_proj_weight)}."
        )
    if isinstance(d_model, bool) or not isinstance(d_model, int) or d_model <= 0:
        raise TypeError(f"d_model must be a positive int; got {describe(d_model)}.")
    if values.shape != (3 * d_model, d_model):
        raise ValueError(
            f"in_proj_weight must have shape (3 * d_model, d_model) = ({3 * d_model}, {d_model}); "
            f"got {values.shape}."
        )
    picture = Heatmap(
        values.tolist(),  # (3 d_model, d_model)
        description=_("in_proj_weight, {rows} rows by {d} columns", rows=3 * d_model, d=d_model),
        rows=[str(i) for i in range(3 * d_model)],
        columns=[_("in {j}", j=j) for j in range(d_model)],
        title=_("in_proj_weight: three nn.Linear weights stacked"),
        row_title=_("row of in_proj_weight (output feature)"),
        number_format=".2f",
        palette="diverging",
    )
    fig = Figure(figsize=(5.8, 6.6))
    ax = fig.add_subplot()
    picture.draw(ax)
    for block, name in enumerate((_("query"), _("key"), _("value"))):
        first, last = block * d_model, (block + 1) * d_model - 1
        if block:
            ax.axhline(first, color=ORANGE, linewidth=2.5)
        label = _("{name}\nrows {first}-{last}", name=name, first=first, last=last)
        ax.text(d_model + 0.3, first + d_model / 2, label, va="center", fontsize=9)
    fig.tight_layout()
    return fig


# ---- explorer --------------------------------------------------------------------------

MASK_KINDS = ("none", "causal", "padding")
"""The mask explorer's masks: none, the causal mask, or the last 3 of 9 words as padding."""

MASK_PASSING = ("converted", "unchanged", "float -inf", "float 0/1")
"""How the mask explorer hands the course's mask (True = may attend) to nn.MultiheadAttention."""

PASSING_LABELS = {
    "converted": _("~mask (True = blocked, what it expects)"),
    "unchanged": _("mask unchanged (True = may attend)"),
    "float -inf": _("float: 0 where allowed, -inf where blocked"),
    "float 0/1": _("float: mask.float() (1 and 0)"),
}

PADDED_LENGTH = 6
"""In the padding example the first 6 of the 9 words are real, the last 3 padding."""


def torch_mask(mask: torch.Tensor, passing: str) -> torch.Tensor:
    """The course mask (bool, True = may attend) as ``passing`` hands it to ``nn.MultiheadAttention``.

    ``"converted"``: ``~mask``, True = blocked (right); ``"unchanged"``: the classic mistake;
    ``"float -inf"``: 0 where allowed, ``-inf`` where blocked (right); ``"float 0/1"``:
    ``mask.float()``, added to the scores, so it blocks nothing (wrong). Float masks are
    float64, like the explorer's modules. Introduced in 10_what_pytorch_does.ipynb ("Explore").
    """
    additive = torch.zeros(mask.shape, dtype=torch.float64).masked_fill(~mask, float("-inf"))
    passed = {"converted": ~mask, "unchanged": mask, "float -inf": additive, "float 0/1": mask.double()}  # fmt: skip
    return passed[passing]


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
    """The course module with a ``kind`` mask against ``nn.MultiheadAttention`` given it as ``passing``.

    Both modules hold the weights ``nn.MultiheadAttention(8, 4, batch_first=True)`` gets
    right after ``torch.manual_seed(123)``. PyTorch gets the mask as ``attn_mask (9, 9)``
    (causal) or ``key_padding_mask (1, 9)`` (padding). Returns the words, both modules'
    head-0 weights ``(9, 9)`` (PyTorch's with NaN as 0, and as they are), the keys PyTorch
    blocks for query 'fox', the largest difference of the outputs (``nan`` if PyTorch's
    holds NaN) and the queries whose output is NaN. Introduced in 10_what_pytorch_does.ipynb.
    """
    words, x, reference, ours = _modules()
    n = len(words)
    mask, passed, arguments = None, None, {}
    if kind == "causal":
        mask = causal_mask(n)  # (9, 9)
        passed = torch_mask(mask, passing)
        arguments = {"attn_mask": passed}
    elif kind == "padding":
        mask = padding_mask([PADDED_LENGTH], n)  # (1, 1, 9)
        passed = torch_mask(mask[:, 0], passing)  # (1, 9)
        arguments = {"key_padding_mask": passed}
    with torch.no_grad():
        expected, expected_weights = ours.attend(x, mask)  # (1, 9, 8), (1, 4, 9, 9)
        output, weights = reference(x, x, x, average_attn_weights=False, **arguments)
    blocked = []
    if passed is not None:
        row = passed[0] if kind == "padding" else passed[3]  # what query 'fox' may not see
        is_blocked = row if row.dtype == torch.bool else torch.isneginf(row)
        blocked = [word for word, out in zip(words, is_blocked.tolist(), strict=True) if out]
    nan_queries = [words[i] for i in range(n) if bool(output[0, i].isnan().any())]
    return {
        "words": words,
        "course_weights": expected_weights[0, 0],
        "torch_weights": torch.nan_to_num(weights[0, 0], nan=0.0),
        "torch_weights_with_nan": weights[0, 0],
        "blocked": blocked,
        "difference": float("nan") if nan_queries else float((output - expected).abs().max()),
        "nan_queries": nan_queries,
    }


def _describe_comparison(kind: str, passing: str, result: dict[str, Any]) -> str:
    """The mask explorer's text: what PyTorch blocks, and whether the outputs agree."""
    kinds = {
        "none": _("no mask"),
        "causal": _("causal mask, as attn_mask (9, 9)"),
        "padding": _("padding mask (last {count} words are padding), as key_padding_mask (1, 9)",
                     count=9 - PADDED_LENGTH),
    }  # fmt: skip
    lines = [_("mask: {kind}", kind=kinds[kind])]
    if kind == "none":
        lines.append(_("passed as: nothing (the convention does not matter without a mask)"))
    else:
        words = result["words"]
        should = words[4:] if kind == "causal" else words[PADDED_LENGTH:]  # after 'fox' / padding
        shown = ", ".join(result["blocked"]) or _("nothing")
        lines += [
            _("passed as: {label}", label=PASSING_LABELS[passing]),
            _("nn.MultiheadAttention blocks for query 'fox': {words}", words=shown),
            f"{_('the course mask blocks for it:'):<46}{', '.join(should)}",
        ]
    if result["nan_queries"]:
        lines.append(
            _("result: NaN for query {queries}: every key blocked (shown as 0 in the picture)",
              queries=", ".join(map(repr, result["nan_queries"])))
        )  # fmt: skip
    elif result["difference"] < 1e-6:
        lines.append(_("result: same output as the course module (max |difference| < 1e-6)"))
    else:
        lines.append(
            _("result: WRONG, max |difference| from the course module = {difference:.2f}",
              difference=result["difference"])
        )  # fmt: skip
    return "\n".join(lines)


def render_mask(kind: str, passing: str) -> View:
    """What the mask explorer shows: the comparison's text, and head 0's weights from both."""
    result = compare_with_torch(kind, passing)
    words = result["words"]
    mask = _("no mask") if kind == "none" else _("the {kind} mask", kind=kind)
    passed = "" if kind == "none" else _(" passed as {label}", label=PASSING_LABELS[passing])
    nan = _(" (NaN rows shown as 0)") if result["nan_queries"] else ""
    common = {"rows": words, "columns": [w[:3] for w in words], "low": 0.0, "high": 1.0,
              "cell": (18, 15)}  # fmt: skip
    course = Heatmap(
        result["course_weights"].tolist(),
        title=_("course module (True = may attend), head 0"),
        description=_("Head 0's attention weights, 9 by 9, from the course module with {mask}.",
                      mask=mask),
        **common,
    )  # fmt: skip
    reference = Heatmap(
        result["torch_weights"].tolist(),
        title=_("nn.MultiheadAttention, as passed, head 0"),
        description=_("Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with "
                      "{mask}{passed}{nan}.", mask=mask, passed=passed, nan=nan),
        **common,
    )  # fmt: skip
    return View(_describe_comparison(kind, passing, result), Row((course, reference)))


def pytorch_mask_explorer() -> Explorer:
    """Choose a mask and how to hand it to ``nn.MultiheadAttention``; see if it agrees with ours.

    Introduced in 10_what_pytorch_does.ipynb ("Explore").
    """
    kinds = [
        (_("none"), "none"),
        (_("causal (no looking ahead)"), "causal"),
        (_("padding (last 3 words)"), "padding"),
    ]
    passings = [(PASSING_LABELS[p], p) for p in MASK_PASSING]
    passing = dropdown("mask-passing", _("Hand it to nn.MultiheadAttention as:"), passings,
                       "unchanged")  # fmt: skip
    passing.layout.width = "560px"
    return explore(
        render_mask,
        kind=dropdown("mask-kind", _("Mask:"), kinds, "causal"),
        passing=passing,
        height="200px",
        fallback=_(
            "[PyTorch mask explorer: choose a mask and how to pass it to nn.MultiheadAttention. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )


# ---- exercises -------------------------------------------------------------------------


def _rows(answer: Any) -> tuple[int, int] | None:
    """``answer`` as (start, stop) if it is a slice, a range or a pair of ints, else ``None``."""
    if isinstance(answer, slice) and answer.step in (None, 1):
        start, stop = answer.start or 0, answer.stop
    elif isinstance(answer, range) and answer.step == 1:
        start, stop = answer.start, answer.stop
    elif isinstance(answer, (tuple, list)) and len(answer) == 2:
        start, stop = answer
    else:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop)):
        return None
    return start, stop


# precision: exact rows (a slice, a range or a pair of ints)
@exercise_check(_("the stack is query, key, value, each d_model = 8 rows."))
def check_key_rows(answer: Any) -> Verdict:
    """Exercise 1 of 10_what_pytorch_does.ipynb: the rows of ``in_proj_weight`` holding W_K."""
    hint = _("rows 0-7 are the query weight, then come 8 rows of key weight, then 8 of value.")
    rows = _rows(answer)
    if rows is None:
        return not_yet(
            _("give the rows as a slice, e.g. slice(0, 8); you gave {answer}.",
              answer=describe(answer)),
            hint,
        )  # fmt: skip
    if rows == (8, 16):
        return correct(
            _(
                "in_proj_weight[8:16] is the key weight in nn.Linear's (out, in) layout, "
                "so W_K = in_proj_weight[8:16].T."
            )
        )
    names = {(0, 8): _("the query weight (W_Q)"), (16, 24): _("the value weight (W_V)")}
    if rows in names:
        return not_yet(
            _("rows {first} to {last} hold {name}.", first=rows[0], last=rows[1] - 1,
              name=names[rows]),
            hint,
        )  # fmt: skip
    if rows == (8, 15):
        return not_yet(_("a slice's stop is excluded: slice(8, 15) stops at row 14."), hint)
    return not_yet(
        _("rows {first} up to {stop} are not one block of 8 rows of the stack.",
          first=rows[0], stop=rows[1]),
        hint,
    )  # fmt: skip


# precision: exact (a boolean mask)
@exercise_check(
    _(
        "padding_mask(lengths) is (batch, 1, n) with True = real word; MHA wants (batch, n), "
        "True = padding."
    )
)
def check_key_padding_mask(answer: Any) -> Verdict:
    """Exercise 2 of 10_what_pytorch_does.ipynb: the key_padding_mask for lengths [9, 5]."""
    hint = _(
        "~padding_mask([9, 5])[:, 0] (or .squeeze(1)): drop the middle dimension, then invert."
    )
    expected = ~padding_mask([9, 5])[:, 0]  # (2, 9), True = padding
    if not isinstance(answer, torch.Tensor):
        return not_yet(
            _("a mask is a boolean tensor; you gave {answer}.", answer=describe(answer)), hint
        )
    if answer.dtype != torch.bool:
        return not_yet(
            _("your mask has dtype {dtype}; use a boolean mask here (a float one would be "
              "added to the scores).", dtype=answer.dtype),
            hint,
        )  # fmt: skip
    if tuple(answer.shape) == (2, 1, 9):
        return not_yet(
            _(
                "key_padding_mask has one row per sentence, shape (batch, n) = (2, 9); "
                "yours is (2, 1, 9), the course's shape."
            ),
            _("drop the middle dimension with [:, 0] or .squeeze(1)."),
        )
    if tuple(answer.shape) != (2, 9):
        return not_yet(
            _("key_padding_mask has shape (2, 9); yours is {shape}.", shape=tuple(answer.shape)),
            hint,
        )
    if torch.equal(answer, ~expected):
        return not_yet(
            _("True and False are swapped: nn.MultiheadAttention reads True as 'ignore this key'."),
            _("invert the course mask with ~."),
        )
    if not torch.equal(answer, expected):
        return not_yet(
            _("this does not mark the last 4 words of sentence 2 (and nothing else)."), hint
        )
    return correct(
        _("True marks the 4 padding words of the second sentence: PyTorch ignores those keys.")
    )


# precision: -inf exactly where a word may not attend, 0 within 1e-4 where it may
@exercise_check(_("start from zeros and put -inf where the course mask is False."))
def check_additive_causal_mask(answer: Any) -> Verdict:
    """Exercise 3 of 10_what_pytorch_does.ipynb: the causal mask as an additive float mask."""
    hint = _("torch.zeros(9, 9).masked_fill(~causal_mask(9), float('-inf')).")
    allowed = causal_mask(9)  # (9, 9), True = may attend
    if isinstance(answer, torch.Tensor) and not answer.is_floating_point():
        return not_yet(
            _("your mask has dtype {dtype}; an additive mask holds floats (0 and -inf).",
              dtype=answer.dtype),
            hint,
        )  # fmt: skip
    mask, problem = read_tensor(answer, (9, 9), _("the additive causal mask"), hint, finite=False)
    if problem:
        return problem
    if mask.isnan().any():
        return not_yet(_("your mask holds NaN."), hint)
    if torch.equal(mask, allowed.double()):
        return not_yet(
            _("this is mask.float(): 1 and 0 are added to the scores, so nothing is blocked."),
            hint,
        )
    if mask.isneginf().equal(allowed):
        return not_yet(_("-inf stands where words may attend: the mask is inverted."), hint)
    if not mask.isneginf().equal(~allowed):
        return not_yet(_("-inf must stand exactly above the diagonal (the later words)."), hint)
    if not close(mask[allowed], torch.zeros(int(allowed.sum()))):
        return not_yet(_("where a word may attend, add 0 (leave the score as it is)."), hint)
    return correct(
        _("0 keeps a score, -inf removes it: softmax then gives the later words weight 0.")
    )
