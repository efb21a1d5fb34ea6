"""Read models as they stood at an instant, for the read API's ``asOf`` and ``effectiveAsOf``.

One code path for now and then: the read models of a past instant are built by the SAME
projections that keep today's (:func:`okr_es.projections.runner.all_projections`), over
the organisation's events known then, in a throwaway in-memory SQLite database; the read
API then asks them the same queries (:mod:`okr_es.projections.queries`) through the same
GraphQL types. Nothing about a read model is written twice, so a new read model or column
is time-travelled the day it exists.

Two times (DESIGN.md §2: okr-es is bitemporal):

* ``as_of`` — **recorded time**, what okr-es knew at that instant: the organisation's
  events up to the last log position recorded by then. The events of one save are
  stamped as each was made, so a later position may carry an earlier stamp; an event
  counts from the latest stamp of itself and every event of the organisation before it
  (as :func:`okr_es.learning.replay.known_count` counts), so what was known is always a
  prefix of the log. The change timeline (a row per event, with its organisation,
  position and recorded time) maps the instant to that position with two indexed reads.
* ``effective_as_of`` — **business time**, what had happened by then as far as okr-es
  knows (at ``as_of``, or now): of those events, the ones whose business time lies after
  it are left out (:func:`effective_events`).

Building costs a replay of the organisation's events (the change timeline, which only
speaks of positions the read API already pages by, is not replayed); the result is kept
in a small per-process LRU keyed by (organisation, position, effective instant), so every
``asOf`` between two of the organisation's events shares one build.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.history.event_records import EventRows, state_bytes
from okr_es.projections.change_timeline import ChangeTimeline
from okr_es.projections.queries import Views
from okr_es.projections.recorder import ViewRecorder
from okr_es.projections.runner import all_projections
from okr_es.use_cases.machinery import project_events

__all__ = [
    "Moment",
    "PastReadModels",
    "business_time",
    "effective_events",
    "organization_then",
    "past_read_models",
]

# Builds kept per process: each is a small in-memory database (the demo: a few hundred
# kilobytes), and a dashboard asks a handful of instants at a time.
CACHE_SIZE = 16
_BATCH = 5000
# The fields that carry an event's business time, where it differs from the recorded one.
_BUSINESS_FIELDS = ("effective_at", "checked_in_at", "measured_at")


@dataclass(frozen=True)
class Moment:
    """The reader's organisation as known at a position of the log (0: nothing of it
    was known yet, and ``views`` are empty), its read models, and the instants asked for."""

    organization_id: UUID
    position: int
    as_of: datetime | None
    effective_as_of: datetime | None
    views: Views
    # The organisation aggregate's version then (its events at or before ``position``).
    organization_version: int = 0

    @property
    def known(self) -> bool:
        """Whether anything of the organisation was known then."""
        return self.position > 0

    @property
    def day(self) -> date | None:
        """The day pace, staleness and reviews are judged on (None: today)."""
        when = self.effective_as_of or self.as_of
        return None if when is None else when.astimezone(UTC).date()

    @property
    def described(self) -> datetime | None:
        """The business instant the answer describes: ``effective_as_of`` when asked
        for, else ``as_of`` (nothing recorded by then was effective much later: business
        dates ahead of the clock are refused)."""
        return self.effective_as_of or self.as_of


class PastReadModels:
    """Builds and keeps (bounded, least recently used first out) past read models."""

    def __init__(self, app: OKRApplication, size: int = CACHE_SIZE) -> None:
        self.app = app
        self.size = size
        self._built: OrderedDict[tuple[UUID, int, datetime | None], Views] = OrderedDict()
        self._lock = threading.Lock()
        self._empty: ViewRecorder | None = None
        self.builds = 0  # how many were built (not found in the cache), for tests

    def moment(
        self,
        current: Views,
        organization_id: UUID,
        as_of: datetime | None,
        effective_as_of: datetime | None,
    ) -> Moment:
        """The organisation as known at ``as_of`` (None: now), its events effective by
        ``effective_as_of`` (None: all), read through the change timeline of ``current``
        (the read models now). An instant in the future is refused (``in-the-future``)."""
        as_of = _checked(as_of, self.app.clock(), "asOf")
        effective_as_of = _checked(effective_as_of, self.app.clock(), "effectiveAsOf")
        org = str(organization_id)
        position = _known_position(current, org, as_of)
        if not position:
            with self._lock:
                if self._empty is None:
                    self._empty = in_memory_views()
                empty = self._empty
            return Moment(organization_id, 0, as_of, effective_as_of, empty)
        version = current.query(
            "SELECT COUNT(*) FROM rm_timeline WHERE organization_id = :org "
            "AND aggregate_id = :org AND position <= :position",
            {"org": org, "position": position},
        )[0][0]
        key = (organization_id, position, effective_as_of)
        with self._lock:
            views = self._built.get(key)
            if views is not None:
                self._built.move_to_end(key)
        if views is None:
            views = self._build(current, org, position, effective_as_of)
            with self._lock:
                self._built[key] = views
                while len(self._built) > self.size:
                    self._built.popitem(last=False)
        return Moment(organization_id, position, as_of, effective_as_of, views, int(version))

    def _build(
        self, current: Views, org: str, position: int, effective_as_of: datetime | None
    ) -> ViewRecorder:
        ids = [
            UUID(str(row[0]))
            for row in current.query(
                "SELECT DISTINCT aggregate_id FROM rm_timeline "
                "WHERE organization_id = :org AND position <= :position",
                {"org": org, "position": position},
            )
        ]
        events = [
            (row[0], self.app.mapper.to_domain_event(_stored(row)))
            for row in EventRows(self.app).of(ids)
            if row[0] <= position
        ]
        if effective_as_of is not None:
            events = effective_events(events, effective_as_of)
        views = in_memory_views()
        replayed = [p for p in views.projections if not isinstance(p, ChangeTimeline)]
        for start in range(0, len(events), _BATCH):
            batch = events[start : start + _BATCH]
            views.apply_together([(p, batch) for p in replayed])
        self.builds += 1
        return views


def in_memory_views() -> ViewRecorder:
    """Every read model's tables, empty, in a new in-memory SQLite database (gone when
    the last reference to it is)."""
    name = f"file:okr-es-as-of-{uuid4().hex}?mode=memory&cache=shared"
    # A few connections: readers of one instant (shared cache) need not queue for one.
    datastore = SQLiteDatastore(name, pool_size=4, max_overflow=0)
    tracking = SQLiteTrackingRecorder(datastore)
    tracking.create_table()
    return ViewRecorder(tracking, all_projections())


def business_time(event: Any) -> datetime:
    """When the event took effect: its business date where it carries one, else when it
    was recorded."""
    for name in _BUSINESS_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, datetime):
            return value
    stamp: datetime = event.timestamp
    return stamp


def effective_events(
    events: Sequence[tuple[int, Any]], effective_as_of: datetime
) -> list[tuple[int, Any]]:
    """The ``(position, event)`` pairs that had taken effect by ``effective_as_of``.

    An event is left out when its business time (:func:`business_time`) is later, and
    so is every event of, or naming, what a left-out event created (an aggregate, a key
    result): a check-in of a key result added later, the events of an objective set
    later. A team's own record of setting or dropping an objective (``TeamCycleOpened``,
    ``ObjectiveCommitted``, ``ObjectiveWithdrawn``, saved with it) takes the business time
    of that objective's ``ObjectiveSet`` / ``ObjectiveDropped``, so an objective imported
    with a business date in the past counts in its team's set from that date too."""
    set_at: dict[UUID, datetime] = {}
    dropped_at: dict[UUID, datetime] = {}
    for _, event in events:
        if isinstance(event, Objective.ObjectiveSet):
            set_at[event.originator_id] = business_time(event)
        elif isinstance(event, Objective.ObjectiveDropped):
            dropped_at[event.originator_id] = business_time(event)
    opened_at: dict[UUID, datetime] = {}
    for _, event in events:
        if isinstance(event, TeamCycle.ObjectiveCommitted) and event.objective_id in set_at:
            first = opened_at.get(event.originator_id)
            when = set_at[event.objective_id]
            opened_at[event.originator_id] = when if first is None else min(first, when)
    left_out: set[UUID] = set()
    kept: list[tuple[int, Any]] = []
    for position, event in events:
        if _names(event) & left_out:
            continue
        when = _coupled_time(event, set_at, dropped_at, opened_at)
        if when > effective_as_of:
            if isinstance(event, Objective.KeyResultAdded):
                left_out.add(event.key_result_id)
            elif getattr(event, "originator_version", 0) == 1:
                left_out.add(event.originator_id)
            continue
        kept.append((position, event))
    return kept


def organization_then(app: OKRApplication, moment: Moment) -> Organization | None:
    """The organisation aggregate as it stood at the moment (None: not yet registered):
    names and rosters of a review as of then."""
    if not moment.organization_version:
        return None
    found = app.repository.get(
        moment.organization_id, version=moment.organization_version, projector_func=project_events
    )
    return found if isinstance(found, Organization) else None


_lock = threading.Lock()
_per_application: weakref.WeakKeyDictionary[OKRApplication, PastReadModels] = (
    weakref.WeakKeyDictionary()
)


def past_read_models(app: OKRApplication) -> PastReadModels:
    """The process's past read models of ``app`` (one cache per application)."""
    with _lock:
        found = _per_application.get(app)
        if found is None:
            found = _per_application[app] = PastReadModels(app)
        return found


def _coupled_time(
    event: Any,
    set_at: dict[UUID, datetime],
    dropped_at: dict[UUID, datetime],
    opened_at: dict[UUID, datetime],
) -> datetime:
    if isinstance(event, TeamCycle.TeamCycleOpened) and event.originator_id in opened_at:
        return opened_at[event.originator_id]
    if isinstance(event, TeamCycle.ObjectiveCommitted) and event.objective_id in set_at:
        return set_at[event.objective_id]
    if isinstance(event, TeamCycle.ObjectiveWithdrawn) and event.objective_id in dropped_at:
        return dropped_at[event.objective_id]
    return business_time(event)


def _names(event: Any) -> set[UUID]:
    named = {event.originator_id}
    for field in ("organization_id", "objective_id", "key_result_id"):
        value = getattr(event, field, None)
        if isinstance(value, UUID):
            named.add(value)
    return named


def _known_position(current: Views, org: str, as_of: datetime | None) -> int:
    """The last position of the organisation's events known at ``as_of`` (0: none)."""
    if as_of is None:
        rows = current.query(
            "SELECT MAX(position) FROM rm_timeline WHERE organization_id = :org", {"org": org}
        )
        return int(rows[0][0] or 0)
    after = current.query(
        "SELECT MIN(position) FROM rm_timeline WHERE organization_id = :org "
        "AND recorded_at > :as_of",
        {"org": org, "as_of": as_of.astimezone(UTC).isoformat()},
    )[0][0]
    bounded = "" if after is None else "AND position < :after "
    rows = current.query(
        f"SELECT MAX(position) FROM rm_timeline WHERE organization_id = :org {bounded}",
        {"org": org, "after": after} if after is not None else {"org": org},
    )
    return int(rows[0][0] or 0)


def _checked(when: datetime | None, now: datetime, field: str) -> datetime | None:
    if when is None:
        return None
    moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if moment > now:
        raise InvalidInput(
            f"{field} lies in the future: nothing is known of it yet",
            code="in-the-future",
            field=field,
        )
    return moment


def _stored(row: Sequence[Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(str(row[1])),
        originator_version=int(row[2]),
        topic=str(row[3]),
        state=state_bytes(row[4]),
    )
