"""KPI: a health metric in a corridor — define, measure, move the corridor, retire, graduate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from okr_es.aggregates.kpi import Kpi
from support.given import (
    ADMIN,
    KPI,
    KR_INCREASE,
    KR_MILESTONE,
    OBJECTIVE,
    ORG,
    TEAM,
    WHEN,
    given_kpi,
    ident,
    refused,
    signature,
    then,
)


def _define(**changes: Any) -> Kpi:
    args: dict[str, Any] = {"kpi_id": KPI, "organization_id": ORG, "unit_id": TEAM,
                            "name": "Uptime", "unit": "percent", "lower": 99.5, "upper": None,
                            "by": ADMIN}
    args.update(changes)
    return Kpi.define(**args)


def _retired() -> Kpi:
    kpi = given_kpi()
    kpi.retire(reason="service shut down", by=ADMIN)
    kpi.collect_events()
    return kpi


def test_a_kpi_is_defined_with_a_corridor() -> None:
    kpi = _define(upper=100)
    assert then(kpi) == [("KpiDefined", {"by": ADMIN, "organization_id": ORG, "unit_id": TEAM,
                                         "name": "Uptime", "unit": "percent", "lower": 99.5,
                                         "upper": 100.0})]
    assert kpi.healthy is None


def test_a_kpi_without_any_bound_is_rejected() -> None:
    error = refused(None, lambda: _define(lower=None, upper=None))
    assert signature(error) == ("InvalidInput", "empty", "lower")


@pytest.mark.parametrize(("lower", "upper"), [(10, 5), (5, 5)])
def test_a_corridor_whose_lower_bound_is_not_below_its_upper_is_rejected(
    lower: float, upper: float
) -> None:
    error = refused(None, lambda: _define(lower=lower, upper=upper))
    assert signature(error) == ("InvalidInput", "corridor-order", "upper")


def test_a_measurement_is_recorded() -> None:
    kpi = given_kpi()
    kpi.measure(value=79.5, measured_at=WHEN, by=ADMIN)
    assert then(kpi) == [("KpiMeasured", {"by": ADMIN, "value": 79.5, "measured_at": WHEN})]
    assert kpi.healthy is False


def test_a_measurement_that_is_not_finite_is_rejected() -> None:
    kpi = given_kpi()
    error = refused(kpi, lambda: kpi.measure(value=float("nan"), measured_at=WHEN, by=ADMIN))
    assert signature(error) == ("InvalidInput", "not-finite", "value")


def test_the_corridor_is_changed_with_a_reason() -> None:
    kpi = given_kpi()
    kpi.change_corridor(lower=90, upper=None, reason="new SLA", by=ADMIN)
    assert then(kpi) == [("KpiCorridorChanged", {"by": ADMIN, "lower": 90.0, "upper": None,
                                                 "reason": "new SLA"})]


def test_changing_the_corridor_to_what_it_is_is_rejected() -> None:
    kpi = given_kpi()
    error = refused(kpi, lambda: kpi.change_corridor(lower=80, upper=None, reason="x",
                                                     by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_a_changed_corridor_must_stay_ordered() -> None:
    kpi = given_kpi()
    error = refused(kpi, lambda: kpi.change_corridor(lower=90, upper=10, reason="x", by=ADMIN))
    assert signature(error) == ("InvalidInput", "corridor-order", "upper")


def test_a_kpi_is_retired_with_a_reason() -> None:
    kpi = given_kpi()
    kpi.retire(reason="service shut down", by=ADMIN)
    assert then(kpi) == [("KpiRetired", {"by": ADMIN, "reason": "service shut down"})]


def test_a_retired_kpi_takes_no_measurements() -> None:
    kpi = _retired()
    error = refused(kpi, lambda: kpi.measure(value=1, measured_at=WHEN, by=ADMIN))
    assert signature(error) == ("RuleViolation", "kpi-retired", None)


def test_a_retired_kpi_cannot_be_retired_again() -> None:
    kpi = _retired()
    error = refused(kpi, lambda: kpi.retire(reason="again", by=ADMIN))
    assert error.code == "kpi-retired"


def test_a_kpi_records_the_key_result_it_continues() -> None:
    kpi = given_kpi()
    kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE, by=ADMIN)
    assert then(kpi) == [("KeyResultGraduated", {"by": ADMIN, "objective_id": OBJECTIVE,
                                                 "key_result_id": KR_INCREASE})]
    assert kpi.graduated_from == (OBJECTIVE, KR_INCREASE)


def test_a_kpi_continues_only_one_key_result() -> None:
    kpi = given_kpi()
    kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE, by=ADMIN)
    kpi.collect_events()
    error = refused(kpi, lambda: kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE,
                                              by=ADMIN))
    assert signature(error) == ("RuleViolation", "already-graduated", None)


def test_a_key_result_graduates_into_one_kpi_only() -> None:
    earlier = given_kpi()
    earlier.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE, by=ADMIN)
    earlier.retire(reason="moved to the new KPI", by=ADMIN)
    earlier.collect_events()
    kpi = Kpi.define(kpi_id=ident("second-kpi"), organization_id=ORG, unit_id=TEAM,
                     name="Uptime again", unit="", lower=80, upper=None, by=ADMIN)
    kpi.collect_events()
    error = refused(kpi, lambda: kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE,
                                              others=[earlier], by=ADMIN))
    assert signature(error) == ("RuleViolation", "already-graduated", "key_result_id")


def test_another_key_result_of_the_objective_still_graduates() -> None:
    earlier = given_kpi()
    earlier.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE, by=ADMIN)
    earlier.collect_events()
    kpi = Kpi.define(kpi_id=ident("second-kpi"), organization_id=ORG, unit_id=TEAM,
                     name="Survey", unit="", lower=1, upper=None, by=ADMIN)
    kpi.collect_events()
    kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_MILESTONE, others=[earlier], by=ADMIN)
    assert then(kpi) == [("KeyResultGraduated", {"by": ADMIN, "objective_id": OBJECTIVE,
                                                 "key_result_id": KR_MILESTONE})]


@pytest.mark.parametrize(("value", "healthy"), [(70, False), (80, True), (120, True)])
def test_a_kpi_is_healthy_inside_its_corridor(value: float, healthy: bool) -> None:
    kpi = given_kpi(lower=80, upper=None)
    kpi.measure(value=value, measured_at=WHEN + timedelta(days=1), by=ADMIN)
    assert kpi.healthy is healthy
