"""Exercise checks: one way to read an answer, one way to say what is right or wrong.

A check takes whatever the learner typed and returns a :class:`Verdict`; it never raises.
:func:`read_tensor` and :func:`read_number` read any tensor, array, list or number as its
float64 values (anything else gets a "Not yet" naming what was given); :func:`judge` then
says "Correct!", "close" or nothing, so the check can name the learner's actual mistake.
Introduced in 01_vocabulary.ipynb ("Exercises").
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from helpers._validate import describe
from helpers.ui.strings import translator

_ = translator(__name__)

Status = Literal["correct", "not yet", "not attempted"]
Numbers = torch.Tensor | float

TOLERANCE = 1e-4  # the default precision of a float answer: what 4 printed decimals give


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
    return Verdict("correct", _("Correct! {message}", message=message))


def not_yet(problem: str, hint: str) -> Verdict:
    return Verdict("not yet", _("Not yet: {problem}\nHint: {hint}", problem=problem, hint=hint))


def not_attempted(hint: str) -> Verdict:
    return Verdict(
        "not attempted",
        _(
            "Not attempted yet: replace the ... with your answer and run this cell again."
            "\nHint: {hint}",
            hint=hint,
        ),
    )


def exercise_check(hint: str) -> Callable[[Callable[[Any], Verdict]], Callable[[Any], Verdict]]:
    """Decorate a check: answer the ``...`` placeholder with ``hint``, and never raise."""

    def decorate(check: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
        @functools.wraps(check)
        def run(answer: Any) -> Verdict:
            if answer is Ellipsis:
                return not_attempted(hint)
            try:
                return check(answer)
            except Exception as error:  # a check must answer, whatever it is given
                kind = type(error).__name__
                problem = _("this check could not read your answer, {answer} ({kind}: {error}).",
                            answer=describe(answer), kind=kind, error=error)  # fmt: skip
                return not_yet(problem, hint)

        return run

    return decorate


def form(answer: Any) -> str:
    """How the learner gave an answer: "a tensor", "a NumPy array", "a Python list", ..."""
    if isinstance(answer, torch.Tensor):
        return _("a tensor")
    kind = type(answer).__module__.split(".")[0]
    if kind == "numpy":
        return _("a NumPy array") if hasattr(answer, "shape") and answer.shape else _("a number")
    if isinstance(answer, (list, tuple)):
        return _("a Python {kind}", kind=type(answer).__name__)
    return _("a number")


def _as_tensor(answer: Any) -> torch.Tensor | None:
    """``answer`` as a float64 tensor if it is made of real numbers only, else ``None``."""
    if isinstance(answer, torch.Tensor):
        tensor = answer.detach()
    elif isinstance(answer, (str, bytes, dict, set)) or answer is None:
        return None
    else:
        try:
            values = answer.tolist() if hasattr(answer, "tolist") else answer
            tensor = torch.as_tensor(values)
            if tensor.is_floating_point():  # Python floats: read in float64, not float32
                tensor = torch.as_tensor(values, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            return None
    if tensor.dtype == torch.bool or tensor.is_complex():
        return None
    return tensor.to(torch.float64)


def shape_of(answer: Any) -> tuple[int, ...] | None:
    """The shape of ``answer`` read as numbers (``None`` if it cannot be read so)."""
    tensor = _as_tensor(answer)
    return None if tensor is None else tuple(tensor.shape)


def read_tensor(
    answer: Any, shape: tuple[int, ...], what: str, hint: str, finite: bool = True
) -> tuple[torch.Tensor | None, Verdict | None]:
    """``answer`` as a float64 tensor of ``shape``, or ``(None, the verdict saying why not)``;
    ``finite=False`` lets ±inf and NaN through (an additive mask's ``-inf``)."""
    tensor = _as_tensor(answer)
    if tensor is None:
        problem = _("{what} is a tensor of numbers of shape {shape}; you gave {answer}.",
                    what=what, shape=shape, answer=describe(answer))  # fmt: skip
    elif tuple(tensor.shape) != shape:
        problem = _("your answer has shape {got}; {what} has shape {shape}.",
                    got=tuple(tensor.shape), what=what, shape=shape)  # fmt: skip
    elif finite and not torch.isfinite(tensor).all():
        problem = _("your answer holds NaN or infinity.")
    else:
        return tensor, None
    return None, not_yet(problem, hint)


def read_number(answer: Any, what: str, hint: str) -> tuple[float | None, Verdict | None]:
    """``answer`` as one float (a number, a NumPy scalar, a one-element tensor or list)."""
    tensor = _as_tensor(answer)
    if isinstance(answer, str):
        problem = _("you gave the text {answer!r}; write {what} as a number, without quotes.",
                    answer=answer, what=what)  # fmt: skip
    elif tensor is None:
        problem = _("{what} is one number; you gave {answer}.", what=what, answer=describe(answer))
    elif tensor.numel() != 1:
        problem = _("{what} is one number; you gave {count} numbers (shape {shape}).",
                    what=what, count=tensor.numel(), shape=tuple(tensor.shape))  # fmt: skip
    elif not math.isfinite(value := float(tensor.reshape(()))):
        problem = _("{what} is a finite number; you gave {value}.", what=what, value=value)
    else:
        return value, None
    return None, not_yet(problem, hint)


def distance(value: Numbers, expected: Numbers) -> float:
    """The largest difference between ``value`` and ``expected``, entry by entry."""
    value = torch.as_tensor(value, dtype=torch.float64)
    expected = torch.as_tensor(expected).detach().to(torch.float64)
    return float((value - expected).abs().max())


def close(value: Numbers, expected: Numbers, tolerance: float = TOLERANCE) -> bool:
    """True when ``value`` equals ``expected`` within ``tolerance``, entry by entry."""
    return distance(value, expected) <= tolerance


def judge(
    value: Numbers, expected: Numbers, done: str, hint: str, tolerance: float = TOLERANCE
) -> Verdict | None:
    """Correct within ``tolerance``; "close" within 100 × ``tolerance`` or when ``value`` is
    ``expected`` rounded to 1-3 decimals (as a picture shows it); else ``None`` (so the check
    can recognise a typical mistake before saying "wrong")."""
    gap = distance(value, expected)
    if gap <= tolerance:
        return correct(done)
    exact = torch.as_tensor(expected).detach().to(torch.float64)
    for decimals in (1, 2, 3):
        if 10.0**-decimals > tolerance and distance(value, exact.round(decimals=decimals)) <= 1e-6:
            return not_yet(
                _(
                    "close, but not precise enough: that is the right answer rounded to {places}, "
                    "as a picture shows it, and this exercise counts within {tolerance:g}.",
                    places=_("1 decimal") if decimals == 1 else _("{n} decimals", n=decimals),
                    tolerance=tolerance,
                ),
                _(
                    "compute the numbers with the lesson's tensors rather than copying rounded ones."
                ),
            )
    if gap <= 100 * tolerance:
        return not_yet(
            _(
                "close, but not precise enough: your numbers are up to {gap:.1e} away from "
                "the right ones, and this exercise counts them within {tolerance:g}.",
                gap=gap,
                tolerance=tolerance,
            ),
            _("compute the numbers with the lesson's tensors rather than copying rounded ones."),
        )
    return None


def mistake(
    value: Numbers,
    known: list[tuple[Any, str, str | None]],
    hint: str | None = None,
    tolerance: float = TOLERANCE,
) -> Verdict | None:
    """The "Not yet" of the first ``(wrong value, problem, fix)`` of ``known`` that ``value``
    equals (a ``None`` fix is ``hint``), else ``None``: how a check names a typical mistake."""
    for wrong, problem, fix in known:
        if close(value, wrong, tolerance):
            return not_yet(problem, fix or hint or "")
    return None
