"""helpers.masks: the causal and padding masks of 08_masks.ipynb."""

from __future__ import annotations

import re
from typing import Any

import pytest
import torch

from helpers.masks import causal_mask, padding_mask


def test_causal_mask_lets_each_word_see_itself_and_the_past() -> None:
    expected = torch.tensor(
        [[True, False, False], [True, True, False], [True, True, True]], dtype=torch.bool
    )
    assert torch.equal(causal_mask(3), expected)
    assert causal_mask(9).sum().item() == 45  # 9 + 8 + ... + 1 allowed pairs


def test_padding_mask_marks_real_tokens_and_broadcasts_over_queries() -> None:
    mask = padding_mask([3, 1], n=4)
    assert mask.shape == (2, 1, 4) and mask.dtype == torch.bool
    assert mask[:, 0].tolist() == [[True, True, True, False], [True, False, False, False]]
    assert padding_mask([2, 3]).shape == (2, 1, 3)  # n defaults to the longest sentence


def test_padding_and_causal_masks_combine() -> None:
    both = padding_mask([2, 3]) & causal_mask(3)
    assert both.shape == (2, 3, 3)
    assert both[0].tolist() == [[True, False, False], [True, True, False], [True, True, False]]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: causal_mask(0), ValueError, "n must be a positive int; got 0"),
        (lambda: causal_mask(-3), ValueError, "n must be a positive int; got -3"),
        (lambda: causal_mask(2.0), TypeError, "n must be a positive int; got 2.0 (type float)"),
        (lambda: causal_mask(None), TypeError, "n must be a positive int; got None"),
        (lambda: causal_mask(True), TypeError, "n must be a positive int; got True (type bool)"),
        (lambda: padding_mask(3), TypeError, "lengths must be a list of ints, one per sentence"),
        (lambda: padding_mask("3"), TypeError, "lengths must be a list of ints"),
        (lambda: padding_mask([]), ValueError, "lengths must hold at least one sentence length"),
        (lambda: padding_mask([2, 0]), ValueError, "lengths[1] must be a positive int; got 0"),
        (lambda: padding_mask([2, 1.5]), TypeError, "lengths[1] must be a positive int"),
        (lambda: padding_mask([5, 2], n=3), ValueError, "n must be at least the longest length, 5"),
        (lambda: padding_mask([2], n="4"), TypeError, "n must be a positive int; got '4'"),
    ],
)
def test_bad_input_is_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()
