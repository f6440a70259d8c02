#!/usr/bin/env bash
# From a fresh clone to a green `make test`: what a new maintainer waits for (make bench-setup).
#
# Clones this repository's committed HEAD into a temporary folder, runs `make test` there
# (which creates .venv from scratch: pip downloads come from pip's cache when it is warm),
# and records the wall time and the size of the environment in artifacts/bench/setup.json,
# first for the learner's part alone (`make lab`'s environment: .venv/.installed), then for all,
# which tools/bench_report.py puts in BENCHMARKS.md. The clone is removed afterwards.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${1:-python3.11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
start=$(date +%s)
# First what `make lab` installs for a learner (the lessons' packages only), then the rest.
if ! make .venv/.installed PYTHON="$python" >"$work/make-lab.log" 2>&1; then
  tail -40 "$work/make-lab.log"
  echo "error: the learner's install failed on the fresh clone (log above)"
  exit 1
fi
learner_seconds=$(($(date +%s) - start))
learner_mb=$(du -sm .venv | cut -f1)
if ! make test PYTHON="$python" >"$work/make-test.log" 2>&1; then
  tail -40 "$work/make-test.log"
  echo "error: make test failed on the fresh clone (log above)"
  exit 1
fi
seconds=$(($(date +%s) - start))
venv_mb=$(du -sm .venv | cut -f1)
passed=$(grep -Eo '[0-9]+ passed' "$work/make-test.log" | head -1 | cut -d' ' -f1)
mkdir -p "$repo/artifacts/bench"
printf '{"fresh_clone_to_green_seconds": %s, "venv_mb": %s, "tests_passed": %s, "commit": "%s", "learner_install_seconds": %s, "learner_venv_mb": %s}\n' \
  "$seconds" "$venv_mb" "${passed:-0}" "$(git rev-parse --short HEAD)" "$learner_seconds" "$learner_mb" \
  >"$repo/artifacts/bench/setup.json"
cat "$repo/artifacts/bench/setup.json"
