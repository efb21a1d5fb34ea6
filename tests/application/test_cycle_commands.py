"""Cycle commands through OKRApplication, on every store."""

from __future__ import annotations

from datetime import date, timedelta

from okr_es.application import OKRApplication
from support.world import build_world, refused_by, signature, written


def test_defining_a_cycle_writes_cycle_defined(app: OKRApplication) -> None:
    w = build_world(app)
    start = date.today() + timedelta(days=61)
    result, new = written(app, lambda: app.define_cycle(
        organization_id=w.org, label="Next", kind="quarter", start=start.isoformat(),
        end=(start + timedelta(days=90)).isoformat(), by=w.member), id_key="cycle_id")
    assert new == ["CycleDefined"]
    labels = [c.label for c in app.cycles(w.org)]
    assert labels == ["Previous", "Current", "Next"]
    assert result.ids["cycle_id"] == app.cycles(w.org)[-1].id


def test_a_cycle_nested_in_a_parent_writes_its_parent(app: OKRApplication) -> None:
    w = build_world(app)
    today = date.today()
    result, _ = written(app, lambda: app.define_cycle(
        organization_id=w.org, label="Sprint", kind="custom", start=today,
        end=today + timedelta(days=14), parent_id=w.cycle, by=w.admin), id_key="cycle_id")
    nested = next(c for c in app.cycles(w.org) if c.id == result.ids["cycle_id"])
    assert nested.parent_id == w.cycle


def test_a_cycle_overlapping_a_sibling_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    today = date.today()
    error = refused_by(app, lambda: app.define_cycle(
        organization_id=w.org, label="Overlap", kind="custom", start=today,
        end=today + timedelta(days=100), by=w.admin))
    assert signature(error) == ("RuleViolation", "cycle-overlap", "start")


def test_a_cycle_outside_its_parent_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    today = date.today()
    error = refused_by(app, lambda: app.define_cycle(
        organization_id=w.org, label="Too long", kind="custom", start=today,
        end=today + timedelta(days=200), parent_id=w.cycle, by=w.admin))
    assert signature(error) == ("RuleViolation", "outside-parent-cycle", "start")


def test_a_cycle_with_its_dates_reversed_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.define_cycle(
        organization_id=w.org, label="Backwards", kind="custom", start="2030-02-01",
        end="2030-01-01", by=w.admin))
    assert signature(error) == ("InvalidInput", "date-order", "end")


def test_renaming_a_cycle_writes_cycle_renamed(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.rename_cycle(cycle_id=w.cycle, label="Spring",
                                                   by=w.admin), aggregate_id=w.cycle)
    assert new == ["CycleRenamed"]


def test_renaming_a_cycle_to_a_siblings_label_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.rename_cycle(cycle_id=w.cycle, label="previous",
                                                     by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-cycle", "label")
