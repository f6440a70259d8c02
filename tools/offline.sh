#!/usr/bin/env bash
# Run a command with networking disabled: a new network namespace in which only the loopback
# interface is up (Jupyter kernels, JupyterLab and Chromium talk over loopback). Lessons and
# tests must never need the network. Needs root and `unshare -n` (CI has both); elsewhere
# the command runs online, and tests/test_hygiene.py says so.
set -euo pipefail
if unshare -n true 2>/dev/null; then
  exec unshare -n bash -c 'ip link set lo up && COURSE_OFFLINE=1 exec "$@"' bash "$@"
fi
echo "note: networking cannot be disabled here (needs root and unshare -n); running online" >&2
exec "$@"
