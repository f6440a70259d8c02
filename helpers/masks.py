"""Boolean attention masks: which query may look at which key (introduced in 08_masks.ipynb).

``True`` means "this query may attend to this key": the convention of
:func:`helpers.scaled_dot_product_attention` and of ``F.scaled_dot_product_attention``.
(``nn.MultiheadAttention`` uses the opposite, ``True`` = blocked;
10_what_pytorch_does.ipynb converts with ``~mask``.)
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from helpers._validate import describe, require_size


def causal_mask(n: int) -> torch.Tensor:
    """The causal ("no looking ahead") mask for ``n`` tokens: boolean ``(n, n)``.

    Row ``i`` is query ``i``: ``True`` for keys ``0..i``, ``False`` for the later keys, the
    future a language model must not see. ``triu(diagonal=1)`` is exactly that future;
    ``~`` turns it into "may attend". Introduced in 08_masks.ipynb ("The causal mask").
    """
    require_size("n", n)
    future = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # (n, n): later keys
    return ~future


def padding_mask(lengths: Sequence[int], n: int | None = None) -> torch.Tensor:
    """The padding mask of sentences of ``lengths`` padded to ``n`` tokens: boolean ``(batch, 1, n)``.

    ``True`` for each sentence's real tokens, ``False`` for its padding; ``n`` defaults to
    the longest length. The middle 1 broadcasts over the queries, so
    ``padding_mask(...) & causal_mask(n)`` is ``(batch, n, n)``; for multi-head scores
    ``(batch, heads, n, n)`` add a heads dimension, ``mask.unsqueeze(1)``.
    Introduced in 08_masks.ipynb ("Padding masks").
    """
    n = _check_lengths(lengths, n)
    positions = torch.arange(n)  # (n,)
    real = positions < torch.tensor(lengths).unsqueeze(1)  # (batch, n)
    return real.unsqueeze(1)  # (batch, 1, n)


# ---- input checks: learners call padding_mask with their own lengths ----------------------


def _check_lengths(lengths: Sequence[int], n: int | None) -> int:
    """``n`` (or the longest length), once ``lengths`` and ``n`` are known to fit."""
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
        raise ValueError(
            f"n must be at least the longest length, {longest}, since padding cannot "
            f"shorten a sentence; got n={n}."
        )
    return n
