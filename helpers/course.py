"""The course itself: its sentence, its seed, and the one table of lessons.

Every list of lessons in the repository is read from ``LESSONS``: the pipeline pictures,
the README's course map (``tools/course_map.py``), the navigation links, the lesson
template (``tools/new_lesson.py``), the benchmark's time budgets and the tests. A new
lesson adds one row here. ``setup_lesson`` is the first call of every lesson
(introduced in 01_vocabulary.ipynb, "Setup").
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from helpers._validate import require_seed

SENTENCE = "The quick brown fox jumps over a lazy dog"
"""The sentence that the article, and so every lesson, walks through self-attention."""

SEED = 123
"""The article's random seed: every random number in the course comes from it."""

TORCH_VERSION = "2.13.0"
"""The PyTorch release the stored outputs were produced with (see requirements.txt)."""

CORE = 7
"""The article's steps are lessons 1 to 7; lessons from 8 on go beyond the article."""


@dataclass(frozen=True)
class Lesson:
    """One row of the course table.

    ``name`` is the short label of the pipeline pictures (``\\n`` breaks it in two);
    ``idea`` is the README's "Key idea"; ``budget_s`` is what ``make bench`` allows the
    lesson over the floor (kernel start and ``import torch``), and ``why`` says why a
    lesson needs more than a core lesson's second.
    """

    number: int
    slug: str
    title: str
    name: str
    idea: str
    minutes: int
    budget_s: float = 1.0
    why: str = ""

    @property
    def core(self) -> bool:
        """True for the article's seven steps, False for the lessons beyond it."""
        return self.number <= CORE

    @property
    def stem(self) -> str:
        """The notebook's file name without ``.ipynb``, e.g. ``04_attention_scores``."""
        return f"{self.number:02d}_{self.slug}"

    @property
    def notebook(self) -> str:
        """The notebook's file name, e.g. ``04_attention_scores.ipynb``."""
        return f"{self.stem}.ipynb"


# fmt: off
LESSONS: tuple[Lesson, ...] = (
    Lesson(1, "vocabulary", "Vocabulary", "Vocabulary",
           "a sentence becomes a tensor of word ids, `(9,)`", 20),
    Lesson(2, "embedding", "Embedding", "Embedding",
           "each id picks a row of a learnable table: a 9 × 3 matrix $X$", 25),
    Lesson(3, "query_key_value", "Query, key and value", "Query, key,\nvalue",
           "three learnable projections: $Q = XW_Q$, $K = XW_K$, $V = XW_V$", 25),
    Lesson(4, "attention_scores", "Attention scores", "Attention\nscores",
           "every query against every key: $QK^\\top/\\sqrt{d_k}$, 9 × 9", 25),
    Lesson(5, "softmax_weights", "Softmax weights", "Softmax\nweights",
           "each row of scores becomes weights that sum to 1", 25),
    Lesson(6, "context_vectors", "Context vectors", "Context\nvectors",
           "each word mixes the value vectors by its weights, 9 × 4", 20),
    Lesson(7, "self_attention_module", "The `SelfAttention` module", "SelfAttention\nmodule",
           "all of it as an `nn.Module`: batches, word order and gradients", 30),
    Lesson(8, "masks", "Masks: no looking ahead, no looking at padding", "Masks",
           "a causal mask hides each word's future and a padding mask hides the filler: "
           "$-\\infty$ before the softmax, 9 × 9", 35,
           1.5, "two attention comparisons and four pictures"),
    Lesson(9, "multi_head_attention", "Multi-head attention", "Multi-head\nattention",
           "$h$ heads side by side: `view` + `transpose(1, 2)` to $(1, 4, 9, 2)$, one 9 × 9 "
           "weight table per head, concatenated and mixed by $W_O$", 30,
           1.5, "heads computed inline, then by the module; one picture per head"),
    Lesson(10, "what_pytorch_does", "What PyTorch does for you", "PyTorch's\nattention",
           "`nn.MultiheadAttention` and `F.scaled_dot_product_attention` compute the same "
           "numbers once the weights are copied in; its masks say `True` = blocked", 30,
           1.5, "nn.MultiheadAttention and F.scaled_dot_product_attention checks"),
    Lesson(11, "cost_of_attention", "The cost of attention", "Cost of\nattention",
           "one head's scores are $n \\times n$: 4 $n^2$ bytes and $n^2(d_k + d_v)$ "
           "multiply-adds, a slope-2 line on log-log axes; 64 GiB per head at 128k tokens, "
           "and why PyTorch's fused kernel never stores them", 25,
           1.5, "two log-log plots from a committed CSV; nothing is timed"),
    Lesson(12, "watching_attention_learn", "Watching attention learn", "Attention\nlearns",
           "train one attention layer on \"output the previous token\": the mean weight on "
           "the right key climbs from 0.168 to 0.965 in 200 Adam steps, if the input carries "
           "positions", 30,
           4.0, "trains one attention layer for a few hundred steps"),
    Lesson(13, "a_real_models_attention", "A real model's attention", "A real\nmodel",
           "a trained model, all-MiniLM-L6-v2 (6 layers × 12 heads), computes the article's "
           "formula: one head recomputed from its weights with the course's code equals the "
           "model's 11 × 11 weights; needs `requirements-model.txt`", 30,
           8.0, "imports transformers and loads a 90 MB model"),
    Lesson(14, "positions", "Where words are: positions", "Positions",
           "attention alone cannot see word order; sinusoids or a learned table added to the "
           "embeddings (all-MiniLM-L6-v2's input layer recomputed to within 1e-6), or queries and "
           "keys rotated by their positions (RoPE: a score then depends only on the offset)", 35,
           4.5, "trains lesson 12's model once (its first torch.optim optimizer imports "
           "torch._dynamo, about 1.5 s) and reads the model's input layer (47 MB)"),
    Lesson(15, "transformer_block", "The Transformer block: rebuilding a real model",
           "The\nblock",
           "attention, add the input back, LayerNorm, a feed-forward network, add and normalise "
           "again: the course's block equals `nn.TransformerEncoderLayer`, and six of them with "
           "all-MiniLM-L6-v2's weights give the model's own outputs and sentence embedding", 40,
           2.5, "reads the model's 90 MB of weights and runs its six layers"),
    Lesson(16, "generating_text", "Generating text: a KV cache and shared key/value heads",
           "Generating\ntext",
           "a small decoder trained on a 28-sentence story writes one token at a time; a cache "
           "of keys and values makes each step read one new token instead of the whole text, with "
           "the same tokens and logits, and shared key/value heads shrink the cache (Llama-3.1-8B: "
           "128 KiB per token)", 40,
           5.0, "trains the lesson's decoder for 200 steps (its first torch.optim optimizer imports "
           "torch._dynamo, about 1.5 s)"),
)
# fmt: on
"""Every lesson, in course order."""


def lesson(number: int) -> Lesson:
    """The row of lesson ``number`` (1 to the last lesson)."""
    for row in LESSONS:
        if row.number == number:
            return row
    raise ValueError(f"lesson must be from 1 to {len(LESSONS)}; got {number!r}.")


def setup_lesson(seed: int = SEED) -> None:
    """Make a lesson reproducible and its tensors readable.

    Seeds Python's and PyTorch's random generators with ``seed`` and sets PyTorch's print
    options (4 decimals, no scientific notation). If this kernel's PyTorch is not the
    release the course was checked with, prints a one-line note, since printed numbers
    may then differ in the last digits.

    Introduced in 01_vocabulary.ipynb ("Setup"); every lesson calls it first.
    """
    require_seed("seed", seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)
    found = torch.__version__.split("+")[0]
    if found != TORCH_VERSION:
        print(
            f"Note: this kernel has PyTorch {found}; the course was checked with "
            f"{TORCH_VERSION}, so a last printed digit may differ "
            "(README: 'Where the numbers are reproduced')."
        )


@contextmanager
def printing_warnings() -> Iterator[None]:
    """Print each warning raised in the ``with`` block as a line of output, such as
    ``UserWarning: ...``, instead of letting it reach stderr, where it would name a path of
    this machine ("Triggered internally at ...": that part is cut off).

    Introduced in 04_attention_scores.ipynb (pitfall 2); a pitfall that warns uses it.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                message = str(warning.message).split(" (Triggered internally")[0]
                print(f"{warning.category.__name__}: {message}")
