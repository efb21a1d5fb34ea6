#!/usr/bin/env python3
"""Fetch the browser UIs' files from npm into src/okr_es/api/static/, or check them.

    .venv/bin/python scripts/vendor_ui_assets.py          # fetch the pinned releases (npm pack)
    .venv/bin/python scripts/vendor_ui_assets.py --check  # only verify what is there, offline

The releases, the files taken from each and their sha256 are pinned in
okr_es.api.ui_assets; a file whose bytes differ from its pin is refused, so the vendored
copies are exactly those of the npm releases. Upgrading means editing that table (version
and hashes) and running this script again. Needs ``npm`` for fetching.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from okr_es.api.ui_assets import RELEASES, STATIC_DIR, NpmRelease


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only, fetch nothing")
    args = parser.parse_args(argv)
    problems = check() if args.check else fetch()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(RELEASES)} releases in {STATIC_DIR} match their pins")
    return 1 if problems else 0


def check() -> list[str]:
    """What differs between ``static/`` and the pins (missing, changed or unpinned files)."""
    problems: list[str] = []
    wanted: set[Path] = set()
    for release in RELEASES:
        for inside, digest in release.files.items():
            target = STATIC_DIR / release.directory / PurePosixPath(inside).name
            wanted.add(target)
            if not target.is_file():
                problems.append(f"missing: {target}")
            elif sha256(target.read_bytes()) != digest:
                problems.append(f"differs from {release.package}@{release.version}: {target}")
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file() and path not in wanted:
            problems.append(f"not pinned in okr_es.api.ui_assets: {path}")
    return problems


def fetch() -> list[str]:
    """Replace ``static/`` with the pinned files of the pinned releases, fetched by npm."""
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "static"
        problems: list[str] = []
        for release in RELEASES:
            problems += unpack(release, npm_pack(release, Path(scratch)), staged)
        if problems:
            return problems  # the copy in the source tree stays as it was
        if STATIC_DIR.exists():
            shutil.rmtree(STATIC_DIR)
        shutil.copytree(staged, STATIC_DIR)
    return check()


def npm_pack(release: NpmRelease, into: Path) -> Path:
    # npm checks the tarball against the registry's integrity hash while downloading it.
    result = subprocess.run(
        ["npm", "pack", f"{release.package}@{release.version}", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / result.stdout.strip().splitlines()[-1]


def unpack(release: NpmRelease, tarball: Path, staged: Path) -> list[str]:
    problems: list[str] = []
    directory = staged / release.directory
    directory.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for inside, digest in release.files.items():
            member = archive.extractfile(f"package/{inside}")
            if member is None:
                problems.append(f"{release.package}@{release.version} has no file {inside}")
                continue
            content = member.read()
            if sha256(content) != digest:
                problems.append(
                    f"{release.package}@{release.version} {inside}: sha256 {sha256(content)}, "
                    f"pinned {digest}"
                )
                continue
            (directory / PurePosixPath(inside).name).write_bytes(content)
    return problems


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
