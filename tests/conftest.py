"""Fixtures that several test files share."""

from __future__ import annotations

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
