"""Interactive explorers: change one thing, see the effect (first used in 01_vocabulary.ipynb).

Every explorer follows the same rules, so learners and tests meet the same shape:

* it is built by a function here and returned as an :class:`Explorer`;
* each control has a label a learner understands and a CSS class (``course-…``);
* the key numbers are shown as text (``Explorer.text``) beside any picture
  (``Explorer.image``), with a fixed height so the page does not jump;
* pictures are PNGs in an ``ipywidgets.Image``, so updating one sends no cell output;
* callbacks are plain ``observe`` handlers: an error in one raises where the value was
  set (in a test, that fails the test) instead of vanishing into the widget.

Without a live kernel (GitHub, nbviewer) an explorer shows its ``fallback`` text; each
lesson also shows a static figure of the explorer's default state.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from helpers.figures import message_figure, render_png, token_ids_figure
from helpers.lesson import SENTENCE
from helpers.vocabulary import build_vocabulary, split_words

TEXT_HEIGHT = "120px"
IMAGE_HEIGHT = "130px"


@dataclass
class Explorer:
    """A built explorer: its controls, its text and picture, and the box that shows them.

    Attributes:
        controls: the learner's controls by name (``widget.value`` is what they chose).
        text: the key numbers as text, shown in a ``<pre>`` block.
        image: the picture (PNG), or ``None`` for a text-only explorer.
        fallback: what readers without a live kernel see instead of the widgets.
    """

    controls: dict[str, widgets.ValueWidget]
    text: widgets.HTML
    image: widgets.Image | None
    fallback: str
    widget: widgets.VBox = field(init=False)

    def __post_init__(self) -> None:
        parts: list[widgets.Widget] = [*self.controls.values(), self.text]
        if self.image is not None:
            parts.append(self.image)
        self.widget = widgets.VBox(parts)
        self.widget.add_class("course-explorer")

    def shown_text(self) -> str:
        """The text the explorer currently shows, as plain text (what tests compare)."""
        inner = self.text.value.removeprefix("<pre>").removesuffix("</pre>")
        return html.unescape(inner)

    def show_snapshot(self) -> None:
        """Print the explorer's text and show its picture as plain cell output.

        The cell after an explorer calls this, so that readers without a live kernel see
        the explorer's starting state (and a learner can keep a state they like).
        """
        from IPython.display import display

        print(self.shown_text())
        if self.image is not None:
            png = base64.b64encode(self.image.value).decode("ascii")
            display({"image/png": png, "text/plain": "[the explorer's picture]"}, raw=True)

    def _show_text(self, text: str) -> None:
        self.text.value = f"<pre>{html.escape(text)}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.fallback
        return bundle


def _text_area() -> widgets.HTML:
    text = widgets.HTML(layout=widgets.Layout(height=TEXT_HEIGHT, overflow="auto"))
    text.add_class("course-explorer-text")
    return text


def _image_area() -> widgets.Image:
    image = widgets.Image(
        format="png",
        layout=widgets.Layout(
            height=IMAGE_HEIGHT, object_fit="contain", object_position="left center"
        ),
    )
    image.add_class("course-explorer-figure")
    return image


def describe_sentence(sentence: str, vocabulary: Mapping[str, int] | None = None) -> str:
    """The text the vocabulary explorer shows for ``sentence``.

    With ``vocabulary=None`` a new vocabulary is built from the sentence itself; otherwise
    the sentence is encoded with ``vocabulary`` and words it lacks are listed as unknown.
    Introduced in 01_vocabulary.ipynb ("Explore").
    """
    if not isinstance(sentence, str) or not sentence.strip():
        return "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
    words = split_words(sentence)
    if not words:
        return "Only commas so far: type a few words, for example 'the cat sat on the mat'."
    lines = [f"words ({len(words)}): {words}"]
    if vocabulary is None:
        vocabulary = build_vocabulary(sentence)
        lines.append(f"vocabulary ({len(vocabulary)} distinct words): {vocabulary}")
        lines.append(f"ids: {[vocabulary[w] for w in words]}")
        return "\n".join(lines)
    lines.append(f"vocabulary: the lesson's {len(vocabulary)} words")
    ids = [vocabulary.get(w) for w in words]
    lines.append("ids: [" + ", ".join("?" if i is None else str(i) for i in ids) + "]")
    unknown = sorted({w for w in words if w not in vocabulary})
    if unknown:
        lines.append(
            f"unknown words ({len(unknown)}): {', '.join(map(repr, unknown))}. They have no id, "
            "so encode() would refuse this sentence; a subword tokenizer would split them "
            "into pieces it knows."
        )
    return "\n".join(lines)


def vocabulary_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type any sentence; see its words, its vocabulary and its ids, as text and as a picture.

    A checkbox switches from "a vocabulary built from this sentence" to "the lesson's
    vocabulary" (built from the course sentence), which shows what happens to words a
    vocabulary has never seen. Introduced in 01_vocabulary.ipynb ("Explore").
    """
    lesson_vocabulary = build_vocabulary(SENTENCE)
    box = widgets.Text(
        value=sentence,
        description="Sentence:",
        placeholder="Type a sentence and press Enter",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="95%"),
    )
    box.add_class("course-sentence")
    use_lesson = widgets.Checkbox(
        value=False,
        description="Encode with the lesson's vocabulary (shows unknown words)",
        indent=False,
        layout=widgets.Layout(width="auto"),
    )
    use_lesson.add_class("course-use-lesson-vocabulary")
    explorer = Explorer(
        controls={"sentence": box, "use_lesson_vocabulary": use_lesson},
        text=_text_area(),
        image=_image_area(),
        fallback=(
            "[Vocabulary explorer: type a sentence to see its vocabulary and ids. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows "
            "its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        vocabulary = lesson_vocabulary if use_lesson.value else None
        text = describe_sentence(box.value, vocabulary)
        explorer._show_text(text)
        words = split_words(box.value) if box.value.replace(",", "").strip() else []
        if not words:
            fig = message_figure("(no words to show)")
        else:
            table = vocabulary if vocabulary is not None else build_vocabulary(box.value)
            fig = token_ids_figure(words, [table.get(w) for w in words])
        explorer.image.value = render_png(fig)

    box.observe(update, names="value")
    use_lesson.observe(update, names="value")
    update()
    return explorer


# ---- 02_embedding, 03_query_key_value, 04_attention_scores (issue 3) ----


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
