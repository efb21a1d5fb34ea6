"""The KPI read model on every store: current value and health, and every measurement."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.kpis import Kpis, healthy
from okr_es.projections.runner import ProjectionRunner

TODAY = date(2026, 11, 23)


def _kpi_row(runner: ProjectionRunner, kpi: UUID) -> tuple[Any, ...]:
    (row,) = runner.views.query(
        "SELECT name, unit, lower, upper, value, measured_at, healthy, retired, "
        "graduated_from_objective_id, graduated_from_key_result_id FROM rm_kpis "
        "WHERE kpi_id = :id",
        {"id": str(kpi)},
    )
    return row


def _measurements(runner: ProjectionRunner, kpi: UUID) -> list[tuple[Any, ...]]:
    return runner.views.query(
        "SELECT value, measured_at, healthy FROM rm_kpi_measurements WHERE kpi_id = :id "
        "ORDER BY position",
        {"id": str(kpi)},
    )


def _org(app: OKRApplication) -> tuple[UUID, UUID, UUID]:
    reg = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    org, admin = reg.ids["organization_id"], reg.ids["member_id"]
    team = app.add_unit(
        organization_id=org, name="T", kind="team", parent_id=reg.ids["root_unit_id"], by=admin
    ).ids["unit_id"]
    return org, admin, team


@pytest.mark.parametrize(
    ("value", "lower", "upper", "expected"),
    [
        (None, 1.0, None, None),
        (1.0, 1.0, 2.0, 1),
        (2.0, 1.0, 2.0, 1),
        (0.9, 1.0, None, 0),
        (2.1, None, 2.0, 0),
    ],
)
def test_health_is_inside_the_corridor_bounds_included(
    value: float | None, lower: float | None, upper: float | None, expected: int | None
) -> None:
    assert healthy(value, lower, upper) == expected


def test_a_kpi_has_no_health_before_its_first_measurement(app: OKRApplication) -> None:
    org, admin, team = _org(app)
    kpi = app.define_kpi(
        organization_id=org, unit_id=team, name="Oppetid", unit="percent", lower=99.5, by=admin
    ).ids["kpi_id"]
    runner = ProjectionRunner(app, [Kpis()])

    runner.catch_up()

    assert _kpi_row(runner, kpi) == (
        "Oppetid",
        "percent",
        99.5,
        None,
        None,
        None,
        None,
        0,
        None,
        None,
    )
    assert _measurements(runner, kpi) == []


def test_kpi_health_flips_when_the_corridor_changes(app: OKRApplication) -> None:
    org, admin, team = _org(app)
    kpi = app.define_kpi(
        organization_id=org, unit_id=team, name="Oppetid", unit="percent", lower=99.5, by=admin
    ).ids["kpi_id"]
    app.measure_kpi(kpi_id=kpi, value=99.7, by=admin, measured_at="2026-11-02")
    runner = ProjectionRunner(app, [Kpis()])
    runner.catch_up()
    assert _kpi_row(runner, kpi)[4:7] == (99.7, "2026-11-02T00:00:00+00:00", 1)

    app.change_kpi_corridor(kpi_id=kpi, lower=99.9, upper=None, reason="Stricter SLA", by=admin)
    runner.catch_up()

    assert _kpi_row(runner, kpi)[2:7] == (99.9, None, 99.7, "2026-11-02T00:00:00+00:00", 0)
    # A measurement keeps the health it had under the corridor of its day.
    assert _measurements(runner, kpi) == [(99.7, "2026-11-02T00:00:00+00:00", 1)]

    app.change_kpi_corridor(kpi_id=kpi, lower=None, upper=99.8, reason="Cap", by=admin)
    runner.catch_up()

    assert _kpi_row(runner, kpi)[6] == 1


def test_measurements_are_kept_in_order_with_the_latest_as_the_value(app: OKRApplication) -> None:
    org, admin, team = _org(app)
    kpi = app.define_kpi(
        organization_id=org, unit_id=team, name="Ventetid", unit="days", upper=3, by=admin
    ).ids["kpi_id"]
    for day, value in (("2026-10-05", 2.5), ("2026-10-12", 3.5), ("2026-10-19", 2.0)):
        app.measure_kpi(kpi_id=kpi, value=value, by=admin, measured_at=day)
    app.retire_kpi(kpi_id=kpi, reason="Replaced", by=admin)
    runner = ProjectionRunner(app, [Kpis()])

    runner.catch_up()

    assert [(v, h) for v, _, h in _measurements(runner, kpi)] == [(2.5, 1), (3.5, 0), (2.0, 1)]
    row = _kpi_row(runner, kpi)
    assert (row[4], row[6], row[7]) == (2.0, 1, 1)


def test_a_graduated_key_result_is_named_on_its_kpi(app: OKRApplication) -> None:
    org, admin, team = _org(app)
    cycle = app.define_cycle(
        organization_id=org,
        label="Q4",
        kind="quarter",
        start="2026-10-01",
        end="2026-12-31",
        by=admin,
    ).ids["cycle_id"]
    result = app.set_objective(
        organization_id=org,
        unit_id=team,
        cycle_id=cycle,
        title="Raskere svar",
        owner_id=admin,
        by=admin,
        key_results=[
            {"title": "Svartid ned", "metric": "decrease", "start": 10, "target": 2},
            {"title": "Chat", "metric": "milestone"},
        ],
    )
    objective, kr = result.ids["objective_id"], result.ids["key_result_id_0"]
    app.check_in(objective_id=objective, key_result_id=kr, value=2, status="green", by=admin)
    kpi = app.graduate_key_result(objective_id=objective, key_result_id=kr, by=admin).ids["kpi_id"]
    runner = ProjectionRunner(app, [Kpis()])

    runner.catch_up()

    row = _kpi_row(runner, kpi)
    assert row[0] == "Svartid ned"
    assert row[4] == 2.0 and row[6] == 1
    assert row[8:] == (str(objective), str(kr))


def test_kpis_built_command_by_command_equal_a_rebuild(app: OKRApplication) -> None:
    runner = ProjectionRunner(app, [Kpis()])
    app.on_saved(lambda position: runner.catch_up())
    demo = seed_demo(app, today=TODAY)
    (kpi,) = [k for (k,) in runner.views.query("SELECT kpi_id FROM rm_kpis")]
    admin = demo.admin_id
    app.measure_kpi(kpi_id=kpi, value=99.7, by=admin, measured_at="2026-11-01")
    app.change_kpi_corridor(kpi_id=kpi, lower=99.8, upper=None, reason="SLA", by=admin)
    app.measure_kpi(kpi_id=kpi, value=99.9, by=admin, measured_at="2026-11-08")
    incremental = runner.rows(runner.projection(Kpis.name))

    runner.rebuild()

    assert runner.rows(runner.projection(Kpis.name)) == incremental
    assert [h for _, _, h in _measurements(runner, UUID(kpi))] == [1, 1]
