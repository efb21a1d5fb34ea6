"""Closing an objective, reflecting and closing a unit's cycle carry a business date
(``effective_at``); events stored before it (class version 1) read as "when recorded",
in the aggregate, the review (both paths) and the timeline (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
import pytest

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.history.analyses import review_for
from okr_es.learning.review_result import Review
from okr_es.projections.queries import timeline_page
from okr_es.projections.runner import ProjectionRunner
from support.old_events import store_old_event
from support.world import World, build_world, set_objective

OLD_CLOSE = "2026-01-20T10:00:00Z"
OLD_REFLECTION = "2026-01-21T10:00:00Z"
OLD_TEAM_CLOSE = "2026-01-22T10:00:00Z"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _old_closing(app: OKRApplication) -> tuple[World, UUID]:
    """A unit's cycle closed by the old code: its objective, a reflection, the close."""
    w = build_world(app)
    objective_id = set_objective(app, w).ids["objective_id"]
    krs = app.get_objective(objective_id).key_results
    store_old_event(app, objective_id, Objective.ObjectiveClosed, {
        "by": str(w.admin), "scores": {str(k): 0.5 for k in krs}, "note": "old close",
    }, recorded_at=OLD_CLOSE)
    tc = team_cycle_id(w.team, w.cycle)
    store_old_event(app, tc, TeamCycle.ReflectionRecorded, {
        "by": str(w.admin), "keep_doing": "weekly check-ins", "stop_doing": "",
        "start_doing": "", "learnings": "",
    }, recorded_at=OLD_REFLECTION)
    store_old_event(app, tc, TeamCycle.TeamCycleClosed, {"by": str(w.admin), "note": "done"},
                    recorded_at=OLD_TEAM_CLOSE)
    return w, objective_id


def test_old_closing_events_read_with_no_business_date(app: OKRApplication) -> None:
    w, objective_id = _old_closing(app)
    closed = app.history(objective_id)[-1]
    assert isinstance(closed, Objective.ObjectiveClosed)
    assert (closed.note, closed.effective_at) == ("old close", None)
    reflection, team_closed = app.history(team_cycle_id(w.team, w.cycle))[-2:]
    assert isinstance(reflection, TeamCycle.ReflectionRecorded)
    assert isinstance(team_closed, TeamCycle.TeamCycleClosed)
    assert (reflection.effective_at, team_closed.effective_at) == (None, None)
    assert app.get_objective(objective_id).status == "closed"
    assert app.get_team_cycle(w.team, w.cycle).closed  # type: ignore[union-attr]


def _closing_times(review: Review) -> tuple[list[datetime], list[datetime]]:
    closes = [t.at for o in review.objectives for t in o.transitions if t.to_status == "closed"]
    return closes, [r.effective_at for r in review.reflections]


@pytest.mark.parametrize("replay", [False, True])
def test_the_review_dates_old_closings_when_they_were_recorded(
    app: OKRApplication, replay: bool
) -> None:
    w, _ = _old_closing(app)
    review = review_for(app, w.team, w.cycle, replay=replay)
    assert _closing_times(review) == ([_at(OLD_CLOSE)], [_at(OLD_REFLECTION)])
    assert review.reflections[0].recorded_at == _at(OLD_REFLECTION)


@pytest.mark.parametrize("replay", [False, True])
def test_the_review_and_timeline_date_closings_by_their_business_date(
    app: OKRApplication, replay: bool
) -> None:
    w = build_world(app)
    objective_id = set_objective(app, w).ids["objective_id"]
    closed_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    reflected_at = closed_at + timedelta(days=1)
    finished_at = closed_at + timedelta(days=2)
    app.close_objective(objective_id=objective_id, effective_at=closed_at.isoformat(),
                        by=w.admin)
    app.record_reflection(unit_id=w.team, cycle_id=w.cycle, keep_doing="pairing",
                          effective_at=reflected_at, by=w.admin)
    app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, effective_at=finished_at,
                         by=w.admin)

    [last] = app.notifications(start=app.position(), limit=1)
    assert msgspec.json.decode(last.state)["class_version"] == 2
    review = review_for(app, w.team, w.cycle, replay=replay)
    assert _closing_times(review) == ([closed_at], [reflected_at])

    runner = ProjectionRunner(app)
    runner.catch_up()
    rows = timeline_page(runner.views, str(w.org), unit_ids=None, cycle_id=None, first=200,
                         after=None)
    effective = {r.event_type: r.effective_at for r in rows}
    assert effective["ObjectiveClosed"] == closed_at.isoformat()
    assert effective["ReflectionRecorded"] == reflected_at.isoformat()
    assert effective["TeamCycleClosed"] == finished_at.isoformat()


def test_old_closings_in_the_timeline_are_effective_when_recorded(app: OKRApplication) -> None:
    w, _ = _old_closing(app)
    runner = ProjectionRunner(app)
    runner.catch_up()
    rows = timeline_page(runner.views, str(w.org), unit_ids=None, cycle_id=None, first=200,
                         after=None)
    closing = {"ObjectiveClosed", "ReflectionRecorded", "TeamCycleClosed"}
    got = {r.event_type: (r.effective_at, r.recorded_at) for r in rows if r.event_type in closing}
    assert len(got) == 3
    assert all(_at(e) == _at(r) for e, r in got.values())


def test_a_closing_dated_in_the_future_is_refused_and_nothing_is_written(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    objective_id = set_objective(app, w).ids["objective_id"]
    position = app.position()
    later = datetime.now(UTC) + timedelta(days=10)
    for command in (
        lambda: app.close_objective(objective_id=objective_id, effective_at=later, by=w.admin),
        lambda: app.record_reflection(unit_id=w.team, cycle_id=w.cycle, learnings="x",
                                      effective_at=later, by=w.admin),
        lambda: app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, effective_at="soon",
                                     by=w.admin),
    ):
        with pytest.raises(InvalidInput) as error:
            command()
        assert error.value.field == "effective_at"
    assert app.position() == position
