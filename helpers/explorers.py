"""Interactive explorers: change one thing, see the effect (first used in 01_vocabulary.ipynb).

Every explorer follows the same rules, so learners and tests meet the same shape:

* it is built by a function here and returned as an :class:`Explorer`;
* each control has a label a learner understands and a CSS class (``course-…``);
* the key numbers are shown as text (``Explorer.text``) beside any picture
  (``Explorer.picture``), each with a fixed height so the page does not jump;
* the live picture is HTML and CSS (``helpers.html_pictures``) in an ``ipywidgets.HTML``:
  built in well under a millisecond, so the page answers a control within 100 ms
  (a matplotlib PNG takes 40-200 ms to draw); updating it sends no cell output;
* every update goes through ``Explorer.show``: the picture first, the text last, so
  when the new text shows, the new picture is already there;
* callbacks are plain ``observe`` handlers: an error in one raises where the value was
  set (in a test, that fails the test) instead of vanishing into the widget.

Without a live kernel (GitHub, nbviewer) an explorer shows its ``fallback`` text; the
cell after it calls ``Explorer.show_snapshot``, which prints the text and draws the same
state with the lessons' matplotlib figure functions as a PNG.
"""

from __future__ import annotations

import base64
import functools
import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import torch

from helpers import html_pictures as pictures
from helpers._validate import describe
from helpers.attention import (
    D_K,
    D_Q,
    D_V,
    CourseSteps,
    D,
    SelfAttention,
    attention_weights,
    embed,
    rebuild_steps,
    softmax,
)
from helpers.figures import (
    contributions_figure,
    message_figure,
    render_png,
    token_ids_figure,
    weights_explorer_figure,
)
from helpers.lesson import SEED, SENTENCE
from helpers.vocabulary import build_vocabulary, encode, split_words

TEXT_HEIGHT = "120px"
PICTURE_HEIGHT = "130px"
"""The picture's height unless an explorer needs more (each explorer's height is fixed)."""
NO_WORDS = "(no words to show)"


@dataclass
class Explorer:
    """A built explorer: its controls, its text and picture, and the box that shows them.

    Attributes:
        controls: the learner's controls by name (``widget.value`` is what they chose).
        text: the key numbers as text, shown in a ``<pre>`` block.
        picture: the live picture (HTML), or ``None`` for a text-only explorer.
        fallback: what readers without a live kernel see instead of the widgets.
        snapshot: draws the current state as a matplotlib figure, for ``show_snapshot``
            (set by ``show``).
    """

    controls: dict[str, widgets.ValueWidget]
    text: widgets.HTML
    picture: widgets.HTML | None
    fallback: str
    snapshot: Callable[[], Any] | None = None
    widget: widgets.VBox = field(init=False)

    def __post_init__(self) -> None:
        parts: list[widgets.Widget] = [*self.controls.values(), self.text]
        if self.picture is not None:
            parts.append(self.picture)
        self.widget = widgets.VBox(parts)
        self.widget.add_class("course-explorer")

    def shown_text(self) -> str:
        """The text the explorer currently shows, as plain text (what tests compare)."""
        inner = self.text.value.removeprefix("<pre>").removesuffix("</pre>")
        return html.unescape(inner)

    def show(self, text: str, picture: str, snapshot: Callable[[], Any]) -> None:
        """Show a new state: ``picture`` (HTML) first, then ``text`` (escaped here).

        ``snapshot`` draws the same state as a matplotlib figure when ``show_snapshot``
        asks for it (drawing it takes 40-200 ms, so it is not drawn on every change).
        """
        if self.picture is not None:
            self.picture.value = picture
        self.snapshot = snapshot
        self.text.value = f"<pre>{html.escape(text)}</pre>"

    def snapshot_png(self) -> bytes | None:
        """The current state drawn by the lessons' figure functions, as PNG bytes."""
        return None if self.snapshot is None else render_png(self.snapshot())

    def show_snapshot(self) -> None:
        """Print the explorer's text and show its picture as a PNG, as plain cell output.

        The cell after an explorer calls this, so that readers without a live kernel see
        the explorer's starting state as a real picture (and a learner can keep a state
        they like).
        """
        from IPython.display import display

        print(self.shown_text())
        png = self.snapshot_png()
        if png is not None:
            data = base64.b64encode(png).decode("ascii")
            display({"image/png": data, "text/plain": "[the explorer's picture]"}, raw=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.fallback
        return bundle


def _sentence_box(sentence: str) -> widgets.Text:
    """The box where a learner types a sentence (lessons 01 and 07); it updates on Enter.

    An empty sentence is allowed (the explorer then says what to type); a non-string is not.
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string of words; got {describe(sentence)}.")
    box = widgets.Text(
        value=sentence,
        description="Sentence:",
        placeholder="Type a sentence and press Enter",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="95%"),
    )
    box.add_class("course-sentence")
    return box


def _dropdown(css: str, **options: Any) -> widgets.Dropdown:
    """A dropdown labelled like every explorer control, with the CSS class ``course-<css>``
    (the browser tests and make bench find controls by it). Introduced in 02_embedding.ipynb."""
    control = widgets.Dropdown(style={"description_width": "initial"}, **options)
    control.add_class(f"course-{css}")
    return control


def _checkbox(css: str, description: str, value: bool) -> widgets.Checkbox:
    """A checkbox with its label on the right, full width, and the CSS class ``course-<css>``.
    Introduced in 01_vocabulary.ipynb."""
    control = widgets.Checkbox(
        value=value, description=description, indent=False, layout=widgets.Layout(width="auto")
    )
    control.add_class(f"course-{css}")
    return control


def _text_area() -> widgets.HTML:
    text = widgets.HTML(layout=widgets.Layout(height=TEXT_HEIGHT, overflow="auto"))
    text.add_class("course-explorer-text")
    return text


def _picture_area(height: str = PICTURE_HEIGHT) -> widgets.HTML:
    picture = widgets.HTML(layout=widgets.Layout(height=height, overflow="auto"))
    picture.add_class("course-explorer-figure")
    return picture


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
    box = _sentence_box(sentence)
    use_lesson = _checkbox(
        "use-lesson-vocabulary",
        "Encode with the lesson's vocabulary (shows unknown words)",
        False,
    )
    explorer = Explorer(
        controls={"sentence": box, "use_lesson_vocabulary": use_lesson},
        text=_text_area(),
        picture=_picture_area(),
        fallback=(
            "[Vocabulary explorer: type a sentence to see its vocabulary and ids. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows "
            "its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        vocabulary = lesson_vocabulary if use_lesson.value else None
        text = describe_sentence(box.value, vocabulary)
        words = split_words(box.value) if box.value.replace(",", "").strip() else []
        if not words:
            explorer.show(text, pictures.message(NO_WORDS), lambda: message_figure(NO_WORDS))
            return
        table = vocabulary if vocabulary is not None else build_vocabulary(box.value)
        ids = [table.get(w) for w in words]
        explorer.show(text, pictures.token_boxes(words, ids), lambda: token_ids_figure(words, ids))

    box.observe(update, names="value")
    use_lesson.observe(update, names="value")
    update()
    return explorer


# ---- 02_embedding, 03_query_key_value, 04_attention_scores (issue 3) ----


def _format_vector(vector: Any) -> str:
    return "[" + ", ".join(f"{float(v):.4f}" for v in vector) + "]"


def _course_embedding() -> tuple[list[str], dict[str, int], Any]:
    """The course sentence's words, vocabulary and 9 × 3 embedding, leaving the random state alone."""
    import torch

    from helpers.attention import embed
    from helpers.vocabulary import encode

    vocabulary = build_vocabulary(SENTENCE)
    with torch.random.fork_rng(devices=[]):
        embedded = embed(encode(SENTENCE, vocabulary))
    return split_words(SENTENCE), vocabulary, embedded


def describe_word_vector(word: str) -> str:
    """The text the embedding explorer shows for ``word`` (a word of the course sentence).

    Introduced in 02_embedding.ipynb ("Explore").
    """
    words, vocabulary, embedded = _course_embedding()
    if word not in vocabulary:
        return f"{word!r} is not a word of the lesson's sentence: pick one from the list."
    position = words.index(word)
    vector = embedded[position]
    return "\n".join(
        [
            f"word: {word!r}   id: {vocabulary[word]}   position in the sentence: {position}",
            f"vector: {_format_vector(vector)}",
            f"= row {vocabulary[word]} of the table embed.weight "
            f"= row {position} of embedded_sentence",
            f"length of the vector: {vector.norm().item():.4f}",
        ]
    )


def embedding_explorer(word: str = "fox") -> Explorer:
    """Pick a word of the sentence; see its id, its vector, and where it lies on each dimension.

    Introduced in 02_embedding.ipynb ("Explore").
    """
    from helpers.figures import embedding_strip_figure

    words, _, embedded = _course_embedding()
    if word not in words:
        raise ValueError(f"word must be one of the sentence's words {words}; got {describe(word)}.")
    choice = _dropdown("word", options=words, value=word, description="Word:")
    explorer = Explorer(
        controls={"word": choice},
        text=_text_area(),
        picture=_picture_area(),
        fallback=(
            "[Embedding explorer: pick a word to see its id and its vector. It needs a live "
            "kernel (JupyterLab or Binder); the picture below shows its starting state.]"
        ),
    )

    columns = embedded.T.tolist()  # one list of 9 numbers per dimension

    def update(_change: object = None) -> None:
        chosen = words.index(choice.value)
        picture = pictures.number_lines(
            {f"dimension {d}": column for d, column in enumerate(columns)},
            marked=chosen,
            title=f"{choice.value!r} (orange) among the other words (grey)",
            description=(
                f"Three number lines, one per dimension of the word vectors: every word is a "
                f"grey dot, {choice.value!r} is orange at "
                + ", ".join(f"{column[chosen]:.4f}" for column in columns)
                + "."
            ),
        )
        explorer.show(
            describe_word_vector(choice.value),
            picture,
            lambda: embedding_strip_figure(embedded, words, chosen),
        )

    choice.observe(update, names="value")
    update()
    return explorer


def _projections(d_k: int, d_v: int, seed: int) -> dict[str, Any]:
    """W_query, W_key, W_value drawn with ``seed`` and the sentence's query, key, value (detached)."""
    import torch

    from helpers.attention import D, projection_weights

    _, _, embedded = _course_embedding()
    with torch.random.fork_rng(devices=[]):
        w_query, w_key, w_value = projection_weights(D, d_k, d_k, d_v, seed=seed)
    weights = {"W_Q": w_query.detach(), "W_K": w_key.detach(), "W_V": w_value.detach()}
    results = {name[-1]: embedded @ w for name, w in weights.items()}
    return {"X": embedded, "weights": weights, "results": results}


def _describe_projections(d_k: int, d_v: int, seed: int) -> str:
    """The text the projection explorer shows: the shapes, and the first word's q, k and v.

    Introduced in 03_query_key_value.ipynb ("Explore").
    """
    words = split_words(SENTENCE)
    made = _projections(d_k, d_v, seed)
    w, r = made["weights"], made["results"]
    note = "  (the article's settings)" if (d_k, d_v, seed) == (2, 4, 123) else ""
    return "\n".join(
        [
            f"d_q = d_k = {d_k}, d_v = {d_v}, seed = {seed}{note}",
            f"W_query {tuple(w['W_Q'].shape)}, W_key {tuple(w['W_K'].shape)}, "
            f"W_value {tuple(w['W_V'].shape)}",
            f"query {tuple(r['Q'].shape)}, key {tuple(r['K'].shape)}, value {tuple(r['V'].shape)}",
            f"{words[0]!r}: query {_format_vector(r['Q'][0])}",
            f"       key   {_format_vector(r['K'][0])}",
            f"       value {_format_vector(r['V'][0])}",
        ]
    )


def projection_explorer() -> Explorer:
    """Change d_k, d_v and the seed; see the shapes and values of W and of query, key, value.

    d_q always equals d_k (the explorer sets both). Introduced in 03_query_key_value.ipynb
    ("Explore").
    """
    from helpers.figures import projection_figure

    sliders = {}
    for name, label, value, top in (
        ("d_k", "d_q = d_k (query and key size):", 2, 8),
        ("d_v", "d_v (value size):", 4, 8),
        ("seed", "seed (random weights):", 123, 999),
    ):
        slider = widgets.IntSlider(
            value=value,
            min=0 if name == "seed" else 1,
            max=top,
            description=label,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="480px"),
        )
        slider.add_class(f"course-{name.replace('_', '-')}")
        sliders[name] = slider
    explorer = Explorer(
        controls=sliders,
        text=_text_area(),
        picture=_picture_area(PROJECTION_HEIGHT),
        fallback=(
            "[Query, key and value explorer: move the sliders to change d_k, d_v and the seed. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        d_k, d_v, seed = (sliders[n].value for n in ("d_k", "d_v", "seed"))
        made = _projections(d_k, d_v, seed)
        explorer.show(
            _describe_projections(d_k, d_v, seed),
            _projection_picture(made["X"], made["weights"], made["results"]),
            lambda: projection_figure(
                made["X"], made["weights"], made["results"], split_words(SENTENCE), annotate=False
            ),
        )

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    return explorer


PROJECTION_HEIGHT = "215px"


def _projection_picture(x: Any, weights: Mapping[str, Any], results: Mapping[str, Any]) -> str:
    """X, each weight matrix and each product as heatmaps, laid out as a matrix product.

    Each weight matrix sits above its product and X to the left of the products, all on
    one cividis scale, as in :func:`helpers.figures.projection_figure`. Introduced in
    03_query_key_value.ipynb ("Explore").
    """
    matrices = [x, *weights.values(), *results.values()]
    low = min(float(m.min()) for m in matrices)
    high = max(float(m.max()) for m in matrices)
    words = split_words(SENTENCE)

    def panel(name: str, matrix: Any, rows: list[str] | None = None) -> str:
        shape = f"{matrix.shape[0]}×{matrix.shape[1]}"
        return pictures.heatmap(
            matrix,
            rows=rows,
            title=f"{name} ({shape})",
            low=low,
            high=high,
            cell=(14, 9),
            description=f"{name}, a {shape} matrix, as coloured cells (cividis: dark low, yellow high).",
        )

    top = [panel(name, w) for name, w in weights.items()]
    bottom = [panel(name, r) for name, r in results.items()]
    note = "X times the matrix above<br>each result gives it"
    cells = [
        f'<div style="{pictures.FONT}font-size:10px;color:{pictures.MUTED}">{note}</div>',
        *top,
    ]
    cells += [panel("X", x, words), *bottom]
    columns = len(top) + 1
    return (
        f'<div style="display:grid;grid-template-columns:repeat({columns},max-content);'
        'gap:6px 18px;align-items:end">' + "".join(cells) + "</div>"
    )


SCALING_DIMS = (2, 4, 8, 16, 32, 64, 128, 256, 512)
"""The sizes d_k the scaling explorer offers (powers of two, as in 04's variance plot)."""


def random_scores(d_k: int, seed: int = 123, n: int = 9) -> Any:
    """Unscaled scores ``q @ k.T`` of ``n`` random queries and keys of length ``d_k``; ``(n, n)``.

    Every number of q and k is drawn from N(0, 1) by a ``torch.Generator`` seeded with
    ``seed`` (the global random state is untouched). Introduced in 04_attention_scores.ipynb.
    """
    import torch

    from helpers._validate import require_size

    require_size("d_k", d_k)
    require_size("n", n)
    generator = torch.Generator().manual_seed(seed)
    query = torch.randn(n, d_k, generator=generator)
    key = torch.randn(n, d_k, generator=generator)
    return query @ key.T


def _describe_scaling(d_k: int) -> str:
    """The text the scaling explorer shows for ``d_k``. Introduced in 04_attention_scores.ipynb."""
    import torch

    raw = random_scores(d_k)
    scaled = raw / d_k**0.5
    top_raw = torch.softmax(raw[0], dim=-1).max().item()
    top_scaled = torch.softmax(scaled[0], dim=-1).max().item()
    return "\n".join(
        [
            f"d_k = {d_k}: 9 random queries and 9 random keys, numbers drawn from N(0, 1)",
            f"unscaled scores: std {raw.std().item():.2f}, from {raw.min().item():.2f} "
            f"to {raw.max().item():.2f}",
            f"scaled (÷ √{d_k} = {d_k**0.5:.2f}): std {scaled.std().item():.2f}, "
            f"from {scaled.min().item():.2f} to {scaled.max().item():.2f}",
            f"softmax of row 0: largest weight {top_raw:.2f} unscaled, {top_scaled:.2f} scaled "
            f"(equal weights would be {1 / 9:.2f})",
        ]
    )


def scaling_explorer(d_k: int = 64) -> Explorer:
    """Slide d_k; see unscaled scores spread out while scaled ones stay put, and softmax sharpen.

    Introduced in 04_attention_scores.ipynb ("Explore").
    """
    from helpers.figures import scaling_figure

    if isinstance(d_k, bool) or d_k not in SCALING_DIMS:
        raise ValueError(
            f"d_k must be one of the slider's values {SCALING_DIMS}; got {describe(d_k)}."
        )
    slider = widgets.SelectionSlider(
        options=list(SCALING_DIMS),
        value=d_k,
        description="d_k (query and key size):",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="480px"),
    )
    slider.add_class("course-d-k")
    explorer = Explorer(
        controls={"d_k": slider},
        text=_text_area(),
        picture=_picture_area("150px"),
        fallback=(
            "[Scaling explorer: slide d_k to see why scores are divided by its square root. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )

    words = split_words(SENTENCE)

    def update(_change: object = None) -> None:
        d_k = slider.value
        raw = random_scores(d_k)
        scaled = raw / d_k**0.5
        spread = pictures.number_lines(
            {"unscaled": raw.flatten(), "scaled": scaled.flatten()},
            colours=(pictures.ORANGE, pictures.BLUE),
            limit=max(float(raw.abs().max()), 3.0) * 1.05,
            width=300,
            title=f"all {raw.numel()} scores, d_k = {d_k}",
            description=(
                f"All {raw.numel()} scores as dots on two number lines: unscaled from "
                f"{raw.min().item():.2f} to {raw.max().item():.2f}, scaled from "
                f"{scaled.min().item():.2f} to {scaled.max().item():.2f}."
            ),
        )
        unscaled_row, scaled_row = torch.softmax(raw[0], -1), torch.softmax(scaled[0], -1)
        bars = pictures.bar_chart(
            words,
            {"unscaled": unscaled_row, "scaled": scaled_row},
            colours=(pictures.ORANGE, pictures.BLUE),
            top=1.0,
            number_format=None,
            bar_height=70,
            title="softmax of query 0's row over the keys",
            description=(
                f"Softmax of query 0's scores over the {len(words)} keys: largest weight "
                f"{unscaled_row.max().item():.2f} unscaled, {scaled_row.max().item():.2f} scaled."
            ),
        )
        explorer.show(
            _describe_scaling(d_k),
            pictures.side_by_side(spread, bars),
            lambda: scaling_figure(raw, d_k, words),
        )

    slider.observe(update, names="value")
    update()
    return explorer


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Temperatures the softmax explorer offers: below 1 sharpens the weights, above 1 flattens them."""

WEIGHTS_HEIGHT = "170px"
"""Height of the weights pictures (05, 07): a 12 × 12 heatmap beside its framed row's bars."""

MAX_EXPLORER_WORDS = 12
"""The sentence explorer shows at most this many words (a bigger grid is unreadable)."""


@functools.cache
def _course() -> CourseSteps:
    """The course sentence's steps, computed without moving the notebook's random state."""
    with torch.random.fork_rng(devices=[]):
        return rebuild_steps()


def _row_table(
    words: list[str], rows: list[tuple[str, list[float]]], corner: str = "key word"
) -> str:
    """Aligned columns: a header of ``words``, then one line per (name, numbers) row."""
    lines = [corner.ljust(10) + "".join(w[:7].rjust(8) for w in words)]
    for name, numbers in rows:
        lines.append(name[:9].ljust(10) + "".join(f"{x:8.3f}" for x in numbers))
    return "\n".join(lines)


def _describe_softmax(query_index: int, scale: bool = True, temperature: float = 1.0) -> str:
    """The text the softmax explorer shows: one query's scores and weights.

    Scores are the course sentence's ``query @ key.T``, divided by ``sqrt(d_k)`` when
    ``scale`` is on and then by ``temperature``. Introduced in 05_softmax_weights.ipynb.
    """
    steps = _course()
    raw = (steps.query @ steps.key.T).detach()
    divisor = (math.sqrt(steps.key.shape[-1]) if scale else 1.0) * temperature
    scores = raw[query_index] / divisor
    weights = softmax(scores)
    words = steps.words
    top = int(weights.argmax())
    how = "÷ √d_k = ÷ 1.414" if scale else "not scaled"
    return "\n".join(
        [
            f"query {words[query_index]!r} (row {query_index}); scores {how}, "
            f"then ÷ temperature {temperature:g}",
            _row_table(words, [("score", scores.tolist()), ("weight", weights.tolist())]),
            f"largest weight: {words[top]!r} {weights[top]:.3f}; "
            f"smallest: {weights.min():.3f}; sum of weights = {weights.sum():.4f}",
        ]
    )


def softmax_explorer() -> Explorer:
    """Pick a query word, a temperature and whether to scale by √d_k; see its weights.

    The picture shows the whole weight matrix (the chosen row framed) and that row as
    bars; the text shows the row's scores and weights. Introduced in
    05_softmax_weights.ipynb ("Explore").
    """
    steps = _course()
    words = steps.words
    query = _dropdown(
        "query-word",
        options=[(word, index) for index, word in enumerate(words)],
        value=3,
        description="Query word:",
    )
    temperature = widgets.SelectionSlider(
        options=[(f"{t:g}", t) for t in TEMPERATURES],
        value=1.0,
        description="Temperature (divide the scores by):",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )
    temperature.add_class("course-temperature")
    scale = _checkbox(
        "scale",
        "Divide the scores by √d_k first (as the article does)",
        True,
    )
    explorer = Explorer(
        controls={"query": query, "temperature": temperature, "scale": scale},
        text=_text_area(),
        picture=_picture_area(WEIGHTS_HEIGHT),
        fallback=(
            "[Softmax explorer: pick a query word and a temperature to see its attention "
            "weights. It needs a live kernel (JupyterLab or Binder); the picture below shows "
            "its starting state.]"
        ),
    )
    raw = (steps.query @ steps.key.T).detach()

    def update(_change: object = None) -> None:
        index = query.value
        divisor = (math.sqrt(steps.key.shape[-1]) if scale.value else 1.0) * temperature.value
        weights = attention_weights(raw / divisor)
        caption = f"weights of query '{words[index]}' (temperature {temperature.value:g})"
        explorer.show(
            _describe_softmax(index, scale.value, temperature.value),
            pictures.weights_picture(weights, words, index, caption),
            lambda: weights_explorer_figure(weights, words, index, caption),
        )

    for control in (query, temperature, scale):
        control.observe(update, names="value")
    update()
    return explorer


def _describe_context(query_index: int) -> str:
    """The text the context explorer shows: one word's context vector as a weighted sum.

    Introduced in 06_context_vectors.ipynb ("Explore").
    """
    steps = _course()
    words = steps.words
    weights = steps.weights.detach()[query_index]
    value = steps.value.detach()
    context = weights @ value

    def vector(numbers: torch.Tensor) -> str:
        return "[" + ", ".join(f"{x:7.4f}" for x in numbers.tolist()) + "]"

    lines = [
        f"context vector of {words[query_index]!r} (row {query_index}) = {vector(context)}",
        "= sum over the words of  weight × value row:",
        f"{'word':<8}{'weight':>8}   {'value row':<38}  weight × value row",
    ]
    for word, weight, row in zip(words, weights.tolist(), value, strict=True):
        lines.append(f"{word:<8}{weight:8.4f}   {vector(row):<38}  {vector(weight * row)}")
    return "\n".join(lines)


def context_explorer() -> Explorer:
    """Pick a word; see what its context vector mixes in from each word, and the sum.

    Introduced in 06_context_vectors.ipynb ("Explore").
    """
    steps = _course()
    words = steps.words
    query = _dropdown(
        "query-word",
        options=[(word, index) for index, word in enumerate(words)],
        value=3,
        description="Word:",
    )
    explorer = Explorer(
        controls={"query": query},
        text=_text_area(),
        picture=_picture_area(),
        fallback=(
            "[Context explorer: pick a word to see its context vector as a weighted sum of "
            "value rows. It needs a live kernel (JupyterLab or Binder); the picture below "
            "shows its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        index = query.value
        explorer.show(
            _describe_context(index),
            _contributions_picture(steps.weights.detach(), steps.value.detach(), words, index),
            lambda: contributions_figure(steps.weights, steps.value, words, index, compact=True),
        )

    query.observe(update, names="value")
    update()
    return explorer


def _contributions_picture(
    weights: torch.Tensor, value: torch.Tensor, words: list[str], query_index: int
) -> str:
    """Each word's weight × value row (one column per word), then their sum, as numbers.

    Orange positive, purple negative (PuOr), one scale for both panels, as in
    :func:`helpers.figures.contributions_figure`. Introduced in 06_context_vectors.ipynb
    ("Explore").
    """
    row = weights[query_index]
    parts = (row[:, None] * value).T  # (d_v, n)
    context = parts.sum(dim=1, keepdim=True)  # (d_v, 1)
    dims = [f"dim {k + 1}" for k in range(parts.shape[0])]
    word = words[query_index]
    common = {"number_format": ".2f", "palette": "diverging", "cell": (30, 15)}
    left = pictures.heatmap(
        parts,
        rows=dims,
        columns=[f"{w}\n×{x:.2f}" for w, x in zip(words, row.tolist(), strict=True)],
        title=f"each word's contribution to the context vector of '{word}': its weight × its value row",
        low=-float(parts.abs().max()),
        high=float(parts.abs().max()),
        description=(
            f"A {parts.shape[0]} by {parts.shape[1]} grid: column j is the weight of word j for "
            f"query {word!r} times word j's value row (orange positive, purple negative)."
        ),
        **common,
    )
    right = pictures.heatmap(
        context,
        columns=[f"'{word}'\n"],
        title="= context",
        description=f"The context vector of {word!r}: "
        + ", ".join(f"{x:.2f}" for x in context.flatten().tolist())
        + ".",
        **common,
    )
    return pictures.side_by_side(left, right, gap=10)


def sentence_attention(sentence: str, seed: int = SEED) -> tuple[list[str], torch.Tensor]:
    """The words of ``sentence`` (at most ``MAX_EXPLORER_WORDS``) and their attention weights.

    The sentence gets its own vocabulary (``build_vocabulary``), ids and embedding
    (``embed``, seeded with ``seed``), and goes through ``SelfAttention(3, 2, 2, 4)`` built
    right after ``torch.manual_seed(seed)``: for the course sentence that is exactly the
    lesson's weights. The notebook's random state is left untouched.
    Introduced in 07_self_attention_module.ipynb ("Explore").

    Raises:
        TypeError, ValueError: ``sentence`` is not a string with at least one word.
    """
    words = split_words(sentence)[:MAX_EXPLORER_WORDS]
    if not words:
        raise ValueError(f"sentence must contain at least one word; got {sentence!r}.")
    text = " ".join(words)
    with torch.random.fork_rng(devices=[]):
        embedded = embed(encode(text, build_vocabulary(text)), seed=seed)
        torch.manual_seed(seed)
        module = SelfAttention(D, D_Q, D_K, D_V)
        _, weights = module.attend(embedded)
    return words, weights.detach()


def _describe_sentence_attention(sentence: str, query_index: int = 0) -> str:
    """The text the sentence explorer shows: the weight matrix and one query's strongest key.

    Introduced in 07_self_attention_module.ipynb ("Explore").
    """
    if not isinstance(sentence, str) or not sentence.strip():
        return "The sentence box is empty: type a few words, for example 'the cat sat on the mat'."
    words = split_words(sentence)
    if not words:
        return "Only commas so far: type a few words, for example 'the cat sat on the mat'."
    shown, weights = sentence_attention(sentence)
    query_index = min(query_index, len(shown) - 1)
    lines = [f"words ({len(words)}): {words}"]
    if len(words) > len(shown):
        lines.append(f"(showing the first {len(shown)} words)")
    top = int(weights[query_index].argmax())
    lines.append(
        f"query {shown[query_index]!r} attends most to {shown[top]!r} "
        f"(weight {weights[query_index, top]:.3f})"
    )
    lines.append("weights (rows = queries, columns = keys; each row sums to 1):")
    table = _row_table(shown, list(zip(shown, weights.tolist(), strict=True)), "query\\key")
    lines.extend(table.splitlines())
    return "\n".join(lines)


def sentence_attention_explorer(sentence: str = SENTENCE) -> Explorer:
    """Type any sentence; see the SelfAttention module's weights for it, as a heatmap and text.

    Weights come from :func:`sentence_attention` (fixed seed 123, so the same sentence
    always gives the same weights). A second control picks the query word whose row is
    framed and drawn as bars. Introduced in 07_self_attention_module.ipynb ("Explore").
    """
    box = _sentence_box(sentence)
    query = _dropdown("query-word", description="Query word:")
    explorer = Explorer(
        controls={"sentence": box, "query": query},
        text=_text_area(),
        picture=_picture_area(WEIGHTS_HEIGHT),
        fallback=(
            "[Sentence attention explorer: type a sentence to see the module's attention "
            "weights for it. It needs a live kernel (JupyterLab or Binder); the picture "
            "below shows its starting state.]"
        ),
    )
    busy = False

    def update(_change: object = None) -> None:
        text = _describe_sentence_attention(box.value, query.value or 0)
        if not isinstance(box.value, str) or not _split_words_or_none(box.value):
            explorer.show(text, pictures.message(NO_WORDS), lambda: message_figure(NO_WORDS))
            return
        words, weights = sentence_attention(box.value)
        index = min(query.value or 0, len(words) - 1)
        explorer.show(
            text,
            pictures.weights_picture(weights, words, index),
            lambda: weights_explorer_figure(weights, words, index),
        )

    def new_sentence(_change: object = None) -> None:
        nonlocal busy
        words = _split_words_or_none(box.value)[:MAX_EXPLORER_WORDS]
        busy = True
        try:
            query.options = [(f"{i + 1}. {word}", i) for i, word in enumerate(words)]
            query.value = 0 if words else None
        finally:
            busy = False
        update()

    def new_query(_change: object = None) -> None:
        if not busy:
            update()

    box.observe(new_sentence, names="value")
    query.observe(new_query, names="value")
    new_sentence()
    return explorer


def _split_words_or_none(sentence: str) -> list[str]:
    """``split_words(sentence)``, or an empty list for an empty or blank sentence."""
    return split_words(sentence) if isinstance(sentence, str) and sentence.strip() else []
