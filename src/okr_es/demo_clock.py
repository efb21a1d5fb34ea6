"""The recorded clock of a seeded history: the demo's events are stamped as if they had
been recorded over the quarters they tell of, not all within the second the seeding took.

Business dates (``effective_at``, ``checked_in_at``) say when something happened; the
recorded time of an event (its timestamp, what ``asOf`` travels by) says when okr-es
learnt of it. A history seeded in one go has business dates across three quarters but
recorded times all "now", so ``asOf`` last quarter would find nothing. Seeding moves a
:class:`DemoClock` forward to the business time of each step (:class:`DemoPlan` runs the
steps in business-time order), and every event made meanwhile is stamped by it
(:func:`okr_es.aggregates.base.recorded_by`). The clock

* never goes back: each stamp is later than the one before (by a microsecond at least),
  and the first is later than the last event already in the log;
* never passes the real time: a step planned after the real now is stamped now.

Outside seeding nothing changes: events are stamped with the real time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from okr_es.aggregates.base import recorded_by
from okr_es.application import OKRApplication, utc_now

__all__ = ["DemoClock", "DemoPlan"]

_TICK = timedelta(microseconds=1)


class DemoClock:
    """Recorded time that moves forward through a seeded history (see the module)."""

    def __init__(self, start: datetime, *, real: Callable[[], datetime] = utc_now) -> None:
        self._real = real
        self._target = start
        self._last: datetime | None = None

    @classmethod
    def after_log(
        cls, app: OKRApplication, start: datetime, *, real: Callable[[], datetime] = utc_now
    ) -> DemoClock:
        """A clock starting at ``start``, or later: after the last event in ``app``'s log,
        so the log's recorded times never go back."""
        clock = cls(start, real=real)
        head = app.position()
        if head:
            event: Any = app.decode(app.notifications(head, 1)[0])
            clock._last = event.timestamp
        return clock

    @property
    def last(self) -> datetime | None:
        """The last time stamped (None before the first event)."""
        return self._last

    def advance_to(self, when: datetime) -> None:
        """Move to the business time ``when`` (never back; never past the real now)."""
        moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        self._target = max(self._target, moment)

    def now(self) -> datetime:
        """The recorded time of the next event: later than the last one stamped."""
        wanted = min(self._target, self._real())
        stamp = wanted if self._last is None else max(self._last + _TICK, wanted)
        self._last = stamp
        return stamp

    @contextlib.contextmanager
    def recording(self) -> Iterator[DemoClock]:
        """Stamp every event made in this block by this clock."""
        with recorded_by(self.now):
            yield self

    @contextlib.contextmanager
    def at(self, when: datetime) -> Iterator[DemoClock]:
        """Move to ``when``, then stamp every event made in this block by this clock: how
        a seeding step called after the quarters are recorded (meetings, reminders…)
        records its own events (``with summary.clock.at(when): app.…``)."""
        self.advance_to(when)
        with self.recording():
            yield self


@dataclass
class DemoPlan:
    """Seeding steps, each at a business time, run in that order (steps at the same time
    in the order they were planned), each recorded at its time by the clock."""

    steps: list[tuple[datetime, int, Callable[[], Any]]] = field(default_factory=list)

    def at(self, when: datetime, step: Callable[[], Any]) -> None:
        self.steps.append((when, len(self.steps), step))

    def run(self, clock: DemoClock) -> None:
        for when, _, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            with clock.at(when):
                step()
        self.steps.clear()
