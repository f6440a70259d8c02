"""The seam for a second language: every string a learner reads goes through ``_``.

A lesson module writes its English inline, where the logic uses it, as a ``str.format``
template with named fields::

    _ = translator(__name__)
    _("weights of query {word!r}", word=words[i])

English is the source text, so the module reads like plain Python. A translation is one
TOML file per lesson module, ``helpers/lessons/<language>/<module>.toml`` (for example
``helpers/lessons/zh/l04_attention_scores.toml``), mapping each English template to its
translation with the same fields::

    "weights of query {word!r}" = "查询 {word!r} 的权重"

The language is read from the environment variable ``COURSE_LANGUAGE`` (default ``en``);
a template without a translation falls back to English. Adding a language touches no
logic. Introduced in 01_vocabulary.ipynb; ``tests/test_toolkit.py`` collects every
template of every lesson module.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Callable
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"


def language() -> str:
    """The language learners read: ``COURSE_LANGUAGE``, or ``en``."""
    return os.environ.get("COURSE_LANGUAGE", "en")


@functools.cache
def _table(module: str, lang: str) -> dict[str, str]:
    path = LESSONS_DIR / lang / f"{module.rsplit('.', 1)[-1]}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translator(module: str) -> Callable[..., str]:
    """The ``_`` of the module named ``module``: look a template up, then fill its fields."""

    def _(template: str, /, **fields: object) -> str:
        lang = language()
        text = template if lang == "en" else _table(module, lang).get(template, template)
        return text.format(**fields) if fields else text

    return _
