"""Cycle: the periods OKRs are set for — defining and renaming, and the calendar rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from okr_es.aggregates.cycle import Cycle
from okr_es.errors import OKRError
from support.given import ADMIN, ORG, given_cycle, ident, refused, signature, then

YEAR = ident("year-2026")
Q2 = ident("q2")


def _define(**changes: Any) -> Cycle:
    args: dict[str, Any] = {
        "cycle_id": Q2, "organization_id": ORG, "label": "2026 Q2", "kind": "quarter",
        "start": "2026-04-01", "end": "2026-06-30", "parent": None, "siblings": [], "by": ADMIN,
    }
    args.update(changes)
    return Cycle.define(**args)


def _refused_definition(**changes: Any) -> OKRError:
    return refused(None, lambda: _define(**changes))


def test_a_quarter_is_defined_from_iso_dates() -> None:
    cycle = _define()
    assert then(cycle) == [("CycleDefined", {
        "by": ADMIN, "organization_id": ORG, "label": "2026 Q2", "kind": "quarter",
        "start": date(2026, 4, 1), "end": date(2026, 6, 30), "parent_id": None,
    })]


def test_a_quarter_can_nest_inside_its_year() -> None:
    year = given_cycle(cycle_id=YEAR, label="2026", kind="year", start=date(2026, 1, 1),
                       end=date(2026, 12, 31))
    cycle = _define(parent=year)
    assert then(cycle)[0][1]["parent_id"] == YEAR


def test_a_cycle_that_ends_before_it_starts_is_rejected() -> None:
    error = _refused_definition(start="2026-06-30", end="2026-04-01")
    assert signature(error) == ("InvalidInput", "date-order", "end")


def test_a_cycle_that_ends_the_day_it_starts_is_rejected() -> None:
    error = _refused_definition(start="2026-04-01", end="2026-04-01")
    assert signature(error) == ("InvalidInput", "date-order", "end")


def test_a_cycle_longer_than_two_years_is_rejected() -> None:
    error = _refused_definition(start="2026-01-01", end="2029-01-01")
    assert signature(error) == ("InvalidInput", "out-of-range", "end")


def test_an_impossible_date_is_rejected() -> None:
    error = _refused_definition(start="2026-13-45")
    assert signature(error) == ("InvalidInput", "invalid-date", "start")


def test_an_unknown_cycle_kind_is_rejected() -> None:
    error = _refused_definition(kind="fortnight")
    assert signature(error) == ("InvalidInput", "invalid-choice", "kind")


def test_a_cycle_without_a_label_is_rejected() -> None:
    error = _refused_definition(label="")
    assert signature(error) == ("InvalidInput", "empty", "label")


def test_a_cycle_outside_its_parent_is_rejected() -> None:
    year = given_cycle(cycle_id=YEAR, label="2026", kind="year", start=date(2026, 1, 1),
                       end=date(2026, 12, 31))
    error = _refused_definition(parent=year, start="2026-11-01", end="2027-01-31")
    assert signature(error) == ("RuleViolation", "outside-parent-cycle", "start")


def test_a_parent_cycle_of_another_organisation_is_answered_as_unknown() -> None:
    foreign = Cycle.define(
        cycle_id=YEAR, organization_id=ident("other-org"), label="2026", kind="year",
        start=date(2026, 1, 1), end=date(2026, 12, 31), parent=None, siblings=[], by=ADMIN,
    )
    error = _refused_definition(parent=foreign)
    assert signature(error) == ("NotFound", "not-found", "parent_id")
    assert error.message == f"no Cycle {YEAR}"


def test_a_cycle_overlapping_a_sibling_is_rejected() -> None:
    q1 = given_cycle()  # 2026-01-01 – 2026-03-31
    error = _refused_definition(start="2026-03-15", siblings=[q1])
    assert signature(error) == ("RuleViolation", "cycle-overlap", "start")


def test_a_cycle_may_start_the_day_its_sibling_ends() -> None:
    q1 = given_cycle()
    cycle = _define(start="2026-03-31", siblings=[q1])
    assert [name for name, _ in then(cycle)] == ["CycleDefined"]


def test_a_cycle_with_a_siblings_label_is_rejected() -> None:
    q1 = given_cycle()
    error = _refused_definition(label="2026 q1", siblings=[q1])
    assert signature(error) == ("RuleViolation", "duplicate-cycle", "label")


def test_a_cycle_can_be_renamed() -> None:
    cycle = given_cycle()
    cycle.rename(label="Spring 2026", siblings=[cycle], by=ADMIN)
    assert then(cycle) == [("CycleRenamed", {"by": ADMIN, "label": "Spring 2026"})]


def test_renaming_a_cycle_to_its_own_label_is_rejected() -> None:
    cycle = given_cycle()
    error = refused(cycle, lambda: cycle.rename(label="2026 Q1", siblings=[], by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_renaming_a_cycle_to_a_siblings_label_is_rejected() -> None:
    cycle = given_cycle()
    q2 = given_cycle(cycle_id=Q2, label="2026 Q2", start=date(2026, 4, 1),
                     end=date(2026, 6, 30))
    error = refused(cycle, lambda: cycle.rename(label="2026 Q2", siblings=[cycle, q2], by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-cycle", "label")


@pytest.mark.parametrize(
    ("on", "share"),
    [(date(2025, 12, 1), 0.0), (date(2026, 1, 1), 0.0), (date(2026, 2, 15), 45 / 89),
     (date(2026, 3, 31), 1.0), (date(2026, 5, 1), 1.0)],
)
def test_the_elapsed_share_of_a_cycle_is_clamped_to_its_dates(on: date, share: float) -> None:
    assert given_cycle().share_elapsed(on) == pytest.approx(share)

