"""Lesson 13, a real model's attention: its picture, explorer and checks (helpers.real_model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from helpers import real_model
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
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.figures import DPI
from helpers.ui.pictures import Heatmap, colour_map
from helpers.ui.strings import translator

_ = translator(__name__)

TOKEN_COUNT_SENTENCE = "Self-attention is unbelievably useful"  # WordPiece splits its words
"""The new sentence of exercises 1 (its tokens) and 3 (layer 1, head 8 on it)."""


# ---- picture ---------------------------------------------------------------------------
# The grid's layout in whole pixels at helpers.ui.figures.DPI (100): every edge falls on a whole
# pixel, never on a half pixel that NumPy's AVX-512 and AVX2 code could round apart (lesson 11's
# measured_cost_figure). 12 maps of 8-pixel columns fit a notebook (12 inches); rows are 11 pixels
# tall, so each query's token, 6.5 pt (at most 10.2 pixels high), fits beside its row. A key's
# token, rotated under its 8-pixel column, would not: the legend under the grid names the keys.
GRID_PIXELS = {"cell": (8, 11), "gap": (5, 8), "left": 66, "right": 23, "top": 62, "bottom": 78}
TOKEN_FONT_SIZE = 6.5  # points: the query tokens on the left column
LABEL_FONT_SIZE = 9  # points: "layer 0" ... on the left, "head 0" ... on top


def attention_grid_figure(
    attentions: torch.Tensor, tokens: Sequence[str], title: str = ""
) -> Figure:
    """Every head of every layer as a small heatmap, layers down, heads across, one scale 0 to 1;
    the query tokens label the rows on the left, a legend under the grid names the keys.
    Introduced in 13_a_real_models_attention.ipynb ("Picture")."""
    values = np.asarray(attentions.detach() if hasattr(attentions, "detach") else attentions)
    if values.ndim != 4 or not np.issubdtype(values.dtype, np.number):
        raise TypeError(_("attentions must be a (layers, heads, n, n) tensor of numbers; got {got}.",
                          got=describe(attentions)))  # fmt: skip
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(_("tokens must be a list of strings; got {got}.", got=describe(tokens)))
    layers, heads, n, m = values.shape
    if n != m or len(tokens) != n:
        raise ValueError(_("tokens must label the {n} queries and {m} keys of attentions (layers, "
                           "heads, n, n); got attentions of shape {shape} and {count} tokens.",
                           n=n, m=m, shape=values.shape, count=len(tokens)))  # fmt: skip
    fig, axes = _grid_axes(layers, heads, n)
    ticks = [i + 0.5 for i in range(n)]  # seaborn centres cell i on i + 0.5
    for (layer, head), ax in np.ndenumerate(axes):
        Heatmap(values[layer, head].tolist(), "", low=0.0, high=1.0,
                title=_("head {head}", head=head) if layer == 0 else "",
                row_title=_("layer {layer}", layer=layer) if head == 0 else "").draw(ax)  # fmt: skip
        if head == 0:  # only the left column names the queries (seaborn would take seconds on 72)
            ax.set_yticks(ticks, list(tokens), fontsize=TOKEN_FONT_SIZE)
        ax.tick_params(length=0, pad=2)
        ax.title.set_fontsize(LABEL_FONT_SIZE)
        ax.yaxis.label.set_fontsize(LABEL_FONT_SIZE)
    width, height = fig.bbox.width, fig.bbox.height  # pixels
    left, right = GRID_PIXELS["left"], width - GRID_PIXELS["right"]
    below = GRID_PIXELS["bottom"] - 10  # pixels from the figure's foot to just under the grid
    fig.text(left / width, below / height, _("In every map: rows = queries, named on the left; "
             "columns = keys, in the same order from left to right:\n{tokens}",
             tokens=" ".join(tokens)), ha="left", va="top", fontsize=LABEL_FONT_SIZE,
             linespacing=1.5)  # fmt: skip
    bar = fig.add_axes(((right - 264) / width, (below - 13) / height, 264 / width, 13 / height))
    scale = ScalarMappable(Normalize(0.0, 1.0), colour_map("cividis"))
    fig.colorbar(scale, cax=bar, orientation="horizontal", label=_("attention weight"))
    bar.tick_params(labelsize=8)
    fig.suptitle(title, fontsize=11, y=1 - 12 / height)
    return fig


def _grid_axes(layers: int, heads: int, n: int) -> tuple[Figure, np.ndarray]:
    """An empty figure of ``layers`` × ``heads`` maps of n × n cells laid out by GRID_PIXELS."""
    (cell_w, cell_h), (gap_w, gap_h) = GRID_PIXELS["cell"], GRID_PIXELS["gap"]
    map_w, map_h = cell_w * n, cell_h * n  # pixels
    width = GRID_PIXELS["left"] + heads * map_w + (heads - 1) * gap_w + GRID_PIXELS["right"]
    height = GRID_PIXELS["top"] + layers * map_h + (layers - 1) * gap_h + GRID_PIXELS["bottom"]
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes = fig.subplots(layers, heads, squeeze=False, gridspec_kw={
        "left": GRID_PIXELS["left"] / width, "right": 1 - GRID_PIXELS["right"] / width,
        "top": 1 - GRID_PIXELS["top"] / height, "bottom": GRID_PIXELS["bottom"] / height,
        "wspace": gap_w / map_w, "hspace": gap_h / map_h})  # fmt: skip
    return fig, axes


# ---- explorer --------------------------------------------------------------------------
def render_real_head(layer: int, head: int) -> View:
    """One head: each query's strongest key, and the mean weights on [CLS], [SEP], itself, the
    previous and next token. Introduced in 13_a_real_models_attention.ipynb ("Explore")."""
    run = real_model.run_model()
    tokens, weights = run.tokens, run.attentions[layer, head]  # n tokens, (n, n)
    strongest = real_model.strongest_keys(weights, tokens)
    pairs = [f"{q}→{k} {w:.2f}" for q, k, w in strongest]
    rows = ["  " + "   ".join(pairs[k : k + 4]) for k in range(0, len(pairs), 4)]  # 4 a line
    keys = [weights[:, 0], weights[:, -1], *(weights.diagonal(d) for d in (0, -1, 1))]
    cls, sep, itself, previous, following = (float(k.double().mean()) for k in keys)
    text = _("layer {layer}, head {head} of {model} (rows = queries, columns = keys)\n"
             "each token's strongest key and its weight:\n{rows}\n"
             "mean weight on [CLS] {cls:.2f}, on [SEP] {sep:.2f}, on itself {itself:.2f},\n"
             "            on the previous token {previous:.2f}, on the next token {next:.2f}",
             layer=layer, head=head, model=real_model.MODEL_NAME, rows="\n".join(rows), cls=cls,
             sep=sep, itself=itself, previous=previous, next=following)  # fmt: skip
    return View(text, Heatmap(
        weights.tolist(),
        _("Attention weights of layer {layer}, head {head} of {model} on the {n} tokens of the "
          "course sentence, rows = queries, columns = keys; strongest key of each query: {strongest}.",
          layer=layer, head=head, model=real_model.MODEL_NAME, n=len(tokens),
          strongest=", ".join(f"{q} {k} {w:.2f}" for q, k, w in strongest)),
        rows=tokens, columns=[t.strip("[]")[:5] for t in tokens],
        title=_("layer {layer}, head {head}: rows = queries, columns = keys", layer=layer, head=head),
        number_format=".2f", low=0.0, high=1.0, cell=(30, 13),
        row_title=_("query token (row)"), column_title=_("key token (column)"),
    ))  # fmt: skip


def real_model_explorer() -> Explorer:
    """Pick a layer and a head of all-MiniLM-L6-v2 (run once, cached); see its weights on the
    course sentence. Introduced in 13_a_real_models_attention.ipynb ("Explore")."""
    return explore(
        render_real_head, height="230px",
        layer=dropdown("layer", _("Layer:"), [(str(i), i) for i in range(real_model.LAYERS)], 0),
        head=dropdown("head", _("Head:"), [(str(i), i) for i in range(real_model.HEADS)], 2),
        fallback=_("[Real model explorer: pick a layer and a head of all-MiniLM-L6-v2 to see its "
                   "attention weights on the course sentence. It needs a live kernel (JupyterLab "
                   "or Binder); the picture below shows its starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: counts exact, weights within 1e-4) ----------------------------
@exercise_check(_("tokenize it: helpers.real_model.tokenize(sentence) returns the tokens and ids."))
def check_token_count(answer: Any) -> Verdict:
    """Exercise 1 of 13_a_real_models_attention.ipynb: how many tokens the model sees."""
    hint = _("len(real_model.tokenize(sentence)[0]) counts them, [CLS] and [SEP] included.")
    value, problem = read_number(answer, _("the number of tokens"), hint)
    if problem:
        return problem
    tokens = real_model.tokenize(TOKEN_COUNT_SENTENCE)[0]
    count = len(tokens)  # [CLS], the pieces of the words, [SEP]
    done = _("{count} tokens: {tokens}. Four words became {pieces} pieces, plus [CLS] and [SEP].",
             count=count, tokens=" ".join(tokens), pieces=count - 2)  # fmt: skip
    return judge(value, count, done, hint, tolerance=0) or mistake(value, [
        (len(TOKEN_COUNT_SENTENCE.split()), _("that is the number of words; the model's tokenizer "
         "splits words it does not know whole into pieces, and splits off punctuation such as '-'."), None),
        (count - 2, _("close: that counts the pieces of the words but not the two special tokens."),
         _("the tokenizer adds [CLS] at the start and [SEP] at the end.")),
    ], hint, 0) or not_yet(_("{value:g} is not the number of tokens the model sees.", value=value), hint)  # fmt: skip


@exercise_check(_("the input of layer 1 is run.hidden_states[1]; head 8 owns the rows 256 to 287 "
                  "of each projection."))  # fmt: skip
def check_next_token_head(answer: Any) -> Verdict:
    """Exercise 2 of 13_a_real_models_attention.ipynb: recompute layer 1, head 8's weights."""
    hint = _("q = h @ W_q.T + b_q with h = run.hidden_states[1] and head_projections(1, 8); "
             "softmax(q @ k.T / sqrt(32)).")  # fmt: skip
    run = real_model.run_model()
    what, n = _("the table of weights of layer 1, head 8"), len(run.tokens)
    weights, problem = read_tensor(answer, (n, n), what, hint)
    if problem:
        return problem
    expected = run.attentions[1, 8]  # (n, n)
    query, key, weight = real_model.strongest_keys(expected, run.tokens)[2]
    done = _("your weights equal the model's to 4 decimals. Most tokens look at the NEXT token "
             "(e.g. '{query}' → '{key}' {weight:.2f}): a 'next token' head.",
             query=query, key=key, weight=weight)  # fmt: skip
    if verdict := judge(weights, expected, done, hint):
        return verdict
    h, p = run.hidden_states[1], real_model.head_projections(1, 8)  # (n, 384), head 8's rows
    q, k = h @ p["W_q"].T, h @ p["W_k"].T + p["b_k"]  # (n, 32) each; q before its bias
    scores = (q + p["b_q"]) @ k.T  # (n, n), not yet scaled
    another = _("these are the weights of another layer or head.")
    return mistake(weights, [
        (expected.T, _("your matrix is transposed: rows must be queries, columns keys."), None),
        (real_model.recompute_head(run.hidden_states[0], 1, 8)[1],
         _("you fed layer 1 the embeddings (hidden_states[0]), the input of layer 0."),
         _("layer 1's input is layer 0's output: run.hidden_states[1].")),
        # Without b_q (with or without b_k: b_k adds q·b_k to a whole row, which softmax ignores)
        (torch.softmax(q @ k.T / real_model.D_HEAD**0.5, dim=-1),
         _("b_q is missing: BERT's query projection adds a bias. (Leaving out b_k alone changes "
           "nothing: it adds the same q·b_k to every score of a row, and softmax ignores that.)"),
         None),
        (torch.softmax(scores / real_model.D_MODEL**0.5, dim=-1), _("you divided the scores "
         "by sqrt(384) = sqrt(d_model); each head divides by sqrt(d_head) = sqrt(32)."), None),
        *[(w, another, None) for w in [*run.attentions[:, 8], *run.attentions[1]]],  # other heads
    ], hint) or not_yet(_("these are not the weights of layer 1, head 8."), hint)  # fmt: skip


@exercise_check(_("real_model.run_model(sentence).attentions[1, 8] is that head's table of weights "
                  "for the sentence, rows = queries, columns = keys."))  # fmt: skip
def check_new_sentence_keys(answer: Any) -> Verdict:
    """Exercise 3 of 13_a_real_models_attention.ipynb: the key that layer 1, head 8 weighs most
    for each query of a new sentence, as positions (ints) or as the tokens themselves."""
    hint = _("new_run = real_model.run_model(sentence); new_run.attentions[1, 8].argmax(dim=-1) "
             "gives each row's strongest column.")  # fmt: skip
    run = real_model.run_model(TOKEN_COUNT_SENTENCE)
    tokens, weights = run.tokens, run.attentions[1, 8]  # n tokens, (n, n)
    n = len(tokens)
    if isinstance(answer, (list, tuple)) and answer and all(isinstance(t, str) for t in answer):
        if unknown := [t for t in answer if t not in tokens]:  # the tokens are all different
            return not_yet(_("{token!r} is not a token of this sentence; its tokens are: {tokens}.",
                             token=unknown[0], tokens=" ".join(tokens)), hint)  # fmt: skip
        answer = [tokens.index(t) for t in answer]  # the tokens' positions
    shape = shape_of(answer)
    if shape == (n - 1,):
        return not_yet(_("you gave {count} positions, as many as our sentence has tokens; the "
                         "new sentence has {n}.", count=n - 1, n=n),
                       _("run the model on the new sentence: real_model.run_model(sentence)."))  # fmt: skip
    if shape == (n - 2,):
        return not_yet(_("you gave {count} positions, one per word piece; [CLS] and [SEP] are "
                         "queries too, and have rows of their own.", count=n - 2), hint)  # fmt: skip
    if shape == (n, n):
        return not_yet(_("that is the whole table of weights; the exercise asks, for each row, "
                         "for the position of its largest weight."), hint)  # fmt: skip
    keys, problem = read_tensor(answer, (n,), _("the strongest key of each query"), hint)
    if problem:
        return problem
    right = weights.argmax(dim=-1)  # (n,): each query's strongest key
    ideal = [*range(1, n), n - 1]  # "each token looks at the next one" ([SEP] at itself)
    carried = [0, *range(2, n - 1), 0, 0]  # our sentence's pattern: the ends rest on [CLS]
    following = int((right == torch.arange(1, n + 1)).sum())  # queries whose key is the next token
    i, first, last = (tokens.index(t) for t in ("attention", "un", "useful"))
    done = _("{following} of the {n} queries look at the next token, inside 'unbelievably' too "
             "({pieces}), and, as on our sentence, [CLS], the last word and [SEP] rest on [CLS]. "
             "But not 'attention': it puts {cls:.2f} on [CLS] and {next:.2f} on 'is'. A pattern "
             "seen on one sentence is a guess to test on the next.", following=following, n=n,
             pieces=" → ".join(tokens[first : last + 1]), cls=weights[i, 0], next=weights[i, i + 1])  # fmt: skip
    if verdict := judge(keys, right, done, hint, tolerance=0):
        return verdict
    differ = ", ".join(repr(tokens[j]) for j in (keys != right).nonzero().flatten().tolist())
    predicted = _("that is a prediction from the pattern (each token → the next one), a fine "
                  "first guess; the model's weights differ in the rows of {rows}.", rows=differ)  # fmt: skip
    compute = _("now compute them: new_run.attentions[1, 8].argmax(dim=-1).")
    other = _("these are the strongest keys of another layer or head of this sentence.")
    return mistake(keys, [
        (carried, predicted, compute),  # our sentence's pattern, carried over
        (ideal, predicted, compute),  # every token → the next, [SEP] → itself
        ([*ideal[:-1], 0], predicted, compute),  # ... and [SEP] → [CLS]
        (torch.zeros(n), _("that is every query resting on [CLS], as many heads of layers 1 to 4 "
         "do; layer 1, head 8 looked at the next token on our sentence."), compute),
        (weights.argmax(dim=0), _("you took the largest weight of each column; a query is a row, "
         "and its weights run along the last dimension."), _("use argmax(dim=-1).")),
        (right + 1, _("you numbered the tokens from 1; positions count from 0, so [CLS] is 0."), None),
        (right - 1, _("you numbered the tokens from the first word; [CLS] is token 0 and 'self' "
                      "token 1 (pitfall 4)."), None),
        (weights.amax(dim=-1), _("these are the largest weights themselves; the exercise asks "
         "for their positions: argmax, not max."), None),
        *[(run.attentions[layer, head].argmax(dim=-1), other, None)
          for layer in range(real_model.LAYERS) for head in range(real_model.HEADS)
          if (layer, head) != (1, 8)],
    ], hint) or not_yet(_("these are not the strongest keys of layer 1, head 8 for the new "
                          "sentence."), hint)  # fmt: skip
