"""Initiatives started before due dates existed (InitiativeStarted version 1) read with
none, and a read model made before them gains the column and keeps its rows (SQLite and
PostgreSQL)."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from okr_es.aggregates.initiative import Initiative
from okr_es.application import OKRApplication
from okr_es.projections import queries
from okr_es.projections.initiatives import Initiatives
from okr_es.projections.runner import ProjectionRunner
from okr_es.projections.sql import Sql
from support.old_events import store_old_event
from support.world import build_world

# The state a release before due dates stored.
OLD_START = {"title": "Ny skjemaløsning"}


def _old_initiative(app: OKRApplication) -> tuple[UUID, UUID]:
    w = build_world(app)
    initiative = app.start_initiative(organization_id=w.org, unit_id=w.team, title="Now",
                                      owner_id=w.member, by=w.admin).ids["initiative_id"]
    # A second initiative written as the old code wrote its start.
    old = uuid4()
    store_old_event(app, old, Initiative.InitiativeStarted, {
        "by": str(w.admin), "organization_id": str(w.org), "unit_id": str(w.team),
        "owner_id": str(w.member), "originator_topic": get_topic(Initiative), **OLD_START,
    }, recorded_at="2026-01-05T08:00:00Z")
    return initiative, old


def test_an_initiative_started_by_an_older_release_has_no_due_date_and_can_get_one(
    app: OKRApplication,
) -> None:
    _, old = _old_initiative(app)
    initiative = app.read_aggregate(Initiative, old)
    assert (initiative.title, initiative.due_on, initiative.status) == (
        "Ny skjemaløsning", None, "running")
    app.change_initiative_due_date(initiative_id=old, due_on="2026-06-30", by=initiative.owner_id)
    runner = ProjectionRunner(app, [Initiatives()])
    runner.catch_up()
    (row,) = queries.initiatives_by_id(runner.views, str(initiative.organization_id), [str(old)])
    assert (row.title, row.due_on) == ("Ny skjemaløsning", "2026-06-30")


def test_an_initiatives_table_made_before_due_dates_gets_the_column_and_keeps_its_rows(
    app: OKRApplication,
) -> None:
    older = ProjectionRunner(app, [_BeforeDueDates()])
    new, old = _old_initiative(app)
    older.catch_up()

    runner = ProjectionRunner(app, [Initiatives()])
    runner.catch_up()
    upgraded = runner.rows(runner.projections[0])
    org = str(app.read_aggregate(Initiative, old).organization_id)
    rows = queries.initiatives_by_id(runner.views, org, [str(new), str(old)])
    assert sorted((r.title, r.due_on) for r in rows) == [("Now", None), ("Ny skjemaløsning", None)]
    runner.rebuild("initiatives")
    assert runner.rows(runner.projections[0]) == upgraded


class _BeforeDueDates(Initiatives):
    """The initiatives read model as a release before due dates made and filled it."""

    ddl = tuple(
        s.replace(", due_on TEXT, note_by TEXT, note_position INTEGER)", ")")
        for s in Initiatives.ddl
    )

    def upgrade(self, sql: Sql) -> None:
        pass

    def apply_batch(self, sql: Sql, batch: object) -> None:
        for _, e in batch:  # type: ignore[attr-defined]
            if type(e).__name__ == "InitiativeStarted":
                sql.run(
                    "INSERT INTO rm_initiatives VALUES (:id, :org, :unit, :title, :owner, "
                    "'running', 0, '', :at, :at, :version) ON CONFLICT (initiative_id) DO NOTHING",
                    {"id": str(e.originator_id), "org": str(e.organization_id),
                     "unit": str(e.unit_id), "title": e.title, "owner": str(e.owner_id),
                     "at": e.timestamp.isoformat(), "version": e.originator_version},
                )  # fmt: skip
