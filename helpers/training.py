"""Training one self-attention layer on a task whose right attention pattern is known.

The task of 12_watching_attention_learn.ipynb: a sequence of ``LENGTH`` tokens drawn from
``TOKENS``; at every position the model must output the token found at the *previous*
position (position 0 takes the last token: the sequence wraps around). The right pattern
is known in advance: query ``i`` should put its weight on key ``i - 1``. Self-attention
alone cannot tell positions apart (lesson 07, exercise 2), so each token's input vector is
its one-hot token concatenated with its one-hot position.

Everything here computes in float64: training repeats thousands of sums, and float64
keeps the printed numbers identical on every CPU (and with ``ATEN_CPU_CAPABILITY=default``).
The functions the lesson calls with its own tensors check them (the section at the end);
the rest trusts its callers. Introduced in 12_watching_attention_learn.ipynb.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from helpers._validate import describe, require_seed, require_size, require_tensor
from helpers.attention import SelfAttention
from helpers.course import SEED

TOKENS = ("A", "B", "C", "D", "E", "F")
"""The task's vocabulary: 6 tokens, written as letters so they are not mistaken for positions."""

LENGTH = 6  # tokens per sequence (positions 0 to 5)
D_K = 4  # query and key size of the attention layer
D_V = 6  # value size: room for one number per token
STEPS = 200  # training steps, each on a fresh batch
LEARNING_RATE = 0.02  # Adam's
BATCH_SIZE = 32  # sequences per step
RECORD_EVERY = 25  # the lesson measures (and prints) a checkpoint every 25 steps
HELD_OUT_SIZE = 256  # sequences kept aside to measure the model, never trained on
DTYPE = torch.float64


def random_sequences(
    batch_size: int, generator: torch.Generator, n_tokens: int = len(TOKENS), length: int = LENGTH
) -> torch.Tensor:
    """``batch_size`` random sequences of token ids drawn by ``generator``, ``(batch_size, length)``.

    The global random state is untouched, so the same seed gives the same sequences.
    Introduced in 12_watching_attention_learn.ipynb.
    """
    return torch.randint(0, n_tokens, (batch_size, length), generator=generator)


def previous_token_targets(tokens: torch.Tensor) -> torch.Tensor:
    """What the model must output: at position ``i`` the token at ``i - 1`` (wrapping around).

    ``tokens (..., length)`` gives the same shape: ``tokens.roll(1, dims=-1)``.
    Introduced in 12_watching_attention_learn.ipynb.
    """
    return _require_tokens(tokens).roll(1, dims=-1)


def encode_tokens(tokens: torch.Tensor, with_positions: bool = True) -> torch.Tensor:
    """The input vectors of ``tokens``: one-hot token, then one-hot position, in float64.

    ``tokens (..., length)`` gives ``(..., length, 6 + length)``; with
    ``with_positions=False`` only the one-hot token, ``(..., length, 6)`` (the lesson's
    pitfall: no way to tell positions apart). Introduced in 12_watching_attention_learn.ipynb.
    """
    _require_tokens(tokens)
    _require_flag(with_positions)
    return _encode(tokens, with_positions)


def _encode(tokens: torch.Tensor, with_positions: bool) -> torch.Tensor:
    x = F.one_hot(tokens.long(), len(TOKENS)).to(DTYPE)  # (..., length, 6)
    if not with_positions:
        return x
    length = tokens.shape[-1]
    positions = torch.eye(length, dtype=DTYPE).expand(
        *tokens.shape, length
    )  # (..., length, length)
    return torch.cat([x, positions], dim=-1)  # (..., length, 6 + length)


class PreviousTokenModel(nn.Module):
    """One ``helpers.SelfAttention`` layer and a linear readout to one logit per token.

    ``forward(tokens (..., length))`` returns ``(logits (..., length, 6), weights (...,
    length, length))``. All parameters are float64. :func:`build_model` builds it with the
    lesson's seeded starting weights. Introduced in 12_watching_attention_learn.ipynb.
    """

    def __init__(self, length: int = LENGTH, with_positions: bool = True) -> None:
        super().__init__()
        self.length = length
        self.with_positions = with_positions
        d = len(TOKENS) + (length if with_positions else 0)
        self.attention = SelfAttention(d, D_K, D_K, D_V)
        self.readout = nn.Linear(D_V, len(TOKENS))
        self.to(DTYPE)

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _require_tokens(tokens)
        if tokens.shape[-1] != self.length:
            raise ValueError(
                f"tokens must hold sequences of {self.length} tokens; got shape {tuple(tokens.shape)}."
            )
        x = _encode(tokens, self.with_positions)  # (..., length, d)
        context, weights = self.attention.attend(x)  # (..., length, D_V), (..., length, length)
        return self.readout(context), weights  # logits (..., length, 6)


def build_model(seed: int = SEED, with_positions: bool = True) -> PreviousTokenModel:
    """A :class:`PreviousTokenModel` whose starting weights are drawn right after seeding ``seed``.

    The global random state is restored afterwards, so building a model moves nothing
    else. Introduced in 12_watching_attention_learn.ipynb.
    """
    require_seed("seed", seed)
    _require_flag(with_positions)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return PreviousTokenModel(with_positions=with_positions)


def task_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position of every sequence; a 0-D tensor.

    ``logits (batch, length, 6)`` and ``targets (batch, length)`` are flattened to
    ``(batch * length, 6)`` and ``(batch * length,)`` first, since ``F.cross_entropy``
    expects the classes in dimension 1; the shapes are checked, so the lesson's pitfall 2
    raises here. Introduced in 12_watching_attention_learn.ipynb.
    """
    require_tensor("logits", logits, ndim=(3,))
    _require_tokens(targets, "targets")
    if logits.shape[:-1] != targets.shape or logits.shape[-1] != len(TOKENS):
        raise ValueError(
            f"logits must have shape (batch, length, {len(TOKENS)}) and targets (batch, length); "
            f"got logits {tuple(logits.shape)} and targets {tuple(targets.shape)}."
        )
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def mean_weight_on_previous(weights: torch.Tensor) -> float:
    """The mean weight that query ``i`` puts on key ``i - 1`` (key ``length - 1`` for query 0).

    The number that shows the pattern was learned: about ``1 / length`` for evenly spread
    weights, 1 for the perfect pattern. ``weights`` is ``(length, length)`` or ``(batch,
    length, length)``, rows = queries. Introduced in 12_watching_attention_learn.ipynb.
    """
    require_tensor("weights", weights, ndim=(2, 3))
    if weights.shape[-1] != weights.shape[-2]:
        raise ValueError(
            f"weights must be square (queries x keys of one sequence); got shape {tuple(weights.shape)}."
        )
    length = weights.shape[-1]
    queries = torch.arange(length)
    return weights.detach()[..., queries, (queries - 1) % length].mean().item()


@dataclass(frozen=True)
class Checkpoint:
    """The model measured on the held-out sequences at one training step."""

    step: int
    loss: float  # mean cross-entropy on the held-out sequences
    accuracy: float  # share of held-out positions whose most likely token is the target
    correct_weight: float  # mean_weight_on_previous of the held-out weights
    weights: torch.Tensor  # (held_out, length, length), detached
    predictions: torch.Tensor  # (held_out, length): the most likely token at each position


def measure(model: PreviousTokenModel, tokens: torch.Tensor, step: int = 0) -> Checkpoint:
    """Loss, accuracy and attention weights of ``model`` on ``tokens (batch, length)``, no gradients.

    Introduced in 12_watching_attention_learn.ipynb.
    """
    _require_model(model)
    _require_tokens(tokens, ndim=(2,))
    targets = previous_token_targets(tokens)  # (batch, length)
    with torch.no_grad():
        logits, weights = model(tokens)  # (batch, length, 6), (batch, length, length)
        loss = task_loss(logits, targets).item()
        predictions = logits.argmax(dim=-1)  # (batch, length)
        accuracy = (predictions == targets).to(DTYPE).mean().item()
    return Checkpoint(step, loss, accuracy, mean_weight_on_previous(weights), weights, predictions)


@dataclass(frozen=True)
class TrainingRun:
    """What :func:`train` recorded: every step's training loss, and the checkpoints."""

    batch_losses: list[float]  # the training batch's loss at each step, before its update
    checkpoints: list[Checkpoint] = field(default_factory=list)  # steps 0, record_every, ...


def train(
    model: PreviousTokenModel,
    generator: torch.Generator,
    held_out: torch.Tensor,
    *,
    steps: int = STEPS,
    learning_rate: float = LEARNING_RATE,
    batch_size: int = BATCH_SIZE,
    record_every: int = RECORD_EVERY,
) -> TrainingRun:
    """Train ``model`` in place with Adam on fresh random batches; record checkpoints.

    The loop that 12_watching_attention_learn.ipynb first writes inline: each step draws
    ``batch_size`` sequences from ``generator``, computes :func:`task_loss`, then
    ``zero_grad``, ``backward``, ``step``. Every ``record_every`` steps (and after the
    last) it measures the model on ``held_out (batch, length)``; measuring draws no random
    numbers, so it does not change the training. It runs on one thread (restored
    afterwards), so sums run in the same order on every machine.
    """
    _require_model(model)
    _require_generator(generator)
    _require_tokens(held_out, "held_out", ndim=(2,))
    require_size("steps", steps)
    learning_rate = _require_positive("learning_rate", learning_rate)
    require_size("batch_size", batch_size)
    require_size("record_every", record_every)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
        losses: list[float] = []
        checkpoints = [measure(model, held_out, 0)]
        for step in range(1, steps + 1):
            tokens = random_sequences(batch_size, generator, length=model.length)  # (batch, length)
            logits, _ = model(tokens)  # (batch, length, 6)
            loss = task_loss(logits, previous_token_targets(tokens))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if step % record_every == 0 or step == steps:
                checkpoints.append(measure(model, held_out, step))
    finally:
        torch.set_num_threads(threads)
    return TrainingRun(losses, checkpoints)


def lesson_data() -> tuple[torch.Generator, torch.Tensor]:
    """The lesson's training generator (seed 123) and its held-out sequences (seed 124).

    Introduced in 12_watching_attention_learn.ipynb.
    """
    held_out = random_sequences(HELD_OUT_SIZE, torch.Generator().manual_seed(SEED + 1))
    return torch.Generator().manual_seed(SEED), held_out


def token_labels(tokens: torch.Tensor) -> list[str]:
    """Axis labels for one sequence: ``'0:C'`` is position 0 holding token C.

    Introduced in 12_watching_attention_learn.ipynb (the heatmaps).
    """
    _require_tokens(tokens, ndim=(1,))
    return [f"{i}:{TOKENS[t]}" for i, t in enumerate(tokens.tolist())]


@functools.cache
def lesson_run(record_every: int = RECORD_EVERY) -> TrainingRun:
    """The lesson's training run: :func:`build_model` trained by :func:`train` on :func:`lesson_data`.

    Computed once per ``record_every`` and shared: the explorer and the exercise checks of
    12_watching_attention_learn.ipynb read it, never change it. Recording more often
    changes nothing in the training, only how many checkpoints there are.
    """
    generator, held_out = lesson_data()
    return train(build_model(), generator, held_out, record_every=record_every)


# ---- input checks: the functions above that the lesson calls with its own tensors --------


def _require_tokens(
    tokens: object, name: str = "tokens", ndim: tuple[int, ...] = (1, 2)
) -> torch.Tensor:
    """``tokens`` if it is an integer tensor of token ids (``0 .. 5``) of a rank in ``ndim``."""
    require_tensor(name, tokens, ndim=ndim, floating=False)
    assert isinstance(tokens, torch.Tensor)
    if tokens.dtype not in (torch.int64, torch.int32):
        raise TypeError(
            f"{name} must be an integer tensor (torch.int64); got dtype {tokens.dtype}."
        )
    if tokens.min() < 0 or tokens.max() >= len(TOKENS):
        raise ValueError(
            f"{name} must lie in 0 .. {len(TOKENS) - 1}; "
            f"got values from {tokens.min().item()} to {tokens.max().item()}."
        )
    return tokens


def _require_flag(with_positions: object) -> None:
    if not isinstance(with_positions, bool):
        raise TypeError(f"with_positions must be True or False; got {describe(with_positions)}.")


def _require_model(model: object) -> None:
    if not isinstance(model, PreviousTokenModel):
        raise TypeError(
            f"model must be a PreviousTokenModel (build_model()); got {describe(model)}."
        )


def _require_generator(generator: object) -> None:
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            "generator must be a torch.Generator (e.g. torch.Generator().manual_seed(123)); "
            f"got {describe(generator)}."
        )


def _require_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a positive number; got {describe(value)}.")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive, finite number; got {value}.")
    return float(value)
