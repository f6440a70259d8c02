"""Lesson 02, embedding (the maths: ``helpers.attention.embed``): picture, explorer, checks."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from helpers._validate import describe
from helpers.attention import embed
from helpers.course import SENTENCE
from helpers.ui.answers import (
    Verdict,
    exercise_check,
    form,
    judge,
    mistake,
    not_yet,
    read_number,
    read_tensor,
    shape_of,
)
from helpers.ui.charts import NumberLines
from helpers.ui.explore import Explorer, View, dropdown, explore
from helpers.ui.pictures import BLUE, GREY, INK, ORANGE
from helpers.ui.strings import translator
from helpers.vocabulary import build_vocabulary, encode, split_words

_ = translator(__name__)


@functools.cache
def course() -> tuple[list[str], dict[str, int], torch.Tensor]:
    """The sentence's words, vocabulary and (9, 3) embedding, computed once, RNG untouched."""
    vocabulary = build_vocabulary(SENTENCE)
    with torch.random.fork_rng(devices=[]):
        embedded = embed(encode(SENTENCE, vocabulary))  # (9, 3)
    return split_words(SENTENCE), vocabulary, embedded


# ---- picture ---------------------------------------------------------------------------


def _label_points(
    ax: Any, xs: Sequence[float], ys: Sequence[float], words: Sequence[str], highlight: int | None
) -> None:
    """Write each word beside its point, at the first of eight places around it where the label
    overlaps no other label, no other point and stays inside the axes (measured, not guessed)."""
    ax.apply_aspect()  # the axes' final box (equal aspect), before anything is measured
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    dots = ax.transData.transform(np.column_stack([xs, ys]))  # (n, 2) in display pixels
    radius = 5 * ax.figure.dpi / 72
    taken: list[Any] = []
    places = [(6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"),
              (0, -6, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
              (5, -5, "left", "top"), (-5, -5, "right", "top")]  # fmt: skip
    order = ([highlight] if highlight is not None else []) + [
        row for row in range(len(words)) if row != highlight
    ]
    for row in order:
        chosen = row == highlight
        best, least = None, None
        for dx, dy, ha, va in places:
            label = ax.annotate(words[row], (xs[row], ys[row]), xytext=(dx, dy),
                                textcoords="offset points", ha=ha, va=va, color=INK,
                                fontsize=9.5 if chosen else 8.5,
                                weight="bold" if chosen else "normal")  # fmt: skip
            box = label.get_window_extent(renderer)
            clash = sum(box.overlaps(other) for other in taken)
            clash += sum(
                box.x0 - radius < px < box.x1 + radius and box.y0 - radius < py < box.y1 + radius
                for k, (px, py) in enumerate(dots)
                if k != row
            )
            clash += not (inside.x0 <= box.x0 and box.x1 <= inside.x1
                          and inside.y0 <= box.y0 and box.y1 <= inside.y1)  # fmt: skip
            if least is None or clash < least:
                if best is not None:
                    best[0].remove()
                best, least = (label, box), clash
            else:
                label.remove()
            if clash == 0:
                break
        taken.append(best[1])


def word_vectors_figure(vectors: Any, words: Sequence[str], highlight: int | None = None) -> Figure:
    """Each row of ``vectors`` (n, 3) as a labelled point, seen along each pair of dimensions
    (dim 0 and dim 1, dim 0 and dim 2, dim 1 and dim 2), row ``highlight`` in orange.
    Introduced in 02_embedding.ipynb ("Picture")."""
    values = vectors.detach().numpy() if hasattr(vectors, "detach") else vectors  # (n, 3)
    if not isinstance(values, np.ndarray) or values.ndim != 2 or values.size == 0:
        raise TypeError(_("vectors must be a non-empty 2-D tensor of numbers; got {got}.",
                          got=describe(vectors)))  # fmt: skip
    if values.shape[1] != 3:
        raise ValueError(_("vectors must have 3 columns; got shape {shape}.", shape=values.shape))
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise TypeError(_("words must be a list of strings; got {got}.", got=describe(words)))
    if len(words) != len(values):
        raise ValueError(_("words must hold {count} labels, one per row; got {got}.",
                           count=len(values), got=len(words)))  # fmt: skip
    if highlight is not None and not 0 <= highlight < len(words):
        raise ValueError(_("highlight must be from 0 to {last}; got {got}.",
                           last=len(words) - 1, got=highlight))  # fmt: skip
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(10.6, 3.9))
    FigureCanvasAgg(fig)  # a renderer, to measure the labels
    limit = 1.2 * float(np.abs(values).max())
    for panel, (a, b) in enumerate(((0, 1), (0, 2), (1, 2))):
        ax = fig.add_axes((0.055 + panel * 0.33, 0.13, 0.27, 0.74))
        ax.axhline(0, color=GREY, lw=0.8, ls=":", zorder=0)
        ax.axvline(0, color=GREY, lw=0.8, ls=":", zorder=0)
        inks = [ORANGE if row == highlight else BLUE for row in range(len(words))]
        sizes = [70 if row == highlight else 30 for row in range(len(words))]
        ax.scatter(values[:, a], values[:, b], c=inks, s=sizes, zorder=2)
        ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal")
        ax.set_xlabel(_("dim {d}", d=a), fontsize=9)
        ax.set_ylabel(_("dim {d}", d=b), fontsize=9, labelpad=1)
        ax.tick_params(labelsize=7.5)
        ax.set_title(_("dim {a} and dim {b}", a=a, b=b), fontsize=9.5)
        _label_points(ax, values[:, a].tolist(), values[:, b].tolist(), words, highlight)
    fig.suptitle(_("Each word is a point in 3-D, seen here along each pair of dimensions"),
                 fontsize=11, y=0.975)  # fmt: skip
    return fig


# ---- explorer --------------------------------------------------------------------------


def render_embedding(word: str) -> View:
    """The word's id, position and vector, and its place on each dimension among the others."""
    words, vocabulary, embedded = course()
    position, token_id = words.index(word), vocabulary[word]
    vector = embedded[position]  # (3,)
    numbers = ", ".join(f"{x:.4f}" for x in vector.tolist())
    text = "\n".join([
        _("word: {word!r}   id: {id}   position in the sentence: {position}", word=word,
          id=token_id, position=position),
        _("vector: [{numbers}]", numbers=numbers),
        _("= row {id} of the table embed.weight = row {position} of embedded_sentence",
          id=token_id, position=position),
        _("length of the vector: {length:.4f}", length=vector.norm().item()),
    ])  # fmt: skip
    picture = NumberLines(
        {_("dimension {d}", d=d): column for d, column in enumerate(embedded.T.tolist())},
        marked=position, title=_("{word!r} (orange) among the other words (grey)", word=word),
        description=_("Three number lines, one per dimension of the word vectors: every word "
                      "is a grey dot, named below its line (the names in the dots' order, each "
                      "joined to its dot by a thin line); {word!r} is orange at {numbers}.",
                      word=word, numbers=numbers),
        words=tuple(words),
    )  # fmt: skip
    return View(text, picture)


def embedding_explorer() -> Explorer:
    """Pick a word of the sentence; see its id, its vector, and where it lies on each dimension.
    Introduced in 02_embedding.ipynb ("Explore")."""
    return explore(
        render_embedding,
        height="190px",
        word=dropdown("word", _("Word:"), course()[0], "fox"),
        fallback=_(
            "[Embedding explorer: pick a word to see its id and its vector. It needs a "
            "live kernel (JupyterLab or Binder); the picture below shows its starting state.]"
        ),
    )


# ---- exercises (precision: within 1e-4, what the lesson's 4 printed decimals give) -----


NEW_SENTENCE = "a lazy dog jumps over a fox"  # 7 of our words, 'a' twice (positions 0 and 5)


@exercise_check(_("encode the new sentence with this lesson's vocab, then look its ids up in "
                  "the same table, embed."))  # fmt: skip
def check_new_sentence_embedding(answer: Any) -> Verdict:
    """Exercise 1 of 02_embedding.ipynb: ``NEW_SENTENCE`` embedded with the lesson's vocabulary
    and table, (7, 3), within 1e-4."""
    _words, vocabulary, _embedded = course()
    hint = _("torch.tensor([vocab[word] for word in new_sentence.split()]) gives 7 ids; "
             "embed(ids).detach() gives their rows.")  # fmt: skip
    new_words = NEW_SENTENCE.split()
    with torch.random.fork_rng(devices=[]):
        right = embed(torch.tensor([vocabulary[w] for w in new_words]))  # (7, 3)
        renumbered = {w: i for i, w in enumerate(sorted(set(new_words)))}  # its own vocabulary
        own_ids = embed(torch.tensor([renumbered[w] for w in new_words]))
        positions = embed(torch.arange(len(new_words)))
    shape = shape_of(answer)
    if shape == (3, 7):
        return not_yet(_("your matrix is (3, 7), turned round: one row per word, so (7, 3)."),
                       _("drop the .T, or transpose back."))  # fmt: skip
    if shape == (9, 3):
        return not_yet(_("that is our sentence's matrix (9 words); the new sentence has 7."), hint)
    matrix, problem = read_tensor(answer, (7, 3), _("the new sentence's embedding"), hint)
    if problem:
        return problem
    done = _("rows 0 and 5, the two 'a's, are the same row of the table (id {id}): a word's "
             "vector depends on its id only, not on where it stands or what stands beside it. "
             "Every row is also a row of embedded_sentence.", id=vocabulary["a"])  # fmt: skip
    return judge(matrix, right, done, hint) or mistake(matrix, [
        (own_ids, _("you numbered the new sentence's words afresh ('a' = 0, 'dog' = 1, ...): "
                    "those are other rows of the table. The table is indexed by the lesson's "
                    "ids."), _("use this lesson's vocab, not a new one.")),
        (positions, _("these are rows 0 to 6 of the table: you used the words' positions as "
                      "ids."), hint),
    ], hint) or not_yet(_("these are not the rows of the new sentence's words."), hint)  # fmt: skip


@exercise_check(_("a float tensor of 50,000 zeros with a 1 at the id of 'lazy'."))
def check_lazy_one_hot(answer: Any) -> Verdict:
    """Exercise 2 of 02_embedding.ipynb: the one-hot vector that picks the row of 'lazy'."""
    words, vocabulary, _embedded = course()
    hint = _("start from torch.zeros(50000) and set the entry at the id of 'lazy' "
             "(vocab['lazy']) to 1.")  # fmt: skip
    if (shape := shape_of(answer)) in ((9,), (3,)):
        return not_yet(_("your vector has {count} entries; a one-hot vector has one entry per "
                         "row of the table, and the table has 50,000 rows.", count=shape[0]), hint)  # fmt: skip
    vector, problem = read_tensor(answer, (50_000,), _("the one-hot vector"), hint)
    if problem:
        return problem
    expected = torch.nn.functional.one_hot(torch.tensor(vocabulary["lazy"]), 50_000)
    done = _("one_hot @ embed.weight picks row 6 of the table: the vector of 'lazy'.")
    if not isinstance(answer, torch.Tensor):
        done = _("{done} You gave it as {form}; to multiply it with embed.weight, make it a "
                 "float tensor: torch.tensor(..., dtype=torch.float32).", done=done, form=form(answer))  # fmt: skip
    elif not answer.is_floating_point():
        done = _("{done} Your tensor holds integers ({dtype}); convert it with .float() before "
                 "multiplying it with the float table.", done=done, dtype=answer.dtype)  # fmt: skip
    if verdict := judge(vector, expected, done, hint):
        return verdict
    ones = (vector == 1).nonzero().flatten().tolist()
    others = int(((vector != 0) & (vector != 1)).sum())
    if others or len(ones) != 1:
        return not_yet(_("a one-hot vector holds exactly one 1 and zeros elsewhere; yours has "
                         "{ones} ones and {others} other non-zero entries.",
                         ones=len(ones), others=others), hint)  # fmt: skip
    if ones[0] == words.index("lazy"):
        return not_yet(_("your 1 is at index 7, the position of 'lazy' in the sentence; the table "
                         "is indexed by id, and 'lazy' has id 6."), _("use vocab['lazy']."))  # fmt: skip
    return not_yet(_("your 1 is at index {index}; 'lazy' has id 6.", index=ones[0]), hint)


GPT2_VOCABULARY, GPT2_WIDTH = 50_257, 768  # GPT-2 small's token table (Radford et al., 2019)


@exercise_check(_("a table has one row per token id and one number per dimension: rows times "
                  "columns."))  # fmt: skip
def check_table_parameters(answer: Any) -> Verdict:
    """Exercise 3 of 02_embedding.ipynb: the learnable numbers of GPT-2 small's token table,
    nn.Embedding(50257, 768), exact."""
    hint = _("nn.Embedding(50257, 768) has 50,257 rows of 768 numbers; "
             "nn.Embedding(50257, 768).weight.numel() counts them.")  # fmt: skip
    count, problem = read_number(answer, _("the count"), hint)
    if problem:
        return problem
    if count != int(count):
        return not_yet(_("a count is a whole number; you gave {count}.", count=count), hint)
    right = GPT2_VOCABULARY * GPT2_WIDTH
    done = _("50,257 rows × 768 numbers = 38,597,376 learnable numbers, about 31% of GPT-2 "
             "small's 124 million; the article's table has 150,000.")  # fmt: skip
    if verdict := judge(count, right, done, hint, tolerance=0):
        return verdict
    known = {
        50_000 * 3: _(
            "150,000 is the article's table, nn.Embedding(50000, 3); this one is "
            "nn.Embedding(50257, 768)."
        ),
        GPT2_VOCABULARY: _("50,257 is the number of rows; each row holds 768 numbers."),
        GPT2_WIDTH: _("768 is the length of one vector; the table has 50,257 of them."),
        GPT2_VOCABULARY + GPT2_WIDTH: _(
            "you added rows and columns; a table holds rows times columns numbers."
        ),
    }
    return not_yet(known.get(count, _("{count} is not the number of entries in the table.",
                                      count=int(count))), hint)  # fmt: skip
