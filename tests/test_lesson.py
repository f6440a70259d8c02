"""helpers.setup_lesson (every lesson's setup cell) seeds, sets print options, checks torch."""

from __future__ import annotations

import random

import pytest
import torch

import helpers
from helpers import course as lesson


def test_seeds_torch_and_python() -> None:
    helpers.setup_lesson()
    drawn = torch.rand(3), random.random()
    torch.manual_seed(123)
    random.seed(123)
    assert torch.equal(drawn[0], torch.rand(3)) and drawn[1] == random.random()


def test_print_options() -> None:
    helpers.setup_lesson()
    assert str(torch.tensor([1 / 3, 1e-6])) == "tensor([0.3333, 0.0000])"


def test_silent_with_the_pinned_torch(capsys: pytest.CaptureFixture[str]) -> None:
    assert torch.__version__.split("+")[0] == lesson.TORCH_VERSION
    helpers.setup_lesson()
    assert capsys.readouterr().out == ""


def test_notes_another_torch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch, "__version__", "2.5.1+cu121")
    helpers.setup_lesson()
    out = capsys.readouterr().out
    assert "this kernel has PyTorch 2.5.1; the course was checked with 2.13.0" in out
