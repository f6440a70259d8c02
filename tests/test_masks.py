"""helpers.masks: the causal and padding masks of 08_masks.ipynb."""

from __future__ import annotations

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
