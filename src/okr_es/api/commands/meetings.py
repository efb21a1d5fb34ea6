"""Meeting endpoints: a unit's weekly progress meeting (fremdriftsmøte), item by item."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import Body, CommandResponse, Instant

fields = msgspec.structs.asdict


class MeetingOpen(Body):
    organization_id: UUID
    unit_id: UUID
    cycle_id: UUID
    facilitator_id: UUID
    held_at: Instant | None = None


class MeetingText(Body):
    text: str


class DecisionCreate(Body):
    text: str
    key_result_ids: list[UUID] = msgspec.field(default_factory=list)


class PriorityCreate(Body):
    text: str
    owner_id: UUID
    due: date


class PriorityComplete(Body):
    note: str = ""


class BlockerResolve(Body):
    resolution: str = ""


class MeetingCheckIn(Body):
    objective_id: UUID
    key_result_id: UUID
    value: float
    status: str
    comment: str = ""
    blockers: str = ""
    confidence: float | None = None


class MeetingClose(Body):
    attendee_ids: list[UUID]
    note: str = ""


class MeetingCommands(Controller):
    path = "/meetings"
    tags = ["meetings"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def open_meeting(
        self, data: JSONBody[MeetingOpen], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Open the unit's weekly progress meeting for a cycle."""
        access.unit_content(okr, principal, data.organization_id, data.unit_id)
        result = okr.open_meeting(by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post("/{meeting_id:uuid}/good-news", status_code=201, sync_to_thread=True)
    def share_good_news(
        self, meeting_id: FromPath[UUID], data: JSONBody[MeetingText], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Share good news in the meeting."""
        access.meeting(okr, principal, meeting_id)
        result = okr.share_good_news(meeting_id=meeting_id, by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post("/{meeting_id:uuid}/decisions", status_code=201, sync_to_thread=True)
    def record_decision(
        self,
        meeting_id: FromPath[UUID],
        data: JSONBody[DecisionCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Record a decision, optionally citing key results of the unit in the cycle."""
        access.meeting(okr, principal, meeting_id)
        result = okr.record_decision(meeting_id=meeting_id, by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post("/{meeting_id:uuid}/priorities", status_code=201, sync_to_thread=True)
    def agree_priority(
        self,
        meeting_id: FromPath[UUID],
        data: JSONBody[PriorityCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Agree a priority for the week: text, owner and due date."""
        access.meeting(okr, principal, meeting_id)
        result = okr.agree_priority(meeting_id=meeting_id, by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post(
        "/{meeting_id:uuid}/priorities/{priority_id:uuid}/complete",
        status_code=200,
        sync_to_thread=True,
    )
    def complete_priority(
        self,
        meeting_id: FromPath[UUID],
        priority_id: FromPath[UUID],
        data: JSONBody[PriorityComplete],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Mark a priority done (its owner may, as may the unit's writers)."""
        access.meeting(okr, principal, meeting_id, priority_id)
        result = okr.complete_priority(
            meeting_id=meeting_id, priority_id=priority_id, by=principal.member_id, **fields(data)
        )
        return command_response(result)

    @post("/{meeting_id:uuid}/blockers", status_code=201, sync_to_thread=True)
    def raise_blocker(
        self, meeting_id: FromPath[UUID], data: JSONBody[MeetingText], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Raise a blocker in the meeting."""
        access.meeting(okr, principal, meeting_id)
        result = okr.raise_blocker(meeting_id=meeting_id, by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post(
        "/{meeting_id:uuid}/blockers/{blocker_id:uuid}/resolve",
        status_code=200,
        sync_to_thread=True,
    )
    def resolve_blocker(
        self,
        meeting_id: FromPath[UUID],
        blocker_id: FromPath[UUID],
        data: JSONBody[BlockerResolve],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Resolve a blocker raised in the meeting."""
        access.meeting(okr, principal, meeting_id)
        result = okr.resolve_blocker(
            meeting_id=meeting_id, blocker_id=blocker_id, by=principal.member_id, **fields(data)
        )
        return command_response(result)

    @post("/{meeting_id:uuid}/check-ins", status_code=201, sync_to_thread=True)
    def check_in_at_meeting(
        self,
        meeting_id: FromPath[UUID],
        data: JSONBody[MeetingCheckIn],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Check in a key result of the unit in the meeting (linked to the meeting)."""
        access.meeting(okr, principal, meeting_id)
        result = okr.check_in_at_meeting(
            meeting_id=meeting_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post("/{meeting_id:uuid}/close", status_code=200, sync_to_thread=True)
    def close_meeting(
        self, meeting_id: FromPath[UUID], data: JSONBody[MeetingClose], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Close the meeting with who attended."""
        access.meeting(okr, principal, meeting_id)
        result = okr.close_meeting(meeting_id=meeting_id, by=principal.member_id, **fields(data))
        return command_response(result)
