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
REPEAT_SENTENCE = "The dog jumps over a lazy dog"  # 'dog' twice, at positions 1 and 6


def _module_after_seeding() -> SelfAttention:
    """``helper_sa``: ``SelfAttention(3, 2, 2, 4)`` built right after seeding 123, leaving the
    learner's random stream where it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        return SelfAttention(3, 2, 2, 4)


def _article_module() -> SelfAttention:
    """The article's ``sa``: built after step 3's three draws, without seeding again."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        torch.rand(3, 2), torch.rand(3, 2), torch.rand(3, 4)  # step 3's matrices
        return SelfAttention(3, 2, 2, 4)


@exercise_check(_("embed the 7 ids with helpers.embed, then call helper_sa on the (7, 3) matrix."))
def check_repeated_word_context(answer: Any) -> Verdict:
    """Exercise 1 of 07_self_attention_module.ipynb: the module on ``REPEAT_SENTENCE``, where
    the two 'dog's get the same context vector, within 1e-4."""
    hint = _("helpers.embed(helpers.encode(sentence, vocabulary)) gives (7, 3); "
             "helper_sa of it gives (7, 4).")  # fmt: skip
    x = embed(encode(REPEAT_SENTENCE, build_vocabulary(SENTENCE)))  # (7, 3): the course's table
    with torch.no_grad():
        right = _module_after_seeding()(x)  # (7, 4)
        article = _article_module()(x)  # (7, 4): the article's sa, drawn later in the stream
    if shape_of(answer) == (9, 4):
        return not_yet(_("that is the output for the course sentence (9 words); this sentence "
                         "has 7."), hint)  # fmt: skip
    tensor, problem = read_tensor(answer, (7, 4), _("the sentence's context vectors"), hint)
    if problem:
        return problem
    done = _("rows 1 and 6, the two 'dog's, are the same vector: the same word meets the same "
             "set of words, and self-attention does not see where it stands (the section "
             "\"Word order: the module does not see it\").")  # fmt: skip
    return judge(tensor, right, done, hint) or mistake(tensor, [
        (article, _("these are the context vectors of the article's sa, whose weights came later "
                    "in the random stream."),
         _("use helper_sa, built right after torch.manual_seed(123).")),
    ], hint) or not_yet(
        _("these are not helper_sa's context vectors for this sentence."),
        _("use helper_sa (built right after torch.manual_seed(123)). {hint}", hint=hint))  # fmt: skip


def one_column_gradients() -> dict[str, torch.Tensor]:
    """``W_value``'s gradient, shape (3, 4), for the loss ``Z[:, 0].sum()`` of Exercise 2
    (``"right"``), and what the usual slips give instead."""
    x = embed(encode(SENTENCE, build_vocabulary(SENTENCE)))  # (9, 3): step 2's embedded
    found = {}
    for name, module, loss_of in [
        ("right", _module_after_seeding(), lambda z: z[:, 0].sum()),
        ("whole", _module_after_seeding(), lambda z: z.sum()),
        ("row", _module_after_seeding(), lambda z: z[0].sum()),
        ("article", _article_module(), lambda z: z[:, 0].sum()),
    ]:
        loss_of(module(x)).backward()
        found[name] = module.W_value.grad  # (3, 4)
    found["twice"] = 2 * found["right"]  # a second backward pass on the same module
    learner = _module_after_seeding()  # the lesson's learner: one backward pass, one step
    learner(x).sum().backward()
    with torch.no_grad():
        for parameter in learner.parameters():
            parameter -= 0.1 * parameter.grad
    learner(x)[:, 0].sum().backward()  # without zeroing: the sum of both passes' gradients
    found["learner"] = learner.W_value.grad
    return found


@exercise_check(_("build a fresh module after torch.manual_seed(123), take the loss "
                  "Z[:, 0].sum(), call .backward() and read W_value.grad."))  # fmt: skip
def check_one_column_gradient(answer: Any) -> Verdict:
    """Exercise 2 of 07_self_attention_module.ipynb: ``W_value``'s gradient for the loss
    ``Z[:, 0].sum()``: column 0 as for ``Z.sum()``, columns 1 to 3 zero, within 1e-4."""
    hint = _("torch.manual_seed(123); probe = helpers.SelfAttention(3, 2, 2, 4); "
             "probe(embedded)[:, 0].sum().backward(); then probe.W_value.grad.")  # fmt: skip
    if answer is None:
        return not_yet(_("you gave None: a parameter's .grad stays None until a backward pass "
                         "reaches it."), _("call .backward() on the loss first."))  # fmt: skip
    tensor, problem = read_tensor(answer, (3, 4), _("W_value's gradient"), hint)
    if problem:
        return problem
    found = one_column_gradients()
    done = _("only column 0 of W_value reaches the loss, so only it gets a gradient, the same "
             "column as for Z.sum(); columns 1 to 3 are exactly 0. W_query and W_key still get "
             "gradients: they shape the weights, and the weights reach column 0.")  # fmt: skip
    return judge(tensor, found["right"], done, hint) or mistake(tensor, [
        (found["whole"], _("this is the gradient of Z.sum(), where all four columns count; "
                           "the loss here is column 0 alone."), None),
        (found["twice"], _("this is twice the gradient: .grad adds up over backward passes "
                           "(pitfall 2)."),
         _("build a fresh module, or call zero_grad() before the backward pass.")),
        (found["learner"], _("this is learner's gradient: it still held the gradient of Z.sum(), "
                             "and .grad adds up (pitfall 2); its weights had also moved."),
         _("build a fresh module after torch.manual_seed(123).")),
        (found["row"], _("this is the gradient of Z[0].sum(), the first word's row; the first "
                         "column is Z[:, 0]."), None),
        (found["article"], _("this is the gradient for the article's sa, whose weights came "
                             "later in the random stream."),
         _("build the module right after torch.manual_seed(123).")),
    ], hint) or not_yet(_("this is not W_value's gradient for the loss Z[:, 0].sum()."), hint)  # fmt: skip
