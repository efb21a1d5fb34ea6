"""A unit's cycle through OKRApplication: reflections and closing, on every store."""

from __future__ import annotations

from okr_es.aggregates.team_cycle import team_cycle_id
from okr_es.application import OKRApplication
from support.world import build_world, refused_by, set_objective, signature, written


def test_recording_a_reflection_writes_reflection_recorded(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w)
    _, new = written(app, lambda: app.record_reflection(
        unit_id=w.team, cycle_id=w.cycle, keep_doing="weekly check-ins",
        learnings="smaller key results", by=w.member),
        aggregate_id=team_cycle_id(w.team, w.cycle))
    assert new == ["ReflectionRecorded"]


def test_a_reflection_of_only_invisible_characters_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w)
    error = refused_by(app, lambda: app.record_reflection(
        unit_id=w.team, cycle_id=w.cycle, keep_doing="\u200e", learnings="\u00ad ",
        by=w.member))
    assert (type(error).__name__, error.code) == ("InvalidInput", "empty")


def test_a_reflection_for_a_cycle_the_unit_never_started_writes_nothing(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.record_reflection(unit_id=w.team, cycle_id=w.cycle,
                                                          learnings="x", by=w.member))
    assert signature(error) == ("NotFound", "not-found", "cycle_id")


def test_closing_the_team_cycle_with_an_active_objective_writes_nothing(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    set_objective(app, w, title="Still going")
    error = refused_by(app, lambda: app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle,
                                                         by=w.admin))
    assert signature(error) == ("RuleViolation", "objectives-still-open", None)
    assert error.details["objectives"] == ["Still going"]


def test_the_team_cycle_closes_once_every_objective_is_closed_or_dropped(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    closed = set_objective(app, w, title="Scored").ids["objective_id"]
    dropped = set_objective(app, w, title="Abandoned").ids["objective_id"]
    app.close_objective(objective_id=closed, by=w.admin)
    app.drop_objective(objective_id=dropped, reason="reorg", by=w.admin)
    _, new = written(app, lambda: app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle,
                                                       note="done", by=w.admin),
                     aggregate_id=team_cycle_id(w.team, w.cycle))
    assert new == ["TeamCycleClosed"]
    assert app.get_team_cycle(w.team, w.cycle).closed  # type: ignore[union-attr]


def test_no_objective_can_be_set_in_a_closed_team_cycle(app: OKRApplication) -> None:
    w = build_world(app)
    objective = set_objective(app, w).ids["objective_id"]
    app.close_objective(objective_id=objective, by=w.admin)
    app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, by=w.admin)
    error = refused_by(app, lambda: set_objective(app, w, title="Late idea"))
    assert error.code == "team-cycle-closed"


def test_an_objective_of_a_closed_team_cycle_cannot_be_reopened(app: OKRApplication) -> None:
    w = build_world(app)
    objective = set_objective(app, w).ids["objective_id"]
    app.close_objective(objective_id=objective, by=w.admin)
    app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, by=w.admin)
    error = refused_by(app, lambda: app.reopen_objective(objective_id=objective, reason="x",
                                                         by=w.admin))
    assert error.code == "team-cycle-closed"


def test_a_closed_team_cycle_cannot_be_closed_again(app: OKRApplication) -> None:
    w = build_world(app)
    objective = set_objective(app, w).ids["objective_id"]
    app.drop_objective(objective_id=objective, reason="x", by=w.admin)
    app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, by=w.admin)
    error = refused_by(app, lambda: app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle,
                                                         by=w.admin))
    assert error.code == "team-cycle-closed"
