"""Use cases of a unit's weekly progress meeting (fremdriftsmøte)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.errors import InvalidInput, NotFound, RuleViolation
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class MeetingCommands(AggregateReads):
    """Open, run and close a weekly progress meeting; mark its priorities done."""

    def open_meeting(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        cycle_id: Any,
        facilitator_id: Any,
        by: Any,
        held_at: Any = None,
    ) -> CommandResult:
        """Open a unit's meeting for a cycle at ``held_at`` (default: now)."""
        when = self._business_time(held_at, "held_at") or self.clock()
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.active_unit(check.identifier(unit_id, "unit_id"))
        cycle = self._of_organization(Cycle, org.id, cycle_id, "cycle_id")
        facilitator = org.active_member(
            check.identifier(facilitator_id, "facilitator_id"), field="facilitator_id"
        )
        meeting_id = uuid4()
        meeting = Meeting.open(
            meeting_id=meeting_id,
            organization_id=org.id,
            unit_id=unit.id,
            cycle_id=cycle.id,
            held_at=when,
            facilitator_id=facilitator.id,
            by=actor,
        )
        return self._saved(meeting, ids={"meeting_id": meeting_id})

    def share_good_news(self, *, meeting_id: Any, text: Any, by: Any) -> CommandResult:
        """Share good news in the meeting."""
        return self._on_meeting(
            meeting_id,
            by,
            lambda m, actor: m.share_good_news(text=text, by=actor),
            "share_good_news",
        )

    def record_decision(
        self, *, meeting_id: Any, text: Any, by: Any, key_result_ids: Sequence[Any] = ()
    ) -> CommandResult:
        """Record a decision, citing key results of the unit's objectives in the cycle."""
        if not isinstance(key_result_ids, (list, tuple)):
            raise InvalidInput(
                "key_result_ids is a list", code="wrong-type", field="key_result_ids"
            )
        ids = [check.identifier(k, f"key_result_ids[{i}]") for i, k in enumerate(key_result_ids)]

        def change(meeting: Meeting, actor: UUID) -> None:
            known = self._key_results_of(meeting)
            for index, kr_id in enumerate(ids):
                if kr_id not in known:
                    raise NotFound(
                        f"no key result {kr_id} of the unit's objectives in the meeting's cycle",
                        field=f"key_result_ids[{index}]",
                    )
            meeting.record_decision(text=text, key_result_ids=ids, by=actor)

        return self._on_meeting(meeting_id, by, change, "record_decision")

    def agree_priority(
        self, *, meeting_id: Any, text: Any, owner_id: Any, due: Any, by: Any
    ) -> CommandResult:
        """Agree a priority for the week: text, owner (a member) and due date."""
        priority_id = uuid4()

        def change(meeting: Meeting, actor: UUID) -> None:
            owner = self._member(meeting.organization_id, owner_id, "owner_id")
            meeting.agree_priority(
                priority_id=priority_id, text=text, owner_id=owner, due=due, by=actor
            )

        return self._on_meeting(
            meeting_id, by, change, "agree_priority", {"priority_id": priority_id}
        )

    def complete_priority(
        self, *, meeting_id: Any, priority_id: Any, by: Any, note: Any = ""
    ) -> CommandResult:
        """Mark a priority agreed in the meeting done (also after the meeting closed)."""
        pid = check.identifier(priority_id, "priority_id")
        return self._on_meeting(
            meeting_id,
            by,
            lambda m, actor: m.complete_priority(priority_id=pid, note=note, by=actor),
            "complete_priority",
        )

    def raise_blocker(self, *, meeting_id: Any, text: Any, by: Any) -> CommandResult:
        """Raise something that stands in the team's way."""
        blocker_id = uuid4()
        return self._on_meeting(
            meeting_id,
            by,
            lambda m, actor: m.raise_blocker(blocker_id=blocker_id, text=text, by=actor),
            "raise_blocker",
            {"blocker_id": blocker_id},
        )

    def resolve_blocker(
        self, *, meeting_id: Any, blocker_id: Any, by: Any, resolution: Any = ""
    ) -> CommandResult:
        """Resolve a blocker raised in the meeting (also after the meeting closed)."""
        bid = check.identifier(blocker_id, "blocker_id")
        return self._on_meeting(
            meeting_id,
            by,
            lambda m, actor: m.resolve_blocker(blocker_id=bid, resolution=resolution, by=actor),
            "resolve_blocker",
        )

    def check_in_at_meeting(
        self,
        *,
        meeting_id: Any,
        objective_id: Any,
        key_result_id: Any,
        value: Any,
        status: Any,
        by: Any,
        comment: Any = "",
        blockers: Any = "",
        confidence: Any = None,
    ) -> CommandResult:
        """A check-in made in the meeting: the objective's ``CheckInMade`` and the
        meeting's link to it are saved together (one transaction), at the meeting's time."""
        meeting, actor = self._meeting_and_actor(meeting_id, by)
        objective = self._of_organization(
            Objective, meeting.organization_id, objective_id, "objective_id"
        )
        if (objective.unit_id, objective.cycle_id) != (meeting.unit_id, meeting.cycle_id):
            raise RuleViolation(
                "the objective is not the meeting's unit's in the meeting's cycle",
                code="not-in-meeting-cycle",
                field="objective_id",
            )
        kr_id = check.identifier(key_result_id, "key_result_id")
        objective.check_in(
            key_result_id=kr_id,
            value=value,
            status=status,
            comment=comment,
            blockers=blockers,
            confidence=confidence,
            checked_in_at=meeting.held_at,
            by=actor,
        )
        made = objective.pending_events[-1]
        meeting.link_check_in(
            objective_id=objective.id,
            key_result_id=kr_id,
            objective_version=objective.version,
            value=made.value,  # type: ignore[attr-defined]
            status=made.status,  # type: ignore[attr-defined]
            by=actor,
        )
        return self._saved(objective, meeting)

    def close_meeting(
        self, *, meeting_id: Any, attendee_ids: Sequence[Any], by: Any, note: Any = ""
    ) -> CommandResult:
        """Close the meeting with who attended (members of the organisation)."""
        meeting, actor = self._meeting_and_actor(meeting_id, by)
        if not isinstance(attendee_ids, (list, tuple)):
            raise InvalidInput("attendee_ids is a list", code="wrong-type", field="attendee_ids")
        attendees = []
        for index, value in enumerate(attendee_ids):
            attendees.append(self._member(meeting.organization_id, value, f"attendee_ids[{index}]"))
        meeting.close(attendee_ids=attendees, note=note, by=actor)
        return self._saved(meeting, expected=meeting)

    # --- helpers ----------------------------------------------------------------------------

    def get_meeting(self, meeting_id: Any) -> Meeting:
        return self._get(Meeting, check.identifier(meeting_id, "meeting_id"), "meeting_id")

    def _member(self, organization_id: UUID, value: Any, field: str) -> UUID:
        """An active member of the organisation, by id (``NotFound`` on ``field`` otherwise;
        one added a moment ago through another process counts; a deactivated one is
        ``member-inactive``)."""
        member_id = check.identifier(value, field)
        self.read_aggregate_having(
            Organization, organization_id, lambda o: o.active_member(member_id, field=field)
        )
        return member_id

    def _on_meeting(
        self,
        meeting_id: Any,
        by: Any,
        change: Callable[[Meeting, UUID], None],
        command: str,
        ids: dict[str, UUID] | None = None,
    ) -> CommandResult:
        """Items commute (several people add them during one meeting), so a concurrent
        change is retried (bounded) on the meeting as it now stands, not refused."""

        def attempt() -> CommandResult:
            meeting, actor = self._meeting_and_actor(meeting_id, by)
            change(meeting, actor)
            return self._saved(meeting, ids=ids, expected=meeting)

        return self._retrying(attempt, self.settings.check_in_retries, command)

    def _meeting_and_actor(self, meeting_id: Any, by: Any) -> tuple[Meeting, UUID]:
        meeting = self.get_meeting(meeting_id)
        _, actor = self._organization_and_actor(meeting.organization_id, by)
        return meeting, actor

    def _key_results_of(self, meeting: Meeting) -> set[UUID]:
        """Every key result of the unit's objectives committed to the meeting's cycle."""
        team_cycle = self.get_team_cycle(meeting.unit_id, meeting.cycle_id)
        if team_cycle is None:
            return set()
        found: set[UUID] = set()
        for objective_id in team_cycle.objective_ids:
            objective = self._get(Objective, objective_id, copy=False)
            found.update(kr.id for kr in objective.active_key_results())
        return found
