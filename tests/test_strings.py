"""helpers.ui.strings: the seam for a second language holds every template of every lesson.

Each lesson module passes what a learner reads through ``_("template", field=value)``.
Here every such call is read from the source: its template must be a literal (so a
translation file can name it), and its fields must be exactly the ones the call fills (so
no language can break a lesson at run time). A translation file may name only templates
that exist, with the same fields. Finally a translation is really used.
"""

from __future__ import annotations

import ast
import string
import tomllib
from pathlib import Path

import pytest
from course import REPO

from helpers.ui import strings

MODULES = sorted((REPO / "helpers" / "lessons").glob("l[0-9][0-9]_*.py")) + sorted(
    (REPO / "helpers" / "ui").glob("*.py")
)


def templates(path: Path) -> list[tuple[int, str, set[str] | None]]:
    """(line, template, fields filled) of every ``_(...)`` call in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            filled = (
                {k.arg for k in node.keywords}
                if None not in {k.arg for k in node.keywords}
                else None
            )
            found.append((node.lineno, first.value if literal else None, filled))
    return found


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_every_template_is_a_literal_with_the_fields_it_is_given(path: Path) -> None:
    for line, template, filled in templates(path):
        assert template is not None, f"{path.name}:{line}: _() needs a literal template"
        if filled is not None:
            assert fields(template) == filled, (
                f"{path.name}:{line}: the template's fields {sorted(fields(template))} "
                f"differ from the ones given {sorted(filled)}"
            )


def test_every_lesson_module_has_its_strings_behind_the_seam() -> None:
    for path in MODULES:
        if path.parent.name == "lessons":
            assert templates(path), f"{path.name}: pass what a learner reads through _()"


def test_translation_files_name_only_real_templates() -> None:
    for table in sorted((REPO / "helpers" / "lessons").glob("*/*.toml")):
        source = REPO / "helpers" / "lessons" / f"{table.stem}.py"
        known = {template for _, template, _ in templates(source)}
        for english, translated in tomllib.loads(table.read_text(encoding="utf-8")).items():
            assert english in known, f"{table}: {english!r} is no template of {source.name}"
            assert fields(english) == fields(translated), f"{table}: fields differ for {english!r}"


def test_a_translation_is_used_and_english_is_the_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "l99_demo.toml").write_text('"weights of {word}" = "Gewichte von {word}"\n')
    monkeypatch.setattr(strings, "LESSONS_DIR", tmp_path)
    strings._table.cache_clear()
    _ = strings.translator("helpers.lessons.l99_demo")
    assert _("weights of {word}", word="fox") == "weights of fox"
    monkeypatch.setenv("COURSE_LANGUAGE", "xx")
    assert _("weights of {word}", word="fox") == "Gewichte von fox"
    assert _("not translated") == "not translated"
    strings._table.cache_clear()
