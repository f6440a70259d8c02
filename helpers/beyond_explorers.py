"""Explorers of the lessons beyond the article (08 on): same rules as :mod:`helpers.explorers`.

Each explorer is built by a ``something_explorer()`` function returning an
:class:`helpers.explorers.Explorer`; the rules (labelled controls with ``course-`` CSS
classes, fixed-height text and HTML picture, ``Explorer.show(text, picture, snapshot)``)
are listed in :mod:`helpers.explorers` and checked by tests/test_explorers.py.
Sections follow the lessons in order.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch

from helpers import html_pictures as pictures
from helpers._validate import describe, require_index, require_size
from helpers.attention import attention_weights
from helpers.beyond_figures import _blocked_cells, _square_weights, causal_explorer_figure
from helpers.explorers import (
    WEIGHTS_HEIGHT,
    Explorer,
    _checkbox,
    _course,
    _dropdown,
    _picture_area,
    _text_area,
)
from helpers.masks import causal_mask

# --- 08_masks.ipynb ---------------------------------------------------------------------

HATCH = "repeating-linear-gradient(45deg,#D9D9D9 0 2px,#F4F4F4 2px 5px)"
"""CSS background of a blocked cell: grey stripes, the HTML twin of the figures' hatching."""


def causal_weights(causal: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """The course sentence's ``(9, 9)`` weights with or without the causal mask, and that mask.

    With ``causal=True`` the scores above the diagonal (each word's later words) become
    ``-inf`` before the softmax; with ``False`` the mask lets every query see every key and
    the weights are step 5's. The notebook's random state is left untouched.
    Introduced in 08_masks.ipynb ("Explore").

    Raises:
        TypeError: ``causal`` is not a bool.
    """
    if not isinstance(causal, bool):
        raise TypeError(f"causal must be True or False; got {describe(causal)}.")
    scores = _course().scores.detach()
    n = scores.shape[-1]
    mask = causal_mask(n) if causal else torch.ones(n, n, dtype=torch.bool)
    return attention_weights(scores.masked_fill(~mask, float("-inf"))), mask


def describe_causal_query(query_index: int, causal: bool = True) -> str:
    """The text the causal mask explorer shows: one query's weights over the keys, blocked keys named.

    Introduced in 08_masks.ipynb ("Explore").

    Raises:
        TypeError: ``query_index`` is not an int, or ``causal`` not a bool.
        ValueError: ``query_index`` is not from 0 to 8.
    """
    words = _course().words
    require_index("query_index", query_index, len(words))
    weights, mask = causal_weights(causal)
    row, allowed = weights[query_index].tolist(), mask[query_index].tolist()
    word = words[query_index]
    if causal:
        keys = f"keys 0 to {query_index}" if query_index else "key 0 only: itself"
        first = f"query {query_index}: {word!r}; causal mask on (it may attend to {keys})"
    else:
        first = f"query {query_index}: {word!r}; causal mask off (it may attend to every key)"
    cells = [f"{x:8.4f}" if ok else " blocked" for x, ok in zip(row, allowed, strict=True)]
    blocked = [w for w, ok in zip(words, allowed, strict=True) if not ok]
    if query_index == len(words) - 1:
        third = f"blocked keys: none ({word!r} is the last word: no later word to hide)"
    elif blocked:
        third = f"blocked keys (the words after {word!r}): {', '.join(blocked)}"
    else:
        future = sum(row[query_index + 1 :])
        third = f"blocked keys: none; weight on the later words (the future): {future:.4f}"
    return "\n".join(
        [
            first,
            "key     " + "".join(w[:7].rjust(8) for w in words),
            "weight  " + "".join(cells),
            third,
            f"sum of weights = {sum(row):.4f}",
        ]
    )


def causal_grid_picture(
    weights: torch.Tensor, mask: torch.Tensor, words: list[str], query_index: int
) -> str:
    """The ``(n, n)`` weights as an HTML grid: blocked cells striped grey, row ``query_index`` framed.

    The HTML twin of the heatmap in :func:`helpers.beyond_figures.causal_explorer_figure`.
    Introduced in 08_masks.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`helpers.beyond_figures.causal_explorer_figure`.
    """
    rows = _square_weights(weights, words)
    blocked = _blocked_cells(mask, len(words))
    require_index("query_index", query_index, len(words))
    high = max(max(row) for row in rows)
    parts = ['<table style="border-collapse:collapse;line-height:1"><tr><td></td>']
    for word in words:
        parts.append(
            '<td style="padding:0 1px 2px;text-align:center;font-size:9px">'
            f"{html.escape(word[:3])}</td>"
        )
    parts.append("</tr>")
    for i, row in enumerate(rows):
        framed = i == query_index
        frame = f"outline:2px solid {pictures.ORANGE};outline-offset:-1px;" if framed else ""
        weight = "font-weight:bold;" if framed else ""
        parts.append(
            f'<tr style="{frame}"><td style="padding:0 4px 0 0;text-align:right;font-size:10px;'
            f'{weight}">{html.escape(words[i])}</td>'
        )
        for value, is_blocked in zip(row, blocked[i], strict=True):
            if is_blocked:
                style, mark = f"background:{HATCH};color:{pictures.MUTED}", "×"
            else:
                background, _ = pictures.colour(value, 0.0, high)
                style, mark = f"background:{background}", ""
            parts.append(
                f'<td style="{style};min-width:16px;height:11px;padding:0;text-align:center;'
                f'font-size:9px">{mark}</td>'
            )
        parts.append("</tr>")
    parts.append("</table>")
    count = sum(map(sum, blocked))
    label = (
        f"Attention weights of {len(words)} words, rows = queries, columns = keys; "
        f"{count} blocked cells striped grey; the row of query {words[query_index]!r} is framed."
    )
    return (
        f'<div role="img" aria-label="{html.escape(label)}" style="{pictures.FONT}">'
        '<div style="font-size:11px;margin-bottom:2px">rows = queries, columns = keys</div>'
        + "".join(parts)
        + "</div>"
    )


def causal_mask_explorer() -> Explorer:
    """Switch the causal mask on and off and pick a query word; see its weights and blocked keys.

    The picture shows the course sentence's ``(9, 9)`` weights (blocked cells striped grey,
    the chosen query's row framed) and that row as bars (blocked keys marked ×); the text
    shows the row's weights to 4 decimals and names the blocked keys.
    Introduced in 08_masks.ipynb ("Explore").
    """
    words = _course().words
    query = _dropdown(
        "query-word",
        options=[(f"{index}: {word}", index) for index, word in enumerate(words)],
        value=3,
        description="Query word:",
    )
    causal = _checkbox(
        "causal-mask",
        "Causal mask (each word may attend only to itself and earlier words)",
        True,
    )
    explorer = Explorer(
        controls={"query": query, "causal": causal},
        text=_text_area(),
        picture=_picture_area(WEIGHTS_HEIGHT),
        fallback=(
            "[Causal mask explorer: switch the causal mask on and off and pick a query word "
            "to see which keys it may attend to. It needs a live kernel (JupyterLab or Binder); "
            "the picture below shows its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        index, on = query.value, causal.value
        weights, mask = causal_weights(on)
        row, allowed = weights[index].tolist(), mask[index].tolist()
        word = words[index]
        caption = f"weights of query '{word}' ({'causal mask' if on else 'no mask'})"
        shown = ", ".join(
            f"{w} {x:.2f}" if ok else f"{w} blocked"
            for w, x, ok in zip(words, row, allowed, strict=True)
        )
        bars = pictures.bar_chart(
            [w if ok else f"× {w}" for w, ok in zip(words, allowed, strict=True)],
            {"weight": row},
            top=1.0,
            title=caption,
            description=f"Weights of query {word!r} over the keys: {shown}.",
        )
        explorer.show(
            describe_causal_query(index, on),
            pictures.side_by_side(causal_grid_picture(weights, mask, words, index), bars),
            lambda: causal_explorer_figure(weights, mask, words, index, caption),
        )

    query.observe(update, names="value")
    causal.observe(update, names="value")
    update()
    return explorer


# --- 09_multi_head_attention.ipynb ------------------------------------------------------

HEADS_PICTURE_HEIGHT = "200px"
"""Height of the head explorer's picture: a 9 × 9 heatmap with numbers, labels and a title."""

AVERAGE = -1
"""The head explorer's choice "average of the heads" (what nn.MultiheadAttention returns by default)."""


def course_head_weights(causal: bool = False) -> tuple[list[str], torch.Tensor]:
    """The words and every head's weights ``(heads, 9, 9)`` of lesson 09's module, in float64.

    The module and input are :func:`helpers.multihead.course_example`'s (seed 123); float64
    keeps the printed decimals the same on every CPU. ``causal=True`` applies
    ``causal_mask(9)``. The notebook's random state is left untouched.
    Introduced in 09_multi_head_attention.ipynb ("Explore").

    Raises:
        TypeError: ``causal`` is not a bool.
    """
    from helpers.multihead import course_example

    if not isinstance(causal, bool):
        raise TypeError(f"causal must be True or False; got {describe(causal)}.")
    words, x, module = course_example()
    mask = causal_mask(len(words)) if causal else None
    with torch.no_grad():
        _, weights = module.double().attend(x.double(), mask)
    return words, weights[0]


def _describe_heads(words: list[str], weights: torch.Tensor, head: int, causal: bool) -> str:
    """The head explorer's text: for each query, its strongest key and that weight."""
    heads = weights.shape[0]
    chosen = weights.mean(0) if head == AVERAGE else weights[head]
    name = f"average of the {heads} heads" if head == AVERAGE else f"head {head} of {heads}"
    if causal:
        mask = "causal mask: uniform would be 1/(i + 1) for query i"
    else:
        mask = "no mask: uniform would be 1/9 = 0.111"
    lines = [
        f"{name} (d_head = {8 // heads}), {mask}",
        "query      strongest key   weight",
    ]
    for i, word in enumerate(words):
        top = int(chosen[i].argmax())
        lines.append(f"{word:<10} {words[top]:<15} {chosen[i, top].item():.3f}")
    return "\n".join(lines)


def head_explorer() -> Explorer:
    """Pick a head (or their average) and a mask; see that head's 9 × 9 weights and each query's strongest key.

    The weights are lesson 09's ``MultiHeadAttention(8, 4)`` on the course sentence
    (:func:`course_head_weights`). Introduced in 09_multi_head_attention.ipynb ("Explore").
    """
    from helpers.figures import heatmap_figure

    head = _dropdown(
        "head",
        options=[*((f"head {h}", h) for h in range(4)), ("average of the 4 heads", AVERAGE)],
        value=0,
        description="Head:",
    )
    causal = _checkbox(
        "causal",
        "Causal mask (each word sees only itself and earlier words)",
        False,
    )
    explorer = Explorer(
        controls={"head": head, "causal": causal},
        text=_text_area(),
        picture=_picture_area(HEADS_PICTURE_HEIGHT),
        fallback=(
            "[Head explorer: pick a head to see its attention weights. It needs a live kernel "
            "(JupyterLab or Binder); the picture below shows its starting state.]"
        ),
    )
    weights_by_mask = {flag: course_head_weights(flag) for flag in (False, True)}

    def update(_change: object = None) -> None:
        words, weights = weights_by_mask[causal.value]
        chosen = weights.mean(0) if head.value == AVERAGE else weights[head.value]
        name = "the average of the 4 heads" if head.value == AVERAGE else f"head {head.value}"
        title = f"{name}: rows = queries, columns = keys"
        top = max(float(chosen.max()), 1e-6)
        picture = pictures.heatmap(
            chosen,
            rows=words,
            columns=[word[:5] for word in words],
            number_format=".2f",
            low=0.0,
            high=top,
            cell=(34, 15),
            title=title,
            description=(
                f"Attention weights of {name}, 9 queries (rows) by 9 keys (columns), "
                f"from 0 to {top:.2f}."
            ),
        )
        explorer.show(
            _describe_heads(words, weights, head.value, causal.value),
            picture,
            lambda: heatmap_figure(
                chosen, words, words, title, row_title="query (row)", column_title="key (column)"
            ),
        )

    head.observe(update, names="value")
    causal.observe(update, names="value")
    update()
    return explorer


# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------

MASK_KINDS = ("none", "causal", "padding")
"""The mask explorer's masks: none, the causal mask, or the last 3 of 9 words as padding."""

MASK_PASSING = ("converted", "unchanged", "float -inf", "float 0/1")
"""How the mask explorer hands the course's mask (True = may attend) to nn.MultiheadAttention."""

PASSING_LABELS = {
    "converted": "~mask (True = blocked, what it expects)",
    "unchanged": "mask unchanged (True = may attend)",
    "float -inf": "float: 0 where allowed, -inf where blocked",
    "float 0/1": "float: mask.float() (1 and 0)",
}

PADDED_LENGTH = 6
"""In the mask explorer's padding example, the first 6 of the 9 words are real, the last 3 padding."""


def torch_mask(mask: torch.Tensor, passing: str) -> torch.Tensor:
    """The course mask ``mask`` (bool, True = may attend) as handed to ``nn.MultiheadAttention``.

    ``"converted"``: ``~mask``, True = blocked, the right boolean form; ``"unchanged"``: the
    course mask as it is (the classic mistake); ``"float -inf"``: an additive float mask,
    0 where allowed and ``-inf`` where blocked (right); ``"float 0/1"``: ``mask.float()``,
    added to the scores, so it blocks nothing (wrong). Float masks are float64, like the
    explorer's module. Introduced in 10_what_pytorch_does.ipynb ("Explore").

    Raises:
        TypeError: ``mask`` is not a boolean tensor.
        ValueError: ``passing`` is not one of ``MASK_PASSING``.
    """
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(f"mask must be a boolean tensor (True = may attend); got {describe(mask)}.")
    if passing not in MASK_PASSING:
        raise ValueError(f"passing must be one of {MASK_PASSING}; got {describe(passing)}.")
    if passing == "converted":
        return ~mask
    if passing == "unchanged":
        return mask
    if passing == "float -inf":
        return torch.zeros(mask.shape, dtype=torch.float64).masked_fill(~mask, float("-inf"))
    return mask.to(torch.float64)


def compare_with_torch(kind: str, passing: str) -> dict[str, object]:
    """Lesson 10's comparison: the course module with a ``kind`` mask against ``nn.MultiheadAttention``.

    Both modules hold the same weights (``torch.manual_seed(123)``, then
    ``nn.MultiheadAttention(8, 4, batch_first=True)``, copied into ``MultiHeadAttention``
    with ``load_from_torch``) and run in float64 on the course sentence. The course module
    gets the course mask; PyTorch gets it as ``passing`` says (:func:`torch_mask`), as
    ``attn_mask`` for the causal mask and as ``key_padding_mask (1, 9)`` for padding.
    Returns the words, both modules' head-0 weights ``(9, 9)``, the keys PyTorch blocks
    for query 'fox' (row 3), the largest absolute difference of the outputs (``nan`` if
    PyTorch's output holds NaN) and the queries whose output is NaN. PyTorch's weights come
    twice: with NaN as 0 (for the HTML picture) and as they are. The notebook's random
    state is left untouched. Introduced in 10_what_pytorch_does.ipynb ("Explore").

    Raises:
        ValueError: ``kind`` is not one of ``MASK_KINDS`` or ``passing`` not one of
            ``MASK_PASSING``.
    """
    from torch import nn

    from helpers.masks import padding_mask
    from helpers.multihead import MultiHeadAttention, course_example

    if kind not in MASK_KINDS:
        raise ValueError(f"kind must be one of {MASK_KINDS}; got {describe(kind)}.")
    if passing not in MASK_PASSING:
        raise ValueError(f"passing must be one of {MASK_PASSING}; got {describe(passing)}.")
    words, x, _ = course_example()
    n = len(words)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        reference = nn.MultiheadAttention(8, 4, batch_first=True).double().eval()
        ours = MultiHeadAttention(8, 4).double().load_from_torch(reference)  # draws, then loads
    x = x.double()
    if kind == "none":
        mask, passed, arguments = None, None, {}
    elif kind == "causal":
        mask = causal_mask(n)
        passed = torch_mask(mask, passing)
        arguments = {"attn_mask": passed}
    else:
        mask = padding_mask([PADDED_LENGTH], n)  # (1, 1, 9)
        passed = torch_mask(mask[:, 0], passing)  # (1, 9)
        arguments = {"key_padding_mask": passed}
    with torch.no_grad():
        expected, expected_weights = ours.attend(x, mask)
        output, weights = reference(x, x, x, average_attn_weights=False, **arguments)
    if passed is None:
        blocked = []
    else:
        row = passed[0] if kind == "padding" else passed[3]  # padding: (1, 9)
        is_blocked = row if row.dtype == torch.bool else torch.isneginf(row)
        blocked = [words[j] for j in range(n) if bool(is_blocked[j])]
    nan_queries = [words[i] for i in range(n) if bool(torch.isnan(output[0, i]).any())]
    difference = float("nan") if nan_queries else float((output - expected).abs().max())
    return {
        "words": words,
        "course_weights": expected_weights[0, 0],
        "torch_weights": torch.nan_to_num(weights[0, 0], nan=0.0),
        "torch_weights_with_nan": weights[0, 0],
        "blocked": blocked,
        "difference": difference,
        "nan_queries": nan_queries,
    }


def _describe_comparison(kind: str, passing: str, result: dict[str, object]) -> str:
    """The mask explorer's text: what PyTorch blocks, and whether the outputs agree."""
    kinds = {
        "none": "no mask",
        "causal": "causal mask, as attn_mask (9, 9)",
        "padding": f"padding mask (last {9 - PADDED_LENGTH} words are padding), as key_padding_mask (1, 9)",
    }
    lines = [f"mask: {kinds[kind]}"]
    if kind == "none":
        lines.append("passed as: nothing (the convention does not matter without a mask)")
    else:
        lines.append(f"passed as: {PASSING_LABELS[passing]}")
        blocked = result["blocked"]
        shown = ", ".join(blocked) if blocked else "nothing"
        lines.append(f"nn.MultiheadAttention blocks for query 'fox': {shown}")
        should = ["jumps", "over", "a", "lazy", "dog"] if kind == "causal" else ["a", "lazy", "dog"]
        lines.append(f"{'the course mask blocks for it:':<46}{', '.join(should)}")
    nan_queries = result["nan_queries"]
    difference = result["difference"]
    if nan_queries:
        lines.append(
            f"result: NaN for query {', '.join(map(repr, nan_queries))}: every key blocked "
            "(shown as 0 in the picture)"
        )
    elif difference < 1e-6:
        lines.append("result: same output as the course module (max |difference| < 1e-6)")
    else:
        lines.append(f"result: WRONG, max |difference| from the course module = {difference:.2f}")
    return "\n".join(lines)


def pytorch_mask_explorer() -> Explorer:
    """Choose a mask and how to hand it to ``nn.MultiheadAttention``; see whether it agrees with the course module.

    Two dropdowns: the mask (none, causal, padding) and how it is passed (``~mask``, the
    mask unchanged, an additive float mask with ``-inf``, or ``mask.float()``). The text
    says which keys PyTorch blocks for query 'fox' and whether the outputs agree; the
    picture shows head 0's weights from both modules side by side
    (:func:`compare_with_torch`). Introduced in 10_what_pytorch_does.ipynb ("Explore").
    """
    from helpers.beyond_figures import mask_comparison_figure

    kind = _dropdown(
        "mask-kind",
        options=[
            ("none", "none"),
            ("causal (no looking ahead)", "causal"),
            ("padding (last 3 words)", "padding"),
        ],
        value="causal",
        description="Mask:",
    )
    passing = _dropdown(
        "mask-passing",
        options=[(PASSING_LABELS[p], p) for p in MASK_PASSING],
        value="unchanged",
        description="Hand it to nn.MultiheadAttention as:",
        layout=widgets.Layout(width="560px"),
    )
    explorer = Explorer(
        controls={"kind": kind, "passing": passing},
        text=_text_area(),
        picture=_picture_area(HEADS_PICTURE_HEIGHT),
        fallback=(
            "[PyTorch mask explorer: choose a mask and how to pass it to nn.MultiheadAttention. "
            "It needs a live kernel (JupyterLab or Binder); the picture below shows its "
            "starting state.]"
        ),
    )
    results = {(k, p): compare_with_torch(k, p) for k in MASK_KINDS for p in MASK_PASSING}

    def update(_change: object = None) -> None:
        result = results[(kind.value, passing.value)]
        words = result["words"]
        labels = [word[:3] for word in words]
        mask = "no mask" if kind.value == "none" else f"the {kind.value} mask"
        passed = "" if kind.value == "none" else f" passed as {PASSING_LABELS[passing.value]}"
        panels = []
        for key, title, description in (
            (
                "course_weights",
                "course module (True = may attend)",
                f"the course module with {mask}",
            ),
            (
                "torch_weights",
                "nn.MultiheadAttention, as passed",
                f"nn.MultiheadAttention with {mask}{passed}"
                + (" (NaN rows shown as 0)" if result["nan_queries"] else ""),
            ),
        ):
            panels.append(
                pictures.heatmap(
                    result[key],
                    rows=words,
                    columns=labels,
                    low=0.0,
                    high=1.0,
                    cell=(18, 15),
                    title=f"{title}, head 0",
                    description=f"Head 0's attention weights, 9 by 9, from {description}.",
                )
            )
        explorer.show(
            _describe_comparison(kind.value, passing.value, result),
            pictures.side_by_side(*panels),
            lambda: mask_comparison_figure(
                result["course_weights"], result["torch_weights_with_nan"], words
            ),
        )

    kind.observe(update, names="value")
    passing.observe(update, names="value")
    update()
    return explorer


# --- 11_cost_of_attention.ipynb ---------------------------------------------------------


COST_EXPLORER_LENGTHS = (9, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)  # fmt: skip
"""Sequence lengths the cost explorer offers: our sentence's 9, then 16 to 131,072 doubling."""

COST_EXPLORER_HEADS = (1, 2, 4, 8, 12, 16, 32)
COST_EXPLORER_D_K = (2, 4, 8, 16, 32, 64, 128)
COURSE_LENGTH = 9
"""Our sentence's length: the explorer compares every length with it."""


def cost_parts(n: int, heads: int, d_k: int) -> tuple[dict[str, int], dict[str, int]]:
    """Bytes per head of each tensor of attention, and the multiply-adds of the whole layer.

    With ``d_v = d_k`` and ``d_model = heads × d_k``, batch 1, float32. The first dict maps
    Q, K, V, scores, weights and context to their bytes for one head; the second maps
    "projections" (Q, K, V from ``d_model``) and "attention" (QKᵀ and weights·V) to their
    multiply-adds over all heads. Introduced in 11_cost_of_attention.ipynb ("Explore").

    Raises:
        TypeError: a size is not an int.
        ValueError: a size is not positive.
    """
    from helpers.cost import (
        attention_multiply_adds,
        bytes_per_number,
        projection_multiply_adds,
        score_matrix_bytes,
    )

    for name, size in (("n", n), ("heads", heads), ("d_k", d_k)):
        require_size(name, size)
    vectors = n * d_k * bytes_per_number(torch.float32)
    scores = score_matrix_bytes(n)
    memory = {"Q": vectors, "K": vectors, "V": vectors, "scores": scores, "weights": scores}
    memory["context"] = vectors
    d_model = heads * d_k
    multiply_adds = {
        "projections": projection_multiply_adds(n, d_model, d_k, d_k, heads=heads),
        "attention": attention_multiply_adds(n, d_k, d_k, heads=heads),
    }
    return memory, multiply_adds


def describe_cost(n: int, heads: int, d_k: int) -> str:
    """The text the cost explorer shows: memory, multiply-adds, and the ratio to n = 9.

    Introduced in 11_cost_of_attention.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`cost_parts`.
    """
    from helpers.cost import human_bytes, score_matrix_bytes

    memory, multiply_adds = cost_parts(n, heads, d_k)
    d_model = heads * d_k
    per_head = human_bytes(memory["scores"])
    all_heads = (
        "" if heads == 1 else f", {human_bytes(heads * memory['scores'])} for all {heads} heads"
    )
    ratio = multiply_adds["attention"] / multiply_adds["projections"]
    crossing = d_model * 3 // 2
    if n < crossing:
        verdict = f"the projections dominate (equal at n = {crossing:,})"
    elif n > crossing:
        verdict = f"attention dominates (equal at n = {crossing:,})"
    else:
        verdict = "they are equal here"
    growth = score_matrix_bytes(n) / score_matrix_bytes(COURSE_LENGTH)
    heads_text = "1 head" if heads == 1 else f"{heads} heads"
    return "\n".join(
        [
            f"n = {n:,} tokens, {heads_text} of d_k = d_v = {d_k} (d_model = {d_model:,}), "
            "batch 1, float32",
            f"score matrix: {n:,} × {n:,} × 4 B = {per_head} per head{all_heads}",
            f"multiply-adds of attention (QKᵀ and weights·V): {multiply_adds['attention']:,}",
            f"multiply-adds of the projections (Q, K, V): {multiply_adds['projections']:,}",
            f"attention ÷ projections = 2n ÷ (3 d_model) = {ratio:,.2f}: {verdict}",
            f"compared with n = {COURSE_LENGTH} (our sentence) and the same sizes: "
            f"× {growth:,.1f} memory and attention multiply-adds",
        ]
    )


def cost_picture(n: int, heads: int, d_k: int) -> str:
    """The cost explorer's live picture: memory per head of each tensor, and multiply-adds.

    The HTML twin of :func:`helpers.beyond_figures.cost_explorer_figure`. Introduced in
    11_cost_of_attention.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`cost_parts`.
    """
    from helpers.cost import human_bytes

    memory, multiply_adds = cost_parts(n, heads, d_k)
    bars = pictures.bar_chart(
        list(memory),
        {"bytes per head": list(memory.values())},
        number_format=None,
        title=f"memory per head at n = {n:,} (float32, bars to scale)",
        description=f"Memory per head at n = {n:,}: "
        + ", ".join(f"{name} {human_bytes(size)}" for name, size in memory.items())
        + ".",
    )
    work = pictures.bar_chart(
        list(multiply_adds),
        {"multiply-adds": list(multiply_adds.values())},
        colours=(pictures.ORANGE,),
        number_format=".3g",
        title="multiply-adds, all heads",
        description="Multiply-adds of all heads: "
        + ", ".join(f"{name} {count:,}" for name, count in multiply_adds.items())
        + ".",
    )
    return pictures.side_by_side(bars, work)


def cost_explorer(n: int = 512, heads: int = 8, d_k: int = 64) -> Explorer:
    """Pick a sequence length, a number of heads and d_k; see what attention costs.

    Starts at the original Transformer's sizes (8 heads of 64, d_model = 512) and 512
    tokens. Introduced in 11_cost_of_attention.ipynb ("Explore").

    Raises:
        ValueError: ``n``, ``heads`` or ``d_k`` is not one of its slider's values.
    """
    from helpers.beyond_figures import cost_explorer_figure

    choices = (
        ("n", "sequence length n (tokens):", COST_EXPLORER_LENGTHS, n),
        ("heads", "heads:", COST_EXPLORER_HEADS, heads),
        ("d_k", "d_k = d_v (per head):", COST_EXPLORER_D_K, d_k),
    )
    for name, _, options, value in choices:
        if isinstance(value, bool) or not isinstance(value, int) or value not in options:
            raise ValueError(
                f"{name} must be one of the slider's values {options}; got {describe(value)}."
            )
    controls = {}
    for name, label, options, value in choices:
        slider = widgets.SelectionSlider(
            options=[(f"{option:,}", option) for option in options],
            value=value,
            description=label,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="480px"),
        )
        slider.add_class(f"course-{name.replace('_', '-')}")
        controls[name] = slider
    explorer = Explorer(
        controls=controls,
        text=_text_area(),
        picture=_picture_area(),
        fallback=(
            "[Cost explorer: pick a sequence length, heads and d_k to see the memory and the "
            "multiply-adds of attention. It needs a live kernel (JupyterLab or Binder); the "
            "picture below shows its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        size, count, width = (controls[k].value for k in ("n", "heads", "d_k"))
        memory, multiply_adds = cost_parts(size, count, width)
        explorer.show(
            describe_cost(size, count, width),
            cost_picture(size, count, width),
            lambda: cost_explorer_figure(memory, multiply_adds, size),
        )

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return explorer


# --- 12_watching_attention_learn.ipynb --------------------------------------------------

TRAINING_RECORD_EVERY = 10
"""The training explorer shows a checkpoint every 10 steps (0, 10, ..., 200)."""

TRAINING_SEQUENCES = 4
"""The training explorer offers the first 4 held-out sequences."""


def _training_checkpoint(step: int) -> object:
    from helpers import training

    run = training.lesson_run(TRAINING_RECORD_EVERY)
    steps = [c.step for c in run.checkpoints]
    if isinstance(step, bool) or not isinstance(step, int):
        raise TypeError(
            f"step must be an int, one of the recorded steps {steps}; got {describe(step)}."
        )
    for checkpoint in run.checkpoints:
        if checkpoint.step == step:
            return checkpoint
    raise ValueError(f"step must be one of the recorded steps {steps}; got {describe(step)}.")


def _require_sequence(sequence: int) -> int:
    """``sequence`` if it picks one of the explorer's first held-out sequences, else raise."""
    return require_index("sequence", sequence, TRAINING_SEQUENCES)


def describe_training(step: int, sequence: int = 0) -> str:
    """The text the training explorer shows: the held-out numbers at ``step``, one sequence.

    ``sequence`` picks one of the first held-out sequences; its tokens, targets and the
    model's predictions at that step are listed. Introduced in
    12_watching_attention_learn.ipynb ("Explore").

    Raises:
        TypeError: ``step`` or ``sequence`` is not an int.
        ValueError: ``step`` is not a recorded step, or ``sequence`` is out of range.
    """
    from helpers import training

    _require_sequence(sequence)
    checkpoint = _training_checkpoint(step)
    start = training.lesson_run(TRAINING_RECORD_EVERY).checkpoints[0]
    _, held_out = training.lesson_data()
    tokens = held_out[sequence]
    targets = training.previous_token_targets(tokens)
    predicted = checkpoint.predictions[sequence]
    right = int((predicted == targets).sum())

    def letters(ids: torch.Tensor) -> str:
        return "  ".join(training.TOKENS[i] for i in ids.tolist())

    return "\n".join(
        [
            f"after {step} of {training.STEPS} training steps (Adam, learning rate "
            f"{training.LEARNING_RATE:g}, batches of {training.BATCH_SIZE} sequences)",
            f"held-out sequences: loss {checkpoint.loss:.3f}   accuracy {checkpoint.accuracy:.3f}"
            f"   mean weight on the previous position {checkpoint.correct_weight:.3f}",
            f"(at step 0 that weight was {start.correct_weight:.3f}, about 1/6; "
            "the perfect pattern gives 1)",
            f"sequence   {letters(tokens)}",
            f"target     {letters(targets)}   (each token's previous one)",
            f"predicted  {letters(predicted)}   ({right} of {len(tokens)} right)",
        ]
    )


def training_picture(step: int, sequence: int = 0) -> str:
    """One held-out sequence's attention weights at ``step`` as an HTML heatmap (0 to 1).

    Introduced in 12_watching_attention_learn.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`describe_training`.
    """
    from helpers import training

    _require_sequence(sequence)
    checkpoint = _training_checkpoint(step)
    _, held_out = training.lesson_data()
    labels = training.token_labels(held_out[sequence])
    weights = checkpoint.weights[sequence]
    previous = [weights[i, (i - 1) % len(labels)].item() for i in range(len(labels))]
    return pictures.heatmap(
        weights,
        rows=labels,
        columns=labels,
        title=f"attention weights at step {step} (rows = queries, columns = keys)",
        number_format=".2f",
        low=0.0,
        high=1.0,
        cell=(34, 16),
        description=(
            f"Attention weights at step {step} for the sequence "
            f"{' '.join(label[-1] for label in labels)}, rows = queries, columns = keys; "
            "weight of each query on the previous position: "
            + ", ".join(f"{label} {w:.2f}" for label, w in zip(labels, previous, strict=True))
            + "."
        ),
    )


def training_explorer() -> Explorer:
    """Slide through the training run; see the attention pattern form, checkpoint by checkpoint.

    The lesson's model is trained once when the explorer is built (about 0.2 s), with a
    checkpoint every ``TRAINING_RECORD_EVERY`` steps; moving a control only looks a
    checkpoint up. Introduced in 12_watching_attention_learn.ipynb ("Explore").
    """
    from helpers import training
    from helpers.beyond_figures import checkpoint_figure

    run = training.lesson_run(TRAINING_RECORD_EVERY)
    _, held_out = training.lesson_data()
    step = widgets.SelectionSlider(
        options=[(str(c.step), c.step) for c in run.checkpoints],
        value=0,
        description="Training step:",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="480px"),
    )
    step.add_class("course-training-step")
    sequence = _dropdown(
        "sequence",
        options=[
            (f"{k + 1}. " + " ".join(training.TOKENS[i] for i in held_out[k].tolist()), k)
            for k in range(TRAINING_SEQUENCES)
        ],
        value=0,
        description="Held-out sequence:",
    )
    explorer = Explorer(
        controls={"step": step, "sequence": sequence},
        text=_text_area(),
        picture=_picture_area("150px"),
        fallback=(
            "[Training explorer: slide through the training steps to watch the attention "
            "pattern form. It needs a live kernel (JupyterLab or Binder); the picture below "
            "shows its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        at, k = step.value, sequence.value
        weights = _training_checkpoint(at).weights[k]
        labels = training.token_labels(held_out[k])
        explorer.show(
            describe_training(at, k),
            training_picture(at, k),
            lambda: checkpoint_figure(weights, labels, at),
        )

    step.observe(update, names="value")
    sequence.observe(update, names="value")
    update()
    return explorer


# --- 13_a_real_models_attention.ipynb ---------------------------------------------------


def _real_head(layer: int, head: int) -> tuple[list[str], torch.Tensor]:
    """The course sentence's tokens and one head's ``(n, n)`` weights in all-MiniLM-L6-v2."""
    from helpers import real_model

    layer, head = real_model.require_layer_head(layer, head)
    run = real_model.run_model()
    return run.tokens, run.attentions[layer, head]


def describe_real_head(layer: int, head: int) -> str:
    """The text the real model explorer shows: each token's strongest key, and where weight goes.

    For one head of all-MiniLM-L6-v2 on the course sentence: the key each query token
    gives the most weight (2 decimals), then the mean weight on ``[CLS]``, on ``[SEP]``, on
    the token itself, on the previous and on the next token. Introduced in
    13_a_real_models_attention.ipynb ("Explore").

    Raises:
        TypeError: ``layer`` or ``head`` is not an int.
        ValueError: ``layer`` is not from 0 to 5, or ``head`` not from 0 to 11.
    """
    from helpers import real_model

    tokens, weights = _real_head(layer, head)
    pairs = [f"{q}→{k} {w:.2f}" for q, k, w in real_model.strongest_keys(weights, tokens)]
    lines = [
        f"layer {layer}, head {head} of all-MiniLM-L6-v2 (rows = queries, columns = keys)",
        "each token's strongest key and its weight:",
    ]
    lines += ["  " + "   ".join(pairs[k : k + 4]) for k in range(0, len(pairs), 4)]
    n = len(tokens)
    rows = weights.tolist()
    means = {
        "[CLS]": sum(row[0] for row in rows) / n,
        "[SEP]": sum(row[-1] for row in rows) / n,
        "itself": sum(rows[i][i] for i in range(n)) / n,
        "the previous token": sum(rows[i][i - 1] for i in range(1, n)) / (n - 1),
        "the next token": sum(rows[i][i + 1] for i in range(n - 1)) / (n - 1),
    }
    shown = [f"on {name} {value:.2f}" for name, value in means.items()]
    lines.append("mean weight " + ", ".join(shown[:3]) + ",")
    lines.append("            " + ", ".join(shown[3:]))
    return "\n".join(lines)


def real_head_picture(layer: int, head: int) -> str:
    """One head's weights on the course sentence as an HTML heatmap (0 to 1, 2 decimals).

    The HTML twin of the explorer's snapshot (:func:`helpers.figures.heatmap_figure`).
    Introduced in 13_a_real_models_attention.ipynb ("Explore").

    Raises:
        TypeError, ValueError: as :func:`describe_real_head`.
    """
    from helpers import real_model

    tokens, weights = _real_head(layer, head)
    strongest = real_model.strongest_keys(weights, tokens)
    return pictures.heatmap(
        weights,
        rows=tokens,
        columns=[token.strip("[]")[:5] for token in tokens],
        title=f"layer {layer}, head {head}: rows = queries, columns = keys",
        number_format=".2f",
        low=0.0,
        high=1.0,
        cell=(30, 13),
        description=(
            f"Attention weights of layer {layer}, head {head} of all-MiniLM-L6-v2 on the "
            f"{len(tokens)} tokens of the course sentence, rows = queries, columns = keys; "
            "strongest key of each query: "
            + ", ".join(f"{q} {k} {w:.2f}" for q, k, w in strongest)
            + "."
        ),
    )


def real_model_explorer() -> Explorer:
    """Pick a layer and a head of a real trained model; see its attention on the course sentence.

    The model (all-MiniLM-L6-v2) runs once on the course sentence when the explorer is
    built (cached: the lesson has already run it); a control only picks a stored head.
    Introduced in 13_a_real_models_attention.ipynb ("Explore").
    """
    from helpers import real_model
    from helpers.figures import heatmap_figure

    run = real_model.run_model()
    layer = _dropdown(
        "layer",
        options=[(str(i), i) for i in range(real_model.LAYERS)],
        value=0,
        description="Layer:",
    )
    head = _dropdown(
        "head",
        options=[(str(i), i) for i in range(real_model.HEADS)],
        value=2,
        description="Head:",
    )
    explorer = Explorer(
        controls={"layer": layer, "head": head},
        text=_text_area(),
        picture=_picture_area("230px"),
        fallback=(
            "[Real model explorer: pick a layer and a head of all-MiniLM-L6-v2 to see its "
            "attention weights on the course sentence. It needs a live kernel (JupyterLab or "
            "Binder); the picture below shows its starting state.]"
        ),
    )

    def update(_change: object = None) -> None:
        at, h = layer.value, head.value
        weights = run.attentions[at, h]
        explorer.show(
            describe_real_head(at, h),
            real_head_picture(at, h),
            lambda: heatmap_figure(
                weights,
                run.tokens,
                run.tokens,
                f"all-MiniLM-L6-v2, layer {at}, head {h}",
                row_title="query token (row)",
                column_title="key token (column)",
            ),
        )

    layer.observe(update, names="value")
    head.observe(update, names="value")
    update()
    return explorer
