"""``okr-es projections rebuild`` while ``okr-es project`` runs and commands keep coming.

The rebuild and the worker take turns batch by batch (both apply under the read-model
lock, each batch only on the positions it was read for): the rebuild ends normally, the
worker keeps running, and the read models end up equal to a rebuild of a quiet log.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from support.cli_process import okr_es
from support.processes import Process

pytestmark = pytest.mark.postgres
TODAY = date(2026, 11, 23)
REBUILDS = 2
BACKLOG = 300
# Commands written while the rebuilds run (at most): the worker applies new events while
# a rebuild replays, and the log stays short enough for a quick test.
MAX_WRITES = 800


@pytest.fixture
def okr(postgres_settings: Settings) -> Iterator[OKRApplication]:
    with OKRApplication(postgres_settings) as app:
        yield app


def worker(settings: Settings) -> Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATABASE_URL"] = settings.database_url or ""
    env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    return Process("okr-es project", [sys.executable, "-m", "okr_es.cli", "project"], env)


def test_a_rebuild_while_the_worker_runs_under_writes_ends_well_and_leaves_the_same_rows(
    okr: OKRApplication, postgres_settings: Settings
) -> None:
    summary = seed_demo(okr, today=TODAY)
    objective = okr.notifications(
        1, 1000, topics=["okr_es.aggregates.objective:Objective.ObjectiveSet"]
    )[-1].originator_id
    key_result = next(iter(okr.get_objective(objective).key_results))
    written: list[int] = []

    def check_in() -> None:
        okr.check_in(
            objective_id=objective,
            key_result_id=key_result,
            value=len(written) % 100,
            status="green",
            by=summary.admin_id,
        )
        written.append(1)

    # A backlog, so the worker is in the middle of its batches when the first rebuild starts.
    for _ in range(BACKLOG):
        check_in()
    stopping = threading.Event()

    def write() -> None:
        # Until the rebuilds are done: the worker applies new events while they replay.
        while not stopping.is_set() and len(written) < BACKLOG + MAX_WRITES:
            check_in()

    running = worker(postgres_settings)
    writer = threading.Thread(target=write, daemon=True)
    try:
        writer.start()
        for _ in range(REBUILDS):
            rebuilt = okr_es(postgres_settings, "projections", "rebuild")
            assert rebuilt.code == 0, rebuilt.err
            assert "Rebuilt okr_tree" in rebuilt.out
        stopping.set()
        writer.join(timeout=60)

        head = okr.position()
        runner = ProjectionRunner(okr)
        # The worker, still running, brings every read model to the head of the log.
        deadline = time.monotonic() + 60
        while min(runner.positions().values()) < head:
            assert time.monotonic() < deadline, f"read models stay behind {head}"
            time.sleep(0.05)  # polling the positions, with a deadline
        assert running.process.poll() is None, "the worker kept running"
        incremental = {p.name: runner.rows(p) for p in runner.projections}
    finally:
        stopping.set()
        code, errors = running.stop()
    assert code == 0, errors

    runner.rebuild()
    assert {p.name: runner.rows(p) for p in runner.projections} == incremental
