"""Lesson set-up shared by every notebook (introduced in 01_vocabulary.ipynb, "Setup")."""

from __future__ import annotations

import random

import torch

from helpers._validate import require_seed

SENTENCE = "The quick brown fox jumps over a lazy dog"
"""The sentence that the article, and so every lesson, walks through self-attention."""

SEED = 123
"""The article's random seed: every random number in the course comes from it."""

TORCH_VERSION = "2.13.0"
"""The PyTorch release the stored outputs were produced with (see requirements.txt)."""


def setup_lesson(seed: int = SEED) -> None:
    """Make a lesson reproducible and its tensors readable.

    Seeds Python's and PyTorch's random generators with ``seed`` and sets PyTorch's print
    options (4 decimals, no scientific notation). If this kernel's PyTorch is not the
    release the course was checked with, prints a one-line note, since printed numbers
    may then differ in the last digits.

    Introduced in 01_vocabulary.ipynb ("Setup"); every lesson calls it first.

    Raises:
        TypeError: ``seed`` is not an ``int``.
        ValueError: ``seed`` is negative.
    """
    require_seed("seed", seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)
    found = torch.__version__.split("+")[0]
    if found != TORCH_VERSION:
        print(
            f"Note: this kernel has PyTorch {found}; the course was checked with "
            f"{TORCH_VERSION}, so some printed numbers may differ (README: 'Set up')."
        )
