"""Exercise checks: right answers pass, wrong ones get a friendly "Not yet", none ever raises.

tests/test_notebook_exercises.py runs the same checks inside each notebook, with the
notebook's own solutions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from course import defined_tests, exercise_checks

import helpers.exercises as exercises
from helpers.exercises import Verdict, exercise_check

CHECKS = exercise_checks()


def test_every_check_has_its_own_test() -> None:
    tested = {f"check_{name}" for name in defined_tests("check_")}
    assert set(CHECKS) == tested, (
        "each check needs a test_<check name> test (in any tests/test_*.py)"
    )


@pytest.mark.parametrize("check", CHECKS.values(), ids=list(CHECKS))
def test_placeholder_is_not_attempted(check: Callable[[Any], Verdict]) -> None:
    verdict = check(...)
    assert verdict.status == "not attempted" and not verdict.passed
    assert verdict.message.startswith("Not attempted yet: replace the ... with your answer")
    assert "\nHint: " in verdict.message


def test_a_failing_check_still_answers() -> None:
    @exercise_check("a hint")
    def fragile(answer: Any) -> Verdict:
        return (
            exercises.correct("fine") if answer.size > 2 else exercises.not_yet("small", "a hint")
        )

    verdict = fragile("text")
    assert verdict.status == "not yet"
    assert "could not read your answer, 'text' (type str) (AttributeError" in verdict.message


def test_verdict_shows_its_message() -> None:
    verdict = exercises.correct("well done.")
    assert repr(verdict) == "Correct! well done." and verdict.passed


LIFE = {"Life": 0, "dessert": 1, "eat": 2, "first": 3, "is": 4, "short": 5}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (LIFE, "Correct! 6 words, numbered in sorted order"),
        ({**LIFE, "short,": LIFE["short"]}, "'short,' still carries a comma"),
        ({k.lower(): v for k, v in LIFE.items()}, "keep each word's case"),
        ({k: v for k, v in LIFE.items() if k != "eat"}, "missing 'eat'"),
        ({**LIFE, "cake": 6}, "unexpected 'cake'"),
        (
            {**LIFE, "Life": 6},
            "the ids should be 0 to 5, each used once; you have [1, 2, 3, 4, 5, 6]",
        ),
        (
            {**LIFE, "Life": 1, "dessert": 0},
            "'Life' has id 1, but in sorted order it is word number 0",
        ),
        ({**LIFE, "Life": 0.0}, "every id should be an int"),
        ({1: 0}, "every key of the vocabulary should be a word"),
        (list(LIFE), "a vocabulary is a dict from each word to its id; you gave ['Life'"),
    ],
)
def test_check_life_vocabulary(answer: Any, expected: str) -> None:
    assert expected in exercises.check_life_vocabulary(answer).message


NEW_ORDER = [0, 6, 4, 5, 7, 1, 8, 2, 3]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            torch.tensor(NEW_ORDER),
            "Correct! The sentence as ids: tensor([0, 6, 4, 5, 7, 1, 8, 2, 3])",
        ),
        (NEW_ORDER, "you gave a Python list; the embedding layer needs a tensor"),
        (tuple(NEW_ORDER), "you gave a Python tuple"),
        (torch.tensor(NEW_ORDER, dtype=torch.float32), "the ids have dtype torch.float32"),
        (torch.tensor(NEW_ORDER[:-1]), "the tensor has shape (8,); one id per word gives (9,)"),
        (torch.tensor([NEW_ORDER]), "the tensor has shape (1, 9)"),
        (torch.tensor([0, 6, 4, 5, 7, 1, 8, 2, 2]), "position 8 ('dog') holds 2"),
        (
            torch.tensor([0, 4, 3, 4, 5, 1, 7, 2, 6]),
            "position 1 ('lazy') holds 4; the lesson's vocabulary gives 'lazy' the id 6",
        ),
    ],
)
def test_check_new_order_ids(answer: Any, expected: str) -> None:
    assert expected in exercises.check_new_order_ids(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"cat": 0, "dog": 1, "saw": 2, "the": 3}, "Correct! 4 words"),
        (
            {"cat": 0, "dog": 1, "saw": 2, "the": 4},
            "the ids should be 0 to 3, each used once; you have [0, 1, 2, 4]",
        ),
        (
            {"the": 0, "dog": 1, "saw": 2, "cat": 3},
            "'cat' has id 3, but in sorted order it is word number 0",
        ),
    ],
)
def test_check_repeat_vocabulary(answer: Any, expected: str) -> None:
    assert expected in exercises.check_repeat_vocabulary(answer).message
