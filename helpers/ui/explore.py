"""Explorers: change one thing, see the effect (introduced in 01_vocabulary.ipynb, "Explore").

An explorer is ``explore(render, **controls)``: ``render`` is a pure function from the
controls' values to a :class:`View` (text and a picture description), so tests need no
widget. Every control has a label and a CSS class ``course-…``; text and picture have fixed
heights; an update sets the picture first and the text last (``make bench`` times both);
callbacks are plain ``observe`` handlers, so an error raises where the value was set.
Without a live kernel an explorer shows its ``fallback``; :meth:`Explorer.show_snapshot`
prints the text and draws the picture with matplotlib.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from helpers.ui.pictures import Picture, Row, figure

TEXT_HEIGHT = "120px"
PICTURE_HEIGHT = "130px"  # unless an explorer asks for more; each explorer's height is fixed
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # how a notebook stores a widget


@dataclass(frozen=True)
class View:
    """What an explorer shows for one state of its controls."""

    text: str
    picture: Picture | Row | None = None


class Explorer:
    """A built explorer: ``controls`` by name, ``view`` (what it shows now), the ``text`` and
    ``picture`` widgets, the ``widget`` holding them, and the ``fallback`` text."""

    def __init__(
        self,
        render: Callable[..., View],
        controls: dict[str, widgets.ValueWidget],
        fallback: str,
        height: str | None = PICTURE_HEIGHT,
    ) -> None:
        self.render, self.controls, self.fallback = render, controls, fallback
        self.text = widgets.HTML(layout=widgets.Layout(height=TEXT_HEIGHT, overflow="auto"))
        self.text.add_class("course-explorer-text")
        self.picture = None
        parts: list[widgets.Widget] = [*controls.values(), self.text]
        if height is not None:
            self.picture = widgets.HTML(layout=widgets.Layout(height=height, overflow="auto"))
            self.picture.add_class("course-explorer-figure")
            parts.append(self.picture)
        self.widget = widgets.VBox(parts)
        self.widget.add_class("course-explorer")
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, _change: object = None) -> None:
        """Render the controls' current values: the picture first, then the text."""
        self.view = self.render(**self.values())
        if self.picture is not None and self.view.picture is not None:
            self.picture.value = self.view.picture.html()
        self.text.value = f"<pre>{html.escape(self.view.text)}</pre>"

    def shown_text(self) -> str:
        """The text the explorer currently shows, as plain text (what tests compare)."""
        return html.unescape(self.text.value.removeprefix("<pre>").removesuffix("</pre>"))

    def snapshot_png(self) -> bytes | None:
        """The current picture drawn with matplotlib, as PNG bytes."""
        from helpers.ui.figures import render_png

        return None if self.view.picture is None else render_png(figure(self.view.picture))

    def show_snapshot(self) -> None:
        """Print the text and show the picture as a PNG, for readers without a live kernel."""
        from IPython.display import display

        print(self.shown_text())
        png = self.snapshot_png()
        if png is not None:
            data = base64.b64encode(png).decode("ascii")
            display({"image/png": data, "text/plain": "[the explorer's picture]"}, raw=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget's view, with ``fallback`` as its plain text (what a reader without a
        kernel, and nbval, see). Built here rather than asked of the widget, because
        ipywidgets 7 (Colab's) makes it only inside ``_ipython_display_``; 7 and 8 write the
        same view."""
        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        return {WIDGET_VIEW: view, "text/plain": self.fallback}


def explore(
    render: Callable[..., View],
    *,
    fallback: str,
    height: str | None = PICTURE_HEIGHT,
    **controls: widgets.ValueWidget,
) -> Explorer:
    """An explorer that shows ``render(**values of controls)`` and redraws on every change;
    ``height`` is the picture's fixed height (``None`` for a text-only explorer)."""
    return Explorer(render, controls, fallback, height)


# ---- controls, each labelled and with its CSS class ------------------------------------

STYLE = {"description_width": "initial"}


def _classed(control: widgets.ValueWidget, css: str) -> widgets.ValueWidget:
    control.add_class(f"course-{css}")
    return control


def dropdown(css: str, description: str, options: Any, value: Any) -> widgets.Dropdown:
    """A labelled dropdown; ``options`` are values or (label, value) pairs."""
    control = widgets.Dropdown(options=options, value=value, description=description, style=STYLE)
    return _classed(control, css)


def checkbox(css: str, description: str, value: bool) -> widgets.Checkbox:
    """A checkbox with its label on the right, full width."""
    control = widgets.Checkbox(
        value=value, description=description, indent=False, layout=widgets.Layout(width="auto")
    )
    return _classed(control, css)


def slider(css: str, description: str, options: Any, value: Any, width: str = "420px") -> Any:
    """A slider over ``options`` (values or (label, value) pairs); updates on release."""
    control = widgets.SelectionSlider(
        options=options,
        value=value,
        description=description,
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width=width),
    )
    return _classed(control, css)


def int_slider(css: str, description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    """An integer slider from ``low`` to ``high``; updates on release."""
    control = widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        description=description,
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width="480px"),
    )
    return _classed(control, css)


def sentence_box(sentence: str) -> widgets.Text:
    """The box where a learner types a sentence; it updates on Enter."""
    from helpers._validate import describe

    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string of words; got {describe(sentence)}.")
    control = widgets.Text(
        value=sentence,
        description="Sentence:",
        placeholder="Type a sentence and press Enter",
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width="95%"),
    )
    return _classed(control, "sentence")
