"""THE list of bad inputs: every public helper and what a learner might wrongly give it.

Learners will type wrong things into helpers; each gets a ``TypeError`` or ``ValueError``
whose message names the argument, shows what it got and says what was expected (issue 7).
One list per module of helpers/, in the order the lessons introduce them; one parametrized
test per case. To extend: add a line to the list of the module you changed;
``test_every_public_helper_has_bad_input_cases`` fails when a public function or class of
a module in ``MODULES`` (every module of helpers/: ``test_every_helpers_module_is_covered``)
has no case here (or no reason in ``NO_BAD_INPUT``). The ``REAL_MODEL`` cases load
all-MiniLM-L6-v2 from its package (requirements-model.txt), a few seconds once.

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
from course import REPO, exercise_checks
from matplotlib.figure import Figure
from torch import nn

import helpers
import helpers.beyond_explorers as beyond_explorers
import helpers.beyond_figures as beyond_figures
import helpers.cost as cost
import helpers.explorers as explorers
import helpers.figures as figures
import helpers.html_pictures as pictures
from helpers import SENTENCE, build_vocabulary, encode, real_model, split_words, training
from helpers.attention import SelfAttention, scaled_dot_product_attention
from helpers.exercises import Verdict
from helpers.masks import causal_mask, padding_mask
from helpers.multihead import MultiHeadAttention, course_example, merge_heads, split_heads
from tools import bench_attention

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
    (lambda: figures.weights_explorer_figure(SQUARE, ["a", "b", "c"], "0"), TypeError, "query_index must be an int from 0 to 2; got '0' (type str)"),
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
    (lambda: pictures.weights_picture([[1.0]], ["a"], None), TypeError, "query_index must be an int from 0 to 0; got None"),
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

# ---- helpers.multihead (09_multi_head_attention.ipynb) -----------------------------------


def _loaded_from_torch(**kwargs: Any) -> Callable[[], Any]:
    """Load a MultiHeadAttention(8, 4) from an nn.MultiheadAttention built with ``kwargs``."""

    def call() -> Any:
        defaults = {"embed_dim": 8, "num_heads": 4, "batch_first": True}
        return MultiHeadAttention(8, 4).load_from_torch(
            nn.MultiheadAttention(**(defaults | kwargs))
        )

    return call


MULTIHEAD = [
    (lambda: MultiHeadAttention(10, 4), ValueError, "d_model=10 and num_heads=4"),
    (lambda: MultiHeadAttention(8.0, 4), TypeError, "d_model must be a positive int"),
    (lambda: MultiHeadAttention(8, 0), ValueError, "num_heads must be a positive int"),
    (lambda: MultiHeadAttention(-8, 2), ValueError, "d_model must be a positive int"),
    (lambda: MultiHeadAttention(8, True), TypeError, "num_heads must be a positive int"),
    (lambda: MultiHeadAttention(8, 4, bias=1), TypeError, "bias must be True or False"),
    (lambda: MultiHeadAttention(8, 4)([[0.0] * 8]), TypeError, "x must be a 2-D or 3-D torch.Tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 1, 2, 8)), ValueError, "got a 4-D tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 6)), ValueError, "x must have 8 features"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8, dtype=torch.long)), TypeError, "floating-point"),
    (lambda: MultiHeadAttention(8, 4)(torch.full((1, 3, 8), float("nan"))), ValueError, "must hold only finite numbers; got a tensor with NaN in it"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), torch.ones(3, 3)), TypeError, "mask must be a boolean tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), [[True] * 3] * 3), TypeError, "mask must be a boolean torch.Tensor"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(1, 3, 8), causal_mask(4)), ValueError, "mask must broadcast"),
    (lambda: MultiHeadAttention(8, 4)(torch.zeros(2, 3, 8), padding_mask([3, 2, 1])), ValueError, "mask must broadcast"),
    (lambda: split_heads(torch.zeros(3, 8), 2), ValueError, "x must be a 3-D tensor"),
    (lambda: split_heads(torch.zeros(1, 3, 8), 3), ValueError, "d_model=8 and num_heads=3"),
    (lambda: split_heads(torch.zeros(1, 3, 8), "2"), TypeError, "num_heads must be a positive int"),
    (lambda: merge_heads(torch.zeros(1, 3, 8)), ValueError, "x must be a 4-D tensor"),
    (lambda: MultiHeadAttention(8, 4).load_from_torch(nn.Linear(8, 8)), TypeError, "torch.nn.MultiheadAttention"),
    (_loaded_from_torch(embed_dim=12), ValueError, "got embed_dim=12 and num_heads=4"),
    (_loaded_from_torch(num_heads=2), ValueError, "got embed_dim=8 and num_heads=2"),
    (_loaded_from_torch(batch_first=False), ValueError, "batch_first=True"),
    (_loaded_from_torch(kdim=6, vdim=6), ValueError, "kdim=6, vdim=6"),
    (_loaded_from_torch(add_bias_kv=True), ValueError, "add_bias_kv=True"),
    (_loaded_from_torch(add_zero_attn=True), ValueError, "add_bias_kv=False, add_zero_attn=True"),
    (_loaded_from_torch(bias=False), ValueError, "bias=True like this module"),
    (lambda: course_example(d_model=10), ValueError, "num_heads must divide d_model (each head gets d_model / num_heads features); got d_model=10 and num_heads=4"),
    (lambda: course_example(num_heads=0), ValueError, "num_heads must be a positive int; got 0"),
    (lambda: course_example(seed="123"), TypeError, "seed must be an int; got '123' (type str)"),
    (lambda: course_example(seed=-1), ValueError, "seed must be zero or positive; got -1"),
]  # fmt: skip

# ---- helpers.cost (11_cost_of_attention.ipynb) ---------------------------------------------
COST = [
    (lambda: cost.score_matrix_bytes("9"), TypeError, "n must be a positive int; got '9'"),
    (lambda: cost.score_matrix_bytes(0), ValueError, "n must be a positive int; got 0"),
    (lambda: cost.score_matrix_bytes(9, heads=1.5), TypeError, "heads must be a positive int"),
    (lambda: cost.score_matrix_bytes(9, batch=0), ValueError, "batch must be a positive int; got 0"),
    (lambda: cost.score_matrix_bytes(9, dtype="float32"), TypeError, "dtype must be a torch.dtype"),
    (lambda: cost.score_matrix_bytes(9, dtype=torch.int64), ValueError, "floating-point dtype"),
    (lambda: cost.bytes_per_number("float32"), TypeError, "dtype must be a torch.dtype such as torch.float32; got 'float32' (type str)"),
    (lambda: cost.bytes_per_number(torch.int32), ValueError, "dtype must be a floating-point dtype (scores are real numbers); got torch.int32"),
    (lambda: cost.attention_multiply_adds(True, 2, 4), TypeError, "n must be a positive int; got True"),
    (lambda: cost.attention_multiply_adds(9, -1, 4), ValueError, "d_k must be a positive int; got -1"),
    (lambda: cost.attention_multiply_adds(9, 2, 4.0), TypeError, "d_v must be a positive int"),
    (lambda: cost.projection_multiply_adds(9, 0, 2, 4), ValueError, "d must be a positive int; got 0"),
    (lambda: cost.projection_multiply_adds(9, 3, 2, 4, heads=0), ValueError, "heads must be a positive int; got 0"),
    (lambda: cost.human_bytes(1.5), TypeError, "count must be an int number of bytes; got 1.5"),
    (lambda: cost.human_bytes(-1), ValueError, "count must be zero or positive; got -1"),
    (lambda: cost.log_log_slope("ab", [1, 2]), TypeError, "x must be a list of positive numbers"),
    (lambda: cost.log_log_slope([1, 2], [1, "2"]), TypeError, "y must hold numbers only"),
    (lambda: cost.log_log_slope([1, 2], [0, 1]), ValueError, "y must hold positive numbers"),
    (lambda: cost.log_log_slope([1], [1]), ValueError, "at least 2; got 1 and 1"),
    (lambda: cost.log_log_slope([1, 2, 4], [1, 4]), ValueError, "x and y must hold the same number of points, at least 2; got 3 and 2"),
    (lambda: cost.log_log_slope([2, 2], [1, 4]), ValueError, "the first and last x must differ"),
    (lambda: cost.load_measured_costs(42), TypeError, "path must be a str or pathlib.Path; got 42"),
    # tools/bench_attention.py (`make bench`) measures the functions whose costs this module reads
    (lambda: bench_attention.attention_function("mine"), ValueError, "function must be one of"),
]  # fmt: skip

# ---- helpers.training (12_watching_attention_learn.ipynb) --------------------------------


def _model() -> training.PreviousTokenModel:
    return training.build_model()


def _held() -> torch.Tensor:
    return training.lesson_data()[1]


def _gen() -> torch.Generator:
    return torch.Generator().manual_seed(1)


TRAINING = [
    (lambda: training.random_sequences(2.0, _gen()), TypeError, "batch_size must be a positive int"),
    (lambda: training.random_sequences(0, _gen()), ValueError, "batch_size must be a positive int; got 0"),
    (lambda: training.random_sequences(4, 123), TypeError, "generator must be a torch.Generator"),
    (lambda: training.random_sequences(4, _gen(), n_tokens=1), ValueError, "n_tokens must be at least 2; got 1"),
    (lambda: training.random_sequences(4, _gen(), length=1), ValueError, "length must be at least 2; got 1"),
    (lambda: training.previous_token_targets([1, 2, 3]), TypeError, "tokens must be a 1-D or 2-D torch.Tensor"),
    (lambda: training.previous_token_targets(torch.ones(2, 6)), TypeError, "tokens must be an integer tensor"),
    (lambda: training.encode_tokens(torch.zeros(1, 2, 6, dtype=torch.long)), ValueError, "tokens must be a 1-D or 2-D tensor; got a 3-D"),
    (lambda: training.encode_tokens(torch.tensor([0, 6])), ValueError, "tokens must lie in 0 .. 5; got values from 0 to 6"),
    (lambda: training.encode_tokens(torch.tensor([-1, 2])), ValueError, "tokens must lie in 0 .. 5"),
    (lambda: training.encode_tokens(torch.tensor([0, 1]), 1), TypeError, "with_positions must be True or False"),
    (lambda: training.PreviousTokenModel(6, "yes"), TypeError, "with_positions must be True or False"),
    (lambda: training.PreviousTokenModel(0), ValueError, "length must be a positive int"),
    (lambda: _model()(torch.zeros(2, 5, dtype=torch.long)), ValueError, "tokens must hold sequences of 6 tokens; got shape (2, 5)"),
    (lambda: training.build_model(1.5), TypeError, "seed must be an int"),
    (lambda: training.build_model(-1), ValueError, "seed must be zero or positive; got -1"),
    (lambda: training.task_loss(torch.zeros(6, 6), torch.zeros(6, dtype=torch.long)), ValueError, "logits must be a 3-D tensor"),
    (lambda: training.task_loss(torch.zeros(2, 6, 6), torch.zeros(2, 5, dtype=torch.long)), ValueError, "logits must have shape (batch, length, 6) and targets (batch, length)"),
    (lambda: training.task_loss(torch.zeros(2, 6, 6), torch.zeros(2, 6)), TypeError, "targets must be an integer tensor"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6, 5)), ValueError, "weights must be square"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6, 6, dtype=torch.long)), TypeError, "weights must hold floating-point numbers"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6)), ValueError, "weights must be a 2-D or 3-D tensor"),
    (lambda: training.measure(object(), _held()), TypeError, "model must be a PreviousTokenModel"),
    (lambda: training.measure(_model(), _held()[0]), ValueError, "tokens must be a 2-D tensor"),
    (lambda: training.train(torch.nn.Linear(2, 2), _gen(), _held()), TypeError, "model must be a PreviousTokenModel"),
    (lambda: training.train(_model(), None, _held()), TypeError, "generator must be a torch.Generator"),
    (lambda: training.train(_model(), _gen(), torch.zeros(4, 6)), TypeError, "held_out must be an integer tensor"),
    (lambda: training.train(_model(), _gen(), _held(), steps=0), ValueError, "steps must be a positive int; got 0"),
    (lambda: training.train(_model(), _gen(), _held(), learning_rate="0.02"), TypeError, "learning_rate must be a positive number"),
    (lambda: training.train(_model(), _gen(), _held(), learning_rate=-0.1), ValueError, "learning_rate must be a positive, finite number; got -0.1"),
    (lambda: training.train(_model(), _gen(), _held(), learning_rate=float("nan")), ValueError, "learning_rate must be a positive, finite number"),
    (lambda: training.train(_model(), _gen(), _held(), batch_size=0), ValueError, "batch_size must be a positive int"),
    (lambda: training.train(_model(), _gen(), _held(), record_every=2.5), TypeError, "record_every must be a positive int"),
    (lambda: training.token_labels(_held()), ValueError, "tokens must be a 1-D tensor"),
    (lambda: training.lesson_run(0), ValueError, "record_every must be a positive int"),
]  # fmt: skip

# ---- helpers.real_model (13_a_real_models_attention.ipynb; loads the model package) -------
H = torch.zeros(11, 384)
TOKENS = ["[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "[SEP]"]

REAL_MODEL = [
    (lambda: real_model.tokenize("  "), ValueError, "sentence must contain"),
    (lambda: real_model.tokenize(3), TypeError, "sentence must be a string"),
    (lambda: real_model.run_model(""), ValueError, "sentence"),
    (lambda: real_model.recompute_head(H, 6, 0), ValueError, "layer must be from 0 to 5; got 6"),
    (lambda: real_model.head_projections(-1, 0), ValueError, "layer must be from 0 to 5; got -1"),
    (lambda: real_model.recompute_head(H, "0", 0), TypeError, "layer must be an int"),
    (lambda: real_model.head_projections(True, 0), TypeError, "layer must be an int"),
    (lambda: real_model.recompute_head(H, 0, 12), ValueError, "head must be from 0 to 11; got 12"),
    (lambda: real_model.head_projections(0, 2.0), TypeError, "head must be an int"),
    (lambda: real_model.require_layer_head(0, -1), ValueError, "head must be from 0 to 11; got -1"),
    (lambda: real_model.require_layer_head(None, 0), TypeError, "layer must be an int from 0 to 5; got None (type NoneType)"),
    (lambda: real_model.recompute_head([[0.0]], 0, 0), TypeError, "layer_input must be"),
    (lambda: real_model.recompute_head(torch.zeros(11, 384, dtype=torch.long), 0, 0), TypeError, "layer_input must hold floating-point"),
    (lambda: real_model.recompute_head(torch.zeros(11, 32), 0, 0), ValueError, "layer_input must have 384 features"),
    (lambda: real_model.recompute_head(torch.zeros(384), 0, 0), ValueError, "layer_input must be a 2-D or 3-D"),
    (lambda: real_model.recompute_head(H, 0, 0, [1] * 11), TypeError, "attention_mask must be a tensor"),
    (lambda: real_model.recompute_head(H, 0, 0, torch.ones(9)), ValueError, "attention_mask must have shape (11,)"),
    (lambda: real_model.strongest_keys(torch.zeros(11, 9), TOKENS), ValueError, "weights must be (11, 11)"),
    (lambda: real_model.strongest_keys(torch.zeros(11, 11), "tokens"), TypeError, "tokens must be a list of strings"),
    (lambda: real_model.strongest_keys([[1.0]], ["a"]), TypeError, "weights must be a 2-D torch.Tensor; got [[1.0]] (type list)"),
    (lambda: real_model.strongest_keys(torch.eye(2, dtype=torch.long), ["a", "b"]), TypeError, "weights must hold floating-point numbers; got dtype torch.int64"),
]  # fmt: skip

# ---- helpers.beyond_figures (08_masks.ipynb; the pictures of lessons 08 to 13) -----------
CAUSAL = torch.tril(torch.ones(9, 9, dtype=torch.bool))
MEMORY = {"Q": 1, "K": 1, "V": 1, "scores": 4, "weights": 4, "context": 1}
WORK = {"projections": 10, "attention": 20}

BEYOND_FIGURES = [
    # 08_masks.ipynb
    (lambda: beyond_figures.causal_weights_figure([[1.0]], CAUSAL.float(), CAUSAL, WORDS), TypeError, "weights must be a 2-D float tensor (queries x keys); got [[1.0]]"),
    (lambda: beyond_figures.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL, WORDS[:8]), ValueError, "weights must have one row and one column per word, (8, 8); got shape (9, 9)"),
    (lambda: beyond_figures.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL, "The quick"), TypeError, "words must be a list of strings; got 'The quick'"),
    (lambda: beyond_figures.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL, [1] * 9), TypeError, "words must hold only strings"),
    (lambda: beyond_figures.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL.float(), WORDS), TypeError, "mask must be a boolean tensor (True = may attend)"),
    (lambda: beyond_figures.causal_weights_figure(CAUSAL.float(), CAUSAL.float(), CAUSAL[:3, :3], WORDS), ValueError, "mask must have shape (9, 9); got (3, 3)"),
    (lambda: beyond_figures.causal_explorer_figure(CAUSAL.float(), CAUSAL, WORDS, 9), ValueError, "query_index must be from 0 to 8; got 9"),
    (lambda: beyond_figures.causal_explorer_figure(CAUSAL.float(), CAUSAL, WORDS, "3"), TypeError, "query_index must be an int from 0 to 8; got '3'"),
    # 09_multi_head_attention.ipynb
    (lambda: beyond_figures.heads_figure(torch.zeros(3, 3), ["a"] * 3), TypeError, "weights must be a (heads, n, n) tensor"),
    (lambda: beyond_figures.heads_figure(torch.zeros(2, 3, 3), ["a"] * 2), ValueError, "got weights of shape (2, 3, 3) and 2 words"),
    # 10_what_pytorch_does.ipynb
    (lambda: beyond_figures.in_proj_figure(torch.zeros(24), 8), TypeError, "in_proj_weight must be a 2-D tensor"),
    (lambda: beyond_figures.in_proj_figure(torch.zeros(24, 8), 4), ValueError, "(12, 4); got (24, 8)"),
    (lambda: beyond_figures.in_proj_figure(torch.zeros(24, 8), "8"), TypeError, "d_model must be a positive int"),
    (lambda: beyond_figures.mask_comparison_figure(torch.zeros(3), torch.zeros(3, 3), ["a"] * 3), TypeError, "course_weights must be an (n, n) tensor"),
    (lambda: beyond_figures.mask_comparison_figure(torch.zeros(3, 3), torch.zeros(3, 3), ["a"] * 2), ValueError, "got shape (3, 3) and 2 words"),
    # 11_cost_of_attention.ipynb
    (lambda: beyond_figures.cost_growth_figure(768, 5), ValueError, "heads must divide d_model; got d_model=768, heads=5"),
    (lambda: beyond_figures.cost_growth_figure(768, "12"), TypeError, "heads must be a positive int"),
    (lambda: beyond_figures.measured_cost_figure([]), TypeError, "rows must"),
    (lambda: beyond_figures.measured_cost_figure("rows"), TypeError, "rows must"),
    (lambda: beyond_figures.measured_cost_figure([{"function": "f"}]), TypeError, "rows must"),
    (lambda: beyond_figures.measured_cost_figure([1, 2]), TypeError, "rows must"),
    (lambda: beyond_figures.cost_explorer_figure([1, 2], WORK, 9), TypeError, "memory must be a non-empty dict from a name to an int count, as cost_parts() returns; got [1, 2] (type list)"),
    (lambda: beyond_figures.cost_explorer_figure(MEMORY, {}, 9), TypeError, "multiply_adds must be a non-empty dict from a name to an int count, as cost_parts() returns; got {}"),
    (lambda: beyond_figures.cost_explorer_figure(MEMORY | {"Q": 1.5}, WORK, 9), TypeError, "memory must be a non-empty dict from a name to an int count"),
    (lambda: beyond_figures.cost_explorer_figure(MEMORY, WORK | {"attention": -1}, 9), ValueError, "multiply_adds must hold counts of zero or more; got {'attention': -1}"),
    (lambda: beyond_figures.cost_explorer_figure(MEMORY, WORK, 0), ValueError, "n must be a positive int; got 0"),
    # 12_watching_attention_learn.ipynb
    (lambda: beyond_figures.training_curves_figure("1.0", [0], [1.0], [0.5]), TypeError, "batch_losses must be a non-empty list of numbers"),
    (lambda: beyond_figures.training_curves_figure([1.0], [0, 1], [1.0], [0.5]), ValueError, "one entry per checkpoint"),
    (lambda: beyond_figures.training_curves_figure([1.0, float("nan")], [0], [1.0], [0.5]), ValueError, "batch_losses must hold finite numbers"),
    (lambda: beyond_figures.training_curves_figure([1.0, 0.0], [0], [1.0], [0.5]), ValueError, "losses must be positive (the loss axis is logarithmic); got a smallest loss of 0.0"),
    (lambda: beyond_figures.before_after_figure(torch.eye(6), torch.eye(5), ["a"] * 6), ValueError, "weights must have one row and one column per word"),
    (lambda: beyond_figures.before_after_figure([[1.0]], torch.eye(1), ["a"]), TypeError, "weights must be a 2-D float tensor"),
    (lambda: beyond_figures.checkpoint_figure(torch.eye(2), "ab", 0), TypeError, "words must be a list of strings"),
    # 13_a_real_models_attention.ipynb
    (lambda: beyond_figures.attention_grid_figure(torch.zeros(6, 12, 11), TOKENS), TypeError, "attentions must be a (layers, heads, n, n)"),
    (lambda: beyond_figures.attention_grid_figure(torch.zeros(1, 2, 11, 11), TOKENS[:9]), ValueError, "tokens must label the 11 queries"),
    (lambda: beyond_figures.attention_grid_figure(torch.zeros(1, 2, 3, 3), "abc"), TypeError, "tokens must be a list of strings"),
]  # fmt: skip

# ---- helpers.beyond_explorers (08_masks.ipynb; the explorers of lessons 08 to 13) --------
BEYOND_EXPLORERS = [
    # 08_masks.ipynb
    (lambda: beyond_explorers.causal_grid_picture(CAUSAL.float(), CAUSAL, WORDS, True), TypeError, "query_index must be an int from 0 to 8; got True"),
    (lambda: beyond_explorers.causal_grid_picture(CAUSAL.float(), CAUSAL.int(), WORDS, 0), TypeError, "mask must be a boolean tensor (True = may attend); got"),
    (lambda: beyond_explorers.causal_weights(1), TypeError, "causal must be True or False; got 1 (type int)"),
    (lambda: beyond_explorers.describe_causal_query(-1), ValueError, "query_index must be from 0 to 8; got -1"),
    (lambda: beyond_explorers.describe_causal_query(2.0), TypeError, "query_index must be an int from 0 to 8; got 2.0"),
    (lambda: beyond_explorers.describe_causal_query(3, "on"), TypeError, "causal must be True or False; got 'on'"),
    # 09_multi_head_attention.ipynb
    (lambda: beyond_explorers.course_head_weights("yes"), TypeError, "causal must be True or False"),
    # 10_what_pytorch_does.ipynb
    (lambda: beyond_explorers.torch_mask(torch.zeros(3, 3), "converted"), TypeError, "mask must be a boolean tensor"),
    (lambda: beyond_explorers.torch_mask(causal_mask(3), "inverted"), ValueError, "passing must be one of"),
    (lambda: beyond_explorers.compare_with_torch("future", "converted"), ValueError, "kind must be one of"),
    (lambda: beyond_explorers.compare_with_torch("causal", "twice"), ValueError, "passing must be one of"),
    # 11_cost_of_attention.ipynb
    (lambda: beyond_explorers.cost_parts(0, 8, 64), ValueError, "n must be a positive int; got 0"),
    (lambda: beyond_explorers.cost_parts(512, 8, "64"), TypeError, "d_k must be a positive int; got '64' (type str)"),
    (lambda: beyond_explorers.describe_cost(512, 0, 64), ValueError, "heads must be a positive int; got 0"),
    (lambda: beyond_explorers.cost_picture(512, 8.0, 64), TypeError, "heads must be a positive int; got 8.0 (type float)"),
    (lambda: beyond_explorers.cost_explorer(n=10), ValueError, "n must be one of the slider's values (9, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072); got 10 (type int)"),
    (lambda: beyond_explorers.cost_explorer(heads=3), ValueError, "heads must be one of the slider's values (1, 2, 4, 8, 12, 16, 32); got 3 (type int)"),
    (lambda: beyond_explorers.cost_explorer(d_k="64"), ValueError, "d_k must be one of the slider's values (2, 4, 8, 16, 32, 64, 128); got '64' (type str)"),
    (lambda: beyond_explorers.cost_explorer(heads=True), ValueError, "got True (type bool)"),
    # 12_watching_attention_learn.ipynb
    (lambda: beyond_explorers.describe_training(15), ValueError, "step must be one of the recorded steps"),
    (lambda: beyond_explorers.describe_training(10, 4), ValueError, "sequence must be from 0 to 3; got 4"),
    (lambda: beyond_explorers.describe_training(10, 1.0), TypeError, "sequence must be an int"),
    (lambda: beyond_explorers.describe_training(10.0), TypeError, "step must be an int, one of the recorded steps [0, 10, 20,"),
    (lambda: beyond_explorers.training_picture(15), ValueError, "step must be one of the recorded steps [0, 10, 20,"),
    (lambda: beyond_explorers.training_picture(10, 4), ValueError, "sequence must be from 0 to 3; got 4"),
    (lambda: beyond_explorers.training_picture(10, "1"), TypeError, "sequence must be an int from 0 to 3; got '1' (type str)"),
    # 13_a_real_models_attention.ipynb
    (lambda: beyond_explorers.describe_real_head(0, 12), ValueError, "head must be from 0 to 11; got 12"),
    (lambda: beyond_explorers.describe_real_head(6, 0), ValueError, "layer must be from 0 to 5; got 6"),
    (lambda: beyond_explorers.real_head_picture("1", 0), TypeError, "layer must be an int"),
    (lambda: beyond_explorers.real_head_picture(0, None), TypeError, "head must be an int"),
]  # fmt: skip

BAD_INPUTS = (
    LESSON_AND_VOCABULARY + ATTENTION + MASKS + FIGURES + HTML_PICTURES + EXPLORERS
    + MULTIHEAD + COST + TRAINING + REAL_MODEL + BEYOND_FIGURES + BEYOND_EXPLORERS
)  # fmt: skip

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
    # helpers.exercises: the checks themselves are met by WRONG_ANSWERS below
    "Verdict": "a plain record that the exercise checks return, never built by a learner",
    "correct": "builds a Verdict from a check's own text; only the course's checks call it",
    "not_yet": "builds a Verdict from a check's own text; only the course's checks call it",
    "not_attempted": "builds a Verdict from a check's own text; only the course's checks call it",
    "exercise_check": "the decorator of the course's checks, given the course's own hint",
    "batch_inputs": "takes no arguments",
    # helpers.multihead
    "heads_mask": "passes anything but a 3-D tensor on unchanged to scaled_dot_product_attention, which checks it (cases above)",
    # helpers.training
    "Checkpoint": "a plain record built by measure(), never by hand",
    "TrainingRun": "a plain record built by train(), never by hand",
    "lesson_data": "takes no arguments",
    # helpers.real_model
    "require_model_packages": "takes no arguments",
    "model_path": "takes no arguments",
    "load_tokenizer": "takes no arguments",
    "load_model": "takes no arguments",
    "ModelRun": "a plain record built by run_model(), never by hand",
    # helpers.beyond_explorers
    "causal_mask_explorer": "takes no arguments",
    "head_explorer": "takes no arguments",
    "pytorch_mask_explorer": "takes no arguments",
    "training_explorer": "takes no arguments",
    "real_model_explorer": "takes no arguments",
}

MODULES = [
    "helpers.lesson",
    "helpers.vocabulary",
    "helpers.attention",
    "helpers.masks",
    "helpers.figures",
    "helpers.html_pictures",
    "helpers.explorers",
    "helpers.exercises",
    "helpers.multihead",
    "helpers.beyond_figures",
    "helpers.beyond_explorers",
    "helpers.beyond_exercises",
    "helpers.cost",
    "helpers.training",
    "helpers.real_model",
]
"""Every module of helpers/ but the private ones: their public functions and classes must
appear in the list above, or in NO_BAD_INPUT; exercise checks (``check_*``) are met by
``WRONG_ANSWERS`` below instead, and the explorers' UPPERCASE constants are skipped."""

CHECKS = exercise_checks()


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


def public_helpers() -> dict[str, str]:
    """Every public function (cached ones too) and class of ``MODULES``: name to module."""
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if inspect.isfunction(inspect.unwrap(value)) or inspect.isclass(value):
                found[attribute] = name
    return found


def test_every_public_helper_has_bad_input_cases() -> None:
    source = Path(__file__).read_text()
    missing = []
    for attribute, name in public_helpers().items():
        if attribute in NO_BAD_INPUT or CHECKS.get(attribute) is getattr(
            importlib.import_module(name), attribute
        ):
            continue
        if name == "helpers.explorers" and attribute.isupper():
            continue
        if not re.search(rf"\b{attribute}\(", source):
            missing.append(f"{name}.{attribute}")
    assert not missing, f"add bad-input cases (or a reason in NO_BAD_INPUT) for: {missing}"


def test_every_helpers_module_is_covered() -> None:
    modules = {
        f"helpers.{path.stem}"
        for path in (REPO / "helpers").glob("*.py")
        if not path.stem.startswith("_")
    }
    assert modules == set(MODULES), "list every module of helpers/ in MODULES"


def test_every_reason_names_a_public_helper() -> None:
    helpers_found = public_helpers()
    stale = [name for name in NO_BAD_INPUT if name not in helpers_found]
    assert not stale, f"NO_BAD_INPUT names what no listed module defines: {stale}"


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
