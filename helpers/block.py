"""What surrounds attention in a Transformer block (15_transformer_block.ipynb). LayerNorm comes
first, in 14_positions.ipynb, because a real model's input layer ends with it.

    post-LN (the original Transformer, BERT, MiniLM):  h = LN1(x + Attention(x)),  y = LN2(h + FFN(h))
    pre-LN (GPT-2, Llama):                             h = x + Attention(LN1(x)),  y = h + FFN(LN2(h))

The output has the input's shape, ``(..., n, d_model)``, so blocks stack.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import nn

from helpers._validate import describe, require_size, require_tensor
from helpers.multihead import MultiHeadAttention

if TYPE_CHECKING:
    from helpers.decoding import LayerCache


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


def gelu(x: torch.Tensor) -> torch.Tensor:
    """GELU, exactly (with erf, as BERT and ``F.gelu`` compute it): ``x · Φ(x)``, where ``Φ`` is the
    standard normal's distribution function. Introduced in 15_transformer_block.ipynb."""
    require_tensor("x", x, ndim=1)
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


class LayerNorm(nn.Module):
    """:func:`layer_norm` with its ``weight`` (ones) and ``bias`` (zeros) as learnable parameters.
    Introduced in 15_transformer_block.ipynb."""

    def __init__(self, d: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.weight, self.bias = nn.Parameter(torch.ones(d)), nn.Parameter(torch.zeros(d))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.weight, self.bias, self.eps)


class FeedForward(nn.Module):
    """Each token alone: ``d_model -> d_ff -> d_model`` with GELU between, the same two layers for
    every position. Introduced in 15_transformer_block.ipynb."""

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.up = nn.Linear(d_model, d_ff)  # (d_ff, d_model) weight
        self.down = nn.Linear(d_ff, d_model)  # (d_model, d_ff) weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(
            gelu(self.up(x))
        )  # (..., n, d_model) -> (..., n, d_ff) -> (..., n, d_model)


class TransformerBlock(nn.Module):
    """An encoder block: multi-head self-attention and a feed-forward network, each added back to
    its input (the residual) and normalised, after (``norm_first=False``, BERT) or before
    (``norm_first=True``, GPT). Introduced in 15_transformer_block.ipynb; a decoder
    (16_generating_text.ipynb) stacks pre-LN blocks with a causal mask, shared key/value
    heads (``kv_heads``) and a cache."""

    def __init__(self, d_model: int, num_heads: int, d_ff: int | None = None,
                 eps: float = 1e-12, norm_first: bool = False, kv_heads: int | None = None) -> None:  # fmt: skip
        super().__init__()
        d_ff = 4 * require_size("d_model", d_model) if d_ff is None else require_size("d_ff", d_ff)
        if not isinstance(norm_first, bool):
            raise TypeError(f"norm_first must be True or False; got {describe(norm_first)}.")
        self.attention = MultiHeadAttention(d_model, num_heads, kv_heads=kv_heads)
        self.norm1 = LayerNorm(d_model, eps)
        self.feed_forward = FeedForward(d_model, d_ff)
        self.norm2 = LayerNorm(d_model, eps)
        self.norm_first = norm_first

    def _run(self, x: torch.Tensor, mask: torch.Tensor | None,
             cache: LayerCache | None) -> tuple[dict[str, torch.Tensor], torch.Tensor]:  # fmt: skip
        if self.norm_first:  # pre-LN: normalise what goes into each sub-layer, add its output back
            attended, weights = self.attention.attend(self.norm1(x), mask, cache=cache)
            h = x + attended
            fed = self.feed_forward(self.norm2(h))
            return {"input": x, "attention": attended, "input + attention": h,
                    "feed-forward": fed, "output": h + fed}, weights  # fmt: skip
        attended, weights = self.attention.attend(x, mask, cache=cache)  # each token gathers
        h = self.norm1(x + attended)  # add the input back, then normalise
        fed = self.feed_forward(h)  # each token alone
        return {"input": x, "attention": attended, "input + attention": x + attended,
                "LayerNorm 1": h, "feed-forward": fed, "h + feed-forward": h + fed,
                "output": self.norm2(h + fed)}, weights  # fmt: skip

    def steps(self, x: torch.Tensor, mask: torch.Tensor | None = None,
              cache: LayerCache | None = None) -> dict[str, torch.Tensor]:  # fmt: skip
        """Every sub-step's vectors, ``(..., n, d_model)`` each, in order; the last is the output."""
        return self._run(x, mask, cache)[0]

    def attend(self, x: torch.Tensor, mask: torch.Tensor | None = None,
               cache: LayerCache | None = None) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
        """The output and the attention's weights ``([batch,] heads, n, m)``; ``cache`` as in
        ``MultiHeadAttention.attend`` (16_generating_text.ipynb)."""
        vectors, weights = self._run(x, mask, cache)
        return vectors["output"], weights

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                cache: LayerCache | None = None) -> torch.Tensor:  # fmt: skip
        return self._run(x, mask, cache)[0]["output"]

    @torch.no_grad()
    def load_from_torch(self, layer: nn.TransformerEncoderLayer) -> TransformerBlock:
        """Copy a ``nn.TransformerEncoderLayer`` of this block's sizes (``batch_first``, GELU) into
        this block and return it. Introduced in 15_transformer_block.ipynb."""
        if not isinstance(layer, nn.TransformerEncoderLayer):
            raise TypeError(
                f"layer must be a torch.nn.TransformerEncoderLayer; got {describe(layer)}."
            )
        if layer.norm_first != self.norm_first:
            raise ValueError(f"layer must have norm_first={self.norm_first} like this block; got "
                             f"norm_first={layer.norm_first}.")  # fmt: skip
        if layer.activation is not torch.nn.functional.gelu:
            raise ValueError(f"layer must be built with activation='gelu' like this block; got "
                             f"{describe(layer.activation)}.")  # fmt: skip
        if layer.linear1.out_features != self.feed_forward.up.out_features:
            raise ValueError(f"layer must have dim_feedforward={self.feed_forward.up.out_features} "
                             f"like this block; got {layer.linear1.out_features}.")  # fmt: skip
        self.attention.load_from_torch(layer.self_attn)  # in_proj_weight = cat(query, key, value)
        for mine, theirs in ((self.norm1, layer.norm1), (self.norm2, layer.norm2),
                             (self.feed_forward.up, layer.linear1), (self.feed_forward.down, layer.linear2)):  # fmt: skip
            mine.weight.copy_(theirs.weight)
            mine.bias.copy_(theirs.bias)
        self.norm1.eps, self.norm2.eps = layer.norm1.eps, layer.norm2.eps
        return self
