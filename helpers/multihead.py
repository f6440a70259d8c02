"""Multi-head attention: several attention heads side by side (introduced in 09_multi_head_attention.ipynb).

A head is the self-attention of lesson 07, run on a slice of the model's features.
``MultiHeadAttention`` projects the input ``x (batch, n, d_model)`` to queries, keys and
values with ``nn.Linear(d_model, d_model)``, splits each into ``num_heads`` heads of
``d_head = d_model // num_heads`` features (:func:`split_heads`), runs
:func:`helpers.scaled_dot_product_attention` on every head at once, puts the heads back
side by side (:func:`merge_heads`) and mixes them with an output projection:

    head_i = softmax(Q_i K_i^T / sqrt(d_head)) V_i,   MultiHead(x) = Concat(head_1..head_h) W_O.

``MultiHeadAttention.load_from_torch`` copies the weights of a ``torch.nn.MultiheadAttention``
into it, after which both compute the same thing (10_what_pytorch_does.ipynb).

This module is not imported by ``import helpers`` (lessons import it themselves):
``from helpers.multihead import MultiHeadAttention``.
"""

from __future__ import annotations

import torch
from torch import nn

from helpers._validate import describe, require_seed, require_size, require_tensor
from helpers.attention import embed, scaled_dot_product_attention
from helpers.lesson import SEED, SENTENCE
from helpers.vocabulary import build_vocabulary, encode, split_words

D_MODEL = 8
"""The model size of lessons 09 and 10: each word becomes a vector of 8 numbers."""

NUM_HEADS = 4
"""The number of heads in lessons 09 and 10: 4 heads of d_head = 8 / 4 = 2 features each."""


def _require_heads(d_model: int, num_heads: int) -> int:
    """Return ``d_head = d_model // num_heads``, or raise if the sizes do not fit."""
    require_size("d_model", d_model)
    require_size("num_heads", num_heads)
    if d_model % num_heads:
        raise ValueError(
            f"num_heads must divide d_model (each head gets d_model / num_heads features); "
            f"got d_model={d_model} and num_heads={num_heads}."
        )
    return d_model // num_heads


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Split the features of ``x (batch, n, d_model)`` into heads: ``(batch, heads, n, d_head)``.

    ``view(batch, n, heads, d_head)`` cuts each word's ``d_model`` features into ``heads``
    consecutive slices of ``d_head``; ``transpose(1, 2)`` then puts the heads before the
    words, so that ``result[b, i]`` is head ``i``'s ``(n, d_head)`` matrix, one row per word.
    (``x.view(batch, heads, n, d_head)`` has the same shape but mixes words and features:
    09_multi_head_attention.ipynb shows it.) Introduced in 09_multi_head_attention.ipynb.

    Raises:
        TypeError: ``x`` is not a floating-point tensor, or ``num_heads`` is not an int.
        ValueError: ``x`` is not 3-D, or ``num_heads`` does not divide its last dimension.
    """
    require_tensor("x", x, ndim=(3,))
    batch, n, d_model = x.shape
    d_head = _require_heads(d_model, num_heads)
    return x.view(batch, n, num_heads, d_head).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`split_heads`: ``(batch, heads, n, d_head)`` to ``(batch, n, heads * d_head)``.

    ``transpose(1, 2)`` puts the words first again, ``reshape`` lays each word's heads side
    by side (it copies, since the transposed tensor is not contiguous; ``view`` would
    refuse). Introduced in 09_multi_head_attention.ipynb.

    Raises:
        TypeError: ``x`` is not a floating-point tensor.
        ValueError: ``x`` is not 4-D.
    """
    require_tensor("x", x, ndim=(4,))
    batch, heads, n, d_head = x.shape
    return x.transpose(1, 2).reshape(batch, n, heads * d_head)


def heads_mask(mask: torch.Tensor | None) -> torch.Tensor | None:
    """A course mask made ready for scores of shape ``(batch, heads, n, n)``.

    ``mask`` is boolean, ``True`` = may attend (see :mod:`helpers.masks`). A 2-D ``(n, n)``
    mask (e.g. ``causal_mask(n)``) and a 4-D mask already broadcast and are returned as
    they are. A 3-D mask, ``(batch, 1, n)`` from ``padding_mask`` or ``(batch, n, n)``, has
    no heads dimension: it gets one, ``mask.unsqueeze(1)``, so that it applies to every
    head of its own sentence (without it, ``batch`` would line up with ``heads``).
    Anything else is passed on unchanged for :func:`helpers.scaled_dot_product_attention`
    to check. Introduced in 09_multi_head_attention.ipynb.
    """
    if isinstance(mask, torch.Tensor) and mask.dim() == 3:
        return mask.unsqueeze(1)
    return mask


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention, written out: ``num_heads`` heads of ``d_model // num_heads`` features.

    Parameters (created in this order, so a seed fixes them): ``query``, ``key``, ``value``
    and ``out``, each an ``nn.Linear(d_model, d_model, bias=bias)``. ``nn.Linear`` stores its
    weight as ``(out_features, in_features)`` and computes ``y = x @ weight.T + bias``.

    ``attend(x, mask=None)`` takes a batch ``x (batch, n, d_model)`` (or one sentence
    ``(n, d_model)``) and returns ``(output, weights)``: the output ``(batch, n, d_model)``
    and every head's attention weights ``(batch, heads, n, n)`` (without the batch
    dimension for one sentence). ``forward(x, mask=None)`` returns the output only.
    ``mask`` is boolean, ``True`` = may attend, broadcastable to ``(batch, heads, n, n)``;
    ``causal_mask(n)`` ``(n, n)`` and ``padding_mask(lengths)`` ``(batch, 1, n)`` work as
    they are (see :func:`heads_mask`). Introduced in 09_multi_head_attention.ipynb;
    10_what_pytorch_does.ipynb compares it with ``torch.nn.MultiheadAttention``.

    Raises:
        TypeError: a size is not an int, ``bias`` is not a bool, ``x`` is not a
            floating-point tensor, or ``mask`` is not a boolean tensor.
        ValueError: a size is not positive, ``num_heads`` does not divide ``d_model``,
            ``x`` is not 2-D or 3-D or has not ``d_model`` features, or ``mask`` does not
            broadcast to the scores' shape.
    """

    def __init__(self, d_model: int, num_heads: int, bias: bool = True) -> None:
        super().__init__()
        self.d_head = _require_heads(d_model, num_heads)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False; got {describe(bias)}.")
        self.d_model, self.num_heads = d_model, num_heads
        self.query = nn.Linear(d_model, d_model, bias=bias)
        self.key = nn.Linear(d_model, d_model, bias=bias)
        self.value = nn.Linear(d_model, d_model, bias=bias)
        self.out = nn.Linear(d_model, d_model, bias=bias)

    def attend(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The output ``(batch, n, d_model)`` and the weights ``(batch, heads, n, n)``."""
        require_tensor("x", x, ndim=(2, 3))
        if x.shape[-1] != self.d_model:
            raise ValueError(
                f"x must have {self.d_model} features in its last dimension "
                f"(d_model={self.d_model}); got shape {tuple(x.shape)}."
            )
        one_sentence = x.dim() == 2
        batch = x.unsqueeze(0) if one_sentence else x  # (batch, n, d_model)
        queries = split_heads(self.query(batch), self.num_heads)  # (batch, heads, n, d_head)
        keys = split_heads(self.key(batch), self.num_heads)
        values = split_heads(self.value(batch), self.num_heads)
        context, weights = scaled_dot_product_attention(queries, keys, values, heads_mask(mask))
        output = self.out(merge_heads(context))  # (batch, n, d_model)
        if one_sentence:
            return output[0], weights[0]
        return output, weights

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The output ``(batch, n, d_model)`` for ``x (batch, n, d_model)``."""
        return self.attend(x, mask)[0]

    @torch.no_grad()
    def load_from_torch(self, module: nn.MultiheadAttention) -> MultiHeadAttention:
        """Copy the weights of ``module``, a ``torch.nn.MultiheadAttention``, into this module.

        PyTorch keeps the three input projections in one stacked matrix,
        ``in_proj_weight (3 * d_model, d_model)``, in ``nn.Linear``'s ``(out, in)`` layout:

        * rows ``[0, d_model)`` are the query weight (``self.query.weight``),
        * rows ``[d_model, 2 * d_model)`` the key weight (``self.key.weight``),
        * rows ``[2 * d_model, 3 * d_model)`` the value weight (``self.value.weight``);

        ``in_proj_bias (3 * d_model,)`` is stacked the same way, and ``out_proj`` is an
        ``nn.Linear`` like ``self.out``. Each block is the transpose of the matrix the math
        writes: ``Q = x W_Q`` with ``W_Q = in_proj_weight[:d_model].T``. Returns ``self``.
        The module must use ``batch_first=True`` (the course's layout) and the same sizes;
        its dropout (active only in training mode) is not copied.
        Introduced in 10_what_pytorch_does.ipynb.

        Raises:
            TypeError: ``module`` is not an ``nn.MultiheadAttention``.
            ValueError: its ``embed_dim``, ``num_heads`` or bias differ from this module's,
                it has ``batch_first=False``, ``kdim``/``vdim`` set to other sizes, or
                ``add_bias_kv``/``add_zero_attn``.
        """
        if not isinstance(module, nn.MultiheadAttention):
            raise TypeError(
                f"module must be a torch.nn.MultiheadAttention; got {describe(module)}."
            )
        if module.embed_dim != self.d_model or module.num_heads != self.num_heads:
            raise ValueError(
                f"module must have embed_dim={self.d_model} and num_heads={self.num_heads} like "
                f"this module; got embed_dim={module.embed_dim} and num_heads={module.num_heads}."
            )
        if not module.batch_first:
            raise ValueError(
                "module must be built with batch_first=True (inputs (batch, n, d_model), as in "
                "this course); got batch_first=False, which reads inputs as (n, batch, d_model)."
            )
        if not module._qkv_same_embed_dim or module.in_proj_weight is None:
            raise ValueError(
                f"module must not set kdim or vdim to other sizes (self-attention: keys and "
                f"values come from the same x); got kdim={module.kdim}, vdim={module.vdim}."
            )
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError(
                "module must be built without add_bias_kv and add_zero_attn (they add extra "
                "keys this module does not have); got "
                f"add_bias_kv={module.bias_k is not None}, add_zero_attn={module.add_zero_attn}."
            )
        has_bias = module.in_proj_bias is not None
        if has_bias != (self.query.bias is not None):
            raise ValueError(
                f"module must have bias={self.query.bias is not None} like this module; "
                f"got a module with bias={has_bias}."
            )
        d = self.d_model
        weight = module.in_proj_weight  # (3 * d_model, d_model): W_Q^T, W_K^T, W_V^T stacked
        self.query.weight.copy_(weight[0:d])
        self.key.weight.copy_(weight[d : 2 * d])
        self.value.weight.copy_(weight[2 * d : 3 * d])
        self.out.weight.copy_(module.out_proj.weight)
        if has_bias:
            bias = module.in_proj_bias  # (3 * d_model,)
            self.query.bias.copy_(bias[0:d])
            self.key.bias.copy_(bias[d : 2 * d])
            self.value.bias.copy_(bias[2 * d : 3 * d])
            self.out.bias.copy_(module.out_proj.bias)
        return self


def course_example(
    seed: int = SEED, d_model: int = D_MODEL, num_heads: int = NUM_HEADS
) -> tuple[list[str], torch.Tensor, MultiHeadAttention]:
    """The course sentence and module of lessons 09 and 10, leaving the random state alone.

    Returns the sentence's words, its embedding as a batch of one sentence
    ``x (1, 9, d_model)`` (``embed`` with ``d=d_model``, seeded with ``seed``), and a
    ``MultiHeadAttention(d_model, num_heads)`` created right after
    ``torch.manual_seed(seed)``: exactly what the lessons' setup builds.
    Introduced in 09_multi_head_attention.ipynb (the explorer and the checks use it).

    Raises:
        TypeError: ``seed`` or a size is not an int.
        ValueError: ``seed`` is negative, a size is not positive, or ``num_heads`` does
            not divide ``d_model``.
    """
    require_seed("seed", seed)
    _require_heads(d_model, num_heads)
    with torch.random.fork_rng(devices=[]):
        x = embed(encode(SENTENCE, build_vocabulary(SENTENCE)), d=d_model, seed=seed)
        torch.manual_seed(seed)
        module = MultiHeadAttention(d_model, num_heads)
    return split_words(SENTENCE), x.unsqueeze(0), module
