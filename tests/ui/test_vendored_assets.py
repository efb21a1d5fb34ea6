"""The UI files in the package are exactly the pinned npm releases' files, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_vendored_ui_files_match_their_pinned_sha256() -> None:
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor_ui_assets.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stderr
    assert "match their pins" in checked.stdout
