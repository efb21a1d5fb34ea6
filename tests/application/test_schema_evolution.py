"""Old event versions are upcast on load: a v1 CheckInMade (before blockers) and a v2 one
(before confidence) still read, in the aggregate, the read models and the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from okr_es.projections.base import Projection
from okr_es.projections.check_in_history import CheckInHistory
from okr_es.projections.okr_tree import OkrTree
from okr_es.projections.queries import check_ins_by_key_result, timeline_page
from okr_es.projections.runner import ProjectionRunner
from okr_es.projections.sql import Sql
from okr_es.settings import Settings
from support.old_events import CHECKED_IN_AT, store_v1_check_in, store_v2_check_in


def test_a_stored_v1_check_in_decodes_with_empty_blockers(app: OKRApplication) -> None:
    objective_id, _, version = store_v1_check_in(app)
    event = app.history(objective_id)[-1]
    assert isinstance(event, Objective.CheckInMade)
    assert (event.originator_version, event.blockers, event.value, event.comment) == (
        version, "", 72.5, "written by the old code")
    assert (event.checked_in_at, event.confidence) == (CHECKED_IN_AT, None)


def test_a_stored_v2_check_in_decodes_with_its_blockers_and_no_confidence(
    app: OKRApplication,
) -> None:
    objective_id, _, version = store_v2_check_in(app)
    event = app.history(objective_id)[-1]
    assert isinstance(event, Objective.CheckInMade)
    assert (event.originator_version, event.blockers, event.value, event.confidence) == (
        version, "legal review", 72.5, None)


def test_a_stored_v1_check_in_is_applied_to_the_objective(
    app: OKRApplication, settings: Settings
) -> None:
    objective_id, kr, version = store_v1_check_in(app)
    fresh = OKRApplication(settings)
    try:
        objective = fresh.get_objective(objective_id)
    finally:
        fresh.close()
    result = objective.key_results[kr]
    assert (objective.version, result.current, result.status, result.check_in_count) == (
        version, 72.5, "yellow", 1)


def test_a_v1_check_in_read_through_the_live_application_is_applied(
    app: OKRApplication,
) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    assert app.get_objective(objective_id).key_results[kr].current == 72.5


def test_new_check_ins_after_a_v1_event_are_stored_as_v3(app: OKRApplication) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    member = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 blockers="none", confidence=8, by=member)
    [last] = app.notifications(start=app.position(), limit=1)
    stored = msgspec.json.decode(last.state)
    assert (stored["class_version"], stored["confidence"]) == (3, 8)
    assert app.get_objective(objective_id).key_results[kr].check_in_count == 2


def test_old_check_ins_reach_the_read_models_and_timeline_with_no_confidence(
    app: OKRApplication,
) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    objective = app.get_objective(objective_id)
    member = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 confidence=8, by=member)
    runner = ProjectionRunner(app)
    runner.catch_up()
    org = str(objective.organization_id)
    rows = check_ins_by_key_result(runner.views, org, [str(kr)])
    assert [(r.value, r.confidence) for r in rows] == [(72.5, None), (75.0, 8)]
    timeline = timeline_page(runner.views, org, unit_ids=None, cycle_id=None, first=100,
                             after=None)
    sentences = [t.sentence for t in timeline if t.event_type == "CheckInMade"]
    assert len(sentences) == 2
    assert "/10" not in sentences[0]
    assert "8/10" in sentences[1]


def test_a_check_in_table_made_before_confidence_gets_the_column_and_keeps_its_rows(
    app: OKRApplication,
) -> None:
    objective_id, kr, _ = store_v2_check_in(app)
    ProjectionRunner(app, [OkrTree(), _BeforeConfidence()]).catch_up()
    runner = ProjectionRunner(app, [OkrTree(), CheckInHistory()])
    assert runner.positions()["check_in_history"] == app.position()
    member = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 confidence=3, by=member)
    runner.catch_up()
    org = str(app.get_objective(objective_id).organization_id)
    rows = check_ins_by_key_result(runner.views, org, [str(kr)])
    assert [(r.blockers, r.confidence) for r in rows] == [("legal review", None), ("", 3)]
    upgraded = runner.rows(runner.projections[1])
    runner.rebuild("check_in_history")
    assert runner.rows(runner.projections[1]) == upgraded


class _BeforeConfidence(CheckInHistory):
    """The check-in history as a release before confidence kept it."""

    ddl = (CheckInHistory.ddl[0].replace(", confidence INTEGER)", ")"), *CheckInHistory.ddl[1:])

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_check_ins VALUES (:position, :kr, :objective, :value, :status, "
            ":comment, :blockers, :at, :recorded, :by)",
            {"position": position, "kr": str(e.key_result_id), "objective": str(e.originator_id),
             "value": e.value, "status": e.status, "comment": e.comment,
             "blockers": e.blockers, "at": e.checked_in_at.isoformat(),
             "recorded": e.timestamp.isoformat(), "by": str(e.by)},
        )

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # That release applied event by event, with the insert above.
        Projection.apply_batch(self, sql, batch)

    def upgrade(self, sql: Sql) -> None:
        pass


def test_okr_tree_tables_made_before_roll_up_get_the_columns_with_their_defaults(
    app: OKRApplication,
) -> None:
    # An earlier release made the tables; the log then grew before the upgrade started.
    ProjectionRunner(app, [_BeforeRollUp()])
    objective_id, kr, _ = store_v2_check_in(app)
    runner = ProjectionRunner(app, [OkrTree()])
    runner.catch_up()
    org = str(app.get_objective(objective_id).organization_id)
    weights = runner.views.query(
        "SELECT weight FROM rm_key_results WHERE key_result_id = :kr", {"kr": str(kr)}
    )
    modes = runner.views.query(
        "SELECT roll_up_mode FROM rm_objectives WHERE organization_id = :org", {"org": org}
    )
    assert weights == [(1.0,)] and modes == [("key_results",)]
    upgraded = runner.rows(runner.projections[0])
    runner.rebuild("okr_tree")
    assert runner.rows(runner.projections[0]) == upgraded


class _BeforeRollUp(OkrTree):
    """The okr tree's tables as a release before weights and roll-up modes made them."""

    ddl = tuple(
        statement.replace(", roll_up_mode TEXT NOT NULL DEFAULT 'key_results')", ")").replace(
            ", weight FLOAT NOT NULL DEFAULT 1)", ")"
        )
        for statement in OkrTree.ddl
    )

    def upgrade(self, sql: Sql) -> None:
        pass
