"""Every explorer, driven control by control from Python, shows exactly the right text and picture.

Setting a widget's value here runs the explorer's callbacks directly, so an exception in
one fails the test instead of vanishing into the widget, as it would in a browser.
tests/test_browser.py (a later issue) drives the same explorers in a real JupyterLab.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import ipywidgets as widgets
import pytest
from course import defined_tests

import helpers.beyond_explorers as beyond_explorers
import helpers.explorers as explorers
from helpers.figures import message_figure, render_png, token_ids_figure
from helpers.html_pictures import picture_labels

FACTORIES = {
    name: function
    for module in (explorers, beyond_explorers)
    for name, function in inspect.getmembers(module, inspect.isfunction)
    if name.endswith("_explorer") and function.__module__ == module.__name__
}

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_every_explorer_is_driven_by_a_test() -> None:
    assert set(FACTORIES) == defined_tests("drive_"), (
        "each explorer needs a test_drive_<explorer name> test (in any tests/test_*.py)"
    )


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_explorer_follows_the_rules(factory: Callable[[], explorers.Explorer]) -> None:
    explorer = factory()
    assert isinstance(explorer, explorers.Explorer)
    assert explorer.controls, "an explorer has at least one control"
    for name, control in explorer.controls.items():
        assert control.description.strip(), f"control {name!r} needs a label a learner understands"
        assert any(c.startswith("course-") for c in control._dom_classes), (
            f"control {name!r} needs a CSS class starting with 'course-' (browser tests find it)"
        )
    assert explorer.text.layout.height == explorers.TEXT_HEIGHT
    assert "course-explorer-text" in explorer.text._dom_classes
    if explorer.picture is not None:
        assert isinstance(explorer.picture, widgets.HTML)
        assert explorer.picture.layout.height.endswith("px"), (
            "a fixed height: the page must not jump"
        )
        assert "course-explorer-figure" in explorer.picture._dom_classes
        assert picture_labels(explorer.picture.value), "the picture says what it shows"
        assert explorer.snapshot_png().startswith(b"\x89PNG")
    assert "course-explorer" in explorer.widget._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.fallback and "live kernel" in explorer.fallback
    assert WIDGET_VIEW in bundle
    assert explorer.shown_text().strip(), "an explorer starts with text showing"


def snapshot(words: list[str], ids: list[int | None]) -> bytes:
    return render_png(token_ids_figure(words, ids))


def boxes(pairs: str) -> list[str]:
    return [f"Each word above its id, in sentence order: {pairs}."]


def test_drive_vocabulary_explorer() -> None:
    explorer = explorers.vocabulary_explorer()
    sentence = explorer.controls["sentence"]
    lesson = explorer.controls["use_lesson_vocabulary"]
    assert isinstance(sentence, widgets.Text) and isinstance(lesson, widgets.Checkbox)
    words = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]
    assert explorer.shown_text() == (
        f"words (9): {words}\n"
        "vocabulary (9 distinct words): {'The': 0, 'a': 1, 'brown': 2, 'dog': 3, 'fox': 4, "
        "'jumps': 5, 'lazy': 6, 'over': 7, 'quick': 8}\n"
        "ids: [0, 8, 2, 4, 5, 7, 1, 6, 3]"
    )
    assert picture_labels(explorer.picture.value) == boxes(
        "The 0, quick 8, brown 2, fox 4, jumps 5, over 7, a 1, lazy 6, dog 3"
    )
    assert ">quick<" in explorer.picture.value and ">8<" in explorer.picture.value
    assert explorer.snapshot_png() == snapshot(words, [0, 8, 2, 4, 5, 7, 1, 6, 3])

    sentence.value = "the dog saw the cat"
    assert explorer.shown_text() == (
        "words (5): ['the', 'dog', 'saw', 'the', 'cat']\n"
        "vocabulary (4 distinct words): {'cat': 0, 'dog': 1, 'saw': 2, 'the': 3}\n"
        "ids: [3, 1, 2, 3, 0]"
    )
    assert picture_labels(explorer.picture.value) == boxes("the 3, dog 1, saw 2, the 3, cat 0")
    assert explorer.snapshot_png() == snapshot(["the", "dog", "saw", "the", "cat"], [3, 1, 2, 3, 0])

    sentence.value = "Life is short, eat <dessert> first"
    assert explorer.shown_text().splitlines()[0] == (
        "words (6): ['Life', 'is', 'short', 'eat', '<dessert>', 'first']"
    )
    assert "&lt;dessert&gt;" in explorer.text.value, "typed text is escaped, never run as HTML"
    assert "<dessert>" not in explorer.picture.value and "&lt;dessert&gt;" in explorer.picture.value

    lesson.value = True
    sentence.value = "The cat jumps over a dog, happily"
    assert explorer.shown_text() == (
        "words (7): ['The', 'cat', 'jumps', 'over', 'a', 'dog', 'happily']\n"
        "vocabulary: the lesson's 9 words\n"
        "ids: [0, ?, 5, 7, 1, 3, ?]\n"
        "unknown words (2): 'cat', 'happily'. They have no id, so encode() would refuse this "
        "sentence; a subword tokenizer would split them into pieces it knows."
    )
    assert picture_labels(explorer.picture.value) == boxes(
        "The 0, cat ?, jumps 5, over 7, a 1, dog 3, happily ?"
    )
    assert explorer.snapshot_png() == snapshot(
        ["The", "cat", "jumps", "over", "a", "dog", "happily"], [0, None, 5, 7, 1, 3, None]
    )

    lesson.value = False
    assert explorer.shown_text().splitlines()[2] == "ids: [0, 2, 5, 6, 1, 3, 4]"

    for empty in ("", "   "):
        sentence.value = empty
        assert explorer.shown_text() == (
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
        )
        assert picture_labels(explorer.picture.value) == ["(no words to show)"]
        assert explorer.snapshot_png() == render_png(message_figure("(no words to show)"))
    sentence.value = " , ,"
    assert explorer.shown_text().startswith("Only commas so far")


def test_snapshot_prints_the_current_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    explorer = explorers.vocabulary_explorer("a b a")
    explorer.show_snapshot()
    assert capsys.readouterr().out == (
        "words (3): ['a', 'b', 'a']\nvocabulary (2 distinct words): {'a': 0, 'b': 1}\nids: [0, 1, 0]\n"
    )
    assert shown[0]["text/plain"] == "[the explorer's picture]"


@pytest.mark.parametrize(
    ("sentence", "vocabulary", "expected"),
    [
        (None, None, "The sentence box is empty"),
        (42, None, "The sentence box is empty"),
        ("a", {"a": 0, "b": 1}, "vocabulary: the lesson's 2 words"),
    ],
)
def test_describe_sentence_never_raises(
    sentence: object, vocabulary: object, expected: str
) -> None:
    assert expected in explorers.describe_sentence(sentence, vocabulary)  # type: ignore[arg-type]


def test_an_error_in_a_callback_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a browser such an error would vanish into the widget; here it must raise."""
    explorer = explorers.vocabulary_explorer()

    def broken(*args: object) -> str:
        raise RuntimeError("callback bug")

    monkeypatch.setattr(explorers, "describe_sentence", broken)
    with pytest.raises(RuntimeError, match="callback bug"):
        explorer.controls["sentence"].value = "a new sentence"
