"""okr-es agenda benchmark: the weekly meeting agenda for every team of a 400-team organisation.

The organisation is built through the application's commands: 400 teams, each with one
objective of three key results checked in over the last weeks, a KPI (every other one
outside its corridor), a running initiative and a closed meeting with two priorities.
The read models are caught up, then measured (the fastest of several runs):

* ``agenda, all teams at once``: :func:`okr_es.projections.meeting_queries.agenda_rows` for
  the 400 teams in one call, and :func:`okr_es.projections.agenda.agendas` over its rows;
* ``agenda, team by team``: the same, one team per call (what 400 ``agenda(unitId)``
  GraphQL fields cost, without the HTTP and GraphQL layers);

each against a **baseline** in the same run: a plain ``SELECT`` of the same rows (the
teams' objectives, key results, check-ins, KPIs, initiatives, meetings and their items)
with no window functions, no filtering by date and no agenda built. No target: the
figure is the ratio.

Run through ``python -m benchmarks.run --suite agenda`` (``--quick``: 400 teams, fewer
check-ins per key result).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks.run import Result, log, postgres_store, sqlite_store
from okr_es.application import OKRApplication
from okr_es.projections import agenda as plan
from okr_es.projections import meeting_queries
from okr_es.projections.runner import ProjectionRunner

TEAMS = 400
TODAY = date(2026, 11, 23)
CYCLE = (date(2026, 10, 1), date(2026, 12, 31))

# The same rows the agenda reads, each kind in one plain statement.
_PLAIN = (
    "SELECT o.* FROM rm_objectives o WHERE o.organization_id = :org",
    "SELECT k.* FROM rm_key_results k JOIN rm_objectives o ON o.objective_id = k.objective_id "
    "WHERE o.organization_id = :org",
    "SELECT c.* FROM rm_check_ins c JOIN rm_objectives o ON o.objective_id = c.objective_id "
    "WHERE o.organization_id = :org",
    "SELECT * FROM rm_kpis WHERE organization_id = :org",
    "SELECT * FROM rm_initiatives WHERE organization_id = :org",
    "SELECT * FROM rm_meetings WHERE organization_id = :org",
    "SELECT i.* FROM rm_meeting_items i JOIN rm_meetings m ON m.meeting_id = i.meeting_id "
    "WHERE m.organization_id = :org",
    "SELECT * FROM rm_cycles WHERE organization_id = :org",
)


def agenda_sizes(quick: bool) -> dict[str, int]:
    return {"teams": TEAMS, "check_ins_per_key_result": 2 if quick else 6}


def bench_agenda(stores: list[str], postgres_url: str, quick: bool) -> list[Result]:
    results: list[Result] = []
    for name in stores:
        context = sqlite_store() if name == "sqlite" else postgres_store(postgres_url)
        with context as store:
            app = OKRApplication(store.settings)
            try:
                results += _bench(app, store.name, quick)
            finally:
                app.close()
    return results


def _bench(app: OKRApplication, store: str, quick: bool) -> list[Result]:
    sizes = agenda_sizes(quick)
    started = time.perf_counter()
    org, units = _seed(app, sizes["check_ins_per_key_result"])
    seeded = time.perf_counter() - started
    runner = ProjectionRunner(app)
    runner.catch_up()
    views, at = runner.views, datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    log(f"agenda on {store}: {len(units)} teams, {app.position():,} events, seeded in "
        f"{seeded:.1f} s")

    def all_at_once() -> int:
        rows = meeting_queries.agenda_rows(views, org, units, at)
        return len(plan.agendas(rows, units, at))

    def team_by_team() -> int:
        return sum(
            len(plan.agendas(meeting_queries.agenda_rows(views, org, [u], at), [u], at))
            for u in units
        )

    def plain() -> int:
        return sum(len(views.query(statement, {"org": org})) for statement in _PLAIN)

    rows = plain()
    runs = 3 if quick else 5
    baseline = _fastest(plain, runs)
    batched = _fastest(all_at_once, runs)
    one_by_one = _fastest(team_by_team, 2 if quick else 3)
    assert all_at_once() == team_by_team() == len(units)
    detail = {"teams": len(units), "events": app.position(), "rows": rows,
              "seed_seconds": round(seeded, 1)}
    return [
        Result("agenda", f"agenda, all {len(units)} teams at once", store, "ms",
               batched * 1000, "plain SELECT of the same rows", baseline * 1000, None, detail,
               rule="<="),
        Result("agenda", f"agenda, {len(units)} teams one by one", store, "ms",
               one_by_one * 1000, "plain SELECT of the same rows", baseline * 1000, None,
               detail, rule="<="),
    ]


def _fastest(run: Callable[[], Any], times: int) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _seed(app: OKRApplication, check_ins: int) -> tuple[str, list[str]]:
    reg = app.register_organization(name="Stor kommune", admin_name="A",
                                    admin_email="a@example.no").ids
    org, admin, root = reg["organization_id"], reg["member_id"], reg["root_unit_id"]
    app.change_policy(organization_id=org, mode="warn", by=admin)
    cycle = app.define_cycle(organization_id=org, label="Q4", kind="quarter", start=CYCLE[0],
                             end=CYCLE[1], by=admin).ids["cycle_id"]
    units: list[str] = []
    start = datetime.combine(CYCLE[0], datetime.min.time(), tzinfo=UTC)
    for t in range(TEAMS):
        unit = app.add_unit(organization_id=org, name=f"Team {t}", kind="team", parent_id=root,
                            by=admin).ids["unit_id"]
        units.append(str(unit))
        made = app.set_objective(
            organization_id=org, unit_id=unit, cycle_id=cycle, title=f"Goal {t}",
            owner_id=admin, by=admin, effective_at=start,
            key_results=[
                {"title": f"Rate {t}.{k}", "metric": "increase", "start": 0, "target": 10}
                for k in range(3)
            ],
        ).ids
        for week in range(check_ins):
            for k in range(3):
                app.check_in(
                    objective_id=made["objective_id"], key_result_id=made[f"key_result_id_{k}"],
                    value=week + k, status=("green", "yellow", "red")[(t + k) % 3], by=admin,
                    blockers="venter på data" if (t + week + k) % 7 == 0 else "",
                    checked_in_at=start + timedelta(weeks=week + 1),
                )
        kpi = app.define_kpi(organization_id=org, unit_id=unit, name=f"KPI {t}", lower=90,
                             by=admin).ids["kpi_id"]
        app.measure_kpi(kpi_id=kpi, value=80 if t % 2 else 95, by=admin,
                        measured_at=start + timedelta(weeks=2))
        app.start_initiative(organization_id=org, unit_id=unit, title=f"Work {t}",
                             owner_id=admin, by=admin)
        meeting = app.open_meeting(organization_id=org, unit_id=unit, cycle_id=cycle,
                                   facilitator_id=admin, by=admin,
                                   held_at=start + timedelta(weeks=check_ins)).ids["meeting_id"]
        for p in range(2):
            app.agree_priority(meeting_id=meeting, text=f"Priority {p}", owner_id=admin,
                               due=CYCLE[1], by=admin)
        app.raise_blocker(meeting_id=meeting, text="mangler tilgang", by=admin)
        app.close_meeting(meeting_id=meeting, attendee_ids=[admin], by=admin)
    return str(org), units
