"""Distributed mode: two ``okr-es notify`` processes on PostgreSQL, one active at a time.

The active one holds the store's notify lock; the standby takes over when the active one
is killed (SIGKILL: no chance to clean up), and every due reminder is recorded exactly once.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from okr_es.application import OKRApplication
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from support.cli_process import okr_es
from support.http_api import KEY_RESULTS
from support.processes import Process
from support.reminders import last_monday_nine, reminder_world, reminders_sent

pytestmark = pytest.mark.postgres


def notify(settings: Settings, name: str) -> Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(
        OKR_ES_DATABASE_URL=settings.database_url or "",
        OKR_ES_DATABASE_SCHEMA=settings.database_schema or "",
        OKR_ES_REMINDERS_NOW=last_monday_nine().isoformat(),
        OKR_ES_REMINDER_INTERVAL_SECONDS="1",
    )
    return Process(name, [sys.executable, "-m", "okr_es.cli", "notify"], env)


def test_the_standby_takes_over_from_a_killed_notify_and_nothing_is_sent_twice(
    postgres_settings: Settings,
) -> None:
    with OKRApplication(postgres_settings) as okr:
        org = reminder_world(okr)
        # The read models the scheduler reads (a worker keeps them current in production).
        ProjectionRunner(okr).catch_up()
    first = notify(postgres_settings, "notify 1")
    second: Process | None = None
    try:
        first.line_with("active; following ")
        first.line_with("reminders: pass 1 recorded 2")
        second = notify(postgres_settings, "notify 2")
        second.line_with("standing by")
        first.stop(signal.SIGKILL)
        second.line_with("active; following ")
        # Its first pass finds every due reminder recorded already.
        second.line_with("reminders: pass 1 recorded 0")
        # A reminder that falls due after the takeover is sent by the new active process.
        with OKRApplication(postgres_settings) as okr:
            okr.set_objective(
                organization_id=org.id,
                unit_id=org.department,
                cycle_id=org.cycle,
                title="Fewer handovers",
                owner_id=org.members["plain"],
                key_results=KEY_RESULTS,
                by=org.members["admin"],
            )
            ProjectionRunner(okr).catch_up()
        second.line_with("recorded 1")
    finally:
        first.stop(signal.SIGKILL)
        if second is not None:
            code, errors = second.stop()
            assert code == 0, errors
    with OKRApplication(postgres_settings) as okr:
        sent = reminders_sent(okr)
    period = last_monday_nine().date()
    assert sorted(sent) == sorted(
        [
            (str(org.team), str(org.members["owner"]), period),
            (str(org.sibling), str(org.members["admin"]), period),
            (str(org.department), str(org.members["plain"]), period),
        ]
    )


def test_notify_refuses_to_run_on_sqlite(tmp_path: Path) -> None:
    run = okr_es(Settings(data_dir=str(tmp_path)), "notify")
    assert run.code == 1
    assert "needs PostgreSQL" in run.err
