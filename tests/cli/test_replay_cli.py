"""okr-es replay as a real process: which events count as known at --as-of T, the names
shown then, and option values that are no instant or day."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.errors import InvalidInput
from okr_es.settings import Settings
from support.cli_process import okr_es

TODAY = "2026-11-23"
PLATFORM = ("--unit", "Team Platform", "--cycle", "2026 Q4")


@pytest.fixture
def demo(settings: Settings) -> DemoSummary:
    with OKRApplication(settings) as app:
        return seed_demo(app, today=date.fromisoformat(TODAY))


def the_log(settings: Settings) -> list[dict[str, Any]]:
    run = okr_es(settings, "events", "--json")
    assert run.code == 0, run.err
    return [json.loads(line) for line in run.out.splitlines()]


def change_positions(replay: str) -> list[int]:
    return [int(line.split()[0][1:]) for line in replay.splitlines() if line.startswith("#")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "an empty value is no date or date-time"),
        ("  ", "an empty value is no date or date-time"),
        ("yesterday", "not an ISO date or date-time"),
        ("0001-01-01T00:00:00+01:00", "outside the years 1 to 9999 in UTC"),
        ("9999-12-31T23:59:59-01:00", "outside the years 1 to 9999 in UTC"),
    ],
)
def test_an_as_of_that_is_no_instant_is_bad_usage(
    sqlite_settings: Settings, value: str, message: str
) -> None:
    run = okr_es(sqlite_settings, "replay", *PLATFORM, "--as-of", value)
    assert run.code == 2
    assert "argument --as-of" in run.err and message in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--today", ""), "argument --today: an empty value is no date"),
        (("--today", "23.11.2026"), "argument --today: not an ISO date"),
        (("--policy", ""), "argument --policy: an empty value is no file name"),
    ],
)
def test_review_option_values_that_do_not_parse_are_bad_usage(
    sqlite_settings: Settings, args: tuple[str, ...], message: str
) -> None:
    run = okr_es(sqlite_settings, "review", *PLATFORM, *args)
    assert run.code == 2
    assert message in run.err


@pytest.mark.parametrize(
    ("value", "end_of"),
    [("20261124", "2026-11-24"), ("2026-W48", "2026-11-23")],
)
def test_an_as_of_date_in_any_iso_form_means_the_end_of_that_day(
    sqlite_settings: Settings, value: str, end_of: str
) -> None:
    with OKRApplication(sqlite_settings) as app:
        seed_demo(app, today=date.fromisoformat(TODAY))
    run = okr_es(sqlite_settings, "replay", *PLATFORM, "--as-of", value)
    assert run.code == 0, run.err
    assert f" {end_of}T23:59:59.999999+00:00\n" in run.out.splitlines(keepends=True)[1]


def test_as_of_shows_whole_saves_only(settings: Settings, demo: DemoSummary) -> None:
    log = the_log(settings)
    unit, cycle = str(demo.units["Team Platform"]), str(demo.cycles["2026 Q4"])
    first_set = next(
        r
        for r in log
        if r["event"] == "ObjectiveSet"
        and (r["data"]["unit_id"], r["data"]["cycle_id"]) == (unit, cycle)
    )
    committed = next(r for r in log if r["position"] == first_set["position"] - 1)
    # One save: the objective was made before the team cycle committed to it, but is
    # written after it.
    assert committed["event"] == "ObjectiveCommitted"
    assert first_set["recorded_at"] < committed["recorded_at"]

    run = okr_es(settings, "replay", *PLATFORM, "--as-of", first_set["recorded_at"])
    assert run.code == 0, run.err
    assert all(p < committed["position"] for p in change_positions(run.out))
    assert first_set["data"]["title"] not in run.out


def platform_objective(app: OKRApplication, demo: DemoSummary) -> Objective:
    team_cycle = app.get_team_cycle(demo.units["Team Platform"], demo.cycles["2026 Q4"])
    assert team_cycle is not None
    return app.get_objective(team_cycle.objective_ids[0])


def test_a_check_in_dated_before_utc_begins_is_refused(
    settings: Settings, demo: DemoSummary
) -> None:
    with OKRApplication(settings) as app:
        objective = platform_objective(app, demo)
        before = app.position()
        with pytest.raises(InvalidInput) as refused:
            app.check_in(
                objective_id=objective.id,
                key_result_id=next(iter(objective.key_results)),
                value=1,
                status="green",
                by=demo.members["Aisha Khan"],
                checked_in_at="0001-01-01T00:00:00+14:00",
            )
        assert (refused.value.code, refused.value.field) == ("out-of-range", "checked_in_at")
        assert app.position() == before


def test_a_stored_check_in_dated_before_utc_begins_is_replayed(
    settings: Settings, demo: DemoSummary
) -> None:
    # Stores written before such instants were refused may hold one: the event is
    # triggered on the aggregate itself, past the command's checks.
    with OKRApplication(settings) as app:
        objective = platform_objective(app, demo)
        objective.trigger_event(
            Objective.CheckInMade,
            key_result_id=next(iter(objective.key_results)),
            value=1.0,
            status="green",
            comment="",
            blockers="",
            confidence=None,
            checked_in_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
            by=demo.members["Aisha Khan"],
        )
        app.save(objective)
        position = app.position()
    run = okr_es(settings, "replay", *PLATFORM)
    assert run.code == 0, run.err
    assert f"#{position:<6} 0001-01-01  " in run.out


def test_as_of_names_units_and_cycles_as_they_were_then(
    settings: Settings, demo: DemoSummary
) -> None:
    before = max(r["recorded_at"] for r in the_log(settings))
    admin = demo.admin_id
    with OKRApplication(settings) as app:
        app.rename_unit(
            organization_id=demo.organization_id,
            unit_id=demo.units["Team Platform"],
            name="Team Plattform",
            by=admin,
        )
        app.rename_cycle(cycle_id=demo.cycles["2026 Q4"], label="Q4 2026", by=admin)
    renamed = ("--unit", "Team Plattform", "--cycle", "Q4 2026")

    then = okr_es(settings, "replay", *renamed, "--as-of", before)
    assert then.code == 0, then.err
    assert "Team Platform" in then.out and "2026 Q4" in then.out
    assert "Plattform" not in then.out and "Q4 2026" not in then.out
    now = okr_es(settings, "replay", *renamed)
    assert now.code == 0, now.err
    heading = now.out.splitlines()[0]
    assert "Team Plattform" in heading and "Q4 2026" in heading
