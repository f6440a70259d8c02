"""Multi-head attention: several attention heads side by side (09_multi_head_attention.ipynb).

A head is lesson 07's self-attention on ``d_head = d_model // num_heads`` of the features:

    head_i = softmax(Q_i K_i^T / sqrt(d_head)) V_i,   MultiHead(x) = Concat(head_1..head_h) W_O.

Decoders (16_generating_text.ipynb) may give the keys and values fewer heads than the queries
(``kv_heads``: grouped-query attention; 1 is multi-query attention) and keep them in a cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from helpers._validate import describe, require_size, require_tensor
from helpers.attention import embed, scaled_dot_product_attention
from helpers.course import SEED, SENTENCE
from helpers.vocabulary import build_vocabulary, encode, split_words

if TYPE_CHECKING:
    from helpers.decoding import LayerCache

D_MODEL = 8  # the model size of lessons 09 and 10: each word becomes a vector of 8 numbers
NUM_HEADS = 4  # 4 heads of d_head = 8 / 4 = 2 features each


def _head_size(d_model: int, num_heads: int) -> int:
    """``d_head = d_model // num_heads``, once both are known to be sizes that fit."""
    require_size("d_model", d_model)
    require_size("num_heads", num_heads)
    if d_model % num_heads:
        raise ValueError("num_heads must divide d_model (each head gets d_model / num_heads "
                         f"features); got d_model={d_model} and num_heads={num_heads}.")  # fmt: skip
    return d_model // num_heads


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """``x (batch, n, d_model)`` as heads ``(batch, heads, n, d_head)``: ``view`` cuts each word's
    features, ``transpose`` puts the heads first. Introduced in 09_multi_head_attention.ipynb."""
    require_tensor("x", x, ndim=(3,))
    batch, n, d_model = x.shape
    d_head = _head_size(d_model, num_heads)
    return x.view(batch, n, num_heads, d_head).transpose(1, 2)  # (batch, heads, n, d_head)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`split_heads`, ``(batch, n, heads * d_head)`` (``reshape`` copies: the
    transposed tensor is not contiguous). Introduced in 09_multi_head_attention.ipynb."""
    require_tensor("x", x, ndim=(4,))
    batch, heads, n, d_head = x.shape
    return x.transpose(1, 2).reshape(batch, n, heads * d_head)  # (batch, n, d_model)


def heads_mask(mask: torch.Tensor | None) -> torch.Tensor | None:
    """A course mask for scores ``(batch, heads, n, n)``: a 3-D mask (``padding_mask``'s) gets a
    heads dimension, else ``batch`` would line up with ``heads``; 2-D and 4-D masks broadcast as
    they are. Introduced in 09_multi_head_attention.ipynb."""
    if isinstance(mask, torch.Tensor) and mask.dim() == 3:
        return mask.unsqueeze(1)  # (batch, 1, n or 1, n)
    return mask


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention: ``nn.Linear`` layers ``query``, ``key``, ``value``, ``out``,
    created in this order; ``attend`` also returns every head's weights. Introduced in
    09_multi_head_attention.ipynb; 10_what_pytorch_does.ipynb compares it with PyTorch's.

    ``kv_heads`` (default ``num_heads``) must divide ``num_heads``: ``key`` and ``value`` then
    make ``kv_heads`` heads of ``d_head`` features, each shared by ``num_heads // kv_heads``
    query heads (16_generating_text.ipynb, "Sharing key and value heads")."""

    def __init__(
        self, d_model: int, num_heads: int, bias: bool = True, kv_heads: int | None = None
    ) -> None:
        super().__init__()
        self.d_head = _head_size(d_model, num_heads)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False; got {describe(bias)}.")
        kv_heads = num_heads if kv_heads is None else require_size("kv_heads", kv_heads)
        if num_heads % kv_heads:
            raise ValueError("kv_heads must divide num_heads (each key/value head serves a group "
                             f"of query heads); got num_heads={num_heads} and kv_heads={kv_heads}.")  # fmt: skip
        self.d_model, self.num_heads, self.kv_heads = d_model, num_heads, kv_heads
        self.query = nn.Linear(d_model, d_model, bias=bias)
        self.key = nn.Linear(d_model, kv_heads * self.d_head, bias=bias)
        self.value = nn.Linear(d_model, kv_heads * self.d_head, bias=bias)
        self.out = nn.Linear(d_model, d_model, bias=bias)

    def attend(
        self,
        x: torch.Tensor,
        mask: torch.Tensor | None = None,
        source: torch.Tensor | None = None,
        cache: LayerCache | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The output ``([batch,] n, d_model)`` and the weights ``([batch,] heads, n, m)``. Keys and
        values come from ``x`` (``m = n``), or from ``source ([batch,] m, d_model)`` when given:
        cross-attention, introduced in 15_transformer_block.ipynb. With a ``cache``
        (16_generating_text.ipynb), the new keys and values are appended to it first and the
        queries meet all of them (``m`` = cached + new); ``mask`` is then ``(n, m)``."""
        self._require_input("x", x)
        if cache is not None and source is not None:
            raise ValueError("source and cache must not both be given (a cache keeps a sequence's "
                             "own keys: self-attention); got both.")  # fmt: skip
        if source is not None:
            self._require_input("source", source)
            if source.dim() != x.dim() or source.shape[:-2] != x.shape[:-2]:
                raise ValueError(f"source must have the same batch dimensions as x; got x "
                                 f"{tuple(x.shape)} and source {tuple(source.shape)}.")  # fmt: skip
        one_sentence = x.dim() == 2
        batch = x.unsqueeze(0) if one_sentence else x  # (batch, n, d_model)
        memory = batch if source is None else source.unsqueeze(0) if one_sentence else source
        queries = split_heads(self.query(batch), self.num_heads)  # (batch, heads, n, d_head)
        keys = split_heads(self.key(memory), self.kv_heads)  # (batch, kv_heads, m, d_head)
        values = split_heads(self.value(memory), self.kv_heads)
        if cache is not None:  # the cache keeps the kv_heads, not their copies
            keys, values = cache.append(keys, values)  # (batch, kv_heads, cached + n, d_head)
        group = self.num_heads // self.kv_heads  # query heads per key/value head
        keys = keys.repeat_interleave(group, dim=1)  # (batch, heads, m, d_head)
        values = values.repeat_interleave(group, dim=1)
        context, weights = scaled_dot_product_attention(queries, keys, values, heads_mask(mask))
        output = self.out(merge_heads(context))  # (batch, n, d_model)
        return (output[0], weights[0]) if one_sentence else (output, weights)

    def forward(
        self, x: torch.Tensor, mask: torch.Tensor | None = None, source: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.attend(x, mask, source)[0]

    def _require_input(self, name: str, x: torch.Tensor) -> None:
        require_tensor(name, x, ndim=(2, 3))
        if x.shape[-1] != self.d_model:
            raise ValueError(f"{name} must have {self.d_model} features in its last dimension "
                             f"(d_model={self.d_model}); got shape {tuple(x.shape)}.")  # fmt: skip

    @torch.no_grad()
    def load_from_torch(self, module: nn.MultiheadAttention) -> MultiHeadAttention:
        """Copy the weights of a ``nn.MultiheadAttention`` of this module's sizes (``batch_first``)
        into this module and return it. Introduced in 10_what_pytorch_does.ipynb."""
        if not isinstance(module, nn.MultiheadAttention):
            raise TypeError(f"module must be a torch.nn.MultiheadAttention; got {describe(module)}.")  # fmt: skip
        if module.embed_dim != self.d_model or module.num_heads != self.num_heads:
            raise ValueError(f"module must have embed_dim={self.d_model} and num_heads={self.num_heads} like "
                             f"this module; got embed_dim={module.embed_dim} and num_heads={module.num_heads}.")  # fmt: skip
        if not module.batch_first:
            raise ValueError("module must be built with batch_first=True (inputs (batch, n, d_model), as in "
                             "this course); got batch_first=False, which reads inputs as (n, batch, d_model).")  # fmt: skip
        if self.kv_heads != self.num_heads:
            raise ValueError("this module must have kv_heads = num_heads to load nn.MultiheadAttention "
                             f"(one key/value head per query head); got kv_heads={self.kv_heads} of "
                             f"num_heads={self.num_heads}.")  # fmt: skip
        if not module._qkv_same_embed_dim or module.in_proj_weight is None:
            raise ValueError("module must not set kdim or vdim to other sizes (self-attention: keys and "
                             f"values come from the same x); got kdim={module.kdim}, vdim={module.vdim}.")  # fmt: skip
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("module must be built without add_bias_kv and add_zero_attn (they add extra keys "
                             f"this module does not have); got add_bias_kv={module.bias_k is not None}, "
                             f"add_zero_attn={module.add_zero_attn}.")  # fmt: skip
        bias = module.in_proj_bias  # stacked like in_proj_weight: query, key, then value
        if (bias is not None) != (self.query.bias is not None):
            raise ValueError(f"module must have bias={self.query.bias is not None} like this module; "
                             f"got a module with bias={bias is not None}.")  # fmt: skip
        d = self.d_model  # in_proj_weight (3 * d, d): rows [0, d) query, [d, 2d) key, then value
        for i, layer in enumerate((self.query, self.key, self.value)):
            layer.weight.copy_(module.in_proj_weight[i * d : (i + 1) * d])
            if bias is not None:
                layer.bias.copy_(bias[i * d : (i + 1) * d])
        self.out.weight.copy_(module.out_proj.weight)
        if bias is not None:
            self.out.bias.copy_(module.out_proj.bias)
        return self


def course_example(
    seed: int = SEED, d_model: int = D_MODEL, num_heads: int = NUM_HEADS
) -> tuple[list[str], torch.Tensor, MultiHeadAttention]:
    """Lessons 09 and 10's words, input ``x (1, 9, d_model)`` (the course sentence embedded,
    seeded) and ``MultiHeadAttention`` (built after ``torch.manual_seed(seed)``), leaving the
    caller's random state alone. Introduced in 09_multi_head_attention.ipynb."""
    with torch.random.fork_rng(devices=[]):
        x = embed(encode(SENTENCE, build_vocabulary(SENTENCE)), d=d_model, seed=seed)  # (9, d)
        torch.manual_seed(seed)
        module = MultiHeadAttention(d_model, num_heads)
    return split_words(SENTENCE), x.unsqueeze(0), module
