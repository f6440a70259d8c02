#!/usr/bin/env bash
# Binder rehearsal: install the course the way Binder does, then re-run every lesson.
#
# 1. a clean copy of the repository: the files git tracks or would track, as they are in the
#    work tree (no .venv, no my-notebooks/, nothing ignored);
# 2. a fresh virtual environment with the project's Python, built from binder/ alone:
#    `pip install -r binder/requirements.txt` from the repository root (as repo2docker runs
#    it), then binder/postBuild with HOME and NB_PYTHON_PREFIX pointing inside the rehearsal;
# 3. only the test runner added (pytest and nbval, at the versions requirements-dev.txt pins);
# 4. the strict notebook regression (nbval) over every lesson, in that environment.
#
# Where PyTorch's CPU index cannot be reached (this workplace reaches only PyPI), its line is
# left out of the copy so pip pays no retry cost; torch==2.13.0 then comes from PyPI or a
# local wheel. Usage: tools/binder_rehearsal.sh [python3.11]
set -euo pipefail
PYTHON="${1:-python3.11}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

echo "== clean copy of the repository in $WORK/repo"
mkdir -p "$WORK/repo"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$WORK/repo"
cd "$WORK/repo"

index=$(sed -n 's/^--extra-index-url \(.*\)$/\1/p' binder/requirements.txt)
if [ -n "$index" ] && ! curl -fsS --max-time 5 -o /dev/null "$index/" 2>/dev/null; then
  echo "== $index cannot be reached from here: installing without it"
  sed -i '/^--extra-index-url /d' binder/requirements.txt
fi

echo "== fresh environment from binder/ alone ($("$PYTHON" --version))"
"$PYTHON" -m venv "$WORK/venv"
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
"$WORK/venv/bin/python" -m pip install --quiet -r binder/requirements.txt
HOME="$WORK/home" NB_PYTHON_PREFIX="$WORK/venv" PATH="$WORK/venv/bin:$PATH" bash binder/postBuild
test -f "$WORK/home/.jupyter/jupyter_server_config.py"
test -f "$WORK/venv/share/jupyter/lab/settings/overrides.json"
"$WORK/venv/bin/python" -c "import helpers, torch; print('helpers from', helpers.__file__.replace('$WORK', '<rehearsal>'), '| torch', torch.__version__)"

echo "== the test runner only"
"$WORK/venv/bin/python" -m pip install --quiet $(grep -E '^(pytest|nbval)==' "$REPO/requirements-dev.txt")

echo "== strict notebook regression in the Binder environment"
"$WORK/venv/bin/python" -c "import matplotlib.font_manager"  # build the font cache first (its warning goes to stderr)
"$WORK/venv/bin/python" -m pytest notebooks --nbval --nbval-current-env -p no:cacheprovider -q
echo "== binder rehearsal passed in $(( $(date +%s) - start )) s"
