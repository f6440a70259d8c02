"""Argument checks shared by the helpers: each message names the argument, what it got and
what was expected."""

from __future__ import annotations

from typing import Any


def describe(value: Any) -> str:
    """A short, readable description of ``value`` for error messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def require_sentence(name: str, value: Any) -> str:
    """Return ``value`` if it is a string holding at least one word, else raise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string of words; got {describe(value)}.")
    if not value.strip():
        raise ValueError(f"{name} must contain at least one word; got {value!r}, "
                         "which is empty or only whitespace.")  # fmt: skip
    return value


def require_tensor(
    name: str, value: Any, ndim: tuple[int, ...] | int = (2,), floating: bool = True
) -> Any:
    """Return ``value`` if it is a non-empty tensor of a rank in ``ndim`` (a tuple of ranks, or
    an int: the least rank), holding floating-point numbers if ``floating``, else raise."""
    import torch

    if isinstance(ndim, int):
        kind, allowed = f"torch.Tensor of at least {ndim} dimensions", lambda n: n >= ndim
    else:
        kind, allowed = " or ".join(f"{n}-D" for n in ndim) + " torch.Tensor", ndim.__contains__
    if not isinstance(value, torch.Tensor):
        hint = " (wrap it with torch.tensor(...))" if isinstance(value, (list, tuple)) else ""
        raise TypeError(f"{name} must be a {kind}; got {describe(value)}{hint}.")
    if not allowed(value.dim()):
        raise ValueError(f"{name} must be a {kind.replace('torch.Tensor', 'tensor')}; "
                         f"got a {value.dim()}-D tensor of shape {tuple(value.shape)}.")  # fmt: skip
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty; got shape {tuple(value.shape)}.")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must hold floating-point numbers; got dtype {value.dtype} "
                        "(convert with .float()).")  # fmt: skip
    return value


def require_size(name: str, value: Any) -> int:
    """Return ``value`` if it is a positive int (a dimension or a count), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a positive int; got {describe(value)}.")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int; got {value}.")
    return value


def require_seed(name: str, value: Any) -> int:
    """Return ``value`` if it is an int usable as a random seed (zero or more), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int; got {describe(value)}.")
    if value < 0:
        raise ValueError(f"{name} must be zero or positive; got {value}.")
    return value


def require_index(name: str, value: Any, count: int) -> int:
    """Return ``value`` if it is an int from 0 to ``count - 1`` (a row, a word, a head), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int from 0 to {count - 1}; got {describe(value)}.")
    if not 0 <= value < count:
        raise ValueError(f"{name} must be from 0 to {count - 1}; got {value}.")
    return value


def require_weights(name: str, weights: Any, words: Any, heads: bool = False) -> None:
    """Raise unless ``weights`` is a float ``(n, n)`` tensor (``(heads, n, n)`` with ``heads``)
    for the ``n`` strings of ``words``: what every picture of attention weights draws."""
    import torch

    if isinstance(words, str) or not isinstance(words, (list, tuple)):
        raise TypeError(f"words must be a list of strings; got {describe(words)}.")
    if not all(isinstance(word, str) for word in words):
        raise TypeError(f"words must hold only strings; got {describe(words)}.")
    rank, kind = (3, "a (heads, n, n)") if heads else (2, "a 2-D")
    floats = isinstance(weights, torch.Tensor) and weights.is_floating_point()
    if not floats or weights.dim() != rank:
        raise TypeError(f"{name} must be {kind} float tensor (queries x keys); "
                        f"got {describe(weights)}.")  # fmt: skip
    n = len(words)
    if tuple(weights.shape[-2:]) != (n, n):
        raise ValueError(f"{name} must have one row and one column per word, ({n}, {n}); "
                         f"got shape {tuple(weights.shape)} for {n} words.")  # fmt: skip
