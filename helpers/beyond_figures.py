"""Pictures of the lessons beyond the article (08 on): same rules as :mod:`helpers.figures`.

Figures are ``matplotlib.figure.Figure`` objects (no pyplot), shown with
:func:`helpers.figures.show` and a text version. Sections follow the lessons in order.
"""

from __future__ import annotations

# --- 08_masks.ipynb ---------------------------------------------------------------------

# --- 09_multi_head_attention.ipynb ------------------------------------------------------

# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------

# --- 11_cost_of_attention.ipynb ---------------------------------------------------------

# --- 12_watching_attention_learn.ipynb --------------------------------------------------

# --- 13_a_real_models_attention.ipynb ---------------------------------------------------
