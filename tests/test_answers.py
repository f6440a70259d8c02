"""helpers.ui.answers: one reader for every answer, and every check understands it.

Each lesson's test file (``tests/test_lNN_*.py``) names the right answer of each of its
checks in ``RIGHT_ANSWERS`` (computed there with plain PyTorch). Here every check meets
that answer in every form a learner types it (float32, float64, int32 where the answer is
whole, NumPy, nested lists, NumPy scalars, rounded values) and must judge the value; then
a battery of answers that are not numbers at all, which must get a friendly "Not yet".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from course import REPO, lesson_members

from helpers.ui import answers
from helpers.ui.answers import Verdict, exercise_check, judge, read_number, read_tensor

CHECKS = lesson_members(prefix="check_")


def right_answers() -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {}
    for path in sorted((REPO / "tests").glob("test_l[0-9][0-9]_*.py")):
        found |= getattr(importlib.import_module(path.stem), "RIGHT_ANSWERS", {})
    return found


RIGHT = right_answers()


def test_every_check_has_a_right_answer() -> None:
    missing = set(CHECKS) - set(RIGHT)
    assert not missing, f"name the right answer in its lesson's RIGHT_ANSWERS: {sorted(missing)}"


def forms(right: Any) -> dict[str, Any]:
    """The right answer as a learner might type it: every form must be read as its value."""
    if not isinstance(right, torch.Tensor) or right.dtype == torch.bool:
        return {"as given": right}
    right = right.detach()
    found = {
        "float32": right.float(),
        "float64": right.double(),
        "numpy": right.double().numpy(),
        "list": right.tolist(),
        "requires grad": right.float().clone().requires_grad_(),
    }
    if right.dim() == 0:
        found["numpy scalar"] = np.float64(right.item())
    if not right.is_floating_point() or torch.equal(right, right.round()):
        found["int32"] = right.to(torch.int32)
        found["int64"] = right.to(torch.int64)
    return found


CASES = [
    (name, form, value)
    for name in sorted(CHECKS)
    if name in RIGHT
    for form, value in forms(RIGHT[name]()).items()
]


@pytest.mark.parametrize(("name", "form", "answer"), CASES, ids=[f"{n}-{f}" for n, f, _ in CASES])
def test_the_right_value_is_correct_in_every_form(name: str, form: str, answer: Any) -> None:
    verdict = CHECKS[name](answer)
    assert verdict.passed, f"{name} should accept the right value as {form}: {verdict.message}"


ROUNDED = [
    (name, value)
    for name, form, value in CASES
    if form == "float64" and not torch.equal(value, value.round(decimals=2))
]
"""The float answers that printing with two decimals changes."""


@pytest.mark.parametrize(("name", "right"), ROUNDED, ids=[n for n, _ in ROUNDED])
def test_a_rounded_value_gets_a_verdict_about_its_value(name: str, right: torch.Tensor) -> None:
    """Two decimals, as printed: the check says it is close (or, if it allows that, right)."""
    verdict = CHECKS[name](right.round(decimals=2).tolist())
    assert verdict.passed or "close, but not precise enough" in verdict.message, verdict.message


NOT_NUMBERS: list[Any] = [
    None, "an answer", "", b"bytes", {"a": 1}, {1, 2}, object(), print, [[1, 2], [3]],
    [], torch.tensor([]), torch.tensor(float("nan")), torch.full((9, 4), float("inf")),
    True, torch.zeros(2, 2),
]  # fmt: skip
"""Answers no check can accept: each must get a "Not yet" that says what was given."""


@pytest.mark.parametrize(
    "answer", NOT_NUMBERS, ids=[type(a).__name__ + str(k) for k, a in enumerate(NOT_NUMBERS)]
)
@pytest.mark.parametrize("check", CHECKS.values(), ids=list(CHECKS))
def test_wrong_answers_get_a_friendly_not_yet(check: Callable[[Any], Verdict], answer: Any) -> None:
    verdict = check(answer)
    assert verdict.status == "not yet", verdict.message
    assert verdict.message.startswith("Not yet: ") and "\nHint: " in verdict.message
    assert "could not read your answer" not in verdict.message, (
        "the check's own code failed on this answer; read it with helpers.ui.answers"
    )


@pytest.mark.parametrize("check", CHECKS.values(), ids=list(CHECKS))
def test_placeholder_is_not_attempted(check: Callable[[Any], Verdict]) -> None:
    verdict = check(...)
    assert verdict.status == "not attempted" and not verdict.passed
    assert verdict.message.startswith("Not attempted yet: replace the ... with your answer")
    assert "\nHint: " in verdict.message


# ---- the reader itself ---------------------------------------------------------------------

HINT = "a hint"


@pytest.mark.parametrize(
    "answer",
    [torch.tensor([1.0, 2.0]), torch.tensor([1, 2], dtype=torch.int32), np.array([1.0, 2.0]),
     [1, 2], (1.0, 2.0), [np.float32(1), np.int64(2)], torch.tensor([1.0, 2.0], requires_grad=True)],
    ids=["float32", "int32", "numpy", "list", "tuple", "numpy scalars", "grad"],
)  # fmt: skip
def test_read_tensor_reads_every_form_as_float64(answer: Any) -> None:
    tensor, problem = read_tensor(answer, (2,), "the pair", HINT)
    assert problem is None and tensor.dtype == torch.float64
    assert torch.equal(tensor, torch.tensor([1.0, 2.0], dtype=torch.float64))


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ([1, 2, 3], "your answer has shape (3,); the pair has shape (2,)"),
        ("1, 2", "the pair is a tensor of numbers of shape (2,); you gave '1, 2' (type str)"),
        ([True, False], "you gave [True, False] (type list)"),
        ([[1], [2, 3]], "you gave [[1], [2, 3]] (type list)"),
        ([1.0, float("nan")], "your answer holds NaN or infinity"),
    ],
)
def test_read_tensor_says_what_is_wrong(answer: Any, says: str) -> None:
    tensor, problem = read_tensor(answer, (2,), "the pair", HINT)
    assert tensor is None and says in problem.message and problem.message.endswith(HINT)


@pytest.mark.parametrize(
    ("answer", "value"),
    [(3, 3.0), (2.5, 2.5), (np.float64(2.5), 2.5), (np.int32(3), 3.0), (torch.tensor(2.5), 2.5),
     (torch.tensor([2.5]), 2.5), ([2.5], 2.5), (torch.tensor(3, dtype=torch.int32), 3.0)],
)  # fmt: skip
def test_read_number_reads_every_form(answer: Any, value: float) -> None:
    assert read_number(answer, "the count", HINT) == (value, None)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("12", "you gave the text '12'; write the count as a number, without quotes"),
        ([1, 2], "the count is one number; you gave 2 numbers (shape (2,))"),
        (None, "the count is one number; you gave None (type NoneType)"),
        (float("inf"), "the count is a finite number; you gave inf"),
        (True, "the count is one number; you gave True (type bool)"),
    ],
)
def test_read_number_says_what_is_wrong(answer: Any, says: str) -> None:
    value, problem = read_number(answer, "the count", HINT)
    assert value is None and says in problem.message


def test_judge_names_the_tolerance_when_close() -> None:
    right = torch.tensor([0.123456, 0.5])
    assert judge(right + 5e-5, right, "done", HINT).passed
    close = judge(right + 3e-3, right, "done", HINT)
    assert close.status == "not yet" and "within 0.0001" in close.message
    assert "up to 3.0e-03 away" in close.message
    assert judge(right + 1.0, right, "done", HINT) is None, "far off: the check says why"
    assert judge(right + 1e-3, right, "done", HINT, tolerance=1e-2).passed


def test_a_failing_check_still_answers() -> None:
    @exercise_check("a hint")
    def fragile(answer: Any) -> Verdict:
        return answers.correct("fine") if answer.size > 2 else answers.not_yet("small", "a hint")

    verdict = fragile("text")
    assert verdict.status == "not yet"
    assert "could not read your answer, 'text' (type str) (AttributeError" in verdict.message


def test_verdict_shows_its_message() -> None:
    verdict = answers.correct("well done.")
    assert repr(verdict) == "Correct! well done." and verdict.passed
