"""Lesson 03, query, key and value: its picture, its explorer and its exercise checks.

Every string a learner reads here goes through ``_`` (``helpers.ui.strings``), the seam
for a second language. The maths is ``helpers.attention.projection_weights``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from helpers._validate import describe
from helpers.attention import CourseSteps, D, projection_weights, rebuild_steps
from helpers.ui.answers import Verdict, close, correct, exercise_check, judge, not_yet, read_tensor
from helpers.ui.explore import Explorer, View, explore, int_slider
from helpers.ui.pictures import Heatmap, Row, Sign
from helpers.ui.strings import translator

_ = translator(__name__)


@functools.cache
def course() -> CourseSteps:
    """The course sentence's steps, computed once without moving the notebook's random state."""
    with torch.random.fork_rng(devices=[]):
        return rebuild_steps()


# ---- picture ---------------------------------------------------------------------------


def _matrix(name: str, matrix: Any) -> np.ndarray:
    values = matrix.detach().numpy() if hasattr(matrix, "detach") else matrix
    if not isinstance(values, np.ndarray) or values.ndim != 2 or values.size == 0:
        raise TypeError(
            _("{name} must be a non-empty 2-D tensor of numbers; got {got}.",
              name=name, got=describe(matrix))
        )  # fmt: skip
    return values


def projection_figure(
    x: Any, weights: Mapping[str, Any], results: Mapping[str, Any], words: Sequence[str]
) -> Figure:
    """X, each weight matrix and each product, laid out as a matrix multiplication.

    ``x`` is the ``(n, d)`` input; ``weights`` maps a name (``"W_query"``) to a ``(d, d_out)``
    matrix and ``results`` maps a name (``"query"``) to the ``(n, d_out)`` product, in the
    same order. Each weight matrix sits above its product and X to the left of the
    products, so entry (i, j) of a product is row i of X times column j of the matrix
    above it; one cividis scale, each number in its cell. Introduced in
    03_query_key_value.ipynb ("Picture").
    """
    xs = _matrix("x", x)
    n, d = xs.shape
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise TypeError(_("words must be a list of strings; got {got}.", got=describe(words)))
    if len(words) != n:
        raise ValueError(
            _("words must hold {n} labels, one per row; got {count}.", n=n, count=len(words))
        )
    if not isinstance(weights, Mapping) or not isinstance(results, Mapping):
        raise TypeError(
            _("weights and results must be dicts from a name to a matrix; got {w} and {r}.",
              w=describe(weights), r=describe(results))
        )  # fmt: skip
    if len(weights) != len(results) or not weights:
        raise ValueError(
            _("weights and results must pair up one to one; got {w} and {r}.",
              w=len(weights), r=len(results))
        )  # fmt: skip
    pairs = []
    for (w_name, w), (r_name, r) in zip(weights.items(), results.items(), strict=True):
        wv, rv = _matrix(w_name, w), _matrix(r_name, r)
        if wv.shape[0] != d or rv.shape != (n, wv.shape[1]):
            raise ValueError(
                _("{r} must be x @ {w}: x {x_shape} @ {w} {w_shape} gives ({n}, {out}); "
                  "got {r} of shape {r_shape}.", r=r_name, w=w_name, x_shape=(n, d),
                  w_shape=tuple(wv.shape), n=n, out=wv.shape[1], r_shape=tuple(rv.shape))
            )  # fmt: skip
        pairs.append((w_name, wv, r_name, rv))

    cell_w, cell_h = 0.5, 0.3  # inches per cell
    left, gap, top, middle, bottom = 0.95, 0.45, 0.5, 0.55, 0.2
    width = left + d * cell_w + sum(gap + p[1].shape[1] * cell_w for p in pairs) + 0.15
    height = top + d * cell_h + middle + n * cell_h + bottom
    fig = Figure(figsize=(width, height))
    everything = np.concatenate([xs.ravel()] + [m.ravel() for p in pairs for m in (p[1], p[3])])
    low, high = float(everything.min()), float(everything.max())

    def panel(x0: float, y0: float, name: str, values: np.ndarray, rows: Any = None) -> None:
        shape = f"{values.shape[0]}×{values.shape[1]}"
        box = (x0 / width, y0 / height, values.shape[1] * cell_w / width,
               values.shape[0] * cell_h / height)  # fmt: skip
        Heatmap(values.tolist(), _("{name}, a {shape} matrix.", name=name, shape=shape),
                rows=rows, title=f"{name} ({shape})", number_format=".2f", low=low,
                high=high).draw(fig.add_axes(box))  # fmt: skip

    y_weight = bottom + n * cell_h + middle
    panel(left, bottom, "X", xs, list(words))
    fig.text(left / width, (y_weight + d * cell_h / 2) / height,
             _("X times the matrix above\neach result gives it"), fontsize=8.5, color="#666666",
             va="center")  # fmt: skip
    x0 = left + d * cell_w
    for w_name, wv, r_name, rv in pairs:
        x0 += gap
        panel(x0, y_weight, w_name, wv)
        panel(x0, bottom, r_name, rv)
        x0 += wv.shape[1] * cell_w
    return fig


# ---- explorer --------------------------------------------------------------------------

PROJECTION_HEIGHT = "215px"


def projections(d_k: int, d_v: int, seed: int) -> tuple[torch.Tensor, dict, dict]:
    """X (9, 3), then W_Q, W_K, W_V drawn with ``seed``, then Q, K, V = X @ each (detached)."""
    x = course().embedded
    with torch.random.fork_rng(devices=[]):
        drawn = projection_weights(D, d_k, d_k, d_v, seed=seed)
    weights = {name: w.detach() for name, w in zip(("W_Q", "W_K", "W_V"), drawn, strict=True)}
    return x, weights, {name[-1]: x @ w for name, w in weights.items()}


def _vector(numbers: torch.Tensor) -> str:
    return "[" + ", ".join(f"{float(v):.4f}" for v in numbers) + "]"


def render_projections(d_k: int, d_v: int, seed: int) -> View:
    """What the projection explorer shows: the shapes, the first word's q, k and v, and
    X @ [W_Q W_K W_V] = [Q K V] as heatmaps on one cividis scale, without numbers."""
    x, weights, results = projections(d_k, d_v, seed)
    words = course().words
    shape = {name: tuple(m.shape) for name, m in {**weights, **results}.items()}
    note = _("  (the article's settings)") if (d_k, d_v, seed) == (2, 4, 123) else ""
    indent = " " * len(f"{words[0]!r}: ")
    text = "\n".join([
        _("d_q = d_k = {d_k}, d_v = {d_v}, seed = {seed}{note}", d_k=d_k, d_v=d_v, seed=seed,
          note=note),
        _("W_query {q}, W_key {k}, W_value {v}", q=shape["W_Q"], k=shape["W_K"],
          v=shape["W_V"]),
        _("query {q}, key {k}, value {v}", q=shape["Q"], k=shape["K"], v=shape["V"]),
        _("{word!r}: query {vector}", word=words[0], vector=_vector(results["Q"][0])),
        indent + _("key   {vector}", vector=_vector(results["K"][0])),
        indent + _("value {vector}", vector=_vector(results["V"][0])),
    ])  # fmt: skip
    low = min(float(m.min()) for m in (x, *weights.values(), *results.values()))
    high = max(float(m.max()) for m in (x, *weights.values(), *results.values()))

    def panel(name: str, matrix: torch.Tensor, rows: list[str] | None = None) -> Heatmap:
        size = f"{matrix.shape[0]}×{matrix.shape[1]}"
        return Heatmap(
            matrix.tolist(),
            _("{name}, a {size} matrix, as coloured cells (cividis: dark low, yellow high).",
              name=name, size=size),
            rows=rows, title=f"{name} ({size})", low=low, high=high, cell=(12, 15),
        )  # fmt: skip

    picture = Row(
        (panel("X", x, words), Sign("@"), *(panel(k, m) for k, m in weights.items()),
         Sign("="), *(panel(k, m) for k, m in results.items())),
        gap=8,
        rows_to_scale=True,
    )  # fmt: skip
    return View(text, picture)


def projection_explorer() -> Explorer:
    """Change d_k, d_v and the seed; see the shapes and values of W and of query, key, value.

    d_q always equals d_k (the explorer sets both). Introduced in 03_query_key_value.ipynb
    ("Explore").
    """
    return explore(
        render_projections,
        height=PROJECTION_HEIGHT,
        d_k=int_slider("d-k", _("d_q = d_k (query and key size):"), 2, 1, 8),
        d_v=int_slider("d-v", _("d_v (value size):"), 4, 1, 8),
        seed=int_slider("seed", _("seed (random weights):"), 123, 0, 999),
        fallback=_(
            "[Query, key and value explorer: move the sliders to change d_k, d_v and the seed. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )


# ---- exercises ---------------------------------------------------------------------------


@exercise_check(_("two dot products: the vector of 'fox' with each column of W_query."))
def check_fox_query(answer: Any) -> Verdict:
    """Exercise 1 of 03_query_key_value.ipynb: the query of 'fox', by hand."""
    # precision: within 1e-4 (TOLERANCE), as the notebook's "Exercises" says
    steps = course()
    hint = _(
        "x = embedded_sentence[3]; the query is (x * W_query[:, 0]).sum() and "
        "(x * W_query[:, 1]).sum()."
    )
    vector, problem = read_tensor(answer, (2,), _("one word's query"), hint)
    if problem:
        return problem
    done = _("the query of 'fox' is {row}, row 3 of query.", row=steps.query[3].detach())
    if verdict := judge(vector, steps.query[3], done, hint):
        return verdict
    if close(vector, steps.key[3]):
        return not_yet(
            _("that is the key of 'fox': you used W_key."), _("use W_query for a query.")
        )
    for position, word in enumerate(steps.words):
        if close(vector, steps.query[position]):
            return not_yet(
                _("that is the query of {word!r} (word {position}).", word=word, position=position),
                _("'fox' is word 3 of the sentence: start from embedded_sentence[3]."),
            )
    return not_yet(_("these are not the two numbers of the query of 'fox'."), hint)


@exercise_check(_("one row per word, one column per value dimension."))
def check_value_shape(answer: Any) -> Verdict:
    """Exercise 2 of 03_query_key_value.ipynb: the shape of value when d_v = 6."""
    # precision: exact (a shape is a tuple of ints, read as such)
    hint = _("X has shape (9, 3) and W_value would have shape (3, 6): (9, 3) @ (3, 6) gives ...?")
    if not isinstance(answer, (tuple, list)):  # a torch.Size is a tuple
        return not_yet(
            _("a shape is a tuple of ints such as (2, 3); you gave {got}.", got=describe(answer)),
            hint,
        )
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in answer):
        return not_yet(_("a shape holds ints; you gave {answer!r}.", answer=answer), hint)
    shape = tuple(answer)
    if shape == (9, 6):
        return correct(_("value would be 9 × 6: still one row per word, now 6 numbers each."))
    known = {
        (6, 9): _("rows are words: the 9 comes first."),
        (3, 6): _("(3, 6) is the shape of W_value; value is X @ W_value."),
        (9, 4): _("(9, 4) is the article's value, with d_v = 4; the question sets d_v = 6."),
        (9, 3): _("(9, 3) is the shape of X; the product takes its columns from W_value."),
    }
    return not_yet(
        known.get(shape, _("{shape} is not the shape of X @ W_value.", shape=shape)), hint
    )


@exercise_check(_("nn.Linear stores its weight as (out_features, in_features)."))
def check_linear_weight(answer: Any) -> Verdict:
    """Exercise 3 of 03_query_key_value.ipynb: the weight that makes nn.Linear(3, 2) compute query."""
    # precision: within 1e-4 (TOLERANCE), as the notebook's "Exercises" says
    steps = course()
    hint = _(
        "nn.Linear computes x @ weight.T, so its weight is W_query turned on its side: W_query.T."
    )
    what = _("nn.Linear(3, 2)'s weight")
    untransposed, _problem = read_tensor(answer, (3, 2), what, hint)
    if untransposed is not None and close(untransposed, steps.W_query):
        return not_yet(
            _("that is W_query itself, shape (3, 2); nn.Linear(3, 2) holds a (2, 3) weight."),
            _("transpose it: W_query.T."),
        )
    matrix, problem = read_tensor(answer, (2, 3), what, hint)
    if problem:
        return problem
    done = _("nn.Linear(3, 2, bias=False) with weight W_query.T computes X @ W_query.")
    if verdict := judge(matrix, steps.W_query.T, done, hint):
        return verdict
    if close(matrix, steps.W_key.T):
        return not_yet(_("that is W_key.T: it would compute the keys."), _("use W_query."))
    return not_yet(_("this weight does not give the lesson's query."), hint)
