"""Steps 2 to 7 of the article: from word ids to context vectors, and the module.

Each function is one step, written as the article computes it, so that
``rebuild_steps()`` reproduces the article's tensors exactly (tests/article_reference.py
holds the article's code and tests/test_attention.py compares with ``torch.equal``).
The docstrings name the lesson that builds each step inline first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from helpers._validate import describe, require_size, require_tensor
from helpers.course import SEED, SENTENCE
from helpers.vocabulary import build_vocabulary, encode, split_words

VOCAB_SIZE = 50_000
"""Rows of the article's embedding table: room for a real vocabulary, though 9 are used."""

D = 3
"""Embedding size d: each word becomes a vector of 3 numbers (small enough to look at)."""

D_Q, D_K, D_V = 2, 2, 4
"""Sizes of each word's query, key and value vectors in the article."""


def embed(
    ids: torch.Tensor, vocab_size: int = VOCAB_SIZE, d: int = D, seed: int = SEED
) -> torch.Tensor:
    """Look ``ids`` up in a freshly seeded ``nn.Embedding(vocab_size, d)``; shape ``(..., d)``.

    ``ids`` is one sentence ``(n,)`` or a batch ``(batch, n)`` of integers. Seeding first, as
    the article does, makes the result the article's 9 × 3 matrix for the course sentence;
    it is detached (the input of self-attention, not trained here). Introduced in
    02_embedding.ipynb.
    """
    require_tensor("ids", ids, ndim=(1, 2), floating=False)
    if ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"ids must be an integer tensor (torch.int64); got dtype {ids.dtype}.")
    require_size("vocab_size", vocab_size)
    require_size("d", d)
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(
            f"ids must lie in 0 .. {vocab_size - 1} (vocab_size={vocab_size}); "
            f"got values from {ids.min().item()} to {ids.max().item()}."
        )
    torch.manual_seed(seed)
    table = nn.Embedding(vocab_size, d)
    return table(ids).detach()


def projection_weights(
    d: int = D, d_q: int = D_Q, d_k: int = D_K, d_v: int = D_V, seed: int = SEED
) -> tuple[nn.Parameter, nn.Parameter, nn.Parameter]:
    """The article's learnable projections ``W_query (d, d_q)``, ``W_key (d, d_k)``, ``W_value (d, d_v)``.

    Seeds PyTorch with ``seed``, then draws the three matrices uniformly from [0, 1) in
    that order, exactly as the article does. Introduced in 03_query_key_value.ipynb.
    """
    _require_sizes(d, d_q, d_k, d_v)
    torch.manual_seed(seed)
    w_query = nn.Parameter(torch.rand(d, d_q))
    w_key = nn.Parameter(torch.rand(d, d_k))
    w_value = nn.Parameter(torch.rand(d, d_v))
    return w_query, w_key, w_value


def attention_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Scaled dot products ``query @ key^T / sqrt(d_k)``; shape ``(..., n_q, n_k)``.

    ``query (..., n_q, d_k)`` and ``key (..., n_k, d_k)``: one sentence, a batch, a batch
    of heads. Rows of the result are queries, columns are keys. It transposes the last two
    dimensions, never ``.T`` (which reverses every dimension of a 3-D tensor).
    Introduced in 04_attention_scores.ipynb.
    """
    _require_pair(query, key)
    return query @ key.transpose(-2, -1) / math.sqrt(key.shape[-1])


def softmax(scores: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax written out, numerically stable: ``exp(s - max) / sum(exp(s - max))`` along ``dim``.

    Subtracting each row's maximum changes nothing mathematically but keeps ``exp`` from
    overflowing on large scores. ``-inf`` gives weight 0 (that is how masks work); a row
    that is entirely ``-inf`` has nothing to attend to and gives NaN, as ``F.softmax`` does.
    Introduced in 05_softmax_weights.ipynb.
    """
    _require_scores(scores)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int; got {describe(dim)}.")
    if not -scores.dim() <= dim < scores.dim():
        raise ValueError(
            f"dim must be between {-scores.dim()} and {scores.dim() - 1} for a "
            f"{scores.dim()}-D tensor; got {dim}."
        )
    exps = (scores - scores.amax(dim=dim, keepdim=True)).exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def attention_weights(scores: torch.Tensor) -> torch.Tensor:
    """Each row of ``scores`` turned into weights that sum to 1: ``F.softmax(scores, dim=-1)``.

    The article's step 5, with PyTorch's softmax (05_softmax_weights.ipynb shows it equals
    :func:`softmax`, written out). ``-inf`` scores (masked) get weight 0.
    """
    _require_scores(scores)
    return F.softmax(scores, dim=-1)


def context_vectors(weights: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """Each word's weighted sum of the value vectors: ``weights @ value``; shape ``(..., n, d_v)``.

    Row ``i`` of the result is ``sum_j weights[i, j] * value[j]``: the value vectors of all
    words, mixed in the proportions query ``i`` chose. Introduced in 06_context_vectors.ipynb.
    """
    require_tensor("weights", weights, ndim=2)
    require_tensor("value", value, ndim=2)
    if weights.shape[-1] != value.shape[-2]:
        raise ValueError(
            "weights must have one column per row of value; "
            f"got weights {tuple(weights.shape)} and value {tuple(value.shape)}."
        )
    return weights @ value


def scaled_dot_product_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Steps 4 to 6 in one call: ``softmax(query @ key^T / sqrt(d_k)) @ value``.

    Takes ``query (..., n_q, d_k)``, ``key (..., n_k, d_k)`` and ``value (..., n_k, d_v)``
    with the same leading sizes, like ``torch.nn.functional.scaled_dot_product_attention``,
    and returns ``(context, weights)`` of shapes ``(..., n_q, d_v)`` and ``(..., n_q, n_k)``.
    ``mask`` is an optional boolean tensor that broadcasts to ``(..., n_q, n_k)``: ``True``
    means "this query may attend to this key" (PyTorch's convention for a boolean
    ``attn_mask``). A query whose row is entirely blocked gets NaN weights (PyTorch's fused
    function returns zeros there). Without a mask the result is bit for bit the article's.
    Introduced in 07_self_attention_module.ipynb.
    """
    _require_attention(query, key, value, mask)
    scores = query @ key.transpose(-2, -1) / math.sqrt(key.shape[-1])  # (..., n_q, n_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = F.softmax(scores, dim=-1)
    return weights @ value, weights  # (..., n_q, d_v), (..., n_q, n_k)


# ---- input checks: the functions above take learners' own tensors -------------------------


def _require_sizes(d: int, d_q: int, d_k: int, d_v: int) -> None:
    for name, size in (("d", d), ("d_q", d_q), ("d_k", d_k), ("d_v", d_v)):
        require_size(name, size)
    if d_q != d_k:
        raise ValueError(
            f"d_q must equal d_k (queries and keys meet in a dot product); got d_q={d_q}, d_k={d_k}."
        )


def _require_pair(query: torch.Tensor, key: torch.Tensor) -> None:
    require_tensor("query", query, ndim=2)
    require_tensor("key", key, ndim=2)
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(
            "query and key must have the same last dimension (d_q must equal d_k); "
            f"got query {tuple(query.shape)} and key {tuple(key.shape)}."
        )


def _require_scores(scores: torch.Tensor) -> None:
    """Scores may hold -inf (a masked position) but never NaN or +inf."""
    require_tensor("scores", scores, ndim=1)
    if torch.isnan(scores).any():
        raise ValueError("scores must not hold NaN; got a tensor with NaN in it.")
    if torch.isposinf(scores).any():
        raise ValueError("scores must not hold +inf (only -inf, for masked positions); got +inf.")


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """True if a tensor of ``shape`` broadcasts to ``target`` without changing it.

    Written out (right-aligned sizes must match or be 1) because the first call of
    ``torch.broadcast_shapes`` costs about half a second of lazy imports (make bench).
    """
    if len(shape) > len(target):
        return False
    return all(
        size in (1, full) for size, full in zip(reversed(shape), reversed(target), strict=False)
    )


def _require_attention(
    query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None
) -> None:
    require_tensor("value", value, ndim=2)
    _require_pair(query, key)
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if not torch.isfinite(tensor).all():
            kind = "NaN" if torch.isnan(tensor).any() else "inf"
            raise ValueError(
                f"{name} must hold only finite numbers; got a tensor with {kind} in it."
            )
    shapes = f"{tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}"
    if not query.dim() == key.dim() == value.dim():
        raise ValueError(f"query, key and value must have the same rank; got shapes {shapes}.")
    if not query.shape[:-2] == key.shape[:-2] == value.shape[:-2]:
        raise ValueError(
            f"query, key and value must have the same leading (batch) sizes; got shapes {shapes}."
        )
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            "key and value must have one row per word, the same number of rows; "
            f"got key {tuple(key.shape)} and value {tuple(value.shape)}."
        )
    if mask is None:
        return
    if not isinstance(mask, torch.Tensor):
        raise TypeError(
            f"mask must be a boolean torch.Tensor (True = may attend); got {describe(mask)}."
        )
    if mask.dtype != torch.bool:
        raise TypeError(
            f"mask must be a boolean tensor (True = may attend); got dtype {mask.dtype} "
            "(build it with a comparison, or convert with .bool())."
        )
    scores = (*query.shape[:-1], key.shape[-2])
    if not _broadcasts_to(tuple(mask.shape), scores):
        raise ValueError(
            f"mask must broadcast to the scores' shape {scores} "
            f"(queries x keys); got shape {tuple(mask.shape)}."
        )


class SelfAttention(nn.Module):
    """The article's self-attention module: projections, scaled scores, softmax, weighted sum.

    ``forward(x, mask=None)`` takes one sentence ``(n, d)`` or a batch ``(..., n, d)`` and
    returns the context vectors ``(..., n, d_v)``; ``attend`` also returns the weights
    ``(..., n, n)``. ``mask`` is optional and boolean, ``True`` = may attend (see
    :func:`scaled_dot_product_attention`, which does the work). The parameters are the
    article's: ``W_query (d, d_q)``, ``W_key (d, d_k)``, ``W_value (d, d_v)``, drawn with
    ``torch.rand`` in that order when the module is created, so they depend on the random
    state at that moment (seed first to get known numbers).
    Introduced in 07_self_attention_module.ipynb.
    """

    def __init__(self, d: int, d_q: int, d_k: int, d_v: int) -> None:
        super().__init__()
        _require_sizes(d, d_q, d_k, d_v)
        self.d, self.d_q, self.d_k, self.d_v = d, d_q, d_k, d_v
        self.W_query = nn.Parameter(torch.rand(d, d_q))
        self.W_key = nn.Parameter(torch.rand(d, d_k))
        self.W_value = nn.Parameter(torch.rand(d, d_v))

    def attend(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The context vectors ``(..., n, d_v)`` and the attention weights ``(..., n, n)``."""
        require_tensor("x", x, ndim=2)
        if x.shape[-1] != self.d:
            raise ValueError(
                f"x must have {self.d} features in its last dimension (d={self.d}); "
                f"got shape {tuple(x.shape)}."
            )
        q, k, v = x @ self.W_query, x @ self.W_key, x @ self.W_value  # (..., n, d_k|d_k|d_v)
        return scaled_dot_product_attention(q, k, v, mask)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The context vectors ``(..., n, d_v)`` for ``x (..., n, d)``."""
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
    """Recompute steps 1 to 6 for the course sentence, exactly as the article does.

    A lesson's setup calls this to start where the previous lesson ended. It leaves
    PyTorch's random generator where the article's code leaves it after step 3 (seeded
    with 123, then 24 numbers drawn), which is what the article's module in step 7 uses.
    Introduced in 02_embedding.ipynb ("Setup"), used by every later lesson.
    """
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
