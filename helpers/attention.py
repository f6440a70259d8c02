"""Steps 2 to 7 of the article: from word ids to context vectors, and the module.

Each function is one step, computed as the article does, so ``rebuild_steps()`` gives the
article's tensors exactly (tests/test_maths.py compares them with ``torch.equal``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from helpers._validate import describe, require_size, require_tensor
from helpers.course import SEED, SENTENCE
from helpers.vocabulary import build_vocabulary, encode, split_words

VOCAB_SIZE = 50_000  # rows of the article's embedding table (the course sentence uses 9)
D = 3  # embedding size d: each word becomes a vector of 3 numbers
D_Q, D_K, D_V = 2, 2, 4  # sizes of each word's query, key and value vectors


def embed(
    ids: torch.Tensor, vocab_size: int = VOCAB_SIZE, d: int = D, seed: int = SEED
) -> torch.Tensor:
    """``ids (n,)`` or ``(batch, n)`` looked up in a freshly seeded ``nn.Embedding(vocab_size, d)``:
    the article's 9 × 3 matrix for the course sentence. Introduced in 02_embedding.ipynb."""
    require_tensor("ids", ids, ndim=(1, 2), floating=False)
    if ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"ids must be an integer tensor (torch.int64); got dtype {ids.dtype}.")
    require_size("vocab_size", vocab_size)
    require_size("d", d)
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"ids must lie in 0 .. {vocab_size - 1} (vocab_size={vocab_size}); "
                         f"got values from {ids.min().item()} to {ids.max().item()}.")  # fmt: skip
    torch.manual_seed(seed)
    table = nn.Embedding(vocab_size, d)
    return table(ids).detach()


def projection_weights(
    d: int = D, d_q: int = D_Q, d_k: int = D_K, d_v: int = D_V, seed: int = SEED
) -> tuple[nn.Parameter, nn.Parameter, nn.Parameter]:
    """The article's ``W_query (d, d_q)``, ``W_key (d, d_k)``, ``W_value (d, d_v)``: seeded, then
    drawn with ``torch.rand`` in that order. Introduced in 03_query_key_value.ipynb."""
    return _draw_projections(d, d_q, d_k, d_v, seed)


def attention_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """``query @ key^T / sqrt(d_k)``, shape ``(..., n_q, n_k)``: rows are queries, columns keys
    (``transpose(-2, -1)``, not ``.T``: batches work). Introduced in 04_attention_scores.ipynb."""
    _require_pair(query, key)
    return query @ key.transpose(-2, -1) / math.sqrt(key.shape[-1])


def softmax(scores: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax written out, stable: ``exp(s - max) / sum(exp(s - max))`` along ``dim``; ``-inf``
    gives 0, an all ``-inf`` row NaN (as ``F.softmax``). Introduced in 05_softmax_weights.ipynb."""
    _require_scores(scores)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int; got {describe(dim)}.")
    if not -scores.dim() <= dim < scores.dim():
        raise ValueError(f"dim must be between {-scores.dim()} and {scores.dim() - 1} for a "
                         f"{scores.dim()}-D tensor; got {dim}.")  # fmt: skip
    exps = (scores - scores.amax(dim=dim, keepdim=True)).exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def attention_weights(scores: torch.Tensor) -> torch.Tensor:
    """The article's step 5, ``F.softmax(scores, dim=-1)``: each row sums to 1.
    Introduced in 05_softmax_weights.ipynb, which shows it equals :func:`softmax`."""
    _require_scores(scores)
    return F.softmax(scores, dim=-1)


def context_vectors(weights: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """``weights @ value``, shape ``(..., n, d_v)``: row ``i`` mixes the value vectors in the
    proportions query ``i`` chose. Introduced in 06_context_vectors.ipynb."""
    require_tensor("weights", weights, ndim=2)
    require_tensor("value", value, ndim=2)
    if weights.shape[-1] != value.shape[-2]:
        raise ValueError("weights must have one column per row of value; "
                         f"got weights {tuple(weights.shape)} and value {tuple(value.shape)}.")  # fmt: skip
    return weights @ value


def scaled_dot_product_attention(
    query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Steps 4 to 6: ``(context, weights)`` for ``query (..., n_q, d_k)``, ``key (..., n_k, d_k)``,
    ``value (..., n_k, d_v)``. ``mask`` is boolean, ``True`` = may attend (PyTorch's ``attn_mask``);
    a fully blocked row gives NaN (PyTorch's fused function gives zeros). Without a mask it is
    bit for bit the article's. Introduced in 07_self_attention_module.ipynb."""
    _require_attention(query, key, value, mask)
    scores = query @ key.transpose(-2, -1) / math.sqrt(key.shape[-1])  # (..., n_q, n_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = F.softmax(scores, dim=-1)
    return weights @ value, weights  # (..., n_q, d_v), (..., n_q, n_k)


class SelfAttention(nn.Module):
    """The article's self-attention module; ``W_query``, ``W_key``, ``W_value`` are drawn with
    ``torch.rand`` when it is built (seed first). Introduced in 07_self_attention_module.ipynb."""

    def __init__(self, d: int, d_q: int, d_k: int, d_v: int) -> None:
        super().__init__()
        self.d, self.d_q, self.d_k, self.d_v = d, d_q, d_k, d_v
        self.W_query, self.W_key, self.W_value = _draw_projections(d, d_q, d_k, d_v)

    def attend(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Context vectors ``(..., n, d_v)`` and weights ``(..., n, n)`` of ``x (..., n, d)``."""
        require_tensor("x", x, ndim=2)
        if x.shape[-1] != self.d:
            raise ValueError(f"x must have {self.d} features in its last dimension (d={self.d}); "
                             f"got shape {tuple(x.shape)}.")  # fmt: skip
        q, k, v = x @ self.W_query, x @ self.W_key, x @ self.W_value  # (..., n, d_k|d_k|d_v)
        return scaled_dot_product_attention(q, k, v, mask)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.attend(x, mask)[0]


@dataclass(frozen=True)
class CourseSteps:
    """Every tensor the article computes for the course sentence, step by step."""

    sentence: str
    words: list[str]
    vocabulary: dict[str, int]
    ids: torch.Tensor  # (9,) int64, step 1
    embedded: torch.Tensor  # (9, 3), step 2
    W_query: nn.Parameter  # (3, 2), step 3
    W_key: nn.Parameter  # (3, 2)
    W_value: nn.Parameter  # (3, 4)
    query: torch.Tensor  # (9, 2)
    key: torch.Tensor  # (9, 2)
    value: torch.Tensor  # (9, 4)
    scores: torch.Tensor  # (9, 9), step 4 (scaled)
    weights: torch.Tensor  # (9, 9), step 5
    context: torch.Tensor  # (9, 4), step 6


def rebuild_steps() -> CourseSteps:
    """Steps 1 to 6 for the course sentence, as the article computes them; leaves the random
    generator where the article's step 7 starts. Introduced in 02_embedding.ipynb ("Setup")."""
    vocabulary = build_vocabulary(SENTENCE)
    ids = encode(SENTENCE, vocabulary)
    embedded = embed(ids)
    w_query, w_key, w_value = projection_weights()
    query, key, value = embedded @ w_query, embedded @ w_key, embedded @ w_value
    scores = attention_scores(query, key)
    weights = attention_weights(scores)
    context = context_vectors(weights, value)
    return CourseSteps(SENTENCE, split_words(SENTENCE), vocabulary, ids, embedded,
                       w_query, w_key, w_value, query, key, value, scores, weights, context)  # fmt: skip


# ---- the article's projections, and the input checks of the functions above -------------


def _draw_projections(
    d: int, d_q: int, d_k: int, d_v: int, seed: int | None = None
) -> tuple[nn.Parameter, ...]:
    """``W_query``, ``W_key``, ``W_value`` drawn with ``torch.rand``, after seeding if ``seed``."""
    for name, size in (("d", d), ("d_q", d_q), ("d_k", d_k), ("d_v", d_v)):
        require_size(name, size)
    if d_q != d_k:
        raise ValueError("d_q must equal d_k (queries and keys meet in a dot product); "
                         f"got d_q={d_q}, d_k={d_k}.")  # fmt: skip
    if seed is not None:
        torch.manual_seed(seed)
    return tuple(nn.Parameter(torch.rand(d, size)) for size in (d_q, d_k, d_v))


def _require_pair(query: torch.Tensor, key: torch.Tensor) -> None:
    require_tensor("query", query, ndim=2)
    require_tensor("key", key, ndim=2)
    if query.shape[-1] != key.shape[-1]:
        raise ValueError("query and key must have the same last dimension (d_q must equal d_k); "
                         f"got query {tuple(query.shape)} and key {tuple(key.shape)}.")  # fmt: skip


def _require_scores(scores: torch.Tensor) -> None:
    """Scores may hold -inf (a masked position) but never NaN or +inf."""
    require_tensor("scores", scores, ndim=1)
    if torch.isnan(scores).any():
        raise ValueError("scores must not hold NaN; got a tensor with NaN in it.")
    if torch.isposinf(scores).any():
        raise ValueError("scores must not hold +inf (only -inf, for masked positions); got +inf.")


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """True if a tensor of ``shape`` broadcasts to ``target`` without changing it."""
    # Written out (right-aligned sizes must match or be 1) because the first call of
    # torch.broadcast_shapes costs about half a second of lazy imports (make bench).
    if len(shape) > len(target):
        return False
    return all(size in (1, full) for size, full in zip(shape[::-1], target[::-1], strict=False))


def _require_attention(
    query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None
) -> None:
    require_tensor("value", value, ndim=2)
    _require_pair(query, key)
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if not torch.isfinite(tensor).all():
            kind = "NaN" if torch.isnan(tensor).any() else "inf"
            raise ValueError(f"{name} must hold only finite numbers; got a tensor with {kind} in it.")  # fmt: skip
    shapes = f"{tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}"
    if not query.dim() == key.dim() == value.dim():
        raise ValueError(f"query, key and value must have the same rank; got shapes {shapes}.")
    if not query.shape[:-2] == key.shape[:-2] == value.shape[:-2]:
        raise ValueError("query, key and value must have the same leading (batch) sizes; "
                         f"got shapes {shapes}.")  # fmt: skip
    if key.shape[-2] != value.shape[-2]:
        raise ValueError("key and value must have one row per word, the same number of rows; "
                         f"got key {tuple(key.shape)} and value {tuple(value.shape)}.")  # fmt: skip
    if mask is None:
        return
    if not isinstance(mask, torch.Tensor):
        raise TypeError("mask must be a boolean torch.Tensor (True = may attend); "
                        f"got {describe(mask)}.")  # fmt: skip
    if mask.dtype != torch.bool:
        raise TypeError(f"mask must be a boolean tensor (True = may attend); got dtype "
                        f"{mask.dtype} (build it with a comparison, or convert with .bool()).")  # fmt: skip
    scores = (*query.shape[:-1], key.shape[-2])
    if not _broadcasts_to(tuple(mask.shape), scores):
        raise ValueError(f"mask must broadcast to the scores' shape {scores} (queries x keys); "
                         f"got shape {tuple(mask.shape)}.")  # fmt: skip
