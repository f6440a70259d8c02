"""Fixtures and markers that several test files share."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import torch
from article_reference import run_article


@pytest.fixture(scope="module")
def article() -> dict[str, Any]:
    """Every tensor of the article's own code (tests/article_reference.py), computed without
    moving the global random state: the independent reference the lesson tests compare with."""
    with torch.random.fork_rng(devices=[]):
        return run_article()


MODEL_FILES = {"test_l13_a_real_models_attention.py"}
"""The test file that loads lesson 13's trained model (a few seconds each time); lesson 14's file
and lesson 15's mark their few tests that run the model with transformers themselves."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``model`` every test that loads the real model: the files above, and a shared
    test whose parameter is lesson 13's explorer or one of its checks (``make check`` leaves
    them out; ``make test`` runs them all)."""
    from helpers.lessons import l13_a_real_models_attention as lesson

    names = {"real_model_explorer", "check_sentence_similarity"} | {  # lesson 15's runs the model
        name
        for name, _ in inspect.getmembers(lesson, inspect.isfunction)
        if name.startswith("check_")
    }
    for item in items:
        params = getattr(item, "callspec", None)
        ids = set(params.id.split("-")) if params else set()
        if item.path.name in MODEL_FILES or ids & names:
            item.add_marker(pytest.mark.model)
