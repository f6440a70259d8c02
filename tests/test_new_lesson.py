"""tools/new_lesson.py writes a lesson that already has the course's title and anatomy."""

from __future__ import annotations

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
