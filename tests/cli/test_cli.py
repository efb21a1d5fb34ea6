"""The okr-es command line, run as a real process against SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okr_es.settings import Settings
from support.cli_process import okr_es


def test_demo_prints_what_it_created_and_events_show_the_history(settings: Settings) -> None:
    demo = okr_es(settings, "demo")
    assert demo.code == 0, demo.err
    assert "Fjordby kommune" in demo.out
    assert "check-ins" in demo.out

    log = okr_es(settings, "events", "--json")
    assert log.code == 0, log.err
    records = [json.loads(line) for line in log.out.splitlines()]
    positions = [r["position"] for r in records]
    assert positions == sorted(positions) and len(positions) == len(set(positions))
    names = {r["event"] for r in records}
    assert {
        "OrganizationRegistered",
        "UnitAdded",
        "CycleDefined",
        "ObjectiveSet",
        "KeyResultAdded",
        "CheckInMade",
        "ObjectiveDropped",
        "KeyResultAdjusted",
        "ObjectiveClosed",
        "ReflectionRecorded",
        "TeamCycleClosed",
    } <= names

    human = okr_es(settings, "events", "--limit", "3")
    assert human.code == 0
    assert "OrganizationRegistered" in human.out and "by Ingrid Berg" in human.out


def test_running_the_demo_twice_writes_nothing_the_second_time(settings: Settings) -> None:
    assert okr_es(settings, "demo").code == 0
    before = okr_es(settings, "events", "--json").out.count("\n")
    again = okr_es(settings, "demo")
    assert again.code == 0
    assert "nothing written" in again.out
    assert okr_es(settings, "events", "--json").out.count("\n") == before


def test_one_aggregates_history_is_shown_in_version_order(sqlite_settings: Settings) -> None:
    okr_es(sqlite_settings, "demo")
    records = [json.loads(x) for x in okr_es(sqlite_settings, "events", "--json").out.splitlines()]
    dropped = next(r for r in records if r["event"] == "ObjectiveDropped")
    history = okr_es(sqlite_settings, "events", dropped["aggregate_id"], "--json")
    assert history.code == 0
    events = [json.loads(x) for x in history.out.splitlines()]
    assert [e["aggregate_version"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["event"] == "ObjectiveSet"
    assert events[-1]["event"] == "ObjectiveDropped"
    assert events[-1]["data"]["reason"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("events", "not-a-uuid"), 1, "[invalid-id]"),
        (("events", "00000000-0000-0000-0000-000000000000"), 1, "[not-found]"),
        (("events", "--limit", "-1"), 2, "must be 0 or more"),
        (("events", "--after", "x"), 2, "not a whole number"),
        (("nonsense",), 2, "invalid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(
    sqlite_settings: Settings, args: tuple[str, ...], code: int, message: str
) -> None:
    run = okr_es(sqlite_settings, *args)
    assert run.code == code
    assert message in run.err
    assert run.out == ""


def test_a_malformed_database_url_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(OKR_ES_DATABASE_URL="mysql://nope", OKR_ES_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "okr_es.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "OKR_ES_DATABASE_URL" in done.stderr
    assert not any(tmp_path.iterdir())


def test_an_unreachable_database_is_reported_with_exit_code_3(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/none"
    done = subprocess.run(
        [sys.executable, "-m", "okr_es.cli", "db", "init"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert "event store" in done.stderr


def test_db_init_reports_the_store(settings: Settings) -> None:
    run = okr_es(settings, "db", "init")
    assert run.code == 0
    assert ("SQLite" in run.out) if settings.database_url is None else ("PostgreSQL" in run.out)


def test_projections_rebuild_replays_the_log_and_status_shows_no_lag(settings: Settings) -> None:
    assert okr_es(settings, "demo").code == 0
    rebuilt = okr_es(settings, "projections", "rebuild")
    assert rebuilt.code == 0, rebuilt.err
    assert "okr_tree" in rebuilt.out and "check_in_history" in rebuilt.out
    status = okr_es(settings, "projections", "status")
    lines = status.out.strip().splitlines()
    assert len(lines) >= 2
    assert all(line.endswith("(0 behind the log)") for line in lines)
    unknown = okr_es(settings, "projections", "rebuild", "nope")
    assert unknown.code == 1 and "[not-found]" in unknown.err


@pytest.mark.parametrize("name", ["", "  "])
def test_projections_rebuild_of_an_empty_name_is_bad_usage(
    sqlite_settings: Settings, name: str
) -> None:
    run = okr_es(sqlite_settings, "projections", "rebuild", name)
    assert (run.code, run.out) == (2, "")
    assert "names no read model" in run.err
    assert not Path(sqlite_settings.data_dir).exists()
