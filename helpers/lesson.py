"""Kept while the old modules move into helpers.lessons; use helpers.course."""

from helpers.course import SEED, SENTENCE, TORCH_VERSION, setup_lesson

__all__ = ["SEED", "SENTENCE", "TORCH_VERSION", "setup_lesson"]
