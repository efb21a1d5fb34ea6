"""The okr-es command line run as a real process against a test store."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from okr_es.settings import Settings


@dataclass
class Run:
    code: int
    out: str
    err: str


def okr_es(settings: Settings | None, *args: str) -> Run:
    """``okr-es ARGS`` with only the store of ``settings`` configured (none: no store)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    if settings is not None:
        env["OKR_ES_DATA_DIR"] = settings.data_dir
        if settings.database_url:
            env["OKR_ES_DATABASE_URL"] = settings.database_url
            env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    done = subprocess.run(
        [sys.executable, "-m", "okr_es.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)
