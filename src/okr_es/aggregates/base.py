"""What every okr-es aggregate and event shares: the acting member on each event, and the
clock that stamps when an event was recorded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo

# The clock that stamps events (their recorded time). Unset everywhere but where history
# is seeded on purpose (the demo): the real time, as the library stamps it.
_RECORDING_CLOCK: ContextVar[Callable[[], datetime] | None] = ContextVar(
    "okr_es_recording_clock", default=None
)


@contextlib.contextmanager
def recorded_by(clock: Callable[[], datetime]) -> Iterator[None]:
    """Stamp the events made in this thread (and its context) by ``clock`` instead of the
    real time, until the block ends. Only for seeding a history that reads as if it had
    been recorded over time (:mod:`okr_es.demo`); the caller keeps ``clock`` monotonic."""
    token = _RECORDING_CLOCK.set(clock)
    try:
        yield
    finally:
        _RECORDING_CLOCK.reset(token)


class OKRAggregate(Aggregate):
    """An aggregate whose every event names the member who caused it."""

    class Event(Aggregate.Event):
        by: UUID

        @staticmethod
        def create_timestamp() -> datetime:
            clock = _RECORDING_CLOCK.get()
            return datetime_now_with_tzinfo() if clock is None else clock()

    class Created(Event, Aggregate.Created):
        pass
