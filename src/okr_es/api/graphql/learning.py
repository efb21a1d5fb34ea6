"""The learning analyses as the read API serves them: lint, copy-paste, review, cycle events.

Each function is synchronous (run it in a worker thread), reads the event store through
``okr_es.history.analyses`` / ``okr_es.history.cycle_events`` and hands the analysis over
unchanged. Before anything is read, the unit and the cycle must be the reader's
organisation's: another organisation's id is refused exactly like an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from okr_es.aggregates.cycle import Cycle
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.event_log import EventRecord, record
from okr_es.history.analyses import (
    CopyPasteCheck,
    copy_paste_for,
    lint_for,
    okr_set_for,
    review_for,
    reviews_for,
)
from okr_es.history.as_of import Moment, organization_then
from okr_es.history.cycle_events import collect_cycle
from okr_es.learning.lint import LintReport
from okr_es.learning.review import Review
from okr_es.projections.queries import Views

MAX_EVENTS_PAGE = 200

# Event fields never shown to a reader.
_SECRET = frozenset({"token_hash", "target_url", "signing_secret"})


def check_scope(okr: OKRApplication, org: UUID, unit_id: UUID | None, cycle_id: UUID) -> None:
    """NotFound unless the cycle (and the unit, when given) belong to the organisation."""
    try:
        cycle = okr.get_aggregate(cycle_id)
    except NotFound:
        cycle = None
    if not isinstance(cycle, Cycle) or cycle.organization_id != org:
        raise NotFound(f"no cycle {cycle_id}", field="cycleId")
    if unit_id is not None and unit_id not in okr.get_organization(org).units:
        raise NotFound(f"no unit {unit_id}", field="unitId")


def lint_report(
    okr: OKRApplication, org: UUID, unit_id: UUID, cycle_id: UUID, views: Views | None = None
) -> LintReport:
    """The quality lint of the unit's stored OKR set in the cycle (rosters and initiatives
    from the read models in ``views``)."""
    check_scope(okr, org, unit_id, cycle_id)
    return lint_for(okr, unit_id, cycle_id, views=views)


@dataclass(frozen=True)
class CarriedOver:
    """A declared carry-over the comparison reported (evidence ``carried-over``)."""

    previous_objective: int
    next_objective: int
    previous_title: str | None
    next_title: str | None
    reason: str


@dataclass(frozen=True)
class CopyPaste:
    check: CopyPasteCheck
    carried_over: list[CarriedOver]


def copy_paste(okr: OKRApplication, org: UUID, unit_id: UUID, cycle_id: UUID) -> CopyPaste | None:
    """The unit's set compared with its previous cycle's (None: no previous cycle)."""
    check_scope(okr, org, unit_id, cycle_id)
    found = copy_paste_for(okr, unit_id, cycle_id)
    if found is None:
        return None
    carried = [
        e
        for e in found.comparison.evidence
        if e.level == "objective" and "carried-over" in e.changes
    ]
    reasons: list[str] = []
    if carried:
        stored = okr_set_for(okr, unit_id, cycle_id).objectives
        reasons = [stored[e.next_objective or 0].carry_over_reason for e in carried]
    return CopyPaste(
        check=found,
        carried_over=[
            CarriedOver(
                previous_objective=e.previous_objective or 0,
                next_objective=e.next_objective or 0,
                previous_title=e.previous_title,
                next_title=e.next_title,
                reason=reason,
            )
            for e, reason in zip(carried, reasons, strict=True)
        ],
    )


def learning_review(
    okr: OKRApplication,
    org: UUID,
    unit_id: UUID,
    cycle_id: UUID,
    today: date,
    views: Views,
    moment: Moment | None = None,
) -> Review:
    """The learning review of the unit's cycle, as of ``today``, from the reviews read
    model in ``views`` (``moment``: those of a past instant, with the organisation then)."""
    check_scope(okr, org, unit_id, cycle_id)
    then = {} if moment is None else _as_known(okr, moment)
    return review_for(okr, unit_id, cycle_id, today=today, views=views, **then)


def learning_reviews(
    okr: OKRApplication,
    org: UUID,
    cycle_id: UUID,
    today: date,
    views: Views,
    moment: Moment | None = None,
) -> list[Review]:
    """The learning review of every unit that set OKRs in the cycle, as of ``today``,
    from the reviews read model in ``views`` (``moment`` as for :func:`learning_review`)."""
    check_scope(okr, org, None, cycle_id)
    then = {} if moment is None else _as_known(okr, moment)
    return list(reviews_for(okr, org, cycle_id, today=today, views=views, **then).values())


def _as_known(okr: OKRApplication, moment: Moment) -> dict[str, Any]:
    return {"organization": organization_then(okr, moment)}


@dataclass(frozen=True)
class EventPage:
    records: list[EventRecord]
    has_next: bool
    total: int


def cycle_events(
    okr: OKRApplication,
    org: UUID,
    cycle_id: UUID,
    unit_id: UUID | None,
    after: int | None,
    first: int,
) -> EventPage:
    """A page of the cycle's events (every aggregate it touches), by log position."""
    if not 0 <= first <= MAX_EVENTS_PAGE:
        raise InvalidInput(
            f"first must be between 0 and {MAX_EVENTS_PAGE}", code="out-of-range", field="first"
        )
    if after is not None and after < 0:
        raise InvalidInput("after must be a log position (0 or more)", field="after")
    check_scope(okr, org, unit_id, cycle_id)
    events = collect_cycle(okr, cycle_id, unit_id)
    rest = [p for p in events if after is None or p.position > after]
    return EventPage(
        records=[record(p.event, p.position) for p in rest[:first]],
        has_next=len(rest) > first,
        total=len(events),
    )


def record_data(rec: EventRecord) -> dict[str, Any]:
    """The event's own fields as JSON-ready values (secrets left out)."""
    data = msgspec.to_builtins(rec.data, str_keys=True)
    return {k: v for k, v in data.items() if k not in _SECRET}
