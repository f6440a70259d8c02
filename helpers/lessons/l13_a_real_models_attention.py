"""Lesson 13, a real model's attention: its picture, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths (all-MiniLM-L6-v2 loaded offline, one head recomputed
with the course's own code) is ``helpers.real_model``; importing this module does not
load the model, the first function that needs it does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from helpers import real_model
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
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import Heatmap, colour_map
from helpers.ui.strings import translator

_ = translator(__name__)

# ---- picture ---------------------------------------------------------------------------


def attention_grid_figure(
    attentions: torch.Tensor, tokens: Sequence[str], title: str = ""
) -> Figure:
    """Every head of every layer as a small heatmap: a grid of layers (rows) × heads (columns).

    ``attentions`` is one sentence's ``(layers, heads, n, n)`` weights (from a model run with
    ``output_attentions=True``), rows of each map = queries, columns = keys, one colour
    scale from 0 to 1 for all. ``tokens`` label the queries down the left column and the
    keys along the bottom row. Introduced in 13_a_real_models_attention.ipynb ("Picture").
    """
    values = _require_grid(attentions, tokens)  # (layers, heads, n, n)
    layers, heads = values.shape[:2]
    fig = Figure(figsize=(1.05 * heads + 1.2, 1.05 * layers + 1.3))
    grid = fig.add_gridspec(layers, heads, left=0.075, right=0.94, bottom=0.085, top=0.93,
                            wspace=0.08, hspace=0.08)  # fmt: skip
    ticks = [i + 0.5 for i in range(len(tokens))]  # seaborn centres cell i on i + 0.5
    for layer in range(layers):
        for head in range(heads):
            ax = fig.add_subplot(grid[layer, head])
            Heatmap(
                values[layer, head].tolist(),
                description="",
                title=_("head {head}", head=head) if layer == 0 else "",
                row_title=_("layer {layer}", layer=layer) if head == 0 else "",
                low=0.0,
                high=1.0,
            ).draw(ax)
            # Tokens label the outer maps only, set here: 72 maps asking seaborn whether
            # their labels overlap would take seconds.
            if head == 0:
                ax.set_yticks(ticks, list(tokens), fontsize=4.5)
            if layer == layers - 1:
                ax.set_xticks(ticks, list(tokens), fontsize=4.5, rotation=90)
            ax.tick_params(length=0, pad=1)
            ax.title.set_fontsize(8)
            ax.yaxis.label.set_fontsize(8)
    scale = ScalarMappable(Normalize(0.0, 1.0), colour_map("cividis"))
    fig.colorbar(scale, cax=fig.add_axes((0.955, 0.3, 0.01, 0.4)), label=_("attention weight"))
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


# ---- explorer --------------------------------------------------------------------------


def render_real_head(layer: int, head: int) -> View:
    """What the real model explorer shows for one head of all-MiniLM-L6-v2 on the course sentence.

    The text lists the key each query token gives the most weight, then the mean weight
    on ``[CLS]``, on ``[SEP]``, on the token itself, on the previous and on the next token;
    the picture is the head's weights. Introduced in 13_a_real_models_attention.ipynb
    ("Explore").
    """
    run = real_model.run_model()
    tokens, weights = run.tokens, run.attentions[layer, head]  # n tokens, (n, n)
    strongest = real_model.strongest_keys(weights, tokens)
    pairs = [f"{q}→{k} {w:.2f}" for q, k, w in strongest]
    lines = [
        _("layer {layer}, head {head} of {model} (rows = queries, columns = keys)",
          layer=layer, head=head, model=real_model.MODEL_NAME),
        _("each token's strongest key and its weight:"),
    ]  # fmt: skip
    lines += ["  " + "   ".join(pairs[k : k + 4]) for k in range(0, len(pairs), 4)]
    n = len(tokens)
    table = weights.tolist()  # (n, n), rows = queries
    means = {
        "[CLS]": sum(row[0] for row in table) / n,
        "[SEP]": sum(row[-1] for row in table) / n,
        _("itself"): sum(table[i][i] for i in range(n)) / n,
        _("the previous token"): sum(table[i][i - 1] for i in range(1, n)) / (n - 1),
        _("the next token"): sum(table[i][i + 1] for i in range(n - 1)) / (n - 1),
    }
    shown = [_("on {name} {value:.2f}", name=name, value=value) for name, value in means.items()]
    mean_weight = _("mean weight")
    lines.append(f"{mean_weight} " + ", ".join(shown[:3]) + ",")
    lines.append(" " * (len(mean_weight) + 1) + ", ".join(shown[3:]))
    picture = Heatmap(
        table,
        description=_(
            "Attention weights of layer {layer}, head {head} of {model} on the {n} tokens of "
            "the course sentence, rows = queries, columns = keys; strongest key of each "
            "query: {strongest}.",
            layer=layer,
            head=head,
            model=real_model.MODEL_NAME,
            n=n,
            strongest=", ".join(f"{q} {k} {w:.2f}" for q, k, w in strongest),
        ),
        rows=tokens,
        columns=[token.strip("[]")[:5] for token in tokens],
        title=_("layer {layer}, head {head}: rows = queries, columns = keys", layer=layer,
                head=head),
        number_format=".2f",
        low=0.0,
        high=1.0,
        cell=(30, 13),
        row_title=_("query token (row)"),
        column_title=_("key token (column)"),
    )  # fmt: skip
    return View("\n".join(lines), picture)


def real_model_explorer() -> Explorer:
    """Pick a layer and a head of a real trained model; see its attention on the course sentence.

    The model (all-MiniLM-L6-v2) runs once on the course sentence when the explorer is
    built (cached: the lesson has already run it); a control only picks a stored head.
    Introduced in 13_a_real_models_attention.ipynb ("Explore").
    """
    return explore(
        render_real_head,
        layer=dropdown("layer", _("Layer:"), [(str(i), i) for i in range(real_model.LAYERS)], 0),
        head=dropdown("head", _("Head:"), [(str(i), i) for i in range(real_model.HEADS)], 2),
        height="230px",
        fallback=_(
            "[Real model explorer: pick a layer and a head of all-MiniLM-L6-v2 to see its "
            "attention weights on the course sentence. It needs a live kernel (JupyterLab or "
            "Binder); the picture below shows its starting state.]"
        ),
    )


# ---- exercises ---------------------------------------------------------------------------

TOKEN_COUNT_SENTENCE = "Self-attention is unbelievably useful"
"""A sentence whose words the model's WordPiece tokenizer splits into pieces."""


# precision: exact (a count of tokens)
@exercise_check(_("tokenize it: helpers.real_model.tokenize(sentence) returns the tokens and ids."))
def check_token_count(answer: Any) -> Verdict:
    """Exercise 1 of 13_a_real_models_attention.ipynb: how many tokens the model sees."""
    hint = _("len(real_model.tokenize(sentence)[0]) counts them, [CLS] and [SEP] included.")
    value, problem = read_number(answer, _("the number of tokens"), hint)
    if problem:
        return problem
    tokens, _ids = real_model.tokenize(TOKEN_COUNT_SENTENCE)
    count = len(tokens)
    done = _("{count} tokens: {tokens}. Four words became {pieces} pieces, plus [CLS] and [SEP].",
             count=count, tokens=" ".join(tokens), pieces=count - 2)  # fmt: skip
    if verdict := judge(value, count, done, hint, tolerance=0):
        return verdict
    if value == len(TOKEN_COUNT_SENTENCE.split()):
        return not_yet(
            _("that is the number of words; the model's tokenizer splits words it does not know "
              "whole into pieces, and splits off punctuation such as '-'."),
            hint,
        )  # fmt: skip
    if value == count - 2:
        return not_yet(
            _("close: that counts the pieces of the words but not the two special tokens."),
            _("the tokenizer adds [CLS] at the start and [SEP] at the end."),
        )
    return not_yet(_("{value:g} is not the number of tokens the model sees.", value=value), hint)


def _layer_1_head_8(
    layer_input: int = 1, bias: bool = True, divisor: int = real_model.D_HEAD
) -> torch.Tensor:
    """Layer 1, head 8's weights for the course sentence, computed right or with one mistake."""
    h = real_model.run_model().hidden_states[layer_input]  # (n, 384)
    p = real_model.head_projections(1, 8)
    q, k = h @ p["W_q"].T, h @ p["W_k"].T  # (n, 32) each
    if bias:
        q, k = q + p["b_q"], k + p["b_k"]
    return torch.softmax(q @ k.T / math.sqrt(divisor), dim=-1)  # (n, n)


# precision: within 1e-4 (the default; the course's recomputation is within 1e-5)
@exercise_check(
    _("the input of layer 1 is run.hidden_states[1]; head 8 owns the rows 256 to 287 of each "
      "projection.")
)  # fmt: skip
def check_next_token_head(answer: Any) -> Verdict:
    """Exercise 2 of 13_a_real_models_attention.ipynb: recompute layer 1, head 8's weights."""
    hint = _("q = h @ W_q.T + b_q with h = run.hidden_states[1] and head_projections(1, 8); "
             "softmax(q @ k.T / sqrt(32)).")  # fmt: skip
    run = real_model.run_model()
    n = len(run.tokens)
    weights, problem = read_tensor(
        answer, (n, n), _("the table of weights of layer 1, head 8"), hint
    )
    if problem:
        return problem
    expected = run.attentions[1, 8]  # (n, n)
    pairs = real_model.strongest_keys(expected, run.tokens)
    done = _("your weights equal the model's to 4 decimals. Most tokens look at the NEXT token "
             "(e.g. '{query}' → '{key}' {weight:.2f}): a 'next token' head.",
             query=pairs[2][0], key=pairs[2][1], weight=pairs[2][2])  # fmt: skip
    if verdict := judge(weights, expected, done, hint):
        return verdict
    if close(weights, expected.T):
        return not_yet(_("your matrix is transposed: rows must be queries, columns keys."), hint)
    if close(weights, _layer_1_head_8(layer_input=0)):
        return not_yet(
            _("you fed layer 1 the embeddings (hidden_states[0]), the input of layer 0."),
            _("layer 1's input is layer 0's output: run.hidden_states[1]."),
        )
    if close(weights, _layer_1_head_8(bias=False)):
        return not_yet(_("the biases are missing: BERT's projections add b_q and b_k."), hint)
    if close(weights, _layer_1_head_8(divisor=real_model.D_MODEL)):
        return not_yet(
            _("you divided the scores by sqrt(384) = sqrt(d_model); each head divides by "
              "sqrt(d_head) = sqrt(32)."),
            hint,
        )  # fmt: skip
    others = [run.attentions[layer, 8] for layer in range(real_model.LAYERS)]
    others += [run.attentions[1, head] for head in range(real_model.HEADS)]
    if any(close(weights, other) for other in others):
        return not_yet(_("these are the weights of another layer or head."), hint)
    return not_yet(_("these are not the weights of layer 1, head 8."), hint)


# precision: exact (a count of learnable numbers)
@exercise_check(_("each projection is nn.Linear(384, 384): a 384 × 384 weight and 384 biases."))
def check_qkv_parameter_count(answer: Any) -> Verdict:
    """Exercise 3 of 13_a_real_models_attention.ipynb: learnable numbers in one layer's Q, K, V."""
    hint = _("3 projections × (384 × 384 weights + 384 biases).")
    value, problem = read_number(answer, _("the number of learnable numbers"), hint)
    if problem:
        return problem
    d = real_model.D_MODEL
    expected = 3 * (d * d + d)
    done = _("{count:,} numbers for the query, key and value of one layer, shared by its 12 "
             "heads (each head uses 32 of the 384 rows); the course's SelfAttention(3, 2, 2, 4) "
             "had 24.", count=expected)  # fmt: skip
    if verdict := judge(value, expected, done, hint, tolerance=0):
        return verdict
    if value == 3 * d * d:
        return not_yet(_("you counted the weights but not the biases."), hint)
    if value in (d * d + d, d * d):
        return not_yet(_("that is one projection; a layer has three: query, key and value."), hint)
    if value == expected // 12:
        return not_yet(
            _("that is one head's share; the 12 heads of a layer split its projections."), hint
        )
    if value == 6 * expected:
        return not_yet(_("that is all six layers; the question asks for one layer."), hint)
    return not_yet(
        _("{value:g} is not the number of learnable numbers in one layer's Q, K, V.", value=value),
        hint,
    )


# ---- input checks: the figure above takes the lesson's own tensors -----------------------


def _require_grid(attentions: Any, tokens: Any) -> Any:
    """``attentions`` as a NumPy array if it is ``(layers, heads, n, n)`` for the ``n`` ``tokens``."""
    import numpy as np

    values = (
        attentions.detach().numpy() if hasattr(attentions, "detach") else np.asarray(attentions)
    )
    if values.ndim != 4 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(
            _("attentions must be a (layers, heads, n, n) tensor of numbers; got {got}.",
              got=describe(attentions))
        )  # fmt: skip
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(_("tokens must be a list of strings; got {got}.", got=describe(tokens)))
    n, m = values.shape[2:]
    if n != m or len(tokens) != n:
        raise ValueError(
            _("tokens must label the {n} queries and {m} keys of attentions (layers, heads, n, n); "
              "got attentions of shape {shape} and {count} tokens.",
              n=n, m=m, shape=values.shape, count=len(tokens))
        )  # fmt: skip
    return values
