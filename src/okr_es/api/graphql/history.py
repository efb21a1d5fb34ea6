"""The two reads allowed to touch the event store: an aggregate's history, and an
objective as it stood at an instant (time travel by recorded time).

Both are synchronous (run them in a worker thread) and both refuse, as "not found",
anything that is not the reader's organisation's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import NotFound
from okr_es.history.cycle_events import positioned_events
from okr_es.learning.replay import known_count
from okr_es.projections.queries import KeyResultRow, ObjectiveRow

# Event fields shown elsewhere in a history entry, and fields never shown at all.
_ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp"})
_SECRET = frozenset({"token_hash", "target_url", "signing_secret"})


def aggregate_history(okr: OKRApplication, org: UUID, aggregate_id: UUID) -> list[Any]:
    """Every event of one of the organisation's aggregates, oldest first, or NotFound.

    Another organisation's aggregate is refused with the very error an unknown id gets,
    so the answer tells nobody which ids exist elsewhere."""
    unknown = NotFound(f"no aggregate {aggregate_id}", field="aggregateId")
    try:
        aggregate = okr.get_aggregate(aggregate_id)
    except NotFound:
        raise unknown from None
    owner = aggregate.id if isinstance(aggregate, Organization) else None
    owner = getattr(aggregate, "organization_id", owner)
    if owner != org:
        raise unknown
    return okr.history(aggregate_id)


def event_data(event: Any) -> dict[str, Any]:
    """The event's own fields as JSON-ready values (secrets left out)."""
    data = msgspec.to_builtins(vars(event), str_keys=True)
    return {k: v for k, v in data.items() if k not in _ENVELOPE and k not in _SECRET}


def objective_as_of(
    okr: OKRApplication, org: UUID, objective_id: UUID, as_of: datetime
) -> tuple[ObjectiveRow, list[KeyResultRow]] | None:
    """The objective and its key results as recorded at ``as_of`` (None: unknown then).

    Known at ``as_of`` are the events `okr-es replay --as-of` counts (see
    :func:`~okr_es.learning.replay.known_count`), taken over the objective's events and
    its unit's OKR set's (the team cycle) in log order: all events of a save, or none.
    The events of a save are stamped as each was made, so on their own stamps the
    objective would show up at its ``ObjectiveSet`` without the key results saved with
    it; the ``ObjectiveCommitted`` written before them is stamped after them all."""
    when = as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
    own = positioned_events(okr, [objective_id])
    if not own:
        return None
    first = own[0].event
    logged = own
    if isinstance(first, Objective.ObjectiveSet):
        its_set = positioned_events(okr, [team_cycle_id(first.unit_id, first.cycle_id)])
        logged = sorted([*own, *its_set], key=lambda p: p.position)
    known = logged[: known_count((p.event.timestamp for p in logged), when)]
    applied: list[Any] = [p.event for p in known if p.event.originator_id == objective_id]
    if not applied:
        return None
    try:
        objective = okr.get_objective(objective_id, version=applied[-1].originator_version)
    except NotFound:
        return None
    if objective.organization_id != org:
        return None
    created = applied[0]
    effective = getattr(created, "effective_at", None)
    key_results = [
        KeyResultRow(
            key_result_id=str(kr.id),
            objective_id=str(objective.id),
            ordinal=ordinal,
            title=kr.title,
            metric=kr.metric,
            start_value=kr.start,
            target=kr.target,
            unit=kr.unit,
            current_value=kr.current,
            progress=kr.progress,
            reported_status=kr.status,
            last_check_in_at=None
            if kr.last_check_in_at is None
            else kr.last_check_in_at.isoformat(),
            check_in_count=kr.check_in_count,
            removed=int(kr.removed),
            score=objective.scores.get(kr.id),
            weight=kr.weight,
        )
        for ordinal, kr in enumerate(objective.key_results.values())
    ]
    current = [kr for kr in key_results if not kr.removed]
    row = ObjectiveRow(
        objective_id=str(objective.id),
        organization_id=str(objective.organization_id),
        unit_id=str(objective.unit_id),
        cycle_id=str(objective.cycle_id),
        title=objective.title,
        why=objective.why,
        owner_id=str(objective.owner_id),
        status=objective.status,
        status_reason=objective.status_reason,
        aligned_to_objective_id=_text(objective.aligned_to_objective_id),
        aligned_to_key_result_id=_text(objective.aligned_to_key_result_id),
        carried_over_from=_text(objective.carried_over_from),
        carry_over_reason=objective.carry_over_reason,
        progress=sum(kr.progress for kr in current) / len(current) if current else 0.0,
        set_at=created.timestamp.isoformat(),
        effective_at=None if effective is None else effective.isoformat(),
        updated_at=applied[-1].timestamp.isoformat(),
        version=objective.version,
        roll_up_mode=objective.roll_up_mode,
    )
    return row, current


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)
