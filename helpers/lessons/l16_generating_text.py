"""Lesson 16, generating text: its picture of the work, its explorer and its exercise checks
(the decoder, the cache and the decoding loop are in helpers.decoding).

Every string a learner reads here goes through ``_`` (helpers.ui.strings).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure

from helpers import decoding
from helpers._validate import describe
from helpers.cost import human_bytes
from helpers.decoding import KVCache, kv_cache_bytes
from helpers.lessons.l08_masks import judge_mask
from helpers.masks import causal_mask
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
from helpers.ui.explore import Explorer, View, dropdown, explore, int_slider
from helpers.ui.pictures import BLUE, INK, ORANGE
from helpers.ui.strings import translator

_ = translator(__name__)

PROMPT = "the quick brown fox"
"""The lesson's prompt: the article's sentence, begun."""
STEPS = 20
"""How many tokens the lesson and its explorer generate after the prompt."""
OPEN_PROMPT, TEMPERATURE, TOP_K = "the dog", 0.8, 3
"""The sampling prompt, after which the model is unsure, and exercise 1's settings."""


def prompt_ids(prompt: str = PROMPT) -> torch.Tensor:
    """A prompt as ids, ``(1, n)``: a batch of one sequence."""
    return decoding.encode_text(prompt)[None]


# ---- picture: the work with and without the cache -----------------------------------------
def work_figure(config: decoding.DecoderConfig) -> Figure:
    """Multiply-adds of generating ``n`` tokens after a 1-token prompt, with and without the
    cache, for a model of ``config``'s sizes, log-log. Introduced in 16_generating_text.ipynb."""
    if not isinstance(config, decoding.DecoderConfig):
        raise TypeError(f"config must be a DecoderConfig (model.config); got {describe(config)}.")
    lengths = [2**k for k in range(1, 13)]  # 2 ... 4096 generated tokens
    fig = Figure(figsize=(6.4, 3.8))
    ax = fig.subplots()
    for use_cache, colour, label in ((False, ORANGE, _("without a cache: every step reads it all")),
                                     (True, BLUE, _("with a cache: one new token per step"))):  # fmt: skip
        work = [decoding.generation_multiply_adds(config, 1, n, use_cache) for n in lengths]
        ax.plot(lengths, work, color=colour, lw=2, marker="o", markersize=3, label=label)
    ax.set(xscale="log", yscale="log", xlabel=_("tokens generated, n (log scale)"),
           ylabel=_("multiply-adds (log scale)"))  # fmt: skip
    ax.set_title(_("Generating n tokens with the lesson's model (d_model = {d}, {layers} layers)",
                   d=config.d_model, layers=config.layers), fontsize=10)  # fmt: skip
    ax.legend(fontsize=8, frameon=False)
    ax.grid(True, which="major", color="#EEE")
    ax.tick_params(labelsize=8, colors=INK)
    fig.tight_layout()
    return fig


# ---- explorer ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Trace:
    """A greedy generation after :data:`PROMPT`, step by step: the words, the cache's length after
    each step, and each step's weights of the newest query over the cached keys."""

    words: list[str]  # the prompt's words, then the generated ones
    cached: list[int]  # step s: tokens in the cache when token s is chosen
    weights: list[list[torch.Tensor]]  # step s, layer l: (heads, cached) of the last query
    probabilities: list[torch.Tensor]  # step s: (vocab,) of the next token


@functools.cache
def trace() -> Trace:
    """The explorer's generation, computed once with the lesson's model and a cache."""
    model, _losses = decoding.trained_decoder()
    vocabulary = list(decoding.corpus_vocabulary())
    cache, feed = KVCache.empty(model.config.layers), prompt_ids()
    words, cached, weights, probabilities = PROMPT.split(), [], [], []
    with torch.no_grad():
        for _step in range(STEPS):
            logits, layer_weights = model.attend(
                feed, cache
            )  # (1, new, vocab), [(1, heads, new, t)]
            cached.append(len(cache))
            weights.append([w[0, :, -1] for w in layer_weights])  # (heads, t) per layer
            probabilities.append(torch.softmax(logits[0, -1], dim=-1))
            chosen = int(logits[0, -1].argmax())
            words.append(vocabulary[chosen])
            feed = torch.tensor([[chosen]])
    return Trace(words, cached, weights, probabilities)


def _shortened(words: list[str], last: int = 12) -> str:
    """The text so far, its first words cut to "…" when it is longer than ``last`` words."""
    return " ".join(words) if len(words) <= last else "… " + " ".join(words[-last:])


def render_generation_step(step: int, layer: int, head: int) -> View:
    """Step ``step`` of the greedy generation: the text so far, the cache's size, and the newest
    query's weights in one head over every cached token. Introduced in 16_generating_text.ipynb."""
    t = trace()
    model = decoding.trained_decoder()[0]
    c = model.config
    cached = t.cached[step - 1]  # tokens whose keys the new query meets
    keys = t.words[:cached]
    weights = t.weights[step - 1][layer][head].tolist()  # (cached,)
    top = t.probabilities[step - 1].topk(3)
    vocabulary = list(decoding.corpus_vocabulary())
    best = ", ".join(f"{vocabulary[i]!r} {p:.2f}"
                     for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True))  # fmt: skip
    strongest = max(range(cached), key=weights.__getitem__)
    group = c.num_heads // c.kv_heads
    text = _(
        "step {step} of {steps}: {text} ▸ {next!r}\n"
        "cache: {cached} tokens × {layers} layers × {kv} key/value heads × {d_head} numbers × 2 "
        "(keys, values) = {numbers:,} numbers, {size} in float64\n"
        "next token: {best}\n"
        "layer {layer}, query head {head} (key/value head {kv_head}, shared by {group} query heads): "
        "strongest on {key!r} at position {position} ({weight:.2f})",
        step=step, steps=STEPS, text=_shortened(t.words[:cached]), next=t.words[cached],
        cached=cached, layers=c.layers, kv=c.kv_heads, d_head=c.d_head,
        numbers=2 * cached * c.layers * c.kv_heads * c.d_head,
        size=human_bytes(kv_cache_bytes(c.layers, c.kv_heads, c.d_head, cached, decoding.DTYPE)),
        best=best, layer=layer, head=head, kv_head=head // group, group=group,
        key=keys[strongest], position=strongest, weight=weights[strongest],
    )  # fmt: skip
    labels = [f"{i}:{word}" for i, word in enumerate(keys)]
    return View(text, Bars(
        labels, {_("weight"): weights},
        _("Bars: the weights of the query that chooses token {step} over the {cached} cached tokens, "
          "layer {layer}, head {head}: {values}.", step=step, cached=cached, layer=layer, head=head,
          values=", ".join(f"{w:.2f}" for w in weights)),
        title=_("layer {layer}, head {head}: weights over the cache", layer=layer,
                head=head),
        top=1.0, number_format=".2f",
    ))  # fmt: skip


def generation_explorer() -> Explorer:
    """Step through the greedy generation after the prompt; pick a layer and a query head.
    Introduced in 16_generating_text.ipynb ("Explore")."""
    c = decoding.trained_decoder()[0].config
    return explore(
        render_generation_step, height="150px",
        step=int_slider("step", _("Step:"), 1, 1, STEPS),
        layer=dropdown("layer", _("Layer:"), [(str(i), i) for i in range(c.layers)], 0),
        head=dropdown("head", _("Query head:"), [(str(i), i) for i in range(c.num_heads)], 0),
        fallback=_("[Generation explorer: step through the greedy generation after 'the quick brown "
                   "fox' and watch the cache grow and the new query's weights over the cached "
                   "tokens. It needs a live kernel (JupyterLab or Binder); the picture below shows "
                   "its starting state.]"),
    )  # fmt: skip


# ---- exercises ---------------------------------------------------------------------------
def open_logits() -> torch.Tensor:
    """The lesson's model's logits for the token after :data:`OPEN_PROMPT`, ``(vocab,)``."""
    with torch.no_grad():
        return decoding.trained_decoder()[0](prompt_ids(OPEN_PROMPT))[0, -1]


@exercise_check(_("divide the logits by the temperature, keep the 3 largest (the others -inf), "
                  "then softmax: decoding.next_token_probabilities does all three."))  # fmt: skip
def check_sampling_probabilities(answer: Any) -> Verdict:
    """Exercise 1 of 16_generating_text.ipynb: the distribution sampling draws from."""
    logits = open_logits()
    vocab = logits.shape[-1]
    hint = _(
        "logits = model(prompt_ids('the dog'))[0, -1]; divide by 0.8; keep the top 3; softmax."
    )
    value, problem = read_tensor(answer, (vocab,), _("the probabilities of the next token"), hint)
    if problem:
        return problem
    right = decoding.next_token_probabilities(logits, TEMPERATURE, TOP_K)
    done = _("only 3 tokens can be drawn now, and dividing by 0.8 made the likeliest likelier "
             "({p:.3f} instead of {q:.3f}).", p=right.max().item(),
             q=decoding.next_token_probabilities(logits, 1.0, TOP_K).max().item())  # fmt: skip
    if verdict := judge(value, right, done, hint):
        return verdict
    softmax = torch.softmax(logits / TEMPERATURE, dim=-1)
    kept = softmax.topk(TOP_K).indices
    return mistake(value, [
        (decoding.next_token_probabilities(logits, 1.0, TOP_K), _("that is top-k without the "
         "temperature: divide the logits by 0.8 first."), None),
        (decoding.next_token_probabilities(logits * TEMPERATURE, 1.0, TOP_K), _("the logits are "
         "divided by the temperature, not multiplied by it."), None),
        (softmax, _("that is the temperature without top-k: every token still has a chance."), None),
        (torch.zeros(vocab, dtype=torch.float64).index_copy(0, kept, softmax[kept]), _("the 3 kept "
         "probabilities must sum to 1: take the softmax after removing the others (or divide by their "
         "sum)."), None),
        (torch.softmax(logits, dim=-1), _("that is the plain softmax: apply the temperature and "
         "top-k."), None),
    ], hint) or not_yet(_("these are not the probabilities sampling draws from."), hint)  # fmt: skip


@exercise_check(_("a query at position i may see keys 0 .. i; the 3 new queries are at positions "
                  "5, 6 and 7, and there are 8 keys."))  # fmt: skip
def check_chunk_mask(answer: Any) -> Verdict:
    """Exercise 2 of 16_generating_text.ipynb: the mask of 3 new tokens after 5 cached ones."""
    right = causal_mask(8)[5:]
    return judge_mask(
        answer, right, _("the mask of 3 new queries over 8 keys"),
        _("the last 3 rows of causal_mask(8): causal_mask(8)[5:]."),
        _("the new tokens see every cached token, themselves and the new tokens before them: the "
          "last rows of the full causal mask, which is what Decoder.attend builds."),
        _("this is not the mask of the 3 new queries."),
        [(causal_mask(8)[:3], _("those are the first 3 rows: the queries at positions 0, 1 and 2."),
          _("the new queries are the last rows: causal_mask(8)[5:].")),
         (torch.ones(3, 8, dtype=torch.bool), _("with every key allowed, token 5 would see tokens 6 "
          "and 7, which come after it."), _("block the new tokens' future: causal_mask(8)[5:].")),
         (~causal_mask(8)[5:], _("True and False are swapped: True means 'may attend'."),
          _("invert it with ~."))],
    )  # fmt: skip


TRANSFER = {"layers": 24, "d_model": 2048, "heads": 16, "kv_heads": 4, "tokens": 4096}
"""Exercise 3's model: 24 layers, d_model 2048 with 16 query heads, 4 key/value heads, float16."""


@exercise_check(_("bytes = 2 × layers × kv_heads × d_head × tokens × bytes per number, with "
                  "d_head = d_model / heads."))  # fmt: skip
def check_cache_bytes(answer: Any) -> Verdict:
    """Exercise 3 of 16_generating_text.ipynb: a described model's cache (the transfer)."""
    hint = _(
        "d_head = 2048 / 16 = 128; float16 is 2 bytes; kv_cache_bytes(24, 4, 128, 4096, torch.float16)."
    )
    value, problem = read_number(answer, _("the cache's size in bytes"), hint)
    if problem:
        return problem
    t = TRANSFER
    d_head = t["d_model"] // t["heads"]
    right = kv_cache_bytes(t["layers"], t["kv_heads"], d_head, t["tokens"], torch.float16)
    done = _("{right:,} bytes = {size}: a quarter of what 16 key/value heads would need ({full}).",
             right=right, size=human_bytes(right),
             full=human_bytes(kv_cache_bytes(t["layers"], t["heads"], d_head, t["tokens"], torch.float16)))  # fmt: skip
    return judge(value, right, done, hint, tolerance=0) or mistake(value, [
        (right * 4, _("that counts 16 key/value heads; the keys and values have 4 heads, shared by "
         "the 16 query heads."), None),
        (right // 2, _("keys and values are both cached: multiply by 2."), None),
        (right * 2, _("float16 is 2 bytes per number, not 4."), None),
        (right / 2**20, _("that is the size in MiB; give it in bytes."), None),
        (right // 2 // 2, _("multiply by 2 for keys and values, and by 2 bytes per float16 number."), None),
        (right // t["layers"], _("that is one layer; the model has 24."), None),
    ], hint, 0) or not_yet(_("{value:,.0f} bytes is not this model's cache.", value=value), hint)  # fmt: skip
