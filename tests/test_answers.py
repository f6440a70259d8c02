"""helpers.ui.answers: one reader for every answer, and every check understands it.

Each lesson's test file (``tests/test_lNN_*.py``) names the right answer of each of its
checks in ``RIGHT_ANSWERS`` (computed there with plain PyTorch). Here one contract test
per check meets that answer in every form a learner types it (float32, float64, int32
where the answer is whole, NumPy, nested lists, NumPy scalars, rounded values), which it
must judge by value, then one answer of each kind that is not a number at all, which must
get a friendly "Not yet". The reader itself is tested on many more such answers below;
each lesson's own diagnoses (the mistakes its checks name) are tested in its test file.
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


NOT_NUMBERS: list[Any] = [
    None, "an answer", "", b"bytes", {"a": 1}, {1, 2}, object(), print, [[1, 2], [3]],
    [], torch.tensor([]), torch.tensor(float("nan")), torch.full((9, 4), float("inf")),
    True, torch.zeros(2, 2),
]  # fmt: skip
"""Answers that are not numbers at all: the reader refuses each (test below)."""

REPRESENTATIVE_WRONG: list[Any] = [
    None, "an answer", {"a": 1}, [[1, 2], [3]], torch.tensor(float("nan")), True, torch.zeros(2, 2),
]  # fmt: skip
"""One of each kind the reader refuses (missing, text, a container, a ragged list, not
finite, a bool, a tensor of another shape): every check meets these."""


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_keeps_the_contract(name: str) -> None:
    """The one contract of every check: the placeholder is "not attempted"; the right value
    is Correct in every form a learner types it; rounded to two decimals, as printed, it is
    right or "close, but not precise enough"; an answer that is not a number gets a friendly
    "Not yet" that says what was given, never "could not read your answer"."""
    check, broken = CHECKS[name], []
    verdict = check(...)
    if not (verdict.status == "not attempted" and not verdict.passed):
        broken.append(f"placeholder: {verdict.status}")
    if not verdict.message.startswith("Not attempted yet: replace the ... with your answer"):
        broken.append(f"placeholder: {verdict.message!r}")
    if "\nHint: " not in verdict.message:
        broken.append(f"placeholder gets no hint: {verdict.message!r}")
    right = RIGHT[name]()
    for form, answer in forms(right).items():
        if not (verdict := check(answer)).passed:
            broken.append(f"the right value as {form}: {verdict.message!r}")
    if (
        isinstance(right, torch.Tensor)
        and right.is_floating_point()
        and not torch.equal(right.double(), right.double().round(decimals=2))
    ):
        verdict = check(right.double().round(decimals=2).tolist())
        if not (verdict.passed or "close, but not precise enough" in verdict.message):
            broken.append(f"rounded to two decimals: {verdict.message!r}")
    for answer in REPRESENTATIVE_WRONG:
        verdict = check(answer)
        if not (
            verdict.status == "not yet"
            and verdict.message.startswith("Not yet: ")
            and "could not read your answer" not in verdict.message
        ):
            broken.append(f"answer {answer!r}: {verdict.message!r}")
        if "\nHint: " not in verdict.message:
            broken.append(f"answer {answer!r} gets no hint: {verdict.message!r}")
    assert not broken, f"{name} breaks the contract:\n" + "\n".join(broken)


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


@pytest.mark.parametrize("answer", NOT_NUMBERS, ids=[type(a).__name__ for a in NOT_NUMBERS])
def test_the_reader_refuses_what_is_not_a_number(answer: Any) -> None:
    for shape in [(9, 4), (3,), ()]:
        tensor, problem = read_tensor(answer, shape, "the answer", HINT)
        assert tensor is None and problem.message.endswith(HINT), (shape, answer)
    if not isinstance(answer, torch.Tensor) or answer.numel() != 1:
        value, problem = read_number(answer, "the count", HINT)
        assert value is None and problem.message.endswith(HINT), answer


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
