"""Lesson 16, generating text: the lesson's picture, its explorer and its exercise checks
(helpers.decoding itself is tested in tests/test_decoding.py, against PyTorch).

The right answers are computed here without the helpers under test: the sampling distribution
by sorting the logits, the chunk's mask with ``torch.tril``, the cache's bytes by arithmetic.
Expected texts are written out as the lesson shows them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
import torch
from course import figure_text, picture_labels

from helpers import decoding
from helpers.lessons import l16_generating_text as lesson
from helpers.ui.pictures import figure


def sampling_reference(temperature: float = 0.8, k: int = 3, scale: bool = True) -> torch.Tensor:
    """Softmax of logits / T over the k largest, written out: sort, keep k, exponentiate, divide."""
    logits = lesson.open_logits().tolist()
    scaled = [z / temperature for z in logits] if scale else [z * temperature for z in logits]
    kept = sorted(range(len(scaled)), key=lambda i: -scaled[i])[:k]
    top = max(scaled[i] for i in kept)
    weights = {i: math.exp(scaled[i] - top) for i in kept}
    total = sum(weights.values())
    return torch.tensor([weights.get(i, 0.0) / total for i in range(len(scaled))])


def chunk_mask_reference() -> torch.Tensor:
    return torch.tril(torch.ones(8, 8, dtype=torch.bool))[5:]


CACHE_BYTES = (
    2 * 24 * 4 * (2048 // 16) * 4096 * 2
)  # K and V, layers, kv heads, d_head, tokens, fp16

BAD_INPUT = [
    (lambda: lesson.prompt_ids("the cat"), ValueError, "text must use the story's words (lowercase, '.' apart); got 'cat'"),
    (lambda: lesson.work_figure(32), TypeError, "config must be a DecoderConfig (model.config); got 32"),
]  # fmt: skip
"""Run with every other test file's by tests/test_toolkit.py."""

RIGHT_ANSWERS = {
    "check_sampling_probabilities": sampling_reference,
    "check_chunk_mask": chunk_mask_reference,
    "check_cache_bytes": lambda: CACHE_BYTES,
}
"""The right answer of each exercise, computed without the helpers (tests/test_toolkit.py)."""


# ================================================================================================
# the explorer
# ================================================================================================
START = (
    "step 1 of 20: the quick brown fox ▸ 'jumps'\n"
    "cache: 4 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 256 numbers, "
    "2.0 KiB in float64\n"
    "next token: 'jumps' 0.98, 'lazy' 0.02, 'where' 0.00\n"
    "layer 0, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'brown' at "
    "position 2 (0.94)"
)
TEXTS = {
    (1, 0, 0): START,
    (20, 0, 0): (
        "step 20 of 20: … the dog barks and runs after the fox . the fox . ▸ 'the'\n"
        "cache: 23 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 1,472 "
        "numbers, 11.5 KiB in float64\n"
        "next token: 'the' 1.00, 'in' 0.00, 'they' 0.00\n"
        "layer 0, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'a' at "
        "position 6 (0.30)"
    ),
    (20, 1, 3): (
        "step 20 of 20: … the dog barks and runs after the fox . the fox . ▸ 'the'\n"
        "cache: 23 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 1,472 "
        "numbers, 11.5 KiB in float64\n"
        "next token: 'the' 1.00, 'in' 0.00, 'they' 0.00\n"
        "layer 1, query head 3 (key/value head 1, shared by 2 query heads): strongest on 'fox' at "
        "position 21 (0.20)"
    ),
}


def weights_by_recomputation(step: int, layer: int, head: int) -> list[float]:
    """The newest query's weights at ``step``, from a full forward pass without a cache."""
    model = decoding.trained_decoder()[0]
    tokens = decoding.generate(model, lesson.prompt_ids(), step, use_cache=False).tokens[:, :-1]
    with torch.no_grad():
        _logits, weights = model.attend(tokens)  # no cache: every query of the text
    return weights[layer][0, head, -1].tolist()


def test_drive_generation_explorer() -> None:
    explorer = lesson.generation_explorer()
    step, layer, head = (explorer.controls[k] for k in ("step", "layer", "head"))
    assert isinstance(step, widgets.IntSlider) and (step.min, step.max) == (1, lesson.STEPS)
    assert isinstance(layer, widgets.Dropdown) and isinstance(head, widgets.Dropdown)
    assert explorer.fallback.startswith("[Generation explorer: step through the greedy generation")

    def shows(state: tuple[int, int, int]) -> None:
        assert (step.value, layer.value, head.value) == state
        if state in TEXTS:
            assert explorer.shown_text() == TEXTS[state]
        bars = explorer.view.picture
        assert bars.series["weight"] == pytest.approx(weights_by_recomputation(*state), abs=1e-9)
        assert len(bars.labels) == state[0] + 3  # the prompt's 4 tokens, then one more per step
        [label] = picture_labels(bars.html())
        assert label.startswith(
            f"Bars: the weights of the query that chooses token {state[0]} over"
        )

    shows((1, 0, 0))
    step.value = 20
    shows((20, 0, 0))
    layer.value, head.value = 1, 3
    shows((20, 1, 3))
    assert "layer 1, head 3: weights over the cache" in figure_text(figure(explorer.view.picture))
    step.value = 7
    shows((7, 1, 3))
    step.value, layer.value, head.value = 1, 0, 0
    shows((1, 0, 0))


def test_the_work_figure_plots_the_counts() -> None:
    config = decoding.trained_decoder()[0].config
    fig = lesson.work_figure(config)
    [ax] = fig.axes
    without, cached = (line.get_ydata() for line in ax.get_lines())
    n = 4096  # the last point: a prompt of 1, then n tokens
    per_token = config.layers * (config.d_model * (2 * config.d_model + 2 * config.kv_heads * config.d_head)
                                 + 2 * config.d_model * config.d_ff) + config.d_model * config.vocab_size  # fmt: skip
    attention = config.layers * config.num_heads * 2 * config.d_head
    assert cached[-1] == per_token * n + attention * sum(range(1, n + 1))
    assert without[-1] == sum(per_token * t + attention * t * t for t in range(1, n + 1))
    assert "Generating n tokens with the lesson's model" in figure_text(fig)


# ================================================================================================
# the exercise checks
# ================================================================================================
def keep_without_renormalising() -> torch.Tensor:
    probabilities = torch.softmax(lesson.open_logits() / 0.8, dim=-1)
    kept = probabilities.topk(3).indices
    return torch.zeros_like(probabilities).index_copy(0, kept, probabilities[kept])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (sampling_reference, "Correct! only 3 tokens can be drawn now"),
        (lambda: sampling_reference().tolist(), "Correct!"),
        (lambda: sampling_reference(1.0), "that is top-k without the temperature"),
        (lambda: sampling_reference(scale=False), "divided by the temperature, not multiplied"),
        (lambda: torch.softmax(lesson.open_logits() / 0.8, dim=-1), "the temperature without top-k"),
        (keep_without_renormalising, "the 3 kept probabilities must sum to 1"),
        (lambda: torch.softmax(lesson.open_logits(), dim=-1), "that is the plain softmax"),
        (lambda: torch.zeros(99), "these are not the probabilities sampling draws from"),
        (lambda: torch.zeros(3), "your answer has shape (3,); the probabilities of the next token has shape (99,)"),
        (lambda: ..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_sampling_probabilities(make: Callable[[], Any], expected: str) -> None:
    assert expected in str(lesson.check_sampling_probabilities(make()))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (chunk_mask_reference, "Correct! the new tokens see every cached token"),
        (lambda: torch.tril(torch.ones(8, 8, dtype=torch.bool))[:3], "those are the first 3 rows"),
        (lambda: torch.ones(3, 8, dtype=torch.bool), "token 5 would see tokens 6 and 7"),
        (lambda: ~chunk_mask_reference(), "True and False are swapped"),
        (lambda: chunk_mask_reference().float(), "a mask must be torch.bool"),
        (lambda: torch.tril(torch.ones(3, 3, dtype=torch.bool)), "has shape (3, 8); yours has shape (3, 3)"),
        (lambda: [[True] * 8] * 3, "is a boolean tensor; you gave"),
        (lambda: ..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_chunk_mask(make: Callable[[], Any], expected: str) -> None:
    assert expected in str(lesson.check_chunk_mask(make()))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (CACHE_BYTES, "Correct! 201,326,592 bytes = 192.0 MiB: a quarter of what 16 key/value heads"),
        (float(CACHE_BYTES), "Correct!"),
        (4 * CACHE_BYTES, "that counts 16 key/value heads"),
        (CACHE_BYTES // 2, "keys and values are both cached"),
        (2 * CACHE_BYTES, "float16 is 2 bytes per number"),
        (192, "that is the size in MiB"),
        (CACHE_BYTES // 4, "multiply by 2 for keys and values, and by 2 bytes"),
        (CACHE_BYTES // 24, "that is one layer"),
        (12345, "12,345 bytes is not this model's cache"),
        ("201326592", "write the cache's size in bytes as a number"),
        (..., "Not attempted yet"),
    ],
)  # fmt: skip
def test_check_cache_bytes(answer: Any, expected: str) -> None:
    assert expected in str(lesson.check_cache_bytes(answer))
