"""Record all-MiniLM-L6-v2's own outputs for the course sentence, run with ``transformers``:

    .venv/bin/python tools/record_model_outputs.py

writes helpers/data/minilm_outputs.safetensors (about 120 KB): the ids and the 7 hidden states
(the input layer's output, then each layer's). Lesson 14 compares its own input layer with
``hidden_states[0]`` there without loading ``transformers``, which would add about 120 MB to its
kernel. tests/test_l14_positions.py runs the model again and requires the same numbers, so the
record cannot drift from the pinned ``transformers``; re-record after changing that pin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safetensors.torch import save_file

from helpers import real_model
from helpers.course import SENTENCE


def main() -> None:
    import transformers

    run = real_model.run_model(SENTENCE)
    tensors = {
        "input_ids": run.input_ids.contiguous(),
        "hidden_states": run.hidden_states.contiguous(),
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
