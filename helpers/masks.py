"""Boolean attention masks: which query may look at which key (introduced in 08_masks.ipynb).

Every mask here follows the convention of :func:`helpers.scaled_dot_product_attention` and
of ``torch.nn.functional.scaled_dot_product_attention``: ``True`` means "this query may
attend to this key". (``torch.nn.MultiheadAttention`` uses the opposite convention for its
boolean masks, ``True`` = blocked; 10_what_pytorch_does.ipynb shows the conversion, ``~mask``.)
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from helpers._validate import describe, require_size


def causal_mask(n: int) -> torch.Tensor:
    """The causal ("no looking ahead") mask for ``n`` tokens: a boolean ``(n, n)`` tensor.

    Row ``i`` is query ``i``; it is ``True`` for keys ``0..i`` and ``False`` for the later
    keys ``i+1..n-1``, the future a language model must not see. Built as
    ``~torch.triu(ones, diagonal=1)``: ``triu`` keeps the part above the diagonal, exactly
    the future, and ``~`` turns "future" into "may not attend".
    Introduced in 08_masks.ipynb ("The causal mask").

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n`` is not positive.
    """
    require_size("n", n)
    future = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    return ~future


def padding_mask(lengths: Sequence[int], n: int | None = None) -> torch.Tensor:
    """The padding mask for a batch of sentences of ``lengths`` padded to ``n`` tokens.

    Returns a boolean ``(batch, 1, n)`` tensor: ``True`` for the real tokens of each
    sentence, ``False`` for its padding. The middle dimension of size 1 broadcasts over the
    queries, so every query of a sentence may attend to that sentence's real tokens only;
    combine it with a causal mask by ``padding_mask(...) & causal_mask(n)`` (shape
    ``(batch, n, n)``). ``n`` defaults to the longest length. For multi-head scores of shape
    ``(batch, heads, n, n)`` add a heads dimension: ``mask.unsqueeze(1)``.
    Introduced in 08_masks.ipynb ("Padding masks").

    Raises:
        TypeError: ``lengths`` is not a list or tuple of ints, or ``n`` is not an int.
        ValueError: ``lengths`` is empty, a length is not positive, or ``n`` is shorter
            than the longest sentence.
    """
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, (list, tuple)):
        raise TypeError(
            f"lengths must be a list of ints, one per sentence; got {describe(lengths)}."
        )
    if not lengths:
        raise ValueError("lengths must hold at least one sentence length; got an empty list.")
    for index, length in enumerate(lengths):
        require_size(f"lengths[{index}]", length)
    longest = max(lengths)
    if n is None:
        n = longest
    require_size("n", n)
    if n < longest:
        raise ValueError(
            f"n must be at least the longest length, {longest}, since padding cannot "
            f"shorten a sentence; got n={n}."
        )
    positions = torch.arange(n)
    return (positions < torch.tensor(lengths).unsqueeze(1)).unsqueeze(1)
