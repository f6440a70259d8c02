"""The course's toolkit, shared by every lesson: the setup cell (helpers.setup_lesson), the
one answer reader and the contract every exercise check keeps, clear errors for bad input,
the explorers' shared rules, the picture descriptions and their renderings, the figures, and
the seam for a second language. One section per part; what one lesson's checks, explorers
and pictures show is tested in that lesson's file (``tests/test_lNN_*.py``).
"""

from __future__ import annotations

import ast
import base64
import importlib
import inspect
import random
import string
import sys
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from course import (
    LESSONS,
    REPO,
    defined_tests,
    explorer_factories,
    figure_text,
    lesson_members,
    numbers_in,
    picture_labels,
    picture_text,
    read,
)
from explorer_steps import STEPS

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
from helpers import course as course_table
from helpers.ui import answers, figures, pictures, strings
from helpers.ui import explore as ui
from helpers.ui.answers import Verdict, exercise_check, judge, read_number, read_tensor
from helpers.ui.charts import Bars, NumberLines, TokenBoxes
from helpers.ui.figures import render_png
from helpers.ui.pictures import Heatmap, Message, Row, Sign, figure

# ================================================================================================
# helpers.setup_lesson (every lesson's setup cell) seeds, sets print options, checks torch.
# ================================================================================================


def test_seeds_torch_and_python() -> None:
    helpers.setup_lesson()
    drawn = torch.rand(3), random.random()
    torch.manual_seed(123)
    random.seed(123)
    assert torch.equal(drawn[0], torch.rand(3)) and drawn[1] == random.random()


def test_print_options() -> None:
    helpers.setup_lesson()
    assert str(torch.tensor([1 / 3, 1e-6])) == "tensor([0.3333, 0.0000])"


def test_silent_with_the_pinned_torch(capsys: pytest.CaptureFixture[str]) -> None:
    assert torch.__version__.split("+")[0] == course_table.TORCH_VERSION
    helpers.setup_lesson()
    assert capsys.readouterr().out == ""


def test_notes_another_torch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch, "__version__", "2.5.1+cu121")
    helpers.setup_lesson()
    out = capsys.readouterr().out
    assert "this kernel has PyTorch 2.5.1; the course was checked with 2.13.0" in out


@pytest.mark.parametrize(
    ("colab", "variable", "expected"),
    [
        (False, None, None),  # a learner's own kernel: the cell's message says what to run
        (True, None, "git+https://github.com/{repository}@{branch}"),  # Colab: from [tool.course]
        (False, "dist/course.whl", "dist/course.whl"),  # make colab-rehearsal's wheel
    ],
)
def test_setup_cells_bootstrap_installs_the_course_only_where_asked(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    colab: bool,
    variable: str | None,
    expected: str | None,
) -> None:
    """The first lines of every setup cell (tools/links.py: BOOTSTRAP), run as a kernel runs
    them, with `helpers` missing; pip itself is replaced by a recorder."""
    import importlib.util
    import subprocess

    from tools.links import bootstrap, settings

    calls = []

    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name: None if name == "helpers" else real_find_spec(name),
    )
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.delenv("COURSE_PACKAGE", raising=False)
    if variable:
        monkeypatch.setenv("COURSE_PACKAGE", variable)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", object())
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(bootstrap(), {})
    out = capsys.readouterr().out
    if expected is None:
        assert calls == [] and out == ""
        return
    repository, branch = settings()
    (command,) = calls
    assert command[:4] == [sys.executable, "-m", "pip", "install"] and "--quiet" in command
    assert command[-1] == expected.format(repository=repository, branch=branch)
    assert out == "Installing the course package into this kernel (once per session)...\n"


def test_setup_cells_bootstrap_shows_pips_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import subprocess

    from tools.links import bootstrap

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("COURSE_PACKAGE", "no-such-wheel.whl")
    failed = subprocess.CompletedProcess([], 1, "", "ERROR: no-such-wheel.whl does not exist")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(
        RuntimeError, match=r"could not install the course package:\n.*does not exist"
    ):
        exec(bootstrap(), {})


def test_printing_warnings_prints_them_on_stdout_without_the_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A pitfall that warns (lessons 04, 05, 07) shows the warning as output: nbval compares
    stderr, and PyTorch's text names a path of the machine that built it."""
    with helpers.printing_warnings():
        reversed_shape = torch.zeros(2, 9, 3).T.shape
    with pytest.raises(RuntimeError), helpers.printing_warnings():
        warnings.warn("first (Triggered internally at /home/someone/aten.cpp:12.)", stacklevel=1)
        raise RuntimeError("the block failed")
    out, err = capsys.readouterr()
    assert reversed_shape == (3, 9, 2) and err == ""
    assert out.splitlines() == [
        "UserWarning: The use of `x.T` on tensors of dimension other than 2 to reverse their "
        "shape is deprecated and it will throw an error in a future release. Consider `x.mT` to "
        "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
        "reverse the dimensions of a tensor.",
        "UserWarning: first",
    ]


# ================================================================================================
# helpers.ui.answers: one reader for every answer, and every check understands it.
#
# Each lesson's test file (``tests/test_lNN_*.py``) names the right answer of each of its
# checks in ``RIGHT_ANSWERS`` (computed there with plain PyTorch). Here one contract test
# per check meets that answer in every form a learner types it (float32, float64, int32
# where the answer is whole, NumPy, nested lists, NumPy scalars, rounded values), which it
# must judge by value, then one answer of each kind that is not a number at all, which must
# get a friendly "Not yet". The reader itself is tested on many more such answers below;
# each lesson's own diagnoses (the mistakes its checks name) are tested in its test file.
# ================================================================================================

CHECKS = lesson_members(prefix="check_")


def right_answers() -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {}
    for path in sorted((REPO / "tests").glob("test_l[0-9][0-9]_*.py")):
        found |= getattr(importlib.import_module(path.stem), "RIGHT_ANSWERS", {})
    return found


RIGHT = right_answers()


def test_every_check_has_a_right_answer() -> None:
    missing = set(CHECKS) - set(RIGHT)
    assert not missing, f"name the right answer in its lesson's RIGHT_ANSWERS: {sorted(missing)}"


def forms(right: Any) -> dict[str, Any]:
    """The right answer as a learner might type it: every form must be read as its value."""
    if not isinstance(right, torch.Tensor) or right.dtype == torch.bool:
        return {"as given": right}
    right = right.detach()
    found = {
        "float32": right.float(),
        "float64": right.double(),
        "numpy": right.double().numpy(),
        "list": right.tolist(),
        "requires grad": right.float().clone().requires_grad_(),
    }
    if right.dim() == 0:
        found["numpy scalar"] = np.float64(right.item())
    if not right.is_floating_point() or torch.equal(right, right.round()):
        found["int32"] = right.to(torch.int32)
        found["int64"] = right.to(torch.int64)
    return found


NOT_NUMBERS: list[Any] = [
    None, "an answer", "", b"bytes", {"a": 1}, {1, 2}, object(), print, [[1, 2], [3]],
    [], torch.tensor([]), torch.tensor(float("nan")), torch.full((9, 4), float("inf")),
    True, torch.zeros(2, 2),
]  # fmt: skip
"""Answers that are not numbers at all: the reader refuses each (test below)."""

REPRESENTATIVE_WRONG: list[Any] = [
    None, "an answer", {"a": 1}, [[1, 2], [3]], torch.tensor(float("nan")), True, torch.zeros(2, 2),
]  # fmt: skip
"""One of each kind the reader refuses (missing, text, a container, a ragged list, not
finite, a bool, a tensor of another shape): every check meets these."""


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_keeps_the_contract(name: str) -> None:
    """The one contract of every check: the placeholder is "not attempted"; the right value
    is Correct in every form a learner types it; rounded to two decimals, as printed, it is
    right or "close, but not precise enough"; an answer that is not a number gets a friendly
    "Not yet" that says what was given, never "could not read your answer"."""
    check, broken = CHECKS[name], []
    verdict = check(...)
    if not (verdict.status == "not attempted" and not verdict.passed):
        broken.append(f"placeholder: {verdict.status}")
    if not verdict.message.startswith("Not attempted yet: replace the ... with your answer"):
        broken.append(f"placeholder: {verdict.message!r}")
    if "\nHint: " not in verdict.message:
        broken.append(f"placeholder gets no hint: {verdict.message!r}")
    right = RIGHT[name]()
    for form, answer in forms(right).items():
        if not (verdict := check(answer)).passed:
            broken.append(f"the right value as {form}: {verdict.message!r}")
    if (
        isinstance(right, torch.Tensor)
        and right.is_floating_point()
        and not torch.equal(right.double(), right.double().round(decimals=2))
    ):
        verdict = check(right.double().round(decimals=2).tolist())
        if not (verdict.passed or "close, but not precise enough" in verdict.message):
            broken.append(f"rounded to two decimals: {verdict.message!r}")
    for answer in REPRESENTATIVE_WRONG:
        verdict = check(answer)
        if not (
            verdict.status == "not yet"
            and verdict.message.startswith("Not yet: ")
            and "could not read your answer" not in verdict.message
        ):
            broken.append(f"answer {answer!r}: {verdict.message!r}")
        if "\nHint: " not in verdict.message:
            broken.append(f"answer {answer!r} gets no hint: {verdict.message!r}")
    assert not broken, f"{name} breaks the contract:\n" + "\n".join(broken)


# ---- the reader itself ---------------------------------------------------------------------

HINT = "a hint"


@pytest.mark.parametrize(
    "answer",
    [torch.tensor([1.0, 2.0]), torch.tensor([1, 2], dtype=torch.int32), np.array([1.0, 2.0]),
     [1, 2], (1.0, 2.0), [np.float32(1), np.int64(2)], torch.tensor([1.0, 2.0], requires_grad=True)],
    ids=["float32", "int32", "numpy", "list", "tuple", "numpy scalars", "grad"],
)  # fmt: skip
def test_read_tensor_reads_every_form_as_float64(answer: Any) -> None:
    tensor, problem = read_tensor(answer, (2,), "the pair", HINT)
    assert problem is None and tensor.dtype == torch.float64
    assert torch.equal(tensor, torch.tensor([1.0, 2.0], dtype=torch.float64))


@pytest.mark.parametrize("answer", NOT_NUMBERS, ids=[type(a).__name__ for a in NOT_NUMBERS])
def test_the_reader_refuses_what_is_not_a_number(answer: Any) -> None:
    for shape in [(9, 4), (3,), ()]:
        tensor, problem = read_tensor(answer, shape, "the answer", HINT)
        assert tensor is None and problem.message.endswith(HINT), (shape, answer)
    if not isinstance(answer, torch.Tensor) or answer.numel() != 1:
        value, problem = read_number(answer, "the count", HINT)
        assert value is None and problem.message.endswith(HINT), answer


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ([1, 2, 3], "your answer has shape (3,); the pair has shape (2,)"),
        ("1, 2", "the pair is a tensor of numbers of shape (2,); you gave '1, 2' (type str)"),
        ([True, False], "you gave [True, False] (type list)"),
        ([[1], [2, 3]], "you gave [[1], [2, 3]] (type list)"),
        ([1.0, float("nan")], "your answer holds NaN or infinity"),
    ],
)
def test_read_tensor_says_what_is_wrong(answer: Any, says: str) -> None:
    tensor, problem = read_tensor(answer, (2,), "the pair", HINT)
    assert tensor is None and says in problem.message and problem.message.endswith(HINT)


@pytest.mark.parametrize(
    ("answer", "value"),
    [(3, 3.0), (2.5, 2.5), (np.float64(2.5), 2.5), (np.int32(3), 3.0), (torch.tensor(2.5), 2.5),
     (torch.tensor([2.5]), 2.5), ([2.5], 2.5), (torch.tensor(3, dtype=torch.int32), 3.0)],
)  # fmt: skip
def test_read_number_reads_every_form(answer: Any, value: float) -> None:
    assert read_number(answer, "the count", HINT) == (value, None)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("12", "you gave the text '12'; write the count as a number, without quotes"),
        ([1, 2], "the count is one number; you gave 2 numbers (shape (2,))"),
        (None, "the count is one number; you gave None (type NoneType)"),
        (float("inf"), "the count is a finite number; you gave inf"),
        (True, "the count is one number; you gave True (type bool)"),
    ],
)
def test_read_number_says_what_is_wrong(answer: Any, says: str) -> None:
    value, problem = read_number(answer, "the count", HINT)
    assert value is None and says in problem.message


def test_judge_names_the_tolerance_when_close() -> None:
    right = torch.tensor([0.123456, 0.5])
    assert judge(right + 5e-5, right, "done", HINT).passed
    close = judge(right + 3e-3, right, "done", HINT)
    assert close.status == "not yet" and "within 0.0001" in close.message
    assert "up to 3.0e-03 away" in close.message
    assert judge(right + 1.0, right, "done", HINT) is None, "far off: the check says why"
    assert judge(right + 1e-3, right, "done", HINT, tolerance=1e-2).passed


@pytest.mark.parametrize(
    ("answer", "places"),
    [([0.1, 0.5], "1 decimal"), ([0.12, 0.5], "2 decimals"), ((0.123, 0.5), "3 decimals")],
)
def test_judge_recognises_a_picture_s_rounding(answer: Any, places: str) -> None:
    """Numbers copied from a picture (rounded to 1-3 decimals) are close, not wrong, even when
    they are further off than 100 × the tolerance; the verdict says the tolerance."""
    verdict = judge(
        torch.tensor(answer, dtype=torch.float32), torch.tensor([0.123456, 0.5]), "done", HINT
    )
    assert verdict is not None and verdict.status == "not yet"
    assert f"the right answer rounded to {places}, as a picture shows it" in verdict.message
    assert "counts within 0.0001" in verdict.message
    assert judge([0.2, 0.5], torch.tensor([0.123456, 0.5]), "done", HINT) is None, "not a rounding"


def test_a_failing_check_still_answers() -> None:
    @exercise_check("a hint")
    def fragile(answer: Any) -> Verdict:
        return answers.correct("fine") if answer.size > 2 else answers.not_yet("small", "a hint")

    verdict = fragile("text")
    assert verdict.status == "not yet"
    assert "could not read your answer, 'text' (type str) (AttributeError" in verdict.message


def test_verdict_shows_its_message() -> None:
    verdict = answers.correct("well done.")
    assert repr(verdict) == "Correct! well done." and verdict.passed


# ================================================================================================
# Bad input from a learner gets a clear error: the argument, what it got, what was expected.
#
# Input checks stand only where learners pass their own data: every ``helpers`` name that a
# lesson's code cells use, and ``helpers.__all__`` (``learner_facing`` reads them from the
# notebooks). Each such function or class that takes arguments has cases in a ``BAD_INPUT``
# list: here for the shared modules (``helpers.course``, ``helpers.vocabulary``,
# ``helpers.attention``), in the test file of the module or lesson that owns it for the rest
# (``tests/test_lNN_*.py``). Every list is collected and run
# here. A name with no argument a learner could get wrong carries a reason in
# ``NO_BAD_INPUT``. Exercise checks never raise: the contract test above meets them instead.
# ================================================================================================

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

HEATMAP = {"matrix": torch.ones(2, 3), "rows": ["a", "b"], "columns": ["x", "y", "z"], "title": "t"}
BAD_INPUT += [  # helpers.ui.figures
    (lambda: figures.show_pipeline(0), ValueError, "step must be from 1 to 7; got 0"),
    (lambda: figures.show_pipeline(8), ValueError, "step must be from 1 to 7; got 8"),
    (lambda: figures.show_pipeline("1"), TypeError, "step must be an int from 1 to 7; got '1' (type str)"),
    (lambda: figures.show_pipeline(True), TypeError, "step must be an int from 1 to 7; got True (type bool)"),
    (lambda: figures.show_beyond(7), ValueError, "lesson must be from 8 to 16; got 7"),
    (lambda: figures.show_beyond(17), ValueError, "lesson must be from 8 to 16; got 17"),
    (lambda: figures.show_beyond(None), TypeError, "lesson must be an int from 8 to 16; got None (type NoneType)"),
    (lambda: figures.show("x", "a description"), TypeError, "picture must be a matplotlib Figure or a picture description (helpers.ui.pictures); got 'x' (type str)"),
    (lambda: figures.show(figures.pipeline_figure(1), "  "), ValueError, "description must be a sentence saying what the figure shows; got '  '"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": torch.ones(3)})), TypeError, "matrix must be a 2-D tensor of numbers; got tensor([1., 1., 1.])"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"matrix": "ab"})), TypeError, "matrix must be a 2-D tensor of numbers; got 'ab' (type str)"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"rows": ["a"]})), ValueError, "rows and columns must label the matrix's 2 rows and 3 columns; got 1 row labels and 3 column labels"),
    (lambda: figures.heatmap_figure(**(HEATMAP | {"highlight_row": 2})), ValueError, "highlight_row must be from 0 to 1; got 2"),
]  # fmt: skip


NO_BAD_INPUT = {
    "rebuild_steps": "takes no arguments",
    "SENTENCE": "a constant",
    "SEED": "a constant",
    "require_model_packages": "its one argument is one of helpers.real_model's own tables "
    "(REQUIRED, WEIGHTS_ONLY)",
    "KVCache": "learners make one with KVCache.empty(layers), whose bad input is tested",
}
"""Learner-facing names that take nothing a learner could get wrong, each with the reason.
Names without parameters (the explorers, ``load_model``, ...) need no entry."""


def collected() -> list[tuple[str, Callable[[], object], type[Exception], str]]:
    """Every ``BAD_INPUT`` case of every test file: (file, call, error, message piece)."""
    here = Path(__file__).stem
    found = [(here, *case) for case in BAD_INPUT]
    for path in sorted((REPO / "tests").glob("test_*.py")):
        if path.stem != here and "BAD_INPUT" in path.read_text(encoding="utf-8"):
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
            continue  # exercise checks never raise: test_check_keeps_the_contract meets them
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


# ================================================================================================
# helpers.ui.explore: every explorer of every lesson follows the same rules.
#
# Each explorer is ``explore(render, **controls)``; its lesson's test file drives it control by
# control (``test_drive_<name>``) and checks the exact text and picture. Here: the rules every
# explorer shares, and that an explorer is a pure function of its controls.
# ================================================================================================

FACTORIES = explorer_factories()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_every_explorer_is_driven_by_a_test() -> None:
    missing = set(FACTORIES) - defined_tests("drive_")
    assert not missing, f"each explorer needs a test_drive_<explorer name> test: {sorted(missing)}"


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_explorer_follows_the_rules(factory: Callable[[], ui.Explorer]) -> None:
    explorer = factory()
    assert isinstance(explorer, ui.Explorer)
    assert explorer.controls, "an explorer has at least one control"
    for name, control in explorer.controls.items():
        assert control.description.strip(), f"control {name!r} needs a label a learner understands"
        assert any(c.startswith("course-") for c in control._dom_classes), (
            f"control {name!r} needs a CSS class starting with 'course-' (browser tests find it)"
        )
    assert explorer.text.layout.height == ui.TEXT_HEIGHT
    assert "course-explorer-text" in explorer.text._dom_classes
    if explorer.picture is not None:
        assert isinstance(explorer.picture, widgets.HTML)
        assert explorer.picture.layout.height.endswith("px"), (
            "a fixed height: the page must not jump"
        )
        assert "course-explorer-figure" in explorer.picture._dom_classes
        assert picture_labels(explorer.picture.value), "the picture says what it shows"
        assert explorer.snapshot_png().startswith(b"\x89PNG")
    assert "course-explorer" in explorer.widget._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.fallback and "live kernel" in explorer.fallback
    assert WIDGET_VIEW in bundle
    assert explorer.shown_text().strip(), "an explorer starts with text showing"


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_an_explorer_shows_what_its_render_gives(factory: Callable[[], ui.Explorer]) -> None:
    explorer = factory()
    view = explorer.render(**explorer.values())
    assert view == explorer.view, "render is a pure function of the controls' values"
    assert explorer.shown_text() == view.text


def counter() -> ui.Explorer:
    def render(word: str, big: bool) -> ui.View:
        return ui.View(f"{word} {'!' if big else '.'}", Message(word))

    return ui.explore(
        render,
        fallback="[needs a live kernel]",
        word=ui.dropdown("word", "Word:", ["a", "b"], "a"),
        big=ui.checkbox("big", "Shout", False),
    )


def test_an_update_sets_the_picture_before_the_text() -> None:
    explorer = counter()
    order: list[str] = []
    explorer.picture.observe(lambda _: order.append("picture"), names="value")
    explorer.text.observe(lambda _: order.append("text"), names="value")
    explorer.controls["word"].value = "b"
    assert order == ["picture", "text"] and explorer.shown_text() == "b ."


def test_text_is_escaped_and_read_back_plain() -> None:
    explorer = counter()
    explorer.controls["word"].options = ["<b>", "a"]
    explorer.controls["word"].value = "<b>"
    assert "&lt;b&gt;" in explorer.text.value and explorer.shown_text() == "<b> ."


def test_an_error_in_render_fails_loudly() -> None:
    """In a browser such an error would vanish into the widget; here it must raise."""
    explorer = counter()

    def broken(**values: Any) -> ui.View:
        raise RuntimeError("render bug")

    explorer.render = broken
    with pytest.raises(RuntimeError, match="render bug"):
        explorer.controls["big"].value = True


def test_snapshot_prints_the_text_and_shows_the_picture(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import IPython.display

    shown: list[dict[str, str]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    counter().show_snapshot()
    assert capsys.readouterr().out == "a .\n"
    assert shown[0]["text/plain"] == "[the explorer's picture]"


class Page:
    """Stands in for the browser: tools.browser's actions, applied to the widgets by CSS class.

    Typing sets a text box on Enter, a click toggles a checkbox, choosing picks a dropdown's
    option by label, and a slider's keys move it one option (Arrow keys) or to an end
    (Home, End), as the slider handles in JupyterLab do.
    """

    def __init__(self, explorer: ui.Explorer) -> None:
        self.explorer, self.typed = explorer, ""

    def locator(self, selector: str) -> Page:
        css = selector.split()[0].removeprefix(".")
        (self.control,) = [c for c in self.explorer.controls.values() if css in c._dom_classes]
        return self

    def fill(self, text: str) -> None:
        self.typed = text

    def click(self) -> None:
        self.control.value = not self.control.value

    def select_option(self, label: str) -> None:
        self.control.label = label

    def scroll_into_view_if_needed(self) -> None:
        pass

    def focus(self) -> None:
        pass

    def press(self, key: str) -> None:
        control = self.control
        if isinstance(control, widgets.Text):
            assert key == "Enter"
            control.value = self.typed
            return
        if isinstance(control, widgets.IntSlider):
            values = list(range(control.min, control.max + 1, control.step))
        else:
            values = [value for _, value in control.options] if isinstance(
                control.options[0], tuple
            ) else list(control.options)  # fmt: skip
        index = values.index(control.value)
        moves = {"ArrowRight": index + 1, "ArrowUp": index + 1, "ArrowLeft": index - 1,
                 "ArrowDown": index - 1, "Home": 0, "End": len(values) - 1}  # fmt: skip
        control.value = values[max(0, min(len(values) - 1, moves[key]))]


@pytest.mark.parametrize("name", sorted(STEPS), ids=sorted(STEPS))
def test_learner_steps_show_their_texts_and_pictures(name: str) -> None:
    """tests/explorer_steps.py, played on the widgets in-process (test_browser.py plays the
    same steps in a real JupyterLab): every expected text and picture piece shows."""
    explorer = FACTORIES[name]()
    for step in STEPS[name]:
        if step.act is not None:
            step.act(Page(explorer))
        assert explorer.shown_text() == step.expected, step.describe
        markup = explorer.picture.value if explorer.picture is not None else ""
        shown = picture_text(markup) + "\n" + "\n".join(picture_labels(markup))
        for piece in step.picture:
            assert piece in shown, f"{step.describe}: the picture lacks {piece!r}"


# ================================================================================================
# helpers.ui.pictures: one description, three renderings that show the same numbers.
#
# For every explorer of every lesson, the live HTML picture and the matplotlib snapshot are
# drawn from one description; here both are read back as a reader would see them (the
# HTML's visible text, the figure's text artists) and must show the same numbers, and the
# HTML's aria-labels must be the descriptions' text. Then the toolkit's primitives: escaping,
# colours, and determinism.
# ================================================================================================

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def leaves(picture: Any) -> list[Any]:
    return (
        [p for p in picture.parts if not isinstance(p, Sign)]
        if isinstance(picture, Row)
        else [picture]
    )


def assert_agree(picture: Any) -> None:
    """The HTML and the figure of ``picture`` show the same numbers; labels are descriptions."""
    markup = picture.html()
    fig = figure(picture)
    assert numbers_in(picture_text(markup)) == numbers_in(figure_text(fig)), (
        f"HTML shows {picture_text(markup)!r}\nfigure shows {figure_text(fig)!r}"
    )
    assert picture_labels(markup) == [part.description for part in leaves(picture)]


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=list(FACTORIES))
def test_explorer_html_and_snapshot_show_the_same_numbers(factory: Callable[[], Any]) -> None:
    explorer = factory()
    if explorer.view.picture is not None:
        assert explorer.picture.value == explorer.view.picture.html()
        assert_agree(explorer.view.picture)


@pytest.mark.parametrize(
    "picture",
    [
        Heatmap([[0.0, -0.5], [1.0, 0.25]], "two by two", rows=["q1", "q2"], columns=["k1", "k2"],
                framed_row=1, number_format=".2f", title="rows = queries"),
        Heatmap([[0.5, 0.0], [0.25, 0.75]], "masked", rows=["a", "b"], columns=["x", "y"],
                blocked=[[False, True], [False, False]], number_format=".3f"),
        Heatmap([[-1.0, 2.0]], "diverging", palette="diverging", number_format=".1f"),
        Bars(["a", "b", "c"], {"raw": [1.0, 2.0, 3.0], "scaled": [0.5, 1.0, 1.5]}, "bars"),
        NumberLines({"x": [-1.0, 0.5, 2.0], "y": [0.25, 0.0, -0.75]}, "lines", marked=1),
        TokenBoxes(["the", "cat", "the"], [1, 0, 1]),
        TokenBoxes(["a", "b"], [0, None]),
        Message("nothing to show"),
        Row((Heatmap([[1.0]], "one", number_format=".2f"), Sign("="), Bars(["a"], {"w": [1.0]}, "b"))),
    ],
    ids=["heatmap", "blocked", "diverging", "bars", "lines", "tokens", "unknown", "message", "row"],
)  # fmt: skip
def test_every_primitive_renders_the_same_numbers_twice(picture: Any) -> None:
    assert_agree(picture)
    assert render_png(figure(picture)) == render_png(figure(picture)), "deterministic PNG"


def test_heatmap_html_shows_every_cell_and_frames_the_row() -> None:
    picture = Heatmap([[0.0, 0.5], [1.0, 0.25]], "two by two", rows=["q1", "q2"],
                      columns=["k1", "k2"], framed_row=1, number_format=".2f", title="t")  # fmt: skip
    assert picture_text(picture.html()) == "t k1 k2 q1 0.00 0.50 q2 1.00 0.25"
    assert picture.html().count("outline:2px solid") == 1


def test_negative_zero_reads_as_zero() -> None:
    picture = Heatmap([[-0.001]], "tiny", number_format=".2f")
    assert picture.cell_text(0, 0) == "0.00" and "-0.00" not in picture.html()


@pytest.mark.parametrize(
    "picture",
    [
        Heatmap([[1.0]], HOSTILE, rows=[HOSTILE], columns=[HOSTILE], title=HOSTILE),
        Bars([HOSTILE], {HOSTILE: [1.0], "b": [2.0]}, HOSTILE, title=HOSTILE),
        NumberLines({HOSTILE: [1.0]}, HOSTILE, title=HOSTILE),
        TokenBoxes([HOSTILE], [0]),
        Message(HOSTILE),
    ],
    ids=["heatmap", "bars", "lines", "tokens", "message"],
)
def test_typed_text_is_escaped(picture: Any) -> None:
    markup = picture.html()
    assert "<script>" not in markup and ESCAPED in markup


def test_colours_follow_cividis_and_pick_readable_ink() -> None:
    assert pictures.colour(0.0, 0.0, 1.0) == ("#00224E", "white")  # cividis: dark blue
    assert pictures.colour(1.0, 0.0, 1.0) == ("#FEE838", "#222222")  # cividis: yellow
    assert pictures.colour(5.0, 0.0, 1.0) == pictures.colour(1.0, 0.0, 1.0), "clipped"
    background, ink = pictures.colour(0.0, -2.0, 2.0, "diverging")
    assert ink == "#222222" and background.startswith("#F"), "0 is the pale middle"


def test_token_boxes_describe_only_what_they_draw() -> None:
    words = [f"w{k}" for k in range(20)]
    picture = TokenBoxes(words, list(range(20)))
    assert picture.description.startswith(
        "Each word above its id, in sentence order (first 16 of 20"
    )
    assert picture_text(picture.html()).count("position") == 16


def test_heatmap_without_labels_or_numbers() -> None:
    picture = Heatmap([[1.0] * 3] * 2, "ones")
    assert picture_text(picture.html()) == "" and picture.html().count("<td") == 6


def test_bars_scale_to_the_largest_and_name_each_series() -> None:
    picture = Bars(["a", "b"], {"weight": [0.25, 0.75]}, "two bars", bar_height=60)
    assert picture_text(picture.html()) == "0.25 a 0.75 b"
    assert "height:20px" in picture.html() and "height:60px" in picture.html()
    two = Bars(["a"], {"unscaled": [1.0], "scaled": [0.5]}, "d", number_format=None)
    assert picture_text(two.html()) == "unscaled scaled a", "a legend names each series"


def test_number_lines_mark_the_chosen_dot() -> None:
    picture = NumberLines({"dimension 0": [-1.0, 1.0], "dimension 1": [0.5, 0.0]}, "two lines",
                          marked=1, limit=2.0)  # fmt: skip
    markup = picture.html()
    assert picture_text(markup) == "-2.00 0 2.00 dimension 0 1.0000 dimension 1 0.0000"
    assert "left:25.00%" in markup and "left:75.00%" in markup  # -1 and 1 of ±2


def test_token_boxes_show_unknown_words_as_a_question_mark() -> None:
    picture = TokenBoxes(["the", "cat", "the"], [1, None, 1])
    assert picture.description == "Each word above its id, in sentence order: the 1, cat ?, the 1."
    assert picture_text(picture.html()) == "the 1 position 0 cat ? position 1 the 1 position 2"


# ================================================================================================
# helpers.ui.figures: deterministic PNGs, a text version for every picture, the course map.
# ================================================================================================

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Capture what figures.show passes to IPython's display."""
    import IPython.display

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: calls.append(data))
    return calls


@pytest.mark.parametrize(
    "make",
    [
        lambda: figures.pipeline_figure(3),
        lambda: figures.pipeline_figure(8),
        lambda: figures.pipeline_figure(course_table.LESSONS[-1].number),
        lambda: figures.heatmap_figure(
            torch.tensor([[0.5, float("-inf")], [0.25, 0.75]]), ["a", "b"], ["x", "y"], "masked"
        ),
    ],
    ids=["core", "beyond", "last", "masked heatmap"],
)
def test_figures_render_to_identical_pngs(make: Any) -> None:
    first, second = figures.render_png(make()), figures.render_png(make())
    assert first.startswith(PNG_MAGIC)
    assert first == second, "the same figure must give the same bytes (make notebooks twice)"
    assert b"matplotlib version" not in first


def test_a_masked_score_reads_minus_infinity() -> None:
    fig = figures.heatmap_figure(torch.tensor([[0.5, float("-inf")]]), ["a"], ["x", "y"], "m")
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.50", "-inf"]


def test_show_sends_png_with_description(shown: list[dict[str, Any]]) -> None:
    figures.show_pipeline(2)
    assert shown[0]["text/plain"] == (
        "The seven steps of self-attention; this lesson is step 2 of 7: Embedding."
    )
    assert base64.b64decode(shown[0]["image/png"]) == figures.render_png(figures.pipeline_figure(2))
    figures.show(Message("nothing to show"))
    assert shown[1]["text/plain"] == "nothing to show", "a description brings its own text"


def test_show_beyond_names_the_lesson(shown: list[dict[str, Any]]) -> None:
    figures.show_beyond(9)
    assert shown[0]["text/plain"] == (
        "After the article's seven steps come 9 lessons beyond it; "
        "this is lesson 9: Multi-head attention."
    )


def test_the_you_are_here_mark_stays_clear_of_the_row_titles() -> None:
    fig = figures.pipeline_figure(8)
    ax = fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert not boxes["you are here"].overlaps(boxes["Beyond the article"])


# ================================================================================================
# helpers.ui.strings: the seam for a second language holds every template of every lesson.
#
# Each lesson module passes what a learner reads through ``_("template", field=value)``.
# Here every such call is read from the source: its template must be a literal (so a
# translation file can name it), and its fields must be exactly the ones the call fills (so
# no language can break a lesson at run time). A translation file may name only templates
# that exist, with the same fields. Finally a translation is really used.
# ================================================================================================

MODULES = sorted((REPO / "helpers" / "lessons").glob("l[0-9][0-9]_*.py")) + sorted(
    (REPO / "helpers" / "ui").glob("*.py")
)


def templates(path: Path) -> list[tuple[int, str, set[str] | None]]:
    """(line, template, fields filled) of every ``_(...)`` call in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            filled = (
                {k.arg for k in node.keywords}
                if None not in {k.arg for k in node.keywords}
                else None
            )
            found.append((node.lineno, first.value if literal else None, filled))
    return found


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_every_template_is_a_literal_with_the_fields_it_is_given(path: Path) -> None:
    for line, template, filled in templates(path):
        assert template is not None, f"{path.name}:{line}: _() needs a literal template"
        if filled is not None:
            assert fields(template) == filled, (
                f"{path.name}:{line}: the template's fields {sorted(fields(template))} "
                f"differ from the ones given {sorted(filled)}"
            )


def test_every_lesson_module_has_its_strings_behind_the_seam() -> None:
    for path in MODULES:
        if path.parent.name == "lessons":
            assert templates(path), f"{path.name}: pass what a learner reads through _()"


def test_translation_files_name_only_real_templates() -> None:
    for table in sorted((REPO / "helpers" / "lessons").glob("*/*.toml")):
        source = REPO / "helpers" / "lessons" / f"{table.stem}.py"
        known = {template for _, template, _ in templates(source)}
        for english, translated in tomllib.loads(table.read_text(encoding="utf-8")).items():
            assert english in known, f"{table}: {english!r} is no template of {source.name}"
            assert fields(english) == fields(translated), f"{table}: fields differ for {english!r}"


def test_a_translation_is_used_and_english_is_the_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "l99_demo.toml").write_text('"weights of {word}" = "Gewichte von {word}"\n')
    monkeypatch.setattr(strings, "LESSONS_DIR", tmp_path)
    strings._table.cache_clear()
    _ = strings.translator("helpers.lessons.l99_demo")
    assert _("weights of {word}", word="fox") == "weights of fox"
    monkeypatch.setenv("COURSE_LANGUAGE", "xx")
    assert _("weights of {word}", word="fox") == "Gewichte von fox"
    assert _("not translated") == "not translated"
    strings._table.cache_clear()
