"""Exercise checks of the lessons beyond the article (08 on): same rules as :mod:`helpers.exercises`.

Each check is a ``check_something(answer)`` decorated with
:func:`helpers.exercises.exercise_check` and returns a :class:`helpers.exercises.Verdict`;
it never raises (tests/test_exercises.py feeds every check a battery of wrong types).
Sections follow the lessons in order.
"""

from __future__ import annotations

# --- 08_masks.ipynb ---------------------------------------------------------------------

# --- 09_multi_head_attention.ipynb ------------------------------------------------------

# --- 10_what_pytorch_does.ipynb ---------------------------------------------------------

# --- 11_cost_of_attention.ipynb ---------------------------------------------------------

# --- 12_watching_attention_learn.ipynb --------------------------------------------------

# --- 13_a_real_models_attention.ipynb ---------------------------------------------------
