"""Which Pythons the pins allow: for each pin of constraints.txt, does PyPI have a wheel for
CPython 3.11 to 3.14 on Linux x86-64 and macOS arm64, and does its Requires-Python admit
that version?

    .venv/bin/python tools/python_support.py      (needs PyPI; run it when a pin changes)

It asks PyPI's JSON simple API (PEP 691) for each package's files. A pin limits a Python
when no wheel of that release fits it (pip would have to build from source, or fail) or
when its Requires-Python excludes that Python. The README's "Where the numbers are
reproduced" reports the last result.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PLATFORMS = {"Linux x86-64": ("manylinux", "x86_64"), "macOS arm64": ("macosx", "arm64")}


def pins() -> dict[str, str]:
    found = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line):
            found[match[1]] = match[2]
    return found


@cache
def release_files(name: str, version: str) -> list[dict]:
    """PyPI's files of ``name`` at ``version``."""
    request = urllib.request.Request(
        f"https://pypi.org/simple/{canonicalize_name(name)}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        files = json.load(answer)["files"]
    wheels = []
    for file in files:
        if file["filename"].endswith(".whl"):
            try:
                _, release, _, tags = parse_wheel_filename(file["filename"])
            except InvalidWheelFilename:  # a few very old uploads
                continue
            if str(release).split("+")[0] == version:
                wheels.append({**file, "tags": tags})
    return wheels


def fits(tags, python: str, platform: tuple[str, str]) -> bool:
    """Whether a wheel with ``tags`` installs on CPython ``python`` on ``platform``."""
    minor = int(python.split(".")[1])
    system, machine = platform
    for tag in tags:
        built_for = re.fullmatch(r"cp3(\d+)", tag.interpreter)
        interpreter_ok = tag.interpreter in {"py3", "py2.py3"} or bool(
            built_for
            and (int(built_for[1]) == minor or (tag.abi == "abi3" and int(built_for[1]) <= minor))
        )
        platform_ok = tag.platform == "any" or (system in tag.platform and (
            machine in tag.platform or "universal2" in tag.platform
        ))  # fmt: skip
        if interpreter_ok and platform_ok:
            return True
    return False


def limits(name: str, version: str) -> list[str]:
    """What keeps pin ``name==version`` from a Python of PYTHONS, one line each."""
    wheels = release_files(name, version)
    found = []
    for python in PYTHONS:
        for label, platform in PLATFORMS.items():
            if not any(fits(w["tags"], python, platform) for w in wheels):
                found.append(f"{name}=={version}: no wheel for Python {python} on {label}")
        for spec in {w.get("requires-python") for w in wheels} - {None, ""}:
            if out := excluded(SpecifierSet(spec), python):
                found.append(f"{name}=={version}: Requires-Python {spec} excludes {out}")
    return found


def excluded(spec: SpecifierSet, python: str) -> str:
    """Which releases of ``python`` (3.11.0 to 3.11.29, say) ``spec`` excludes: "" for none."""
    patches = [patch for patch in range(30) if not spec.contains(f"{python}.{patch}")]
    if len(patches) == 30:
        return f"every {python}"
    return ", ".join(f"{python}.{patch}" for patch in patches)


def main() -> int:
    wanted = pins()
    with ThreadPoolExecutor(16) as pool:
        found = dict(zip(wanted, pool.map(lambda item: limits(*item), wanted.items()), strict=True))
    floors = sorted(
        f"{name} {spec}"
        for name, version in wanted.items()
        for spec in {w.get("requires-python") for w in release_files(name, version)} - {None, ""}
        if not SpecifierSet(spec).contains("3.10")
    )
    lines = sorted({line for entries in found.values() for line in entries})
    print(f"{len(wanted)} pins of constraints.txt, Pythons {', '.join(PYTHONS)}:")
    print("\n".join(f"  {line}" for line in lines) or "  every pin has a wheel for each")
    print(f"pins that exclude Python 3.10 ({len(floors)}): {', '.join(floors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
