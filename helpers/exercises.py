"""Exercise checks: each takes the learner's answer and returns a friendly verdict.

A check never raises on a wrong answer. It returns a :class:`Verdict` whose text says
whether the answer is correct, what is wrong with it, and a hint. An answer that is
still the placeholder ``...`` gets "Not attempted yet". Checks are grouped by lesson;
the first ones are used in 01_vocabulary.ipynb ("Exercises").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from helpers._validate import describe
from helpers.lesson import SENTENCE
from helpers.vocabulary import build_vocabulary, encode

Status = Literal["correct", "not yet", "not attempted"]


@dataclass(frozen=True)
class Verdict:
    """What a check says about an answer. A notebook shows its ``message``."""

    status: Status
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message


def correct(message: str) -> Verdict:
    return Verdict("correct", f"Correct! {message}")


def not_yet(problem: str, hint: str) -> Verdict:
    return Verdict("not yet", f"Not yet: {problem}\nHint: {hint}")


def not_attempted(hint: str) -> Verdict:
    return Verdict(
        "not attempted",
        f"Not attempted yet: replace the ... with your answer and run this cell again.\nHint: {hint}",
    )


def exercise_check(hint: str) -> Callable[[Callable[[Any], Verdict]], Callable[[Any], Verdict]]:
    """Decorate a check: handle the ``...`` placeholder, and never let it raise.

    ``hint`` is shown with "Not attempted yet". If the check itself fails on some
    unforeseen answer, the learner still gets a "Not yet" that names the answer's type.
    """

    def decorate(check: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
        @functools.wraps(check)
        def run(answer: Any) -> Verdict:
            if answer is Ellipsis:
                return not_attempted(hint)
            try:
                return check(answer)
            except Exception as error:  # a check must answer, whatever it is given
                return not_yet(
                    f"this check could not read your answer, {describe(answer)} "
                    f"({type(error).__name__}: {error}).",
                    hint,
                )

        return run

    return decorate


def _vocabulary_verdict(answer: Any, sentence: str, hint: str) -> Verdict:
    """Compare a learner's vocabulary dict with the one built from ``sentence``."""
    expected = build_vocabulary(sentence)
    if not isinstance(answer, dict):
        return not_yet(
            f"a vocabulary is a dict from each word to its id; you gave {describe(answer)}.",
            hint,
        )
    keys = list(answer)
    if not all(isinstance(k, str) for k in keys):
        return not_yet("every key of the vocabulary should be a word (a string).", hint)
    with_commas = [k for k in keys if "," in k]
    if with_commas:
        return not_yet(
            f"{', '.join(map(repr, with_commas))} still carries a comma.",
            "remove commas before splitting: sentence.replace(',', '').split()",
        )
    missing = [w for w in expected if w not in answer]
    extra = [k for k in keys if k not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(map(repr, missing))}")
        if extra:
            parts.append(f"unexpected {', '.join(map(repr, extra))}")
        lowered = {w.lower() for w in missing} & {k.lower() for k in extra}
        tip = "keep each word's case: 'Life' and 'life' are different words." if lowered else hint
        return not_yet("the words are not the sentence's words: " + "; ".join(parts) + ".", tip)
    ids = list(answer.values())
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return not_yet(f"every id should be an int; you have {ids}.", hint)
    if sorted(ids) != list(range(len(expected))):
        return not_yet(
            f"the ids should be 0 to {len(expected) - 1}, each used once; you have {sorted(ids)}.",
            "number the distinct words: enumerate(sorted(set(words))). "
            "A repeated word must not use up an extra id.",
        )
    wrong = [w for w in expected if answer[w] != expected[w]]
    if wrong:
        word = wrong[0]
        return not_yet(
            f"{word!r} has id {answer[word]}, but in sorted order it is word number {expected[word]}.",
            "ids follow sorted(...) order, where uppercase letters come before lowercase ones.",
        )
    return correct(f"{len(expected)} words, numbered in sorted order: {expected}")


# ---- 01_vocabulary.ipynb ---------------------------------------------------------------

LIFE_SENTENCE = "Life is short, eat dessert first"
"""Sebastian Raschka's example sentence: the reason the article strips commas."""

REPEAT_SENTENCE = "the dog saw the cat"
"""A sentence with a repeated word, where the article's one-liner leaves a gap in the ids."""

NEW_ORDER_SENTENCE = "The lazy fox jumps over a quick brown dog"
"""The lesson's nine words in a new order, to encode with the lesson's vocabulary."""


@exercise_check("build it as the lesson did: strip commas, split, sort, number from 0.")
def check_life_vocabulary(answer: Any) -> Verdict:
    """Exercise 1 of 01_vocabulary.ipynb: the vocabulary of ``LIFE_SENTENCE``."""
    return _vocabulary_verdict(
        answer, LIFE_SENTENCE, "strip commas, split, sort, then number the words from 0."
    )


@exercise_check("use the lesson's vocabulary dict and torch.tensor, as the lesson did.")
def check_new_order_ids(answer: Any) -> Verdict:
    """Exercise 2 of 01_vocabulary.ipynb: ``NEW_ORDER_SENTENCE`` as a tensor of lesson ids."""
    expected = encode(NEW_ORDER_SENTENCE, build_vocabulary(SENTENCE))
    hint = "look each word up in the lesson's vocabulary, then wrap the list in torch.tensor(...)."
    if isinstance(answer, (list, tuple)):
        return not_yet(
            f"you gave a Python {type(answer).__name__}; the embedding layer needs a tensor.",
            "wrap your list: torch.tensor(my_list).",
        )
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"the answer should be a tensor of ids; you gave {describe(answer)}.", hint)
    if answer.dtype != torch.int64:
        return not_yet(
            f"the ids have dtype {answer.dtype}; ids are whole numbers, dtype torch.int64.",
            "build it from a list of ints: torch.tensor([...]) gives int64.",
        )
    if answer.shape != expected.shape:
        return not_yet(
            f"the tensor has shape {tuple(answer.shape)}; one id per word gives {tuple(expected.shape)}.",
            hint,
        )
    mismatches = (answer != expected).nonzero().flatten().tolist()
    if mismatches:
        position = mismatches[0]
        word = NEW_ORDER_SENTENCE.split()[position]
        return not_yet(
            f"position {position} ({word!r}) holds {answer[position].item()}; the lesson's "
            f"vocabulary gives {word!r} the id {expected[position].item()}.",
            "use the lesson's vocabulary (built from the lesson's sentence), not a new one.",
        )
    return correct(f"The sentence as ids: {expected}")


@exercise_check("deduplicate the words before you number them.")
def check_repeat_vocabulary(answer: Any) -> Verdict:
    """Exercise 3 of 01_vocabulary.ipynb: the gap-free vocabulary of ``REPEAT_SENTENCE``."""
    return _vocabulary_verdict(
        answer, REPEAT_SENTENCE, "number the distinct words: enumerate(sorted(set(words)))."
    )


# ---- 02_embedding, 03_query_key_value, 04_attention_scores (issue 3) ----


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
