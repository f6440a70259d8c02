"""Print constraints.txt: every package of the course environment at its exact version.

requirements*.txt pin what the course asks for; this file pins what those pull in too,
so a fresh install months later gets the same versions (pip applies it with -c).
Run through `make lock` after changing a pin. Local version labels such as "+cpu" are
dropped so the file also resolves on machines where PyTorch has no such build.
"""

from __future__ import annotations

import subprocess
import sys

HEADER = """\
# Exact versions of everything the course environment holds, direct or pulled in.
# Written by `make lock` (tools/write_constraints.py); do not edit by hand.
"""


def main() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    keep = []
    for line in frozen:
        name = line.split("==")[0].lower()
        if "==" not in line or name in {"pip", "setuptools", "wheel"}:
            continue
        keep.append(line.split("+")[0])
    sys.stdout.write(HEADER + "\n".join(sorted(keep, key=str.lower)) + "\n")


if __name__ == "__main__":
    main()
