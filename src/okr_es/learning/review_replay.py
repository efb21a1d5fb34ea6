"""A unit's cycle replayed into plain state for its review: objectives, key results with
their check-ins and status transitions, drops, reflections."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from okr_es.aggregates.key_result import (
    SPAN_METRICS,
    progress,
)
from okr_es.learning.review_meetings import MEETING_EVENTS, MeetingReplay
from okr_es.learning.review_result import CheckIn, Transition

# --- replaying the events into plain state --------------------------------------------------


class _KR:
    def __init__(self, e: Any, id: UUID) -> None:
        self.id = id
        self.key = e.key_result_id  # as the events carry it (text in records)
        self.title: str = e.title
        self.metric: str = e.metric
        self.start: float | None = e.start
        self.target: float | None = e.target
        self.unit: str = e.unit
        self.original_target = e.target
        self.measure()
        self.removed = False
        self.removed_reason = ""
        # Tuples where most key results keep none: an object less each to build.
        self.adjustments: tuple[Any, ...] = ()
        self.check_ins: list[CheckIn] = []
        self._ordered: list[CheckIn] | None = None
        self._days: Sequence[date] = ()

    def measure(self) -> None:
        """How a value's progress is worked out, for the start and target in force."""
        self.progress = functools.partial(progress, self.metric, self.start, self.target)
        # (start, target - start) where progress is the share of that span, as
        # ``progress`` works it out: the replay inlines it (a call per check-in costs
        # more than the rest of the check-in's replay).
        self.span: tuple[float, float] | None = None
        start, target = self.start, self.target
        if (
            self.metric in SPAN_METRICS
            and start is not None
            and target is not None
            and target != start
        ):
            self.span = (start, target - start)

    def ordered(self) -> list[CheckIn]:
        """The check-ins by business time (stable: the same time stays in log order)."""
        if self._ordered is None or len(self._ordered) != len(self.check_ins):
            self._ordered = sorted(self.check_ins, key=_at)
            self._days = list(map(datetime.date, map(_at, self._ordered)))
        return self._ordered

    def days(self) -> Sequence[date]:
        """The day of each check-in of :meth:`ordered`."""
        self.ordered()
        return self._days


class _Objective:
    def __init__(self, e: Any, id: UUID, carried_over_from: UUID | None) -> None:
        self.id = id
        self.title: str = e.title
        self.why: str = e.why
        self.carried_over_from = carried_over_from
        self.status = "active"
        self.note = ""
        # Keyed by key result id as the events carry it (text in records).
        self.scores: dict[Any, float] = {}
        self.key_results: dict[Any, _KR] = {}
        self.transitions = [Transition(_business(e, "effective_at"), None, "active")]


class _Dropped:
    def __init__(self, o: _Objective, e: Any, by: UUID | None) -> None:
        self.objective_id = o.id
        self.title = o.title
        self.reason: str = e.reason
        self.effective_at = _business(e, "effective_at")
        self.recorded_at: datetime = e.timestamp
        self.by = by


class ReplayState:
    """The state a unit's events build for its review (see
    :class:`okr_es.learning.review.ReviewReplay`, which adds them and reviews)."""

    def __init__(self) -> None:
        self.unit_id: Any = None
        self.closed = False
        # Keyed by objective / key result id as the events carry them.
        self.objectives: dict[Any, _Objective] = {}
        self._key_results: dict[Any, _KR] = {}
        self.dropped: list[_Dropped] = []
        self.reflections: list[dict[str, Any]] = []
        # The latest business time of the events other than check-ins.
        self._last_other: datetime | None = None
        self._uuids: dict[Any, UUID] = {}
        self.meetings = MeetingReplay(self.uuid)
        # ReminderSent events (or records) of the unit in the cycle, in log order.
        self.reminders: list[Any] = []

    def uuid(self, value: Any) -> UUID | None:
        """An id as a UUID, whether an event carried it as one or as text (records)."""
        if value is None:
            return None
        found = self._uuids.get(value)
        if found is None:
            found = self._uuids[value] = msgspec.convert(value, UUID)
        return found

    def add(self, e: Any) -> None:
        """Replay one more event of the unit's team cycle or of one of its objectives."""
        kind = type(e).__name__
        if kind == "CheckInMade":
            self.add_check_ins((e,))
            return
        if kind in MEETING_EVENTS:
            # Meetings are their own section; they move neither the cycle's objectives
            # nor the day a running cycle is reviewed up to.
            self.meetings.add(kind, e)
        if kind == "ReminderSent":
            # Not something the unit did: it moves neither the review's "as of" nor state.
            self.reminders.append(e)
            return
        when = _business(e, "effective_at")
        if self._last_other is None or when > self._last_other:
            self._last_other = when
        self._apply(kind, e)

    def add_check_ins(self, check_ins: Iterable[Any]) -> None:
        """Replay check-ins (``CheckInMade`` events or records) that follow each other
        in one objective's history: what :meth:`add` does with each, in one loop, as
        they are most of a cycle's events."""
        key_results = self._key_results
        uuids = self._uuids
        for e in check_ins:
            kr = key_results.get(e.key_result_id)
            if kr is None:
                continue
            # Progress against the target in force when the value was reported, so a
            # later adjustment does not rewrite how far the team seemed to be then.
            value = e.value
            span = kr.span
            if span is None:
                done = round(kr.progress(value), 4)
            else:
                share = (value - span[0]) / span[1]
                done = 0.0 if share <= 0.0 else 1.0 if share > 1.0 else round(share, 4)
            by = e.by
            kr.check_ins.append(
                CheckIn(
                    e.checked_in_at,
                    e.timestamp,
                    value,
                    e.status,
                    done,
                    None if by is None else (uuids.get(by) or self.uuid(by)),
                    e.confidence,
                )
            )

    def all_key_results(self) -> list[_KR]:
        """Every key result replayed, removed ones too."""
        return list(self._key_results.values())

    @property
    def last_business(self) -> datetime | None:
        """The latest business time of anything replayed (a check-in's, an effective
        time, or else a recording time)."""
        times = [kr.ordered()[-1].at for kr in self._key_results.values() if kr.check_ins]
        if self._last_other is not None:
            times.append(self._last_other)
        return max(times, default=None)

    def _apply(self, kind: str, e: Any) -> None:
        if kind == "TeamCycleOpened":
            self.unit_id = e.unit_id
        elif kind == "TeamCycleClosed":
            self.closed = True
        elif kind == "ReflectionRecorded":
            self.reflections.append(
                {
                    "keep_doing": e.keep_doing,
                    "stop_doing": e.stop_doing,
                    "start_doing": e.start_doing,
                    "learnings": e.learnings,
                    "recorded_at": e.timestamp,
                    "effective_at": _business(e, "effective_at"),
                    "by": self.uuid(getattr(e, "by", None)),
                }
            )
        elif kind == "ObjectiveSet":
            objective_id = self.uuid(e.originator_id)
            assert objective_id is not None
            self.objectives[e.originator_id] = _Objective(
                e, objective_id, self.uuid(e.carried_over_from)
            )
            self.unit_id = self.unit_id or e.unit_id
        else:
            o = self.objectives.get(e.originator_id)
            if o is not None:
                self._apply_to_objective(o, kind, e)

    def _apply_to_objective(self, o: _Objective, kind: str, e: Any) -> None:
        if kind == "ObjectiveReworded":
            o.title = e.title
        elif kind == "KeyResultAdded":
            key_result_id = self.uuid(e.key_result_id)
            assert key_result_id is not None
            o.key_results[e.key_result_id] = self._key_results[e.key_result_id] = _KR(
                e, key_result_id
            )
        elif kind == "KeyResultAdjusted":
            kr = o.key_results[e.key_result_id]
            kr.adjustments = (*kr.adjustments, e)
            kr.title, kr.start, kr.target, kr.unit = e.title, e.start, e.target, e.unit
            kr.measure()
        elif kind == "KeyResultRemoved":
            kr = o.key_results[e.key_result_id]
            kr.removed, kr.removed_reason = True, e.reason
        elif kind in ("ObjectiveDropped", "ObjectiveClosed", "ObjectiveReopened"):
            to = {"ObjectiveDropped": "dropped", "ObjectiveClosed": "closed"}.get(kind, "active")
            o.transitions.append(Transition(_business(e, "effective_at"), o.status, to))
            o.status = to
            if kind == "ObjectiveDropped":
                o.note = e.reason
                self.dropped.append(_Dropped(o, e, self.uuid(getattr(e, "by", None))))
            elif kind == "ObjectiveClosed":
                o.scores, o.note = dict(e.scores), e.note
            else:
                o.scores, o.note = {}, e.reason


_at = operator.attrgetter("at")
_status = operator.attrgetter("status")
_value = operator.attrgetter("value")


def _business(e: Any, *fields: str) -> datetime:
    """When it happened in business time; the recorded time when none was given."""
    for name in fields:
        value = getattr(e, name, None)
        if isinstance(value, datetime):
            return value
    stamp: datetime = e.timestamp
    return stamp
