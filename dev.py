#!/usr/bin/env python3
"""Bootstrap and run okr-es from a checkout with nothing but Python 3.11+.

    python3 dev.py run [okr-es arguments]   # e.g. run demo, run events
    python3 dev.py test [pytest arguments]  # lint, type-check and the whole test suite
    python3 dev.py bench [arguments]        # benchmarks/ (ratios against raw baselines)
    python3 dev.py test-latest [arguments]  # the suite against the newest releases (.venv-latest)
    python3 dev.py lock                     # re-pin constraints.txt to the newest releases

The virtual environment lives in .venv and is installed from the pinned versions in
constraints.txt; it is reinstalled whenever pyproject.toml or constraints.txt changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CONSTRAINTS = ROOT / "constraints.txt"
COMMANDS = ("run", "test", "bench", "test-latest", "lock")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv, on any python3
        print("okr-es needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "lock":
        return lock()
    if command == "test-latest":
        # The newest releases every range in pyproject.toml admits: what main would get
        # without constraints.txt. A failure here is the upgrade's work list.
        return test(ensure_venv(ROOT / ".venv-latest", pinned=False), rest)
    bin_dir = ensure_venv(ROOT / ".venv", pinned=True)
    if command == "run":
        return call([str(bin_dir / "okr-es"), *rest])
    if command == "bench":
        return call([str(bin_dir / "python"), "-m", "benchmarks.run", *rest])
    return test(bin_dir, rest)


def test(bin_dir: Path, pytest_args: list[str]) -> int:
    for step in (
        [str(bin_dir / "ruff"), "check", "src", "tests", "benchmarks"],
        [str(bin_dir / "mypy"), "--strict", "src"],
    ):
        code = call(step)
        if code:
            return code
    return call([str(bin_dir / "pytest"), *pytest_args])


def ensure_venv(path: Path, *, pinned: bool) -> Path:
    """The venv at ``path`` with okr-es and its test tools installed; its bin directory."""
    bin_dir = path / ("Scripts" if os.name == "nt" else "bin")
    stamp = path / ".okr-es-installed"
    inputs = (ROOT / "pyproject.toml").read_bytes()
    if pinned:
        inputs += CONSTRAINTS.read_bytes()
    wanted = hashlib.sha256(inputs).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return bin_dir
    if not (bin_dir / "python").exists():
        print(f"okr-es: creating {path.name} …", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(path)
    print(f"okr-es: installing dependencies into {path.name} …", file=sys.stderr)
    python = str(bin_dir / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    pins = ["-c", str(CONSTRAINTS)] if pinned else ["--upgrade", "--upgrade-strategy", "eager"]
    subprocess.run([*pip, *pins, "-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(wanted)
    return bin_dir


def lock() -> int:
    """Pin constraints.txt to what a fresh, unconstrained install resolves today."""
    bin_dir = ensure_venv(ROOT / ".venv-latest", pinned=False)
    frozen = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "freeze", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    header = [line for line in CONSTRAINTS.read_text().splitlines() if line.startswith("#")]
    pins = sorted((line for line in frozen if not line.startswith("okr-es")), key=str.lower)
    CONSTRAINTS.write_text("\n".join([*header, *pins]) + "\n")
    print(f"okr-es: {len(pins)} pins written to {CONSTRAINTS.name}; now run: python3 dev.py test")
    return 0


def call(args: list[str]) -> int:
    try:
        return subprocess.call(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
