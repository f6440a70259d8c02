"""Lesson 10, what PyTorch does: its picture, its mask explorer and its exercise checks.

The reference is PyTorch itself: ``nn.MultiheadAttention`` built here, from the same seed,
with the mask passed the way PyTorch documents it; expected texts are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from course import figure_text, picture_labels, picture_text
from torch import nn

from helpers.lessons import l10_what_pytorch_does as lesson
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import course_example
from helpers.ui.pictures import figure

WORDS = ["The", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]

RIGHT_ANSWERS = {
    "check_key_rows": lambda: slice(8, 16),
    "check_key_padding_mask": lambda: torch.arange(9)[None, :] >= torch.tensor([[9], [5]]),
    # NumPy, not a tensor: test_toolkit.py would also try an int32 form, which cannot hold -inf
    # (test_check_additive_causal_mask checks the tensor forms).
    "check_additive_causal_mask": lambda: np.triu(np.full((9, 9), -np.inf), k=1),
    "check_cross_attention": lambda: cross_attention().detach(),
}
"""The right answer of each exercise, computed without helpers (tests/test_toolkit.py)."""


def pytorch_weights(**mask: torch.Tensor) -> torch.Tensor:
    """Head 0's weights (9, 9) of nn.MultiheadAttention(8, 4) seeded 123, on the course input."""
    from helpers.multihead import course_example

    _, x, _ = course_example()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        module = nn.MultiheadAttention(8, 4, batch_first=True).double().eval()
    with torch.no_grad():
        x = x.double()
        return module(x, x, x, average_attn_weights=False, **mask)[1][0, 0]


# ---- picture ---------------------------------------------------------------------------


def test_in_proj_figure_shows_the_stacked_weights_with_their_blocks() -> None:
    torch.manual_seed(123)
    weight = nn.MultiheadAttention(8, 4, batch_first=True).in_proj_weight.detach()  # (24, 8)
    fig = lesson.in_proj_figure(weight, 8)
    text = figure_text(fig)
    for label in ("query\nrows 0-7", "key\nrows 8-15", "value\nrows 16-23"):
        assert label in text
    shown = [t.get_text() for t in fig.axes[0].texts if t.get_text().lstrip("-")[:1].isdigit()]
    assert shown == [f"{v:.2f}".replace("-0.00", "0.00") for v in weight.flatten().tolist()]
    lines = [line.get_ydata()[0] for line in fig.axes[0].get_lines()]
    assert lines == [8, 16], "orange lines between the query, key and value blocks"
    assert "in_proj_weight: three nn.Linear weights stacked" in text and "in 7" in text


# ---- the mask explorer's computation ---------------------------------------------------


def test_torch_mask_conversions() -> None:
    mask = causal_mask(3)
    assert torch.equal(lesson.torch_mask(mask, "converted"), ~mask)
    assert lesson.torch_mask(mask, "unchanged") is mask
    additive = lesson.torch_mask(mask, "float -inf")
    assert additive.dtype == torch.float64 and torch.isneginf(additive).equal(~mask)
    assert torch.equal(lesson.torch_mask(mask, "float 0/1"), mask.double())


@pytest.mark.parametrize("kind", lesson.MASK_KINDS)
@pytest.mark.parametrize("passing", lesson.MASK_PASSING)
def test_compare_with_torch(kind: str, passing: str) -> None:
    result = lesson.compare_with_torch(kind, passing)
    right = kind == "none" or passing in ("converted", "float -inf")
    if right:
        assert result["difference"] < 1e-12 and not result["nan_queries"]
        torch.testing.assert_close(result["course_weights"], result["torch_weights"])
    else:
        assert result["nan_queries"] or result["difference"] > 0.1
    if kind == "causal" and passing == "unchanged":
        assert result["nan_queries"] == ["dog"]
        assert torch.isnan(result["torch_weights_with_nan"][8]).all()


def test_the_course_module_gives_pytorchs_weights_with_pytorchs_convention() -> None:
    """Independently of the lesson: PyTorch told True = blocked gives the course's weights."""
    causal = lesson.compare_with_torch("causal", "converted")["course_weights"]
    torch.testing.assert_close(causal, pytorch_weights(attn_mask=~causal_mask(9)))
    padding = lesson.compare_with_torch("padding", "converted")["course_weights"]
    blocked = torch.arange(9)[None, :] >= 6  # (1, 9), True = padding
    torch.testing.assert_close(padding, pytorch_weights(key_padding_mask=blocked))


def test_compare_with_torch_leaves_the_random_state_alone() -> None:
    lesson.compare_with_torch.cache_clear()
    lesson._modules.cache_clear()
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    lesson.compare_with_torch("causal", "converted")
    assert torch.equal(torch.random.get_rng_state(), before)


# ---- the explorer ----------------------------------------------------------------------

PADDING_TEXT = "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\n"
CAUSAL_TEXT = "mask: causal mask, as attn_mask (9, 9)\n"
SHOULD_CAUSAL = "the course mask blocks for it:                jumps, over, a, lazy, dog\n"
SHOULD_PADDING = "the course mask blocks for it:                a, lazy, dog\n"
SAME = "result: same output as the course module (max |difference| < 1e-6)"
COURSE = "Head 0's attention weights, 9 by 9, from the course module with "
TORCH = "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with "


def test_drive_pytorch_mask_explorer() -> None:
    explorer = lesson.pytorch_mask_explorer()
    kind, passing = explorer.controls["kind"], explorer.controls["passing"]
    assert isinstance(kind, widgets.Dropdown) and isinstance(passing, widgets.Dropdown)
    assert kind.options == (
        ("none", "none"), ("causal (no looking ahead)", "causal"), ("padding (last 3 words)", "padding")
    )  # fmt: skip
    assert [label for label, _ in passing.options] == [
        "~mask (True = blocked, what it expects)",
        "mask unchanged (True = may attend)",
        "float: 0 where allowed, -inf where blocked",
        "float: mask.float() (1 and 0)",
    ]
    assert explorer.picture.layout.height == "200px" and passing.layout.width == "560px"

    def labels() -> list[str]:
        return picture_labels(explorer.picture.value)

    def panels() -> tuple[torch.Tensor, torch.Tensor]:
        course, reference = explorer.view.picture.parts
        return (torch.tensor(course.values, dtype=torch.float64),
                torch.tensor(reference.values, dtype=torch.float64))  # fmt: skip

    assert explorer.shown_text() == (
        CAUSAL_TEXT + "passed as: mask unchanged (True = may attend)\n"
        "nn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox\n"
        + SHOULD_CAUSAL
        + "result: NaN for query 'dog': every key blocked (shown as 0 in the picture)"
    )
    assert labels() == [
        COURSE + "the causal mask.",
        TORCH
        + "the causal mask passed as mask unchanged (True = may attend) (NaN rows shown as 0).",
    ]
    text = picture_text(explorer.picture.value)
    assert "course module (True = may attend), head 0" in text and "laz" in text
    course, reference = panels()
    torch.testing.assert_close(course, pytorch_weights(attn_mask=~causal_mask(9)))
    assert reference[8].eq(0).all() and reference[3, :4].eq(0).all(), "'dog' NaN, 'fox' blocked"
    torch.testing.assert_close(reference[:8], pytorch_weights(attn_mask=causal_mask(9))[:8])

    passing.value = "converted"
    assert explorer.shown_text() == (
        CAUSAL_TEXT + "passed as: ~mask (True = blocked, what it expects)\n"
        "nn.MultiheadAttention blocks for query 'fox': jumps, over, a, lazy, dog\n"
        + SHOULD_CAUSAL
        + SAME
    )
    assert labels()[1] == (
        TORCH + "the causal mask passed as ~mask (True = blocked, what it expects)."
    )
    torch.testing.assert_close(*panels())

    kind.value = "padding"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: ~mask (True = blocked, what it expects)\n"
        "nn.MultiheadAttention blocks for query 'fox': a, lazy, dog\n" + SHOULD_PADDING + SAME
    )
    assert labels()[0] == COURSE + "the padding mask."
    assert panels()[0][:, 6:].eq(0).all(), "no weight on the padding"

    passing.value = "unchanged"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: mask unchanged (True = may attend)\n"
        "nn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox, jumps, over\n"
        + SHOULD_PADDING
        + "result: WRONG, max |difference| from the course module = 0.67"
    )
    assert panels()[1][:, :6].eq(0).all(), "PyTorch blocks the real words instead"

    passing.value = "float 0/1"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: float: mask.float() (1 and 0)\n"
        "nn.MultiheadAttention blocks for query 'fox': nothing\n"
        + SHOULD_PADDING
        + "result: WRONG, max |difference| from the course module = 0.15"
    )
    assert labels()[1] == TORCH + "the padding mask passed as float: mask.float() (1 and 0)."

    passing.value = "float -inf"
    assert explorer.shown_text().splitlines()[1:3] == [
        "passed as: float: 0 where allowed, -inf where blocked",
        "nn.MultiheadAttention blocks for query 'fox': a, lazy, dog",
    ]
    assert explorer.shown_text().endswith(SAME)

    kind.value = "none"
    assert explorer.shown_text() == (
        "mask: no mask\npassed as: nothing (the convention does not matter without a mask)\n" + SAME
    )
    assert labels() == [COURSE + "no mask.", TORCH + "no mask."]
    torch.testing.assert_close(panels()[0], pytorch_weights())

    kind.value = "causal"
    assert explorer.shown_text().splitlines()[1] == (
        "passed as: float: 0 where allowed, -inf where blocked"
    )
    assert explorer.shown_text().endswith(SAME)
    passing.value = "unchanged"
    assert explorer.shown_text().endswith("(shown as 0 in the picture)")


# ---- exercises -------------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_key_rows() -> None:
    check = lesson.check_key_rows
    assert verdict(check, slice(8, 16)).startswith("Correct! in_proj_weight[8:16]")
    assert verdict(check, range(8, 16)).startswith("Correct!")
    assert verdict(check, (8, 16)).startswith("Correct!")
    assert "hold the query weight (W_Q)" in verdict(check, slice(0, 8))
    assert "hold the value weight (W_V)" in verdict(check, slice(16, 24))
    assert "a slice's stop is excluded" in verdict(check, slice(8, 15))
    assert "are not one block of 8 rows" in verdict(check, slice(4, 12))
    assert "give the rows as a slice" in verdict(check, 8)
    assert "give the rows as a slice" in verdict(check, slice(8, 16, 2))
    assert "rows 8 to 23 hold the key weight and the value weight" in verdict(check, slice(8, None))
    assert "hold the query weight" in verdict(check, slice(None, 8))
    torch.manual_seed(123)
    weight = nn.MultiheadAttention(8, 4, batch_first=True).in_proj_weight
    assert torch.equal(weight[RIGHT_ANSWERS["check_key_rows"]()], weight[8:16])


def test_check_key_padding_mask() -> None:
    check = lesson.check_key_padding_mask
    course = padding_mask([9, 5])
    assert verdict(check, ~course[:, 0]).startswith("Correct! True marks the 4 padding words")
    assert verdict(check, ~course.squeeze(1)).startswith("Correct!")
    assert "True and False are swapped" in verdict(check, course[:, 0])
    assert "yours is (2, 1, 9), the course's shape" in verdict(check, ~course)
    assert "yours is (9,)" in verdict(check, ~course[1, 0])
    assert "dtype torch.float32" in verdict(check, (~course[:, 0]).float())
    assert "does not mark the last 4 words" in verdict(check, torch.zeros(2, 9, dtype=torch.bool))
    assert "you gave None" in verdict(check, None)


def test_check_additive_causal_mask() -> None:
    check = lesson.check_additive_causal_mask
    allowed = causal_mask(9)
    right = torch.zeros(9, 9).masked_fill(~allowed, float("-inf"))
    for form in (
        right,
        right.double(),
        right.numpy(),
        right.tolist(),
        right.clone().requires_grad_(),
    ):
        assert verdict(check, form).startswith("Correct! 0 keeps a score"), type(form)
    assert verdict(check, right + 5e-5).startswith("Correct!"), "0 within 1e-4"
    assert "this is mask.float()" in verdict(check, allowed.float())
    assert "the mask is inverted" in verdict(
        check, torch.zeros(9, 9).masked_fill(allowed, float("-inf"))
    )
    assert "add 0" in verdict(check, right + 1)
    assert "exactly above the diagonal" in verdict(check, torch.zeros(9, 9))
    assert "an additive mask holds floats" in verdict(check, allowed)
    assert "an additive mask holds floats" in verdict(check, right.int())
    assert "your answer has shape (8, 8)" in verdict(check, right[:8, :8])
    assert "holds NaN" in verdict(check, torch.full((9, 9), float("nan")))
    # Lesson 08's finite masks: the most negative float32, or -1e9, block as -inf does.
    for lowest in (torch.finfo(torch.float32).min, -1e9):
        finite = torch.zeros(9, 9).masked_fill(~allowed, lowest)
        assert verdict(check, finite).startswith(
            "Correct! 0 keeps a score, and a number as negative"
        )
    assert "-10 is not negative enough" in verdict(
        check, torch.zeros(9, 9).masked_fill(~allowed, -10.0)
    )
    assert "your answer has shape (1,)" in verdict(check, [0.0])


# ---- bad input -------------------------------------------------------------------------

BAD_INPUT = [
    (lambda: lesson.in_proj_figure(torch.zeros(24), 8), TypeError, "in_proj_weight must be a 2-D tensor of numbers; got tensor("),
    (lambda: lesson.in_proj_figure(torch.zeros(24, 8), 4), ValueError, "in_proj_weight must have shape (3 * d_model, d_model) = (12, 4); got (24, 8)"),
    (lambda: lesson.in_proj_figure(torch.zeros(24, 8), "8"), TypeError, "d_model must be a positive int; got '8' (type str)"),
]  # fmt: skip


def test_a_nan_row_is_drawn_as_the_text_says() -> None:
    """The mask explorer's text says a NaN row is 'shown as 0 in the picture': the picture's
    cells for that query hold 0, and no 'nan' appears in what the picture shows."""
    view = lesson.render_mask("causal", "unchanged")
    assert "NaN for query 'dog'" in view.text and "shown as 0 in the picture" in view.text
    _, pytorch = view.picture.parts
    assert pytorch.values[8] == [0.0] * 9
    assert "nan" not in picture_text(view.picture.html()).lower()
    assert "nan" not in figure_text(figure(view.picture)).lower(), "the snapshot too"


def cross_attention() -> torch.Tensor:
    """Exercise 4's answer: the lesson's torch_mha rebuilt here as the notebook builds it, with
    the 9 words attending to x[:, 6:]."""
    _words, x, _module = course_example()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        mha = nn.MultiheadAttention(embed_dim=8, num_heads=4, batch_first=True)
        with torch.no_grad():
            mha.in_proj_bias.normal_(std=0.1)
            mha.out_proj.bias.normal_(std=0.1)
    memory = x[:, 6:]
    return mha(x, memory, memory)[0]  # (1, 9, 8), still with its grad_fn


def test_check_cross_attention() -> None:
    check = lesson.check_cross_attention
    right = cross_attention()
    for form in (right, right.detach().numpy(), right.tolist(), right.double()):
        assert verdict(check, form).startswith(
            "Correct! each of the 9 words gets a mix of the 3"
        ), type(form)
    _words, x, _module = course_example()
    torch_mha = lesson._lesson_mha()[1]
    with torch.no_grad():
        assert "that is self-attention over all 9 words" in verdict(check, torch_mha(x, x, x)[0])
        assert "the memory asked" in verdict(check, torch_mha(x[:, 6:], x, x)[0])
        weights = torch_mha(x, x[:, 6:], x[:, 6:])[1]
    assert "these are the attention weights" in verdict(check, weights)
    assert "has shape (1, 9, 8)" in verdict(check, right[0])
    assert "this is not torch_mha's output" in verdict(check, right + 1)
