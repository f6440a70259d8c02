"""Exercise checks of the lessons beyond the article (08 on): same rules as :mod:`helpers.exercises`.

Each check is a ``check_something(answer)`` decorated with
:func:`helpers.exercises.exercise_check` and returns a :class:`helpers.exercises.Verdict`;
it never raises (tests/test_exercises.py feeds every check a battery of wrong types).
Sections follow the lessons in order.
"""

from __future__ import annotations

from typing import Any

import torch

from helpers._validate import describe
from helpers.exercises import (
    Verdict,
    _close,
    _course_steps,
    _number_answer,
    correct,
    exercise_check,
    not_yet,
)

# --- 08_masks.ipynb ---------------------------------------------------------------------


def _mask_verdict(
    answer: Any, expected: torch.Tensor, what: str, hint: str
) -> tuple[Verdict | None, Any]:
    """The verdict on an answer that should be the boolean mask ``expected``, or ``None`` if it is.

    Returns ``(verdict, answer)``: a "Not yet" for a non-tensor, a non-boolean dtype or a
    wrong shape; ``None`` when the answer is a boolean tensor of the right shape (equal or
    not: the caller names the mistake).
    """
    shape = tuple(expected.shape)
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"{what} is a boolean tensor; you gave {describe(answer)}.", hint), answer
    if answer.dtype != torch.bool:
        return (
            not_yet(
                f"your mask has dtype {answer.dtype}; a mask must be torch.bool "
                "(True = may attend). A float mask would be added to the scores instead.",
                "pass dtype=torch.bool, or convert with .bool().",
            ),
            answer,
        )
    if tuple(answer.shape) != shape:
        return (
            not_yet(f"{what} has shape {shape}; yours has shape {tuple(answer.shape)}.", hint),
            answer,
        )
    return None, answer


@exercise_check("torch.triu(..., diagonal=1) builds the later words; True here means 'may attend'.")
def check_causal_mask_of_five(answer: Any) -> Verdict:
    """Exercise 1 of 08_masks.ipynb: the causal mask for 5 tokens."""
    hint = "keep the diagonal and everything below it: helpers.masks.causal_mask(5) builds it too."
    expected = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    verdict, answer = _mask_verdict(answer, expected, "the causal mask for 5 tokens", hint)
    if verdict is not None:
        return verdict
    if torch.equal(answer, expected):
        return correct("each of the 5 tokens may attend to itself and the tokens before it.")
    if torch.equal(answer, ~expected):
        return not_yet(
            "True and False are swapped: this is the future (True = blocked).",
            "here True means 'may attend': invert it with ~.",
        )
    if torch.equal(answer, expected.T):
        return not_yet(
            "that is the upper triangle: each token would see itself and the tokens after it.",
            "the past is the lower triangle: torch.tril, or ~torch.triu(..., diagonal=1).",
        )
    if torch.equal(answer, torch.tril(expected, diagonal=-1)):
        return not_yet(
            "the diagonal is False, so no token may attend to itself (token 0 sees nothing: NaN).",
            "use diagonal=1 in torch.triu (the future starts one step right of the diagonal).",
        )
    return not_yet("this is not the causal mask.", hint)


@exercise_check(
    "mask the scores with helpers.masks.causal_mask(9), softmax, then read row 3, column 3."
)
def check_fox_self_weight(answer: Any) -> Verdict:
    """Exercise 2 of 08_masks.ipynb: the weight 'fox' puts on itself under the causal mask."""
    hint = (
        "weights = F.softmax(steps.scores.masked_fill(~causal_mask(9), float('-inf')), dim=-1); "
        "'fox' is position 3."
    )
    value, verdict = _number_answer(answer, "the weight 'fox' puts on itself", hint)
    if verdict is not None:
        return verdict
    steps = _course_steps()
    scores = steps.scores.detach()
    mask = torch.tril(torch.ones(9, 9, dtype=torch.bool))
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    expected = weights[3, 3].item()
    if abs(value - expected) <= 5e-4:
        return correct(
            f"{expected:.4f}: with the 5 later words hidden, 'fox' puts most of its weight "
            f"on itself (without the mask it was {steps.weights[3, 3].item():.4f})."
        )
    if abs(value - steps.weights[3, 3].item()) <= 5e-4:
        return not_yet(
            "that is the weight without the mask (step 5's value).",
            "set the blocked scores to -inf before the softmax: "
            "scores.masked_fill(~mask, float('-inf')).",
        )
    zero_filled = torch.softmax(scores.masked_fill(~mask, 0.0), dim=-1)[3, 3].item()
    if abs(value - zero_filled) <= 5e-4:
        return not_yet(
            "the blocked scores were set to 0, and exp(0) = 1 still gives them weight.",
            "fill with float('-inf'), whose exp is exactly 0.",
        )
    others = [
        word
        for word, weight in zip(steps.words, weights[3].tolist(), strict=True)
        if word != "fox" and abs(value - weight) <= 5e-4
    ]
    if others:
        return not_yet(f"that is the weight 'fox' puts on {others[0]!r}, not on itself.", hint)
    return not_yet(f"{value} is not the weight of 'fox' on itself.", hint)


@exercise_check("helpers.masks.padding_mask(lengths) gives (batch, 1, n): True for real tokens.")
def check_padding_mask_2_4(answer: Any) -> Verdict:
    """Exercise 3 of 08_masks.ipynb: the padding mask for sentence lengths [2, 4]."""
    hint = "torch.arange(4) < torch.tensor([2, 4]).unsqueeze(1), then .unsqueeze(1) again."
    expected = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])
    if isinstance(answer, torch.Tensor) and answer.dtype == torch.bool:
        if tuple(answer.shape) == (2, 4) and torch.equal(answer, expected[:, 0]):
            return not_yet(
                "the right True and False, but shape (2, 4): the mask needs a middle dimension "
                "of size 1 that broadcasts over the queries, (2, 1, 4).",
                "add it with .unsqueeze(1).",
            )
    verdict, answer = _mask_verdict(answer, expected, "the padding mask for lengths [2, 4]", hint)
    if verdict is not None:
        return verdict
    if torch.equal(answer, expected):
        return correct(
            "in sentence 0 every query may attend to the 2 real tokens only; in sentence 1, "
            "to all 4."
        )
    if torch.equal(answer, ~expected):
        return not_yet(
            "True and False are swapped: True should mark the real tokens (may attend).",
            "invert it with ~.",
        )
    if torch.equal(answer, expected.flip(-1)):
        return not_yet(
            "this pads on the left; the lesson's padding goes after the real tokens.",
            "position j is real when j < length.",
        )
    return not_yet("this is not the padding mask for lengths [2, 4].", hint)


# --- 09_multi_head_attention.ipynb ------------------------------------------------------


def _lesson_09_query() -> torch.Tensor:
    """Lesson 09's projected queries ``Q (1, 9, 8)``: the course module's query layer on ``x``."""
    from helpers.multihead import course_example

    _, x, module = course_example()
    with torch.no_grad():
        return module.query(x)


def _tensor_of_shape(answer: Any, shape: tuple[int, ...], what: str, hint: str) -> Verdict | None:
    """A "Not yet" if ``answer`` is not a float tensor of ``shape``, else ``None``."""
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"{what} is a tensor of shape {shape}; you gave {describe(answer)}.", hint)
    if not answer.is_floating_point():
        return not_yet(f"your tensor has dtype {answer.dtype}; {what} holds floats.", hint)
    if tuple(answer.shape) != shape:
        return not_yet(
            f"your tensor has shape {tuple(answer.shape)}; {what} has shape {shape}.", hint
        )
    return None


@exercise_check("view Q as (1, 9, 4, 2), then transpose(1, 2).")
def check_split_query_heads(answer: Any) -> Verdict:
    """Exercise 1 of 09_multi_head_attention.ipynb: ``Q (1, 9, 8)`` split into 4 heads."""
    hint = "view Q as (batch, n, heads, d_head) = (1, 9, 4, 2), then transpose(1, 2)."
    query = _lesson_09_query()
    problem = _tensor_of_shape(answer, (1, 4, 9, 2), "Q split into 4 heads", hint)
    if problem is not None:
        if isinstance(answer, torch.Tensor) and tuple(answer.shape) == (1, 9, 4, 2):
            return not_yet(
                "you cut each word's features into 4 heads, but the heads are not in front "
                "of the words yet: shape (1, 9, 4, 2).",
                "finish with .transpose(1, 2) to get (1, 4, 9, 2).",
            )
        return problem
    answer = answer.detach().float()
    if _close(answer, query.view(1, 4, 9, 2)):
        return not_yet(
            "right shape, but this is Q.view(1, 4, 9, 2): head 0's rows mix words "
            "('The' fills its first 4 rows) instead of one word per row.",
            hint,
        )
    if not _close(answer, query.view(1, 9, 4, 2).transpose(1, 2)):
        return not_yet("these are not Q's features, one word per row, 2 per head.", hint)
    return correct(
        "head h holds features 2h and 2h+1 of every word: answer[0, h] == Q[0, :, 2*h:2*h+2]."
    )


@exercise_check("transpose(1, 2) back to (1, 9, 4, 2), then reshape(1, 9, 8).")
def check_merged_heads(answer: Any) -> Verdict:
    """Exercise 2 of 09_multi_head_attention.ipynb: ``per_head (1, 4, 9, 2)`` merged to ``(1, 9, 8)``."""
    hint = "per_head.transpose(1, 2).reshape(1, 9, 8): words first again, then heads side by side."
    from helpers.multihead import course_example, split_heads

    _, x, module = course_example()
    with torch.no_grad():
        queries = split_heads(module.query(x), 4)
        keys = split_heads(module.key(x), 4)
        values = split_heads(module.value(x), 4)
        weights = torch.softmax(queries @ keys.transpose(-2, -1) / 2**0.5, dim=-1)
        per_head = weights @ values  # (1, 4, 9, 2)
    problem = _tensor_of_shape(answer, (1, 9, 8), "the merged heads", hint)
    if problem is not None:
        return problem
    answer = answer.detach().float()
    if _close(answer, per_head.reshape(1, 9, 8)):
        return not_yet(
            "right shape, but reshape without the transpose lays head 0's 9 rows along the "
            "first words: row 0 now holds 'The' and 'quick' of head 0, not 'The' in every head.",
            hint,
        )
    if not _close(answer, per_head.transpose(1, 2).reshape(1, 9, 8)):
        return not_yet("these are not the heads' context vectors side by side.", hint)
    return correct("row i holds word i's context vector from head 0, then head 1, 2 and 3.")


@exercise_check("four nn.Linear(8, 8) layers, each with a weight (8, 8) and a bias (8,).")
def check_multihead_parameters(answer: Any) -> Verdict:
    """Exercise 3 of 09_multi_head_attention.ipynb: the parameters of ``MultiHeadAttention(8, 4)``."""
    hint = "query, key, value and out are each nn.Linear(8, 8): 8 * 8 weights + 8 biases."
    if isinstance(answer, bool) or not isinstance(answer, int):
        return not_yet(f"a count of parameters is an int; you gave {describe(answer)}.", hint)
    if answer == 4 * (8 * 8 + 8):
        return correct(
            "4 × (64 + 8) = 288, and the same with 1, 2 or 8 heads: splitting into heads "
            "adds no parameters, it only decides which features meet in each dot product."
        )
    if answer == 4 * 8 * 8:
        return not_yet("256 counts the weights but not the biases (8 per layer).", hint)
    if answer == 3 * (8 * 8 + 8):
        return not_yet("216 forgets the output projection out (W_O).", hint)
    if answer in (4 * 4 * (8 * 2 + 2), 4 * 4 * 8 * 2, 4 * (8 * 8 + 8) * 4):
        return not_yet(
            f"{answer} counts per head; the heads share the same four nn.Linear(8, 8) layers "
            "(each head uses a slice of their outputs).",
            hint,
        )
    return not_yet(f"{answer} is not the number of parameters.", hint)


# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------


def _rows(answer: Any) -> tuple[int, int] | None:
    """``answer`` as (start, stop) if it is a slice, a range or a pair of ints, else ``None``."""
    if isinstance(answer, slice) and answer.step in (None, 1):
        start, stop = answer.start or 0, answer.stop
    elif isinstance(answer, range) and answer.step == 1:
        start, stop = answer.start, answer.stop
    elif isinstance(answer, (tuple, list)) and len(answer) == 2:
        start, stop = answer
    else:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop)):
        return None
    return start, stop


@exercise_check("the stack is query, key, value, each d_model = 8 rows.")
def check_key_rows(answer: Any) -> Verdict:
    """Exercise 1 of 10_what_pytorch_does.ipynb: the rows of ``in_proj_weight`` holding W_K."""
    hint = "rows 0-7 are the query weight, then come 8 rows of key weight, then 8 of value."
    rows = _rows(answer)
    if rows is None:
        return not_yet(
            f"give the rows as a slice, e.g. slice(0, 8); you gave {describe(answer)}.", hint
        )
    names = {(0, 8): "the query weight (W_Q)", (16, 24): "the value weight (W_V)"}
    if rows == (8, 16):
        return correct(
            "in_proj_weight[8:16] is the key weight in nn.Linear's (out, in) layout, "
            "so W_K = in_proj_weight[8:16].T."
        )
    if rows in names:
        return not_yet(f"rows {rows[0]} to {rows[1] - 1} hold {names[rows]}.", hint)
    if rows == (8, 15):
        return not_yet("a slice's stop is excluded: slice(8, 15) stops at row 14.", hint)
    return not_yet(
        f"rows {rows[0]} up to {rows[1]} are not one block of 8 rows of the stack.", hint
    )


@exercise_check(
    "padding_mask(lengths) is (batch, 1, n) with True = real word; MHA wants (batch, n), True = padding."
)
def check_key_padding_mask(answer: Any) -> Verdict:
    """Exercise 2 of 10_what_pytorch_does.ipynb: the key_padding_mask for lengths [9, 5]."""
    from helpers.masks import padding_mask

    hint = "~padding_mask([9, 5])[:, 0] (or .squeeze(1)): drop the middle dimension, then invert."
    course = padding_mask([9, 5])  # (2, 1, 9), True = real word
    expected = ~course[:, 0]
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"a mask is a boolean tensor; you gave {describe(answer)}.", hint)
    if answer.dtype != torch.bool:
        return not_yet(
            f"your mask has dtype {answer.dtype}; use a boolean mask here (a float one "
            "would be added to the scores).",
            hint,
        )
    if tuple(answer.shape) == (2, 1, 9):
        return not_yet(
            "key_padding_mask has one row per sentence, shape (batch, n) = (2, 9); "
            "yours is (2, 1, 9), the course's shape.",
            "drop the middle dimension with [:, 0] or .squeeze(1).",
        )
    if tuple(answer.shape) != (2, 9):
        return not_yet(f"key_padding_mask has shape (2, 9); yours is {tuple(answer.shape)}.", hint)
    if torch.equal(answer, ~expected):
        return not_yet(
            "True and False are swapped: nn.MultiheadAttention reads True as 'ignore this key'.",
            "invert the course mask with ~.",
        )
    if not torch.equal(answer, expected):
        return not_yet(
            "this does not mark the last 4 words of sentence 2 (and nothing else).", hint
        )
    return correct(
        "True marks the 4 padding words of the second sentence: PyTorch ignores those keys."
    )


@exercise_check("start from zeros and put -inf where the course mask is False.")
def check_additive_causal_mask(answer: Any) -> Verdict:
    """Exercise 3 of 10_what_pytorch_does.ipynb: the causal mask as an additive float mask."""
    from helpers.masks import causal_mask

    hint = "torch.zeros(9, 9).masked_fill(~causal_mask(9), float('-inf'))."
    allowed = causal_mask(9)
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"a float mask is a tensor; you gave {describe(answer)}.", hint)
    if not answer.is_floating_point():
        return not_yet(
            f"your mask has dtype {answer.dtype}; an additive mask holds floats (0 and -inf).",
            hint,
        )
    if tuple(answer.shape) != (9, 9):
        return not_yet(f"the mask has shape (9, 9); yours is {tuple(answer.shape)}.", hint)
    answer = answer.detach()
    if torch.isnan(answer).any():
        return not_yet("your mask holds NaN.", hint)
    if torch.equal(answer, allowed.to(answer.dtype)):
        return not_yet(
            "this is mask.float(): 1 and 0 are added to the scores, so nothing is blocked.",
            hint,
        )
    if torch.isneginf(answer).equal(allowed):
        return not_yet("-inf stands where words may attend: the mask is inverted.", hint)
    if not torch.isneginf(answer).equal(~allowed):
        return not_yet("-inf must stand exactly above the diagonal (the later words).", hint)
    if not (answer[allowed] == 0).all():
        return not_yet("where a word may attend, add 0 (leave the score as it is).", hint)
    return correct("0 keeps a score, -inf removes it: softmax then gives the later words weight 0.")


# --- 11_cost_of_attention.ipynb ---------------------------------------------------------


def _count_verdict(
    answer: Any, expected: int, what: str, hint: str, known: dict[int, str], done: str
) -> Verdict:
    """Compare a counted answer with ``expected``; ``known`` explains typical wrong counts."""
    value, problem = _number_answer(answer, what, hint)
    if problem is not None:
        return problem
    if value == expected:
        return correct(done)
    for wrong, explanation in known.items():
        if value == wrong:
            return not_yet(explanation, hint)
    return not_yet(f"you gave {value:,g}, which is not {what}.", hint)


@exercise_check("batch × heads × n × n numbers, times 4 bytes for float32.")
def check_layer_score_bytes(answer: Any) -> Verdict:
    """Exercise 1 of 11_cost_of_attention.ipynb: bytes of GPT-2 small's score matrices, one layer."""
    from helpers.cost import score_matrix_bytes

    expected = score_matrix_bytes(1024, heads=12)
    hint = "batch × heads × n × n numbers, times 4 bytes for float32."
    known = {
        score_matrix_bytes(1024): "that is one head's score matrix; the layer has 12 heads.",
        score_matrix_bytes(1024, heads=12, dtype=torch.float64): (
            "that counts 8 bytes per number (float64); the model computes in float32, 4 bytes."
        ),
        12 * 1024 * 1024: "that is how many numbers there are; each float32 number takes 4 bytes.",
        expected // 2**20: "that is the size in MiB; the question asks for bytes.",
        12 * 1024 * 4: "that grows with n, not n²: each of the 1024 queries has 1024 scores.",
    }
    return _count_verdict(
        answer,
        expected,
        "the bytes of the layer's score matrices",
        hint,
        known,
        f"12 × 1024 × 1024 × 4 = {expected:,} bytes (48.0 MiB) for one layer's scores, and "
        "as much again for its weights.",
    )


@exercise_check("Q Kᵀ costs n·n·d_k multiply-adds, weights @ V another n·n·d_v.")
def check_long_multiply_adds(answer: Any) -> Verdict:
    """Exercise 2 of 11_cost_of_attention.ipynb: multiply-adds of one head at n = 4096."""
    from helpers.cost import attention_multiply_adds

    expected = attention_multiply_adds(4096, 64, 64)
    hint = "Q Kᵀ costs n·n·d_k multiply-adds, weights @ V another n·n·d_v."
    known = {
        expected // 2: "that counts one of the two products; attention does Q Kᵀ and weights @ V.",
        4096 * 4096: (
            "that counts the scores (n²), not the multiply-adds: each score is a dot product "
            "of d_k = 64 pairs."
        ),
        4096 * 64: "that grows with n; every one of the 4096 queries meets all 4096 keys.",
        2 * expected: (
            "that counts a multiply and an add separately (floating-point operations); "
            "count multiply-adds."
        ),
    }
    return _count_verdict(
        answer,
        expected,
        "the multiply-adds of one head",
        hint,
        known,
        f"4096 × 4096 × (64 + 64) = {expected:,}: about 2.1 billion multiply-adds for one head "
        "of one layer.",
    )


@exercise_check("set 12 · n² · (64 + 64) equal to 12 · n · 768 · (2·64 + 64) and solve for n.")
def check_crossover_length(answer: Any) -> Verdict:
    """Exercise 3 of 11_cost_of_attention.ipynb: the length where attention costs what the projections cost."""
    from helpers.cost import attention_multiply_adds, projection_multiply_adds

    hint = "set 12 · n² · (64 + 64) equal to 12 · n · 768 · (2·64 + 64) and solve for n."
    lengths = range(1, 4097)
    expected = next(
        n
        for n in lengths
        if attention_multiply_adds(n, 64, 64, 12) >= projection_multiply_adds(n, 768, 64, 64, 12)
    )
    known = {
        768: "at n = d_model = 768 the projections still cost 1.5 times as much as attention.",
        1536: (
            "that is where attention matches four n·d_model² products (with an output "
            "projection); count only the Q, K and V projections."
        ),
        2304: "that counts only Q Kᵀ; attention also multiplies the weights by V.",
    }
    value, problem = _number_answer(answer, "the length n", hint)
    if problem is None and value != expected and abs(value - expected) < 0.5:
        return not_yet(f"{value} is close; the length is a whole number of tokens.", hint)
    return _count_verdict(
        answer,
        expected,
        "the length where they are equal",
        hint,
        known,
        "n = 1.5 × d_model = 1152 tokens: below it the projections cost more, above it "
        "attention does, and its share keeps growing with n.",
    )


# --- 12_watching_attention_learn.ipynb --------------------------------------------------


def _pattern(shift: int, length: int = 6) -> torch.Tensor:
    """The (length, length) weights with all of query i's weight on key i - shift (wrapping)."""
    return torch.eye(length).roll(-shift, dims=1)


@exercise_check("row i holds a single 1, in column (i - 2) % 6; every other entry is 0.")
def check_two_back_pattern(answer: Any) -> Verdict:
    """Exercise 1 of 12_watching_attention_learn.ipynb: the pattern of a "two positions back" task."""
    hint = "roll the identity matrix: torch.eye(6).roll(-2, dims=1) puts row i's 1 in column i - 2."
    if not isinstance(answer, torch.Tensor):
        return not_yet(f"the pattern is a (6, 6) tensor; you gave {describe(answer)}.", hint)
    if tuple(answer.shape) != (6, 6):
        return not_yet(
            f"the pattern has one row per query and one column per key, (6, 6); "
            f"yours has shape {tuple(answer.shape)}.",
            hint,
        )
    if answer.is_complex():
        return not_yet("your tensor holds complex numbers; weights are real.", hint)
    tensor = answer.detach().to(torch.float64)
    if not torch.isfinite(tensor).all():
        return not_yet("your tensor holds NaN or infinity.", hint)
    expected = _pattern(2).to(torch.float64)
    if torch.equal(tensor, expected):
        return correct(
            "each query puts all its weight two positions back; queries 0 and 1 wrap "
            "around to keys 4 and 5."
        )
    if torch.equal(tensor, _pattern(1).double()):
        return not_yet("that is the lesson's pattern, one position back.", hint)
    if torch.equal(tensor, _pattern(-2).double()):
        return not_yet(
            "that is two positions *forward*: row i has its 1 in column i + 2.",
            "rows are queries, columns are keys: row i needs its 1 in column i - 2.",
        )
    if torch.equal(tensor, torch.eye(6, dtype=torch.float64)):
        return not_yet("that is the diagonal: each query attends to itself.", hint)
    no_wrap = expected.clone()
    no_wrap[:2] = 0
    if torch.equal(tensor, no_wrap):
        return not_yet(
            "queries 0 and 1 have no weight at all; attention weights sum to 1 in every row.",
            "wrap around: query 0 takes key 4, query 1 takes key 5.",
        )
    return not_yet("this is not the two-positions-back pattern.", hint)


@exercise_check("a model that knows nothing gives each of the 6 tokens probability 1/6.")
def check_chance_loss(answer: Any) -> Verdict:
    """Exercise 2 of 12_watching_attention_learn.ipynb: the loss of a model that guesses evenly."""
    import math

    hint = "cross-entropy is -ln(probability of the right token): -math.log(1 / 6)."
    value, problem = _number_answer(answer, "the loss", hint)
    if problem:
        return problem
    assert value is not None
    if abs(value - math.log(6)) < 1e-3:
        return correct(
            f"ln 6 = {math.log(6):.3f}. The untrained model's loss (1.952) is a little worse "
            "than guessing evenly: its random start is confidently wrong on some positions."
        )
    if abs(value - 1 / 6) < 1e-3:
        return not_yet("1/6 is the probability of the right token, not the loss.", hint)
    if abs(value + math.log(6)) < 1e-3:
        return not_yet("the sign: the loss is minus the log of a probability, so it is ≥ 0.", hint)
    if abs(value - math.log10(6)) < 1e-3 or abs(value - math.log2(6)) < 1e-3:
        return not_yet("cross-entropy uses the natural logarithm (math.log).", hint)
    return not_yet(f"{value} is not the loss of an even guess.", hint)


@exercise_check("pick weights[i, (i - 1) % 6] for every query i and average them.")
def check_previous_weight(answer: Any) -> Verdict:
    """Exercise 3 of 12_watching_attention_learn.ipynb: the mean weight on the previous key."""
    from helpers import training

    hint = (
        "queries = torch.arange(6); after[queries, (queries - 1) % 6].mean() "
        "(or helpers.training.mean_weight_on_previous(after))."
    )
    value, problem = _number_answer(answer, "the mean weight", hint)
    if problem:
        return problem
    assert value is not None
    after = training.lesson_run().checkpoints[-1].weights[0]
    queries = torch.arange(6)
    expected = after[queries, (queries - 1) % 6].mean().item()
    if abs(value - expected) < 1e-4:
        return correct(
            f"{expected:.3f}: almost all of each query's weight is on the previous position."
        )
    if abs(value - after.mean().item()) < 1e-4:
        return not_yet(
            "that is the mean of the whole matrix; every row sums to 1, so it is always 1/6.",
            hint,
        )
    if abs(value - after.diagonal().mean().item()) < 1e-4:
        return not_yet("that is the mean of the diagonal (each query on itself).", hint)
    if abs(value - after[queries, (queries + 1) % 6].mean().item()) < 1e-4:
        return not_yet("that is the weight on the *next* position, i + 1.", hint)
    if abs(value - after[queries[1:], queries[1:] - 1].mean().item()) < 1e-4:
        return not_yet("query 0 is missing: its previous position wraps around to key 5.", hint)
    return not_yet(f"{value:.4f} is not the mean weight on the previous position.", hint)


# --- 13_a_real_models_attention.ipynb ---------------------------------------------------


TOKEN_COUNT_SENTENCE = "Self-attention is unbelievably useful"
"""A sentence whose words the model's WordPiece tokenizer splits into pieces."""


@exercise_check("tokenize it: helpers.real_model.tokenize(sentence) returns the tokens and ids.")
def check_token_count(answer: Any) -> Verdict:
    """Exercise 1 of 13_a_real_models_attention.ipynb: how many tokens the model sees."""
    from helpers import real_model

    hint = "len(real_model.tokenize(sentence)[0]) counts them, [CLS] and [SEP] included."
    value, verdict = _number_answer(answer, "the number of tokens", hint)
    if verdict is not None:
        return verdict
    tokens, _ = real_model.tokenize(TOKEN_COUNT_SENTENCE)
    expected = len(tokens)
    if value == expected:
        return correct(
            f"{expected} tokens: {' '.join(tokens)}. Four words became {expected - 2} pieces, "
            "plus [CLS] and [SEP]."
        )
    if value == len(TOKEN_COUNT_SENTENCE.split()):
        return not_yet(
            "that is the number of words; the model's tokenizer splits words it does not know "
            "whole into pieces, and splits off punctuation such as '-'.",
            hint,
        )
    if value == expected - 2:
        return not_yet(
            "close: that counts the pieces of the words but not the two special tokens.",
            "the tokenizer adds [CLS] at the start and [SEP] at the end.",
        )
    return not_yet(f"{value:g} is not the number of tokens the model sees.", hint)


@exercise_check(
    "the input of layer 1 is run.hidden_states[1]; head 8 owns the rows 256 to 287 of each projection."
)
def check_next_token_head(answer: Any) -> Verdict:
    """Exercise 2 of 13_a_real_models_attention.ipynb: recompute layer 1, head 8's weights."""
    import math

    from helpers import real_model
    from helpers.exercises import _tensor_answer

    hint = (
        "q = h @ W_q.T + b_q with h = run.hidden_states[1] and head_projections(1, 8); "
        "softmax(q @ k.T / sqrt(32))."
    )
    run = real_model.run_model()
    n = len(run.tokens)
    weights, verdict = _tensor_answer(answer, (n, n), "layer 1, head 8's weights", hint)
    if verdict is not None:
        return verdict
    expected = run.attentions[1, 8]

    def near(other: torch.Tensor) -> bool:
        return bool((weights - other).abs().max() <= 1e-4)

    if near(expected):
        pairs = real_model.strongest_keys(expected, run.tokens)
        return correct(
            "your weights equal the model's to 4 decimals. Most tokens look at the NEXT token "
            f"(e.g. '{pairs[2][0]}' → '{pairs[2][1]}' {pairs[2][2]:.2f}): a 'next token' head."
        )
    if near(expected.T):
        return not_yet("your matrix is transposed: rows must be queries, columns keys.", hint)
    if near(real_model.recompute_head(run.hidden_states[0], 1, 8)[1]):
        return not_yet(
            "you fed layer 1 the embeddings (hidden_states[0]), the input of layer 0.",
            "layer 1's input is layer 0's output: run.hidden_states[1].",
        )
    projections = real_model.head_projections(1, 8)
    h = run.hidden_states[1]
    q, k = h @ projections["W_q"].T, h @ projections["W_k"].T
    if near(torch.softmax(q @ k.T / math.sqrt(real_model.D_HEAD), dim=-1)):
        return not_yet("the biases are missing: BERT's projections add b_q and b_k.", hint)
    q, k = q + projections["b_q"], k + projections["b_k"]
    if near(torch.softmax(q @ k.T / math.sqrt(real_model.D_MODEL), dim=-1)):
        return not_yet(
            "you divided the scores by sqrt(384) = sqrt(d_model); each head divides by "
            "sqrt(d_head) = sqrt(32).",
            hint,
        )
    if any(near(run.attentions[layer, 8]) for layer in range(real_model.LAYERS)) or any(
        near(run.attentions[1, head]) for head in range(real_model.HEADS)
    ):
        return not_yet("these are the weights of another layer or head.", hint)
    return not_yet("these are not the weights of layer 1, head 8.", hint)


@exercise_check("each projection is nn.Linear(384, 384): a 384 × 384 weight and 384 biases.")
def check_qkv_parameter_count(answer: Any) -> Verdict:
    """Exercise 3 of 13_a_real_models_attention.ipynb: learnable numbers in one layer's Q, K, V."""
    hint = "3 projections × (384 × 384 weights + 384 biases)."
    value, verdict = _number_answer(answer, "the number of learnable numbers", hint)
    if verdict is not None:
        return verdict
    d = 384
    expected = 3 * (d * d + d)
    if value == expected:
        return correct(
            f"{expected:,} numbers for the query, key and value of one layer, shared by its 12 "
            "heads (each head uses 32 of the 384 rows); the course's SelfAttention(3, 2, 2, 4) "
            "had 24."
        )
    if value == 3 * d * d:
        return not_yet("you counted the weights but not the biases.", hint)
    if value in (d * d + d, d * d):
        return not_yet("that is one projection; a layer has three: query, key and value.", hint)
    if value == expected // 12:
        return not_yet(
            "that is one head's share; the 12 heads of a layer split its projections.", hint
        )
    if value == 6 * expected:
        return not_yet("that is all six layers; the question asks for one layer.", hint)
    return not_yet(
        f"{value:g} is not the number of learnable numbers in one layer's Q, K, V.", hint
    )
