"""Lesson 01, vocabulary: its picture, its explorer and its exercise checks.

Ids come from the article's own code (tests/article_reference.py), independently of
helpers; expected texts are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from article_reference import run_article
from course import figure_text, picture_labels

from helpers.lessons import l01_vocabulary as lesson
from helpers.ui.charts import TokenBoxes
from helpers.ui.pictures import Message

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]


def article_vocabulary() -> dict[str, int]:
    with torch.random.fork_rng(devices=[]):
        return run_article()["dc"]


def numbered(sentence: str) -> dict[str, int]:
    """A gap-free vocabulary, written here with plain Python."""
    words = sentence.replace(",", "").split()
    return {word: index for index, word in enumerate(sorted(set(words)))}


RIGHT_ANSWERS = {
    "check_life_vocabulary": lambda: numbered("Life is short, eat dessert first"),
    "check_new_order_ids": lambda: torch.tensor(
        [article_vocabulary()[w] for w in "The lazy fox jumps over a quick brown dog".split()]
    ),
    "check_repeat_vocabulary": lambda: numbered("the dog saw the cat"),
}
"""The right answer of each exercise, computed without helpers (tests/test_toolkit.py)."""


# ---- picture ---------------------------------------------------------------------------


def test_vocabulary_figure_joins_each_word_to_its_entry() -> None:
    vocabulary = article_vocabulary()
    fig = lesson.vocabulary_figure(vocabulary, WORDS)
    (ax,) = fig.axes
    joins = [(line.get_xdata()[0] - 0.5, line.get_xdata()[1] - 0.5) for line in ax.lines]
    assert joins == [(position, vocabulary[w]) for position, w in enumerate(WORDS)]
    texts = figure_text(fig).split()
    assert texts.count("quick") == 2 and texts.count("8") == 2, "each word above and below"


# ---- explorer --------------------------------------------------------------------------


def boxes(pairs: str) -> list[str]:
    return [f"Each word above its id, in sentence order: {pairs}."]


def test_drive_vocabulary_explorer() -> None:
    explorer = lesson.vocabulary_explorer()
    sentence = explorer.controls["sentence"]
    use_lesson = explorer.controls["use_lesson_vocabulary"]
    assert isinstance(sentence, widgets.Text) and isinstance(use_lesson, widgets.Checkbox)
    assert "course-sentence" in sentence._dom_classes
    assert "course-use-lesson-vocabulary" in use_lesson._dom_classes
    assert use_lesson.description == "Encode with the lesson's vocabulary (shows unknown words)"
    assert explorer.picture.layout.height == "130px"
    assert explorer.fallback == (
        "[Vocabulary explorer: type a sentence to see its vocabulary and ids. It needs a live "
        "kernel (JupyterLab or Binder); the picture below shows its starting state.]"
    )
    ids = [article_vocabulary()[w] for w in WORDS]
    assert explorer.shown_text() == (
        f"words (9): {WORDS}\n"
        "vocabulary (9 distinct words): {'The': 0, 'a': 1, 'brown': 2, 'dog': 3, 'fox': 4, "
        "'jumps': 5, 'lazy': 6, 'over': 7, 'quick': 8}\n"
        f"ids: {ids}"
    )
    assert ids == [0, 8, 2, 4, 5, 7, 1, 6, 3]
    assert explorer.view.picture == TokenBoxes(WORDS, ids)
    assert picture_labels(explorer.picture.value) == boxes(
        "The 0, quick 8, brown 2, fox 4, jumps 5, over 7, a 1, lazy 6, dog 3"
    )
    assert ">quick<" in explorer.picture.value and ">8<" in explorer.picture.value

    sentence.value = "the dog saw the cat"
    assert explorer.shown_text() == (
        "words (5): ['the', 'dog', 'saw', 'the', 'cat']\n"
        "vocabulary (4 distinct words): {'cat': 0, 'dog': 1, 'saw': 2, 'the': 3}\n"
        "ids: [3, 1, 2, 3, 0]"
    )
    assert picture_labels(explorer.picture.value) == boxes("the 3, dog 1, saw 2, the 3, cat 0")

    sentence.value = "Life is short, eat <dessert> first"
    assert explorer.shown_text().splitlines()[0] == (
        "words (6): ['Life', 'is', 'short', 'eat', '<dessert>', 'first']"
    )
    assert "&lt;dessert&gt;" in explorer.text.value, "typed text is escaped, never run as HTML"
    assert "<dessert>" not in explorer.picture.value and "&lt;dessert&gt;" in explorer.picture.value

    use_lesson.value = True
    sentence.value = "The cat jumps over a dog, happily"
    assert explorer.shown_text() == (
        "words (7): ['The', 'cat', 'jumps', 'over', 'a', 'dog', 'happily']\n"
        "vocabulary: the lesson's 9 words\n"
        "ids: [0, ?, 5, 7, 1, 3, ?]\n"
        "unknown words (2): 'cat', 'happily'. They have no id, so encode() would refuse this "
        "sentence; a subword tokenizer would split them into pieces it knows."
    )
    assert picture_labels(explorer.picture.value) == boxes(
        "The 0, cat ?, jumps 5, over 7, a 1, dog 3, happily ?"
    )
    assert explorer.view.picture == TokenBoxes(
        ["The", "cat", "jumps", "over", "a", "dog", "happily"], [0, None, 5, 7, 1, 3, None]
    )
    sentence.value = "a lazy dog"
    assert explorer.shown_text().splitlines()[2:] == ["ids: [1, 6, 3]"], "no unknown words"

    use_lesson.value = False
    sentence.value = "The cat jumps over a dog, happily"
    assert explorer.shown_text().splitlines()[2] == "ids: [0, 2, 5, 6, 1, 3, 4]"

    for empty in ("", "   "):
        sentence.value = empty
        assert explorer.shown_text() == (
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
        )
        assert explorer.view.picture == Message("(no words to show)")
        assert picture_labels(explorer.picture.value) == ["(no words to show)"]
    sentence.value = " , ,"
    assert explorer.shown_text() == (
        "Only commas so far: type a few words, for example 'the cat sat on the mat'."
    )
    assert explorer.view.picture == Message("(no words to show)")


def test_snapshot_prints_the_current_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import IPython.display

    shown: list[dict[str, str]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    lesson.vocabulary_explorer("a b a").show_snapshot()
    assert capsys.readouterr().out == (
        "words (3): ['a', 'b', 'a']\nvocabulary (2 distinct words): {'a': 0, 'b': 1}\n"
        "ids: [0, 1, 0]\n"
    )
    assert shown[0]["text/plain"] == "[the explorer's picture]"


# ---- exercise checks -------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


LIFE = {"Life": 0, "dessert": 1, "eat": 2, "first": 3, "is": 4, "short": 5}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (LIFE, "Correct! 6 words, numbered in sorted order: {'Life': 0, 'dessert': 1"),
        ({**LIFE, "short,": LIFE["short"]}, "'short,' still carries a comma"),
        ({k.lower(): v for k, v in LIFE.items()}, "keep each word's case"),
        ({k: v for k, v in LIFE.items() if k != "eat"}, "missing 'eat'"),
        ({**LIFE, "cake": 6}, "unexpected 'cake'"),
        ({**LIFE, "Life": 7}, "the ids should be 0 to 5, each used once; you have [1, 2, 3, 4, 5, 7]"),
        ({**LIFE, "Life": 7}, "Hint: number the distinct words: enumerate(sorted(set(words)))."),  # no repeats here
        ({k: v + 1 for k, v in LIFE.items()}, "your ids run from 1 to 6; a vocabulary numbers from 0"),
        ({**LIFE, "Life": 1, "dessert": 0}, "'Life' has id 1, but in sorted order it is word number 0"),
        ({**LIFE, "Life": 1, "dessert": 0}, "uppercase letters come before lowercase ones"),
        ({**LIFE, "Life": 0.0}, "every id should be an int"),
        ({1: 0}, "every key of the vocabulary should be a word"),
        (list(LIFE), "a vocabulary is a dict from each word to its id; you gave ['Life'"),
    ],
)  # fmt: skip
def test_check_life_vocabulary(answer: Any, expected: str) -> None:
    message = verdict(lesson.check_life_vocabulary, answer)
    assert expected in message and ("repeated word" not in message), (
        "the sentence has no repeated word"
    )


NEW_ORDER = [0, 6, 4, 5, 7, 1, 8, 2, 3]
RIGHT_IDS = "Correct! The sentence as ids: tensor([0, 6, 4, 5, 7, 1, 8, 2, 3])"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (torch.tensor(NEW_ORDER), RIGHT_IDS),
        (torch.tensor(NEW_ORDER, dtype=torch.int32), RIGHT_IDS),
        (NEW_ORDER, f"{RIGHT_IDS}. You gave the right ids as a Python list; the embedding "
                    "layer of step 2 needs a tensor: wrap them in torch.tensor(...)."),
        (tuple(NEW_ORDER), f"{RIGHT_IDS}. You gave the right ids as a Python tuple"),
        (torch.tensor(NEW_ORDER).numpy(), f"{RIGHT_IDS}. You gave the right ids as a NumPy array"),
        (torch.tensor(NEW_ORDER, dtype=torch.float32),
         f"{RIGHT_IDS}. Your tensor holds them as floats (torch.float32); the embedding layer "
         "of step 2 needs integer ids"),
        (torch.tensor(NEW_ORDER[:-1]), "your answer has shape (8,); the sentence as ids has shape (9,)"),
        (torch.tensor([NEW_ORDER]), "your answer has shape (1, 9)"),
        (torch.tensor([0, 6, 4, 5, 7, 1, 8, 2, 2]), "position 8 ('dog') holds 2"),
        (torch.tensor([0, 4, 3, 4, 5, 1, 7, 2, 6]),
         "position 1 ('lazy') holds 4; the lesson's vocabulary gives 'lazy' the id 6"),
        (torch.tensor([0, 6, 4, 5, 7, 1, 8, 2, 3.5]), "position 8 ('dog') holds 3.5"),
        ("0 6 4 5 7 1 8 2 3", "the sentence as ids is a tensor of numbers of shape (9,)"),
    ],
)  # fmt: skip
def test_check_new_order_ids(answer: Any, expected: str) -> None:
    message = verdict(lesson.check_new_order_ids, answer)
    assert (
        message.startswith(expected)
        if expected.startswith("Correct!")
        else (message.startswith("Not yet: ") and expected in message)
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"cat": 0, "dog": 1, "saw": 2, "the": 3}, "Correct! 4 words"),
        ({"cat": 0, "dog": 1, "saw": 2, "the": 4}, "the ids should be 0 to 3, each used once; you have [0, 1, 2, 4]"),
        ({"cat": 0, "dog": 1, "saw": 2, "the": 4}, "A repeated word must not use up an extra id."),
        ({"the": 0, "dog": 1, "saw": 2, "cat": 3}, "'cat' has id 3, but in sorted order it is word number 0"),
        ({"the": 0, "dog": 1, "saw": 2, "cat": 3}, "Hint: ids follow sorted(...) order: alphabetical."),
        ({"cat": 0, "dog": 1, "saw": 2}, "missing 'the'"),
    ],
)  # fmt: skip
def test_check_repeat_vocabulary(answer: Any, expected: str) -> None:
    assert expected in verdict(lesson.check_repeat_vocabulary, answer)


def test_checks_keep_their_hints() -> None:
    """The placeholder cells print these hints: they are stored outputs of the notebook."""
    assert verdict(lesson.check_life_vocabulary, ...).endswith(
        "Hint: build it as the lesson did: strip commas, split, sort, number from 0."
    )
    assert verdict(lesson.check_new_order_ids, ...).endswith(
        "Hint: use the lesson's vocabulary dict and torch.tensor, as the lesson did."
    )
    assert verdict(lesson.check_repeat_vocabulary, ...).endswith(
        "Hint: deduplicate the words before you number them."
    )


# ---- bad input -------------------------------------------------------------------------

BAD_INPUT = [
    (lambda: lesson.vocabulary_figure(None, ["a"]), TypeError, "vocabulary must be a non-empty dict from word to id; got None"),
    (lambda: lesson.vocabulary_figure({}, ["a"]), TypeError, "vocabulary must be a non-empty dict from word to id; got {}"),
    (lambda: lesson.vocabulary_figure({"a": 0}, "a"), TypeError, "words must be a non-empty list of strings; got 'a' (type str)"),
    (lambda: lesson.vocabulary_figure({"a": 0}, []), TypeError, "words must be a non-empty list of strings; got []"),
    (lambda: lesson.vocabulary_figure({"a": 0}, ["a", "b"]), ValueError, "words must all be in vocabulary; got words missing from it: ['b']"),
    (lambda: lesson.vocabulary_explorer(3), TypeError, "sentence must be a string of words; got 3 (type int)"),
]  # fmt: skip
