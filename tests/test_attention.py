"""helpers.attention reproduces the article's every tensor exactly (tests/article_reference.py)."""

from __future__ import annotations

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
