"""Lesson 09, multi-head attention: its picture, its explorer and its checks (helpers.multihead)."""

from __future__ import annotations

import functools
import math
from typing import Any

import torch
from matplotlib.figure import Figure

from helpers._validate import require_weights
from helpers.masks import causal_mask
from helpers.multihead import D_MODEL, NUM_HEADS, course_example, split_heads
from helpers.ui.answers import (
    Verdict,
    close,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_number,
    read_tensor,
    shape_of,
)
from helpers.ui.explore import Explorer, View, checkbox, dropdown, explore
from helpers.ui.pictures import Heatmap
from helpers.ui.strings import translator

_ = translator(__name__)

AVERAGE = -1
"""The head explorer's choice "average of the heads" (what nn.MultiheadAttention returns by default)."""


def heads_figure(weights: torch.Tensor, words: list[str], title: str = "") -> Figure:
    """One sentence's ``(heads, n, n)`` weights, one heatmap per head in rows of two, on one scale.

    Introduced in 09_multi_head_attention.ipynb ("Picture").
    """
    require_weights("weights", weights, words, heads=True)
    values = weights.detach()  # (heads, n, n)
    heads, high = len(values), float(values.max())
    columns = min(heads, 2)
    rows = -(-heads // columns)
    fig = Figure(figsize=(4.6 * columns, 0.9 + 3.9 * rows))
    for head, matrix in enumerate(values.tolist()):
        Heatmap(matrix, _("Attention weights of head {head}.", head=head), rows=list(words),
                columns=list(words), title=_("head {head}", head=head), number_format=".2f",
                low=0.0, high=high, row_title=_("query (row)") if head % columns == 0 else "",
                column_title=_("key (column)") if head >= heads - columns else "",
                ).draw(fig.add_subplot(rows, columns, head + 1))  # fmt: skip
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


@functools.cache
def course_head_weights(causal: bool = False) -> tuple[list[str], torch.Tensor]:
    """The words and every head's weights ``(heads, 9, 9)`` of lesson 09's module, in float64
    (the same decimals on every CPU). Introduced in 09_multi_head_attention.ipynb ("Explore")."""
    words, x, module = course_example()
    with torch.no_grad():
        mask = causal_mask(len(words)) if causal else None
        _output, weights = module.double().attend(x.double(), mask)  # (1, heads, 9, 9)
    return words, weights[0]


def render_heads(head: int, causal: bool) -> View:
    """What the head explorer shows: one head's (or the average's) weights, each query's top key."""
    words, weights = course_head_weights(causal)
    heads = len(weights)
    if head == AVERAGE:
        chosen = weights.mean(0)  # (9, 9)
        name = _("average of the {heads} heads", heads=heads)
        picture_name = _("the average of the {heads} heads", heads=heads)
    else:
        chosen = weights[head]
        name = _("head {head} of {heads}", head=head, heads=heads)
        picture_name = _("head {head}", head=head)
    if causal:
        mask = _("causal mask: uniform would be 1/(i + 1) for query i")
    else:
        mask = _("no mask: uniform would be 1/9 = 0.111")
    lines = [_("{name} (d_head = {d_head}), {mask}", name=name, d_head=D_MODEL // heads, mask=mask),
             f"{_('query'):<10} {_('strongest key'):<15} {_('weight')}"]  # fmt: skip
    for word, row in zip(words, chosen, strict=True):
        top = int(row.argmax())
        lines.append(f"{word:<10} {words[top]:<15} {row[top].item():.3f}")
    high = max(float(chosen.max()), 1e-6)
    picture = Heatmap(
        chosen.tolist(),
        _("Attention weights of {name}, 9 queries (rows) by 9 keys (columns), from 0 to "
          "{high:.2f}.", name=picture_name, high=high),
        rows=words, columns=[word[:5] for word in words],
        title=_("{name}: rows = queries, columns = keys", name=picture_name), number_format=".2f",
        low=0.0, high=high, cell=(34, 15), row_title=_("query (row)"),
        column_title=_("key (column)"),
    )  # fmt: skip
    return View("\n".join(lines), picture)


def head_explorer() -> Explorer:
    """Pick one of the ``MultiHeadAttention(8, 4)``'s heads (or their average) and a mask; see its
    weights and each query's top key. Introduced in 09_multi_head_attention.ipynb ("Explore")."""
    heads = [(_("head {head}", head=h), h) for h in range(NUM_HEADS)]
    average = (_("average of the {heads} heads", heads=NUM_HEADS), AVERAGE)
    return explore(
        render_heads,
        height="200px",  # a 9 × 9 heatmap with numbers, labels and a title
        head=dropdown("head", _("Head:"), [*heads, average], 0),
        causal=checkbox("causal", _("Causal mask (each word sees only itself and earlier words)"),
                        False),
        fallback=_("[Head explorer: pick a head to see its attention weights. It needs a live kernel "
                   "(JupyterLab or Binder); the picture below shows its starting state.]"),
    )  # fmt: skip


@functools.cache
def inline_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """Lesson 09's ``Q (1, 9, 8)`` and ``heads (1, 4, 9, 2)``, as its inline cells compute them."""
    _words, x, module = course_example()
    with torch.no_grad():
        query, key, value = (split_heads(layer(x), NUM_HEADS)
                             for layer in (module.query, module.key, module.value))  # fmt: skip
        weights = torch.softmax(query @ key.transpose(-2, -1) / math.sqrt(2), dim=-1)
        return module.query(x), weights @ value  # (1, 9, 8), (1, 4, 9, 2)


@exercise_check(_("view Q as (1, 9, 4, 2), then transpose(1, 2)."))
def check_split_query_heads(answer: Any) -> Verdict:
    """Exercise 1 of 09_multi_head_attention.ipynb: ``Q (1, 9, 8)`` split into 4 heads."""
    hint = _("view Q as (batch, n, heads, d_head) = (1, 9, 4, 2), then transpose(1, 2).")
    query, _heads = inline_tensors()
    tensor, problem = read_tensor(answer, (1, 4, 9, 2), _("Q split into 4 heads"), hint)
    if problem and shape_of(answer) == (1, 9, 4, 2):
        return not_yet(_("you cut each word's features into 4 heads, but the heads are not in front "
                         "of the words yet: shape (1, 9, 4, 2)."),
                       _("finish with .transpose(1, 2) to get (1, 4, 9, 2)."))  # fmt: skip
    if problem:
        return problem
    done = _("head h holds features 2h and 2h+1 of every word: answer[0, h] == Q[0, :, 2*h:2*h+2].")
    if verdict := judge(tensor, query.view(1, 9, 4, 2).transpose(1, 2), done, hint):
        return verdict
    if close(tensor, query.view(1, 4, 9, 2)):
        return not_yet(_("right shape, but this is Q.view(1, 4, 9, 2): head 0's rows mix words ('The' "
                         "fills its first 4 rows) instead of one word per row."), hint)  # fmt: skip
    return not_yet(_("these are not Q's features, one word per row, 2 per head."), hint)


@exercise_check(_("transpose(1, 2) back to (1, 9, 4, 2), then reshape(1, 9, 8)."))
def check_merged_heads(answer: Any) -> Verdict:
    """Exercise 2 of 09_multi_head_attention.ipynb: ``heads (1, 4, 9, 2)`` merged to ``(1, 9, 8)``."""
    hint = _("per_head.transpose(1, 2).reshape(1, 9, 8): words first again, then heads side by "
             "side.")  # fmt: skip
    _query, heads = inline_tensors()
    tensor, problem = read_tensor(answer, (1, 9, 8), _("the merged heads"), hint)
    if problem:
        return problem
    done = _("row i holds word i's context vector from head 0, then head 1, 2 and 3.")
    if verdict := judge(tensor, heads.transpose(1, 2).reshape(1, 9, 8), done, hint):
        return verdict
    if close(tensor, heads.reshape(1, 9, 8)):
        return not_yet(_("right shape, but reshape without the transpose lays head 0's 9 rows along "
                         "the first words: row 0 now holds 'The' and 'quick' of head 0, not 'The' in "
                         "every head."), hint)  # fmt: skip
    return not_yet(_("these are not the heads' context vectors side by side."), hint)


@exercise_check(
    _("four nn.Linear(384, 384) layers, each with a weight (384, 384) and a bias (384,).")
)
def check_multihead_parameters(answer: Any) -> Verdict:
    """Exercise 3 of 09_multi_head_attention.ipynb: the parameters of ``MultiHeadAttention(384,
    12)``, one attention layer of lesson 13's model (exact)."""
    hint = _("query, key, value and out are each nn.Linear(384, 384): 384 * 384 weights + 384 "
             "biases; the heads are slices of their outputs.")  # fmt: skip
    count, problem = read_number(answer, _("a count of parameters"), hint)
    if problem:
        return problem
    d, h, d_head = 384, 12, 32
    layer = d * d + d  # one nn.Linear(384, 384): 147,840
    done = _("4 × (384 × 384 + 384) = 591,360, and the same with 1, 6 or 12 heads: splitting into "
             "heads adds no parameters, it only decides which features meet in each dot product. "
             "Lesson 13's model has six such layers.")  # fmt: skip
    if verdict := judge(count, 4 * layer, done, hint, tolerance=0):
        return verdict
    return mistake(count, [
        (layer, _("147,840 is one nn.Linear(384, 384); the module has four: query, key, value "
                  "and out."), None),
        (4 * d * d, _("589,824 counts the weights but not the biases (384 per layer)."), None),
        (3 * layer, _("443,520 forgets the output projection out (W_O)."), None),
        (h * 4 * layer, _("7,096,320 gives every head its own four 384 × 384 layers; the heads "
                          "share them, each using a slice of 32 of their outputs."), None),
        (h * 4 * (d_head * d_head + d_head), _("50,688 gives each head 32 × 32 weights; a head's "
                                               "slice of a projection still reads all 384 input "
                                               "features: 384 × 32."), None),
        (4 * (8 * 8 + 8), _("288 is the lesson's MultiHeadAttention(8, 4); this one has "
                            "d_model = 384."), None),
    ], hint, 0) or not_yet(_("{count:.12g} is not the number of parameters.", count=count), hint)  # fmt: skip
