"""helpers.ui.figures: deterministic PNGs, a text version for every picture, the course map."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import torch

from helpers.course import LESSONS
from helpers.ui import figures
from helpers.ui.pictures import Message

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HEATMAP = {"matrix": torch.ones(2, 3), "rows": ["a", "b"], "columns": ["x", "y", "z"], "title": "t"}


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Capture what figures.show passes to IPython's display."""
    import IPython.display

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: calls.append(data))
    return calls


@pytest.mark.parametrize(
    "make",
    [
        lambda: figures.pipeline_figure(3),
        lambda: figures.pipeline_figure(8),
        lambda: figures.pipeline_figure(LESSONS[-1].number),
        lambda: figures.heatmap_figure(
            torch.tensor([[0.5, float("-inf")], [0.25, 0.75]]), ["a", "b"], ["x", "y"], "masked"
        ),
    ],
    ids=["core", "beyond", "last", "masked heatmap"],
)
def test_figures_render_to_identical_pngs(make: Any) -> None:
    first, second = figures.render_png(make()), figures.render_png(make())
    assert first.startswith(PNG_MAGIC)
    assert first == second, "the same figure must give the same bytes (make notebooks twice)"
    assert b"matplotlib version" not in first


def test_a_masked_score_reads_minus_infinity() -> None:
    fig = figures.heatmap_figure(torch.tensor([[0.5, float("-inf")]]), ["a"], ["x", "y"], "m")
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.50", "-inf"]


def test_show_sends_png_with_description(shown: list[dict[str, Any]]) -> None:
    figures.show_pipeline(2)
    assert shown[0]["text/plain"] == (
        "The seven steps of self-attention; this lesson is step 2 of 7: Embedding."
    )
    assert base64.b64decode(shown[0]["image/png"]) == figures.render_png(figures.pipeline_figure(2))
    figures.show(Message("nothing to show"))
    assert shown[1]["text/plain"] == "nothing to show", "a description brings its own text"


def test_show_beyond_names_the_lesson(shown: list[dict[str, Any]]) -> None:
    figures.show_beyond(9)
    assert shown[0]["text/plain"] == (
        "After the article's seven steps come 6 lessons beyond it; "
        "this is lesson 9: Multi-head attention."
    )


def test_the_you_are_here_mark_stays_clear_of_the_row_titles() -> None:
    fig = figures.pipeline_figure(8)
    ax = fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert not boxes["you are here"].overlaps(boxes["Beyond the article"])


BAD_INPUT = [
    (lambda: figures.show_pipeline(0), ValueError, "step must be from 1 to 7; got 0"),
    (lambda: figures.show_pipeline(8), ValueError, "step must be from 1 to 7; got 8"),
    (lambda: figures.show_pipeline("1"), TypeError, "step must be an int from 1 to 7; got '1' (type str)"),
    (lambda: figures.show_pipeline(True), TypeError, "step must be an int from 1 to 7; got True (type bool)"),
    (lambda: figures.show_beyond(7), ValueError, "lesson must be from 8 to 13; got 7"),
    (lambda: figures.show_beyond(14), ValueError, "lesson must be from 8 to 13; got 14"),
    (lambda: figures.show_beyond(None), TypeError, "lesson must be an int from 8 to 13; got None (type NoneType)"),
    (lambda: figures.show("x", "a description"), TypeError, "picture must be a matplotlib Figure or a picture description (helpers.ui.pictures); got 'x' (type str)"),
    (lambda: figures.show(figures.pipeline_figure(1), "  "), ValueError, "description must be a sentence saying what the figure shows; got '  '"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": torch.ones(3)})), TypeError, "matrix must be a 2-D tensor of numbers; got tensor([1., 1., 1.])"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": "ab"})), TypeError, "matrix must be a 2-D tensor of numbers; got 'ab' (type str)"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"rows": ["a"]})), ValueError, "rows and columns must label the matrix's 2 rows and 3 columns; got 1 row labels and 3 column labels"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"highlight_row": 2})), ValueError, "highlight_row must be from 0 to 1; got 2"),
]  # fmt: skip
