"""Lesson 03, query, key and value: the X @ W picture, its explorer, its exercise checks."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from helpers._validate import describe
from helpers.attention import D, projection_weights
from helpers.lessons import course
from helpers.ui.answers import (
    Verdict,
    close,
    exercise_check,
    judge,
    mistake,
    not_yet,
    read_tensor,
)
from helpers.ui.explore import Explorer, View, explore, int_slider
from helpers.ui.pictures import Heatmap, Row, Sign
from helpers.ui.strings import translator

_ = translator(__name__)


def _matrix(name: str, matrix: Any) -> np.ndarray:
    values = matrix.detach().numpy() if hasattr(matrix, "detach") else matrix
    if not isinstance(values, np.ndarray) or values.ndim != 2 or values.size == 0:
        raise TypeError(_("{name} must be a non-empty 2-D tensor of numbers; got {got}.",
                          name=name, got=describe(matrix)))  # fmt: skip
    return values


def _panel(name: str, values: Any, among: Collection, rows: Any = None, **style: Any) -> Heatmap:
    """One matrix titled with its name and shape, on the colour scale of all the ``among``."""
    size = f"{values.shape[0]}×{values.shape[1]}"
    return Heatmap(
        values.tolist(),
        _("{name}, a {size} matrix, every number printed in its cell on one colour scale "
          "(cividis: dark low, yellow high).", name=name, size=size),
        rows=rows, title=f"{name} ({size})", low=min(float(m.min()) for m in among),
        high=max(float(m.max()) for m in among), **style,
    )  # fmt: skip


def projection_figure(
    x: Any, weights: Mapping[str, Any], results: Mapping[str, Any], words: Sequence[str]
) -> Figure:
    """X, each weight matrix above its product with X, every number in its cell (one scale).
    Introduced in 03_query_key_value.ipynb ("Picture")."""
    xs = _matrix("x", x)
    n, d = xs.shape
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise TypeError(_("words must be a list of strings; got {got}.", got=describe(words)))
    if len(words) != n:
        raise ValueError(_("words must hold {n} labels, one per row; got {count}.", n=n,
                           count=len(words)))  # fmt: skip
    if not isinstance(weights, Mapping) or not isinstance(results, Mapping):
        raise TypeError(_("weights and results must be dicts from a name to a matrix; got {w} "
                          "and {r}.", w=describe(weights), r=describe(results)))  # fmt: skip
    if len(weights) != len(results) or not weights:
        raise ValueError(_("weights and results must pair up one to one; got {w} and {r}.",
                           w=len(weights), r=len(results)))  # fmt: skip
    cell_w, cell_h = 0.5, 0.3  # inches per cell
    left, gap, top, middle, bottom = 0.95, 0.45, 0.5, 0.55, 0.2
    y_weight = bottom + n * cell_h + middle
    placed, x0 = [("X", xs, left, bottom, list(words))], left + d * cell_w
    for (w_name, w), (r_name, r) in zip(weights.items(), results.items(), strict=True):
        wv, rv = _matrix(w_name, w), _matrix(r_name, r)
        if wv.shape[0] != d or rv.shape != (n, wv.shape[1]):
            raise ValueError(_("{r} must be x @ {w}: x {x_shape} @ {w} {w_shape} gives ({n}, "
                               "{out}); got {r} of shape {r_shape}.", r=r_name, w=w_name,
                               x_shape=(n, d), w_shape=tuple(wv.shape), n=n, out=wv.shape[1],
                               r_shape=tuple(rv.shape)))  # fmt: skip
        x0 += gap
        placed += [(w_name, wv, x0, y_weight, None), (r_name, rv, x0, bottom, None)]
        x0 += wv.shape[1] * cell_w
    width = left + d * cell_w + sum(gap + p[1].shape[1] * cell_w for p in placed[1::2]) + 0.15
    height = top + d * cell_h + middle + n * cell_h + bottom
    fig = Figure(figsize=(width, height))
    among = [p[1] for p in placed]
    for name, values, x0, y0, rows in placed:  # weights above their products, X bottom left
        box = (x0 / width, y0 / height, values.shape[1] * cell_w / width,
               values.shape[0] * cell_h / height)  # fmt: skip
        _panel(name, values, among, rows, number_format=".2f").draw(fig.add_axes(box))
    fig.text(left / width, (y_weight + d * cell_h / 2) / height,
             _("X times the matrix above\neach result gives it"), fontsize=8.5, color="#666666",
             va="center")  # fmt: skip
    return fig


def render_projections(d_k: int, d_v: int, seed: int) -> View:
    """The shapes, the first word's q, k and v, and X @ [W_Q W_K W_V] = [Q K V] as heatmaps."""
    x, words = course().embedded, course().words
    with torch.random.fork_rng(devices=[]):
        drawn = projection_weights(D, d_k, d_k, d_v, seed=seed)
    weights = {name: w.detach() for name, w in zip(("W_Q", "W_K", "W_V"), drawn, strict=True)}
    results = {name[-1]: x @ w for name, w in weights.items()}
    shape = {name: tuple(m.shape) for name, m in {**weights, **results}.items()}
    first = {k: f"[{', '.join(f'{v:.4f}' for v in m[0].tolist())}]" for k, m in results.items()}
    indent = " " * len(f"{words[0]!r}: ")
    text = "\n".join([
        _("d_q = d_k = {d_k}, d_v = {d_v}, seed = {seed}{note}", d_k=d_k, d_v=d_v, seed=seed,
          note=_("  (the article's settings)") if (d_k, d_v, seed) == (2, 4, 123) else ""),
        _("W_query {q}, W_key {k}, W_value {v}", q=shape["W_Q"], k=shape["W_K"], v=shape["W_V"]),
        _("query {q}, key {k}, value {v}", q=shape["Q"], k=shape["K"], v=shape["V"]),
        _("{word!r}: query {vector}", word=words[0], vector=first["Q"]),
        indent + _("key   {vector}", vector=first["K"]),
        indent + _("value {vector}", vector=first["V"]),
    ])  # fmt: skip
    matrices = {"X": x, **weights, **results}
    dims = [str(d) for d in range(max(D, d_k, d_v))]  # dimensions, numbered from 0
    panels = [_panel(name, m, matrices.values(), words if name == "X" else dims[: m.shape[0]]
                     if name.startswith("W") else None, cell=(12, 15), number_format=".2f",
                     columns=dims[: m.shape[1]]) for name, m in matrices.items()]  # fmt: skip
    picture = Row((panels[0], Sign("@"), *panels[1:4], Sign("="), *panels[4:]), gap=8,
                  rows_to_scale=True)  # fmt: skip
    return View(text, picture)


def projection_explorer() -> Explorer:
    """Change d_k (= d_q), d_v and the seed; see the shapes and values of W, query, key, value.
    Introduced in 03_query_key_value.ipynb ("Explore")."""
    return explore(
        render_projections,
        height="215px",
        d_k=int_slider("d-k", _("d_q = d_k (query and key size):"), 2, 1, 8),
        d_v=int_slider("d-v", _("d_v (value size):"), 4, 1, 8),
        seed=int_slider("seed", _("seed (random weights):"), 123, 0, 999),
        fallback=_(
            "[Query, key and value explorer: move the sliders to change d_k, d_v and the seed. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )


@exercise_check(_("two dot products: the vector of 'fox' with each column of W_query."))
def check_fox_query(answer: Any) -> Verdict:
    """Exercise 1 of 03_query_key_value.ipynb: the query of 'fox', by hand (within 1e-4)."""
    steps = course()
    hint = _("x = embedded_sentence[3]; the query is (x * W_query[:, 0]).sum() and "
             "(x * W_query[:, 1]).sum().")  # fmt: skip
    vector, problem = read_tensor(answer, (2,), _("one word's query"), hint)
    if problem:
        return problem
    done = _("the query of 'fox' is {row}, row 3 of query.", row=steps.query[3].detach())
    if verdict := judge(vector, steps.query[3], done, hint):
        return verdict
    if close(vector, steps.key[3]):
        return not_yet(_("that is the key of 'fox': you used W_key."),
                       _("use W_query for a query."))  # fmt: skip
    for position, word in enumerate(steps.words):
        if close(vector, steps.query[position]):
            return not_yet(
                _("that is the query of {word!r} (word {position}).", word=word, position=position),
                _("'fox' is word 3 of the sentence: start from embedded_sentence[3]."),
            )
    return not_yet(_("these are not the two numbers of the query of 'fox'."), hint)


@exercise_check(_("a projection is linear: (a x + b y) W = a (x W) + b (y W)."))
def check_mixed_key(answer: Any) -> Verdict:
    """Exercise 2 of 03_query_key_value.ipynb: the key of a new word halfway between 'fox' and
    'dog', predicted from the rows of key (within 1e-4)."""
    steps = course()
    x, key, words = steps.embedded, steps.key.detach(), steps.words
    x_new = 0.5 * x[3] + 0.5 * x[8]  # (3,): halfway between 'fox' and 'dog'
    right = 0.5 * key[3] + 0.5 * key[8]  # (2,): equals x_new @ W_key
    hint = _("x_new @ W_key = 0.5 * (x_fox @ W_key) + 0.5 * (x_dog @ W_key), and x_fox @ W_key "
             "is already row 3 of key ('dog' is row 8).")  # fmt: skip
    embedding, _problem = read_tensor(answer, (3,), _("an embedding"), hint)
    if embedding is not None and close(embedding, x_new):
        return not_yet(_("that is the new word's embedding x_new (3 numbers), not its key."),
                       _("mix the keys, not the embeddings: key[3] and key[8]."))  # fmt: skip
    value = steps.value.detach()
    mixed_value, _problem = read_tensor(answer, (4,), _("a value"), hint)
    if mixed_value is not None and close(mixed_value, 0.5 * value[3] + 0.5 * value[8]):
        return not_yet(_("that is the new word's value (4 numbers); the exercise asks for its "
                         "key."), _("use the rows of key, not of value."))  # fmt: skip
    vector, problem = read_tensor(answer, (2,), _("the key of the new word"), hint)
    if problem:
        return problem
    done = _("the key of the mix is the same mix of the keys, {row}: a projection is linear, so "
             "x_new @ W_key needs no new product.", row=right)  # fmt: skip
    if verdict := judge(vector, right, done, hint):
        return verdict
    ids = steps.vocabulary
    query = steps.query.detach()
    known = [
        (0.5 * query[3] + 0.5 * query[8], _("that is the query of the new word: you mixed the "
         "rows of query."), _("mix the rows of key.")),
        (key[3] + key[8], _("that is the sum of the two keys: the 0.5 of each is missing."),
         _("x_new takes half of each word, so its key takes half of each key.")),
        (0.5 * key[ids["fox"]] + 0.5 * key[ids["dog"]], _("you took rows {fox} and {dog}, the "
         "vocabulary ids of 'fox' and 'dog'.", fox=ids["fox"], dog=ids["dog"]),
         _("rows follow the words' positions in the sentence: 'fox' is row 3, 'dog' row 8.")),
        (key[3], _("that is the key of 'fox' alone."), _("the new word is half 'fox', half "
         "'dog': mix key[3] and key[8].")),
        (key[8], _("that is the key of 'dog' alone."), _("the new word is half 'fox', half "
         "'dog': mix key[3] and key[8].")),
        (key.mean(dim=0), _("that is the average key of all 9 words."),
         _("only 'fox' (row 3) and 'dog' (row 8) are mixed.")),
    ]  # fmt: skip
    known += [
        (0.5 * key[i] + 0.5 * key[j], _("that mixes the keys of {a!r} (row {i}) and {b!r} (row "
         "{j}).", a=words[i], i=i, b=words[j], j=j), _("'fox' is row 3 of key, 'dog' row 8."))
        for i in range(len(words)) for j in range(i + 1, len(words))
    ]  # fmt: skip
    return mistake(vector, known) or not_yet(_("this is not the key of the new word."), hint)


@exercise_check(_("nn.Linear stores its weight as (out_features, in_features)."))
def check_linear_weight(answer: Any) -> Verdict:
    """Exercise 3 of 03_query_key_value.ipynb: nn.Linear(3, 2)'s weight for query (within 1e-4)."""
    steps = course()
    hint = _("nn.Linear computes x @ weight.T, so its weight is W_query turned on its side: "
             "W_query.T.")  # fmt: skip
    what = _("nn.Linear(3, 2)'s weight")
    untransposed, _problem = read_tensor(answer, (3, 2), what, hint)
    if untransposed is not None and close(untransposed, steps.W_query):
        return not_yet(_("that is W_query itself, shape (3, 2); nn.Linear(3, 2) holds a (2, 3) "
                         "weight."), _("transpose it: W_query.T."))  # fmt: skip
    matrix, problem = read_tensor(answer, (2, 3), what, hint)
    if problem:
        return problem
    done = _("nn.Linear(3, 2, bias=False) with weight W_query.T computes X @ W_query.")
    if verdict := judge(matrix, steps.W_query.T, done, hint):
        return verdict
    if close(matrix, steps.W_key.T):
        return not_yet(_("that is W_key.T: it would compute the keys."), _("use W_query."))
    return not_yet(_("this weight does not give the lesson's query."), hint)
