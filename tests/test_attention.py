"""helpers.attention reproduces the article's every tensor exactly (tests/article_reference.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from article_reference import run_article

import helpers.attention as attention


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    return run_article()


@pytest.fixture(scope="module")
def steps() -> attention.CourseSteps:
    return attention.rebuild_steps()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("ids", "sentence_int"),
        ("embedded", "embedded_sentence"),
        ("W_query", "W_query"),
        ("W_key", "W_key"),
        ("W_value", "W_value"),
        ("query", "query"),
        ("key", "key"),
        ("value", "value"),
        ("scores", "attention_scores"),
        ("weights", "attention_weights"),
        ("context", "context_vector"),
    ],
)
def test_rebuild_steps_equals_the_article(
    steps: attention.CourseSteps, article: dict[str, Any], ours: str, theirs: str
) -> None:
    assert torch.equal(getattr(steps, ours), article[theirs])


def test_shapes(steps: attention.CourseSteps) -> None:
    assert steps.words[0] == "The" and steps.vocabulary["The"] == 0
    shapes = {
        name: tuple(getattr(steps, name).shape)
        for name in (
            "ids",
            "embedded",
            "W_query",
            "W_key",
            "W_value",
            "query",
            "key",
            "value",
            "scores",
            "weights",
            "context",
        )
    }
    assert shapes == {
        "ids": (9,), "embedded": (9, 3), "W_query": (3, 2), "W_key": (3, 2), "W_value": (3, 4),
        "query": (9, 2), "key": (9, 2), "value": (9, 4), "scores": (9, 9), "weights": (9, 9),
        "context": (9, 4),
    }  # fmt: skip


def test_module_continues_the_random_stream_like_the_article(article: dict[str, Any]) -> None:
    """The article builds its module right after step 3 without reseeding."""
    attention.rebuild_steps()
    module = attention.SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    for name in ("W_query", "W_key", "W_value"):
        assert torch.equal(getattr(module, name), getattr(article["sa"], name))
    assert torch.equal(module(article["embedded_sentence"]), article["cv"])
    assert not torch.equal(article["cv"], article["context_vector"])


def test_module_on_a_batch_equals_each_sentence() -> None:
    torch.manual_seed(0)
    module = attention.SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    batch = torch.randn(2, 5, 3)
    together = module(batch)
    assert together.shape == (2, 5, 4)
    for i in range(2):
        torch.testing.assert_close(together[i], module(batch[i]))


def test_stable_softmax_matches_pytorch_and_survives_large_scores() -> None:
    scores = torch.tensor([[1.0, 2.0, 3.0], [1000.0, 1001.0, 999.0]])
    torch.testing.assert_close(attention.softmax(scores), F.softmax(scores, dim=-1))
    assert torch.isfinite(attention.softmax(scores)).all()
    masked = attention.softmax(torch.tensor([0.0, float("-inf"), 0.0]))
    assert masked.tolist() == [0.5, 0.0, 0.5]
    assert torch.isnan(attention.softmax(torch.full((3,), float("-inf")))).all()


def test_scores_use_the_last_two_dimensions() -> None:
    query, key = torch.randn(2, 4, 3), torch.randn(2, 5, 3)
    scores = attention.attention_scores(query, key)
    assert scores.shape == (2, 4, 5)
    torch.testing.assert_close(scores[1], query[1] @ key[1].T / 3**0.5)


BAD_CALLS = [
    (lambda: attention.embed([0, 1]), TypeError, "ids must be a 1-D or 2-D torch.Tensor; got [0, 1] (type list) (wrap it with torch.tensor(...))"),
    (lambda: attention.embed(torch.tensor([0.0, 1.0])), TypeError, "ids must be an integer tensor (torch.int64); got dtype torch.float32"),
    (lambda: attention.embed(torch.tensor([0, 50000])), ValueError, "ids must lie in 0 .. 49999 (vocab_size=50000); got values from 0 to 50000"),
    (lambda: attention.embed(torch.tensor([-1])), ValueError, "got values from -1 to -1"),
    (lambda: attention.embed(torch.tensor([0]), d=0), ValueError, "d must be a positive int; got 0"),
    (lambda: attention.embed(torch.tensor([0]), vocab_size="9"), TypeError, "vocab_size must be a positive int; got '9' (type str)"),
    (lambda: attention.projection_weights(d_q=2, d_k=3), ValueError, "d_q must equal d_k (queries and keys meet in a dot product); got d_q=2, d_k=3"),
    (lambda: attention.projection_weights(d_v=-4), ValueError, "d_v must be a positive int; got -4"),
    (lambda: attention.attention_scores(torch.ones(9, 2), torch.ones(9, 3)), ValueError, "same last dimension (d_q must equal d_k); got query (9, 2) and key (9, 3)"),
    (lambda: attention.attention_scores(torch.ones(9, 2), torch.ones(1, 9, 2)), ValueError, "query and key must have the same rank"),
    (lambda: attention.attention_scores(torch.ones(2), torch.ones(2)), ValueError, "query must be a 2-D or 3-D tensor; got a 1-D tensor of shape (2,)"),
    (lambda: attention.attention_scores(torch.ones(9, 2, dtype=torch.long), torch.ones(9, 2)), TypeError, "query must hold floating-point numbers; got dtype torch.int64"),
    (lambda: attention.softmax(torch.tensor([1.0, float("nan")])), ValueError, "scores must not hold NaN"),
    (lambda: attention.softmax(torch.tensor([1.0, float("inf")])), ValueError, "scores must not hold +inf"),
    (lambda: attention.softmax(torch.ones(3, 3), dim=2), ValueError, "dim must be between -2 and 1 for a 2-D tensor; got 2"),
    (lambda: attention.softmax(torch.ones(3), dim=None), TypeError, "dim must be an int; got None"),
    (lambda: attention.softmax(torch.ones(0)), ValueError, "scores must not be empty; got shape (0,)"),
    (lambda: attention.context_vectors(torch.ones(9, 9), torch.ones(8, 4)), ValueError, "weights must have one column per row of value; got weights (9, 9) and value (8, 4)"),
    (lambda: attention.SelfAttention(3, 2, 3, 4), ValueError, "d_q must equal d_k"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(torch.ones(9, 5)), ValueError, "x must have 3 features in its last dimension (d=3); got shape (9, 5)"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(None), TypeError, "x must be a 2-D or 3-D torch.Tensor; got None"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS)
def test_bad_input_is_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()
