"""Lesson 01, vocabulary: its picture, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.vocabulary`` (split_words, build_vocabulary,
encode).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers._validate import describe
from helpers.course import SENTENCE
from helpers.ui.answers import Verdict, correct, exercise_check, form, judge, not_yet, read_tensor
from helpers.ui.explore import Explorer, View, checkbox, explore, sentence_box
from helpers.ui.pictures import GREY, INK, MUTED, Message, TokenBoxes, colour
from helpers.ui.strings import translator
from helpers.vocabulary import build_vocabulary, encode, split_words

_ = translator(__name__)


# ---- picture ---------------------------------------------------------------------------


def vocabulary_figure(vocabulary: Mapping[str, int], words: Sequence[str]) -> Figure:
    """The vocabulary (top, in id order) and the sentence (bottom, in word order), joined.

    A line joins each word of the sentence to its entry in the vocabulary, so the picture
    shows that encoding is a look-up and that id order is not sentence order. Boxes are
    coloured by id (cividis). Introduced in 01_vocabulary.ipynb ("Picture").
    """
    if not isinstance(vocabulary, Mapping) or not vocabulary:
        raise TypeError(
            _("vocabulary must be a non-empty dict from word to id; got {got}.",
              got=describe(vocabulary))
        )  # fmt: skip
    if isinstance(words, str) or not words or not all(isinstance(w, str) for w in words):
        raise TypeError(
            _("words must be a non-empty list of strings; got {got}.", got=describe(words))
        )
    unknown = [w for w in words if w not in vocabulary]
    if unknown:
        raise ValueError(
            _("words must all be in vocabulary; got words missing from it: {unknown}.",
              unknown=unknown)
        )  # fmt: skip
    entries = sorted(vocabulary.items(), key=lambda entry: entry[1])  # id order
    slot = {word: x for x, (word, _id) in enumerate(entries)}
    top = max(max(vocabulary.values()), 1)
    width = max(len(entries), len(words))
    fig = Figure(figsize=(max(5.0, 1.0 * width), 2.9))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(-0.9, width), ylim=(0, 2.9))
    ax.axis("off")

    def box(x: float, y: float, word: str, label_y: float) -> None:
        background, ink = colour(vocabulary[word], 0, top)
        ax.add_patch(
            FancyBboxPatch((x + 0.1, y - 0.25), 0.8, 0.5, facecolor=background,
                           boxstyle="round,pad=0.0,rounding_size=0.08", edgecolor="white")
        )  # fmt: skip
        ax.text(x + 0.5, y, str(vocabulary[word]), ha="center", va="center", fontsize=12,
                weight="bold", color=ink)  # fmt: skip
        ax.text(x + 0.5, label_y, word, ha="center", va="center", fontsize=10, color=INK)

    for y, label in ((2.35, _("vocabulary\n(id order)")), (0.55, _("sentence\n(word order)"))):
        ax.text(-0.85, y, label, fontsize=8.5, color=MUTED, va="center")
    for word, x in slot.items():
        box(x, 2.35, word, 2.78)
    for position, word in enumerate(words):
        box(position, 0.55, word, 0.12)
        ax.plot([position + 0.5, slot[word] + 0.5], [0.82, 2.08], color=GREY, lw=1, zorder=0)
    return fig


# ---- explorer --------------------------------------------------------------------------


def render_vocabulary(sentence: str, use_lesson_vocabulary: bool) -> View:
    """What the vocabulary explorer shows for ``sentence``: its words, vocabulary and ids.

    With ``use_lesson_vocabulary`` the sentence is encoded with the lesson's vocabulary
    (built from the course sentence), and words it lacks are listed as unknown (``?``).
    """
    nothing = Message(_("(no words to show)"))
    if not sentence.strip():
        return View(
            _("The sentence box is empty: type a few words, for example 'the cat sat on the mat'."),
            nothing,
        )
    words = split_words(sentence)
    if not words:
        return View(
            _("Only commas so far: type a few words, for example 'the cat sat on the mat'."),
            nothing,
        )
    lines = [_("words ({count}): {words}", count=len(words), words=words)]
    if use_lesson_vocabulary:
        vocabulary = build_vocabulary(SENTENCE)
        ids = [vocabulary.get(w) for w in words]
        shown = ", ".join("?" if i is None else str(i) for i in ids)
        lines += [
            _("vocabulary: the lesson's {count} words", count=len(vocabulary)),
            _("ids: [{ids}]", ids=shown),
        ]
        unknown = sorted({w for w in words if w not in vocabulary})
        if unknown:
            lines.append(
                _("unknown words ({count}): {words}. They have no id, so encode() would refuse "
                  "this sentence; a subword tokenizer would split them into pieces it knows.",
                  count=len(unknown), words=", ".join(map(repr, unknown)))
            )  # fmt: skip
    else:
        vocabulary = build_vocabulary(sentence)
        ids = [vocabulary[w] for w in words]
        lines += [
            _("vocabulary ({count} distinct words): {vocabulary}", count=len(vocabulary),
              vocabulary=vocabulary),
            _("ids: {ids}", ids=ids),
        ]  # fmt: skip
    return View("\n".join(lines), TokenBoxes(words, ids))


def vocabulary_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type any sentence; see its words, its vocabulary and its ids, as text and as a picture.

    A checkbox switches from "a vocabulary built from this sentence" to "the lesson's
    vocabulary", which shows what happens to words a vocabulary has never seen.
    Introduced in 01_vocabulary.ipynb ("Explore").
    """
    return explore(
        render_vocabulary,
        sentence=sentence_box(sentence),
        use_lesson_vocabulary=checkbox(
            "use-lesson-vocabulary",
            _("Encode with the lesson's vocabulary (shows unknown words)"),
            False,
        ),
        fallback=_(
            "[Vocabulary explorer: type a sentence to see its vocabulary and ids. It needs a "
            "live kernel (JupyterLab or Binder); the picture below shows its starting state.]"
        ),
    )


# ---- exercises -------------------------------------------------------------------------

LIFE_SENTENCE = "Life is short, eat dessert first"
"""Sebastian Raschka's example sentence: the reason the article strips commas."""

REPEAT_SENTENCE = "the dog saw the cat"
"""A sentence with a repeated word, where the article's one-liner leaves a gap in the ids."""

NEW_ORDER_SENTENCE = "The lazy fox jumps over a quick brown dog"
"""The lesson's nine words in a new order, to encode with the lesson's vocabulary."""


def _vocabulary_verdict(answer: Any, sentence: str, hint: str) -> Verdict:
    """A learner's vocabulary dict compared with the one built from ``sentence``."""
    expected = build_vocabulary(sentence)
    if not isinstance(answer, dict):
        return not_yet(
            _("a vocabulary is a dict from each word to its id; you gave {answer}.",
              answer=describe(answer)),
            hint,
        )  # fmt: skip
    if not all(isinstance(k, str) for k in answer):
        return not_yet(_("every key of the vocabulary should be a word (a string)."), hint)
    with_commas = [k for k in answer if "," in k]
    if with_commas:
        return not_yet(
            _("{words} still carries a comma.", words=", ".join(map(repr, with_commas))),
            _("remove commas before splitting: sentence.replace(',', '').split()"),
        )
    missing = [w for w in expected if w not in answer]
    extra = [k for k in answer if k not in expected]
    if missing or extra:
        parts = [_("missing {words}", words=", ".join(map(repr, missing)))] if missing else []
        if extra:
            parts.append(_("unexpected {words}", words=", ".join(map(repr, extra))))
        case_only = {w.lower() for w in missing} & {k.lower() for k in extra}
        tip = _("keep each word's case: 'Life' and 'life' are different words.")
        return not_yet(
            _("the words are not the sentence's words: {parts}.", parts="; ".join(parts)),
            tip if case_only else hint,
        )
    ids = list(answer.values())
    if not all(isinstance(i, Integral) and not isinstance(i, bool) for i in ids):
        return not_yet(_("every id should be an int; you have {ids}.", ids=ids), hint)
    if sorted(ids) != list(range(len(expected))):
        return not_yet(
            _("the ids should be 0 to {last}, each used once; you have {ids}.",
              last=len(expected) - 1, ids=sorted(ids)),
            _("number the distinct words: enumerate(sorted(set(words))). "
              "A repeated word must not use up an extra id."),
        )  # fmt: skip
    wrong = [w for w in expected if answer[w] != expected[w]]
    if wrong:
        return not_yet(
            _("{word!r} has id {got}, but in sorted order it is word number {right}.",
              word=wrong[0], got=answer[wrong[0]], right=expected[wrong[0]]),
            _("ids follow sorted(...) order, where uppercase letters come before lowercase ones."),
        )  # fmt: skip
    return correct(
        _("{count} words, numbered in sorted order: {vocabulary}", count=len(expected),
          vocabulary=expected)
    )  # fmt: skip


# precision: a vocabulary is a dict, compared exactly (words as str keys, ids as ints).
@exercise_check(_("build it as the lesson did: strip commas, split, sort, number from 0."))
def check_life_vocabulary(answer: Any) -> Verdict:
    """Exercise 1 of 01_vocabulary.ipynb: the vocabulary of ``LIFE_SENTENCE``."""
    return _vocabulary_verdict(
        answer, LIFE_SENTENCE, _("strip commas, split, sort, then number the words from 0.")
    )


# precision: ids are whole numbers, compared exactly; any dtype, a NumPy array or a list is
# read as its values, and a form the embedding layer cannot take gets a note with "Correct!".
@exercise_check(_("use the lesson's vocabulary dict and torch.tensor, as the lesson did."))
def check_new_order_ids(answer: Any) -> Verdict:
    """Exercise 2 of 01_vocabulary.ipynb: ``NEW_ORDER_SENTENCE`` as a tensor of lesson ids."""
    expected = encode(NEW_ORDER_SENTENCE, build_vocabulary(SENTENCE))  # (9,) int64
    hint = _(
        "look each word up in the lesson's vocabulary, then wrap the list in torch.tensor(...)."
    )
    ids, problem = read_tensor(answer, (9,), _("the sentence as ids"), hint)
    if problem:
        return problem
    done = _("The sentence as ids: {ids}", ids=expected)
    if not isinstance(answer, torch.Tensor):
        done = _("{done}. You gave the right ids as {form}; the embedding layer of step 2 "
                 "needs a tensor: wrap them in torch.tensor(...).", done=done, form=form(answer))  # fmt: skip
    elif answer.is_floating_point():
        done = _("{done}. Your tensor holds them as floats ({dtype}); the embedding layer of "
                 "step 2 needs integer ids: torch.tensor(...) of a list of ints gives int64.",
                 done=done, dtype=answer.dtype)  # fmt: skip
    if verdict := judge(ids, expected, done, hint, tolerance=0):
        return verdict
    position = int((ids != expected).nonzero()[0])
    word = NEW_ORDER_SENTENCE.split()[position]
    return not_yet(
        _("position {position} ({word!r}) holds {got:g}; the lesson's vocabulary gives "
          "{word!r} the id {right}.",
          position=position, word=word, got=float(ids[position]), right=int(expected[position])),
        _("use the lesson's vocabulary (built from the lesson's sentence), not a new one."),
    )  # fmt: skip


# precision: a vocabulary is a dict, compared exactly (words as str keys, ids as ints).
@exercise_check(_("deduplicate the words before you number them."))
def check_repeat_vocabulary(answer: Any) -> Verdict:
    """Exercise 3 of 01_vocabulary.ipynb: the gap-free vocabulary of ``REPEAT_SENTENCE``."""
    return _vocabulary_verdict(
        answer, REPEAT_SENTENCE, _("number the distinct words: enumerate(sorted(set(words))).")
    )
