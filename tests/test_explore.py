"""helpers.ui.explore: every explorer of every lesson follows the same rules.

Each explorer is ``explore(render, **controls)``; its lesson's test file drives it control by
control (``test_drive_<name>``) and checks the exact text and picture. Here: the rules every
explorer shares, and that an explorer is a pure function of its controls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
from course import defined_tests, explorer_factories, picture_labels, picture_text
from explorer_steps import STEPS

from helpers.ui import explore as ui
from helpers.ui.pictures import Message

FACTORIES = explorer_factories()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_every_explorer_is_driven_by_a_test() -> None:
    missing = set(FACTORIES) - defined_tests("drive_")
    assert not missing, f"each explorer needs a test_drive_<explorer name> test: {sorted(missing)}"


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_explorer_follows_the_rules(factory: Callable[[], ui.Explorer]) -> None:
    explorer = factory()
    assert isinstance(explorer, ui.Explorer)
    assert explorer.controls, "an explorer has at least one control"
    for name, control in explorer.controls.items():
        assert control.description.strip(), f"control {name!r} needs a label a learner understands"
        assert any(c.startswith("course-") for c in control._dom_classes), (
            f"control {name!r} needs a CSS class starting with 'course-' (browser tests find it)"
        )
    assert explorer.text.layout.height == ui.TEXT_HEIGHT
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


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_an_explorer_shows_what_its_render_gives(factory: Callable[[], ui.Explorer]) -> None:
    explorer = factory()
    view = explorer.render(**explorer.values())
    assert view == explorer.view, "render is a pure function of the controls' values"
    assert explorer.shown_text() == view.text


def counter() -> ui.Explorer:
    def render(word: str, big: bool) -> ui.View:
        return ui.View(f"{word} {'!' if big else '.'}", Message(word))

    return ui.explore(
        render,
        fallback="[needs a live kernel]",
        word=ui.dropdown("word", "Word:", ["a", "b"], "a"),
        big=ui.checkbox("big", "Shout", False),
    )


def test_an_update_sets_the_picture_before_the_text() -> None:
    explorer = counter()
    order: list[str] = []
    explorer.picture.observe(lambda _: order.append("picture"), names="value")
    explorer.text.observe(lambda _: order.append("text"), names="value")
    explorer.controls["word"].value = "b"
    assert order == ["picture", "text"] and explorer.shown_text() == "b ."


def test_text_is_escaped_and_read_back_plain() -> None:
    explorer = counter()
    explorer.controls["word"].options = ["<b>", "a"]
    explorer.controls["word"].value = "<b>"
    assert "&lt;b&gt;" in explorer.text.value and explorer.shown_text() == "<b> ."


def test_an_error_in_render_fails_loudly() -> None:
    """In a browser such an error would vanish into the widget; here it must raise."""
    explorer = counter()

    def broken(**values: Any) -> ui.View:
        raise RuntimeError("render bug")

    explorer.render = broken
    with pytest.raises(RuntimeError, match="render bug"):
        explorer.controls["big"].value = True


def test_snapshot_prints_the_text_and_shows_the_picture(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import IPython.display

    shown: list[dict[str, str]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    counter().show_snapshot()
    assert capsys.readouterr().out == "a .\n"
    assert shown[0]["text/plain"] == "[the explorer's picture]"


class Page:
    """Stands in for the browser: tools.browser's actions, applied to the widgets by CSS class.

    Typing sets a text box on Enter, a click toggles a checkbox, choosing picks a dropdown's
    option by label, and a slider's keys move it one option (Arrow keys) or to an end
    (Home, End), as the slider handles in JupyterLab do.
    """

    def __init__(self, explorer: ui.Explorer) -> None:
        self.explorer, self.typed = explorer, ""

    def locator(self, selector: str) -> Page:
        css = selector.split()[0].removeprefix(".")
        (self.control,) = [c for c in self.explorer.controls.values() if css in c._dom_classes]
        return self

    def fill(self, text: str) -> None:
        self.typed = text

    def click(self) -> None:
        self.control.value = not self.control.value

    def select_option(self, label: str) -> None:
        self.control.label = label

    def scroll_into_view_if_needed(self) -> None:
        pass

    def focus(self) -> None:
        pass

    def press(self, key: str) -> None:
        control = self.control
        if isinstance(control, widgets.Text):
            assert key == "Enter"
            control.value = self.typed
            return
        if isinstance(control, widgets.IntSlider):
            values = list(range(control.min, control.max + 1, control.step))
        else:
            values = [value for _, value in control.options] if isinstance(
                control.options[0], tuple
            ) else list(control.options)  # fmt: skip
        index = values.index(control.value)
        moves = {"ArrowRight": index + 1, "ArrowUp": index + 1, "ArrowLeft": index - 1,
                 "ArrowDown": index - 1, "Home": 0, "End": len(values) - 1}  # fmt: skip
        control.value = values[max(0, min(len(values) - 1, moves[key]))]


@pytest.mark.parametrize("name", sorted(STEPS), ids=sorted(STEPS))
def test_learner_steps_show_their_texts_and_pictures(name: str) -> None:
    """tests/explorer_steps.py, played on the widgets in-process (test_browser.py plays the
    same steps in a real JupyterLab): every expected text and picture piece shows."""
    explorer = FACTORIES[name]()
    for step in STEPS[name]:
        if step.act is not None:
            step.act(Page(explorer))
        assert explorer.shown_text() == step.expected, step.describe
        markup = explorer.picture.value if explorer.picture is not None else ""
        shown = picture_text(markup) + "\n" + "\n".join(picture_labels(markup))
        for piece in step.picture:
            assert piece in shown, f"{step.describe}: the picture lacks {piece!r}"
