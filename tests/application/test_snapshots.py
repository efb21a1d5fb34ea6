"""Snapshots: an objective loaded through its snapshot equals one replayed from all events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.given import replayed
from support.world import build_world, set_objective


@pytest.fixture
def snapshotting(settings: Settings) -> Iterator[Settings]:
    yield msgspec.structs.replace(settings, snapshot_interval=5)


def _load_fresh(settings: Settings, objective_id: Any) -> Any:
    fresh = OKRApplication(settings)
    try:
        return fresh.get_objective(objective_id)
    finally:
        fresh.close()


def test_an_objective_with_many_check_ins_loads_from_its_snapshot_unchanged(
    snapshotting: Settings,
) -> None:
    app = OKRApplication(snapshotting)
    try:
        w = build_world(app)
        ids = set_objective(app, w).ids
        objective_id, kr = ids["objective_id"], ids["key_result_id_0"]
        for value in range(60, 73):  # 3 + 13 events: snapshots at 5, 10, 15, one event after
            app.check_in(objective_id=objective_id, key_result_id=kr, value=value,
                         status="green", comment=f"week {value}", by=w.member)
        snapshots = list(app.snapshots.get(objective_id))  # type: ignore[union-attr]
        from_events = replayed(app.history(objective_id))
    finally:
        app.close()

    loaded = _load_fresh(snapshotting, objective_id)

    assert [s.originator_version for s in snapshots] == [5, 10, 15]
    assert loaded == from_events
    assert loaded.version == 16
    assert loaded.key_results[kr].current == 72.0
    assert loaded.key_results[kr].check_in_count == 13
    assert loaded.score == from_events.score


def test_a_closed_objective_loads_from_its_snapshot_with_its_scores(
    snapshotting: Settings,
) -> None:
    app = OKRApplication(snapshotting)
    try:
        w = build_world(app)
        ids = set_objective(app, w).ids
        objective_id, kr, milestone = (ids["objective_id"], ids["key_result_id_0"],
                                       ids["key_result_id_1"])
        app.reword_objective(objective_id=objective_id, title="Delighted users", by=w.admin)
        app.add_key_result(objective_id=objective_id, title="Stay fast", metric="stay_below",
                           target=3, unit="days", by=w.admin)
        app.check_in(objective_id=objective_id, key_result_id=kr, value=70, status="yellow",
                     blockers="legal", by=w.member)
        app.check_in(objective_id=objective_id, key_result_id=milestone, value=1,
                     status="green", by=w.member)
        app.close_objective(objective_id=objective_id, note="ok", by=w.admin)  # version 8
        app.reopen_objective(objective_id=objective_id, reason="typo", by=w.admin)
        app.close_objective(objective_id=objective_id, scores={str(kr): 0.4}, by=w.admin)
        from_events = replayed(app.history(objective_id))
    finally:
        app.close()

    loaded = _load_fresh(snapshotting, objective_id)

    assert loaded.version == 10
    assert loaded == from_events
    assert loaded.status == "closed"
    assert set(loaded.scores) == set(loaded.key_results)
    assert loaded.scores[kr] == 0.4
