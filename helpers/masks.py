"""Boolean attention masks, ``True`` = this query may attend to this key (08_masks.ipynb).

The convention of :func:`helpers.scaled_dot_product_attention` and PyTorch's boolean
``attn_mask``; ``nn.MultiheadAttention`` uses the opposite (10_what_pytorch_does.ipynb: ``~mask``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from helpers._validate import describe, require_size


def causal_mask(n: int) -> torch.Tensor:
    """The ``(n, n)`` causal mask: query ``i`` may attend to keys ``0..i``, not to the future.

    Introduced in 08_masks.ipynb ("The causal mask").
    """
    require_size("n", n)
    return ~torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # ~(the later keys)


def padding_mask(lengths: Sequence[int], n: int | None = None) -> torch.Tensor:
    """``(batch, 1, n)``: ``True`` for the real tokens of sentences of ``lengths`` padded to ``n``
    (default: the longest). The 1 broadcasts over the queries, so ``& causal_mask(n)`` gives
    ``(batch, n, n)``. Introduced in 08_masks.ipynb ("Padding masks")."""
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, (list, tuple)):
        raise TypeError(
            f"lengths must be a list of ints, one per sentence; got {describe(lengths)}."
        )
    if not lengths:
        raise ValueError("lengths must hold at least one sentence length; got an empty list.")
    for index, length in enumerate(lengths):
        require_size(f"lengths[{index}]", length)
    longest = max(lengths)
    n = require_size("n", longest if n is None else n)
    if n < longest:
        raise ValueError(f"n must be at least the longest length, {longest}, since padding cannot "
                         f"shorten a sentence; got n={n}.")  # fmt: skip
    real = torch.arange(n) < torch.tensor(lengths).unsqueeze(1)  # (batch, n)
    return real.unsqueeze(1)  # (batch, 1, n)
