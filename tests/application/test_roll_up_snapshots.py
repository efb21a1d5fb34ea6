"""Snapshots keep key-result weights and the roll-up mode; older snapshots, written before
either existed, load with equal weights and the key-results mode."""

from __future__ import annotations

import json
from collections.abc import Iterator

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent

from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.given import replayed
from support.world import build_world, set_objective


@pytest.fixture
def snapshotting(settings: Settings) -> Iterator[OKRApplication]:
    app = OKRApplication(msgspec.structs.replace(settings, snapshot_interval=5))
    try:
        yield app
    finally:
        app.close()


def test_weights_and_the_roll_up_mode_load_from_a_snapshot_unchanged(
    snapshotting: OKRApplication,
) -> None:
    app = snapshotting
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective_id, kr = ids["objective_id"], ids["key_result_id_0"]
    app.weight_key_result(objective_id=objective_id, key_result_id=kr, weight=4, by=w.admin)
    app.change_roll_up_mode(objective_id=objective_id, mode="children", by=w.admin)
    app.check_in(objective_id=objective_id, key_result_id=kr, value=70, status="green",
                 by=w.member)

    (snapshot,) = app.snapshots.get(objective_id)  # type: ignore[union-attr]
    loaded = snapshot.mutate(None)

    assert loaded == replayed(app.history(objective_id)[:5])
    assert loaded.key_results[kr].weight == 4.0
    assert loaded.roll_up_mode == "children"


def test_a_snapshot_from_before_weights_and_modes_loads_with_their_defaults(
    snapshotting: OKRApplication,
) -> None:
    app = snapshotting
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective_id, kr = ids["objective_id"], ids["key_result_id_0"]
    for value in (61, 62):
        app.check_in(objective_id=objective_id, key_result_id=kr, value=value, status="green",
                     by=w.member)
    recorder = app.snapshots.recorder  # type: ignore[union-attr]
    (stored,) = recorder.select_events(objective_id)
    older = json.loads(stored.state)
    del older["state"]["roll_up_mode"]
    for key_result in older["state"]["key_results"].values():
        del key_result["weight"]
    before = StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                         json.dumps(older).encode())

    loaded = app.mapper.to_domain_event(before).mutate(None)  # type: ignore[attr-defined]

    assert loaded.roll_up_mode == "key_results"
    assert {k.weight for k in loaded.key_results.values()} == {1.0}
    assert loaded.key_results[kr].current == 62.0
