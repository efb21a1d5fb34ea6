"""The reviews, initiatives, rosters and hypotheses read models apply a batch in memory
with a few statements; the rows they leave are the rows their handlers leave event by
event, whether the log comes one save at a time, in small batches or in one (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_initiative_and_roster_read_models import build

from okr_es.application import OKRApplication
from okr_es.projections.base import Projection
from okr_es.projections.hypotheses import Hypotheses
from okr_es.projections.initiatives import Initiatives
from okr_es.projections.reviews import Reviews
from okr_es.projections.rosters import Rosters
from okr_es.projections.runner import ProjectionRunner
from okr_es.projections.sql import Sql

BATCHED = (Reviews, Initiatives, Rosters, Hypotheses)


def _event_by_event(cls: type[Projection]) -> Projection:
    """The projection applying each event through its handler, one by one."""

    class EventByEvent(cls):  # type: ignore[valid-type, misc]
        def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
            Projection.apply_batch(self, sql, batch)

    return EventByEvent()  # type: ignore[no-any-return]


def _workload(app: OKRApplication, runner: ProjectionRunner) -> None:
    made = build(app, runner)
    org, admin, kari = made["org"], made["admin"], made["kari"]
    objective = made["objective"]
    krs = [kr for _, kr in made["links"]]
    team = made["team"]
    # A grant revoked and given again, and a cycle renamed: what a batch must keep in order.
    for _ in range(2):
        app.grant_role(organization_id=org, member_id=kari, role="lead", unit_id=team, by=admin)
        app.revoke_role(organization_id=org, member_id=kari, role="lead", unit_id=team, by=admin)
    app.grant_role(organization_id=org, member_id=kari, role="lead", unit_id=team, by=admin)
    cycle = app.get_objective(objective).cycle_id
    app.rename_cycle(cycle_id=cycle, label="Q4 2026", by=admin)
    now = datetime.now(UTC)
    for day, value in ((9, 8.0), (2, 5.0), (5, 6.0)):
        app.check_in(objective_id=objective, key_result_id=krs[1], value=value,
                     status="green", checked_in_at=now - timedelta(days=day), by=kari)
    runner.catch_up()
    app.close_objective(objective_id=objective, effective_at=now - timedelta(days=1), by=admin)
    app.record_reflection(unit_id=team, cycle_id=cycle, keep_doing="weekly check-ins",
                          effective_at=now - timedelta(hours=2), by=admin)
    app.close_team_cycle(unit_id=team, cycle_id=cycle, by=admin)
    app.set_objective(organization_id=org, unit_id=team, cycle_id=app.define_cycle(
        organization_id=org, label="Q1", kind="quarter", start="2027-01-01", end="2027-03-31",
        by=admin).ids["cycle_id"], title="Neste", owner_id=kari, hypothesis="mer tid gir mer",
        by=admin)  # fmt: skip
    runner.catch_up()


@pytest.mark.parametrize("batch_size", [1, 3, 5000])
def test_batched_read_models_equal_event_by_event_ones(
    app: OKRApplication, batch_size: int
) -> None:
    live = ProjectionRunner(app, [cls() for cls in BATCHED])
    _workload(app, live)
    expected = {p.name: live.rows(p) for p in live.projections}
    assert all(expected[p.name] for p in live.projections)

    one_by_one = ProjectionRunner(app, [_event_by_event(cls) for cls in BATCHED])
    one_by_one.rebuild(batch_size=batch_size)
    assert {p.name: one_by_one.rows(p) for p in one_by_one.projections} == expected

    batched = ProjectionRunner(app, [cls() for cls in BATCHED])
    batched.rebuild(batch_size=batch_size)
    assert {p.name: batched.rows(p) for p in batched.projections} == expected


def test_a_batch_costs_a_few_statements_however_many_events(app: OKRApplication) -> None:
    runner = ProjectionRunner(app, [cls() for cls in BATCHED])
    _workload(app, runner)
    events = [(n.id, app.decode(n)) for n in app.notifications(1, 10_000)]

    counts = {}
    for cls in BATCHED:
        for size in (len(events) // 4, len(events)):
            counting = _Counting()
            cls().apply_batch(Sql(counting, postgres=False), events[:size])
            counts[(cls.name, size)] = counting.calls
    for cls in BATCHED:
        few, many = counts[(cls.name, len(events) // 4)], counts[(cls.name, len(events))]
        assert many <= 6 and few <= many, (cls.name, few, many)


class _Counting:
    """A cursor that counts the calls a projection makes, and answers reads with no rows."""

    def __init__(self) -> None:
        self.calls = 0

    def execute(self, query: Any, params: Any = None, /) -> None:
        self.calls += 1

    def executemany(self, query: Any, params_seq: Any, /) -> None:
        self.calls += 1

    def fetchone(self) -> Any:
        return None

    def fetchall(self) -> list[Any]:
        return []
