"""Lesson 14, where words are: its pictures, its explorer and its exercise checks
(helpers.positions; the learned positions come from helpers.real_model).

Every string a learner reads here goes through ``_`` (helpers.ui.strings).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from matplotlib.figure import Figure

from helpers import positions
from helpers._validate import describe, require_tensor
from helpers.lessons import course
from helpers.ui.answers import Verdict, exercise_check, judge, mistake, not_yet, read_tensor
from helpers.ui.explore import Explorer, View, dropdown, explore, int_slider
from helpers.ui.pictures import Heatmap
from helpers.ui.strings import translator

_ = translator(__name__)

QUERY_WORD, KEY_WORD = "fox", "dog"
"""The explorer's two words: the query of 'fox' meets the key of 'dog' at chosen positions."""
SPAN = 10
"""The explorer's positions: 0 to 9 for each word."""
ENCODINGS = ("none", "sinusoidal", "rotary")
"""What the explorer can give the article's attention: no positions, sinusoids added to the
embeddings (the original Transformer), or queries and keys rotated (RoPE)."""


# ---- the article's attention, with positions --------------------------------------------
def score_table(encoding: str, span: int = SPAN) -> torch.Tensor:
    """``(span, span)``: the article's score of the query of 'fox' at position ``m`` (row) and
    the key of 'dog' at position ``n`` (column), with ``encoding`` giving attention the positions.
    Introduced in 14_positions.ipynb ("Explore")."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(map(repr, ENCODINGS))}; "
                         f"got {describe(encoding)}.")  # fmt: skip
    steps = course()
    words = steps.words
    x = steps.embedded[[words.index(QUERY_WORD), words.index(KEY_WORD)]]  # (2, 3)
    w_q, w_k = steps.W_query.detach(), steps.W_key.detach()  # (3, 2) each
    where = torch.arange(span)
    if encoding == "sinusoidal":  # added to the embeddings, before the projections
        pe = positions.sinusoidal_positions(span, x.shape[-1])  # (span, 3)
        q, k = (x[0] + pe) @ w_q, (x[1] + pe) @ w_k  # (span, 2) each: one row per position
    else:
        q, k = (x[0] @ w_q).expand(span, -1), (x[1] @ w_k).expand(span, -1)  # (span, 2)
        if encoding == "rotary":  # queries and keys turned by their positions
            q, k = positions.rotary(q, where), positions.rotary(k, where)
    return q @ k.T / math.sqrt(k.shape[-1])  # (span, span)


# ---- pictures ------------------------------------------------------------------------------
def _ticks(ax: Any, count: int, every: int, axis: str = "both") -> None:
    """Label every ``every``-th position of a heatmap's axes (seaborn centres cell i on i + 0.5)."""
    where = [i + 0.5 for i in range(0, count, every)]
    labels = [str(i) for i in range(0, count, every)]
    if axis in ("both", "y"):
        ax.set_yticks(where, labels, rotation=0)
    if axis in ("both", "x"):
        ax.set_xticks(where, labels, rotation=0)


def sinusoid_figure(pe: torch.Tensor) -> Figure:
    """The table of sinusoidal encodings ``pe (n, d)``: rows = positions, columns = dimensions,
    from -1 (purple) through 0 (white) to 1 (brown). Introduced in 14_positions.ipynb ("Sinusoidal encodings")."""
    require_tensor("pe", pe, ndim=(2,))
    n, d = pe.shape
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.add_subplot()
    Heatmap(pe.tolist(), "", palette="diverging", low=-1.0, high=1.0, colorbar=True,
            title=_("sinusoidal encodings of positions 0 to {last}, d = {d}", last=n - 1, d=d),
            row_title=_("position"), column_title=_("dimension")).draw(ax)  # fmt: skip
    _ticks(ax, n, 8, "y")
    _ticks(ax, d, 2, "x")
    fig.tight_layout()
    return fig


def cosine_similarity(table: torch.Tensor) -> torch.Tensor:
    """``(n, n)``: the cosine of the angle between every two rows of ``table (n, d)``.
    Introduced in 14_positions.ipynb ("Picture")."""
    require_tensor("table", table, ndim=(2,))
    rows = table / table.norm(dim=-1, keepdim=True)  # (n, d), each row of length 1
    return rows @ rows.T


def similarity_figure(sinusoidal: torch.Tensor, learned: torch.Tensor) -> Figure:
    """The cosine similarity of every two position vectors, for ``sinusoidal (n, d)`` and for
    ``learned (n, d)`` side by side, on one scale from -1 to 1.
    Introduced in 14_positions.ipynb ("Picture")."""
    for name, table in (("sinusoidal", sinusoidal), ("learned", learned)):
        require_tensor(name, table, ndim=(2,))
    fig = Figure(figsize=(10.0, 4.6))
    axes = fig.subplots(1, 2)
    titles = (_("sinusoidal, d = {d}", d=sinusoidal.shape[1]),
              _("learned by all-MiniLM-L6-v2, d = {d}", d=learned.shape[1]))  # fmt: skip
    for ax, table, title in zip(axes, (sinusoidal, learned), titles, strict=True):
        n = table.shape[0]
        Heatmap(cosine_similarity(table.double()).tolist(), "", palette="diverging", low=-1.0,
                high=1.0, colorbar=True, title=title, row_title=_("position"),
                column_title=_("position")).draw(ax)  # fmt: skip
        _ticks(ax, n, 8)
    fig.suptitle(_("cosine similarity of the vectors of every two positions"), fontsize=11)
    fig.tight_layout()
    return fig


# ---- explorer ------------------------------------------------------------------------------
def encoding_label(encoding: str) -> str:
    """What the explorer calls each of ``ENCODINGS``."""
    return {
        "none": _("no positions"),
        "sinusoidal": _("sinusoidal, added to the embeddings"),
        "rotary": _("rotary (RoPE), turning queries and keys"),
    }[encoding]


def render_position_scores(encoding: str, query_position: int, key_position: int) -> View:
    """The score of 'fox' at one position and 'dog' at another, and of the same two words at the
    same offset elsewhere. Introduced in 14_positions.ipynb ("Explore")."""
    table = score_table(encoding)  # (SPAN, SPAN)
    m, n = query_position, key_position
    offset = n - m
    same = [(i, i + offset) for i in range(SPAN) if 0 <= i + offset < SPAN]  # (m, n) pairs
    values = [table[i, j].item() for i, j in same]
    pairs = [f"({i}, {j}) {v:.4f}" for (i, j), v in zip(same, values, strict=True)]
    lines = ["  " + "   ".join(pairs[k : k + 4]) for k in range(0, len(pairs), 4)]
    spread = max(values) - min(values)
    if torch.allclose(table, table[0, 0].expand_as(table), atol=1e-5):
        verdict = _("the score is the same at every pair of positions: attention cannot see them")
    elif spread < 1e-5:
        verdict = _("the same offset gives the same score wherever the pair sits")
    else:
        verdict = _("the same offset gives different scores: the score depends on where the words "
                    "are, not only on how far apart")  # fmt: skip
    text = _("encoding: {encoding}\n"
             "query of {q!r} at position {m}, key of {k!r} at position {n}: offset {offset:+d}, "
             "score {score:.4f}\n"
             "the same offset elsewhere, (query position, key position) score:\n{lines}\n"
             "{verdict}", encoding=encoding_label(encoding), q=QUERY_WORD, k=KEY_WORD, m=m,
             n=n, offset=offset, score=table[m, n].item(), lines="\n".join(lines),
             verdict=verdict)  # fmt: skip
    labels = [str(i) for i in range(SPAN)]
    return View(text, Heatmap(
        table.tolist(),
        _("Scores of the query of {q!r} (rows: its position 0 to {last}) and the key of {k!r} "
          "(columns: its position) with {encoding}; row {m} framed; score at ({m}, {n}): "
          "{score:.2f}.", q=QUERY_WORD, k=KEY_WORD, last=SPAN - 1, encoding=encoding_label(encoding),
          m=m, n=n, score=table[m, n].item()),
        rows=labels, columns=labels, framed_row=m, number_format=".2f", palette="diverging",
        cell=(26, 12),
        title=_("score of {q!r} at row position, {k!r} at column position", q=QUERY_WORD, k=KEY_WORD),
        row_title=_("position of {q!r}", q=QUERY_WORD), column_title=_("position of {k!r}", k=KEY_WORD),
    ))  # fmt: skip


def position_explorer() -> Explorer:
    """Pick how attention gets positions, and a position for 'fox' (the query) and for 'dog'
    (the key); see their score, and the scores at the same offset elsewhere.
    Introduced in 14_positions.ipynb ("Explore")."""
    return explore(
        render_position_scores, height="200px",
        encoding=dropdown("encoding", _("Positions:"),
                          [(encoding_label(e), e) for e in ENCODINGS], "rotary"),
        query_position=int_slider("query-position", _("Position of 'fox':"), 2, 0, SPAN - 1),
        key_position=int_slider("key-position", _("Position of 'dog':"), 7, 0, SPAN - 1),
        fallback=_("[Position explorer: choose how attention gets positions, and where 'fox' and "
                   "'dog' stand, to see their score change with the offset. It needs a live "
                   "kernel (JupyterLab or Binder); the picture below shows its starting state.]"),
    )  # fmt: skip


# ---- exercises (precision: within 1e-4) --------------------------------------------------
SHIFT_POSITIONS = ((2, 7), (102, 107))
"""Exercise 2: the query's and the key's positions, then both moved 100 positions on."""
ALIBI_SLOPE = 0.5
"""Exercise 3: the slope of ALiBi's bias for the one head of the exercise."""


def exercise_query_key() -> tuple[torch.Tensor, torch.Tensor]:
    """Exercise 2's query and key, ``(8,)`` each, drawn from their own generator (seed 123).
    Introduced in 14_positions.ipynb (exercise 2)."""
    q, k = torch.randn(2, 8, generator=torch.Generator().manual_seed(123))
    return q, k


def _rope_score(q: torch.Tensor, k: torch.Tensor, m: int, n: int, turn_k: bool = True) -> float:
    turned_q = positions.rotary(q[None], [m])[0]
    turned_k = positions.rotary(k[None], [n])[0] if turn_k else k
    return float(turned_q @ turned_k) / math.sqrt(len(q))


@exercise_check(_("one position of d = 4: [sin(3 ω_0), cos(3 ω_0), sin(3 ω_1), cos(3 ω_1)] with "
                  "ω_i = 10000 ** (-2i / 4)."))  # fmt: skip
def check_sinusoid_position_3(answer: Any) -> Verdict:
    """Exercise 1 of 14_positions.ipynb: the sinusoidal encoding of position 3 for d = 4."""
    hint = _("ω_0 = 1 and ω_1 = 10000 ** (-2/4) = 0.01; angles in radians (math.sin, torch.sin).")
    value, problem = read_tensor(answer, (4,), _("the encoding of one position for d = 4"), hint)
    if problem:
        return problem
    right = positions.sinusoidal_positions(4, 4).double()[3]
    done = _("position 3 is [sin 3, cos 3, sin 0.03, cos 0.03]: the first pair turns 1 radian per "
             "position, the second only 0.01, so far positions still differ in the slow pair.")  # fmt: skip
    if verdict := judge(value, right, done, hint):
        return verdict
    a, b = 3.0, 0.03
    degrees = math.pi / 180
    return mistake(value, [
        ([math.cos(a), math.sin(a), math.cos(b), math.sin(b)], _("sine and cosine are swapped: the "
         "even dimensions (0, 2) hold sines, the odd ones (1, 3) cosines."), None),
        ([math.sin(a), math.cos(a), math.sin(3 * 10000**-0.25), math.cos(3 * 10000**-0.25)],
         _("the second pair's angle is off: its frequency is 10000 ** (-2i / d) with i the pair's "
           "number (i = 1), so 10000 ** (-2/4), not 10000 ** (-1/4)."), None),
        ([math.sin(a), math.cos(a), math.sin(3e-4), math.cos(3e-4)], _("the second pair's angle is "
         "off: its frequency is 10000 ** (-2i / d) with i = 1 and d = 4, which is 0.01."), None),
        ([math.sin(a * degrees), math.cos(a * degrees), math.sin(b * degrees), math.cos(b * degrees)],
         _("you used degrees; the angles are in radians."), None),
        (positions.sinusoidal_positions(5, 4)[4], _("that is position 4; positions count from 0, "
         "so position 3 is the fourth row."), None),
        (positions.sinusoidal_positions(4, 4)[2], _("that is position 2; the exercise asks for "
         "position 3."), None),
        ([math.sin(a), math.sin(a), math.sin(b), math.sin(b)], _("every dimension holds a sine; "
         "the odd dimensions hold the cosine of the same angle."), None),
    ], hint) or not_yet(_("these are not the four numbers of position 3."), hint)  # fmt: skip


@exercise_check(_("turn the query by its position and the key by its own with positions.rotary, "
                  "then score them: q · k / sqrt(8)."))  # fmt: skip
def check_shifted_rope_scores(answer: Any) -> Verdict:
    """Exercise 2 of 14_positions.ipynb: the RoPE score of the same query and key at positions
    (2, 7) and at (102, 107): the same number twice."""
    hint = _("positions.rotary(q[None], [m])[0] turns q for position m; do the same for k at "
             "position n, then (q_m @ k_n) / math.sqrt(8).")  # fmt: skip
    value, problem = read_tensor(answer, (2,), _("the two scores"), hint)
    if problem:
        return problem
    q, k = exercise_query_key()
    (m, n), (m2, n2) = SHIFT_POSITIONS
    right = [_rope_score(q, k, m, n), _rope_score(q, k, m2, n2)]
    done = _("both scores are {score:.4f}: moving both words 100 positions on changes every "
             "angle but not their difference, {offset}, so the score stays.", score=right[0],
             offset=n - m)  # fmt: skip
    if verdict := judge(value, right, done, hint):
        return verdict
    plain = float(q @ k) / math.sqrt(8)
    return mistake(value, [
        ([plain, plain], _("these are the scores without positions: rotate q and k first."), None),
        ([r * math.sqrt(8) for r in right], _("the scores are not scaled: divide by sqrt(8), "
         "since d_k = 8."), None),
        ([_rope_score(q, k, n, m), _rope_score(q, k, n2, m2)], _("the positions are swapped: the "
         "query is at 2 (then 102), the key at 7 (then 107)."), None),
        ([_rope_score(q, k, m, n, False), _rope_score(q, k, m2, n2, False)], _("only the query is "
         "rotated, so the scores depend on where the query is; rotate the key too."), None),
        ([_rope_score(k, q, m, n, False), _rope_score(k, q, m2, n2, False)], _("only one vector "
         "is rotated; RoPE rotates both the query and the key."), None),
    ], hint) or not_yet(_("these are not the two RoPE scores (expected the same number twice)."),
                        hint)  # fmt: skip


@exercise_check(_("the bias of query 4 on key j is -0.5 * (4 - j); add it to the scores (all 0 "
                  "here) and take the softmax."))  # fmt: skip
def check_alibi_weights(answer: Any) -> Verdict:
    """Exercise 3 of 14_positions.ipynb: the weights of the last of 5 queries on keys 0 to 4
    when every score is 0 and ALiBi adds its bias with slope 0.5."""
    hint = _("bias = -0.5 * (4 - torch.arange(5.0)), then torch.softmax(bias, dim=-1).")
    value, problem = read_tensor(answer, (5,), _("the 5 weights of query 4"), hint)
    if problem:
        return problem
    distance = 4 - torch.arange(5, dtype=torch.float64)  # (5,): 4, 3, 2, 1, 0
    right = torch.softmax(-ALIBI_SLOPE * distance, dim=-1)
    done = _("the weights grow towards the query: {weights}. With equal scores, ALiBi alone makes "
             "a head prefer nearby keys, and the farther a key, the less weight.",
             weights=", ".join(f"{w:.3f}" for w in right.tolist()))  # fmt: skip
    if verdict := judge(value, right, done, hint):
        return verdict
    return mistake(value, [
        (-ALIBI_SLOPE * distance, _("that is the bias itself; add it to the scores (all 0) and "
         "take the softmax to get weights."), None),
        (torch.softmax(ALIBI_SLOPE * distance, dim=-1), _("the weights fall towards the query: "
         "the sign is flipped, or the keys are in reverse order. ALiBi subtracts more the farther "
         "a key is (key 0 is 4 positions away, key 4 is the query itself), so far keys get less "
         "weight."), None),
        (torch.softmax(-distance, dim=-1), _("that is slope 1; this head's slope is 0.5."), None),
        (torch.full((5,), 0.2), _("equal weights: that is the softmax of the scores without the "
         "bias."), None),
    ], hint) or not_yet(_("these are not the weights of query 4 with ALiBi."), hint)  # fmt: skip
