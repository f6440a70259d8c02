"""Bad input from a learner gets a clear error: the argument, what it got, what was expected.

Input checks stand only where learners pass their own data: every ``helpers`` name that a
lesson's code cells use, and ``helpers.__all__`` (``learner_facing`` reads them from the
notebooks). Each such function or class that takes arguments has cases in a ``BAD_INPUT``
list: here for the shared modules (``helpers.course``, ``helpers.vocabulary``,
``helpers.attention``), in the test file of the module or lesson that owns it for the rest
(``tests/test_lNN_*.py``, ``tests/test_masks.py``, ...). Every list is collected and run
here. A name with no argument a learner could get wrong carries a reason in
``NO_BAD_INPUT``. Exercise checks never raise: tests/test_answers.py meets them instead.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
import torch
from course import LESSONS, REPO, read

import helpers
from helpers import (
    SENTENCE,
    SelfAttention,
    attention,
    build_vocabulary,
    encode,
    scaled_dot_product_attention,
    split_words,
)

VOCABULARY = build_vocabulary(SENTENCE)
ONES = torch.ones(9, 2)

# ---- helpers.course, helpers.vocabulary (01_vocabulary.ipynb) ------------------------------
BAD_INPUT = [
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
    # ---- helpers.attention (02-07)
    (lambda: attention.embed([0, 1]), TypeError, "ids must be a 1-D or 2-D torch.Tensor; got [0, 1] (type list) (wrap it with torch.tensor(...))"),
    (lambda: attention.embed(torch.tensor([0.0, 1.0])), TypeError, "ids must be an integer tensor (torch.int64); got dtype torch.float32"),
    (lambda: attention.embed(torch.tensor([0, 50000])), ValueError, "ids must lie in 0 .. 49999 (vocab_size=50000); got values from 0 to 50000"),
    (lambda: attention.embed(torch.tensor([-1])), ValueError, "got values from -1 to -1"),
    (lambda: attention.embed(torch.tensor([0]), d=0), ValueError, "d must be a positive int; got 0"),
    (lambda: attention.embed(torch.tensor([0]), vocab_size="9"), TypeError, "vocab_size must be a positive int; got '9' (type str)"),
    (lambda: attention.projection_weights(d_q=2, d_k=3), ValueError, "d_q must equal d_k (queries and keys meet in a dot product); got d_q=2, d_k=3"),
    (lambda: attention.projection_weights(d_v=-4), ValueError, "d_v must be a positive int; got -4"),
    (lambda: attention.attention_scores(torch.ones(9, 2), torch.ones(9, 3)), ValueError, "same last dimension (d_q must equal d_k); got query (9, 2) and key (9, 3)"),
    (lambda: attention.attention_scores(torch.ones(2), torch.ones(2)), ValueError, "query must be a tensor of at least 2 dimensions; got a 1-D tensor of shape (2,)"),
    (lambda: attention.attention_scores(torch.ones(9, 2, dtype=torch.long), torch.ones(9, 2)), TypeError, "query must hold floating-point numbers; got dtype torch.int64"),
    (lambda: attention.softmax(torch.tensor([1.0, float("nan")])), ValueError, "scores must not hold NaN"),
    (lambda: attention.softmax(torch.tensor([1.0, float("inf")])), ValueError, "scores must not hold +inf"),
    (lambda: attention.softmax(torch.ones(3, 3), dim=2), ValueError, "dim must be between -2 and 1 for a 2-D tensor; got 2"),
    (lambda: attention.softmax(torch.ones(3), dim=None), TypeError, "dim must be an int; got None"),
    (lambda: attention.softmax(torch.ones(0)), ValueError, "scores must not be empty; got shape (0,)"),
    (lambda: attention.softmax([1.0, 2.0]), TypeError, "scores must be a torch.Tensor of at least 1 dimensions; got [1.0, 2.0] (type list)"),
    (lambda: attention.attention_weights(torch.tensor([[0.0, float("nan")]])), ValueError, "scores must not hold NaN"),
    (lambda: attention.context_vectors(torch.ones(9, 9), torch.ones(8, 4)), ValueError, "weights must have one column per row of value; got weights (9, 9) and value (8, 4)"),
    (lambda: attention.context_vectors(torch.ones(9, 9), torch.ones(9, 4, dtype=torch.long)), TypeError, "value must hold floating-point numbers; got dtype torch.int64"),
    (lambda: attention.context_vectors(torch.ones(9), torch.ones(9, 4)), ValueError, "weights must be a tensor of at least 2 dimensions; got a 1-D tensor of shape (9,)"),
    (lambda: SelfAttention(3, 2, 3, 4), ValueError, "d_q must equal d_k"),
    (lambda: SelfAttention(0, 2, 2, 4), ValueError, "d must be a positive int; got 0"),
    (lambda: SelfAttention(3, 2, 2, 4)(torch.ones(9, 5)), ValueError, "x must have 3 features in its last dimension (d=3); got shape (9, 5)"),
    (lambda: SelfAttention(3, 2, 2, 4)(None), TypeError, "x must be a torch.Tensor of at least 2 dimensions; got None"),
    (lambda: SelfAttention(3, 2, 2, 4)([[1.0, 2.0, 3.0]]), TypeError, "got [[1.0, 2.0, 3.0]] (type list) (wrap it with torch.tensor(...))"),
    (lambda: SelfAttention(3, 2, 2, 4)(torch.ones(9, 3, dtype=torch.long)), TypeError, "x must hold floating-point numbers; got dtype torch.int64"),
    (lambda: SelfAttention(3, 2, 2, 4)(torch.ones(9, 3) * float("nan")), ValueError, "must hold only finite numbers; got a tensor with NaN in it"),
    (lambda: SelfAttention(3, 2, 2, 4)(torch.ones(9, 3), torch.ones(9, 9, dtype=torch.int64)), TypeError, "got dtype torch.int64"),
    (lambda: scaled_dot_product_attention(ONES, ONES, torch.ones(9)), ValueError, "value must be a tensor of at least 2 dimensions; got a 1-D tensor of shape (9,)"),
    (lambda: scaled_dot_product_attention(ONES, ONES, [1.0]), TypeError, "value must be a torch.Tensor of at least 2 dimensions; got [1.0] (type list)"),
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
]  # fmt: skip

NO_BAD_INPUT = {
    "rebuild_steps": "takes no arguments",
    "SENTENCE": "a constant",
    "SEED": "a constant",
}
"""Learner-facing names that take nothing a learner could get wrong, each with the reason.
Names without parameters (the explorers, ``load_model``, ...) need no entry."""


def collected() -> list[tuple[str, Callable[[], object], type[Exception], str]]:
    """Every ``BAD_INPUT`` case of every test file: (file, call, error, message piece)."""
    found = [("test_bad_input", *case) for case in BAD_INPUT]
    for path in sorted((REPO / "tests").glob("test_*.py")):
        if path.stem != "test_bad_input" and "BAD_INPUT" in path.read_text(encoding="utf-8"):
            cases = getattr(importlib.import_module(path.stem), "BAD_INPUT", [])
            found += [(path.stem, *case) for case in cases]
    return found


CASES = collected()


@pytest.mark.parametrize(
    ("where", "call", "error", "message"), CASES, ids=[f"{c[0]}-{c[3][:60]}" for c in CASES]
)
def test_bad_input_gets_a_clear_error(
    where: str, call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        call()
    text = str(caught.value)
    assert message in text, f"expected {message!r} in the message; got {text!r}"
    assert " must " in text or "not in vocabulary" in text, f"say what was expected: {text!r}"
    assert "got" in text or "Expected only known words" in text, f"say what was given: {text!r}"


def learner_facing() -> dict[str, Any]:
    """Every helpers function or class a lesson's code cells use, and ``helpers.__all__``."""
    found = {name: getattr(helpers, name) for name in helpers.__all__}
    for path in LESSONS:
        for cell in read(path).cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(
                line
                for line in cell.source.splitlines()
                if not line.lstrip().startswith(("%", "!"))
            )
            modules = {"helpers": helpers}
            tree = ast.parse(source)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
                    module = importlib.import_module(node.module)
                    for alias in node.names:
                        value = getattr(module, alias.name)
                        if inspect.ismodule(value):
                            modules[alias.asname or alias.name] = value
                        else:
                            found[alias.name] = value
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in modules
                ):
                    value = getattr(modules[node.value.id], node.attr, None)
                    if callable(value) and not inspect.ismodule(value):
                        found[node.attr] = value
    return found


def takes_arguments(value: Any) -> bool:
    target = value.__init__ if inspect.isclass(value) else value
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return any(name not in ("self", "cls") for name in parameters)


def test_every_learner_facing_name_has_bad_input_cases() -> None:
    calls = "\n".join(inspect.getsource(case[1]) for case in CASES)
    missing = []
    for name, value in learner_facing().items():
        if name in NO_BAD_INPUT or name.startswith("check_") or not callable(value):
            continue  # exercise checks never raise: tests/test_answers.py meets them
        if getattr(value, "__module__", "").split(".")[0] != "helpers" or not takes_arguments(
            value
        ):
            continue
        if f"{name}(" not in calls:
            missing.append(f"{value.__module__}.{name}")
    assert not missing, f"add BAD_INPUT cases (or a reason in NO_BAD_INPUT) for: {sorted(missing)}"


def test_every_reason_names_a_learner_facing_name() -> None:
    stale = [name for name in NO_BAD_INPUT if name not in learner_facing()]
    assert not stale, f"NO_BAD_INPUT names what no lesson uses: {stale}"
