"""``okr-es projections rebuild`` run as a real process: progress, bad input, a killed rebuild."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from support.cli_process import okr_es
from support.workload import generate_work

TODAY = date(2026, 11, 23)


def seeded(settings: Settings, rounds: int = 0) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    """The demo (plus generated work), projected live; returns every read model's rows."""
    with OKRApplication(settings) as app:
        runner = ProjectionRunner(app)
        seed_demo(app, today=TODAY)
        runner.catch_up()
        if rounds:
            generate_work(app, runner, rounds=rounds, seed=11)
            runner.catch_up()
        return {p.name: runner.rows(p) for p in runner.projections}


def rows_and_positions(settings: Settings) -> tuple[object, dict[str, int], int]:
    with OKRApplication(settings) as app:
        runner = ProjectionRunner(app)
        rows = {p.name: runner.rows(p) for p in runner.projections}
        return rows, runner.positions(), app.position()


def test_a_rebuild_reports_events_done_rate_and_time_left(settings: Settings) -> None:
    expected = seeded(settings)
    _, _, head = rows_and_positions(settings)

    done = okr_es(settings, "projections", "rebuild", "--batch-size", "50")

    assert done.code == 0, done.err
    assert done.out.startswith("Rebuilt okr_tree, check_in_history, change_timeline, kpis")
    # Not a terminal: plain lines, the first batch at once, then a closing line.
    first, *_, last = done.err.strip().splitlines()
    pattern = r"rebuild: 50 of ([\d,]+) events \(\d+ %\), [\d,]+ events/s, ETA .+"
    match = re.fullmatch(pattern, first)
    assert match is not None, done.err
    assert int(match.group(1).replace(",", "")) == head
    assert re.fullmatch(rf"rebuild: {head:,} events in .+, [\d,]+ events/s", last), done.err
    rows, positions, _ = rows_and_positions(settings)
    assert rows == expected
    assert set(positions.values()) == {head}


def test_a_batch_size_below_one_is_refused_and_changes_nothing(settings: Settings) -> None:
    expected = seeded(settings)

    done = okr_es(settings, "projections", "rebuild", "--batch-size", "0")

    assert done.code != 0
    assert "--batch-size: must be 1 or more" in done.err
    rows, positions, head = rows_and_positions(settings)
    assert rows == expected
    assert set(positions.values()) == {head}


def test_a_killed_rebuild_resumes_where_it_stopped(settings: Settings) -> None:
    expected = seeded(settings, rounds=300)
    _, _, head = rows_and_positions(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATA_DIR"] = settings.data_dir
    if settings.database_url:
        env["OKR_ES_DATABASE_URL"] = settings.database_url
        env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    rebuild = subprocess.Popen(
        [sys.executable, "-m", "okr_es.cli", "projections", "rebuild", "--batch-size", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with OKRApplication(settings) as app:
            runner = ProjectionRunner(app)
            deadline = time.monotonic() + 60
            while True:  # until every read model is part of the way through the log
                positions = runner.positions()
                if min(positions.values()) > 0 and max(positions.values()) < head:
                    break
                assert rebuild.poll() is None, "the rebuild ended before it was seen under way"
                assert time.monotonic() < deadline, positions
            rebuild.kill()
            rebuild.wait(timeout=30)
            stopped = runner.positions()
            assert min(stopped.values()) > 0 and max(stopped.values()) < head

            # Restarted (as a server or worker does): only the rest of the log is read.
            assert runner.catch_up() == head - min(stopped.values())
            assert {p.name: runner.rows(p) for p in runner.projections} == expected
    finally:
        if rebuild.poll() is None:
            rebuild.kill()
            rebuild.wait(timeout=30)

    again = okr_es(settings, "projections", "rebuild")
    assert again.code == 0, again.err
    rows, positions, _ = rows_and_positions(settings)
    assert rows == expected
    assert set(positions.values()) == {head}
