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
from helpers.lesson import SEED, SENTENCE
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
    """Look ``ids`` up in a freshly seeded ``nn.Embedding(vocab_size, d)``; shape ``(n, d)``.

    Seeds PyTorch with ``seed`` first, as the article does, so the table, and therefore
    the result, is the article's 9 × 3 matrix for the course sentence. The result is
    detached: it is the input of self-attention, not something we train here.

    Introduced in 02_embedding.ipynb.

    Raises:
        TypeError: ``ids`` is not an integer tensor, or a size is not an int.
        ValueError: ``ids`` is not 1-D or 2-D, a size is not positive, or an id is
            outside ``0 .. vocab_size - 1``.
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

    Raises:
        TypeError: a size is not an int.
        ValueError: a size is not positive, or ``d_q != d_k`` (a query is compared with
            a key by a dot product, so they must have the same length).
    """
    for name, size in (("d", d), ("d_q", d_q), ("d_k", d_k), ("d_v", d_v)):
        require_size(name, size)
    if d_q != d_k:
        raise ValueError(
            f"d_q must equal d_k (queries and keys meet in a dot product); got d_q={d_q}, d_k={d_k}."
        )
    torch.manual_seed(seed)
    w_query = nn.Parameter(torch.rand(d, d_q))
    w_key = nn.Parameter(torch.rand(d, d_k))
    w_value = nn.Parameter(torch.rand(d, d_v))
    return w_query, w_key, w_value


def attention_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Scaled dot products ``query @ key^T / sqrt(d_k)``; shape ``(..., n_q, n_k)``.

    Works on one sentence ``(n, d_k)`` or a batch ``(batch, n, d_k)``: it transposes the
    last two dimensions, never ``.T`` (which reverses every dimension of a 3-D tensor).
    Introduced in 04_attention_scores.ipynb.

    Raises:
        TypeError: an argument is not a floating-point tensor.
        ValueError: ranks differ or are not 2-D/3-D, or the last dimensions differ
            (d_q must equal d_k).
    """
    require_tensor("query", query, ndim=(2, 3))
    require_tensor("key", key, ndim=(2, 3))
    if query.dim() != key.dim():
        raise ValueError(
            f"query and key must have the same rank; got shapes {tuple(query.shape)} and {tuple(key.shape)}."
        )
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(
            "query and key must have the same last dimension (d_q must equal d_k); "
            f"got query {tuple(query.shape)} and key {tuple(key.shape)}."
        )
    scores = query @ key.transpose(-2, -1)
    return scores / math.sqrt(key.shape[-1])


def softmax(scores: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax written out, numerically stable: ``exp(s - max) / sum(exp(s - max))`` along ``dim``.

    Subtracting each row's maximum changes nothing mathematically but keeps ``exp`` from
    overflowing on large scores. ``-inf`` is allowed (it gives weight 0: that is how
    masks work); a row that is entirely ``-inf`` has nothing to attend to and gives NaN,
    as ``F.softmax`` does. Introduced in 05_softmax_weights.ipynb.

    Raises:
        TypeError: ``scores`` is not a floating-point tensor, or ``dim`` not an int.
        ValueError: ``scores`` holds NaN or +inf, or ``dim`` is out of range.
    """
    require_tensor("scores", scores, ndim=(1, 2, 3, 4))
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int; got {describe(dim)}.")
    if not -scores.dim() <= dim < scores.dim():
        raise ValueError(
            f"dim must be between {-scores.dim()} and {scores.dim() - 1} for a "
            f"{scores.dim()}-D tensor; got {dim}."
        )
    if torch.isnan(scores).any():
        raise ValueError("scores must not hold NaN; got a tensor with NaN in it.")
    if torch.isposinf(scores).any():
        raise ValueError("scores must not hold +inf (only -inf, for masked positions); got +inf.")
    shifted = scores - scores.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def attention_weights(scores: torch.Tensor) -> torch.Tensor:
    """Each row of ``scores`` turned into weights that sum to 1: ``F.softmax(scores, dim=-1)``.

    The article's step, with PyTorch's softmax (05_softmax_weights.ipynb shows it equals
    :func:`softmax`).
    """
    require_tensor("scores", scores, ndim=(2, 3))
    return F.softmax(scores, dim=-1)


def context_vectors(weights: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """Each word's weighted sum of the value vectors: ``weights @ value``; shape ``(..., n, d_v)``.

    Introduced in 06_context_vectors.ipynb.

    Raises:
        TypeError: an argument is not a floating-point tensor.
        ValueError: ranks are not 2-D/3-D or differ, or ``weights`` has not one column
            per row of ``value``.
    """
    require_tensor("weights", weights, ndim=(2, 3))
    require_tensor("value", value, ndim=(2, 3))
    if weights.dim() != value.dim():
        raise ValueError(
            f"weights and value must have the same rank; got shapes {tuple(weights.shape)} and {tuple(value.shape)}."
        )
    if weights.shape[-1] != value.shape[-2]:
        raise ValueError(
            "weights must have one column per row of value; "
            f"got weights {tuple(weights.shape)} and value {tuple(value.shape)}."
        )
    return weights @ value


class SelfAttention(nn.Module):
    """The article's self-attention module: projections, scaled scores, softmax, weighted sum.

    ``forward`` takes one sentence ``(n, d)`` or a batch ``(batch, n, d)`` and returns the
    context vectors ``(..., n, d_v)``. Same parameters as the article's module, drawn with
    ``torch.rand`` when the module is created (so they depend on the random state then).
    Introduced in 07_self_attention_module.ipynb.
    """

    def __init__(self, d: int, d_q: int, d_k: int, d_v: int) -> None:
        super().__init__()
        for name, size in (("d", d), ("d_q", d_q), ("d_k", d_k), ("d_v", d_v)):
            require_size(name, size)
        if d_q != d_k:
            raise ValueError(
                f"d_q must equal d_k (queries and keys meet in a dot product); got d_q={d_q}, d_k={d_k}."
            )
        self.d, self.d_q, self.d_k, self.d_v = d, d_q, d_k, d_v
        self.W_query = nn.Parameter(torch.rand(d, d_q))
        self.W_key = nn.Parameter(torch.rand(d, d_k))
        self.W_value = nn.Parameter(torch.rand(d, d_v))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_tensor("x", x, ndim=(2, 3))
        if x.shape[-1] != self.d:
            raise ValueError(
                f"x must have {self.d} features in its last dimension (d={self.d}); "
                f"got shape {tuple(x.shape)}."
            )
        queries = x @ self.W_query
        keys = x @ self.W_key
        values = x @ self.W_value
        weights = attention_weights(attention_scores(queries, keys))
        return context_vectors(weights, values)


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
    return CourseSteps(
        sentence=SENTENCE,
        words=split_words(SENTENCE),
        vocabulary=vocabulary,
        ids=ids,
        embedded=embedded,
        W_query=w_query,
        W_key=w_key,
        W_value=w_value,
        query=query,
        key=key,
        value=value,
        scores=scores,
        weights=weights,
        context=context_vectors(weights, value),
    )
