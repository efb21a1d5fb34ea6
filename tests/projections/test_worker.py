"""The separate projection worker on PostgreSQL: follows the log, survives SIGKILL."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from datetime import date

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.runner import ProjectionRunner
from okr_es.projections.worker import RemoteReadModels
from okr_es.settings import Settings
from support.processes import Process

pytestmark = pytest.mark.postgres
TODAY = date(2026, 11, 23)


class Worker(Process):
    """``okr-es project`` as a real process; ``started`` waits for its ready line."""

    def __init__(self, settings: Settings) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
        env["OKR_ES_DATABASE_URL"] = settings.database_url or ""
        env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
        super().__init__("okr-es project", [sys.executable, "-m", "okr_es.cli", "project"], env)

    def started(self) -> str:
        return self.next_line()


@pytest.fixture
def okr(postgres_settings: Settings) -> Iterator[OKRApplication]:
    with OKRApplication(postgres_settings) as app:
        yield app


def test_the_worker_keeps_read_models_current_and_api_processes_hear_it(
    okr: OKRApplication, postgres_settings: Settings
) -> None:
    worker = Worker(postgres_settings)
    try:
        assert "read models at position" in worker.started()
        watcher = RemoteReadModels(okr).start()
        try:
            seed_demo(okr, today=TODAY)
            assert watcher.wait_for(okr.position(), timeout=60) == okr.position()
            rows = watcher.runner.views.query("SELECT COUNT(*) FROM rm_objectives")
            assert rows == [(25,)]
        finally:
            watcher.stop()
    finally:
        assert worker.stop()[0] == 0


def test_a_worker_killed_mid_stream_resumes_to_the_same_rows_as_a_rebuild(
    okr: OKRApplication, postgres_settings: Settings
) -> None:
    summary = seed_demo(okr, today=TODAY)
    watcher = RemoteReadModels(okr).start()
    worker = Worker(postgres_settings)
    try:
        worker.started()
        objective = okr.notifications(
            1, 1000, topics=["okr_es.aggregates.objective:Objective.ObjectiveSet"]
        )[-1].originator_id
        kr = next(iter(okr.get_objective(objective).key_results))
        halfway = okr.position()
        for i in range(300):
            okr.check_in(
                objective_id=objective,
                key_result_id=kr,
                value=i,
                status="green",
                by=summary.admin_id,
            )
        assert watcher.wait_for(halfway + 1, timeout=60) > halfway
        worker.stop(signal.SIGKILL)

        worker = Worker(postgres_settings)
        worker.started()
        assert watcher.wait_for(okr.position(), timeout=60) == okr.position()
    finally:
        worker.stop()
        watcher.stop()

    runner = ProjectionRunner(okr)
    incremental = {p.name: runner.rows(p) for p in runner.projections}
    runner.rebuild()
    assert {p.name: runner.rows(p) for p in runner.projections} == incremental
