"""Record all-MiniLM-L6-v2's own outputs for the course sentence, run with ``transformers``:

    .venv/bin/python tools/record_model_outputs.py

writes helpers/data/minilm_outputs.safetensors (about 120 KB): the ids, the 7 hidden states
(the input layer's output, then each layer's) and the sentence embedding. Lessons 14 and 15
compare their own input layer, blocks and pooling with them without loading ``transformers``,
which would add about 120 MB to their kernels. tests/test_l14_positions.py and
tests/test_l15_transformer_block.py run the model again and require the same numbers, so the
record cannot drift from the pinned ``transformers``; re-record after changing that pin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
from safetensors.torch import save_file

from helpers import real_model
from helpers.course import SENTENCE


def main() -> None:
    import transformers

    run = real_model.run_model(SENTENCE)
    last = run.hidden_states[
        -1
    ]  # (n, 384): the model's output; modules.json then pools, normalises
    pooled = last.mean(dim=0)  # one sentence: every token is real, so the masked mean is the mean
    tensors = {
        "input_ids": run.input_ids.contiguous(),
        "hidden_states": run.hidden_states.contiguous(),
        "sentence_embedding": torch.nn.functional.normalize(pooled, dim=0).contiguous(),
    }
    meta = {
        "sentence": SENTENCE,
        "tokens": json.dumps(run.tokens),
        "model": f"{real_model.MODEL_NAME} ({real_model.MODEL_PACKAGE} {real_model.MODEL_RELEASE})",
        "transformers": transformers.__version__,
    }
    save_file(tensors, str(real_model.RECORD), metadata=meta)
    print(f"wrote {real_model.RECORD.relative_to(Path.cwd())}: hidden_states "
          f"{tuple(run.hidden_states.shape)}, transformers {transformers.__version__}")  # fmt: skip


if __name__ == "__main__":
    main()
