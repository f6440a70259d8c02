"""Shared code for the course "Self-Attention, Step by Step".

Each lesson first builds an idea inline, in plain PyTorch, and only then uses the
function here that does the same thing, so that later lessons can rebuild earlier
steps in one line. Every docstring names the lesson that introduces the function.

Importing ``helpers`` is cheap: torch is its only heavy import. Each lesson's pictures,
explorer and exercise checks are in its own module, ``helpers.lessons.lNN_slug``, built on
the toolkit ``helpers.ui``; a lesson imports them in its setup cell.
"""

from helpers.attention import (
    SelfAttention,
    attention_scores,
    attention_weights,
    context_vectors,
    embed,
    projection_weights,
    rebuild_steps,
    scaled_dot_product_attention,
    softmax,
)
from helpers.course import SEED, SENTENCE, printing_warnings, setup_lesson
from helpers.vocabulary import build_vocabulary, encode, split_words

__all__ = [
    "SEED",
    "SENTENCE",
    "SelfAttention",
    "attention_scores",
    "attention_weights",
    "build_vocabulary",
    "context_vectors",
    "embed",
    "encode",
    "printing_warnings",
    "projection_weights",
    "rebuild_steps",
    "scaled_dot_product_attention",
    "setup_lesson",
    "softmax",
    "split_words",
]
