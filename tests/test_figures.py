"""helpers.figures: deterministic PNGs, a text version for every figure, clear errors."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import torch

import helpers.figures as figures
from helpers import SENTENCE, build_vocabulary, split_words

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WORDS = split_words(SENTENCE)
IDS = [0, 8, 2, 4, 5, 7, 1, 6, 3]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], bool]]:
    """Capture what figures.show passes to IPython's display."""
    calls: list[tuple[dict[str, Any], bool]] = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda data, raw: calls.append((data, raw)))
    return calls


@pytest.mark.parametrize(
    "make",
    [
        lambda: figures.pipeline_figure(3),
        lambda: figures.beyond_figure(8),
        lambda: figures.token_ids_figure(WORDS, IDS),
        lambda: figures.token_ids_figure(WORDS, torch.tensor(IDS)),
        lambda: figures.token_ids_figure(["a", "b"], [0, None]),
        lambda: figures.vocabulary_figure(build_vocabulary(SENTENCE), WORDS),
        lambda: figures.message_figure("nothing"),
    ],
)
def test_figures_render_to_identical_pngs(make: Any) -> None:
    first, second = figures.render_png(make()), figures.render_png(make())
    assert first.startswith(PNG_MAGIC)
    assert first == second, "the same figure must give the same bytes (make notebooks twice)"
    assert b"matplotlib version" not in first


def test_show_sends_png_with_description(shown: list[tuple[dict[str, Any], bool]]) -> None:
    figures.show_pipeline(2)
    ((data, raw),) = shown
    assert raw is True
    assert data["text/plain"] == (
        "The seven steps of self-attention; this lesson is step 2 of 7: Embedding."
    )
    assert base64.b64decode(data["image/png"]) == figures.render_png(figures.pipeline_figure(2))


def test_show_beyond_names_the_lesson(shown: list[tuple[dict[str, Any], bool]]) -> None:
    figures.show_beyond(9)
    assert shown[0][0]["text/plain"] == (
        "After the article's seven steps come 6 lessons beyond it; "
        "this is lesson 9: Multi-head attention."
    )


def test_show_token_ids_lists_each_pair(shown: list[tuple[dict[str, Any], bool]]) -> None:
    figures.show_token_ids(["the", "cat", "the"], torch.tensor([1, 0, 1]))
    assert (
        shown[0][0]["text/plain"]
        == "Each word above its id, in sentence order: the 1, cat 0, the 1."
    )


def test_heatmap_renders_masked_cells() -> None:
    matrix = torch.tensor([[0.5, float("-inf")], [0.25, 0.75]])
    first = figures.render_png(figures.heatmap_figure(matrix, ["a", "b"], ["x", "y"], "masked"))
    assert first == figures.render_png(
        figures.heatmap_figure(matrix, ["a", "b"], ["x", "y"], "masked")
    )
