"""Argument checks shared by the helpers, so every bad input gets the same kind of message.

A message always names the argument, shows what it got and says what was expected.
"""

from __future__ import annotations

from typing import Any


def describe(value: Any) -> str:
    """A short, readable description of ``value`` for error messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def require_sentence(name: str, value: Any) -> str:
    """Return ``value`` if it is a string holding at least one word, else raise.

    Raises:
        TypeError: ``value`` is not a ``str``.
        ValueError: ``value`` is empty or only whitespace.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string of words; got {describe(value)}.")
    if not value.strip():
        raise ValueError(
            f"{name} must contain at least one word; got {value!r}, "
            "which is empty or only whitespace."
        )
    return value
