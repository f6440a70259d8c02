"""Lesson 12, watching attention learn: helpers/training.py (the previous-token task, its
model, its training loop), then the lesson's pictures, explorer and exercise checks.

Right answers come from the lesson's inline training loop, written out here in plain
PyTorch (``inline_training``, on a split of the sequences built here with itertools);
expected texts are written out as the lesson prints them.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import ipywidgets as widgets
import pytest
import torch
import torch.nn.functional as F
from course import LESSONS, figure_text, picture_labels, picture_text, read
from matplotlib.patches import Rectangle

from helpers import training
from helpers.attention import SelfAttention
from helpers.lessons import l12_watching_attention_learn as lesson
from helpers.ui.figures import render_png
from helpers.ui.pictures import figure

# ================================================================================================
# helpers/training.py. The key test trains the model exactly as 12_watching_attention_learn.ipynb does and
# requires the learned pattern with a stated margin: the mean weight on the previous
# position is at most 0.3 before training (chance is 1/6 = 0.167) and at least 0.9 after
# (the lesson gets 0.965), with every held-out position predicted right.
# ================================================================================================

CHANCE = 1 / 6


@pytest.fixture(scope="module")
def run() -> training.TrainingRun:
    generator, held_out, train_sequences = training.lesson_data()
    return training.train(training.build_model(), generator, held_out, train_sequences)


def test_the_learned_pattern_is_the_expected_one(run: training.TrainingRun) -> None:
    first, last = run.checkpoints[0], run.checkpoints[-1]
    assert first.correct_weight <= 0.3, "before training the weights are spread (chance: 1/6)"
    assert last.correct_weight >= 0.9, "after training each query looks at its previous position"
    assert last.accuracy >= 0.99 and last.loss < 0.01
    assert first.accuracy <= 0.3
    # The digits the lesson prints, so that a drift in training shows up here too.
    assert [f"{c.correct_weight:.3f}" for c in run.checkpoints] == [
        "0.168", "0.216", "0.510", "0.918", "0.957", "0.961", "0.963", "0.964", "0.965",
    ]  # fmt: skip
    assert [f"{c.loss:.3f}" for c in run.checkpoints] == [
        "1.919", "1.689", "1.032", "0.030", "0.004", "0.002", "0.002", "0.001", "0.001",
    ]  # fmt: skip
    assert f"{first.accuracy:.3f} {last.accuracy:.3f}" == "0.169 1.000"
    # The story the lesson tells: little happens in the first 25 steps, then the weight climbs
    # and the loss collapses with it (by step 75), then the model only sharpens its weights.
    at = {c.step: c for c in run.checkpoints}
    assert at[0].loss - at[25].loss < 0.3 and at[25].correct_weight < 0.25
    assert at[50].correct_weight > 0.5 and at[75].correct_weight > 0.9 and at[75].loss < 0.05
    assert [c.correct_weight for c in run.checkpoints] == sorted(
        c.correct_weight for c in run.checkpoints
    )


def test_the_trained_weights_point_at_the_previous_position(run: training.TrainingRun) -> None:
    weights = run.checkpoints[-1].weights  # (256, 6, 6)
    expected = torch.eye(6).roll(-1, dims=1).expand_as(weights).bool()
    assert (weights.argmax(dim=-1) == expected.to(torch.int64).argmax(dim=-1)).all()
    assert weights[expected].min() > 0.5, "every query's largest weight is well above the rest"


def test_without_positions_the_task_cannot_be_learned() -> None:
    blind = training.train(training.build_model(with_positions=False), *training.lesson_data())
    last = blind.checkpoints[-1]
    assert abs(last.correct_weight - CHANCE) < 0.05
    assert last.loss > 1.0 and last.accuracy < 0.6
    # Pitfall 1 prints these, and says the accuracy sits just above the ceiling (next test).
    assert f"{last.loss:.3f} {last.accuracy:.3f} {last.correct_weight:.3f}" == "1.370 0.429 0.176"


def best_blind_guess(sequence: tuple[int, ...], i: int) -> int:
    """The best prediction at position ``i`` of a model that cannot tell positions apart: the
    most frequent token among the other five (ties: the smallest id)."""
    others = Counter(sequence)
    others[sequence[i]] -= 1
    return max(range(6), key=lambda token: (others[token], -token))


def test_the_ceiling_without_positions_by_enumeration() -> None:
    """Pitfall 1's ceiling, by enumeration. Without positions a model's prediction at ``i`` is a
    function of the token ``t_i`` and the multiset of the sequence's tokens. Given those, the
    other five tokens stand in every order equally often (over all 6**6 sequences, i.e. for
    uniformly random sequences), so the previous token is ``b`` with probability (count of b
    among the other five) / 5, and the best accuracy is the mean of the largest count / 5."""
    ceiling = Fraction(0)
    for sequence in itertools.product(range(6), repeat=6):
        for token in sequence:
            others = Counter(sequence)
            others[token] -= 1
            ceiling += Fraction(max(others.values()), 5)
    ceiling /= 6**6 * 6
    assert ceiling == Fraction(185, 432) and f"{float(ceiling):.3f}" == "0.428"
    # One predictor reaches it exactly: the most frequent other token, whatever the tie-break.
    right = sum(
        best_blind_guess(sequence, i) == sequence[i - 1]
        for sequence in itertools.product(range(6), repeat=6)
        for i in range(6)
    )
    assert Fraction(right, 6**6 * 6) == ceiling and right == 119_880
    # On the 256 held-out sequences it scores a little more, and the trained blind model 0.429.
    held = [tuple(row) for row in split()[0].tolist()]
    on_held = sum(best_blind_guess(s, i) == s[i - 1] for s in held for i in range(6))
    assert f"{on_held / (256 * 6):.3f}" == "0.434"
    # What the lesson states, in pitfall 1 and the recap, and what its cell prints.
    nb = read(next(path for path in LESSONS if path.name.startswith("12_")))
    prose = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert "119,880 of 279,936 positions is exactly $185/432 \\approx 0.428$" in prose
    assert prose.count("185/432") == 2
    assert "the same best guess scores 0.434 on our 256 held-out sequences" in prose
    assert "The model without positions scores 0.429 there" in prose
    printed = "".join(
        output.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "all 46,656 sequences: 119,880 of 279,936 positions right\n" in printed
    assert "the 256 held-out sequences: 0.434\n" in printed


def test_a_learning_rate_too_high_fails() -> None:
    """Pitfall 3 of the lesson prints only these facts: the run itself is chaotic."""
    wild = training.train(training.build_model(), *training.lesson_data(), learning_rate=5.0)
    at_25, last = wild.checkpoints[1], wild.checkpoints[-1]
    assert at_25.loss > 10
    assert last.loss > 1.5 and last.correct_weight < 0.3


ALL_SEQUENCES = torch.tensor(list(itertools.product(range(6), repeat=6)))
"""(46656, 6): every sequence, in the order of its base-6 code (itertools counts in base 6)."""


@functools.cache
def split() -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's held-out (256, 6) and training (46400, 6) sequences, built as its cell does."""
    order = torch.randperm(6**6, generator=torch.Generator().manual_seed(124))
    return ALL_SEQUENCES[order[:256]], ALL_SEQUENCES[order[256:]]


def codes(sequences: torch.Tensor) -> set[int]:
    """Each sequence's base-6 code."""
    return set((sequences * 6 ** torch.arange(5, -1, -1)).sum(dim=-1).tolist())


def inline_training(
    batches: list[torch.Tensor] | None = None,
) -> tuple[training.PreviousTokenModel, list[float]]:
    """The model and batch losses of the loop the lesson writes inline (cell "Training,
    written out"), written out again here independently of helpers.training.train; each
    step's batch is appended to ``batches`` if given."""
    train_sequences = split()[1]
    model = training.build_model()
    generator = torch.Generator().manual_seed(123)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(200):
            picks = torch.randint(len(train_sequences), (32,), generator=generator)
            tokens = train_sequences[picks]
            if batches is not None:
                batches.append(tokens)
            logits, _ = model(tokens)
            loss = F.cross_entropy(logits.flatten(0, 1), tokens.roll(1, dims=-1).flatten())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    finally:
        torch.set_num_threads(threads)
    return model, losses


def test_train_is_the_lessons_inline_loop(run: training.TrainingRun) -> None:
    """The loop the lesson writes inline gives the same losses, bit for bit."""
    assert inline_training()[1] == run.batch_losses


def test_every_training_batch_comes_from_the_training_sequences() -> None:
    """The batches training.train feeds the model (recorded by a hook) are the inline loop's,
    and every sequence in them is a training sequence, never a held-out one."""
    model, fed = training.build_model(), []

    def record(module: torch.nn.Module, inputs: tuple[torch.Tensor]) -> None:
        if torch.is_grad_enabled():  # a training step (measure() runs without gradients)
            fed.append(inputs[0].clone())

    model.register_forward_pre_hook(record)
    training.train(model, *training.lesson_data())
    inline: list[torch.Tensor] = []
    inline_training(inline)
    assert len(fed) == 200 and all(batch.shape == (32, 6) for batch in fed)
    assert all(torch.equal(a, b) for a, b in zip(fed, inline, strict=True))
    drawn = codes(torch.cat(fed))
    held_out, train_sequences = split()
    assert drawn <= codes(train_sequences) and not drawn & codes(held_out)
    assert len(drawn) > 5000, "6,400 draws among 46,400 sequences: mostly different ones"


def test_training_is_deterministic_and_leaves_global_state_alone(
    run: training.TrainingRun,
) -> None:
    torch.manual_seed(0)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    again = training.lesson_run()
    assert again.batch_losses == run.batch_losses
    assert all(
        torch.equal(a.weights, b.weights) and a.loss == b.loss
        for a, b in zip(again.checkpoints, run.checkpoints, strict=True)
    )
    assert torch.equal(torch.get_rng_state(), state), "the global random state is untouched"
    assert torch.get_num_threads() == threads, "train restores the thread count"


def test_recording_more_often_does_not_change_the_training(run: training.TrainingRun) -> None:
    often = training.lesson_run(10)
    assert often.batch_losses == run.batch_losses
    assert [c.step for c in often.checkpoints] == list(range(0, 201, 10))
    by_step = {c.step: c for c in often.checkpoints}
    shared = [c for c in run.checkpoints if c.step in by_step]
    assert [c.step for c in shared] == [0, 50, 100, 150, 200]
    for checkpoint in shared:
        assert torch.equal(by_step[checkpoint.step].weights, checkpoint.weights)


def test_the_data() -> None:
    generator, held_out, train_sequences = training.lesson_data()
    assert torch.equal(training.all_sequences(), ALL_SEQUENCES)
    assert training.all_sequences()[[0, 1, 6, 46655]].tolist() == [
        [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0], [5, 5, 5, 5, 5, 5],
    ]  # fmt: skip
    assert held_out.shape == (256, 6) and held_out.dtype == torch.int64
    assert train_sequences.shape == (46400, 6) and train_sequences.dtype == torch.int64
    assert torch.equal(held_out, split()[0]) and torch.equal(train_sequences, split()[1])
    assert training.token_labels(held_out[0]) == ["0:F", "1:C", "2:F", "3:F", "4:F", "5:E"]
    assert torch.equal(generator.get_state(), torch.Generator().manual_seed(123).get_state())
    tokens = torch.tensor([[0, 1, 2, 3, 4, 5]])
    assert training.previous_token_targets(tokens).tolist() == [[5, 0, 1, 2, 3, 4]]


def test_the_held_out_and_training_sequences_partition_all_sequences() -> None:
    """Held out by construction: the two sets are disjoint and together are all 6**6."""
    _, held_out, train_sequences = training.lesson_data()
    held, trained = codes(held_out), codes(train_sequences)
    assert len(held) == 256 and len(trained) == 46_400, "no sequence twice in either set"
    assert not held & trained
    assert held | trained == set(range(6**6))


def test_encode_tokens() -> None:
    tokens = torch.tensor([4, 2, 1, 5, 2, 1])
    x = training.encode_tokens(tokens)
    assert x.shape == (6, 12) and x.dtype == torch.float64
    assert torch.equal(x[:, :6], F.one_hot(tokens, 6).double())
    assert torch.equal(x[:, 6:], torch.eye(6, dtype=torch.float64))
    batch = training.encode_tokens(tokens.expand(3, 6))
    assert batch.shape == (3, 6, 12) and torch.equal(batch[2], x)
    assert torch.equal(training.encode_tokens(tokens, with_positions=False), x[:, :6])


def test_the_model() -> None:
    state = torch.get_rng_state()
    model = training.build_model()
    assert torch.equal(torch.get_rng_state(), state), "build_model leaves the random state alone"
    assert isinstance(model.attention, SelfAttention)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {
        "attention.W_query": (12, 4), "attention.W_key": (12, 4), "attention.W_value": (12, 6),
        "readout.weight": (6, 6), "readout.bias": (6,),
    }  # fmt: skip
    assert all(p.dtype == torch.float64 for p in model.parameters())
    torch.manual_seed(123)
    fresh = SelfAttention(12, 4, 4, 6)
    assert torch.equal(model.attention.W_query, fresh.W_query.double())
    logits, weights = model(torch.tensor([[0, 1, 2, 3, 4, 5]]))
    assert logits.shape == (1, 6, 6) and weights.shape == (1, 6, 6)
    assert torch.allclose(weights.sum(-1), torch.ones(1, 6, dtype=torch.float64))
    assert training.build_model(with_positions=False).attention.d == 6


def test_task_loss_and_mean_weight() -> None:
    generator = torch.Generator().manual_seed(5)
    logits = torch.randn(4, 6, 6, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 6, (4, 6), generator=generator)
    expected = F.cross_entropy(logits.reshape(24, 6), targets.reshape(24))
    assert torch.equal(training.task_loss(logits, targets), expected)
    assert math.isclose(
        training.task_loss(torch.zeros(2, 6, 6, dtype=torch.float64), targets[:2]).item(),
        math.log(6),
    )
    perfect = torch.eye(6).roll(-1, dims=1)
    assert training.mean_weight_on_previous(perfect) == 1.0
    assert math.isclose(
        training.mean_weight_on_previous(torch.full((3, 6, 6), 1 / 6, dtype=torch.float64)), CHANCE
    )
    assert training.mean_weight_on_previous(torch.eye(6)) == 0.0


# ---- bad input: what the lesson calls with its own tensors checks them --------------------


def _model() -> training.PreviousTokenModel:
    return training.build_model()


def _held() -> torch.Tensor:
    return training.lesson_data()[1]


def _train() -> torch.Tensor:
    return training.lesson_data()[2]


def _gen() -> torch.Generator:
    return torch.Generator().manual_seed(1)


BAD_INPUT = [
    (lambda: training.previous_token_targets([1, 2, 3]), TypeError, "tokens must be a 1-D or 2-D torch.Tensor; got [1, 2, 3] (type list) (wrap it with torch.tensor(...))."),
    (lambda: training.previous_token_targets(torch.ones(2, 6)), TypeError, "tokens must be an integer tensor"),
    (lambda: training.encode_tokens(torch.zeros(1, 2, 6, dtype=torch.long)), ValueError, "tokens must be a 1-D or 2-D tensor; got a 3-D"),
    (lambda: training.encode_tokens(torch.tensor([0, 6])), ValueError, "tokens must lie in 0 .. 5; got values from 0 to 6"),
    (lambda: training.encode_tokens(torch.tensor([-1, 2])), ValueError, "tokens must lie in 0 .. 5"),
    (lambda: training.encode_tokens(torch.tensor([0, 1]), 1), TypeError, "with_positions must be True or False; got 1 (type int)."),
    (lambda: training.build_model(with_positions="yes"), TypeError, "with_positions must be True or False"),
    (lambda: training.build_model(1.5), TypeError, "seed must be an int"),
    (lambda: training.build_model(-1), ValueError, "seed must be zero or positive; got -1"),
    (lambda: _model()(torch.zeros(2, 5, dtype=torch.long)), ValueError, "tokens must hold sequences of 6 tokens; got shape (2, 5)"),
    (lambda: _model()(torch.zeros(2, 6)), TypeError, "tokens must be an integer tensor (torch.int64); got dtype torch.float32."),
    (lambda: training.task_loss(torch.zeros(6, 6), torch.zeros(6, dtype=torch.long)), ValueError, "logits must be a 3-D tensor"),
    (lambda: training.task_loss(torch.zeros(2, 6, 6), torch.zeros(2, 5, dtype=torch.long)), ValueError, "logits must have shape (batch, length, 6) and targets (batch, length)"),
    (lambda: training.task_loss(torch.zeros(2, 6, 6), torch.zeros(2, 6)), TypeError, "targets must be an integer tensor"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6, 5)), ValueError, "weights must be square"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6, 6, dtype=torch.long)), TypeError, "weights must hold floating-point numbers"),
    (lambda: training.mean_weight_on_previous(torch.zeros(6)), ValueError, "weights must be a 2-D or 3-D tensor"),
    (lambda: training.measure(object(), _held()), TypeError, "model must be a PreviousTokenModel"),
    (lambda: training.measure(_model(), _held()[0]), ValueError, "tokens must be a 2-D tensor"),
    (lambda: training.train(torch.nn.Linear(2, 2), _gen(), _held(), _train()), TypeError, "model must be a PreviousTokenModel"),
    (lambda: training.train(_model(), None, _held(), _train()), TypeError, "generator must be a torch.Generator (e.g. torch.Generator().manual_seed(123)); got None (type NoneType)."),
    (lambda: training.train(_model(), _gen(), torch.zeros(4, 6), _train()), TypeError, "held_out must be an integer tensor"),
    (lambda: training.train(_model(), _gen(), _held(), torch.zeros(4, 6)), TypeError, "train_sequences must be an integer tensor"),
    (lambda: training.train(_model(), _gen(), _held(), _train()[0]), ValueError, "train_sequences must be a 2-D tensor; got a 1-D"),
    (lambda: training.train(_model(), _gen(), _held(), _train() + 1), ValueError, "train_sequences must lie in 0 .. 5; got values from 1 to 6"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), steps=0), ValueError, "steps must be a positive int; got 0"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), learning_rate="0.02"), TypeError, "learning_rate must be a positive number"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), learning_rate=-0.1), ValueError, "learning_rate must be a positive, finite number; got -0.1"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), learning_rate=float("nan")), ValueError, "learning_rate must be a positive, finite number"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), batch_size=0), ValueError, "batch_size must be a positive int"),
    (lambda: training.train(_model(), _gen(), _held(), _train(), record_every=2.5), TypeError, "record_every must be a positive int"),
    (lambda: training.token_labels(_held()), ValueError, "tokens must be a 1-D tensor"),
]  # fmt: skip
"""The functions 12_watching_attention_learn.ipynb calls with its own tensors, given wrong ones."""


# ================================================================================================
# The lesson module: its pictures, its explorer and its exercise checks.
# ================================================================================================


@functools.cache
def trained_held_out_weights() -> torch.Tensor:
    """The (256, 6, 6) weights of the held-out sequences after training (``run.checkpoints[-1]``)."""
    model = inline_training()[0]
    with torch.no_grad():
        return model(split()[0])[1]


def trained_weights() -> torch.Tensor:
    """The example sequence's (6, 6) weights after training (the lesson's ``after``)."""
    return trained_held_out_weights()[0]


def weight_per_query() -> torch.Tensor:
    """(6,): query i's weight on key i - 1, averaged over the 256 held-out sequences."""
    weights = trained_held_out_weights()
    return torch.stack([weights[:, i, (i - 1) % 6].mean() for i in range(6)])


RIGHT_ANSWERS = {
    "check_two_back_pattern": lambda: torch.eye(6).roll(-2, dims=1),
    "check_chance_loss": lambda: torch.tensor(-math.log(1 / 6), dtype=torch.float64),
    "check_weight_per_query": weight_per_query,
}
"""The right answer of each exercise, computed without the lesson module (tests/test_toolkit.py)."""


# ---- explorer ----------------------------------------------------------------------------

HEADER = "after {step} of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)"
START = "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)"


def label_of(step: int, sequence: str, weights: str) -> list[str]:
    return [
        f"Attention weights at step {step} for the sequence {sequence}, rows = queries, "
        f"columns = keys; weight of each query on the previous position: {weights}."
    ]


def test_drive_training_explorer() -> None:
    explorer = lesson.training_explorer()
    step, sequence = explorer.controls["step"], explorer.controls["sequence"]
    assert isinstance(step, widgets.SelectionSlider) and isinstance(sequence, widgets.Dropdown)
    assert [value for _, value in step.options] == list(range(0, 201, 10))
    assert step.description == "Training step:" and step.layout.width == "480px"
    assert sequence.options == (
        ("1. F C F F F E", 0), ("2. A C A C F D", 1), ("3. A D E E E D", 2), ("4. D E D E A F", 3),
    )  # fmt: skip
    assert explorer.picture.layout.height == "150px"
    assert explorer.fallback.startswith("[Training explorer: slide through the training steps")
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=0),
            "held-out sequences: loss 1.919   accuracy 0.169   mean weight on the previous position 0.168",
            START,
            "sequence   F  C  F  F  F  E",
            "target     E  F  C  F  F  F   (each token's previous one)",
            "predicted  F  F  F  F  F  F   (4 of 6 right)",
        ]
    )
    html = explorer.picture.value
    assert picture_labels(html) == label_of(
        0, "F C F F F E", "0:F 0.14, 1:C 0.15, 2:F 0.11, 3:F 0.20, 4:F 0.17, 5:E 0.24"
    )
    assert picture_text(html).startswith(
        "attention weights at step 0 (rows = queries, columns = keys) "
        "0:F 1:C 2:F 3:F 4:F 5:E 0:F 0.12 0.11 0.20 0.17 0.27 0.14 1:C 0.15 "
    )
    assert (
        explorer.view.picture.values == training.lesson_run(10).checkpoints[0].weights[0].tolist()
    )

    step.value = 50
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=50),
            "held-out sequences: loss 1.032   accuracy 0.795   mean weight on the previous position 0.510",
            START,
            "sequence   F  C  F  F  F  E",
            "target     E  F  C  F  F  F   (each token's previous one)",
            "predicted  E  F  C  F  F  F   (6 of 6 right)",
        ]
    )
    assert picture_labels(explorer.picture.value) == label_of(
        50, "F C F F F E", "0:F 0.73, 1:C 0.69, 2:F 0.65, 3:F 0.38, 4:F 0.38, 5:E 0.34"
    )
    assert "attention weights at step 50 (rows = queries, columns = keys)" in picture_text(
        explorer.picture.value
    )

    sequence.value = 1
    assert explorer.shown_text().splitlines()[3:] == [
        "sequence   A  C  A  C  F  D",
        "target     D  A  C  A  C  F   (each token's previous one)",
        "predicted  D  A  A  A  C  F   (5 of 6 right)",
    ]
    assert picture_labels(explorer.picture.value) == label_of(
        50, "A C A C F D", "0:A 0.56, 1:C 0.67, 2:A 0.42, 3:C 0.39, 4:F 0.36, 5:D 0.43"
    )

    step.value = 200
    assert explorer.shown_text() == "\n".join(
        [
            HEADER.format(step=200),
            "held-out sequences: loss 0.001   accuracy 1.000   mean weight on the previous position 0.965",
            START,
            "sequence   A  C  A  C  F  D",
            "target     D  A  C  A  C  F   (each token's previous one)",
            "predicted  D  A  C  A  C  F   (6 of 6 right)",
        ]
    )
    assert picture_labels(explorer.picture.value) == label_of(
        200, "A C A C F D", "0:A 0.93, 1:C 0.97, 2:A 0.97, 3:C 0.98, 4:F 0.97, 5:D 0.96"
    )
    snapshot = figure_text(figure(explorer.view.picture))
    assert "attention weights at step 200 (rows = queries, columns = keys)" in snapshot
    assert "query (position:token)" in snapshot and "key (position:token)" in snapshot

    for k in (2, 3):
        sequence.value = k
        assert explorer.shown_text().splitlines()[-1].endswith("(6 of 6 right)")


# ---- pictures ----------------------------------------------------------------------------


def test_training_curves_figure() -> None:
    run = training.lesson_run()
    fig = lesson.training_curves_figure(
        run.batch_losses,
        [c.step for c in run.checkpoints],
        [c.loss for c in run.checkpoints],
        [c.correct_weight for c in run.checkpoints],
    )
    left, right = fig.axes
    assert left.get_yscale() == "log"
    assert [left.get_title(), right.get_title()] == [
        "The loss falls",
        "Attention moves to the right key",
    ]
    assert left.lines[0].get_ydata().tolist() == run.batch_losses
    assert right.lines[0].get_ydata().tolist() == [c.correct_weight for c in run.checkpoints]
    assert [t.get_text() for t in right.texts] == ["chance: 1/6", "perfect: 1"]
    assert render_png(fig).startswith(b"\x89PNG")


def test_before_after_figure_frames_the_previous_position() -> None:
    labels = ["0:E", "1:C", "2:B", "3:F", "4:C", "5:B"]
    after = trained_weights()
    fig = lesson.before_after_figure(torch.full((6, 6), 1 / 6), after, labels)
    assert [ax.get_title() for ax in fig.axes] == ["before training", "after training"]
    right = fig.axes[1]
    assert [t.get_text() for t in right.get_yticklabels()] == labels
    assert right.get_ylabel() == "query (position:token)"
    assert [t.get_text() for t in right.texts] == [f"{w:.2f}" for w in after.flatten().tolist()]
    frames = [p.get_xy() for p in right.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert frames == [((i - 1) % 6, i) for i in range(6)], "row i frames key i - 1"
    assert render_png(fig).startswith(b"\x89PNG")


# ---- exercise checks ---------------------------------------------------------------------


def verdict(check: Callable[[Any], Any], answer: Any) -> str:
    return check(answer).message


def test_check_two_back_pattern() -> None:
    check = lesson.check_two_back_pattern
    assert check(torch.eye(6).roll(-2, dims=1)).passed
    assert check(torch.eye(6).roll(4, dims=1).bool()).passed, "a boolean pattern is fine too"
    assert check(torch.eye(6, dtype=torch.long).roll(-2, dims=1).tolist()).passed
    assert "the lesson's pattern, one position back" in verdict(check, torch.eye(6).roll(-1, 1))
    assert "two positions *forward*" in verdict(check, torch.eye(6).roll(2, dims=1))
    assert "the diagonal" in verdict(check, torch.eye(6))
    no_wrap = torch.eye(6).roll(-2, dims=1)
    no_wrap[:2] = 0
    assert "queries 0 and 1 have no weight" in verdict(check, no_wrap)
    assert "your answer has shape (5, 5); the pattern has shape (6, 6)" in verdict(
        check, torch.eye(5)
    )
    assert "NaN or infinity" in verdict(check, torch.full((6, 6), float("nan")))
    assert verdict(check, torch.zeros(6, 6)).startswith("Not yet: this is not the two-positions")
    assert "close, but not precise enough" in verdict(check, 0.99 * torch.eye(6).roll(-2, 1))


def test_check_chance_loss() -> None:
    check = lesson.check_chance_loss
    assert check(math.log(6)).passed and check(torch.tensor(6.0).log()).passed
    assert check(1.792).passed, "three decimals are within the check's 1e-3"
    assert "close, but not precise enough" in verdict(check, 1.79)
    assert "probability of the right token" in verdict(check, 1 / 6)
    assert "the sign" in verdict(check, -math.log(6))
    assert "natural logarithm" in verdict(check, math.log10(6))
    assert "natural logarithm" in verdict(check, math.log2(6))
    assert "1.919 is not the loss of an even guess" in verdict(check, 1.919)
    assert "The untrained model's loss (1.919)" in verdict(check, math.log(6))
    assert "write the loss as a number, without quotes" in verdict(check, "1.79")


def test_check_weight_per_query() -> None:
    check = lesson.check_weight_per_query
    weights = trained_held_out_weights()  # (256, 6, 6)
    before = lesson.training.lesson_run().checkpoints[0].weights
    queries = torch.arange(6)
    right = weight_per_query()
    assert [f"{w:.4f}" for w in right.tolist()] == [
        "0.9647", "0.9689", "0.9693", "0.9746", "0.9619", "0.9509",
    ]  # fmt: skip
    assert check(right).passed and check(right.tolist()).passed and check(right.numpy()).passed
    assert check(weights.mean(dim=0)[queries, (queries - 1) % 6]).passed, "mean first, then pick"
    assert verdict(check, right) == (
        "Correct! every query learned: from 0.951 (query 5) to 0.975 (query 3). Query 0, which "
        "wraps around to key 5, gets 0.965: one-hot positions have no order and no end, so the "
        "last position is no harder to reach than any other."
    )
    assert "rounded to 2 decimals" in verdict(check, right.round(decimals=2))
    assert "close, but not precise enough" in verdict(check, right + 5e-4)
    # The printed number (the mean over all queries) is not the answer, in any form.
    for overall in (right.mean(), right.mean().item(), 0.965, [0.965], torch.tensor([0.965])):
        assert "the mean over all six queries, the 0.965 the lesson prints" in verdict(
            check, overall
        )
    assert "your answer has shape (); the weight of each query has shape (6,)" in verdict(
        check, 0.5
    )
    assert "one number per sequence (256 of them)" in verdict(
        check, weights[:, queries, (queries - 1) % 6].mean(dim=1)
    )
    assert "weights before training" in verdict(
        check, before[:, queries, (queries - 1) % 6].mean(dim=0)
    )
    assert "the example sequence alone" in verdict(check, weights[0, queries, (queries - 1) % 6])
    assert "*next* position" in verdict(check, weights[:, queries, (queries + 1) % 6].mean(dim=0))
    assert "on itself (the diagonal)" in verdict(check, weights[:, queries, queries].mean(dim=0))
    assert "the wrong places" in verdict(check, right.roll(1))
    assert "the wrong places" in verdict(check, right.flip(0).roll(1).flip(0))
    assert verdict(check, torch.full((6,), 0.5)).startswith(
        "Not yet: these are not the weights of each query"
    )
    assert "your answer has shape (6, 6)" in verdict(check, weights[0])
    # No named mistake is close to the right answer, so none hides a "Correct" or a "close".
    mistakes = [
        before[:, queries, (queries - 1) % 6].mean(dim=0), weights[0, queries, (queries - 1) % 6],
        weights[:, queries, (queries + 1) % 6].mean(dim=0), weights[:, queries, queries].mean(dim=0),
        right.roll(1), right.roll(-1),
    ]  # fmt: skip
    assert min((m - right).abs().max().item() for m in mistakes) > 0.01


# ---- bad input: the figures take the lesson's own numbers --------------------------------

BAD_INPUT += [
    (lambda: lesson.training_curves_figure("1.0", [0], [1.0], [0.5]), TypeError, "batch_losses must be a non-empty list of numbers; got '1.0' (type str)"),
    (lambda: lesson.training_curves_figure([1.0], [0], ["1"], [0.5]), TypeError, "held_out_losses must hold only numbers"),
    (lambda: lesson.training_curves_figure([1.0], [0, 1], [1.0], [0.5]), ValueError, "steps, held_out_losses and correct_weights must have one entry per checkpoint; got 2, 1 and 1."),
    (lambda: lesson.training_curves_figure([1.0, float("nan")], [0], [1.0], [0.5]), ValueError, "batch_losses must hold finite numbers"),
    (lambda: lesson.training_curves_figure([1.0, 0.0], [0], [1.0], [0.5]), ValueError, "batch_losses and held_out_losses must be positive (the loss axis is logarithmic); got a smallest loss of 0.0"),
    (lambda: lesson.before_after_figure(torch.eye(6), torch.eye(5), ["a"] * 6), ValueError, "weights must have one row and one column per word, (6, 6); got shape (5, 5)."),
    (lambda: lesson.before_after_figure([[1.0]], torch.eye(1), ["a"]), TypeError, "weights must be a 2-D float tensor (queries x keys); got [[1.0]] (type list)"),
    (lambda: lesson.before_after_figure(torch.eye(2, dtype=torch.long), torch.eye(2), ["a", "b"]), TypeError, "weights must be a 2-D float tensor"),
    (lambda: lesson.before_after_figure(torch.eye(2), torch.eye(2), "ab"), TypeError, "words must be a list of strings; got 'ab' (type str)"),
    (lambda: lesson.before_after_figure(torch.eye(2), torch.eye(2), [0, 1]), TypeError, "words must hold only strings"),
]  # fmt: skip


def test_adam_steps_have_the_learning_rate_s_size_whatever_the_gradient() -> None:
    """The lesson's description of Adam: a running mean of the gradients divided by their running
    root mean square, so a step is about the learning rate in size (exactly, on the first step)
    whether the gradients are tiny or huge."""
    for scale in (1e-4, 1.0, 1e4):
        weight = torch.zeros(3, requires_grad=True, dtype=torch.float64)
        optimizer = torch.optim.Adam([weight], lr=0.02)
        weight.grad = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64) * scale
        optimizer.step()
        assert torch.allclose(
            weight.detach().abs(), torch.full((3,), 0.02, dtype=torch.float64), rtol=1e-3
        )
