"""Lesson 12's task, model and training loop: at each position, output the token at the previous
one (position 0 takes the last), so query ``i`` should attend to key ``i - 1``. Attention alone cannot
tell positions apart (lesson 07), so each input adds a one-hot position. The 6 ** 6 possible
sequences are split once into held-out and training sequences, so the model is measured only on
sequences it never trained on. All float64: same digits on every machine."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from helpers._validate import describe, require_seed, require_size, require_tensor
from helpers.attention import SelfAttention
from helpers.course import SEED

TOKENS = ("A", "B", "C", "D", "E", "F")  # letters, so they are not mistaken for positions
LENGTH = 6  # tokens per sequence (positions 0 to 5)
D_K = 4  # query and key size of the attention layer
D_V = 6  # value size: room for one number per token
STEPS = 200  # training steps, each on a batch drawn from the training sequences
LEARNING_RATE = 0.02  # Adam's
BATCH_SIZE = 32  # sequences per step
RECORD_EVERY = 25  # the lesson measures (and prints) a checkpoint every 25 steps
N_SEQUENCES = len(TOKENS) ** LENGTH  # 6 ** 6 = 46,656: every possible sequence
HELD_OUT_SIZE = 256  # sequences kept aside to measure the model, never trained on
DTYPE = torch.float64


def all_sequences() -> torch.Tensor:
    """Every sequence, ``(46656, 6)``: row ``c`` is the number ``c`` written in base 6 (its code),
    one digit per token, so row 0 is AAAAAA and row 46655 is FFFFFF.
    Introduced in 12_watching_attention_learn.ipynb."""
    codes = torch.arange(N_SEQUENCES)  # (46656,)
    places = len(TOKENS) ** torch.arange(LENGTH - 1, -1, -1)  # (6,): 7776, 1296, 216, 36, 6, 1
    return codes[:, None] // places % len(TOKENS)  # (46656, 6): the base-6 digits of each code


def previous_token_targets(tokens: torch.Tensor) -> torch.Tensor:
    """At ``i``, the token at ``i - 1`` (at 0, the last). Introduced in 12_watching_attention_learn.ipynb."""
    return _require_tokens(tokens).roll(1, dims=-1)


def encode_tokens(tokens: torch.Tensor, with_positions: bool = True) -> torch.Tensor:
    """One-hot token, then (``with_positions``) one-hot position: ``(..., length, 6 + length)``.
    Introduced in 12_watching_attention_learn.ipynb."""
    _require_tokens(tokens)
    _require_type("with_positions", with_positions, bool, "True or False")
    x = F.one_hot(tokens.long(), len(TOKENS)).to(DTYPE)  # (..., length, 6)
    if not with_positions:
        return x
    length = tokens.shape[-1]
    positions = torch.eye(length, dtype=DTYPE).expand(*tokens.shape, length)
    return torch.cat([x, positions], dim=-1)  # (..., length, 6 + length)


class PreviousTokenModel(nn.Module):
    """A ``helpers.SelfAttention`` layer and a linear readout to one logit per token, float64.
    Introduced in 12_watching_attention_learn.ipynb."""

    def __init__(self, length: int = LENGTH, with_positions: bool = True) -> None:
        super().__init__()
        self.length = length
        self.with_positions = with_positions
        d = len(TOKENS) + (length if with_positions else 0)
        self.attention = SelfAttention(d, D_K, D_K, D_V)
        self.readout = nn.Linear(D_V, len(TOKENS))
        self.to(DTYPE)

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``tokens (..., length)`` -> ``(logits (..., length, 6), weights (..., length, length))``."""
        x = encode_tokens(tokens, self.with_positions)  # (..., length, d)
        if tokens.shape[-1] != self.length:
            raise ValueError(
                f"tokens must hold sequences of {self.length} tokens; got shape {tuple(tokens.shape)}."
            )
        context, weights = self.attention.attend(x)  # (..., length, D_V), (..., length, length)
        return self.readout(context), weights


def build_model(seed: int = SEED, with_positions: bool = True) -> PreviousTokenModel:
    """The model drawn after seeding ``seed``, the global random state restored afterwards.
    Introduced in 12_watching_attention_learn.ipynb."""
    require_seed("seed", seed)
    _require_type("with_positions", with_positions, bool, "True or False")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return PreviousTokenModel(with_positions=with_positions)


def task_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits (batch, length, 6)`` for ``targets (batch, length)``.
    Introduced in 12_watching_attention_learn.ipynb."""
    require_tensor("logits", logits, ndim=(3,))
    _require_tokens(targets, "targets")
    if logits.shape[:-1] != targets.shape or logits.shape[-1] != len(TOKENS):
        raise ValueError(
            f"logits must have shape (batch, length, {len(TOKENS)}) and targets (batch, length); "
            f"got logits {tuple(logits.shape)} and targets {tuple(targets.shape)}."
        )
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def mean_weight_on_previous(weights: torch.Tensor) -> float:
    """Mean weight of query ``i`` on key ``i - 1`` (query 0 on the last): 1 for the perfect pattern.
    Introduced in 12_watching_attention_learn.ipynb."""
    require_tensor("weights", weights, ndim=(2, 3))
    if weights.shape[-1] != weights.shape[-2]:
        raise ValueError(
            f"weights must be square (queries x keys of one sequence); got shape {tuple(weights.shape)}."
        )
    queries = torch.arange(weights.shape[-1])
    return weights.detach()[..., queries, (queries - 1) % len(queries)].mean().item()


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
    """Loss, accuracy and weights of ``model`` on ``tokens (batch, length)``, without gradients.
    Introduced in 12_watching_attention_learn.ipynb."""
    _require_type("model", model, PreviousTokenModel, "a PreviousTokenModel (build_model())")
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
    train_sequences: torch.Tensor,
    *,
    steps: int = STEPS,
    learning_rate: float = LEARNING_RATE,
    batch_size: int = BATCH_SIZE,
    record_every: int = RECORD_EVERY,
) -> TrainingRun:
    """Train ``model`` with Adam as 12_watching_attention_learn.ipynb's inline loop does, on one
    thread (same sums everywhere): each step's batch is ``batch_size`` rows of ``train_sequences``
    that ``generator`` picks; the model is measured on ``held_out`` every ``record_every`` steps."""
    _require_type("model", model, PreviousTokenModel, "a PreviousTokenModel (build_model())")
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            "generator must be a torch.Generator (e.g. torch.Generator().manual_seed(123)); "
            f"got {describe(generator)}."
        )
    _require_tokens(held_out, "held_out", ndim=(2,))
    _require_tokens(train_sequences, "train_sequences", ndim=(2,))
    require_size("steps", steps)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        raise TypeError(f"learning_rate must be a positive number; got {describe(learning_rate)}.")
    if not 0 < learning_rate < float("inf"):  # also False for NaN
        raise ValueError(f"learning_rate must be a positive, finite number; got {learning_rate}.")
    require_size("batch_size", batch_size)
    require_size("record_every", record_every)
    with single_thread():
        optimizer = torch.optim.Adam(model.parameters(), lr=float(learning_rate))
        run = TrainingRun([], [measure(model, held_out, 0)])
        for step in range(1, steps + 1):
            picks = torch.randint(len(train_sequences), (batch_size,), generator=generator)
            tokens = train_sequences[picks]  # (batch, length): rows of the training sequences
            logits, _ = model(tokens)  # (batch, length, 6)
            loss = task_loss(logits, previous_token_targets(tokens))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            run.batch_losses.append(loss.item())
            if step % record_every == 0 or step == steps:
                run.checkpoints.append(measure(model, held_out, step))
    return run


@contextmanager
def single_thread() -> Iterator[None]:
    """Run the ``with`` block on one thread, then restore the thread count: one thread adds the
    numbers of a sum in the same order on every machine, so a training run repeats digit for digit.
    Introduced in 12_watching_attention_learn.ipynb (inside ``train``)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def lesson_data() -> tuple[torch.Generator, torch.Tensor, torch.Tensor]:
    """The lesson's training generator (seed 123), its 256 held-out sequences and its 46,400
    training sequences: all 46,656 sequences, shuffled once (seed 124) and cut in two, so the
    two sets are disjoint by construction. Introduced in 12_watching_attention_learn.ipynb."""
    order = torch.randperm(N_SEQUENCES, generator=torch.Generator().manual_seed(SEED + 1))
    shuffled = all_sequences()[order]  # (46656, 6)
    held_out, train_sequences = shuffled[:HELD_OUT_SIZE], shuffled[HELD_OUT_SIZE:]
    return torch.Generator().manual_seed(SEED), held_out, train_sequences  # (256, 6), (46400, 6)


def token_labels(tokens: torch.Tensor) -> list[str]:
    """Axis labels for one sequence: ``'0:C'`` is position 0 holding token C.
    Introduced in 12_watching_attention_learn.ipynb (the heatmaps)."""
    _require_tokens(tokens, ndim=(1,))
    return [f"{i}:{TOKENS[t]}" for i, t in enumerate(tokens.tolist())]


@functools.cache
def lesson_run(record_every: int = RECORD_EVERY) -> TrainingRun:
    """The lesson's run, computed once per ``record_every`` (which changes only the checkpoints)."""
    return train(build_model(), *lesson_data(), record_every=record_every)


# ---- input checks ----------------------------------------------------------------------
def _require_tokens(tokens: object, name: str = "tokens", ndim: tuple = (1, 2)) -> torch.Tensor:
    """``tokens`` if it is an integer tensor of token ids (``0 .. 5``) of a rank in ``ndim``."""
    tokens = require_tensor(name, tokens, ndim=ndim, floating=False)
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


def _require_type(name: str, value: object, kind: type, expected: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {expected}; got {describe(value)}.")
