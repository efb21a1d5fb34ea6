"""Events as an older version of okr-es stored them, written straight into the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from support.world import build_world, set_objective

CHECKED_IN_AT = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def store_v1_check_in(app: OKRApplication) -> tuple[UUID, UUID, int]:
    """A CheckInMade of class version 1 (before blockers) on a new objective's first key
    result: (objective id, key result id, the event's version)."""
    return _store_old_check_in(app, {})


def store_v2_check_in(app: OKRApplication) -> tuple[UUID, UUID, int]:
    """A CheckInMade of class version 2 (blockers, before confidence), as
    :func:`store_v1_check_in`."""
    return _store_old_check_in(app, {"blockers": "legal review", "class_version": 2})


def _store_old_check_in(app: OKRApplication, extra: dict[str, object]) -> tuple[UUID, UUID, int]:
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
        **extra,
    })
    app.recorder.insert_events([StoredEvent(
        originator_id=objective_id, originator_version=next_version,
        topic=get_topic(Objective.CheckInMade), state=state,
    )])
    return objective_id, kr, next_version


class Tally(OKRAggregate):
    """An aggregate only the tests know, whose upcaster reads the stored state."""

    class Counted(OKRAggregate.Event):
        """A count was taken (v2 keeps it doubled, as a share in half units)."""

        class_version = 2

        halves: int

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["halves"] = 2 * state.pop("count")


def store_old_event(
    app: OKRApplication, aggregate_id: UUID, event_class: type[Any], fields: dict[str, Any],
    *, recorded_at: str,
) -> int:
    """An event of ``event_class`` as its class version 1 stored it (``fields`` without
    the envelope), appended to the aggregate: its new version."""
    version = len(list(app.events.get(aggregate_id))) + 1
    state = msgspec.json.encode({"timestamp": recorded_at, **fields})
    app.recorder.insert_events([StoredEvent(
        originator_id=aggregate_id, originator_version=version,
        topic=get_topic(event_class), state=state,
    )])
    app._evict(aggregate_id)  # the process cache holds the aggregate without it
    return version
