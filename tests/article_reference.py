"""The article's code, copied once, run top to bottom as the article runs it.

This is the course's reference: tests/test_maths.py asserts that helpers produce
exactly these tensors (torch.equal). Only two things differ from the article: `import torch`
moves before its first use (the article imports it in step 2 but uses it in step 1), and
the code is wrapped in a function so tests can run it on demand. Names are the article's.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F


def run_article() -> dict[str, Any]:
    """Run the article's steps 1-7 in one go and return every name it defines."""
    # 1. Data preparation
    sentence = "The quick brown fox jumps over a lazy dog"
    dc = {s: i for i, s in enumerate(sorted(sentence.replace(",", "").split()))}
    r = [dc[i] for i in sentence.replace(",", "").split()]
    sentence_int = torch.tensor(r)

    # 2. Embedding the sentence
    vocab_size = 50000  # Assume a large vocabulary size
    torch.manual_seed(123)
    embed = nn.Embedding(vocab_size, 3)
    embedded_sentence = embed(sentence_int).detach()

    # 3. Query, key and value
    torch.manual_seed(123)
    d = embedded_sentence.shape[1]  # Dimension of embeddings
    d_q, d_k, d_v = 2, 2, 4  # Dimensions for query, key, and value matrices
    W_query = torch.nn.Parameter(torch.rand(d, d_q))
    W_key = torch.nn.Parameter(torch.rand(d, d_k))
    W_value = torch.nn.Parameter(torch.rand(d, d_v))
    query = embedded_sentence @ W_query
    key = embedded_sentence @ W_key
    value = embedded_sentence @ W_value

    # 4. Attention scores (and 5. weights)
    attention_scores = query @ key.T
    attention_scores = attention_scores / math.sqrt(d_k)
    attention_weights = F.softmax(attention_scores, dim=-1)

    # 5. Context vectors
    context_vector = attention_weights @ value

    # 6. The module
    class SelfAttention(nn.Module):
        def __init__(self, d, d_q, d_k, d_v):
            super(SelfAttention, self).__init__()  # noqa: UP008 (the article's spelling)
            self.d = d
            self.d_q = d_q
            self.d_k = d_k
            self.d_v = d_v
            self.W_query = nn.Parameter(torch.rand(d, d_q))
            self.W_key = nn.Parameter(torch.rand(d, d_k))
            self.W_value = nn.Parameter(torch.rand(d, d_v))

        def forward(self, x):
            Q = x @ self.W_query
            K = x @ self.W_key
            V = x @ self.W_value
            attention_scores = Q @ K.T / math.sqrt(self.d_k)
            attention_weights = F.softmax(attention_scores, dim=-1)
            context_vector = attention_weights @ V
            return context_vector

    # 7. Using the module (no reseeding: its weights continue the random stream)
    sa = SelfAttention(d=3, d_q=2, d_k=2, d_v=4)
    cv = sa(embedded_sentence)
    return dict(locals())
