"""tools/new_lesson.py writes a lesson that already has the course's title and anatomy."""

from __future__ import annotations

from pathlib import Path

import pytest
from course import ANATOMY, BEYOND_TITLE, TITLE

from tools.new_lesson import cells


@pytest.mark.parametrize(
    ("step", "title_rule", "where"),
    [(3, TITLE, "show_pipeline(3)"), (14, BEYOND_TITLE, "show_beyond(14)")],
)
def test_template_has_title_anatomy_and_course_map(step: int, title_rule, where: str) -> None:
    made = cells(step, "topic", "A topic")
    match = title_rule.match(made[0].source)
    assert match and int(match["step"]) == step
    headings = [c.source.splitlines()[0][3:] for c in made if c.source.startswith("## ")]
    positions = [next(i for i, h in enumerate(headings) if h.startswith(name)) for name in ANATOMY]
    assert positions == sorted(positions), "the anatomy's headings come in order"
    code = [c.source for c in made if c.cell_type == "code"]
    assert where in code, "'Where we are' shows the right course map"
    assert "helpers.setup_lesson()" in code[0] and where.split("(")[0] in code[0]


def test_a_new_row_gives_a_notebook_a_lesson_module_and_its_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from helpers.course import Lesson
    from tools import new_lesson

    row = Lesson(14, "positions", "Where words are", "Positions", "an idea", 30)
    for folder in ("notebooks", "helpers/lessons", "tests"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setattr(new_lesson, "REPO", tmp_path)
    monkeypatch.setattr(new_lesson, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(new_lesson, "lesson", lambda number: row)
    assert new_lesson.main(["14"]) == 0
    module_path = tmp_path / "helpers/lessons/l14_positions.py"
    assert (tmp_path / "notebooks/14_positions.ipynb").is_file()
    assert (tmp_path / "tests/test_l14_positions.py").is_file()
    spec = importlib.util.spec_from_file_location("l14_positions", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    explorer = module.TODO_explorer()
    assert explorer.shown_text() == "TODO the key numbers as text"
    assert module.check_TODO_1([0.0]).passed and not module.check_TODO_1([1.0]).passed
    assert new_lesson.main(["14"]) == 1, "never overwrites a lesson"
