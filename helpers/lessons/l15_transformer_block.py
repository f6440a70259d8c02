"""Lesson 15, the Transformer block: its picture, its explorer and its exercise checks
(helpers.block; the real model's blocks come from helpers.real_model).

Every string a learner reads here goes through ``_`` (helpers.ui.strings).
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers import real_model
from helpers._validate import describe
from helpers.block import TransformerBlock
from helpers.multihead import course_example
from helpers.ui.answers import (
    Verdict,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_number,
    read_tensor,
)
from helpers.ui.charts import Bars
from helpers.ui.explore import Explorer, View, dropdown, explore, slider
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE, SKY
from helpers.ui.strings import translator

_ = translator(__name__)

D_MODEL, NUM_HEADS, D_FF = 8, 2, 32
"""The lesson's small block: lesson 09's 8 features and 2 heads, a feed-forward of 4 × 8."""
SIMILAR = ("The quick brown fox jumps over a lazy dog", "A fast brown fox leaps over a sleepy dog")
"""Exercise 3's two sentences: the course's, and the same meaning in other words."""
UNRELATED = "The stock market fell sharply on Monday"
"""A sentence about something else: the lesson compares the course sentence with it."""


def block_example(norm_first: bool = False) -> tuple[list[str], torch.Tensor, TransformerBlock]:
    """The lesson's words, input ``x (1, 9, 8)`` (lesson 09's, seeded) and a ``TransformerBlock(8, 2,
    32)`` built after ``torch.manual_seed(123)``, the caller's random state left alone.
    Introduced in 15_transformer_block.ipynb ("Setup")."""
    words, x, _unused = course_example()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        block = TransformerBlock(D_MODEL, NUM_HEADS, D_FF, norm_first=norm_first)
    return words, x, block.eval()


# ---- picture ---------------------------------------------------------------------------
def block_boxes(norm_first: bool) -> tuple[str, ...]:
    """The boxes of the block's picture, bottom to top; "+" is a residual add."""
    attention, norm = _("multi-head attention"), _("LayerNorm")
    ffn = _("feed-forward\nd → 4d → d, GELU")
    middle = (
        (norm, attention, "+", norm, ffn, "+")
        if norm_first
        else (attention, "+", norm, ffn, "+", norm)
    )
    return (_("input x"), *middle, _("output"))


def _draw_block(ax: Any, pre_ln: bool, title: str) -> None:
    """One block, bottom to top: ``boxes`` joined by arrows, each "add" fed by a residual path
    from where its sub-layer's input left the main path."""
    boxes = block_boxes(pre_ln)
    n = len(boxes)
    ax.set(xlim=(0, 4), ylim=(-0.3, n - 0.2))
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    for i, name in enumerate(boxes):
        add = name == "+"
        face = "white" if i in (0, n - 1) else ORANGE if add else "#D6EAF8"
        width = 0.5 if add else 2.2
        ax.add_patch(FancyBboxPatch((2 - width / 2, i), width, 0.6, facecolor=face,
                     edgecolor=ORANGE if add else SKY if 0 < i < n - 1 else GREY, linewidth=1.5,
                     boxstyle="round,pad=0.02,rounding_size=0.12"))  # fmt: skip
        ax.text(2, i + 0.3, name, ha="center", va="center",
                fontsize=12 if add else 8.5, color=INK, weight="bold" if add else "normal")  # fmt: skip
        if i < n - 1:
            ax.annotate("", xy=(2, i + 1), xytext=(2, i + 0.6),
                        arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.2})  # fmt: skip
    adds = [i for i, name in enumerate(boxes) if name == "+"]
    starts = [0, adds[0]] if pre_ln else [0, adds[0] + 1]  # where each residual leaves
    starts = [s + 0.3 for s in starts]  # the residual leaves just above the box below the sub-layer
    for start, add in zip(starts, adds, strict=True):
        ax.annotate("", xy=(1.75, add + 0.3), xytext=(0.6, add + 0.3),
                    arrowprops={"arrowstyle": "->", "color": BLUE, "lw": 1.4})  # fmt: skip
        ax.plot([2.0, 0.6, 0.6], [start + 0.4, start + 0.4, add + 0.3], color=BLUE, lw=1.4)
        ax.text(0.5, (start + add) / 2 + 0.35, _("residual"), rotation=90, ha="center",
                va="center", fontsize=8, color=BLUE)  # fmt: skip


def block_figure() -> Figure:
    """The block drawn twice, post-LN (BERT, all-MiniLM-L6-v2) and pre-LN (GPT-2, Llama): the
    sub-layers in order, and the residual paths that add each sub-layer's input back.
    Introduced in 15_transformer_block.ipynb ("Picture")."""
    fig = Figure(figsize=(8.0, 5.4))
    left, right = fig.subplots(1, 2)
    _draw_block(left, False, _("post-LN: add, then normalise (BERT, MiniLM)"))
    _draw_block(right, True, _("pre-LN: normalise, then add (GPT-2, Llama)"))
    fig.tight_layout()
    return fig


# ---- explorer --------------------------------------------------------------------------
STEPS = ("input", "attention", "input + attention", "LayerNorm 1", "feed-forward",
         "h + feed-forward", "output")  # fmt: skip
"""The sub-steps of a post-LN block, as ``TransformerBlock.steps`` names them."""


@functools.cache
def layer_steps(layer: int) -> dict[str, torch.Tensor]:
    """Every sub-step of the model's layer ``layer`` on the course sentence, ``(11, 384)`` each,
    computed with the course's code from the layer's own input.
    Introduced in 15_transformer_block.ipynb ("Explore")."""
    _tokens, ids = real_model.tokenize(real_model.SENTENCE)
    layer_input = real_model.encoder(ids)[layer]  # (11, 384)
    with torch.no_grad():
        return real_model.minilm_block(layer).steps(layer_input)


def _cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()))


def render_block_step(token: int, layer: int, step: str) -> View:
    """One token's vector after each sub-step of one layer, up to ``step``: its length, and how much
    of the layer's input it keeps (the cosine with it). Introduced in 15_transformer_block.ipynb."""
    tokens = real_model.tokenize(real_model.SENTENCE)[0]
    steps = layer_steps(layer)
    shown = STEPS[: STEPS.index(step) + 1]
    start = steps["input"][token]  # (384,): the token's vector entering the layer
    lengths = [steps[s][token].norm().item() for s in shown]
    keeps = [_cosine(steps[s][token], start) for s in shown]
    lines = [f"  {s:18} length {n:6.2f}   cosine with the input {c:+.2f}"
             for s, n, c in zip(shown, lengths, keeps, strict=True)]  # fmt: skip
    text = _("layer {layer}, token {token!r}: its vector (384 numbers) after each sub-step\n{lines}",
             layer=layer, token=tokens[token], lines="\n".join(lines))  # fmt: skip
    labels = [s.replace("input + attention", "+ input").replace("h + feed-forward", "+ h")
              .replace("feed-forward", "FFN").replace("attention", "attn").replace("LayerNorm ", "LN")
              for s in shown]  # fmt: skip
    return View(text, Bars(
        labels, {_("length"): lengths},
        _("Bars: the length of the vector of token {token!r} after each sub-step of layer {layer} up to "
          "{step!r}: {lengths}.", token=tokens[token], layer=layer, step=step,
          lengths=", ".join(f"{n:.2f}" for n in lengths)),
        title=_("length of the vector of {token!r}, layer {layer}", token=tokens[token], layer=layer),
        top=max(lengths), number_format=".1f",
    ))  # fmt: skip


def block_explorer() -> Explorer:
    """Pick a token and a layer of all-MiniLM-L6-v2, then step through the layer: the token's
    vector after each sub-step. Introduced in 15_transformer_block.ipynb ("Explore")."""
    tokens = real_model.tokenize(real_model.SENTENCE)[0]
    return explore(
        render_block_step, height="150px",
        token=dropdown("token", _("Token:"), [(t, i) for i, t in enumerate(tokens)], 4),
        layer=dropdown("layer", _("Layer:"), [(str(i), i) for i in range(real_model.LAYERS)], 0),
        step=slider("step", _("Up to:"), list(STEPS), STEPS[-1]),
        fallback=_("[Block explorer: pick a token and a layer of all-MiniLM-L6-v2 and step through "
                   "the layer to see the token's vector after each sub-step. It needs a live kernel "
                   "(JupyterLab or Binder); the picture below shows its starting state.]"),
    )  # fmt: skip


# ---- exercises -------------------------------------------------------------------------
@exercise_check(_("count each part's weights and biases: the attention's four 384 × 384 layers, "
                  "the feed-forward's two layers, and the two LayerNorms."))  # fmt: skip
def check_layer_parameter_count(answer: Any) -> Verdict:
    """Exercise 1 of 15_transformer_block.ipynb: the learnable numbers of one MiniLM layer."""
    hint = _("sum(p.numel() for p in real_model.minilm_block(0).parameters()) counts them.")
    value, problem = read_number(answer, _("the number of learnable numbers"), hint)
    if problem:
        return problem
    d, f = real_model.D_MODEL, real_model.model_config()["intermediate_size"]
    attention, ffn, norms = 4 * (d * d + d), d * f + f + f * d + d, 2 * 2 * d
    right = attention + ffn + norms
    done = _("{right:,}: the attention {attention:,}, the feed-forward {ffn:,} (two thirds of the "
             "layer), the two LayerNorms {norms:,}.", right=right, attention=attention, ffn=ffn,
             norms=norms)  # fmt: skip
    return judge(value, right, done, hint, tolerance=0) or mistake(value, [
        (4 * d * d + 2 * d * f, _("those are the weight matrices alone; every linear layer also "
         "has a bias, and each LayerNorm a scale and a shift."), None),
        (attention + ffn, _("close: the two LayerNorms are learnable too (a scale and a shift of "
         "384 numbers each)."), None),
        (right - 2 * d, _("close: each LayerNorm has two vectors, the scale and the shift."), None),
        (attention, _("that is the attention alone; the feed-forward network has more."), None),
        (ffn, _("that is the feed-forward network alone; add the attention and the LayerNorms."), None),
        (3 * (d * d + d) + ffn + norms, _("the attention has four layers: query, key, value and "
         "the output projection."), None),
        (6 * right, _("that is all six layers; the exercise asks for one."), None),
    ], hint, 0) or not_yet(_("{value:,.0f} is not the count of one layer.", value=value), hint)  # fmt: skip


def pre_ln_output() -> torch.Tensor:
    """Exercise 2's right answer: the lesson's block's weights, run pre-LN on its input."""
    _words, x, block = block_example(norm_first=True)
    with torch.no_grad():
        return block(x)


@exercise_check(_("normalise what goes into each sub-layer, then add its output to its input: "
                  "h = x + attention(norm1(x)), then h + feed_forward(norm2(h))."))  # fmt: skip
def check_pre_ln_output(answer: Any) -> Verdict:
    """Exercise 2 of 15_transformer_block.ipynb: the lesson's block run in the pre-LN order."""
    hint = _("use block.attention, block.norm1, block.feed_forward and block.norm2 in the pre-LN "
             "order; no LayerNorm after the last add.")  # fmt: skip
    value, problem = read_tensor(answer, (1, 9, D_MODEL), _("the block's output"), hint)
    if problem:
        return problem
    right = pre_ln_output()
    done = _("your pre-LN output is right. Its rows are not normalised: the residual path runs from "
             "the input to the output untouched, which is what makes deep pre-LN stacks easy to "
             "train.")  # fmt: skip
    if verdict := judge(value, right, done, hint):
        return verdict
    _words, x, block = block_example()
    with torch.no_grad():
        h = x + block.attention(block.norm1(x))
        wrongs = [
            (
                block(x),
                _(
                    "that is the post-LN output (add, then normalise); the exercise asks for "
                    "the pre-LN order."
                ),
                None,
            ),
            (
                block.norm2(h + block.feed_forward(block.norm2(h))),
                _(
                    "a LayerNorm after the last add "
                    "makes it post-LN again; pre-LN stacks end with h + feed_forward(norm2(h)) (GPT-2 "
                    "puts one final LayerNorm after the whole stack, not in each block)."
                ),
                None,
            ),
            (
                block.feed_forward(block.norm2(h)),
                _("the second residual is missing: add h back."),
                None,
            ),
            (
                h + block.feed_forward(h),
                _("the feed-forward network's input must be normalised first: norm2(h)."),
                None,
            ),
            (
                x + block.attention(x) + block.feed_forward(block.norm2(x + block.attention(x))),
                _("the attention's input must be normalised first: norm1(x)."),
                None,
            ),
        ]
    return mistake(value, wrongs, hint) or not_yet(_("these are not the block's pre-LN outputs."),
                                                   hint)  # fmt: skip


@functools.cache
def _similarity() -> dict[str, float]:
    first, second = (real_model.sentence_embedding(s) for s in SIMILAR)
    ids = [real_model.tokenize(s)[1] for s in SIMILAR]
    last = [real_model.encoder(i)[-1] for i in ids]  # (n, 384) each
    inputs = [real_model.encoder(i)[0].mean(0) for i in ids]
    cos = torch.nn.functional.cosine_similarity
    return {
        "right": float(first @ second),
        "unrelated": float(first @ real_model.sentence_embedding(UNRELATED)),
        "cls": float(cos(last[0][0], last[1][0], dim=0)),
        "input": float(cos(inputs[0], inputs[1], dim=0)),
        "unnormalised": float(last[0].mean(0) @ last[1].mean(0)),
    }


@exercise_check(_("embed each sentence with real_model.sentence_embedding (length 1), then take "
                  "the dot product of the two."))  # fmt: skip
def check_sentence_similarity(answer: Any) -> Verdict:
    """Exercise 3 of 15_transformer_block.ipynb: how alike the model finds two sentences."""
    hint = _("a = real_model.sentence_embedding(first); b = ... (second); (a @ b).item().")
    value, problem = read_number(answer, _("the cosine similarity"), hint)
    if problem:
        return problem
    found = _similarity()
    done = _("{right:.4f}: the two sentences share few words but mean nearly the same, and the "
             "model puts them close together (the course sentence and {unrelated!r} score "
             "{score:.2f}).", right=found["right"], unrelated=UNRELATED, score=found["unrelated"])  # fmt: skip
    if not -1.0001 <= value <= 1.0001 and not close_to(value, found["unnormalised"]):
        return not_yet(_("a cosine similarity lies between -1 and 1; you gave {value:g}.",
                         value=value), hint)  # fmt: skip
    return judge(value, found["right"], done, hint) or mistake(value, [
        (found["unnormalised"], _("that is the dot product of the mean vectors before their "
         "normalisation; divide each by its length first (the model's 2_Normalize)."), None),
        (found["cls"], _("that compares the [CLS] tokens' vectors; this model pools the mean of "
         "all its tokens (1_Pooling/config.json: pooling_mode_mean_tokens)."), None),
        (found["input"], _("that compares the input layer's vectors (hidden_states[0]); run all "
         "six blocks first."), None),
    ], hint) or not_yet(_("{value:.4f} is not the similarity of the two sentences.", value=value),
                        hint)  # fmt: skip


def close_to(value: float, right: float) -> bool:
    return abs(value - right) <= 1e-4


def _describe(value: Any) -> str:  # pragma: no cover - kept for error messages
    return describe(value)
