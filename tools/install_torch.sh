#!/usr/bin/env bash
# Install PyTorch into a course environment before the other pins (the Makefile runs it).
#
#   tools/install_torch.sh PYTHON VERSION
#
# On Linux, PyPI's torch is a CUDA build that pulls about 3 GB of NVIDIA libraries, which a
# course that runs on the CPU never uses. So on Linux this takes torch alone (--no-deps) from
# PyTorch's CPU-only index (about 190 MB); the next pip install brings torch's dependencies
# from PyPI at their pinned versions. It is a separate step with --index-url, not
# --extra-index-url, so pip takes nothing but torch from that mirror.
#
# The index is probed once, with a 5-second timeout. Where it cannot be reached (a closed
# network or a proxy; this machine and its CI), the script says so in one line and does
# nothing: the next step then installs torch from pip's usual index (PyPI: the CUDA build).
# macOS and other systems use PyPI, whose builds there have no CUDA libraries.
# TORCH_INDEX overrides the index (tests/test_environment.py points it at a local server).
set -euo pipefail
python="$1" version="$2"
index="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
[ "$(uname -s)" = Linux ] || exit 0
if "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
  "$index/torch/" 2>/dev/null; then
  echo "PyTorch $version, CPU-only build, from $index"
  "$python" -m pip install --quiet --no-deps "torch==$version" --index-url "$index"
else
  echo "note: $index cannot be reached from here; pip installs torch $version from its usual index"
fi
