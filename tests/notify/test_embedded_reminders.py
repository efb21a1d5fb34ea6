"""Embedded mode: ``okr-es serve`` on SQLite records due reminders by itself."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.processes import Process
from support.reminders import last_monday_nine, reminder_world, reminders_sent


def test_serve_records_each_due_reminder_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "var"))
    with OKRApplication(settings) as okr:
        org = reminder_world(okr)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(
        OKR_ES_DATA_DIR=settings.data_dir,
        OKR_ES_REMINDERS_NOW=last_monday_nine().isoformat(),
        OKR_ES_REMINDER_INTERVAL_SECONDS="1",
    )
    command = [sys.executable, "-m", "okr_es.cli", "serve", "--port", "0"]
    server = Process("okr-es serve", command, env)
    try:
        server.line_with("okr-es API on ")
        with OKRApplication(settings) as okr:
            deadline = time.monotonic() + 60
            while len(reminders_sent(okr)) < 2:
                assert time.monotonic() < deadline, "no reminders within 60 s"
                time.sleep(0.2)  # polled up to the deadline
    finally:
        _, errors = server.stop()
    assert "Traceback" not in errors, errors
    # Stopped and started again (same "now"): nothing is sent twice.
    server = Process("okr-es serve", command, env)
    try:
        server.line_with("okr-es API on ")
    finally:
        server.stop()
    with OKRApplication(settings) as okr:
        sent = reminders_sent(okr)
    period = last_monday_nine().date()
    assert sorted(sent) == sorted(
        [
            (str(org.team), str(org.members["owner"]), period),
            (str(org.sibling), str(org.members["admin"]), period),
        ]
    )
