"""A store okr-es cannot use (a file that is no database, a stored event no version of
okr-es wrote) is reported as such, with exit code 3, by every command that reads it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from okr_es.settings import Settings
from support.cli_process import okr_es

# A check-in's state and topic, as something other than okr-es could have left them.
NOT_JSON = b"{not \xa0"
UNKNOWN_TOPIC = "okr_es.aggregates.objective:Objective.NoSuchEvent"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo") / "var"
    assert okr_es(Settings(data_dir=str(data_dir)), "demo").code == 0
    return data_dir


def a_copy(demo_store: Path, tmp_path: Path) -> Settings:
    shutil.copytree(demo_store, tmp_path / "var")
    return Settings(data_dir=str(tmp_path / "var"))


def log_of(settings: Settings) -> list[dict[str, Any]]:
    run = okr_es(settings, "events", "--json")
    assert run.code == 0, run.err
    return [json.loads(line) for line in run.out.splitlines()]


def damage(settings: Settings, position: int, **columns: object) -> None:
    with sqlite3.connect(Path(settings.data_dir) / "okr-es.sqlite3") as db:
        for column, value in columns.items():
            db.execute(f"UPDATE stored_events SET {column} = ? WHERE rowid = ?", (value, position))


def assert_store_unusable(settings: Settings, *args: str) -> None:
    run = okr_es(settings, *args)
    assert run.code == 3, (args, run.err)
    assert run.err.startswith("okr-es: the event store is not usable: "), (args, run.err)
    assert "Traceback" not in run.err


COMMANDS = [
    ("events",),
    ("events", "--json"),
    ("replay", "--unit", "Team Data", "--cycle", "2026 Q2"),
    ("review", "--unit", "Team Data", "--cycle", "2026 Q2"),
    ("export", "--unit", "Team Data", "--cycle", "2026 Q2"),
    ("audit", "export", "--cycle", "2026 Q2"),
    ("projections", "rebuild"),
    ("demo",),
]


def test_a_file_that_is_not_a_database_is_reported_and_left_as_it_is(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    store = tmp_path / "okr-es.sqlite3"
    store.write_bytes(b"these bytes are not an SQLite database\n" * 2000)
    for args in COMMANDS:
        assert_store_unusable(settings, *args)
    assert store.read_bytes() == b"these bytes are not an SQLite database\n" * 2000


def test_an_organisations_event_that_is_not_json_stops_every_command(
    demo_store: Path, tmp_path: Path
) -> None:
    settings = a_copy(demo_store, tmp_path)
    registered = next(r for r in log_of(settings) if r["event"] == "OrganizationRegistered")
    damage(settings, registered["position"], state=NOT_JSON)
    for args in COMMANDS:
        assert_store_unusable(settings, *args)


def test_an_event_of_an_unknown_topic_stops_the_commands_that_read_the_whole_log(
    demo_store: Path, tmp_path: Path
) -> None:
    # Lookups by name ask for the events of known topics only: they do not meet it.
    settings = a_copy(demo_store, tmp_path)
    registered = next(r for r in log_of(settings) if r["event"] == "OrganizationRegistered")
    damage(settings, registered["position"], topic=UNKNOWN_TOPIC)
    for args in [("events",), ("events", "--json"), ("projections", "rebuild")]:
        assert_store_unusable(settings, *args)


@pytest.mark.parametrize("columns", [{"state": NOT_JSON}, {"topic": UNKNOWN_TOPIC}])
def test_a_check_in_that_cannot_be_decoded_stops_the_commands_that_read_it(
    demo_store: Path, tmp_path: Path, columns: dict[str, object]
) -> None:
    settings = a_copy(demo_store, tmp_path)
    log = log_of(settings)
    check_in = next(r for r in log if r["event"] == "CheckInMade")
    objective = next(
        r
        for r in log
        if r["event"] == "ObjectiveSet" and r["aggregate_id"] == check_in["aggregate_id"]
    )
    cycle = objective["data"]["cycle_id"]
    damage(settings, check_in["position"], **columns)
    for args in [
        ("events",),
        ("events", check_in["aggregate_id"]),
        ("audit", "export", "--cycle", cycle),
        ("projections", "rebuild"),
    ]:
        assert_store_unusable(settings, *args)
    if "state" in columns:  # the review skips events of topics it does not read
        assert_store_unusable(settings, "review", "--all", "--cycle", cycle)


@pytest.mark.parametrize("below", ["", "sub"])
def test_a_data_directory_that_cannot_be_one_is_reported_with_exit_code_3(
    tmp_path: Path, below: str
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a directory")
    settings = Settings(data_dir=str(in_the_way / below if below else in_the_way))
    for args in [("events",), ("demo",), ("db", "init")]:
        run = okr_es(settings, *args)
        assert run.code == 3, (args, run.err)
        assert "event store is not usable" in run.err and "data directory" in run.err
        assert "Traceback" not in run.err
    assert in_the_way.read_text() == "not a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
