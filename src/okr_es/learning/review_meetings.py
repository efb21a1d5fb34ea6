"""The meetings of a unit's cycle, replayed for its review: the decisions taken, the
priorities agreed and whether they were done, and whether last week's were.

Fed in log order by :class:`~okr_es.learning.review_replay.ReplayState` with the meeting
events of the unit's cycle (domain events or their records, which carry ids as text);
:func:`meetings_review` turns what was replayed into the review's section. No clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from okr_es.learning.report_words import day
from okr_es.vocabulary.language import Language

# The meeting events a review reads (the reviews read model keeps these as facts).
REVIEWED_MEETING_EVENTS = frozenset(
    {
        "MeetingOpened",
        "DecisionRecorded",
        "PriorityAgreed",
        "PriorityCompleted",
        "MeetingClosed",
    }
)
# Every meeting event: a replay from the store meets them all and ignores the others.
MEETING_EVENTS = REVIEWED_MEETING_EVENTS | {
    "GoodNewsShared",
    "BlockerRaised",
    "BlockerResolved",
    "MeetingCheckInLinked",
}


class MeetingDecision(msgspec.Struct, frozen=True):
    meeting_id: UUID
    held_at: datetime
    text: str
    key_result_ids: list[UUID]
    by_name: str


class MeetingPriority(msgspec.Struct, frozen=True):
    meeting_id: UUID
    held_at: datetime
    text: str
    owner_id: UUID | None
    owner_name: str
    due: date
    done: bool
    done_at: datetime | None


class PriorityFollowThrough(msgspec.Struct, frozen=True):
    """The priorities agreed at the meeting before the latest one, and how many are done."""

    meeting_id: UUID
    held_at: datetime
    agreed: int
    done: int


class MeetingsReview(msgspec.Struct, frozen=True):
    meetings: int = 0
    closed: int = 0
    decisions: list[MeetingDecision] = msgspec.field(default_factory=list)
    priorities: list[MeetingPriority] = msgspec.field(default_factory=list)
    last_week: PriorityFollowThrough | None = None


class _Meeting:
    def __init__(self, id: UUID, held_at: datetime, order: int) -> None:
        self.id = id
        self.held_at = held_at
        self.order = order
        self.closed = False
        self.decisions: list[tuple[str, list[UUID], Any]] = []
        # Keyed by priority id as the events carry it.
        self.priorities: dict[Any, list[Any]] = {}


class MeetingReplay:
    """A unit's meetings in a cycle, as their events are added in log order."""

    def __init__(self, uuid: Callable[[Any], UUID | None]) -> None:
        self._uuid = uuid
        self._meetings: dict[Any, _Meeting] = {}

    def add(self, kind: str, e: Any) -> None:
        if kind == "MeetingOpened":
            meeting_id = self._uuid(e.originator_id)
            assert meeting_id is not None
            self._meetings[e.originator_id] = _Meeting(meeting_id, e.held_at, len(self._meetings))
            return
        meeting = self._meetings.get(e.originator_id)
        if meeting is None:
            return
        if kind == "DecisionRecorded":
            cited = [u for u in map(self._uuid, e.key_result_ids) if u is not None]
            meeting.decisions.append((e.text, cited, self._uuid(getattr(e, "by", None))))
        elif kind == "PriorityAgreed":
            meeting.priorities[e.priority_id] = [e.text, self._uuid(e.owner_id), e.due, None]
        elif kind == "PriorityCompleted":
            found = meeting.priorities.get(e.priority_id)
            if found is not None:
                found[3] = e.timestamp
        elif kind == "MeetingClosed":
            meeting.closed = True


def meetings_review(replay: MeetingReplay, names: Mapping[UUID, str]) -> MeetingsReview:
    """The review's section of the unit's meetings, in the order they were held."""
    held = sorted(replay._meetings.values(), key=lambda m: (m.held_at, m.order))
    decisions = [
        MeetingDecision(
            meeting_id=m.id,
            held_at=m.held_at,
            text=text,
            key_result_ids=cited,
            by_name=names.get(by, "") if by is not None else "",
        )
        for m in held
        for text, cited, by in m.decisions
    ]
    priorities = [
        MeetingPriority(
            meeting_id=m.id,
            held_at=m.held_at,
            text=text,
            owner_id=owner,
            owner_name=names.get(owner, "") if owner is not None else "",
            due=due if isinstance(due, date) else date.fromisoformat(due),
            done=done_at is not None,
            done_at=done_at,
        )
        for m in held
        for text, owner, due, done_at in m.priorities.values()
    ]
    last_week = None
    if len(held) >= 2:
        before = held[-2]
        last_week = PriorityFollowThrough(
            meeting_id=before.id,
            held_at=before.held_at,
            agreed=len(before.priorities),
            done=sum(1 for p in before.priorities.values() if p[3] is not None),
        )
    return MeetingsReview(
        meetings=len(held),
        closed=sum(1 for m in held if m.closed),
        decisions=decisions,
        priorities=priorities,
        last_week=last_week,
    )


def meeting_lines(meetings: MeetingsReview, language: Language) -> list[str]:
    """The meeting section of a review report as plain lines, in its language: the
    follow-through of last week's priorities, each decision, each priority (done or not)."""
    nb = language == "nb"
    lines = [
        f"{meetings.meetings} møter, {meetings.closed} avsluttet"
        if nb
        else f"{meetings.meetings} meetings, {meetings.closed} closed"
    ]
    last = meetings.last_week
    if last is not None:
        held = day(last.held_at.date(), language)
        lines.append(
            f"Forrige ukes prioriteringer ({held}): {last.done} av {last.agreed} gjort"
            if nb
            else f"Last week's priorities ({held}): {last.done} of {last.agreed} done"
        )
    for d in meetings.decisions:
        word = "Beslutning" if nb else "Decision"
        lines.append(f"{word} {day(d.held_at.date(), language)}: {d.text}")
    for p in meetings.priorities:
        done = ("gjort" if nb else "done") if p.done else ("ikke gjort" if nb else "not done")
        word = "Prioritering" if nb else "Priority"
        lines.append(
            f"{word} {day(p.held_at.date(), language)}: {p.text} ({p.owner_name}, "
            f"{day(p.due, language)}, {done})"
        )
    return lines
