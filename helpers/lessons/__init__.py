"""One module per lesson: its pictures, its explorer, its exercise checks, and every string
a learner reads in that lesson (through ``helpers.ui.strings``, the seam for a second
language). Lesson ``N`` with slug ``S`` in ``helpers.course.LESSONS`` lives in
``helpers/lessons/lNN_S.py``; the maths it teaches lives in the modules beside this package
(``helpers.attention``, ``helpers.masks``, ...).
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

import torch

from helpers.attention import CourseSteps, rebuild_steps
from helpers.course import LESSONS, lesson


@functools.cache
def course() -> CourseSteps:
    """The course sentence's steps 1-6, computed once without moving the notebook's random
    state: what the explorers and checks of lessons 03-08 and 14 compare with."""
    with torch.random.fork_rng(devices=[]):
        return rebuild_steps()


def module_name(number: int) -> str:
    """The lesson module's import name, e.g. ``helpers.lessons.l06_context_vectors``."""
    row = lesson(number)
    return f"helpers.lessons.l{row.number:02d}_{row.slug}"


def load(number: int) -> ModuleType:
    """Import lesson ``number``'s module."""
    return importlib.import_module(module_name(number))


def all_modules() -> list[ModuleType]:
    """Every lesson's module, in course order."""
    return [load(row.number) for row in LESSONS]
