"""Old event versions are upcast on load: a v1 CheckInMade (before blockers) still reads."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.world import build_world, set_objective

CHECKED_IN_AT = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def _stored_v1_check_in(app: OKRApplication) -> tuple[UUID, UUID, int]:
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective_id, kr = ids["objective_id"], ids["key_result_id_0"]
    next_version = app.get_objective(objective_id).version + 1
    state = msgspec.json.encode({
        "timestamp": "2026-01-12T09:31:00Z",
        "by": str(w.member),
        "key_result_id": str(kr),
        "value": 72.5,
        "status": "yellow",
        "comment": "written by the old code",
        "checked_in_at": CHECKED_IN_AT.isoformat(),
    })
    app.recorder.insert_events([StoredEvent(
        originator_id=objective_id, originator_version=next_version,
        topic=get_topic(Objective.CheckInMade), state=state,
    )])
    return objective_id, kr, next_version


def test_a_stored_v1_check_in_decodes_with_empty_blockers(app: OKRApplication) -> None:
    objective_id, _, version = _stored_v1_check_in(app)
    event = app.history(objective_id)[-1]
    assert isinstance(event, Objective.CheckInMade)
    assert (event.originator_version, event.blockers, event.value, event.comment) == (
        version, "", 72.5, "written by the old code")
    assert event.checked_in_at == CHECKED_IN_AT


def test_a_stored_v1_check_in_is_applied_to_the_objective(
    app: OKRApplication, settings: Settings
) -> None:
    objective_id, kr, version = _stored_v1_check_in(app)
    fresh = OKRApplication(settings)
    try:
        objective = fresh.get_objective(objective_id)
    finally:
        fresh.close()
    result = objective.key_results[kr]
    assert (objective.version, result.current, result.status, result.check_in_count) == (
        version, 72.5, "yellow", 1)


def test_a_v1_check_in_read_through_the_live_application_is_applied(
    app: OKRApplication,
) -> None:
    objective_id, kr, _ = _stored_v1_check_in(app)
    assert app.get_objective(objective_id).key_results[kr].current == 72.5


def test_new_check_ins_after_a_v1_event_are_stored_as_v2(app: OKRApplication) -> None:
    objective_id, kr, _ = _stored_v1_check_in(app)
    member = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 blockers="none", by=member)
    [last] = app.notifications(start=app.position(), limit=1)
    assert msgspec.json.decode(last.state)["class_version"] == 2
    assert app.get_objective(objective_id).key_results[kr].check_in_count == 2
