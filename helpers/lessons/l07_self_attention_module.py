"""Lesson 07, the SelfAttention module: its pipeline picture, its explorer and its checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers._validate import describe
from helpers.attention import SelfAttention, embed
from helpers.course import SEED, SENTENCE
from helpers.lessons.l05_softmax_weights import WEIGHTS_HEIGHT, row_table, weights_picture
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
from helpers.ui.explore import Explorer, View, dropdown, explore, sentence_box
from helpers.ui.pictures import BLUE, GREY, INK, MUTED, Message
from helpers.ui.strings import translator
from helpers.vocabulary import build_vocabulary, encode, split_words

_ = translator(__name__)

MAX_EXPLORER_WORDS = 12  # the sentence explorer shows at most this many (more is unreadable)


# ---- picture: the whole pipeline on one page -------------------------------------------
def pipeline_summary_figure(shapes: Mapping[str, tuple[int, ...]] | None = None) -> Figure:
    """Self-attention on one page: each tensor's formula and shape (``shapes``, else the course's).
    Introduced in 07_self_attention_module.ipynb ("Picture: the whole pipeline on one page")."""
    boxes = {  # name: (box centre, what it is, formula, step, its shape for the course sentence)
        "X": ((0.6, 1.0), _("embedded words"), r"$X$", _("steps 1-2"), (9, 3)),
        "Q": ((2.45, 1.75), _("queries"), r"$Q = X W_Q$", _("step 3"), (9, 2)),
        "K": ((2.45, 1.0), _("keys"), r"$K = X W_K$", "", (9, 2)),
        "V": ((2.45, 0.25), _("values"), r"$V = X W_V$", "", (9, 4)),
        "S": ((4.4, 1.4), _("scores"), r"$S = Q K^{\top} / \sqrt{d_k}$", _("step 4"), (9, 9)),
        "A": ((6.35, 1.4), _("weights"), r"$A = \mathrm{softmax}_{\mathrm{row}}(S)$", _("step 5"), (9, 9)),
        "Z": ((8.3, 0.8), _("context vectors"), r"$Z = A V$", _("step 6"), (9, 4)),
    }  # fmt: skip
    shapes = {} if shapes is None else shapes
    if not isinstance(shapes, Mapping):
        raise TypeError(_("shapes must be a dict from a tensor's name to its shape; got {got}.",
                          got=describe(shapes)))  # fmt: skip
    for name, shape in shapes.items():
        if name not in boxes:
            raise ValueError(_("shapes must name tensors among {names}; got {name!r}.",
                               names=list(boxes), name=name))  # fmt: skip
        if not isinstance(shape, tuple) or not all(type(s) is int and s > 0 for s in shape):
            raise TypeError(_("shapes[{name!r}] must be a tuple of positive ints; got {got}.",
                              name=name, got=describe(shape)))  # fmt: skip
    fig = Figure(figsize=(10, 3.2))
    ax = fig.add_axes((0, 0, 1, 1), xlim=(-0.4, 9.4), ylim=(-0.45, 2.45))
    ax.axis("off")
    centred = {"ha": "center", "va": "center"}
    arrow = {"arrowstyle": "->", "color": GREY, "lw": 1.3}
    for name, ((x, y), label, formula, step, shape) in boxes.items():
        face, ink = (BLUE, "white") if name == "Z" else ("#D6EAF8", INK)
        ax.add_patch(FancyBboxPatch((x - 0.8, y - 0.3), 1.6, 0.6, facecolor=face, edgecolor=BLUE,
                                    boxstyle="round,pad=0.0,rounding_size=0.08", linewidth=1.5))  # fmt: skip
        size = " × ".join(map(str, shapes.get(name, shape)))
        ax.text(x, y + 0.1, formula, fontsize=10, color=ink, **centred)
        ax.text(x, y - 0.17, f"{label}  ({size})", fontsize=8, color=ink, **centred)
        ax.text(x, y + 0.4, step, fontsize=7.5, color=MUTED, style="italic", **centred)
    for start, end in ("XQ", "XK", "XV", "QS", "KS", "SA", "AZ", "VZ"):  # an arrow per pair
        (x0, y0), (x1, y1) = boxes[start][0], boxes[end][0]
        ax.annotate("", xy=(x1 - 0.82, y1), xytext=(x0 + 0.82, y0), arrowprops=arrow)
    ax.text(4.5, -0.3, _("learned: $W_Q, W_K, W_V$ (the module's parameters)    computed: "
                         "everything else"), fontsize=8.5, color=INK, **centred)  # fmt: skip
    return fig


# ---- explorer: attention on any sentence -----------------------------------------------
def sentence_attention(sentence: str, seed: int = SEED) -> tuple[list[str], torch.Tensor]:
    """Up to ``MAX_EXPLORER_WORDS`` words and their weights in a seeded SelfAttention(3, 2, 2, 4),
    random state untouched. Introduced in 07_self_attention_module.ipynb ("Explore")."""
    words = split_words(sentence)[:MAX_EXPLORER_WORDS]
    text = " ".join(words)
    with torch.random.fork_rng(devices=[]):
        embedded = embed(encode(text, build_vocabulary(text)), seed=seed)  # (n, 3)
        torch.manual_seed(seed)
        weights = SelfAttention(3, 2, 2, 4).attend(embedded)[1]  # (n, n)
    return words, weights.detach()


def render_sentence_attention(sentence: str, query: int | None) -> View:
    """The weights of ``sentence`` as a table and a picture, and query ``query``'s strongest key."""
    words = split_words(sentence) if sentence.strip() else []
    if not words:
        why = _("Only commas so far") if sentence.strip() else _("The sentence box is empty")
        text = _("{why}: type a few words, for example 'the cat sat on the mat'.", why=why)
        return View(text, Message(_("(no words to show)")))
    shown, weights = sentence_attention(sentence)
    index = min(query or 0, len(shown) - 1)
    top = int(weights[index].argmax())
    shortened = [_("(showing the first {count} words)", count=len(shown))] if shown != words else []
    lines = [
        _("words ({count}): {words}", count=len(words), words=words), *shortened,
        _("query {word!r} attends most to {top!r} (weight {weight:.3f})", word=shown[index],
          top=shown[top], weight=float(weights[index, top])),
        _("weights (rows = queries, columns = keys; each row sums to 1):"),
        row_table(shown, list(zip(shown, weights.tolist(), strict=True)), _("query\\key")),
    ]  # fmt: skip
    return View("\n".join(lines), weights_picture(weights, shown, index))


def sentence_attention_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type any sentence and pick a query word; see the module's weights for it (seed 123).
    Introduced in 07_self_attention_module.ipynb ("Explore")."""
    box = sentence_box(sentence)
    query = dropdown("query-word", _("Query word:"), [], None)

    def new_sentence(change: dict[str, Any]) -> None:  # a new sentence brings its own words
        words = split_words(change["new"])[:MAX_EXPLORER_WORDS] if change["new"].strip() else []
        query.options = [(f"{i + 1}. {w}", i) for i, w in enumerate(words)]
        query.value = 0 if words else None

    new_sentence({"new": sentence})  # the starting sentence's words
    box.observe(new_sentence, names="value")  # before the explorer's own: words first, then redraw
    return explore(render_sentence_attention, sentence=box, query=query, height=WEIGHTS_HEIGHT,
                   fallback=_("[Sentence attention explorer: type a sentence to see the module's "
                              "attention weights for it. It needs a live kernel (JupyterLab or "
                              "Binder); the picture below shows its starting state.]"))  # fmt: skip


# ---- exercises ---------------------------------------------------------------------------
@exercise_check(_("True means 'may attend': keep the lower triangle, diagonal included."))
def check_causal_mask(answer: Any) -> Verdict:
    """Exercise 1 of 07_self_attention_module.ipynb: a causal mask for 9 words (exact)."""
    right = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    hint = _("keep the diagonal and everything below it: "
             "torch.tril(torch.ones(9, 9, dtype=torch.bool)).")  # fmt: skip
    if not isinstance(answer, torch.Tensor):
        return not_yet(_("a mask is a boolean tensor; you gave {got}.", got=describe(answer)), hint)
    if answer.dtype != torch.bool:
        return not_yet(_("the mask has dtype {dtype}; it must be torch.bool (a float mask is added "
                         "to the scores instead of blocking them).", dtype=answer.dtype),
                       _("pass dtype=torch.bool, or convert with .bool()."))  # fmt: skip
    if tuple(answer.shape) != (9, 9):
        return not_yet(_("the mask should have one row per query and one column per key, (9, 9); "
                         "yours has shape {shape}.", shape=tuple(answer.shape)), hint)  # fmt: skip
    done = _("each word may attend to itself and the words before it.")
    return judge(answer, right, done, hint, tolerance=0) or mistake(answer, [
        (~right, _("True and False are swapped: here True means 'may attend'."),
         _("invert it with ~mask, or build it with torch.tril.")),
        (right.T, _("that is the upper triangle: each word would see only itself and later words."),
         _("torch.tril keeps the lower triangle (the earlier words).")),
        (right.tril(diagonal=-1), _("the diagonal is False, so no word may attend to itself ('The' sees nothing)."),
         _("keep the diagonal: torch.tril with the default diagonal=0.")),
    ], hint, 0) or not_yet(_("this is not the causal mask."), hint)  # fmt: skip


REPEAT_SENTENCE = "The dog jumps over a lazy dog"  # 'dog' twice, at positions 1 and 6


@exercise_check(_("embed the 7 ids with helpers.embed, then call helper_sa on the (7, 3) matrix."))
def check_repeated_word_context(answer: Any) -> Verdict:
    """Exercise 2 of 07_self_attention_module.ipynb: the module on ``REPEAT_SENTENCE``, where
    the two 'dog's get the same context vector, within 1e-4."""
    hint = _("helpers.embed(helpers.encode(sentence, vocabulary)) gives (7, 3); "
             "helper_sa of it gives (7, 4).")  # fmt: skip
    vocabulary = build_vocabulary(SENTENCE)
    x = embed(encode(REPEAT_SENTENCE, vocabulary))  # (7, 3): rows of the course's table
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        module = SelfAttention(3, 2, 2, 4)  # helper_sa's weights
    with torch.no_grad():
        right = module(x)  # (7, 4)
    if shape_of(answer) == (9, 4):
        return not_yet(_("that is the output for the course sentence (9 words); this sentence "
                         "has 7."), hint)  # fmt: skip
    tensor, problem = read_tensor(answer, (7, 4), _("the sentence's context vectors"), hint)
    if problem:
        return problem
    done = _("rows 1 and 6, the two 'dog's, are the same vector: the same word meets the same "
             "set of words, and self-attention does not see where it stands (the section "
             "\"Word order: the module does not see it\").")  # fmt: skip
    return judge(tensor, right, done, hint) or not_yet(
        _("these are not helper_sa's context vectors for this sentence."),
        _("use helper_sa (built right after torch.manual_seed(123)). {hint}", hint=hint))  # fmt: skip


@exercise_check(_("count the numbers in W_query, W_key and W_value."))
def check_parameter_count(answer: Any) -> Verdict:
    """Exercise 3 of 07_self_attention_module.ipynb: the learnable numbers of the module."""
    hint = _("W_query is 3 × 2, W_key 3 × 2, W_value 3 × 4: add up their sizes.")
    count, problem = read_number(answer, _("the count"), hint)
    if problem:
        return problem
    if count != int(count):
        return not_yet(_("the count should be a whole number (an int); you gave {count}.", count=count), hint)  # fmt: skip
    done = _("6 + 6 + 12 = 24, the same as sum(p.numel() for p in sa.parameters()).")
    return judge(count, 24, done, hint, tolerance=0) or mistake(count, [
        (8, _("8 is d_q + d_k + d_v; each of the three is a matrix with d = 3 rows."), None),
        (3, _("3 is the number of weight matrices; count the numbers inside them."), None),
    ], hint, 0) or not_yet(_("{count:g} is not the number of learnable numbers.", count=count), hint)  # fmt: skip
