"""Lesson 07, the SelfAttention module: its pipeline picture, its explorer and its checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.attention.SelfAttention``; the weights
picture and the text table are lesson 05's.
"""

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
from helpers.lessons.l06_context_vectors import course
from helpers.ui.answers import (
    Verdict,
    close,
    correct,
    exercise_check,
    judge,
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

MAX_EXPLORER_WORDS = 12
"""The sentence explorer shows at most this many words (a bigger grid is unreadable)."""


# ---- picture: the whole pipeline on one page -------------------------------------------

PLACES = {"X": (0.6, 1.0), "Q": (2.45, 1.75), "K": (2.45, 1.0), "V": (2.45, 0.25),
          "S": (4.4, 1.4), "A": (6.35, 1.4), "Z": (8.3, 0.8)}  # fmt: skip
"""Where each tensor's box stands (its centre, in the figure's data coordinates)."""

ARROWS = [("X", "Q"), ("X", "K"), ("X", "V"), ("Q", "S"), ("K", "S"), ("S", "A"), ("A", "Z"),
          ("V", "Z")]  # fmt: skip


def _check_shapes(shapes: Any, names: Mapping[str, Any]) -> None:
    if not isinstance(shapes, Mapping):
        raise TypeError(
            _("shapes must be a dict from a tensor's name to its shape; got {got}.",
              got=describe(shapes))
        )  # fmt: skip
    for name, shape in shapes.items():
        if name not in names:
            raise ValueError(
                _("shapes must name tensors among {names}; got {name!r}.", names=list(names),
                  name=name)
            )  # fmt: skip
        if not isinstance(shape, tuple) or not all(
            isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in shape
        ):
            raise TypeError(
                _("shapes[{name!r}] must be a tuple of positive ints; got {got}.", name=name,
                  got=describe(shape))
            )  # fmt: skip


def pipeline_summary_figure(shapes: Mapping[str, tuple[int, ...]] | None = None) -> Figure:
    """The whole of self-attention on one page: each tensor with its shape and formula.

    ``shapes`` maps ``X, Q, K, V, S, A, Z`` to shapes (default: the course sentence,
    n = 9, d = 3, d_q = d_k = 2, d_v = 4). Introduced in 07_self_attention_module.ipynb
    ("Picture: the whole pipeline on one page").
    """
    n, d, d_k, d_v = 9, 3, 2, 4
    boxes = {  # name: (what it is, formula, the step that computes it, default shape)
        "X": (_("embedded words"), r"$X$", _("steps 1-2"), (n, d)),
        "Q": (_("queries"), r"$Q = X W_Q$", _("step 3"), (n, d_k)),
        "K": (_("keys"), r"$K = X W_K$", "", (n, d_k)),
        "V": (_("values"), r"$V = X W_V$", "", (n, d_v)),
        "S": (_("scores"), r"$S = Q K^{\top} / \sqrt{d_k}$", _("step 4"), (n, n)),
        "A": (_("weights"), r"$A = \mathrm{softmax}_{\mathrm{row}}(S)$", _("step 5"), (n, n)),
        "Z": (_("context vectors"), r"$Z = A V$", _("step 6"), (n, d_v)),
    }
    if shapes is not None:
        _check_shapes(shapes, boxes)
    fig = Figure(figsize=(10, 3.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.4, 9.4)
    ax.set_ylim(-0.45, 2.45)
    ax.axis("off")
    for name, (label, formula, step, shape) in boxes.items():
        x, y = PLACES[name]
        face, ink = (BLUE, "white") if name == "Z" else ("#D6EAF8", INK)
        ax.add_patch(
            FancyBboxPatch((x - 0.8, y - 0.3), 1.6, 0.6, facecolor=face, edgecolor=BLUE,
                           boxstyle="round,pad=0.0,rounding_size=0.08", linewidth=1.5)
        )  # fmt: skip
        size = " × ".join(map(str, (shapes or {}).get(name, shape)))
        ax.text(x, y + 0.1, formula, ha="center", va="center", fontsize=10, color=ink)
        ax.text(x, y - 0.17, f"{label}  ({size})", ha="center", va="center", fontsize=8, color=ink)
        ax.text(x, y + 0.4, step, ha="center", va="center", fontsize=7.5, color=MUTED,
                style="italic")  # fmt: skip
    for start, end in ARROWS:
        (x0, y0), (x1, y1) = PLACES[start], PLACES[end]
        ax.annotate("", xy=(x1 - 0.82, y1), xytext=(x0 + 0.82, y0),
                    arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.3})  # fmt: skip
    ax.text(4.5, -0.3, _("learned: $W_Q, W_K, W_V$ (the module's parameters)    computed: "
                         "everything else"), ha="center", va="center", fontsize=8.5, color=INK)  # fmt: skip
    return fig


# ---- explorer: attention on any sentence -----------------------------------------------


def sentence_attention(sentence: str, seed: int = SEED) -> tuple[list[str], torch.Tensor]:
    """The words of ``sentence`` (at most ``MAX_EXPLORER_WORDS``) and their attention weights.

    The sentence gets its own vocabulary, ids and embedding (seeded with ``seed``), and goes
    through ``SelfAttention(3, 2, 2, 4)`` built right after ``torch.manual_seed(seed)``: for
    the course sentence that is exactly the lesson's weights. The notebook's random state
    is left untouched. Introduced in 07_self_attention_module.ipynb ("Explore").
    """
    words = split_words(sentence)[:MAX_EXPLORER_WORDS]
    text = " ".join(words)
    with torch.random.fork_rng(devices=[]):
        embedded = embed(encode(text, build_vocabulary(text)), seed=seed)  # (n, 3)
        torch.manual_seed(seed)
        weights = SelfAttention(3, 2, 2, 4).attend(embedded)[1]  # (n, n)
    return words, weights.detach()


def _words(sentence: str) -> list[str]:
    """The words of ``sentence``, or none for an empty or blank one."""
    return split_words(sentence) if sentence.strip() else []


def render_sentence_attention(sentence: str, query: int | None) -> View:
    """What the sentence explorer shows: the weight matrix, and query ``query``'s strongest key."""
    if not sentence.strip():
        text = _("The sentence box is empty: type a few words, for example 'the cat sat on the mat'.")  # fmt: skip
        return View(text, Message(_("(no words to show)")))
    words = split_words(sentence)
    if not words:
        text = _("Only commas so far: type a few words, for example 'the cat sat on the mat'.")
        return View(text, Message(_("(no words to show)")))
    shown, weights = sentence_attention(sentence)
    index = min(query or 0, len(shown) - 1)
    top = int(weights[index].argmax())
    lines = [_("words ({count}): {words}", count=len(words), words=words)]
    if len(words) > len(shown):
        lines.append(_("(showing the first {count} words)", count=len(shown)))
    lines += [
        _("query {word!r} attends most to {top!r} (weight {weight:.3f})", word=shown[index],
          top=shown[top], weight=float(weights[index, top])),
        _("weights (rows = queries, columns = keys; each row sums to 1):"),
        row_table(shown, list(zip(shown, weights.tolist(), strict=True)), _("query\\key")),
    ]  # fmt: skip
    return View("\n".join(lines), weights_picture(weights, shown, index))


def _query_options(sentence: str) -> list[tuple[str, int]]:
    return [(f"{i + 1}. {w}", i) for i, w in enumerate(_words(sentence)[:MAX_EXPLORER_WORDS])]


def sentence_attention_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type any sentence; see the SelfAttention module's weights for it, as a heatmap and text.

    Weights come from :func:`sentence_attention` (fixed seed 123, so the same sentence
    always gives the same weights). A second control picks the query word whose row is
    framed and drawn as bars. Introduced in 07_self_attention_module.ipynb ("Explore").
    """
    box = sentence_box(sentence)
    options = _query_options(sentence)
    query = dropdown("query-word", _("Query word:"), options, 0 if options else None)

    def new_sentence(change: dict[str, Any]) -> None:
        """A new sentence brings its own words to pick from (before the explorer redraws)."""
        query.options = _query_options(change["new"])
        query.value = 0 if query.options else None

    box.observe(new_sentence, names="value")
    return explore(
        render_sentence_attention,
        sentence=box,
        query=query,
        height=WEIGHTS_HEIGHT,
        fallback=_(
            "[Sentence attention explorer: type a sentence to see the module's attention "
            "weights for it. It needs a live kernel (JupyterLab or Binder); the picture "
            "below shows its starting state.]"
        ),
    )


# ---- exercises ---------------------------------------------------------------------------


@exercise_check(_("True means 'may attend': keep the lower triangle, diagonal included."))
def check_causal_mask(answer: Any) -> Verdict:
    """Exercise 1 of 07_self_attention_module.ipynb: a causal mask for 9 words."""
    # precision: exact (a boolean mask is read as it is, not as numbers)
    right = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    hint = _("keep the diagonal and everything below it: "
             "torch.tril(torch.ones(9, 9, dtype=torch.bool)).")  # fmt: skip
    if not isinstance(answer, torch.Tensor):
        return not_yet(_("a mask is a boolean tensor; you gave {got}.", got=describe(answer)), hint)
    if answer.dtype != torch.bool:
        return not_yet(
            _("the mask has dtype {dtype}; it must be torch.bool (a float mask is added to the "
              "scores instead of blocking them).", dtype=answer.dtype),
            _("pass dtype=torch.bool, or convert with .bool()."),
        )  # fmt: skip
    if tuple(answer.shape) != (9, 9):
        return not_yet(
            _("the mask should have one row per query and one column per key, (9, 9); yours "
              "has shape {shape}.", shape=tuple(answer.shape)),
            hint,
        )  # fmt: skip
    if torch.equal(answer, right):
        return correct(_("each word may attend to itself and the words before it."))
    if torch.equal(answer, ~right):
        return not_yet(
            _("True and False are swapped: here True means 'may attend'."),
            _("invert it with ~mask, or build it with torch.tril."),
        )
    if torch.equal(answer, right.T):
        return not_yet(
            _("that is the upper triangle: each word would see only itself and later words."),
            _("torch.tril keeps the lower triangle (the earlier words)."),
        )
    if torch.equal(answer, torch.tril(right, diagonal=-1)):
        return not_yet(
            _("the diagonal is False, so no word may attend to itself ('The' sees nothing)."),
            _("keep the diagonal: torch.tril with the default diagonal=0."),
        )
    return not_yet(_("this is not the causal mask."), hint)


@exercise_check(_("stack the sentence and its reverse into a (2, 9, 3) batch and call the module."))
def check_batch_context(answer: Any) -> Verdict:
    """Exercise 2 of 07_self_attention_module.ipynb: the module on a batch of two sentences."""
    # precision: within 1e-4 (TOLERANCE) of the module's context vectors
    context = course().context.detach()  # (9, 4)
    right = torch.stack([context, context.flip(0)])  # (2, 9, 4)
    hint = _("helper_sa(torch.stack([embedded, embedded.flip(0)])) gives shape (2, 9, 4).")
    if shape_of(answer) == (9, 4):
        return not_yet(
            _("that is one sentence's output; a batch of two gives shape (2, 9, 4)."),
            _("stack the two inputs first: torch.stack([a, b]) has shape (2, 9, 3)."),
        )
    tensor, problem = read_tensor(answer, (2, 9, 4), _("the batch's context vectors"), hint)
    if problem:
        return problem
    done = _(
        "the reversed sentence gets the same context vectors in reverse order: "
        "self-attention on its own does not know the order of the words."
    )
    if verdict := judge(tensor, right, done, hint):
        return verdict
    if close(tensor[0], context) and close(tensor[1], context):
        return not_yet(
            _("both sentences are the course sentence."), _("reverse the second: .flip(0).")
        )
    return not_yet(
        _("these are not the module's context vectors for the batch."),
        _("use helper_sa (built right after torch.manual_seed(123)). {hint}", hint=hint),
    )


@exercise_check(_("count the numbers in W_query, W_key and W_value."))
def check_parameter_count(answer: Any) -> Verdict:
    """Exercise 3 of 07_self_attention_module.ipynb: learnable numbers in SelfAttention(3, 2, 2, 4)."""
    # precision: exact (a whole number; 24, 24.0 and tensor(24) are all read as 24)
    hint = _("W_query is 3 × 2, W_key 3 × 2, W_value 3 × 4: add up their sizes.")
    count, problem = read_number(answer, _("the count"), hint)
    if problem:
        return problem
    if count != int(count):
        return not_yet(
            _("the count should be a whole number (an int); you gave {count}.", count=count), hint
        )
    done = _("6 + 6 + 12 = 24, the same as sum(p.numel() for p in sa.parameters()).")
    if verdict := judge(count, 24, done, hint, tolerance=0):
        return verdict
    if count == 8:
        return not_yet(_("8 is d_q + d_k + d_v; each of the three is a matrix with d = 3 rows."), hint)  # fmt: skip
    if count == 3:
        return not_yet(_("3 is the number of weight matrices; count the numbers inside them."), hint)  # fmt: skip
    return not_yet(_("{count:g} is not the number of learnable numbers.", count=count), hint)
