"""Explorers of the lessons beyond the article (08 on): same rules as :mod:`helpers.explorers`.

Each explorer is built by a ``something_explorer()`` function returning an
:class:`helpers.explorers.Explorer`; the rules (labelled controls with ``course-`` CSS
classes, fixed-height text and HTML picture, ``Explorer.show(text, picture, snapshot)``)
are listed in :mod:`helpers.explorers` and checked by tests/test_explorers.py.
Sections follow the lessons in order.
"""

from __future__ import annotations

# --- 08_masks.ipynb ---------------------------------------------------------------------

# --- 09_multi_head_attention.ipynb ------------------------------------------------------

# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------

# --- 11_cost_of_attention.ipynb ---------------------------------------------------------

# --- 12_watching_attention_learn.ipynb --------------------------------------------------

# --- 13_a_real_models_attention.ipynb ---------------------------------------------------
