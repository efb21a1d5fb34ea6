"""Replay and audit export on the stored demo organisation (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from okr_es.aggregates.cycle import Cycle
from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.history.cycle_events import collect_cycle, collect_unit_cycle
from okr_es.learning.audit import cycle_export_lines, verify_lines
from okr_es.learning.replay import replay_text

TODAY = date(2026, 11, 23)


def test_replay_tells_the_timeline_and_the_end_state_the_same_way_twice(
    app: OKRApplication,
) -> None:
    demo = seed_demo(app, today=TODAY)
    got = collect_unit_cycle(app, demo.units["Team Hjemmetjenester"], demo.cycles["2026 Q4"])
    first = replay_text(got.events, got.cycle, unit=got.unit_name, names=got.names)
    again = collect_unit_cycle(app, demo.units["Team Hjemmetjenester"], demo.cycles["2026 Q4"])
    second = replay_text(again.events, again.cycle, unit=again.unit_name, names=again.names)
    assert first == second
    assert "Siri Larsen droppet målet «Mer tid hos brukeren, mindre i bilen»" in first
    assert "«Mer tid hos brukeren, mindre i bilen»: droppet" in first
    positions = [p.position for p in got.events]
    assert positions == sorted(positions)


def test_replay_as_of_a_recorded_instant_shows_the_state_then(app: OKRApplication) -> None:
    demo = seed_demo(app, today=TODAY)
    got = collect_unit_cycle(app, demo.units["Team Hjemmetjenester"], demo.cycles["2026 Q4"])
    dropped = next(p for p in got.events if type(p.event).__name__ == "ObjectiveDropped")
    cut = max(p.event.timestamp for p in got.events if p.position < dropped.position)
    assert cut < dropped.event.timestamp
    text = replay_text(got.events, got.cycle, unit=got.unit_name, names=got.names, as_of=cut)
    assert "droppet målet" not in text
    assert "«Mer tid hos brukeren, mindre i bilen»: aktivt" in text


def test_the_audit_export_of_a_cycle_covers_every_aggregate_it_touches(
    app: OKRApplication,
) -> None:
    demo = seed_demo(app, today=TODAY)
    cycle_id = demo.cycles["2026 Q3"]
    events = collect_cycle(app, cycle_id)
    kinds = {type(p.event).__name__ for p in events}
    assert {"CycleDefined", "TeamCycleOpened", "ObjectiveSet", "CheckInMade"} <= kinds
    assert {"ObjectiveClosed", "ReflectionRecorded", "TeamCycleClosed"} <= kinds
    assert {p.event.originator_id for p in events if type(p.event).__name__ == "CycleDefined"} == {
        cycle_id
    }
    lines = cycle_export_lines(events, cycle_id, "2026 Q3")
    result = verify_lines(lines)
    assert result.ok and result.count == len(events)
    # One unit's export holds only that unit's objectives.
    unit = demo.units["Team Platform"]
    only = collect_cycle(app, cycle_id, unit)
    units = {
        p.event.unit_id
        for p in only
        if type(p.event).__name__ in ("ObjectiveSet", "TeamCycleOpened")
    }
    assert units == {unit}
    # In log order: the organisation's state the cycle starts from (its units, members and
    # grants, recorded earlier) comes before the cycle's definition.
    exported = [msgspec.json.decode(line) for line in lines]
    defined = [e for e in exported if e.get("event") == "CycleDefined"]
    assert [UUID(e["aggregate_id"]) for e in defined] == [cycle_id]
    positions = [e["position"] for e in exported if "event" in e]
    assert len(positions) == len(events) and positions == sorted(positions)


def test_the_export_summary_names_the_cycle_as_its_events_end(app: OKRApplication) -> None:
    demo = seed_demo(app, today=TODAY)
    cycle_id = demo.cycles["2026 Q3"]
    app.rename_cycle(cycle_id=cycle_id, label="Tertial 2", by=demo.admin_id)
    events = collect_cycle(app, cycle_id)
    # Renamed again after the events were read, before the label is: the summary keeps
    # to what the exported lines say.
    app.rename_cycle(cycle_id=cycle_id, label="Tertial 2 (2026)", by=demo.admin_id)
    later_label = app.read_aggregate(Cycle, cycle_id).label

    lines = cycle_export_lines(events, cycle_id, later_label)

    summary = msgspec.json.decode(lines[-1])
    assert summary["scope"] == {"cycle_id": str(cycle_id), "cycle": "Tertial 2", "unit_id": None}
    assert verify_lines(lines).ok
