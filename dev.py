#!/usr/bin/env python3
"""Bootstrap and run okr-es from a checkout with nothing but Python 3.11+.

    python3 dev.py run [okr-es arguments]   # e.g. run demo, run events
    python3 dev.py test [pytest arguments]  # lint, type-check and the whole test suite
    python3 dev.py bench [arguments]        # benchmarks/ (ratios against raw baselines)

The virtual environment lives in .venv and is (re)installed whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".okr-es-installed"


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv, on any python3
        print("okr-es needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in ("run", "test", "bench"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_venv()
    os.chdir(ROOT)
    if command == "run":
        return call([str(BIN / "okr-es"), *rest])
    if command == "bench":
        return call([str(BIN / "python"), "-m", "benchmarks.run", *rest])
    for step in (
        [str(BIN / "ruff"), "check", "src", "tests", "benchmarks"],
        [str(BIN / "mypy"), "--strict", "src"],
    ):
        code = call(step)
        if code:
            return code
    return call([str(BIN / "pytest"), *rest])


def ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("okr-es: creating .venv …", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("okr-es: installing dependencies into .venv …", file=sys.stderr)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def call(args: list[str]) -> int:
    try:
        return subprocess.call(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
