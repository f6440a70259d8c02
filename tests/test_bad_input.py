"""THE list of bad inputs: every public helper and what a learner might wrongly give it.

Learners will type wrong things into helpers; each gets a ``TypeError`` or ``ValueError``
whose message names the argument, shows what it got and says what was expected (issue 7).
One parametrized test per case. To extend: add a line to the list of the module you
changed; ``test_every_public_helper_has_bad_input_cases`` fails when a public function or
class of a listed module has no case here (or no reason in ``NO_BAD_INPUT``).

Exercise checks are the other half: they never raise, so their wrong answers (wrong type,
wrong shape, NaN, empty) are listed in ``WRONG_ANSWERS`` and must get a friendly "Not yet".
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from course import exercise_checks
from matplotlib.figure import Figure

import helpers
import helpers.explorers as explorers
import helpers.figures as figures
import helpers.html_pictures as pictures
from helpers import SENTENCE, build_vocabulary, encode, split_words
from helpers.attention import SelfAttention, scaled_dot_product_attention
from helpers.exercises import Verdict
from helpers.masks import causal_mask, padding_mask

attention = helpers.attention
WORDS = split_words(SENTENCE)
VOCABULARY = build_vocabulary(SENTENCE)
with torch.random.fork_rng(devices=[]):
    STEPS = helpers.rebuild_steps()
ONES = torch.ones(9, 2)
SQUARE = torch.full((3, 3), 1 / 3)
HEATMAP = {"matrix": torch.ones(2, 3), "rows": ["a", "b"], "columns": ["x", "y", "z"], "title": "t"}

# ---- helpers.lesson, helpers.vocabulary (01_vocabulary.ipynb) ------------------------------
LESSON_AND_VOCABULARY = [
    (lambda: helpers.setup_lesson("123"), TypeError, "seed must be an int; got '123' (type str)"),
    (lambda: helpers.setup_lesson(1.5), TypeError, "seed must be an int; got 1.5 (type float)"),
    (lambda: helpers.setup_lesson(True), TypeError, "seed must be an int; got True (type bool)"),
    (lambda: helpers.setup_lesson(None), TypeError, "seed must be an int; got None (type NoneType)"),
    (lambda: helpers.setup_lesson(-1), ValueError, "seed must be zero or positive; got -1"),
    (lambda: split_words(None), TypeError, "sentence must be a string of words; got None (type NoneType)"),
    (lambda: split_words(42), TypeError, "sentence must be a string of words; got 42 (type int)"),
    (lambda: split_words(["The", "dog"]), TypeError, "got ['The', 'dog'] (type list)"),
    (lambda: split_words(b"The dog"), TypeError, "got b'The dog' (type bytes)"),
    (lambda: split_words(""), ValueError, "sentence must contain at least one word; got '', which is empty"),
    (lambda: split_words("   \t\n"), ValueError, "got '   \\t\\n', which is empty or only whitespace"),
    (lambda: build_vocabulary(None), TypeError, "sentence must be a string of words; got None"),
    (lambda: build_vocabulary("  "), ValueError, "sentence must contain at least one word; got '  '"),
    (lambda: encode(None, VOCABULARY), TypeError, "sentence must be a string of words; got None"),
    (lambda: encode("", VOCABULARY), ValueError, "sentence must contain at least one word; got ''"),
    (lambda: encode("The dog", None), TypeError, "vocabulary must be a dict from words to ids"),
    (lambda: encode("The dog", ["The", "dog"]), TypeError, "got ['The', 'dog'] (type list)"),
    (lambda: encode("The dog", {}), ValueError, "vocabulary must hold at least one word; got an empty dict"),
    (lambda: encode("The dog", {"The": "0", "dog": 1}), TypeError, "must map each word to an int id; got '0' (type str) for 'The'"),
    (lambda: encode("The dog", {"The": 0.0, "dog": 1}), TypeError, "got 0.0 (type float) for 'The'"),
    (lambda: encode("The dog", {"The": True, "dog": 1}), TypeError, "got True (type bool) for 'The'"),
    (lambda: encode("The dog", {"The": -1, "dog": 1}), ValueError, "ids must be zero or positive; got -1 for 'The'"),
    (lambda: encode("The quick brown cat", VOCABULARY), ValueError, "not in vocabulary: 'cat'. Expected only known words: 'The', 'a'"),
    (lambda: encode("the dog", VOCABULARY), ValueError, "not in vocabulary: 'the'"),
    (lambda: encode("The lazy dog.", VOCABULARY), ValueError, "not in vocabulary: 'dog.'"),
]  # fmt: skip

# ---- helpers.attention (02-07) -----------------------------------------------------------
ATTENTION = [
    (lambda: attention.embed([0, 1]), TypeError, "ids must be a 1-D or 2-D torch.Tensor; got [0, 1] (type list) (wrap it with torch.tensor(...))"),
    (lambda: attention.embed(torch.tensor([0.0, 1.0])), TypeError, "ids must be an integer tensor (torch.int64); got dtype torch.float32"),
    (lambda: attention.embed(torch.tensor([0, 50000])), ValueError, "ids must lie in 0 .. 49999 (vocab_size=50000); got values from 0 to 50000"),
    (lambda: attention.embed(torch.tensor([-1])), ValueError, "got values from -1 to -1"),
    (lambda: attention.embed(torch.tensor([0]), d=0), ValueError, "d must be a positive int; got 0"),
    (lambda: attention.embed(torch.tensor([0]), vocab_size="9"), TypeError, "vocab_size must be a positive int; got '9' (type str)"),
    (lambda: attention.projection_weights(d_q=2, d_k=3), ValueError, "d_q must equal d_k (queries and keys meet in a dot product); got d_q=2, d_k=3"),
    (lambda: attention.projection_weights(d_v=-4), ValueError, "d_v must be a positive int; got -4"),
    (lambda: attention.attention_scores(torch.ones(9, 2), torch.ones(9, 3)), ValueError, "same last dimension (d_q must equal d_k); got query (9, 2) and key (9, 3)"),
    (lambda: attention.attention_scores(torch.ones(9, 2), torch.ones(1, 9, 2)), ValueError, "query and key must have the same rank"),
    (lambda: attention.attention_scores(torch.ones(2), torch.ones(2)), ValueError, "query must be a 2-D or 3-D tensor; got a 1-D tensor of shape (2,)"),
    (lambda: attention.attention_scores(torch.ones(9, 2, dtype=torch.long), torch.ones(9, 2)), TypeError, "query must hold floating-point numbers; got dtype torch.int64"),
    (lambda: attention.softmax(torch.tensor([1.0, float("nan")])), ValueError, "scores must not hold NaN"),
    (lambda: attention.softmax(torch.tensor([1.0, float("inf")])), ValueError, "scores must not hold +inf"),
    (lambda: attention.softmax(torch.ones(3, 3), dim=2), ValueError, "dim must be between -2 and 1 for a 2-D tensor; got 2"),
    (lambda: attention.softmax(torch.ones(3), dim=None), TypeError, "dim must be an int; got None"),
    (lambda: attention.softmax(torch.ones(0)), ValueError, "scores must not be empty; got shape (0,)"),
    (lambda: attention.context_vectors(torch.ones(9, 9), torch.ones(8, 4)), ValueError, "weights must have one column per row of value; got weights (9, 9) and value (8, 4)"),
    (lambda: attention.SelfAttention(3, 2, 3, 4), ValueError, "d_q must equal d_k"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(torch.ones(9, 5)), ValueError, "x must have 3 features in its last dimension (d=3); got shape (9, 5)"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(None), TypeError, "x must be a 2-D or 3-D torch.Tensor; got None"),
    (lambda: scaled_dot_product_attention(ONES, ONES, torch.ones(9)), ValueError, "value must be a 2-D or 3-D or 4-D tensor; got a 1-D tensor of shape (9,)"),
    (lambda: scaled_dot_product_attention(ONES, ONES, [1.0]), TypeError, "value must be a 2-D or 3-D or 4-D torch.Tensor; got [1.0] (type list)"),
    (lambda: scaled_dot_product_attention(ONES, torch.ones(1, 9, 2), ONES), ValueError, "query, key and value must have the same rank; got shapes (9, 2), (1, 9, 2) and (9, 2)"),
    (lambda: scaled_dot_product_attention(torch.ones(2, 9, 2), torch.ones(3, 9, 2), torch.ones(3, 9, 4)), ValueError, "the same leading (batch) sizes"),
    (lambda: scaled_dot_product_attention(ONES, ONES, torch.ones(8, 4)), ValueError, "key and value must have one row per word, the same number of rows; got key (9, 2) and value (8, 4)"),
    (lambda: scaled_dot_product_attention(ONES, torch.ones(9, 3), ONES), ValueError, "same last dimension (d_q must equal d_k)"),
    (lambda: scaled_dot_product_attention(torch.tensor([[float("nan"), 1.0]]), ONES, ONES), ValueError, "query must hold only finite numbers; got a tensor with NaN in it"),
    (lambda: scaled_dot_product_attention(ONES, ONES * float("inf"), ONES), ValueError, "key must hold only finite numbers; got a tensor with inf in it"),
    (lambda: scaled_dot_product_attention(ONES, ONES, ONES, torch.ones(9, 9)), TypeError, "mask must be a boolean tensor (True = may attend); got dtype torch.float32"),
    (lambda: scaled_dot_product_attention(ONES, ONES, ONES, [[True]]), TypeError, "mask must be a boolean torch.Tensor (True = may attend); got [[True]] (type list)"),
    (lambda: scaled_dot_product_attention(ONES, ONES, ONES, torch.ones(9, 8, dtype=torch.bool)), ValueError, "mask must broadcast to the scores' shape (9, 9) (queries x keys); got shape (9, 8)"),
    (lambda: scaled_dot_product_attention(ONES, ONES, ONES, torch.ones(2, 9, 9, dtype=torch.bool)), ValueError, "got shape (2, 9, 9)"),
    (lambda: SelfAttention(3, 2, 2, 4)(torch.ones(9, 3), torch.ones(9, 9, dtype=torch.int64)), TypeError, "got dtype torch.int64"),
    (lambda: SelfAttention(3, 2, 2, 4).attend(torch.ones(1, 1, 9, 3)), ValueError, "x must be a 2-D or 3-D tensor; got a 4-D tensor"),
    (lambda: helpers.attention_weights(torch.ones(9)), ValueError, "scores must be a 2-D or 3-D or 4-D tensor; got a 1-D tensor"),
    (lambda: helpers.context_vectors(torch.ones(9, 9), torch.ones(1, 9, 4)), ValueError, "weights and value must have the same rank"),
    (lambda: explorers.sentence_attention(" , "), ValueError, "sentence must contain at least one word; got ' , '"),
    (lambda: attention.SelfAttention(0, 2, 2, 4), ValueError, "d must be a positive int; got 0"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(torch.ones(9, 3, dtype=torch.long)), TypeError, "x must hold floating-point numbers; got dtype torch.int64"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)(torch.ones(9, 3) * float("nan")), ValueError, "must hold only finite numbers; got a tensor with NaN in it"),
    (lambda: attention.SelfAttention(3, 2, 2, 4)([[1.0, 2.0, 3.0]]), TypeError, "x must be a 2-D or 3-D torch.Tensor; got [[1.0, 2.0, 3.0]] (type list) (wrap it with torch.tensor(...))"),
    (lambda: attention.attention_weights(torch.tensor([[0.0, float("nan")]])), ValueError, "scores must not hold NaN"),
    (lambda: attention.context_vectors(torch.ones(9, 9), torch.ones(9, 4, dtype=torch.long)), TypeError, "value must hold floating-point numbers; got dtype torch.int64"),
]  # fmt: skip

# ---- helpers.masks (08_masks.ipynb) -------------------------------------------------------
MASKS = [
    (lambda: causal_mask(0), ValueError, "n must be a positive int; got 0"),
    (lambda: causal_mask(-3), ValueError, "n must be a positive int; got -3"),
    (lambda: causal_mask(2.0), TypeError, "n must be a positive int; got 2.0 (type float)"),
    (lambda: causal_mask(None), TypeError, "n must be a positive int; got None"),
    (lambda: causal_mask(True), TypeError, "n must be a positive int; got True (type bool)"),
    (lambda: padding_mask(3), TypeError, "lengths must be a list of ints, one per sentence; got 3 (type int)"),
    (lambda: padding_mask("3"), TypeError, "lengths must be a list of ints, one per sentence; got '3' (type str)"),
    (lambda: padding_mask([]), ValueError, "lengths must hold at least one sentence length; got an empty list"),
    (lambda: padding_mask([2, 0]), ValueError, "lengths[1] must be a positive int; got 0"),
    (lambda: padding_mask([2, 1.5]), TypeError, "lengths[1] must be a positive int; got 1.5 (type float)"),
    (lambda: padding_mask([5, 2], n=3), ValueError, "n must be at least the longest length, 5, since padding cannot shorten a sentence; got n=3"),
    (lambda: padding_mask([2], n="4"), TypeError, "n must be a positive int; got '4' (type str)"),
]  # fmt: skip

# ---- helpers.figures (every lesson's pictures) --------------------------------------------
FIGURES = [
    (lambda: figures.pipeline_figure(0), ValueError, "step must be from 1 to 7; got 0"),
    (lambda: figures.pipeline_figure(8), ValueError, "step must be from 1 to 7; got 8"),
    (lambda: figures.pipeline_figure("1"), TypeError, "step must be an int from 1 to 7; got '1' (type str)"),
    (lambda: figures.pipeline_figure(True), TypeError, "step must be an int from 1 to 7; got True (type bool)"),
    (lambda: figures.show_pipeline(None), TypeError, "step must be an int from 1 to 7; got None (type NoneType)"),
    (lambda: figures.show_pipeline(0), ValueError, "step must be from 1 to 7; got 0"),
    (lambda: figures.beyond_figure(7), ValueError, "lesson must be from 8 to 13; got 7"),
    (lambda: figures.beyond_figure(14), ValueError, "lesson must be from 8 to 13; got 14"),
    (lambda: figures.beyond_figure("8"), TypeError, "lesson must be an int from 8 to 13; got '8' (type str)"),
    (lambda: figures.show_beyond(None), TypeError, "lesson must be an int from 8 to 13; got None (type NoneType)"),
    (lambda: figures.show("x", "a description"), TypeError, "fig must be a matplotlib Figure; got 'x' (type str)"),
    (lambda: figures.show(Figure(), "  "), ValueError, "description must be a sentence saying what the figure shows; got '  '"),
    (lambda: figures.message_figure(None), TypeError, "message must be a string; got None (type NoneType)"),
    (lambda: figures.render_png(None), TypeError, "fig must be a matplotlib Figure; got None (type NoneType)"),
    (lambda: figures.ink_on("white"), TypeError, "face must be an RGB or RGBA colour, 3 or 4 numbers from 0 to 1; got 'white' (type str)"),
    (lambda: figures.ink_on((0.5, 2.0, 0.1)), TypeError, "face must be an RGB or RGBA colour, 3 or 4 numbers from 0 to 1; got (0.5, 2.0, 0.1)"),
    (lambda: figures.token_ids_figure("The dog", [0, 1]), TypeError, "words must be a list of strings; got 'The dog' (type str)"),
    (lambda: figures.token_ids_figure([1, 2], [0, 1]), TypeError, "words must be a list of strings; got [1, 2] (type list)"),
    (lambda: figures.token_ids_figure(["a"], "0"), TypeError, "ids must be a list or 1-D tensor of ints; got '0' (type str)"),
    (lambda: figures.token_ids_figure(["a"], [0.5]), TypeError, "ids must hold ints (or None for unknown words); got [0.5]"),
    (lambda: figures.token_ids_figure([], []), ValueError, "words must hold at least one word; got an empty list"),
    (lambda: figures.token_ids_figure(["a", "b"], [0]), ValueError, "words and ids must have the same length; got 2 words and 1 ids"),
    (lambda: figures.show_token_ids(3, [1]), TypeError, "words must be a list of strings; got 3 (type int)"),
    (lambda: figures.vocabulary_figure(None, ["a"]), TypeError, "vocabulary must be a non-empty dict from word to id; got None"),
    (lambda: figures.vocabulary_figure({}, ["a"]), TypeError, "vocabulary must be a non-empty dict from word to id; got {}"),
    (lambda: figures.vocabulary_figure({"a": 0}, "a"), TypeError, "words must be a non-empty list of strings; got 'a' (type str)"),
    (lambda: figures.vocabulary_figure({"a": 0}, []), TypeError, "words must be a non-empty list of strings; got []"),
    (lambda: figures.vocabulary_figure({"a": 0}, ["a", "b"]), ValueError, "words must all be in vocabulary; got words missing from it: ['b']"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": torch.ones(3)})), TypeError, "matrix must be a 2-D tensor of numbers; got tensor([1., 1., 1.])"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": "ab"})), TypeError, "matrix must be a 2-D tensor of numbers; got 'ab' (type str)"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"rows": ["a"]})), ValueError, "rows and columns must label the matrix's 2 rows and 3 columns; got 1 row labels and 3 column labels"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"highlight_row": 2})), ValueError, "highlight_row must be from 0 to 1; got 2"),
    (lambda: figures.pipeline_summary_figure(3), TypeError, "shapes must be a dict from a tensor's name to its shape; got 3 (type int)"),
    (lambda: figures.pipeline_summary_figure({"W": (2, 3)}), ValueError, "shapes must name tensors among ['X', 'Q', 'K', 'V', 'S', 'A', 'Z']; got 'W'"),
    (lambda: figures.pipeline_summary_figure({"X": [9, 3]}), TypeError, "shapes['X'] must be a tuple of positive ints; got [9, 3] (type list)"),
    (lambda: figures.pipeline_summary_figure({"X": (9, 0)}), TypeError, "shapes['X'] must be a tuple of positive ints; got (9, 0) (type tuple)"),
    (lambda: figures.word_vectors_figure([[1, 2, 3]], ["a"]), TypeError, "vectors must be a non-empty 2-D tensor of numbers; got [[1, 2, 3]] (type list)"),
    (lambda: figures.word_vectors_figure(STEPS.query, WORDS), ValueError, "vectors must have 3 columns; got shape (9, 2)"),
    (lambda: figures.word_vectors_figure(STEPS.embedded, WORDS[:8]), ValueError, "words must hold 9 labels, one per row; got 8"),
    (lambda: figures.word_vectors_figure(STEPS.embedded, "fox"), TypeError, "words must be a list of strings; got 'fox' (type str)"),
    (lambda: figures.word_vectors_figure(STEPS.embedded, WORDS, highlight=9), ValueError, "highlight must be from 0 to 8; got 9"),
    (lambda: figures.embedding_strip_figure(STEPS.embedded, WORDS, 9), ValueError, "chosen must be a row index from 0 to 8; got 9 (type int)"),
    (lambda: figures.embedding_strip_figure(torch.ones(3), ["a"], 0), TypeError, "vectors must be a non-empty 2-D tensor"),
    (lambda: figures.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {"Q": STEPS.key.T}, WORDS), ValueError, "Q must be x @ W: x (9, 3) @ W (3, 2) gives (9, 2); got Q of shape (2, 9)"),
    (lambda: figures.projection_figure(STEPS.embedded, {"W": STEPS.W_query}, {}, WORDS), ValueError, "weights and results must pair up one to one; got 1 and 0"),
    (lambda: figures.projection_figure(STEPS.embedded, [STEPS.W_query], {"Q": STEPS.query}, WORDS), TypeError, "weights and results must be dicts from a name to a matrix"),
    (lambda: figures.variance_figure([2, 4], [2.0], [1.0, 1.0]), ValueError, "dims, raw and scaled must have the same length; got 2, 1 and 2"),
    (lambda: figures.variance_figure([0, 4], [2.0, 4.0], [1.0, 1.0]), ValueError, "dims must hold positive numbers (log axes)"),
    (lambda: figures.variance_figure("24", [2.0], [1.0]), TypeError, "dims must be a sequence of numbers; got '24' (type str)"),
    (lambda: figures.scaling_figure(STEPS.query, 2, WORDS), ValueError, "raw_scores must be square (n, n); got shape (9, 2)"),
    (lambda: figures.scaling_figure(STEPS.scores, 0, WORDS), TypeError, "d_k must be a positive int; got 0 (type int)"),
    (lambda: figures.scaling_figure(STEPS.scores, 2, WORDS[:3]), ValueError, "keys must hold 9 labels, one per row; got 3"),
    (lambda: figures.weights_bar_figure([[1.0]], ["a"], 0), TypeError, "weights must be a 2-D tensor (queries x keys); got [[1.0]] (type list)"),
    (lambda: figures.weights_bar_figure(SQUARE, ["a", "b"], 0), ValueError, "weights must be square with one row and column per word; got shape (3, 3) for 2 words"),
    (lambda: figures.weights_bar_figure(SQUARE, ["a", "b", "c"], 3), ValueError, "query_index must be from 0 to 2; got 3"),
    (lambda: figures.weights_explorer_figure(SQUARE, ["a", "b", "c"], "0"), TypeError, "query_index must be an int; got '0' (type str)"),
    (lambda: figures.contributions_figure(SQUARE, torch.ones(2, 4), ["a", "b", "c"], 0), ValueError, "value must be a 2-D tensor with one row per word (3); got tensor"),
]  # fmt: skip

# ---- helpers.html_pictures (the explorers' live pictures) --------------------------------
HTML_PICTURES = [
    (lambda: pictures.heatmap("abc", description="d"), TypeError, "values must be a non-empty 2-D list or tensor; got 'abc' (type str)"),
    (lambda: pictures.heatmap([[1.0], [1.0, 2.0]], description="d"), ValueError, "values must be rectangular and non-empty; got rows of lengths [1, 2]"),
    (lambda: pictures.heatmap([[1.0, "x"]], description="d"), TypeError, "values[0] must hold only numbers; got [1.0, 'x'] (type list)"),
    (lambda: pictures.heatmap([[float("nan")]], description="d"), ValueError, "values[0] must hold finite numbers"),
    (lambda: pictures.heatmap([[1.0]], rows=["a", "b"], description="d"), ValueError, "rows must hold 1 labels; got 2"),
    (lambda: pictures.heatmap([[1.0]], columns="a", description="d"), TypeError, "columns must be a list of strings; got 'a' (type str)"),
    (lambda: pictures.heatmap([[1.0]], framed_row=1, description="d"), ValueError, "framed_row must be from 0 to 0; got 1"),
    (lambda: pictures.heatmap([[1.0]], framed_row="0", description="d"), TypeError, "framed_row must be an int or None; got '0' (type str)"),
    (lambda: pictures.heatmap([[1.0]], palette="viridis", description="d"), ValueError, "palette must be 'cividis' or 'diverging'; got 'viridis'"),
    (lambda: pictures.heatmap([[1.0]], description=3), TypeError, "description must be a string; got 3 (type int)"),
    (lambda: pictures.bar_chart(["a"], {}, description="d"), ValueError, "series must be a non-empty dict of name to numbers; got {}"),
    (lambda: pictures.bar_chart(["a"], {"w": [1.0, 2.0]}, description="d"), ValueError, "series['w'] must hold one number per label (1); got 2"),
    (lambda: pictures.bar_chart(["a"], {"w": [-1.0]}, description="d"), ValueError, "series['w'] must hold numbers ≥ 0; got [-1.0]"),
    (lambda: pictures.bar_chart([1], {"w": [1.0]}, description="d"), TypeError, "labels must hold only strings; got [1] (type list)"),
    (lambda: pictures.number_lines({}, description="d"), ValueError, "lines must be a non-empty dict of name to numbers"),
    (lambda: pictures.number_lines({"a": [1.0]}, marked=2, description="d"), ValueError, "marked must be from 0 to 0; got 2"),
    (lambda: pictures.number_lines({"a": 1.0}, description="d"), TypeError, "lines['a'] must be a list of numbers; got 1.0 (type float)"),
    (lambda: pictures.token_boxes([], []), ValueError, "words must hold at least one word; got an empty list"),
    (lambda: pictures.token_boxes(["a"], [1, 2]), ValueError, "words and ids must have the same length; got 1 words and 2 ids"),
    (lambda: pictures.token_boxes(["a"], ["1"]), TypeError, "ids must hold ints (or None for unknown words); got ['1']"),
    (lambda: pictures.token_boxes("a b", [1]), TypeError, "words must be a list of strings; got 'a b' (type str)"),
    (lambda: pictures.weights_picture([[1.0]], ["a"], None), TypeError, "query_index must be an int; got None"),
    (lambda: pictures.weights_picture([[1.0]], ["a", "b"], 0), ValueError, "words must hold 1 labels; got 2"),
    (lambda: pictures.message(None), TypeError, "text must be a string; got None (type NoneType)"),
    (lambda: pictures.side_by_side("<div></div>", 3), TypeError, "pictures[1] must be a string; got 3 (type int)"),
    (lambda: pictures.colour("a", 0, 1), TypeError, "value must be a finite number; got 'a' (type str)"),
    (lambda: pictures.colour(0.5, 0, float("nan")), TypeError, "high must be a finite number; got nan (type float)"),
    (lambda: pictures.colour(0.5, 0, 1, palette="jet"), ValueError, "palette must be 'cividis' or 'diverging'; got 'jet'"),
    (lambda: pictures.picture_text(3), TypeError, "picture must be a string; got 3 (type int)"),
    (lambda: pictures.picture_labels(None), TypeError, "picture must be a string; got None (type NoneType)"),
]  # fmt: skip

# ---- helpers.explorers (what an explorer factory is given) -------------------------------
EXPLORERS = [
    (lambda: explorers.vocabulary_explorer(3), TypeError, "sentence must be a string of words; got 3 (type int)"),
    (lambda: explorers.sentence_attention_explorer(None), TypeError, "sentence must be a string of words; got None (type NoneType)"),
    (lambda: explorers.embedding_explorer("cat"), ValueError, "word must be one of the sentence's words ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog']; got 'cat' (type str)"),
    (lambda: explorers.scaling_explorer(0), ValueError, "d_k must be one of the slider's values (2, 4, 8, 16, 32, 64, 128, 256, 512); got 0 (type int)"),
    (lambda: explorers.scaling_explorer(True), ValueError, "d_k must be one of the slider's values (2, 4, 8, 16, 32, 64, 128, 256, 512); got True (type bool)"),
    (lambda: explorers.random_scores(0), ValueError, "d_k must be a positive int; got 0"),
    (lambda: explorers.random_scores(2.0), TypeError, "d_k must be a positive int; got 2.0"),
    (lambda: explorers.random_scores(4, n=-1), ValueError, "n must be a positive int; got -1"),
    (lambda: explorers.sentence_attention(3), TypeError, "sentence must be a string of words; got 3 (type int)"),
]  # fmt: skip

BAD_INPUTS = LESSON_AND_VOCABULARY + ATTENTION + MASKS + FIGURES + HTML_PICTURES + EXPLORERS

# Public functions and classes that take no argument a learner could get wrong, or that
# only pass input through to a function listed above; each with the reason.
NO_BAD_INPUT = {
    "CourseSteps": "a plain record built by rebuild_steps(), never by hand",
    "rebuild_steps": "takes no arguments",
    "Explorer": "built by the explorer factories, never by a learner",
    "describe_sentence": "the explorer's text for any box content: anything not a sentence gets a hint, not an error",
    "describe_word_vector": "the explorer's text for any choice: an unknown word gets a hint, not an error",
    "context_explorer": "takes no arguments",
    "projection_explorer": "takes no arguments",
    "softmax_explorer": "takes no arguments",
}

MODULES = [
    "helpers.lesson",
    "helpers.vocabulary",
    "helpers.attention",
    "helpers.masks",
    "helpers.figures",
    "helpers.html_pictures",
    "helpers.explorers",
]
"""The modules whose public functions must appear in the list (exercise checks: below)."""


def case_id(case: tuple[Callable[[], object], type[Exception], str]) -> str:
    return re.sub(r"\s+", " ", case[2])[:70]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUTS, ids=map(case_id, BAD_INPUTS))
def test_bad_input_gets_a_clear_error(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        call()
    text = str(caught.value)
    assert message in text, f"expected {message!r} in the message; got {text!r}"
    assert " must " in text or "not in vocabulary" in text, f"say what was expected: {text!r}"
    assert "got" in text or "Expected only known words" in text, f"say what was given: {text!r}"


def test_every_public_helper_has_bad_input_cases() -> None:
    source = Path(__file__).read_text()
    missing = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if attribute in NO_BAD_INPUT or (name == "helpers.explorers" and attribute.isupper()):
                continue
            if not re.search(rf"\b{attribute}\(", source):
                missing.append(f"{name}.{attribute}")
    assert not missing, f"add bad-input cases (or a reason in NO_BAD_INPUT) for: {missing}"


# ---- exercise checks: a wrong answer gets a friendly "Not yet", never an exception --------
WRONG_ANSWERS: list[Any] = [
    None, 0, -1, 2.5, float("nan"), True, "an answer", "", b"bytes", [1, 2, 3], [], (1,),
    {"a": 1}, {1, 2}, object(), print,
    torch.tensor(float("nan")),                      # a 0-D tensor, NaN
    torch.tensor([]),                                # empty
    torch.zeros(2, 2),                               # the wrong shape
    torch.ones(9),                                   # a sentence's length, but 1-D
    torch.ones(9, 9),                                # scores-shaped
    torch.ones(2, 9, 4),                             # a batch where one sentence is expected
    torch.ones(9, 4, dtype=torch.long),              # integers where floats are expected
    torch.full((9, 4), float("inf")),                # inf values
    torch.ones(9, 4, dtype=torch.bool),              # a mask-like answer
]  # fmt: skip
"""What a learner might wrongly assign to an exercise's ``answer``: every check meets each."""

CHECKS = exercise_checks()


def answer_id(answer: Any) -> str:
    if isinstance(answer, torch.Tensor):
        return f"tensor{tuple(answer.shape)}-{str(answer.dtype).removeprefix('torch.')}"
    return type(answer).__name__


@pytest.mark.parametrize("answer", WRONG_ANSWERS, ids=map(answer_id, WRONG_ANSWERS))
@pytest.mark.parametrize("check", CHECKS.values(), ids=list(CHECKS))
def test_wrong_answers_get_a_friendly_not_yet(check: Callable[[Any], Verdict], answer: Any) -> None:
    verdict = check(answer)
    assert verdict.status == "not yet", verdict.message
    assert verdict.message.startswith("Not yet: ") and "\nHint: " in verdict.message
    assert "could not read your answer" not in verdict.message, (
        "the check's own code failed on this answer; handle the case explicitly"
    )
