"""helpers.figures: deterministic PNGs, a text version for every figure, clear errors."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
import torch
from matplotlib.figure import Figure

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


@pytest.mark.parametrize(
    ("lesson", "error", "message"),
    [
        (7, ValueError, "lesson must be from 8 to 13; got 7"),
        (14, ValueError, "lesson must be from 8 to 13; got 14"),
        ("8", TypeError, "lesson must be an int from 8 to 13; got '8' (type str)"),
        (None, TypeError, "got None (type NoneType)"),
    ],
)
def test_bad_beyond_lessons(lesson: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        figures.beyond_figure(lesson)
    with pytest.raises(error, match=re.escape(message)):
        figures.show_beyond(lesson)


def test_show_token_ids_lists_each_pair(shown: list[tuple[dict[str, Any], bool]]) -> None:
    figures.show_token_ids(["the", "cat", "the"], torch.tensor([1, 0, 1]))
    assert (
        shown[0][0]["text/plain"]
        == "Each word above its id, in sentence order: the 1, cat 0, the 1."
    )


@pytest.mark.parametrize(
    ("step", "error", "message"),
    [
        (0, ValueError, "step must be from 1 to 7; got 0"),
        (8, ValueError, "step must be from 1 to 7; got 8"),
        ("1", TypeError, "step must be an int from 1 to 7; got '1' (type str)"),
        (True, TypeError, "got True (type bool)"),
        (None, TypeError, "got None (type NoneType)"),
    ],
)
def test_bad_steps(step: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        figures.pipeline_figure(step)
    with pytest.raises(error, match=re.escape(message)):
        figures.show_pipeline(step)


def test_bad_show_arguments() -> None:
    with pytest.raises(
        TypeError, match=re.escape("fig must be a matplotlib Figure; got 'x' (type str)")
    ):
        figures.show("x", "a description")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("description must be a sentence")):
        figures.show(Figure(), "  ")


@pytest.mark.parametrize(
    ("words", "ids", "error", "message"),
    [
        ("The dog", [0, 1], TypeError, "words must be a list of strings; got 'The dog' (type str)"),
        ([1, 2], [0, 1], TypeError, "words must be a list of strings; got [1, 2] (type list)"),
        (["a"], "0", TypeError, "ids must be a list or 1-D tensor of ints; got '0' (type str)"),
        (["a"], [0.5], TypeError, "ids must hold ints (or None for unknown words); got [0.5]"),
        ([], [], ValueError, "words must hold at least one word; got an empty list"),
        (["a", "b"], [0], ValueError, "same length; got 2 words and 1 ids"),
    ],
)
def test_bad_token_id_arguments(words: Any, ids: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        figures.token_ids_figure(words, ids)


@pytest.mark.parametrize(
    ("vocabulary", "words", "error", "message"),
    [
        (None, ["a"], TypeError, "vocabulary must be a non-empty dict from word to id; got None"),
        ({}, ["a"], TypeError, "vocabulary must be a non-empty dict from word to id; got {}"),
        ({"a": 0}, "a", TypeError, "words must be a non-empty list of strings; got 'a' (type str)"),
        ({"a": 0}, [], TypeError, "words must be a non-empty list of strings; got []"),
        ({"a": 0}, ["a", "b"], ValueError, "words holds words missing from vocabulary: ['b']"),
    ],
)
def test_bad_vocabulary_figure_arguments(
    vocabulary: Any, words: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        figures.vocabulary_figure(vocabulary, words)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"matrix": torch.ones(3)},
            TypeError,
            "matrix must be a 2-D tensor of numbers; got tensor([1., 1., 1.])",
        ),
        (
            {"matrix": "ab"},
            TypeError,
            "matrix must be a 2-D tensor of numbers; got 'ab' (type str)",
        ),
        (
            {"rows": ["a"]},
            ValueError,
            "rows and columns must label the matrix's 2 rows and 3 columns; got 1 row labels and 3 column labels",
        ),
        ({"highlight_row": 2}, ValueError, "highlight_row must be from 0 to 1; got 2"),
    ],
)
def test_bad_heatmap_arguments(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    call = {
        "matrix": torch.ones(2, 3),
        "rows": ["a", "b"],
        "columns": ["x", "y", "z"],
        "title": "t",
    }
    with pytest.raises(error, match=re.escape(message)):
        figures.heatmap_figure(**(call | arguments))


def test_heatmap_renders_masked_cells() -> None:
    matrix = torch.tensor([[0.5, float("-inf")], [0.25, 0.75]])
    first = figures.render_png(figures.heatmap_figure(matrix, ["a", "b"], ["x", "y"], "masked"))
    assert first == figures.render_png(
        figures.heatmap_figure(matrix, ["a", "b"], ["x", "y"], "masked")
    )
