"""Initiatives and KPIs through OKRApplication, on every store."""

from __future__ import annotations

from uuid import UUID

from okr_es.application import OKRApplication
from support.world import World, build_world, refused_by, set_objective, signature, written


def _initiative(app: OKRApplication, w: World) -> tuple[UUID, UUID, UUID]:
    ids = set_objective(app, w).ids
    objective, kr = ids["objective_id"], ids["key_result_id_0"]
    initiative = app.start_initiative(organization_id=w.org, unit_id=w.team,
                                      title="Survey tool", owner_id=w.member,
                                      by=w.admin).ids["initiative_id"]
    return initiative, objective, kr


def test_starting_an_initiative_linked_to_a_key_result_writes_both_events(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    _, new = written(app, lambda: app.start_initiative(
        organization_id=w.org, unit_id=w.team, title="Survey tool", owner_id=w.member,
        by=w.admin, key_results=[(ids["objective_id"], ids["key_result_id_0"])]),
        id_key="initiative_id")
    assert new == ["InitiativeStarted", "InitiativeLinked"]


def test_linking_an_initiative_writes_initiative_linked(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, objective, kr = _initiative(app, w)
    _, new = written(app, lambda: app.link_initiative(initiative_id=initiative,
                                                      objective_id=objective,
                                                      key_result_id=kr, by=w.member),
                     aggregate_id=initiative)
    assert new == ["InitiativeLinked"]


def test_linking_to_a_closed_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, objective, kr = _initiative(app, w)
    app.close_objective(objective_id=objective, by=w.admin)
    error = refused_by(app, lambda: app.link_initiative(initiative_id=initiative,
                                                        objective_id=objective,
                                                        key_result_id=kr, by=w.member))
    assert error.code == "objective-closed"


def test_linking_to_a_dropped_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, objective, kr = _initiative(app, w)
    app.drop_objective(objective_id=objective, reason="reorganised", by=w.admin)
    error = refused_by(app, lambda: app.link_initiative(initiative_id=initiative,
                                                        objective_id=objective,
                                                        key_result_id=kr, by=w.member))
    assert error.code == "objective-dropped"


def test_starting_an_initiative_linked_to_a_dropped_objective_writes_nothing(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    app.drop_objective(objective_id=ids["objective_id"], reason="reorganised", by=w.admin)
    error = refused_by(app, lambda: app.start_initiative(
        organization_id=w.org, unit_id=w.team, title="Survey tool", owner_id=w.member,
        by=w.admin, key_results=[(ids["objective_id"], ids["key_result_id_0"])]))
    assert error.code == "objective-dropped"


def test_reporting_progress_writes_initiative_progressed(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, _, _ = _initiative(app, w)
    _, new = written(app, lambda: app.record_initiative_progress(
        initiative_id=initiative, percent_complete=40, note="pilot", by=w.member),
        aggregate_id=initiative)
    assert new == ["InitiativeProgressed"]


def test_completing_an_initiative_writes_initiative_completed(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, _, _ = _initiative(app, w)
    _, new = written(app, lambda: app.complete_initiative(initiative_id=initiative,
                                                          by=w.member),
                     aggregate_id=initiative)
    assert new == ["InitiativeCompleted"]


def test_stopping_an_initiative_writes_initiative_stopped(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, _, _ = _initiative(app, w)
    _, new = written(app, lambda: app.stop_initiative(initiative_id=initiative,
                                                      reason="no budget", by=w.admin),
                     aggregate_id=initiative)
    assert new == ["InitiativeStopped"]


def test_progress_on_a_stopped_initiative_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    initiative, _, _ = _initiative(app, w)
    app.stop_initiative(initiative_id=initiative, reason="no budget", by=w.admin)
    error = refused_by(app, lambda: app.record_initiative_progress(
        initiative_id=initiative, percent_complete=50, by=w.member))
    assert error.code == "initiative-stopped"


def test_defining_measuring_and_retiring_a_kpi_write_one_event_each(app: OKRApplication) -> None:
    w = build_world(app)
    result, defined = written(app, lambda: app.define_kpi(
        organization_id=w.org, unit_id=w.team, name="Uptime", unit="percent", lower=99,
        by=w.admin), id_key="kpi_id")
    kpi = result.ids["kpi_id"]
    _, measured = written(app, lambda: app.measure_kpi(kpi_id=kpi, value=99.7, by=w.member),
                          aggregate_id=kpi)
    _, changed = written(app, lambda: app.change_kpi_corridor(
        kpi_id=kpi, lower=99.5, upper=None, reason="new SLA", by=w.admin), aggregate_id=kpi)
    _, retired = written(app, lambda: app.retire_kpi(kpi_id=kpi, reason="service gone",
                                                     by=w.admin), aggregate_id=kpi)
    assert (defined, measured, changed, retired) == (
        ["KpiDefined"], ["KpiMeasured"], ["KpiCorridorChanged"], ["KpiRetired"])


def test_a_kpi_with_a_reversed_corridor_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.define_kpi(organization_id=w.org, unit_id=w.team,
                                                   name="Uptime", lower=100, upper=90,
                                                   by=w.admin))
    assert signature(error) == ("InvalidInput", "corridor-order", "upper")


def test_a_met_key_result_graduates_into_a_kpi_guarding_its_level(app: OKRApplication) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective, kr = ids["objective_id"], ids["key_result_id_0"]
    app.check_in(objective_id=objective, key_result_id=kr, value=85, status="green",
                 by=w.member)
    result, new = written(app, lambda: app.graduate_key_result(
        objective_id=objective, key_result_id=kr, by=w.admin), id_key="kpi_id")
    assert new == ["KpiDefined", "KeyResultGraduated", "KpiMeasured"]
    kpi = app.get_aggregate(result.ids["kpi_id"])
    assert (kpi.lower, kpi.upper, kpi.value, kpi.graduated_from) == (  # type: ignore[attr-defined]
        80.0, None, 85.0, (objective, kr))


def test_a_key_result_that_was_not_met_cannot_graduate(app: OKRApplication) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    app.check_in(objective_id=ids["objective_id"], key_result_id=ids["key_result_id_0"],
                 value=70, status="yellow", by=w.member)
    error = refused_by(app, lambda: app.graduate_key_result(
        objective_id=ids["objective_id"], key_result_id=ids["key_result_id_0"], by=w.admin))
    assert signature(error) == ("RuleViolation", "key-result-not-met", "key_result_id")


def test_a_key_result_that_graduated_once_cannot_graduate_again(app: OKRApplication) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective, kr = ids["objective_id"], ids["key_result_id_0"]
    app.check_in(objective_id=objective, key_result_id=kr, value=85, status="green",
                 by=w.member)
    app.graduate_key_result(objective_id=objective, key_result_id=kr, by=w.admin)
    error = refused_by(app, lambda: app.graduate_key_result(
        objective_id=objective, key_result_id=kr, name="Satisfaction again", by=w.admin))
    assert signature(error) == ("RuleViolation", "already-graduated", "key_result_id")
