"""A team's weekly progress meeting (fremdriftsmøte): the six points of its agenda as events.

The sources agree on a short weekly meeting with a fixed agenda: good news, OKR status
(check-ins made in the meeting), KPI review, initiatives, blockers and decisions, and the
priorities for the week. A meeting is its own aggregate: it is opened for a unit and a
cycle at a business time, collects what was shared, decided and agreed, and is closed with
who attended. Once closed it takes nothing more, except what happens during the week
after it: an agreed priority is marked done, a blocker raised in it is resolved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.personal_data import PersonalData
from okr_es.errors import InvalidInput, NotFound, RuleViolation

OPEN, CLOSED = "open", "closed"
# A decision cites at most this many key results; a meeting has at most this many attendees.
MAX_CITED = 20
MAX_ATTENDEES = 200


class Priority(msgspec.Struct):
    """A priority agreed for the week: what, who and by when; done once completed."""

    text: str
    owner_id: UUID
    due: date
    done: bool = False


class Meeting(OKRAggregate):
    """One weekly progress meeting of a unit in a cycle."""

    class MeetingOpened(OKRAggregate.Created):
        """A unit opened its weekly progress meeting for a cycle, led by a facilitator."""

        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID
        held_at: datetime
        facilitator_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.cycle_id = self.cycle_id
            aggregate.held_at = self.held_at
            aggregate.facilitator_id = self.facilitator_id
            aggregate.status = OPEN
            aggregate.priorities = {}
            aggregate.blockers = {}
            aggregate.attendee_ids = []

    class GoodNewsShared(OKRAggregate.Event):
        """Someone shared good news at the start of the meeting."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("text",), free_text=True)

        text: str

        def apply(self, aggregate: Any) -> None:
            pass

    class DecisionRecorded(OKRAggregate.Event):
        """The meeting decided something, optionally citing the key results it rests on."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("text",), free_text=True)

        text: str
        key_result_ids: list[UUID]

        def apply(self, aggregate: Any) -> None:
            pass

    class PriorityAgreed(OKRAggregate.Event):
        """The meeting agreed a priority for the week, with an owner and a due date."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("text",), free_text=True)

        priority_id: UUID
        text: str
        owner_id: UUID
        due: date

        def apply(self, aggregate: Any) -> None:
            aggregate.priorities[self.priority_id] = Priority(self.text, self.owner_id, self.due)

    class PriorityCompleted(OKRAggregate.Event):
        """A priority agreed in the meeting was done."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        priority_id: UUID
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.priorities[self.priority_id].done = True

    class BlockerRaised(OKRAggregate.Event):
        """Something standing in the team's way was raised in the meeting."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("text",), free_text=True)

        blocker_id: UUID
        text: str

        def apply(self, aggregate: Any) -> None:
            aggregate.blockers[self.blocker_id] = False

    class BlockerResolved(OKRAggregate.Event):
        """A blocker raised in the meeting was resolved."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("resolution",), free_text=True)

        blocker_id: UUID
        resolution: str

        def apply(self, aggregate: Any) -> None:
            aggregate.blockers[self.blocker_id] = True

    class MeetingCheckInLinked(OKRAggregate.Event):
        """A check-in was made in the meeting (saved with the objective's CheckInMade)."""

        objective_id: UUID
        key_result_id: UUID
        # The objective's version the check-in made: which CheckInMade this is.
        objective_version: int
        value: float
        status: str

        def apply(self, aggregate: Any) -> None:
            pass

    class MeetingClosed(OKRAggregate.Event):
        """The meeting ended; these members attended."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        attendee_ids: list[UUID]
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = CLOSED
            aggregate.attendee_ids = list(self.attendee_ids)

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID
        held_at: datetime
        facilitator_id: UUID
        status: str
        priorities: dict[UUID, Priority]
        blockers: dict[UUID, bool]
        attendee_ids: list[UUID]

    @classmethod
    def open(
        cls,
        *,
        meeting_id: UUID,
        organization_id: UUID,
        unit_id: UUID,
        cycle_id: UUID,
        held_at: datetime,
        facilitator_id: UUID,
        by: UUID,
    ) -> Meeting:
        """Open a meeting; the caller has checked unit, cycle and facilitator exist."""
        return cls._create(
            cls.MeetingOpened,
            id=meeting_id,
            organization_id=organization_id,
            unit_id=unit_id,
            cycle_id=cycle_id,
            held_at=held_at,
            facilitator_id=facilitator_id,
            by=by,
        )

    def share_good_news(self, *, text: Any, by: UUID) -> None:
        self._check_open()
        said = check.text(text, "text", max_length=check.TEXT_MAX)
        self.trigger_event(self.GoodNewsShared, text=said, by=by)

    def record_decision(self, *, text: Any, key_result_ids: list[UUID], by: UUID) -> None:
        """Record a decision; ``key_result_ids`` were checked to be the unit's in the cycle."""
        self._check_open()
        said = check.text(text, "text", max_length=check.TEXT_MAX)
        if len(key_result_ids) > MAX_CITED:
            raise InvalidInput(
                f"a decision cites at most {MAX_CITED} key results",
                code="out-of-range",
                field="key_result_ids",
            )
        cited = list(dict.fromkeys(key_result_ids))
        self.trigger_event(self.DecisionRecorded, text=said, key_result_ids=cited, by=by)

    def agree_priority(
        self, *, priority_id: UUID, text: Any, owner_id: UUID, due: Any, by: UUID
    ) -> None:
        """Agree a priority for the week; the owner was checked to be a member."""
        self._check_open()
        said = check.line(text, "text")
        due_day = check.day(due, "due")
        if due_day < self.held_at.date():
            raise InvalidInput(
                "a priority is due on or after the meeting's day", code="date-order", field="due"
            )
        self.trigger_event(
            self.PriorityAgreed,
            priority_id=priority_id,
            text=said,
            owner_id=owner_id,
            due=due_day,
            by=by,
        )

    def complete_priority(self, *, priority_id: UUID, note: Any, by: UUID) -> None:
        """Mark a priority done; allowed after the meeting closed (the week's work)."""
        priority = self.priority(priority_id)
        if priority.done:
            raise RuleViolation(
                f"the priority '{priority.text}' is done already",
                code="no-change",
                field="priority_id",
            )
        said = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        self.trigger_event(self.PriorityCompleted, priority_id=priority_id, note=said, by=by)

    def raise_blocker(self, *, blocker_id: UUID, text: Any, by: UUID) -> None:
        self._check_open()
        said = check.text(text, "text", max_length=check.TEXT_MAX)
        self.trigger_event(self.BlockerRaised, blocker_id=blocker_id, text=said, by=by)

    def resolve_blocker(self, *, blocker_id: UUID, resolution: Any, by: UUID) -> None:
        """Resolve a blocker raised in this meeting; allowed after the meeting closed."""
        if blocker_id not in self.blockers:
            raise NotFound(f"no blocker {blocker_id} in this meeting", field="blocker_id")
        if self.blockers[blocker_id]:
            raise RuleViolation(
                "the blocker is resolved already", code="no-change", field="blocker_id"
            )
        said = check.text(resolution, "resolution", max_length=check.TEXT_MAX, required=False)
        self.trigger_event(self.BlockerResolved, blocker_id=blocker_id, resolution=said, by=by)

    def link_check_in(
        self,
        *,
        objective_id: UUID,
        key_result_id: UUID,
        objective_version: int,
        value: float,
        status: str,
        by: UUID,
    ) -> None:
        """Link a check-in the caller made on an objective of the meeting's unit and cycle."""
        self._check_open()
        self.trigger_event(
            self.MeetingCheckInLinked,
            objective_id=objective_id,
            key_result_id=key_result_id,
            objective_version=objective_version,
            value=value,
            status=status,
            by=by,
        )

    def close(self, *, attendee_ids: list[UUID], note: Any, by: UUID) -> None:
        """Close the meeting; ``attendee_ids`` were checked to be members."""
        self._check_open()
        attendees = list(dict.fromkeys(attendee_ids))
        if not attendees:
            raise InvalidInput(
                "a meeting has at least one attendee", code="empty", field="attendee_ids"
            )
        if len(attendees) > MAX_ATTENDEES:
            raise InvalidInput(
                f"a meeting has at most {MAX_ATTENDEES} attendees",
                code="out-of-range",
                field="attendee_ids",
            )
        said = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        self.trigger_event(self.MeetingClosed, attendee_ids=attendees, note=said, by=by)

    def priority(self, priority_id: UUID) -> Priority:
        found = self.priorities.get(priority_id)
        if found is None:
            raise NotFound(f"no priority {priority_id} in this meeting", field="priority_id")
        return found

    def _check_open(self) -> None:
        if self.status != OPEN:
            raise RuleViolation(
                "the meeting is closed; it takes no more items", code="meeting-closed"
            )
