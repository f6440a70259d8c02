"""Lesson 10 (what PyTorch does): its exercise checks, its mask explorer and its pictures."""

from __future__ import annotations

import pytest
import torch

import helpers.beyond_exercises as beyond_exercises
from helpers.beyond_explorers import (
    MASK_KINDS,
    MASK_PASSING,
    compare_with_torch,
    course_head_weights,
    pytorch_mask_explorer,
    torch_mask,
)
from helpers.beyond_figures import heads_figure, in_proj_figure, mask_comparison_figure
from helpers.figures import render_png
from helpers.html_pictures import picture_labels
from helpers.masks import causal_mask, padding_mask


def verdict(check, answer) -> str:
    return check(answer).message


def test_check_key_rows() -> None:
    check = beyond_exercises.check_key_rows
    assert verdict(check, slice(8, 16)).startswith("Correct! in_proj_weight[8:16]")
    assert verdict(check, range(8, 16)).startswith("Correct!")
    assert verdict(check, (8, 16)).startswith("Correct!")
    assert "hold the query weight (W_Q)" in verdict(check, slice(0, 8))
    assert "hold the value weight (W_V)" in verdict(check, slice(16, 24))
    assert "a slice's stop is excluded" in verdict(check, slice(8, 15))
    assert "are not one block of 8 rows" in verdict(check, slice(4, 12))
    assert "give the rows as a slice" in verdict(check, 8)
    assert "give the rows as a slice" in verdict(check, slice(8, 16, 2))


def test_check_key_padding_mask() -> None:
    check = beyond_exercises.check_key_padding_mask
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
    check = beyond_exercises.check_additive_causal_mask
    allowed = causal_mask(9)
    right = torch.zeros(9, 9).masked_fill(~allowed, float("-inf"))
    assert verdict(check, right).startswith("Correct! 0 keeps a score")
    assert verdict(check, right.double()).startswith("Correct!")
    assert "this is mask.float()" in verdict(check, allowed.float())
    assert "the mask is inverted" in verdict(
        check, torch.zeros(9, 9).masked_fill(allowed, float("-inf"))
    )
    assert "add 0" in verdict(check, right + 1)
    assert "exactly above the diagonal" in verdict(check, torch.zeros(9, 9))
    assert "an additive mask holds floats" in verdict(check, allowed)
    assert "yours is (8, 8)" in verdict(check, right[:8, :8])
    assert "holds NaN" in verdict(check, torch.full((9, 9), float("nan")))
    assert "you gave [0.0]" in verdict(check, [0.0])


# ---- the mask explorer's computation ----


def test_torch_mask_conversions() -> None:
    mask = causal_mask(3)
    assert torch.equal(torch_mask(mask, "converted"), ~mask)
    assert torch_mask(mask, "unchanged") is mask
    additive = torch_mask(mask, "float -inf")
    assert additive.dtype == torch.float64 and torch.isneginf(additive).equal(~mask)
    assert torch.equal(torch_mask(mask, "float 0/1"), mask.double())


@pytest.mark.parametrize("kind", MASK_KINDS)
@pytest.mark.parametrize("passing", MASK_PASSING)
def test_compare_with_torch(kind: str, passing: str) -> None:
    result = compare_with_torch(kind, passing)
    right = kind == "none" or passing in ("converted", "float -inf")
    if right:
        assert result["difference"] < 1e-12 and not result["nan_queries"]
        torch.testing.assert_close(result["course_weights"], result["torch_weights"])
    else:
        assert result["nan_queries"] or result["difference"] > 0.1
    if kind == "causal" and passing == "unchanged":
        assert result["nan_queries"] == ["dog"]
        assert torch.isnan(result["torch_weights_with_nan"][8]).all()


def test_compare_with_torch_leaves_the_random_state_alone() -> None:
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    compare_with_torch("causal", "converted")
    assert torch.equal(torch.random.get_rng_state(), before)


PADDING_TEXT = "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\n"
CAUSAL_TEXT = "mask: causal mask, as attn_mask (9, 9)\n"
SHOULD_CAUSAL = "the course mask blocks for it:                jumps, over, a, lazy, dog\n"
SHOULD_PADDING = "the course mask blocks for it:                a, lazy, dog\n"
SAME = "result: same output as the course module (max |difference| < 1e-6)"


def test_drive_pytorch_mask_explorer() -> None:
    explorer = pytorch_mask_explorer()
    kind, passing = explorer.controls["kind"], explorer.controls["passing"]

    def labels() -> list[str]:
        return picture_labels(explorer.picture.value)

    assert explorer.shown_text() == (
        CAUSAL_TEXT + "passed as: mask unchanged (True = may attend)\n"
        "nn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox\n"
        + SHOULD_CAUSAL
        + "result: NaN for query 'dog': every key blocked (shown as 0 in the picture)"
    )
    assert labels() == [
        "Head 0's attention weights, 9 by 9, from the course module with the causal mask.",
        "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask "
        "passed as mask unchanged (True = may attend) (NaN rows shown as 0).",
    ]
    result = compare_with_torch("causal", "unchanged")
    assert explorer.snapshot_png() == render_png(
        mask_comparison_figure(
            result["course_weights"], result["torch_weights_with_nan"], result["words"]
        )
    )

    passing.value = "converted"
    assert explorer.shown_text() == (
        CAUSAL_TEXT + "passed as: ~mask (True = blocked, what it expects)\n"
        "nn.MultiheadAttention blocks for query 'fox': jumps, over, a, lazy, dog\n"
        + SHOULD_CAUSAL
        + SAME
    )
    assert labels()[1] == (
        "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask "
        "passed as ~mask (True = blocked, what it expects)."
    )

    kind.value = "padding"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: ~mask (True = blocked, what it expects)\n"
        "nn.MultiheadAttention blocks for query 'fox': a, lazy, dog\n" + SHOULD_PADDING + SAME
    )

    passing.value = "unchanged"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: mask unchanged (True = may attend)\n"
        "nn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox, jumps, over\n"
        + SHOULD_PADDING
        + "result: WRONG, max |difference| from the course module = 0.67"
    )

    passing.value = "float 0/1"
    assert explorer.shown_text() == (
        PADDING_TEXT + "passed as: float: mask.float() (1 and 0)\n"
        "nn.MultiheadAttention blocks for query 'fox': nothing\n"
        + SHOULD_PADDING
        + "result: WRONG, max |difference| from the course module = 0.15"
    )

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
    assert labels() == [
        "Head 0's attention weights, 9 by 9, from the course module with no mask.",
        "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with no mask.",
    ]

    kind.value = "causal"
    assert explorer.shown_text().splitlines()[1] == (
        "passed as: float: 0 where allowed, -inf where blocked"
    )
    assert explorer.shown_text().endswith(SAME)
    passing.value = "unchanged"
    assert explorer.shown_text().endswith("(shown as 0 in the picture)")


# ---- pictures (lessons 09 and 10) ----


def test_pictures_render() -> None:
    words, weights = course_head_weights()
    assert render_png(heads_figure(weights, words, "title")).startswith(b"\x89PNG")
    assert render_png(in_proj_figure(torch.zeros(24, 8), 8)).startswith(b"\x89PNG")
    nan_rows = weights[0].clone()
    nan_rows[8] = float("nan")
    assert render_png(mask_comparison_figure(weights[0], nan_rows, words)).startswith(b"\x89PNG")
