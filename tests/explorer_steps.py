"""What a learner does with each explorer in the page, and the exact text it must then show.

Used by tests/test_browser.py (each step checked in a real JupyterLab) and by
tools/bench_explorers.py (each step timed, the list repeated until 20 changes are timed).
So a list starts with the explorer's first state (a step with no action) and its last step
brings the explorer back to that state. Keys are the explorer factories' names; every
explorer a lesson shows needs an entry (tests/test_browser.py checks). Expected texts (and,
for some steps, what the picture must show) are written out here, not computed by the
code under test.
"""

from __future__ import annotations

from tools.browser import Step, choosing, clicking, pressing, typing

STEPS: dict[str, list[Step]] = {
    "block_explorer": [
        Step(
            "starts on 'fox' in layer 0, every sub-step",
            None,
            "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  11.80   cosine with the input +1.00\n"
            "  attention          length   3.58   cosine with the input +0.05\n"
            "  input + attention  length  12.49   cosine with the input +0.96\n"
            "  LayerNorm 1        length  12.40   cosine with the input +0.91\n"
            "  feed-forward       length   5.85   cosine with the input +0.04\n"
            "  h + feed-forward   length  13.93   cosine with the input +0.82\n"
            "  output             length  12.67   cosine with the input +0.82",
            ("11.80, 3.58, 12.49",),
        ),
        Step(
            "slide to the first sub-step",
            pressing("course-step", "Home"),
            "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  11.80   cosine with the input +1.00",
        ),
        Step(
            "one sub-step on: attention's output",
            pressing("course-step", "ArrowRight"),
            "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  11.80   cosine with the input +1.00\n"
            "  attention          length   3.58   cosine with the input +0.05",
        ),
        Step(
            "choose layer 5",
            choosing("course-layer", "5"),
            "layer 5, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  13.02   cosine with the input +1.00\n"
            "  attention          length   6.95   cosine with the input +0.16",
        ),
        Step(
            "choose [CLS]",
            choosing("course-token", "[CLS]"),
            "layer 5, token '[CLS]': its vector (384 numbers) after each sub-step\n"
            "  input              length  10.10   cosine with the input +1.00\n"
            "  attention          length   7.42   cosine with the input -0.01",
            ("token '[CLS]' after each sub-step of layer 5",),
        ),
        Step(
            "slide to the output",
            pressing("course-step", "End"),
            "layer 5, token '[CLS]': its vector (384 numbers) after each sub-step\n"
            "  input              length  10.10   cosine with the input +1.00\n"
            "  attention          length   7.42   cosine with the input -0.01\n"
            "  input + attention  length  12.46   cosine with the input +0.80\n"
            "  LayerNorm 1        length  13.39   cosine with the input +0.88\n"
            "  feed-forward       length   6.21   cosine with the input -0.12\n"
            "  h + feed-forward   length  14.13   cosine with the input +0.78\n"
            "  output             length   8.00   cosine with the input +0.67",
        ),
        Step(
            "back to 'fox'",
            choosing("course-token", "fox"),
            "layer 5, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  13.02   cosine with the input +1.00\n"
            "  attention          length   6.95   cosine with the input +0.16\n"
            "  input + attention  length  15.69   cosine with the input +0.90\n"
            "  LayerNorm 1        length  11.50   cosine with the input +0.90\n"
            "  feed-forward       length  10.22   cosine with the input -0.36\n"
            "  h + feed-forward   length  11.77   cosine with the input +0.57\n"
            "  output             length  10.97   cosine with the input +0.71",
        ),
        Step(
            "back to layer 0: the starting state",
            choosing("course-layer", "0"),
            "layer 0, token 'fox': its vector (384 numbers) after each sub-step\n"
            "  input              length  11.80   cosine with the input +1.00\n"
            "  attention          length   3.58   cosine with the input +0.05\n"
            "  input + attention  length  12.49   cosine with the input +0.96\n"
            "  LayerNorm 1        length  12.40   cosine with the input +0.91\n"
            "  feed-forward       length   5.85   cosine with the input +0.04\n"
            "  h + feed-forward   length  13.93   cosine with the input +0.82\n"
            "  output             length  12.67   cosine with the input +0.82",
        ),
    ],
    "generation_explorer": [
        Step(
            "starts at step 1, layer 0, query head 0",
            None,
            "step 1 of 20: the quick brown fox ▸ 'jumps'\n"
            "cache: 4 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 256 numbers, 2.0 KiB in float64\n"
            "next token: 'jumps' 0.98, 'lazy' 0.02, 'where' 0.00\n"
            "layer 0, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'brown' at position 2 (0.94)",
            ("0.01, 0.05, 0.94, 0.00",),
        ),
        Step(
            "slide to the last step: the cache holds 23 tokens",
            pressing("course-step", "End"),
            "step 20 of 20: … the dog barks and runs after the fox . the fox . ▸ 'the'\n"
            "cache: 23 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 1,472 numbers, 11.5 KiB in float64\n"
            "next token: 'the' 1.00, 'in' 0.00, 'they' 0.00\n"
            "layer 0, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'a' at position 6 (0.30)",
        ),
        Step(
            "layer 1",
            choosing("course-layer", "1"),
            "step 20 of 20: … the dog barks and runs after the fox . the fox . ▸ 'the'\n"
            "cache: 23 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 1,472 numbers, 11.5 KiB in float64\n"
            "next token: 'the' 1.00, 'in' 0.00, 'they' 0.00\n"
            "layer 1, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'barks' at position 13 (0.66)",
        ),
        Step(
            "query head 3, which shares key/value head 1",
            choosing("course-head", "3"),
            "step 20 of 20: … the dog barks and runs after the fox . the fox . ▸ 'the'\n"
            "cache: 23 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 1,472 numbers, 11.5 KiB in float64\n"
            "next token: 'the' 1.00, 'in' 0.00, 'they' 0.00\n"
            "layer 1, query head 3 (key/value head 1, shared by 2 query heads): strongest on 'fox' at position 21 (0.20)",
        ),
        Step(
            "back to step 1",
            pressing("course-step", "Home"),
            "step 1 of 20: the quick brown fox ▸ 'jumps'\n"
            "cache: 4 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 256 numbers, 2.0 KiB in float64\n"
            "next token: 'jumps' 0.98, 'lazy' 0.02, 'where' 0.00\n"
            "layer 1, query head 3 (key/value head 1, shared by 2 query heads): strongest on 'brown' at position 2 (0.72)",
        ),
        Step(
            "layer 0",
            choosing("course-layer", "0"),
            "step 1 of 20: the quick brown fox ▸ 'jumps'\n"
            "cache: 4 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 256 numbers, 2.0 KiB in float64\n"
            "next token: 'jumps' 0.98, 'lazy' 0.02, 'where' 0.00\n"
            "layer 0, query head 3 (key/value head 1, shared by 2 query heads): strongest on 'the' at position 0 (0.54)",
        ),
        Step(
            "query head 0: the starting state",
            choosing("course-head", "0"),
            "step 1 of 20: the quick brown fox ▸ 'jumps'\n"
            "cache: 4 tokens × 2 layers × 2 key/value heads × 8 numbers × 2 (keys, values) = 256 numbers, 2.0 KiB in float64\n"
            "next token: 'jumps' 0.98, 'lazy' 0.02, 'where' 0.00\n"
            "layer 0, query head 0 (key/value head 0, shared by 2 query heads): strongest on 'brown' at position 2 (0.94)",
        ),
    ],
    "position_explorer": [
        Step(
            "starts on rotary positions, 'fox' at 2 and 'dog' at 7",
            None,
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 2, key of 'dog' at position 7: offset +5, score 0.1006\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
            "  (4, 9) 0.1006\n"
            "the same offset gives the same score wherever the pair sits",
            ("score at (2, 7): 0.10",),
        ),
        Step(
            "move 'fox' to position 3: offset +4",
            pressing("course-query-position", "ArrowRight"),
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 3, key of 'dog' at position 7: offset +4, score 0.9092\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 4) 0.9092   (1, 5) 0.9092   (2, 6) 0.9092   (3, 7) 0.9092\n"
            "  (4, 8) 0.9092   (5, 9) 0.9092\n"
            "the same offset gives the same score wherever the pair sits",
        ),
        Step(
            "move 'dog' to position 8: offset +5 again, the same score as at the start",
            pressing("course-key-position", "ArrowRight"),
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score 0.1006\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
            "  (4, 9) 0.1006\n"
            "the same offset gives the same score wherever the pair sits",
            ("row 3 framed; score at (3, 8): 0.10",),
        ),
        Step(
            "choose sinusoidal positions",
            choosing("course-encoding", "sinusoidal, added to the embeddings"),
            "encoding: sinusoidal, added to the embeddings\n"
            "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score -0.5913\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) -1.1537   (1, 6) -0.0507   (2, 7) -0.0674   (3, 8) -0.5913\n"
            "  (4, 9) -0.9096\n"
            "the same offset gives different scores: the score depends on where the words are, "
            "not only on how far apart",
            ("score at (3, 8): -0.59",),
        ),
        Step(
            "choose no positions",
            choosing("course-encoding", "no positions"),
            "encoding: no positions\n"
            "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score -0.9456\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) -0.9456   (1, 6) -0.9456   (2, 7) -0.9456   (3, 8) -0.9456\n"
            "  (4, 9) -0.9456\n"
            "the score is the same at every pair of positions: attention cannot see them",
        ),
        Step(
            "back to rotary positions",
            choosing("course-encoding", "rotary (RoPE), turning queries and keys"),
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 3, key of 'dog' at position 8: offset +5, score 0.1006\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
            "  (4, 9) 0.1006\n"
            "the same offset gives the same score wherever the pair sits",
        ),
        Step(
            "'dog' back to 7",
            pressing("course-key-position", "ArrowLeft"),
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 3, key of 'dog' at position 7: offset +4, score 0.9092\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 4) 0.9092   (1, 5) 0.9092   (2, 6) 0.9092   (3, 7) 0.9092\n"
            "  (4, 8) 0.9092   (5, 9) 0.9092\n"
            "the same offset gives the same score wherever the pair sits",
        ),
        Step(
            "'fox' back to 2: the starting state",
            pressing("course-query-position", "ArrowLeft"),
            "encoding: rotary (RoPE), turning queries and keys\n"
            "query of 'fox' at position 2, key of 'dog' at position 7: offset +5, score 0.1006\n"
            "the same offset elsewhere, (query position, key position) score:\n"
            "  (0, 5) 0.1006   (1, 6) 0.1006   (2, 7) 0.1006   (3, 8) 0.1006\n"
            "  (4, 9) 0.1006\n"
            "the same offset gives the same score wherever the pair sits",
        ),
    ],
    "real_model_explorer": [
        Step(
            "starts on layer 0, head 2 (the previous token)",
            None,
            "layer 0, head 2 of all-MiniLM-L6-v2 (rows = queries, columns = keys)\n"
            "each token's strongest key and its weight:\n"
            "  [CLS]→[CLS] 1.00   the→[CLS] 1.00   quick→the 1.00   brown→quick 1.00\n"
            "  fox→brown 1.00   jumps→fox 1.00   over→jumps 1.00   a→over 1.00\n"
            "  lazy→a 1.00   dog→lazy 1.00   [SEP]→dog 1.00\n"
            "mean weight on [CLS] 0.18, on [SEP] 0.00, on itself 0.09,\n"
            "            on the previous token 1.00, on the next token 0.00",
            ("Attention weights of layer 0, head 2 of all-MiniLM-L6-v2",),
        ),
        Step(
            "choose layer 1",
            choosing("course-layer", "1"),
            "layer 1, head 2 of all-MiniLM-L6-v2 (rows = queries, columns = keys)\n"
            "each token's strongest key and its weight:\n"
            "  [CLS]→[CLS] 0.94   the→[CLS] 0.31   quick→[CLS] 0.38   brown→quick 0.50\n"
            "  fox→[CLS] 0.41   jumps→[CLS] 0.29   over→[CLS] 0.20   a→over 0.39\n"
            "  lazy→[CLS] 0.37   dog→[CLS] 0.34   [SEP]→[CLS] 0.20\n"
            "mean weight on [CLS] 0.34, on [SEP] 0.04, on itself 0.13,\n"
            "            on the previous token 0.20, on the next token 0.10",
        ),
        Step(
            "choose head 8 (the next token)",
            choosing("course-head", "8"),
            "layer 1, head 8 of all-MiniLM-L6-v2 (rows = queries, columns = keys)\n"
            "each token's strongest key and its weight:\n"
            "  [CLS]→[CLS] 0.87   the→quick 0.52   quick→brown 0.78   brown→fox 0.72\n"
            "  fox→jumps 0.59   jumps→over 0.59   over→a 0.91   a→lazy 0.43\n"
            "  lazy→dog 0.49   dog→[CLS] 0.42   [SEP]→[CLS] 0.97\n"
            "mean weight on [CLS] 0.40, on [SEP] 0.04, on itself 0.15,\n"
            "            on the previous token 0.03, on the next token 0.54",
            ("strongest key of each query: [CLS] [CLS] 0.87, the quick 0.52",),
        ),
        Step(
            "back to layer 0",
            choosing("course-layer", "0"),
            "layer 0, head 8 of all-MiniLM-L6-v2 (rows = queries, columns = keys)\n"
            "each token's strongest key and its weight:\n"
            "  [CLS]→[CLS] 0.69   the→the 0.56   quick→[CLS] 0.41   brown→[CLS] 0.40\n"
            "  fox→[SEP] 0.43   jumps→[CLS] 0.42   over→[CLS] 0.39   a→[CLS] 0.33\n"
            "  lazy→[CLS] 0.64   dog→[CLS] 0.35   [SEP]→[CLS] 0.59\n"
            "mean weight on [CLS] 0.43, on [SEP] 0.17, on itself 0.23,\n"
            "            on the previous token 0.04, on the next token 0.04",
        ),
        Step(
            "back to head 2",
            choosing("course-head", "2"),
            "layer 0, head 2 of all-MiniLM-L6-v2 (rows = queries, columns = keys)\n"
            "each token's strongest key and its weight:\n"
            "  [CLS]→[CLS] 1.00   the→[CLS] 1.00   quick→the 1.00   brown→quick 1.00\n"
            "  fox→brown 1.00   jumps→fox 1.00   over→jumps 1.00   a→over 1.00\n"
            "  lazy→a 1.00   dog→lazy 1.00   [SEP]→dog 1.00\n"
            "mean weight on [CLS] 0.18, on [SEP] 0.00, on itself 0.09,\n"
            "            on the previous token 1.00, on the next token 0.00",
        ),
    ],
    "pytorch_mask_explorer": [
        Step(
            "starts on the causal mask, passed unchanged",
            None,
            "mask: causal mask, as attn_mask (9, 9)\npassed as: mask unchanged (True = may attend)\nnn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox\nthe course mask blocks for it:                jumps, over, a, lazy, dog\nresult: NaN for query 'dog': every key blocked (shown as 0 in the picture)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the causal mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask passed as mask unchanged (True = may attend) (NaN rows shown as 0).",
            ),
        ),
        Step(
            "convert it with ~",
            choosing("course-mask-passing", "~mask (True = blocked, what it expects)"),
            "mask: causal mask, as attn_mask (9, 9)\npassed as: ~mask (True = blocked, what it expects)\nnn.MultiheadAttention blocks for query 'fox': jumps, over, a, lazy, dog\nthe course mask blocks for it:                jumps, over, a, lazy, dog\nresult: same output as the course module (max |difference| < 1e-6)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the causal mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask passed as ~mask (True = blocked, what it expects).",
            ),
        ),
        Step(
            "pick the padding mask",
            choosing("course-mask-kind", "padding (last 3 words)"),
            "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\npassed as: ~mask (True = blocked, what it expects)\nnn.MultiheadAttention blocks for query 'fox': a, lazy, dog\nthe course mask blocks for it:                a, lazy, dog\nresult: same output as the course module (max |difference| < 1e-6)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the padding mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the padding mask passed as ~mask (True = blocked, what it expects).",
            ),
        ),
        Step(
            "pass it unchanged",
            choosing("course-mask-passing", "mask unchanged (True = may attend)"),
            "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\npassed as: mask unchanged (True = may attend)\nnn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox, jumps, over\nthe course mask blocks for it:                a, lazy, dog\nresult: WRONG, max |difference| from the course module = 0.67",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the padding mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the padding mask passed as mask unchanged (True = may attend).",
            ),
        ),
        Step(
            "pass it as mask.float()",
            choosing("course-mask-passing", "float: mask.float() (1 and 0)"),
            "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\npassed as: float: mask.float() (1 and 0)\nnn.MultiheadAttention blocks for query 'fox': nothing\nthe course mask blocks for it:                a, lazy, dog\nresult: WRONG, max |difference| from the course module = 0.15",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the padding mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the padding mask passed as float: mask.float() (1 and 0).",
            ),
        ),
        Step(
            "pass it as a float mask with -inf",
            choosing("course-mask-passing", "float: 0 where allowed, -inf where blocked"),
            "mask: padding mask (last 3 words are padding), as key_padding_mask (1, 9)\npassed as: float: 0 where allowed, -inf where blocked\nnn.MultiheadAttention blocks for query 'fox': a, lazy, dog\nthe course mask blocks for it:                a, lazy, dog\nresult: same output as the course module (max |difference| < 1e-6)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the padding mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the padding mask passed as float: 0 where allowed, -inf where blocked.",
            ),
        ),
        Step(
            "pick no mask",
            choosing("course-mask-kind", "none"),
            "mask: no mask\npassed as: nothing (the convention does not matter without a mask)\nresult: same output as the course module (max |difference| < 1e-6)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with no mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with no mask.",
            ),
        ),
        Step(
            "pick the causal mask again",
            choosing("course-mask-kind", "causal (no looking ahead)"),
            "mask: causal mask, as attn_mask (9, 9)\npassed as: float: 0 where allowed, -inf where blocked\nnn.MultiheadAttention blocks for query 'fox': jumps, over, a, lazy, dog\nthe course mask blocks for it:                jumps, over, a, lazy, dog\nresult: same output as the course module (max |difference| < 1e-6)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the causal mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask passed as float: 0 where allowed, -inf where blocked.",
            ),
        ),
        Step(
            "pass it unchanged again",
            choosing("course-mask-passing", "mask unchanged (True = may attend)"),
            "mask: causal mask, as attn_mask (9, 9)\npassed as: mask unchanged (True = may attend)\nnn.MultiheadAttention blocks for query 'fox': The, quick, brown, fox\nthe course mask blocks for it:                jumps, over, a, lazy, dog\nresult: NaN for query 'dog': every key blocked (shown as 0 in the picture)",
            (
                "Head 0's attention weights, 9 by 9, from the course module with the causal mask.",
                "Head 0's attention weights, 9 by 9, from nn.MultiheadAttention with the causal mask passed as mask unchanged (True = may attend) (NaN rows shown as 0).",
            ),
        ),
    ],
    "cost_explorer": [
        Step(
            "starts at the original Transformer's sizes, n = 512",
            None,
            "n = 512 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\nscore matrix: 512 × 512 × 4 B = 1.0 MiB per head, 8.0 MiB for all 8 heads\nmultiply-adds of attention (QKᵀ and weights·V): 268,435,456\nmultiply-adds of the projections (Q, K, V): 402,653,184\nattention ÷ projections = 2n ÷ (3 d_model) = 0.67: the projections dominate (equal at n = 768)\ncompared with n = 9 (our sentence) and the same sizes: × 3,236.3 memory and attention multiply-adds",
            (
                "Memory per head at n = 512: Q 128.0 KiB, K 128.0 KiB, V 128.0 KiB, scores 1.0 MiB, weights 1.0 MiB, context 128.0 KiB.",
            ),
        ),
        Step(
            "n one step right",
            pressing("course-n", "ArrowRight"),
            "n = 1,024 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\nscore matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 32.0 MiB for all 8 heads\nmultiply-adds of attention (QKᵀ and weights·V): 1,073,741,824\nmultiply-adds of the projections (Q, K, V): 805,306,368\nattention ÷ projections = 2n ÷ (3 d_model) = 1.33: attention dominates (equal at n = 768)\ncompared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention multiply-adds",
            (
                "Memory per head at n = 1,024: Q 256.0 KiB, K 256.0 KiB, V 256.0 KiB, scores 4.0 MiB, weights 4.0 MiB, context 256.0 KiB.",
            ),
        ),
        Step(
            "heads one step right, to 12",
            pressing("course-heads", "ArrowRight"),
            "n = 1,024 tokens, 12 heads of d_k = d_v = 64 (d_model = 768), batch 1, float32\nscore matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 48.0 MiB for all 12 heads\nmultiply-adds of attention (QKᵀ and weights·V): 1,610,612,736\nmultiply-adds of the projections (Q, K, V): 1,811,939,328\nattention ÷ projections = 2n ÷ (3 d_model) = 0.89: the projections dominate (equal at n = 1,152)\ncompared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention multiply-adds",
            (
                "Memory per head at n = 1,024: Q 256.0 KiB, K 256.0 KiB, V 256.0 KiB, scores 4.0 MiB, weights 4.0 MiB, context 256.0 KiB.",
            ),
        ),
        Step(
            "d_k to the smallest",
            pressing("course-d-k", "Home"),
            "n = 1,024 tokens, 12 heads of d_k = d_v = 2 (d_model = 24), batch 1, float32\nscore matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 48.0 MiB for all 12 heads\nmultiply-adds of attention (QKᵀ and weights·V): 50,331,648\nmultiply-adds of the projections (Q, K, V): 1,769,472\nattention ÷ projections = 2n ÷ (3 d_model) = 28.44: attention dominates (equal at n = 36)\ncompared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention multiply-adds",
            (
                "Memory per head at n = 1,024: Q 8.0 KiB, K 8.0 KiB, V 8.0 KiB, scores 4.0 MiB, weights 4.0 MiB, context 8.0 KiB.",
            ),
        ),
        Step(
            "d_k to the largest, then one step back to 64",
            pressing("course-d-k", "End", "ArrowLeft"),
            "n = 1,024 tokens, 12 heads of d_k = d_v = 64 (d_model = 768), batch 1, float32\nscore matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 48.0 MiB for all 12 heads\nmultiply-adds of attention (QKᵀ and weights·V): 1,610,612,736\nmultiply-adds of the projections (Q, K, V): 1,811,939,328\nattention ÷ projections = 2n ÷ (3 d_model) = 0.89: the projections dominate (equal at n = 1,152)\ncompared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention multiply-adds",
            (
                "Memory per head at n = 1,024: Q 256.0 KiB, K 256.0 KiB, V 256.0 KiB, scores 4.0 MiB, weights 4.0 MiB, context 256.0 KiB.",
            ),
        ),
        Step(
            "heads back to 8",
            pressing("course-heads", "ArrowLeft"),
            "n = 1,024 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\nscore matrix: 1,024 × 1,024 × 4 B = 4.0 MiB per head, 32.0 MiB for all 8 heads\nmultiply-adds of attention (QKᵀ and weights·V): 1,073,741,824\nmultiply-adds of the projections (Q, K, V): 805,306,368\nattention ÷ projections = 2n ÷ (3 d_model) = 1.33: attention dominates (equal at n = 768)\ncompared with n = 9 (our sentence) and the same sizes: × 12,945.4 memory and attention multiply-adds",
            (
                "Memory per head at n = 1,024: Q 256.0 KiB, K 256.0 KiB, V 256.0 KiB, scores 4.0 MiB, weights 4.0 MiB, context 256.0 KiB.",
            ),
        ),
        Step(
            "n to our sentence's 9",
            pressing("course-n", "Home"),
            "n = 9 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\nscore matrix: 9 × 9 × 4 B = 324 B per head, 2.5 KiB for all 8 heads\nmultiply-adds of attention (QKᵀ and weights·V): 82,944\nmultiply-adds of the projections (Q, K, V): 7,077,888\nattention ÷ projections = 2n ÷ (3 d_model) = 0.01: the projections dominate (equal at n = 768)\ncompared with n = 9 (our sentence) and the same sizes: × 1.0 memory and attention multiply-adds",
            (
                "Memory per head at n = 9: Q 2.2 KiB, K 2.2 KiB, V 2.2 KiB, scores 324 B, weights 324 B, context 2.2 KiB.",
            ),
        ),
        Step(
            "n six steps right, back to 512",
            pressing(
                "course-n",
                "ArrowRight",
                "ArrowRight",
                "ArrowRight",
                "ArrowRight",
                "ArrowRight",
                "ArrowRight",
            ),
            "n = 512 tokens, 8 heads of d_k = d_v = 64 (d_model = 512), batch 1, float32\nscore matrix: 512 × 512 × 4 B = 1.0 MiB per head, 8.0 MiB for all 8 heads\nmultiply-adds of attention (QKᵀ and weights·V): 268,435,456\nmultiply-adds of the projections (Q, K, V): 402,653,184\nattention ÷ projections = 2n ÷ (3 d_model) = 0.67: the projections dominate (equal at n = 768)\ncompared with n = 9 (our sentence) and the same sizes: × 3,236.3 memory and attention multiply-adds",
            (
                "Memory per head at n = 512: Q 128.0 KiB, K 128.0 KiB, V 128.0 KiB, scores 1.0 MiB, weights 1.0 MiB, context 128.0 KiB.",
            ),
        ),
    ],
    "training_explorer": [
        Step(
            "starts before training, on sequence 1",
            None,
            "after 0 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 1.919   accuracy 0.169   mean weight on the previous position 0.168\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   F  C  F  F  F  E\ntarget     E  F  C  F  F  F   (each token's previous one)\n"
            "predicted  F  F  F  F  F  F   (4 of 6 right)",
            ("attention weights at step 0 (rows = queries, columns = keys)",),
        ),
        Step(
            "five steps right: step 50",
            pressing("course-training-step", *["ArrowRight"] * 5),
            "after 50 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 1.032   accuracy 0.795   mean weight on the previous position 0.510\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   F  C  F  F  F  E\ntarget     E  F  C  F  F  F   (each token's previous one)\n"
            "predicted  E  F  C  F  F  F   (6 of 6 right)",
            ("attention weights at step 50 (rows = queries, columns = keys)",),
        ),
        Step(
            "pick sequence 2",
            choosing("course-sequence", "2. A C A C F D"),
            "after 50 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 1.032   accuracy 0.795   mean weight on the previous position 0.510\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   A  C  A  C  F  D\ntarget     D  A  C  A  C  F   (each token's previous one)\n"
            "predicted  D  A  A  A  C  F   (5 of 6 right)",
            ("attention weights at step 50 (rows = queries, columns = keys)",),
        ),
        Step(
            "slide to the end of training",
            pressing("course-training-step", "End"),
            "after 200 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 0.001   accuracy 1.000   mean weight on the previous position 0.965\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   A  C  A  C  F  D\ntarget     D  A  C  A  C  F   (each token's previous one)\n"
            "predicted  D  A  C  A  C  F   (6 of 6 right)",
            ("attention weights at step 200 (rows = queries, columns = keys)",),
        ),
        Step(
            "pick sequence 1 again",
            choosing("course-sequence", "1. F C F F F E"),
            "after 200 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 0.001   accuracy 1.000   mean weight on the previous position 0.965\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   F  C  F  F  F  E\ntarget     E  F  C  F  F  F   (each token's previous one)\n"
            "predicted  E  F  C  F  F  F   (6 of 6 right)",
            ("attention weights at step 200 (rows = queries, columns = keys)",),
        ),
        Step(
            "back to the start",
            pressing("course-training-step", "Home"),
            "after 0 of 200 training steps (Adam, learning rate 0.02, batches of 32 sequences)\n"
            "held-out sequences: loss 1.919   accuracy 0.169   mean weight on the previous position 0.168\n"
            "(at step 0 that weight was 0.168, about 1/6; the perfect pattern gives 1)\n"
            "sequence   F  C  F  F  F  E\ntarget     E  F  C  F  F  F   (each token's previous one)\n"
            "predicted  F  F  F  F  F  F   (4 of 6 right)",
            ("attention weights at step 0 (rows = queries, columns = keys)",),
        ),
    ],
    "head_explorer": [
        Step(
            "starts on head 0, no mask",
            None,
            "head 0 of 4 (d_head = 2), no mask: uniform would be 1/9 = 0.111\nquery      strongest key   weight\nThe        brown           0.133\nquick      brown           0.138\nbrown      brown           0.155\nfox        over            0.220\njumps      lazy            0.142\nover       lazy            0.152\na          brown           0.181\nlazy       over            0.148\ndog        brown           0.148",
            ("Attention weights of head 0, 9 queries (rows) by 9 keys (columns), from 0 to 0.22.",),
        ),
        Step(
            "pick head 2",
            choosing("course-head", "head 2"),
            "head 2 of 4 (d_head = 2), no mask: uniform would be 1/9 = 0.111\nquery      strongest key   weight\nThe        quick           0.169\nquick      brown           0.144\nbrown      quick           0.350\nfox        quick           0.231\njumps      brown           0.127\nover       lazy            0.139\na          quick           0.166\nlazy       quick           0.169\ndog        brown           0.134",
            ("Attention weights of head 2, 9 queries (rows) by 9 keys (columns), from 0 to 0.35.",),
        ),
        Step(
            "tick the causal mask",
            clicking("course-causal"),
            "head 2 of 4 (d_head = 2), causal mask: uniform would be 1/(i + 1) for query i\nquery      strongest key   weight\nThe        The             1.000\nquick      The             0.572\nbrown      quick           0.752\nfox        quick           0.525\njumps      brown           0.219\nover       over            0.208\na          quick           0.211\nlazy       quick           0.188\ndog        brown           0.134",
            ("Attention weights of head 2, 9 queries (rows) by 9 keys (columns), from 0 to 1.00.",),
        ),
        Step(
            "pick the average of the 4 heads",
            choosing("course-head", "average of the 4 heads"),
            "average of the 4 heads (d_head = 2), causal mask: uniform would be 1/(i + 1) for query i\nquery      strongest key   weight\nThe        The             1.000\nquick      The             0.522\nbrown      quick           0.401\nfox        quick           0.351\njumps      jumps           0.240\nover       brown           0.198\na          fox             0.169\nlazy       quick           0.143\ndog        dog             0.145",
            (
                "Attention weights of the average of the 4 heads, 9 queries (rows) by 9 keys (columns), from 0 to 1.00.",
            ),
        ),
        Step(
            "untick the causal mask",
            clicking("course-causal"),
            "average of the 4 heads (d_head = 2), no mask: uniform would be 1/9 = 0.111\nquery      strongest key   weight\nThe        jumps           0.120\nquick      fox             0.166\nbrown      quick           0.161\nfox        quick           0.152\njumps      jumps           0.143\nover       a               0.157\na          fox             0.130\nlazy       quick           0.129\ndog        dog             0.145",
            (
                "Attention weights of the average of the 4 heads, 9 queries (rows) by 9 keys (columns), from 0 to 0.17.",
            ),
        ),
        Step(
            "pick head 0 again",
            choosing("course-head", "head 0"),
            "head 0 of 4 (d_head = 2), no mask: uniform would be 1/9 = 0.111\nquery      strongest key   weight\nThe        brown           0.133\nquick      brown           0.138\nbrown      brown           0.155\nfox        over            0.220\njumps      lazy            0.142\nover       lazy            0.152\na          brown           0.181\nlazy       over            0.148\ndog        brown           0.148",
            ("Attention weights of head 0, 9 queries (rows) by 9 keys (columns), from 0 to 0.22.",),
        ),
    ],
    "causal_mask_explorer": [
        Step(
            "starts on '3: fox' with the causal mask on",
            None,
            "query 3: 'fox'; causal mask on (it may attend to keys 0 to 3)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    0.0457  0.0416  0.0995  0.8132 blocked blocked blocked blocked blocked\n"
            "blocked keys (the words after 'fox'): jumps, over, a, lazy, dog\n"
            "sum of weights = 1.0000",
            (
                "Weights of query 'fox' over the keys: The 0.05, quick 0.04, brown 0.10, "
                "fox 0.81, jumps blocked, over blocked, a blocked, lazy blocked, dog blocked.",
            ),
        ),
        Step(
            "untick the causal mask",
            clicking("course-causal-mask"),
            "query 3: 'fox'; causal mask off (it may attend to every key)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    0.0195  0.0178  0.0425  0.3473  0.0103  0.1129  0.0743  0.3637  0.0116\n"
            "blocked keys: none; weight on the later words (the future): 0.5729\n"
            "sum of weights = 1.0000",
        ),
        Step(
            "pick '0: The'",
            choosing("course-query-word", "0: The"),
            "query 0: 'The'; causal mask off (it may attend to every key)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    0.1211  0.1238  0.1124  0.0906  0.1284  0.1019  0.1058  0.0908  0.1251\n"
            "blocked keys: none; weight on the later words (the future): 0.8789\n"
            "sum of weights = 1.0000",
        ),
        Step(
            "tick the causal mask again",
            clicking("course-causal-mask"),
            "query 0: 'The'; causal mask on (it may attend to key 0 only: itself)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    1.0000 blocked blocked blocked blocked blocked blocked blocked blocked\n"
            "blocked keys (the words after 'The'): quick, brown, fox, jumps, over, a, lazy, dog\n"
            "sum of weights = 1.0000",
        ),
        Step(
            "pick '8: dog'",
            choosing("course-query-word", "8: dog"),
            "query 8: 'dog'; causal mask on (it may attend to keys 0 to 8)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    0.1524  0.1661  0.0874  0.0191  0.2395  0.0432  0.0580  0.0186  0.2158\n"
            "blocked keys: none ('dog' is the last word: no later word to hide)\n"
            "sum of weights = 1.0000",
        ),
        Step(
            "pick '3: fox' again",
            choosing("course-query-word", "3: fox"),
            "query 3: 'fox'; causal mask on (it may attend to keys 0 to 3)\n"
            "key          The   quick   brown     fox   jumps    over       a    lazy     dog\n"
            "weight    0.0457  0.0416  0.0995  0.8132 blocked blocked blocked blocked blocked\n"
            "blocked keys (the words after 'fox'): jumps, over, a, lazy, dog\n"
            "sum of weights = 1.0000",
        ),
    ],
    "vocabulary_explorer": [
        Step(
            "starts on the lesson's sentence",
            None,
            "words (9): ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog']\n"
            "vocabulary (9 distinct words): {'The': 0, 'a': 1, 'brown': 2, 'dog': 3, 'fox': 4, "
            "'jumps': 5, 'lazy': 6, 'over': 7, 'quick': 8}\n"
            "ids: [0, 8, 2, 4, 5, 7, 1, 6, 3]",
            (
                "Each word above its id, in sentence order: The 0, quick 8, brown 2, fox 4, "
                "jumps 5, over 7, a 1, lazy 6, dog 3.",
            ),
        ),
        Step(
            "type a sentence with a repeated word",
            typing("course-sentence", "the dog saw the cat"),
            "words (5): ['the', 'dog', 'saw', 'the', 'cat']\n"
            "vocabulary (4 distinct words): {'cat': 0, 'dog': 1, 'saw': 2, 'the': 3}\n"
            "ids: [3, 1, 2, 3, 0]",
            ("Each word above its id, in sentence order: the 3, dog 1, saw 2, the 3, cat 0.",),
        ),
        Step(
            "tick 'Encode with the lesson's vocabulary'",
            clicking("course-use-lesson-vocabulary"),
            "words (5): ['the', 'dog', 'saw', 'the', 'cat']\n"
            "vocabulary: the lesson's 9 words\n"
            "ids: [?, 3, ?, ?, ?]\n"
            "unknown words (3): 'cat', 'saw', 'the'. They have no id, so encode() would refuse "
            "this sentence; a subword tokenizer would split them into pieces it knows.",
            ("Each word above its id, in sentence order: the ?, dog 3, saw ?, the ?, cat ?.",),
        ),
        Step(
            "untick it again",
            clicking("course-use-lesson-vocabulary"),
            "words (5): ['the', 'dog', 'saw', 'the', 'cat']\n"
            "vocabulary (4 distinct words): {'cat': 0, 'dog': 1, 'saw': 2, 'the': 3}\n"
            "ids: [3, 1, 2, 3, 0]",
            ("Each word above its id, in sentence order: the 3, dog 1, saw 2, the 3, cat 0.",),
        ),
        Step(
            "empty the box",
            typing("course-sentence", ""),
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'.",
            ("(no words to show)",),
        ),
        Step(
            "type the lesson's sentence again",
            typing("course-sentence", "The quick brown fox jumps over a lazy dog"),
            "words (9): ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog']\n"
            "vocabulary (9 distinct words): {'The': 0, 'a': 1, 'brown': 2, 'dog': 3, 'fox': 4, "
            "'jumps': 5, 'lazy': 6, 'over': 7, 'quick': 8}\n"
            "ids: [0, 8, 2, 4, 5, 7, 1, 6, 3]",
            (
                "Each word above its id, in sentence order: The 0, quick 8, brown 2, fox 4, "
                "jumps 5, over 7, a 1, lazy 6, dog 3.",
            ),
        ),
    ],
    "embedding_explorer": [
        Step(
            "starts on 'fox'",
            None,
            "word: 'fox'   id: 4   position in the sentence: 3\nvector: [0.1794, 1.8951, 0.4954]\n= row 4 of the table embed.weight = row 3 of embedded_sentence\nlength of the vector: 1.9670",
        ),
        Step(
            "pick 'quick'",
            choosing("course-word", "quick"),
            "word: 'quick'   id: 8   position in the sentence: 1\nvector: [0.4965, -1.5723, 0.9666]\n= row 8 of the table embed.weight = row 1 of embedded_sentence\nlength of the vector: 1.9113",
        ),
        Step(
            "pick 'dog'",
            choosing("course-word", "dog"),
            "word: 'dog'   id: 3   position in the sentence: 8\nvector: [-1.1925, 0.6984, -1.4097]\n= row 3 of the table embed.weight = row 8 of embedded_sentence\nlength of the vector: 1.9741",
        ),
        Step(
            "pick 'The'",
            choosing("course-word", "The"),
            "word: 'The'   id: 0   position in the sentence: 0\nvector: [0.3374, -0.1778, -0.3035]\n= row 0 of the table embed.weight = row 0 of embedded_sentence\nlength of the vector: 0.4874",
        ),
        Step(
            "pick 'fox' again",
            choosing("course-word", "fox"),
            "word: 'fox'   id: 4   position in the sentence: 3\nvector: [0.1794, 1.8951, 0.4954]\n= row 4 of the table embed.weight = row 3 of embedded_sentence\nlength of the vector: 1.9670",
        ),
    ],
    "projection_explorer": [
        Step(
            "starts on the article's settings",
            None,
            "d_q = d_k = 2, d_v = 4, seed = 123  (the article's settings)\nW_query (3, 2), W_key (3, 2), W_value (3, 4)\nquery (9, 2), key (9, 2), value (9, 4)\n'The': query [0.0327, -0.2112]\n       key   [-0.0823, -0.3031]\n       value [-0.2546, -0.2608, -0.1544, -0.2801]",
        ),
        Step(
            "d_k one step right",
            pressing("course-d-k", "ArrowRight"),
            "d_q = d_k = 3, d_v = 4, seed = 123\nW_query (3, 3), W_key (3, 3), W_value (3, 4)\nquery (9, 3), key (9, 3), value (9, 4)\n'The': query [-0.0640, 0.1300, -0.1250]\n       key   [0.1097, 0.0354, -0.0756]\n       value [-0.0685, -0.2121, -0.0338, 0.0712]",
        ),
        Step(
            "d_v one step left",
            pressing("course-d-v", "ArrowLeft"),
            "d_q = d_k = 3, d_v = 3, seed = 123\nW_query (3, 3), W_key (3, 3), W_value (3, 3)\nquery (9, 3), key (9, 3), value (9, 3)\n'The': query [-0.0640, 0.1300, -0.1250]\n       key   [0.1097, 0.0354, -0.0756]\n       value [-0.0599, -0.0902, 0.0290]",
        ),
        Step(
            "seed one step right",
            pressing("course-seed", "ArrowRight"),
            "d_q = d_k = 3, d_v = 3, seed = 124\nW_query (3, 3), W_key (3, 3), W_value (3, 3)\nquery (9, 3), key (9, 3), value (9, 3)\n'The': query [-0.1268, -0.0197, 0.1146]\n       key   [-0.2730, -0.1410, -0.0448]\n       value [-0.0539, 0.0945, -0.1782]",
        ),
        Step(
            "d_k to its minimum",
            pressing("course-d-k", "Home"),
            "d_q = d_k = 1, d_v = 3, seed = 124\nW_query (3, 1), W_key (3, 1), W_value (3, 3)\nquery (9, 1), key (9, 1), value (9, 3)\n'The': query [-0.3159]\n       key   [0.0315]\n       value [-0.2379, -0.1471, 0.0107]",
        ),
        Step(
            "d_k back to 2",
            pressing("course-d-k", "ArrowRight"),
            "d_q = d_k = 2, d_v = 3, seed = 124\nW_query (3, 2), W_key (3, 2), W_value (3, 3)\nquery (9, 2), key (9, 2), value (9, 3)\n'The': query [-0.2535, 0.0913]\n       key   [-0.0246, -0.0177]\n       value [0.0369, 0.0248, -0.1196]",
        ),
        Step(
            "d_v back to 4",
            pressing("course-d-v", "ArrowRight"),
            "d_q = d_k = 2, d_v = 4, seed = 124\nW_query (3, 2), W_key (3, 2), W_value (3, 4)\nquery (9, 2), key (9, 2), value (9, 4)\n'The': query [-0.2535, 0.0913]\n       key   [-0.0246, -0.0177]\n       value [0.2104, 0.1280, -0.1797, -0.1764]",
        ),
        Step(
            "seed back to 123",
            pressing("course-seed", "ArrowLeft"),
            "d_q = d_k = 2, d_v = 4, seed = 123  (the article's settings)\nW_query (3, 2), W_key (3, 2), W_value (3, 4)\nquery (9, 2), key (9, 2), value (9, 4)\n'The': query [0.0327, -0.2112]\n       key   [-0.0823, -0.3031]\n       value [-0.2546, -0.2608, -0.1544, -0.2801]",
        ),
    ],
    "scaling_explorer": [
        Step(
            "starts at d_k = 64",
            None,
            "d_k = 64: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\nunscaled scores: std 7.91, from -14.51 to 19.39\nscaled (÷ √64 = 8.00): std 0.99, from -1.81 to 2.42\nsoftmax of row 0: largest weight 0.54 unscaled, 0.29 scaled (equal weights would be 0.11)",
        ),
        Step(
            "d_k one step right",
            pressing("course-d-k", "ArrowRight"),
            "d_k = 128: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\nunscaled scores: std 10.84, from -22.83 to 27.07\nscaled (÷ √128 = 11.31): std 0.96, from -2.02 to 2.39\nsoftmax of row 0: largest weight 0.96 unscaled, 0.37 scaled (equal weights would be 0.11)",
        ),
        Step(
            "d_k to the smallest",
            pressing("course-d-k", "Home"),
            "d_k = 2: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\nunscaled scores: std 1.52, from -3.27 to 6.57\nscaled (÷ √2 = 1.41): std 1.08, from -2.32 to 4.65\nsoftmax of row 0: largest weight 0.15 unscaled, 0.14 scaled (equal weights would be 0.11)",
        ),
        Step(
            "d_k to the largest",
            pressing("course-d-k", "End"),
            "d_k = 512: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\nunscaled scores: std 22.63, from -53.96 to 64.34\nscaled (÷ √512 = 22.63): std 1.00, from -2.38 to 2.84\nsoftmax of row 0: largest weight 1.00 unscaled, 0.35 scaled (equal weights would be 0.11)",
        ),
        Step(
            "d_k three steps left, back to 64",
            pressing("course-d-k", "ArrowLeft", "ArrowLeft", "ArrowLeft"),
            "d_k = 64: 9 random queries and 9 random keys, numbers drawn from N(0, 1)\nunscaled scores: std 7.91, from -14.51 to 19.39\nscaled (÷ √64 = 8.00): std 0.99, from -1.81 to 2.42\nsoftmax of row 0: largest weight 0.54 unscaled, 0.29 scaled (equal weights would be 0.11)",
        ),
    ],
    "softmax_explorer": [
        Step(
            "starts on 'fox'",
            None,
            "query 'fox' (row 3); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 1\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore       -0.425  -0.519   0.353   2.454  -1.062   1.331   0.912   2.500  -0.946\nweight       0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\nlargest weight: 'lazy' 0.364; smallest: 0.010; sum of weights = 1.0000",
        ),
        Step(
            "pick 'dog'",
            choosing("course-query-word", "dog"),
            "query 'dog' (row 8); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 1\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore        0.307   0.393  -0.248  -1.770   0.759  -0.954  -0.659  -1.793   0.655\nweight       0.152   0.166   0.087   0.019   0.239   0.043   0.058   0.019   0.216\nlargest weight: 'jumps' 0.239; smallest: 0.019; sum of weights = 1.0000",
        ),
        Step(
            "temperature one step right",
            pressing("course-temperature", "ArrowRight"),
            "query 'dog' (row 8); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 2\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore        0.154   0.197  -0.124  -0.885   0.380  -0.477  -0.329  -0.897   0.328\nweight       0.141   0.147   0.107   0.050   0.177   0.075   0.087   0.049   0.168\nlargest weight: 'jumps' 0.177; smallest: 0.049; sum of weights = 1.0000",
        ),
        Step(
            "untick the scaling",
            clicking("course-scale"),
            "query 'dog' (row 8); scores not scaled, then ÷ temperature 2\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore        0.217   0.278  -0.175  -1.252   0.537  -0.674  -0.466  -1.268   0.463\nweight       0.148   0.157   0.100   0.034   0.204   0.061   0.075   0.033   0.189\nlargest weight: 'jumps' 0.204; smallest: 0.033; sum of weights = 1.0000",
        ),
        Step(
            "pick 'fox' again",
            choosing("course-query-word", "fox"),
            "query 'fox' (row 3); scores not scaled, then ÷ temperature 2\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore       -0.300  -0.367   0.250   1.735  -0.751   0.941   0.645   1.768  -0.669\nweight       0.038   0.035   0.065   0.288   0.024   0.130   0.097   0.297   0.026\nlargest weight: 'lazy' 0.297; smallest: 0.024; sum of weights = 1.0000",
        ),
        Step(
            "temperature back to 1",
            pressing("course-temperature", "ArrowLeft"),
            "query 'fox' (row 3); scores not scaled, then ÷ temperature 1\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore       -0.600  -0.733   0.499   3.471  -1.502   1.882   1.290   3.536  -1.337\nweight       0.007   0.006   0.021   0.403   0.003   0.082   0.046   0.430   0.003\nlargest weight: 'lazy' 0.430; smallest: 0.003; sum of weights = 1.0000",
        ),
        Step(
            "tick the scaling again",
            clicking("course-scale"),
            "query 'fox' (row 3); scores ÷ √d_k = ÷ 1.414, then ÷ temperature 1\nkey word       The   quick   brown     fox   jumps    over       a    lazy     dog\nscore       -0.425  -0.519   0.353   2.454  -1.062   1.331   0.912   2.500  -0.946\nweight       0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\nlargest weight: 'lazy' 0.364; smallest: 0.010; sum of weights = 1.0000",
        ),
    ],
    "context_explorer": [
        Step(
            "starts on 'fox'",
            None,
            "context vector of 'fox' (row 3) = [ 0.8153,  1.4165,  0.9633,  1.5575]\n= sum over the words of  weight × value row:\nword      weight   value row                               weight × value row\nThe       0.0195   [-0.2546, -0.2608, -0.1544, -0.2801]    [-0.0050, -0.0051, -0.0030, -0.0055]\nquick     0.0178   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.0120, -0.0112,  0.0031,  0.0020]\nbrown     0.0425   [ 0.5932,  0.0981,  0.2741,  0.4151]    [ 0.0252,  0.0042,  0.0116,  0.0176]\nfox       0.3473   [ 0.6612,  1.8972,  1.0963,  1.8106]    [ 0.2296,  0.6589,  0.3808,  0.6289]\njumps     0.0103   [-0.8598, -0.6161, -0.5940, -0.9455]    [-0.0089, -0.0064, -0.0061, -0.0098]\nover      0.1129   [ 0.0781,  1.1918,  0.7710,  1.1675]    [ 0.0088,  0.1346,  0.0871,  0.1318]\na         0.0743   [ 0.5605,  0.5645,  0.3676,  0.6429]    [ 0.0417,  0.0420,  0.0273,  0.0478]\nlazy      0.3637   [ 1.4455,  1.6639,  1.3038,  2.0918]    [ 0.5258,  0.6052,  0.4743,  0.7609]\ndog       0.0116   [-1.2107, -0.4929, -1.0081, -1.4031]    [-0.0140, -0.0057, -0.0117, -0.0163]",
        ),
        Step(
            "pick 'dog'",
            choosing("course-query-word", "dog"),
            "context vector of 'dog' (row 8) = [-0.2663, -0.2382, -0.2310, -0.3559]\n= sum over the words of  weight × value row:\nword      weight   value row                               weight × value row\nThe       0.1524   [-0.2546, -0.2608, -0.1544, -0.2801]    [-0.0388, -0.0397, -0.0235, -0.0427]\nquick     0.1661   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.1123, -0.1046,  0.0285,  0.0184]\nbrown     0.0874   [ 0.5932,  0.0981,  0.2741,  0.4151]    [ 0.0519,  0.0086,  0.0240,  0.0363]\nfox       0.0191   [ 0.6612,  1.8972,  1.0963,  1.8106]    [ 0.0126,  0.0362,  0.0209,  0.0345]\njumps     0.2395   [-0.8598, -0.6161, -0.5940, -0.9455]    [-0.2059, -0.1475, -0.1423, -0.2264]\nover      0.0432   [ 0.0781,  1.1918,  0.7710,  1.1675]    [ 0.0034,  0.0515,  0.0333,  0.0504]\na         0.0580   [ 0.5605,  0.5645,  0.3676,  0.6429]    [ 0.0325,  0.0327,  0.0213,  0.0373]\nlazy      0.0186   [ 1.4455,  1.6639,  1.3038,  2.0918]    [ 0.0270,  0.0310,  0.0243,  0.0390]\ndog       0.2158   [-1.2107, -0.4929, -1.0081, -1.4031]    [-0.2612, -0.1063, -0.2175, -0.3027]",
        ),
        Step(
            "pick 'The'",
            choosing("course-query-word", "The"),
            "context vector of 'The' (row 0) = [ 0.1161,  0.2648,  0.1661,  0.2705]\n= sum over the words of  weight × value row:\nword      weight   value row                               weight × value row\nThe       0.1211   [-0.2546, -0.2608, -0.1544, -0.2801]    [-0.0308, -0.0316, -0.0187, -0.0339]\nquick     0.1238   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.0837, -0.0780,  0.0213,  0.0137]\nbrown     0.1124   [ 0.5932,  0.0981,  0.2741,  0.4151]    [ 0.0667,  0.0110,  0.0308,  0.0467]\nfox       0.0906   [ 0.6612,  1.8972,  1.0963,  1.8106]    [ 0.0599,  0.1719,  0.0993,  0.1640]\njumps     0.1284   [-0.8598, -0.6161, -0.5940, -0.9455]    [-0.1104, -0.0791, -0.0763, -0.1214]\nover      0.1019   [ 0.0781,  1.1918,  0.7710,  1.1675]    [ 0.0080,  0.1214,  0.0785,  0.1189]\na         0.1058   [ 0.5605,  0.5645,  0.3676,  0.6429]    [ 0.0593,  0.0597,  0.0389,  0.0680]\nlazy      0.0908   [ 1.4455,  1.6639,  1.3038,  2.0918]    [ 0.1313,  0.1511,  0.1184,  0.1900]\ndog       0.1251   [-1.2107, -0.4929, -1.0081, -1.4031]    [-0.1515, -0.0617, -0.1261, -0.1756]",
        ),
        Step(
            "pick 'fox' again",
            choosing("course-query-word", "fox"),
            "context vector of 'fox' (row 3) = [ 0.8153,  1.4165,  0.9633,  1.5575]\n= sum over the words of  weight × value row:\nword      weight   value row                               weight × value row\nThe       0.0195   [-0.2546, -0.2608, -0.1544, -0.2801]    [-0.0050, -0.0051, -0.0030, -0.0055]\nquick     0.0178   [ 0.6762, -0.6300,  0.1718,  0.1107]    [ 0.0120, -0.0112,  0.0031,  0.0020]\nbrown     0.0425   [ 0.5932,  0.0981,  0.2741,  0.4151]    [ 0.0252,  0.0042,  0.0116,  0.0176]\nfox       0.3473   [ 0.6612,  1.8972,  1.0963,  1.8106]    [ 0.2296,  0.6589,  0.3808,  0.6289]\njumps     0.0103   [-0.8598, -0.6161, -0.5940, -0.9455]    [-0.0089, -0.0064, -0.0061, -0.0098]\nover      0.1129   [ 0.0781,  1.1918,  0.7710,  1.1675]    [ 0.0088,  0.1346,  0.0871,  0.1318]\na         0.0743   [ 0.5605,  0.5645,  0.3676,  0.6429]    [ 0.0417,  0.0420,  0.0273,  0.0478]\nlazy      0.3637   [ 1.4455,  1.6639,  1.3038,  2.0918]    [ 0.5258,  0.6052,  0.4743,  0.7609]\ndog       0.0116   [-1.2107, -0.4929, -1.0081, -1.4031]    [-0.0140, -0.0057, -0.0117, -0.0163]",
        ),
    ],
    "sentence_attention_explorer": [
        Step(
            "starts on the lesson's sentence",
            None,
            "words (9): ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog']\nquery 'The' attends most to 'jumps' (weight 0.128)\nweights (rows = queries, columns = keys; each row sums to 1):\nquery\\key      The   quick   brown     fox   jumps    over       a    lazy     dog\nThe          0.121   0.124   0.112   0.091   0.128   0.102   0.106   0.091   0.125\nquick        0.113   0.111   0.111   0.107   0.116   0.108   0.110   0.105   0.119\nbrown        0.097   0.094   0.107   0.141   0.090   0.121   0.116   0.140   0.094\nfox          0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\njumps        0.143   0.154   0.106   0.045   0.183   0.072   0.084   0.045   0.169\nover         0.031   0.030   0.058   0.305   0.018   0.126   0.090   0.322   0.019\na            0.084   0.080   0.101   0.171   0.072   0.128   0.117   0.171   0.076\nlazy         0.020   0.017   0.042   0.351   0.010   0.112   0.075   0.360   0.012\ndog          0.152   0.166   0.087   0.019   0.239   0.043   0.058   0.019   0.216",
        ),
        Step(
            "type a new sentence",
            typing("course-sentence", "the cat sat on the mat"),
            "words (6): ['the', 'cat', 'sat', 'on', 'the', 'mat']\nquery 'the' attends most to 'the' (weight 0.412)\nweights (rows = queries, columns = keys; each row sums to 1):\nquery\\key      the     cat     sat      on     the     mat\nthe          0.412   0.023   0.014   0.050   0.412   0.088\ncat          0.140   0.188   0.194   0.174   0.140   0.164\nsat          0.035   0.276   0.391   0.158   0.035   0.105\non           0.203   0.140   0.136   0.153   0.203   0.166\nthe          0.412   0.023   0.014   0.050   0.412   0.088\nmat          0.238   0.116   0.106   0.140   0.238   0.162",
        ),
        Step(
            "pick the query word 'cat'",
            choosing("course-query-word", "2. cat"),
            "words (6): ['the', 'cat', 'sat', 'on', 'the', 'mat']\nquery 'cat' attends most to 'sat' (weight 0.194)\nweights (rows = queries, columns = keys; each row sums to 1):\nquery\\key      the     cat     sat      on     the     mat\nthe          0.412   0.023   0.014   0.050   0.412   0.088\ncat          0.140   0.188   0.194   0.174   0.140   0.164\nsat          0.035   0.276   0.391   0.158   0.035   0.105\non           0.203   0.140   0.136   0.153   0.203   0.166\nthe          0.412   0.023   0.014   0.050   0.412   0.088\nmat          0.238   0.116   0.106   0.140   0.238   0.162",
        ),
        Step(
            "empty the box",
            typing("course-sentence", ""),
            "The sentence box is empty: type a few words, for example 'the cat sat on the mat'.",
        ),
        Step(
            "type the lesson's sentence again",
            typing("course-sentence", "The quick brown fox jumps over a lazy dog"),
            "words (9): ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog']\nquery 'The' attends most to 'jumps' (weight 0.128)\nweights (rows = queries, columns = keys; each row sums to 1):\nquery\\key      The   quick   brown     fox   jumps    over       a    lazy     dog\nThe          0.121   0.124   0.112   0.091   0.128   0.102   0.106   0.091   0.125\nquick        0.113   0.111   0.111   0.107   0.116   0.108   0.110   0.105   0.119\nbrown        0.097   0.094   0.107   0.141   0.090   0.121   0.116   0.140   0.094\nfox          0.020   0.018   0.042   0.347   0.010   0.113   0.074   0.364   0.012\njumps        0.143   0.154   0.106   0.045   0.183   0.072   0.084   0.045   0.169\nover         0.031   0.030   0.058   0.305   0.018   0.126   0.090   0.322   0.019\na            0.084   0.080   0.101   0.171   0.072   0.128   0.117   0.171   0.076\nlazy         0.020   0.017   0.042   0.351   0.010   0.112   0.075   0.360   0.012\ndog          0.152   0.166   0.087   0.019   0.239   0.043   0.058   0.019   0.216",
        ),
    ],
}
