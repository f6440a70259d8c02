"""What surrounds attention in a Transformer block. LayerNorm comes first, in
14_positions.ipynb, because a real model's input layer ends with it.
"""

from __future__ import annotations

import torch

from helpers._validate import require_tensor


def layer_norm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5
) -> torch.Tensor:
    """LayerNorm over the last dimension of ``x (..., d)``: each row minus its mean, divided by
    ``sqrt(variance + eps)`` (the variance divides by ``d``, not ``d - 1``), then scaled by
    ``weight (d,)`` and shifted by ``bias (d,)``, both learned.
    Introduced in 14_positions.ipynb ("Learned positions: BERT's input layer")."""
    require_tensor("x", x, ndim=1)
    for name, value in (("weight", weight), ("bias", bias)):
        require_tensor(name, value, ndim=(1,))
        if value.shape[0] != x.shape[-1]:
            raise ValueError(f"{name} must have shape ({x.shape[-1]},), one number per feature "
                             f"of x; got {tuple(value.shape)}.")  # fmt: skip
    mean = x.mean(dim=-1, keepdim=True)  # (..., 1)
    variance = ((x - mean) ** 2).mean(dim=-1, keepdim=True)  # (..., 1)
    return (x - mean) / torch.sqrt(variance + eps) * weight + bias  # (..., d)
