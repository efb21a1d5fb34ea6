"""What every okr-es aggregate and event shares: the acting member on each event."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate


class OKRAggregate(Aggregate):
    """An aggregate whose every event names the member who caused it."""

    class Event(Aggregate.Event):
        by: UUID

    class Created(Event, Aggregate.Created):
        pass
