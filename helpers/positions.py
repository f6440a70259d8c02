"""Where words are: position encodings (14_positions.ipynb).

Self-attention alone cannot tell word order apart (07_self_attention_module.ipynb, "Word
order"), so a model gives it positions. The original Transformer *adds* fixed sinusoids to the
embeddings; BERT adds a learned table (``helpers.real_model.input_layer``); most recent models
*rotate* each query and key by its position (RoPE), so that a score depends only on how far
apart two tokens are.
"""

from __future__ import annotations

from typing import Any

import torch

from helpers._validate import describe, require_size, require_tensor

BASE = 10000.0
"""The base of the angles, as Vaswani et al. (2017) and RoFormer (Su et al., 2021) chose it."""


def frequencies(d: int, base: float = BASE) -> torch.Tensor:
    """The angle each pair of dimensions turns per position, ``(⌈d/2⌉,)`` float64:
    ``ω_i = base ** (-2i / d)``, from 1 radian down towards ``1 / base``.
    Introduced in 14_positions.ipynb ("Sinusoidal encodings")."""
    require_size("d", d)
    _require_base(base)
    return float(base) ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)


def sinusoidal_positions(n: int, d: int, base: float = BASE) -> torch.Tensor:
    """The ``(n, d)`` sinusoidal encodings of positions ``0 .. n-1``, float32:
    ``PE[p, 2i] = sin(p ω_i)`` and ``PE[p, 2i+1] = cos(p ω_i)``.
    Introduced in 14_positions.ipynb ("Sinusoidal encodings")."""
    require_size("n", n)
    omega = frequencies(d, base)  # (⌈d/2⌉,)
    angles = torch.arange(n, dtype=torch.float64)[:, None] * omega  # (n, ⌈d/2⌉)
    pe = torch.empty(n, d, dtype=torch.float64)
    pe[:, 0::2] = angles.sin()  # even dimensions
    pe[:, 1::2] = angles[:, : d // 2].cos()  # odd dimensions (an odd d has one sine more)
    return pe.float()


def offset_map(offset: int, d: int, base: float = BASE) -> torch.Tensor:
    """The ``(d, d)`` matrix ``M`` with ``PE[p + offset] = PE[p] @ M.T`` for every position ``p``
    (``d`` even): one 2 × 2 rotation by ``offset · ω_i`` per pair, the same for every ``p``.
    Introduced in 14_positions.ipynb ("A fixed offset is a rotation")."""
    _require_int("offset", offset)
    if isinstance(d, int) and not isinstance(d, bool) and d % 2:
        raise ValueError(f"d must be even (sines and cosines come in pairs); got d={d}.")
    turn = offset * frequencies(d, base)  # (d/2,)
    cos, sin = turn.cos(), turn.sin()
    blocks = torch.stack([torch.stack([cos, sin], -1), torch.stack([-sin, cos], -1)], -2)
    return torch.block_diag(*blocks).float()  # (d, d): blocks (d/2, 2, 2) on the diagonal


def rotary(x: torch.Tensor, positions: Any = None, base: float = BASE) -> torch.Tensor:
    """RoPE: ``x (..., n, d)`` with each pair ``(x[..., 2i], x[..., 2i+1])`` of row ``j`` turned
    by the angle ``positions[j] · ω_i`` (``d`` even; ``positions`` default ``0 .. n-1``). Applied
    to queries and keys, never values: then a score depends only on the offset of two positions.
    Introduced in 14_positions.ipynb ("Rotary positions")."""
    require_tensor("x", x, ndim=2)
    n, d = x.shape[-2:]
    if d % 2:
        raise ValueError(f"x must have an even last dimension (its numbers are turned in pairs); "
                         f"got shape {tuple(x.shape)}.")  # fmt: skip
    positions = torch.arange(n) if positions is None else _require_positions(positions, n)
    angles = positions.to(torch.float64)[:, None] * frequencies(d, base)  # (n, d/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., n, d/2) each: the pairs' two numbers
    turned = torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1)
    return turned.flatten(-2)  # (..., n, d/2, 2) -> (..., n, d), pairs back side by side


# ---- input checks: the functions above take the learner's own numbers -----------------------
def _require_base(base: Any) -> None:
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise TypeError(f"base must be a number greater than 1; got {describe(base)}.")
    if not 1 < base < float("inf"):
        raise ValueError(f"base must be a finite number greater than 1; got {base}.")


def _require_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (a number of positions); got {describe(value)}.")
    return value


def _require_positions(positions: Any, n: int) -> torch.Tensor:
    if isinstance(positions, (list, tuple, range)):
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in positions):
            raise TypeError(f"positions must be whole numbers; got {describe(positions)}.")
        positions = torch.tensor(list(positions), dtype=torch.long)
    if not isinstance(positions, torch.Tensor):
        raise TypeError(
            f"positions must be a tensor or list of {n} ints; got {describe(positions)}."
        )
    if positions.is_floating_point() or positions.is_complex() or positions.dtype == torch.bool:
        raise TypeError(f"positions must hold whole numbers (an integer tensor); got dtype "
                        f"{positions.dtype}.")  # fmt: skip
    if tuple(positions.shape) != (n,):
        raise ValueError(f"positions must have shape ({n},), one per row of x; got "
                         f"{tuple(positions.shape)}.")  # fmt: skip
    return positions
