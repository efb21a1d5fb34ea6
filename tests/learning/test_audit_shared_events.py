"""The audit export of a cycle holds what the organisation and the KPIs recorded about the
cycle's units and key results, in the cycle's window, and the state the window starts from
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import msgspec

from okr_es.application import OKRApplication
from okr_es.history.cycle_events import collect_cycle
from okr_es.learning.audit import cycle_export_lines, verify_lines
from support.world import World, build_world, set_objective


def _days_ago(days: int) -> datetime:
    return datetime.combine(date.today() - timedelta(days=days), time(9), tzinfo=UTC)


def _lines(app: OKRApplication, cycle: UUID, unit: UUID | None = None) -> list[dict[str, Any]]:
    events = collect_cycle(app, cycle, unit)
    lines = cycle_export_lines(events, cycle, "label", unit)
    assert verify_lines(lines).ok
    assert lines == cycle_export_lines(collect_cycle(app, cycle, unit), cycle, "label", unit)
    return [msgspec.json.decode(line) for line in lines[:-1]]


def _shared(lines: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(x["event"], x["data"]) for x in lines if x["aggregate"] in ("Organization", "Kpi")]


def _kpi(app: OKRApplication, w: World, unit: UUID, name: str) -> UUID:
    kpi: UUID = app.define_kpi(
        organization_id=w.org, unit_id=unit, name=name, lower=10, by=w.admin
    ).ids["kpi_id"]
    return kpi


def test_the_export_holds_the_units_roles_policy_and_kpis_of_its_window(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    set_objective(app, w)
    app.grant_role(organization_id=w.org, member_id=w.member, role="member", unit_id=w.team,
                   by=w.admin)
    app.grant_role(organization_id=w.org, member_id=w.colleague, role="member",
                   unit_id=w.sibling_team, by=w.admin)
    app.change_policy(organization_id=w.org, max_objectives=4, by=w.admin)
    app.issue_token(organization_id=w.org, member_id=w.member, label="ci", by=w.admin)
    ours = _kpi(app, w, w.team, "Waiting time")
    for days, value in ((110, 1), (100, 2), (10, 3), (-40, 4)):
        if days >= 0:
            app.measure_kpi(kpi_id=ours, value=value, measured_at=_days_ago(days), by=w.admin)
    theirs = _kpi(app, w, w.sibling_team, "Other team's metric")
    app.measure_kpi(kpi_id=theirs, value=5, by=w.admin)

    shared = _shared(_lines(app, w.cycle))

    names = [name for name, _ in shared]
    assert "AccessTokenIssued" not in names
    roles = [d for name, d in shared if name == "RoleGranted"]
    assert {(d["member_id"], d["unit_id"]) for d in roles} == {
        (str(w.admin), None),  # the founder's organisation-wide admin role
        (str(w.member), str(w.team)),
    }
    assert ("PolicyChanged", next(d for n, d in shared if n == "PolicyChanged")) in shared
    assert {d["name"] for n, d in shared if n == "MemberAdded"} == {"Kari Admin", "Ola Member"}
    # In the window (the cycle began 30 days ago) one measurement; before it, the latest.
    measured = [d["value"] for n, d in shared if n == "KpiMeasured"]
    assert measured == [2.0, 3.0]
    assert [d["name"] for n, d in shared if n == "KpiDefined"] == ["Waiting time"]
    assert str(w.sibling_team) not in {d.get("unit_id") for _, d in shared}


def test_a_window_starts_from_the_grants_in_force_and_the_latest_policy(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    later = app.define_cycle(
        organization_id=w.org, label="Later", kind="custom",
        start=date.today() + timedelta(days=61), end=date.today() + timedelta(days=150),
        by=w.admin,
    ).ids["cycle_id"]
    set_objective(app, w, cycle=later)
    app.grant_role(organization_id=w.org, member_id=w.colleague, role="lead", unit_id=w.team,
                   by=w.admin)
    app.revoke_role(organization_id=w.org, member_id=w.colleague, role="lead", unit_id=w.team,
                    by=w.admin)
    app.grant_role(organization_id=w.org, member_id=w.member, role="member", unit_id=w.team,
                   by=w.admin)
    app.change_policy(organization_id=w.org, max_objectives=4, by=w.admin)
    app.change_policy(organization_id=w.org, max_objectives=5, by=w.admin)
    ours = _kpi(app, w, w.team, "Waiting time")
    app.measure_kpi(kpi_id=ours, value=1, measured_at=_days_ago(3), by=w.admin)
    app.measure_kpi(kpi_id=ours, value=2, measured_at=_days_ago(2), by=w.admin)
    app.change_kpi_corridor(kpi_id=ours, lower=1, upper=None, reason="a", by=w.admin)
    app.change_kpi_corridor(kpi_id=ours, lower=2, upper=None, reason="b", by=w.admin)
    retired = _kpi(app, w, w.team, "Gone")
    app.retire_kpi(kpi_id=retired, reason="not needed", by=w.admin)

    shared = _shared(_lines(app, later, w.team))

    names = [name for name, _ in shared]
    assert "RoleRevoked" not in names
    assert {d["member_id"] for n, d in shared if n == "RoleGranted"} == {
        str(w.admin), str(w.member)
    }
    assert [d["max_objectives"] for n, d in shared if n == "PolicyChanged"] == [5]
    assert [d["value"] for n, d in shared if n == "KpiMeasured"] == [2.0]
    assert [d["reason"] for n, d in shared if n == "KpiCorridorChanged"] == ["b"]
    assert [d["name"] for n, d in shared if n == "KpiDefined"] == ["Waiting time"]
    assert {d["unit_id"] for n, d in shared if n == "UnitAdded"} == {str(w.team)}


def test_a_past_cycles_export_leaves_out_what_came_after_it(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, cycle=w.previous_cycle)
    app.grant_role(organization_id=w.org, member_id=w.member, role="member", unit_id=w.team,
                   by=w.admin)
    ours = _kpi(app, w, w.team, "Waiting time")
    app.measure_kpi(kpi_id=ours, value=1, measured_at=_days_ago(60), by=w.admin)

    shared = _shared(_lines(app, w.previous_cycle))

    # Everything was recorded after the cycle ended; only the measurement is dated in
    # it, and comes with the definition it starts from.
    assert [name for name, _ in shared] == ["KpiDefined", "KpiMeasured"]
