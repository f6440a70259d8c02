"""Lesson 01, vocabulary: its picture, its explorer and its exercise checks.

The maths is ``helpers.vocabulary``; every string a learner reads goes through ``_``.
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
from helpers.ui.charts import TokenBoxes
from helpers.ui.explore import Explorer, View, checkbox, explore, sentence_box
from helpers.ui.pictures import GREY, INK, MUTED, Message, colour
from helpers.ui.strings import translator
from helpers.vocabulary import build_vocabulary, encode, split_words

_ = translator(__name__)


# ---- picture ---------------------------------------------------------------------------


def vocabulary_figure(vocabulary: Mapping[str, int], words: Sequence[str]) -> Figure:
    """The vocabulary (top, id order) and the sentence (bottom, word order), each word joined
    to its entry. Introduced in 01_vocabulary.ipynb ("Picture")."""
    if not isinstance(vocabulary, Mapping) or not vocabulary:
        raise TypeError(_("vocabulary must be a non-empty dict from word to id; got {got}.",
                          got=describe(vocabulary)))  # fmt: skip
    if isinstance(words, str) or not words or not all(isinstance(w, str) for w in words):
        raise TypeError(_("words must be a non-empty list of strings; got {got}.",
                          got=describe(words)))  # fmt: skip
    if unknown := [w for w in words if w not in vocabulary]:
        raise ValueError(_("words must all be in vocabulary; got words missing from it: {unknown}.",
                           unknown=unknown))  # fmt: skip
    slot = {word: x for x, word in enumerate(sorted(vocabulary, key=vocabulary.get))}
    top = max(max(vocabulary.values()), 1)
    width = max(len(slot), len(words))
    fig = Figure(figsize=(max(5.0, 1.0 * width), 2.9))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(-0.9, width), ylim=(0, 2.9))
    ax.axis("off")
    for y, label in ((2.35, _("vocabulary\n(id order)")), (0.55, _("sentence\n(word order)"))):
        ax.text(-0.85, y, label, fontsize=8.5, color=MUTED, va="center")
    boxes = [(x, 2.35, 2.78, word) for word, x in slot.items()]  # vocabulary, labels above
    boxes += [(x, 0.55, 0.12, word) for x, word in enumerate(words)]  # sentence, labels below
    for x, y, label_y, word in boxes:
        background, ink = colour(vocabulary[word], 0, top)
        ax.add_patch(
            FancyBboxPatch((x + 0.1, y - 0.25), 0.8, 0.5, facecolor=background,
                           boxstyle="round,pad=0.0,rounding_size=0.08", edgecolor="white")
        )  # fmt: skip
        ax.text(x + 0.5, y, str(vocabulary[word]), ha="center", va="center", fontsize=12,
                weight="bold", color=ink)  # fmt: skip
        ax.text(x + 0.5, label_y, word, ha="center", va="center", fontsize=10, color=INK)
    for position, word in enumerate(words):
        ax.plot([position + 0.5, slot[word] + 0.5], [0.82, 2.08], color=GREY, lw=1, zorder=0)
    return fig


# ---- explorer --------------------------------------------------------------------------


def render_vocabulary(sentence: str, use_lesson_vocabulary: bool) -> View:
    """The sentence's words, vocabulary (its own or the lesson's) and ids; unknown ids are ?."""
    empty = not sentence.strip()
    words = [] if empty else split_words(sentence)
    if not words:
        why = _("The sentence box is empty") if empty else _("Only commas so far")
        text = _("{why}: type a few words, for example 'the cat sat on the mat'.", why=why)
        return View(text, Message(_("(no words to show)")))
    vocabulary = build_vocabulary(SENTENCE if use_lesson_vocabulary else sentence)
    ids = [vocabulary.get(w) for w in words]
    lines = [
        _("words ({count}): {words}", count=len(words), words=words),
        _("vocabulary: the lesson's {count} words", count=len(vocabulary))
        if use_lesson_vocabulary
        else _("vocabulary ({count} distinct words): {vocabulary}", count=len(vocabulary),
               vocabulary=vocabulary),
        _("ids: [{ids}]", ids=", ".join("?" if i is None else str(i) for i in ids)),
    ]  # fmt: skip
    if unknown := sorted({w for w in words if w not in vocabulary}):
        lines.append(_("unknown words ({count}): {words}. They have no id, so encode() would refuse "
                       "this sentence; a subword tokenizer would split them into pieces it knows.",
                       count=len(unknown), words=", ".join(map(repr, unknown))))  # fmt: skip
    return View("\n".join(lines), TokenBoxes(words, ids))


def vocabulary_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type a sentence; see its words, vocabulary and ids, optionally with the lesson's
    vocabulary (unknown words). Introduced in 01_vocabulary.ipynb ("Explore")."""
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


# ---- exercises (a vocabulary is compared exactly: words as str keys, ids as ints) --------

LIFE_SENTENCE = "Life is short, eat dessert first"  # the article's reason to strip commas
REPEAT_SENTENCE = "the dog saw the cat"  # a repeated word: the article's one-liner leaves a gap
NEW_ORDER_SENTENCE = "The lazy fox jumps over a quick brown dog"  # the lesson's words, reordered


def _vocabulary_verdict(answer: Any, sentence: str, hint: str) -> Verdict:
    """A learner's vocabulary dict compared with the one built from ``sentence``."""
    expected = build_vocabulary(sentence)
    if not isinstance(answer, dict):
        return not_yet(_("a vocabulary is a dict from each word to its id; you gave {answer}.",
                         answer=describe(answer)), hint)  # fmt: skip
    if not all(isinstance(k, str) for k in answer):
        return not_yet(_("every key of the vocabulary should be a word (a string)."), hint)
    if with_commas := [k for k in answer if "," in k]:
        return not_yet(
            _("{words} still carries a comma.", words=", ".join(map(repr, with_commas))),
            _("remove commas before splitting: sentence.replace(',', '').split()"),
        )
    missing = [w for w in expected if w not in answer]
    extra = [k for k in answer if k not in expected]
    if missing or extra:
        parts = [_("missing {words}", words=", ".join(map(repr, missing)))] if missing else []
        parts += [_("unexpected {words}", words=", ".join(map(repr, extra)))] if extra else []
        if {w.lower() for w in missing} & {k.lower() for k in extra}:
            hint = _("keep each word's case: 'Life' and 'life' are different words.")
        return not_yet(_("the words are not the sentence's words: {parts}.",
                         parts="; ".join(parts)), hint)  # fmt: skip
    ids = list(answer.values())
    if not all(isinstance(i, Integral) and not isinstance(i, bool) for i in ids):
        return not_yet(_("every id should be an int; you have {ids}.", ids=ids), hint)
    words = sentence.replace(",", "").split()
    if sorted(ids) == list(range(1, len(expected) + 1)):
        return not_yet(_("your ids run from 1 to {last}; a vocabulary numbers from 0.",
                         last=len(expected)), _("enumerate(...) starts at 0: keep its numbers as "
                         "they are."))  # fmt: skip
    if sorted(ids) != list(range(len(expected))):
        repeated = (
            _(" A repeated word must not use up an extra id.")
            if len(set(words)) < len(words)
            else ""
        )
        return not_yet(_("the ids should be 0 to {last}, each used once; you have {ids}.",
                         last=len(expected) - 1, ids=sorted(ids)),
                       _("number the distinct words: enumerate(sorted(set(words))).{repeated}",
                         repeated=repeated))  # fmt: skip
    if wrong := [w for w in expected if answer[w] != expected[w]]:
        order = (_("ids follow sorted(...) order, where uppercase letters come before lowercase "
                   "ones.") if any(w[0].isupper() for w in expected)
                 else _("ids follow sorted(...) order: alphabetical."))  # fmt: skip
        return not_yet(_("{word!r} has id {got}, but in sorted order it is word number {right}.",
                         word=wrong[0], got=answer[wrong[0]], right=expected[wrong[0]]), order)  # fmt: skip
    return correct(_("{count} words, numbered in sorted order: {vocabulary}",
                     count=len(expected), vocabulary=expected))  # fmt: skip


@exercise_check(_("build it as the lesson did: strip commas, split, sort, number from 0."))
def check_life_vocabulary(answer: Any) -> Verdict:
    """Exercise 1 of 01_vocabulary.ipynb: the vocabulary of ``LIFE_SENTENCE``."""
    hint = _("strip commas, split, sort, then number the words from 0.")
    return _vocabulary_verdict(answer, LIFE_SENTENCE, hint)


# precision: ids compared exactly; a list, an array or floats get "Correct!" with a note.
@exercise_check(_("use the lesson's vocabulary dict and torch.tensor, as the lesson did."))
def check_new_order_ids(answer: Any) -> Verdict:
    """Exercise 2 of 01_vocabulary.ipynb: ``NEW_ORDER_SENTENCE`` as a tensor of lesson ids."""
    expected = encode(NEW_ORDER_SENTENCE, build_vocabulary(SENTENCE))  # (9,) int64
    hint = _("look each word up in the lesson's vocabulary, then wrap the list in "
             "torch.tensor(...).")  # fmt: skip
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
    return not_yet(_("position {position} ({word!r}) holds {got:g}; the lesson's vocabulary "
                     "gives {word!r} the id {right}.", position=position, word=word,
                     got=float(ids[position]), right=int(expected[position])),
                   _("use the lesson's vocabulary (built from the lesson's sentence), not a "
                     "new one."))  # fmt: skip


@exercise_check(_("deduplicate the words before you number them."))
def check_repeat_vocabulary(answer: Any) -> Verdict:
    """Exercise 3 of 01_vocabulary.ipynb: the gap-free vocabulary of ``REPEAT_SENTENCE``."""
    hint = _("number the distinct words: enumerate(sorted(set(words))).")
    return _vocabulary_verdict(answer, REPEAT_SENTENCE, hint)
