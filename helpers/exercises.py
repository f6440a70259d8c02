"""Exercise checks: each takes the learner's answer and returns a friendly verdict.

A check never raises on a wrong answer. It returns a :class:`Verdict` whose text says
whether the answer is correct, what is wrong with it, and a hint. An answer that is
still the placeholder ``...`` gets "Not attempted yet". Checks are grouped by lesson;
the first ones are used in 01_vocabulary.ipynb ("Exercises").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from helpers._validate import describe
from helpers.lesson import SENTENCE
from helpers.vocabulary import build_vocabulary, encode

Status = Literal["correct", "not yet", "not attempted"]


@dataclass(frozen=True)
class Verdict:
    """What a check says about an answer. A notebook shows its ``message``."""

    status: Status
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message


def correct(message: str) -> Verdict:
    return Verdict("correct", f"Correct! {message}")


def not_yet(problem: str, hint: str) -> Verdict:
    return Verdict("not yet", f"Not yet: {problem}\nHint: {hint}")


def not_attempted(hint: str) -> Verdict:
    return Verdict(
        "not attempted",
        f"Not attempted yet: replace the ... with your answer and run this cell again.\nHint: {hint}",
    )


def exercise_check(hint: str) -> Callable[[Callable[[Any], Verdict]], Callable[[Any], Verdict]]:
    """Decorate a check: handle the ``...`` placeholder, and never let it raise.

    ``hint`` is shown with "Not attempted yet". If the check itself fails on some
    unforeseen answer, the learner still gets a "Not yet" that names the answer's type.
    """

    def decorate(check: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
        @functools.wraps(check)
        def run(answer: Any) -> Verdict:
            if answer is Ellipsis:
                return not_attempted(hint)
            try:
                return check(answer)
            except Exception as error:  # a check must answer, whatever it is given
                return not_yet(
                    f"this check could not read your answer, {describe(answer)} "
                    f"({type(error).__name__}: {error}).",
                    hint,
                )

        return run

    return decorate


def _vocabulary_verdict(answer: Any, sentence: str, hint: str) -> Verdict:
    """Compare a learner's vocabulary dict with the one built from ``sentence``."""
    expected = build_vocabulary(sentence)
    if not isinstance(answer, dict):
        return not_yet(
            f"a vocabulary is a dict from each word to its id; you gave {describe(answer)}.",
            hint,
        )
    keys = list(answer)
    if not all(isinstance(k, str) for k in keys):
        return not_yet("every key of the vocabulary should be a word (a string).", hint)
    with_commas = [k for k in keys if "," in k]
    if with_commas:
        return not_yet(
            f"{', '.join(map(repr, with_commas))} still carries a comma.",
            "remove commas before splitting: sentence.replace(',', '').split()",
        )
    missing = [w for w in expected if w not in answer]
    extra = [k for k in keys if k not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(map(repr, missing))}")
        if extra:
            parts.append(f"unexpected {', '.join(map(repr, extra))}")
        lowered = {w.lower() for w in missing} & {k.lower() for k in extra}
        tip = "keep each word's case: 'Life' and 'life' are different words." if lowered else hint
        return not_yet("the words are not the sentence's words: " + "; ".join(parts) + ".", tip)
    ids = list(answer.values())
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return not_yet(f"every id should be an int; you have {ids}.", hint)
    if sorted(ids) != list(range(len(expected))):
        return not_yet(
            f"the ids should be 0 to {len(expected) - 1}, each used once; you have {sorted(ids)}.",
            "number the distinct words: enumerate(sorted(set(words))). "
            "A repeated word must not use up an extra id.",
        )
    wrong = [w for w in expected if answer[w] != expected[w]]
    if wrong:
        word = wrong[0]
        return not_yet(
            f"{word!r} has id {answer[word]}, but in sorted order it is word number {expected[word]}.",
            "ids follow sorted(...) order, where uppercase letters come before lowercase ones.",
        )
    return correct(f"{len(expected)} words, numbered in sorted order: {expected}")


# ---- 01_vocabulary.ipynb ---------------------------------------------------------------

LIFE_SENTENCE = "Life is short, eat dessert first"
"""Sebastian Raschka's example sentence: the reason the article strips commas."""

REPEAT_SENTENCE = "the dog saw the cat"
"""A sentence with a repeated word, where the article's one-liner leaves a gap in the ids."""

NEW_ORDER_SENTENCE = "The lazy fox jumps over a quick brown dog"
"""The lesson's nine words in a new order, to encode with the lesson's vocabulary."""


@exercise_check("build it as the lesson did: strip commas, split, sort, number from 0.")
def check_life_vocabulary(answer: Any) -> Verdict:
    """Exercise 1 of 01_vocabulary.ipynb: the vocabulary of ``LIFE_SENTENCE``."""
    return _vocabulary_verdict(
        answer, LIFE_SENTENCE, "strip commas, split, sort, then number the words from 0."
    )


@exercise_check("use the lesson's vocabulary dict and torch.tensor, as the lesson did.")
def check_new_order_ids(answer: Any) -> Verdict:
    """Exercise 2 of 01_vocabulary.ipynb: ``NEW_ORDER_SENTENCE`` as a tensor of lesson ids."""
    expected = encode(NEW_ORDER_SENTENCE, build_vocabulary(SENTENCE))
    hint = "look each word up in the lesson's vocabulary, then wrap the list in torch.tensor(...)."
    if isinstance(answer, (list, tuple)):
        return not_yet(
            f"you gave a Python {type(answer).__name__}; the embedding layer needs a tensor.",
            "wrap your list: torch.tensor(my_list).",
        )
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"the answer should be a tensor of ids; you gave {describe(answer)}.", hint)
    if answer.dtype != torch.int64:
        return not_yet(
            f"the ids have dtype {answer.dtype}; ids are whole numbers, dtype torch.int64.",
            "build it from a list of ints: torch.tensor([...]) gives int64.",
        )
    if answer.shape != expected.shape:
        return not_yet(
            f"the tensor has shape {tuple(answer.shape)}; one id per word gives {tuple(expected.shape)}.",
            hint,
        )
    mismatches = (answer != expected).nonzero().flatten().tolist()
    if mismatches:
        position = mismatches[0]
        word = NEW_ORDER_SENTENCE.split()[position]
        return not_yet(
            f"position {position} ({word!r}) holds {answer[position].item()}; the lesson's "
            f"vocabulary gives {word!r} the id {expected[position].item()}.",
            "use the lesson's vocabulary (built from the lesson's sentence), not a new one.",
        )
    return correct(f"The sentence as ids: {expected}")


@exercise_check("deduplicate the words before you number them.")
def check_repeat_vocabulary(answer: Any) -> Verdict:
    """Exercise 3 of 01_vocabulary.ipynb: the gap-free vocabulary of ``REPEAT_SENTENCE``."""
    return _vocabulary_verdict(
        answer, REPEAT_SENTENCE, "number the distinct words: enumerate(sorted(set(words)))."
    )


# ---- 02_embedding, 03_query_key_value, 04_attention_scores (issue 3) ----


# The checks of lessons 02-04 compare with the course's tensors, rebuilt once and without
# touching the learner's random state (rebuilding seeds PyTorch's global generator).


@functools.cache
@functools.cache
def _course_steps() -> Any:
    """The course's tensors, rebuilt once, without moving the learner's random generator."""
    from helpers.attention import rebuild_steps

    with torch.random.fork_rng(devices=[]):
        return rebuild_steps()


def _tensor_answer(
    answer: Any, shape: tuple[int, ...], what: str, hint: str
) -> tuple[torch.Tensor | None, Verdict | None]:
    """``answer`` as a detached float tensor of ``shape``, or the verdict explaining why not.

    Lists and tuples of numbers are accepted and converted (a learner may copy numbers).
    """
    if isinstance(answer, (list, tuple)):
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer):
            return None, not_yet(
                f"{what} should be a tensor of numbers; you gave {describe(answer)}.", hint
            )
        answer = torch.tensor([float(v) for v in answer])
    if not isinstance(answer, torch.Tensor):
        return None, not_yet(
            f"{what} should be a tensor of shape {shape}; you gave {describe(answer)}.", hint
        )
    if tuple(answer.shape) != shape:
        return None, not_yet(
            f"your tensor has shape {tuple(answer.shape)}; {what} has shape {shape}.", hint
        )
    if not answer.is_floating_point():
        return None, not_yet(
            f"your tensor has dtype {answer.dtype}; {what} holds floating-point numbers.",
            "compute it from the lesson's float tensors, or convert with .float().",
        )
    answer = answer.detach().float()
    if not torch.isfinite(answer).all():
        return None, not_yet("your tensor holds NaN or infinity.", hint)
    return answer, None


def _number_answer(answer: Any, what: str, hint: str) -> tuple[float | None, Verdict | None]:
    """``answer`` as a float (a Python number or a one-element tensor), or why not."""
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1:
            return None, not_yet(
                f"{what} is one number; you gave a tensor of shape {tuple(answer.shape)}.", hint
            )
        answer = answer.detach().item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return None, not_yet(f"{what} is one number; you gave {describe(answer)}.", hint)
    if answer != answer or answer in (float("inf"), float("-inf")):
        return None, not_yet(f"{what} is a finite number; you gave {answer}.", hint)
    return float(answer), None


FLOAT_TOLERANCE = 1e-4
"""Float answers are compared with torch.allclose(atol=1e-4): 4 printed decimals are enough."""


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal within FLOAT_TOLERANCE, whatever order the learner summed in."""
    return bool(torch.allclose(a, b.detach().float(), atol=FLOAT_TOLERANCE, rtol=0.0))


# ---- 02_embedding.ipynb ------------------------------------------------------------------


@exercise_check(
    "take the row of embedded_sentence for 'fox' (or the row of embed.weight for its id)."
)
def check_fox_vector(answer: Any) -> Verdict:
    """Exercise 1 of 02_embedding.ipynb: the 3 numbers that stand for 'fox'."""
    steps = _course_steps()
    hint = "'fox' is word 3 of the sentence (counting from 0) and has id 4: embedded_sentence[3] or embed.weight[4]."
    vector, problem = _tensor_answer(answer, (3,), "one word's vector", hint)
    if problem:
        return problem
    if _close(vector, steps.embedded[3]):
        return correct(
            f"'fox' is the vector {steps.embedded[3]}: row 4 of the table, row 3 of the sentence."
        )
    for position, word in enumerate(steps.words):
        if _close(vector, steps.embedded[position]):
            return not_yet(
                f"that is the vector of {word!r} (word {position} of the sentence).",
                "'fox' has id 4 but is word 3 of the sentence: index the sentence's matrix by "
                "position (embedded_sentence[3]) or the table by id (embed.weight[4]).",
            )
    return not_yet("these are not the numbers of 'fox' in this lesson's embedding.", hint)


@exercise_check("a float tensor of 50,000 zeros with a 1 at the id of 'lazy'.")
def check_lazy_one_hot(answer: Any) -> Verdict:
    """Exercise 2 of 02_embedding.ipynb: the one-hot vector that picks the row of 'lazy'."""
    hint = (
        "start from torch.zeros(50000) and set the entry at the id of 'lazy' (vocab['lazy']) to 1."
    )
    if isinstance(answer, torch.Tensor) and answer.dim() == 1 and answer.numel() in (9, 3):
        return not_yet(
            f"your vector has {answer.numel()} entries; a one-hot vector has one entry per row "
            "of the table, and the table has 50,000 rows.",
            hint,
        )
    vector, problem = _tensor_answer(answer, (50_000,), "the one-hot vector", hint)
    if problem:
        if isinstance(answer, torch.Tensor) and answer.shape == (50_000,):
            return not_yet(
                f"your vector has dtype {answer.dtype}; to multiply it with the float table it "
                "must hold floats.",
                "create it with torch.zeros(50000) (float by default) or convert with .float().",
            )
        return problem
    ones = (vector == 1).nonzero().flatten().tolist()
    others = ((vector != 0) & (vector != 1)).sum().item()
    if others or len(ones) != 1:
        return not_yet(
            f"a one-hot vector holds exactly one 1 and zeros elsewhere; yours has {len(ones)} "
            f"ones and {others} other non-zero entries.",
            hint,
        )
    if ones[0] == 7:
        return not_yet(
            "your 1 is at index 7, the position of 'lazy' in the sentence; the table is "
            "indexed by id, and 'lazy' has id 6.",
            "use vocab['lazy'].",
        )
    if ones[0] != 6:
        return not_yet(f"your 1 is at index {ones[0]}; 'lazy' has id 6.", hint)
    return correct("one_hot @ embed.weight picks row 6 of the table: the vector of 'lazy'.")


@exercise_check("count the numbers in the table: rows times columns.")
def check_table_parameters(answer: Any) -> Verdict:
    """Exercise 3 of 02_embedding.ipynb: how many learnable numbers nn.Embedding(50000, 3) holds."""
    hint = "the table has vocab_size rows and d columns; embed.weight.numel() counts them."
    if (
        isinstance(answer, torch.Tensor)
        or isinstance(answer, bool)
        or not isinstance(answer, (int, float))
    ):
        return not_yet(f"the answer is a count, a Python int; you gave {describe(answer)}.", hint)
    if answer != answer or abs(answer) == float("inf") or float(answer) != int(answer):
        return not_yet(f"a count is a whole number; you gave {answer}.", hint)
    count = int(answer)
    if count == 150_000:
        return correct(
            "50,000 rows × 3 numbers = 150,000 learnable numbers, though our sentence uses 27."
        )
    known = {
        27: "27 is what our sentence uses (9 words × 3); the table holds a row for every id.",
        50_000: "50,000 is the number of rows; each row holds d = 3 numbers.",
        9: "9 is the number of words in our sentence.",
        3: "3 is the length of one vector (d).",
    }
    return not_yet(known.get(count, f"{count} is not the number of entries in the table."), hint)


# ---- 03_query_key_value.ipynb ------------------------------------------------------------


@exercise_check("two dot products: the vector of 'fox' with each column of W_query.")
def check_fox_query(answer: Any) -> Verdict:
    """Exercise 1 of 03_query_key_value.ipynb: the query of 'fox', by hand."""
    steps = _course_steps()
    hint = "x = embedded_sentence[3]; the query is (x * W_query[:, 0]).sum() and (x * W_query[:, 1]).sum()."
    vector, problem = _tensor_answer(answer, (2,), "one word's query", hint)
    if problem:
        return problem
    if _close(vector, steps.query[3]):
        return correct(f"the query of 'fox' is {steps.query[3].detach()}, row 3 of query.")
    if _close(vector, steps.key[3]):
        return not_yet("that is the key of 'fox': you used W_key.", "use W_query for a query.")
    for position, word in enumerate(steps.words):
        if _close(vector, steps.query[position]):
            return not_yet(
                f"that is the query of {word!r} (word {position}).",
                "'fox' is word 3 of the sentence: start from embedded_sentence[3].",
            )
    return not_yet("these are not the two numbers of the query of 'fox'.", hint)


@exercise_check("one row per word, one column per value dimension.")
def check_value_shape(answer: Any) -> Verdict:
    """Exercise 2 of 03_query_key_value.ipynb: the shape of value when d_v = 6."""
    hint = "X has shape (9, 3) and W_value would have shape (3, 6): (9, 3) @ (3, 6) gives ...?"
    if isinstance(answer, torch.Size):
        answer = tuple(answer)
    if not isinstance(answer, (tuple, list)):
        return not_yet(
            f"a shape is a tuple of ints such as (2, 3); you gave {describe(answer)}.", hint
        )
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in answer):
        return not_yet(f"a shape holds ints; you gave {answer!r}.", hint)
    shape = tuple(answer)
    if shape == (9, 6):
        return correct("value would be 9 × 6: still one row per word, now 6 numbers each.")
    known = {
        (6, 9): "rows are words: the 9 comes first.",
        (3, 6): "(3, 6) is the shape of W_value; value is X @ W_value.",
        (9, 4): "(9, 4) is the article's value, with d_v = 4; the question sets d_v = 6.",
        (9, 3): "(9, 3) is the shape of X; the product takes its columns from W_value.",
    }
    return not_yet(known.get(shape, f"{shape} is not the shape of X @ W_value."), hint)


@exercise_check("nn.Linear stores its weight as (out_features, in_features).")
def check_linear_weight(answer: Any) -> Verdict:
    """Exercise 3 of 03_query_key_value.ipynb: the weight that makes nn.Linear(3, 2) compute query."""
    steps = _course_steps()
    hint = (
        "nn.Linear computes x @ weight.T, so its weight is W_query turned on its side: W_query.T."
    )
    if isinstance(answer, torch.Tensor) and answer.shape == (3, 2):
        if _close(answer.detach().float(), steps.W_query):
            return not_yet(
                "that is W_query itself, shape (3, 2); nn.Linear(3, 2) holds a (2, 3) weight.",
                "transpose it: W_query.T.",
            )
    matrix, problem = _tensor_answer(answer, (2, 3), "nn.Linear(3, 2)'s weight", hint)
    if problem:
        return problem
    if _close(matrix, steps.W_query.T):
        return correct("nn.Linear(3, 2, bias=False) with weight W_query.T computes X @ W_query.")
    if _close(matrix, steps.W_key.T):
        return not_yet("that is W_key.T: it would compute the keys.", "use W_query.")
    return not_yet("this weight does not give the lesson's query.", hint)


# ---- 04_attention_scores.ipynb -----------------------------------------------------------


@exercise_check("read row 'fox', column 'dog' of the scaled scores.")
def check_fox_dog_score(answer: Any) -> Verdict:
    """Exercise 1 of 04_attention_scores.ipynb: the scaled score of query 'fox' and key 'dog'."""
    steps = _course_steps()
    scores = steps.scores.detach()
    hint = "rows are queries and columns are keys, both in sentence order: 'fox' is word 3, 'dog' word 8."
    value, problem = _number_answer(answer, "a score", hint)
    if problem:
        return problem
    expected = scores[3, 8].item()
    if abs(value - expected) <= 5e-4:
        return correct(f"attention_scores[3, 8] = {expected:.4f}: 'fox' asks, 'dog' answers.")
    if abs(value - expected * 2**0.5) <= 5e-4:
        return not_yet("that is the unscaled score.", "divide by √d_k = √2.")
    if abs(value - scores[8, 3].item()) <= 5e-4:
        return not_yet(
            "that is query 'dog' against key 'fox': row and column are swapped.",
            "the query's word picks the row: attention_scores[3, 8].",
        )
    if abs(value - scores[4, 3].item()) <= 5e-4:
        return not_yet(
            "you used the ids (fox 4, dog 3); rows and columns follow the sentence's word order.",
            hint,
        )
    return not_yet(f"{value} is not the scaled score of query 'fox' and key 'dog'.", hint)


def batch_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """Queries and keys of a batch of two sentences (ours, and ours reversed), as in 04's exercise 2.

    Both are ``(2, 9, 2)`` and detached. Introduced in 04_attention_scores.ipynb.
    """
    steps = _course_steps()
    x_batch = torch.stack([steps.embedded, steps.embedded.flip(0)])
    return (x_batch @ steps.W_query).detach(), (x_batch @ steps.W_key).detach()


@exercise_check("transpose the last two dimensions of the keys, then divide by √d_k.")
def check_batch_scores(answer: Any) -> Verdict:
    """Exercise 2 of 04_attention_scores.ipynb: scaled scores of a batch (2, 9, 9)."""
    queries, keys = batch_inputs()
    expected = queries @ keys.transpose(-2, -1) / 2**0.5
    hint = "q_batch @ k_batch.transpose(-2, -1) / math.sqrt(d_k)"
    if isinstance(answer, torch.Tensor) and answer.shape == (9, 9):
        return not_yet("your scores are (9, 9): one sentence; the batch holds two.", hint)
    scores, problem = _tensor_answer(answer, (2, 9, 9), "the batch's scores", hint)
    if problem:
        return problem
    if _close(scores, expected):
        return correct("two 9 × 9 score matrices, one per sentence: shape (2, 9, 9).")
    if _close(scores, expected * 2**0.5):
        return not_yet("these are the unscaled scores.", "divide by math.sqrt(d_k).")
    if _close(scores, expected.transpose(-2, -1)):
        return not_yet(
            "rows and columns are swapped: that is keys times queries.",
            "put the queries first: q_batch @ k_batch.transpose(-2, -1).",
        )
    return not_yet("these are not the scaled scores of q_batch and k_batch.", hint)


@exercise_check("the scores are divided by the square root of the size of one head's keys.")
def check_scale_for_64(answer: Any) -> Verdict:
    """Exercise 3 of 04_attention_scores.ipynb: the divisor for d_model = 512 with 8 heads of d_k = 64."""
    hint = "each head compares keys of length d_k = 64; divide by √d_k."
    value, problem = _number_answer(answer, "the divisor", hint)
    if problem:
        return problem
    if abs(value - 8) <= 1e-6:
        return correct("√64 = 8: each head divides its scores by 8.")
    known = [
        (64, "64 is d_k itself; divide by its square root."),
        (512**0.5, "that is √d_model; each head's keys have d_k = 64 numbers, not 512."),
        (512, "512 is d_model; each head's keys have d_k = 64 numbers."),
        (0.125, "0.125 is what you multiply by; the question asks what you divide by."),
    ]
    for wrong, problem_text in known:
        if abs(value - wrong) <= 1e-3:
            return not_yet(problem_text, hint)
    return not_yet(f"{value} is not √d_k for d_k = 64.", hint)


# ---- 05_softmax_weights, 06_context_vectors, 07_self_attention_module (issue 4) ----
# Like 02-04, these rebuild the course's tensors without touching the learner's random
# state (_course_steps) and compare float answers within FLOAT_TOLERANCE (_close).


def _float_tensor(
    answer: Any, shape: tuple[int, ...], what: str, hint: str
) -> tuple[torch.Tensor | None, Verdict | None]:
    """``(tensor, None)`` if ``answer`` is a finite float tensor of ``shape``, else ``(None, verdict)``."""
    if isinstance(answer, (list, tuple)):
        return None, not_yet(
            f"you gave a Python {type(answer).__name__}; {what} should be a tensor.",
            "compute it with tensor operations, or wrap it: torch.tensor(...).",
        )
    if not isinstance(answer, torch.Tensor):
        return None, not_yet(f"{what} should be a tensor; you gave {describe(answer)}.", hint)
    if not answer.is_floating_point():
        return None, not_yet(
            f"{what} should hold floating-point numbers; yours has dtype {answer.dtype}.", hint
        )
    if tuple(answer.shape) != shape:
        return None, not_yet(
            f"{what} should have shape {shape}; yours has shape {tuple(answer.shape)}.", hint
        )
    if not torch.isfinite(answer).all():
        return None, not_yet(f"{what} holds NaN or inf.", hint)
    return answer.detach(), None


# ---- 05_softmax_weights.ipynb -------------------------------------------------------------


@exercise_check("exponentiate row 3 of the scaled scores, then divide by the row's sum.")
def check_fox_weights(answer: Any) -> Verdict:
    """Exercise 1 of 05_softmax_weights.ipynb: the weights of query 'fox' (row 3), by hand."""
    steps = _course_steps()
    hint = "take scores[3], compute its exp(), and divide by that exp's sum (shape (9,))."
    tensor, problem = _float_tensor(answer, (9,), "the weights of 'fox'", hint)
    if problem:
        if isinstance(answer, torch.Tensor) and tuple(answer.shape) == (9, 9):
            return not_yet("you gave the whole 9 × 9 matrix.", "keep only row 3, the row of 'fox'.")
        return problem
    if _close(tensor, steps.weights[3]):
        return correct(f"the weights of 'fox' sum to 1 and peak at 'lazy': {steps.weights[3]}")
    if _close(tensor, torch.softmax(steps.scores[:, 3], dim=-1)):
        return not_yet(
            "you used column 3 of the scores: how much each word's query matches 'fox'.",
            "the query's weights are its row: scores[3], not scores[:, 3].",
        )
    unscaled = torch.softmax(steps.scores[3] * 2**0.5, dim=-1)
    if _close(tensor, unscaled):
        return not_yet(
            "these are the weights of the unscaled scores.",
            "start from the scaled scores (query @ key.T divided by √d_k), as the lesson did.",
        )
    total = float(tensor.sum())
    if abs(total - 1) > 1e-3:
        return not_yet(
            f"weights of one query sum to 1; yours sum to {total:.4f}.",
            "divide the exps by their sum: e / e.sum().",
        )
    return not_yet("these are not the weights of 'fox'.", hint)


@exercise_check("softmax the unscaled scores (no division by √d_k), along dim=-1.")
def check_unscaled_weights(answer: Any) -> Verdict:
    """Exercise 2 of 05_softmax_weights.ipynb: the weights without the √d_k scaling."""
    steps = _course_steps()
    raw = (steps.query @ steps.key.T).detach()
    expected = torch.softmax(raw, dim=-1)
    hint = "F.softmax(query @ key.T, dim=-1): no division by √d_k."
    tensor, problem = _float_tensor(answer, (9, 9), "the unscaled weights", hint)
    if problem:
        return problem
    if _close(tensor, expected):
        return correct(
            "without scaling, the largest weight of 'fox' grows from "
            f"{steps.weights[3].max():.3f} to {expected[3].max():.3f}: the weights get sharper."
        )
    if _close(tensor, steps.weights):
        return not_yet("these are the scaled weights from the lesson.", hint)
    if _close(tensor, torch.softmax(raw, dim=0)):
        return not_yet(
            "your columns sum to 1, not your rows: softmax ran along dim=0.",
            "use dim=-1, so that each query's row sums to 1.",
        )
    return not_yet("these are not the unscaled weights.", hint)


def _causal_scores() -> torch.Tensor:
    """The course's scaled scores with every key after its query set to -inf (05, exercise 3)."""
    steps = _course_steps()
    later = torch.triu(torch.ones(9, 9, dtype=torch.bool), diagonal=1)
    return steps.scores.detach().masked_fill(later, float("-inf"))


@exercise_check("set the scores above the diagonal to -inf, then softmax each row.")
def check_causal_weights(answer: Any) -> Verdict:
    """Exercise 3 of 05_softmax_weights.ipynb: weights where each word sees only itself and earlier words."""
    steps = _course_steps()
    expected = torch.softmax(_causal_scores(), dim=-1)
    hint = "scores.masked_fill(later, float('-inf')) with later = torch.triu(..., diagonal=1), then softmax."
    tensor, problem = _float_tensor(answer, (9, 9), "the masked weights", hint)
    if problem:
        return problem
    if _close(tensor, expected):
        return correct("'The' can only attend to itself (weight 1), and every row still sums to 1.")
    if _close(tensor, steps.weights.detach()):
        return not_yet("these are the lesson's unmasked weights.", hint)
    if tensor.triu(diagonal=1).abs().max() > FLOAT_TOLERANCE:
        return not_yet(
            "some words still attend to later words (there are weights above the diagonal).",
            "use -inf for the blocked scores: 0 is an ordinary score and still gets weight.",
        )
    sums = tensor.sum(dim=-1)
    if (sums - 1).abs().max() > 1e-3:
        return not_yet(
            f"each row should sum to 1; row 0 sums to {sums[0]:.4f}.",
            "mask the scores before the softmax, not the weights after it.",
        )
    return not_yet("these are not the masked weights.", hint)


# ---- 06_context_vectors.ipynb -------------------------------------------------------------


@exercise_check("'dog' is the last word: weights[8] mixes the value rows.")
def check_dog_context(answer: Any) -> Verdict:
    """Exercise 1 of 06_context_vectors.ipynb: the context vector of 'dog' as a weighted sum."""
    steps = _course_steps()
    hint = "add up weights[8, j] * value[j] over the 9 words j (shape (4,))."
    tensor, problem = _float_tensor(answer, (4,), "the context vector of 'dog'", hint)
    if problem:
        return problem
    if _close(tensor, steps.context[8]):
        return correct(f"it equals row 8 of weights @ value: {steps.context[8].detach()}")
    if _close(tensor, steps.context[3]):
        return not_yet(
            "that is the context vector of 'fox' (row 3). 'dog' has id 3, but it is the "
            "word at position 8.",
            "rows follow the sentence's word order, not the ids: use row 8.",
        )
    if _close(tensor, steps.weights[:, 8].detach() @ steps.value.detach()):
        return not_yet(
            "you used column 8 of the weights (how much each word attends to 'dog').",
            "the weights of 'dog' as a query are its row: weights[8].",
        )
    return not_yet("this is not the context vector of 'dog'.", hint)


@exercise_check("with equal weights 1/9, a context vector is the average of the value rows.")
def check_uniform_context(answer: Any) -> Verdict:
    """Exercise 2 of 06_context_vectors.ipynb: the context vector if every weight were 1/9."""
    steps = _course_steps()
    value = steps.value.detach()
    hint = "average the 9 value rows: value.mean(dim=0) (shape (4,))."
    if isinstance(answer, torch.Tensor) and tuple(answer.shape) == (9,):
        return not_yet(
            "you averaged along the wrong dimension (one number per word).",
            "average over the words, dim=0, to keep the 4 numbers of a value vector.",
        )
    tensor, problem = _float_tensor(answer, (4,), "the uniform context vector", hint)
    if problem:
        return problem
    if _close(tensor, value.mean(dim=0)):
        return correct(
            "every word would get this same vector: equal weights erase what is special "
            "about each word."
        )
    if _close(tensor, value.sum(dim=0)):
        return not_yet("that is the sum of the value rows.", "weights of 1/9 each: divide by 9.")
    return not_yet("this is not the average of the value rows.", hint)


# ---- 07_self_attention_module.ipynb -------------------------------------------------------


@exercise_check("True means 'may attend': keep the lower triangle, diagonal included.")
def check_causal_mask(answer: Any) -> Verdict:
    """Exercise 1 of 07_self_attention_module.ipynb: a causal mask for 9 words."""
    expected = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    hint = (
        "keep the diagonal and everything below it: torch.tril(torch.ones(9, 9, dtype=torch.bool))."
    )
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"a mask is a boolean tensor; you gave {describe(answer)}.", hint)
    if answer.dtype != torch.bool:
        return not_yet(
            f"the mask has dtype {answer.dtype}; it must be torch.bool (a float mask is "
            "added to the scores instead of blocking them).",
            "pass dtype=torch.bool, or convert with .bool().",
        )
    if tuple(answer.shape) != (9, 9):
        return not_yet(
            f"the mask should have one row per query and one column per key, (9, 9); "
            f"yours has shape {tuple(answer.shape)}.",
            hint,
        )
    if torch.equal(answer, expected):
        return correct("each word may attend to itself and the words before it.")
    if torch.equal(answer, ~expected):
        return not_yet(
            "True and False are swapped: here True means 'may attend'.",
            "invert it with ~mask, or build it with torch.tril.",
        )
    if torch.equal(answer, expected.T):
        return not_yet(
            "that is the upper triangle: each word would see only itself and later words.",
            "torch.tril keeps the lower triangle (the earlier words).",
        )
    if torch.equal(answer, torch.tril(expected, diagonal=-1)):
        return not_yet(
            "the diagonal is False, so no word may attend to itself ('The' sees nothing).",
            "keep the diagonal: torch.tril with the default diagonal=0.",
        )
    return not_yet("this is not the causal mask.", hint)


@exercise_check("stack the sentence and its reverse into a (2, 9, 3) batch and call the module.")
def check_batch_context(answer: Any) -> Verdict:
    """Exercise 2 of 07_self_attention_module.ipynb: the module on a batch of two sentences."""
    steps = _course_steps()
    expected = torch.stack([steps.context.detach(), steps.context.detach().flip(0)])
    hint = "helper_sa(torch.stack([embedded, embedded.flip(0)])) gives shape (2, 9, 4)."
    if isinstance(answer, torch.Tensor) and tuple(answer.shape) == (9, 4):
        return not_yet(
            "that is one sentence's output; a batch of two gives shape (2, 9, 4).",
            "stack the two inputs first: torch.stack([a, b]) has shape (2, 9, 3).",
        )
    tensor, problem = _float_tensor(answer, (2, 9, 4), "the batch's context vectors", hint)
    if problem:
        return problem
    if _close(tensor, expected):
        return correct(
            "the reversed sentence gets the same context vectors in reverse order: "
            "self-attention on its own does not know the order of the words."
        )
    if _close(tensor[0], expected[0]) and _close(tensor[1], expected[0]):
        return not_yet("both sentences are the course sentence.", "reverse the second: .flip(0).")
    return not_yet(
        "these are not the module's context vectors for the batch.",
        "use helper_sa (built right after torch.manual_seed(123)). " + hint,
    )


@exercise_check("count the numbers in W_query, W_key and W_value.")
def check_parameter_count(answer: Any) -> Verdict:
    """Exercise 3 of 07_self_attention_module.ipynb: learnable numbers in SelfAttention(3, 2, 2, 4)."""
    hint = "W_query is 3 × 2, W_key 3 × 2, W_value 3 × 4: add up their sizes."
    if isinstance(answer, bool) or not isinstance(answer, int):
        return not_yet(
            f"the count should be a whole number (an int); you gave {describe(answer)}.", hint
        )
    if answer == 24:
        return correct("6 + 6 + 12 = 24, the same as sum(p.numel() for p in sa.parameters()).")
    if answer == 8:
        return not_yet("8 is d_q + d_k + d_v; each of the three is a matrix with d = 3 rows.", hint)
    if answer == 3:
        return not_yet("3 is the number of weight matrices; count the numbers inside them.", hint)
    return not_yet(f"{answer} is not the number of learnable numbers.", hint)
