"""Initiative endpoints: the work meant to move key results."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import (
    CommandResponse,
    InitiativeComplete,
    InitiativeCreate,
    InitiativeDueDate,
    InitiativeProgress,
    InitiativeStop,
    KeyResultLink,
)

fields = msgspec.structs.asdict


class InitiativeCommands(Controller):
    path = "/initiatives"
    tags = ["initiatives"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def start_initiative(
        self, data: JSONBody[InitiativeCreate], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Start an initiative in a unit, linked to key results."""
        access.unit_content(okr, principal, data.organization_id, data.unit_id)
        result = okr.start_initiative(
            organization_id=data.organization_id,
            unit_id=data.unit_id,
            title=data.title,
            owner_id=data.owner_id,
            key_results=[(k.objective_id, k.key_result_id) for k in data.key_results],
            due_on=data.due_on,
            by=principal.member_id,
        )
        return command_response(result, 201)

    @post("/{initiative_id:uuid}/links", status_code=201, sync_to_thread=True)
    def link_initiative(
        self,
        initiative_id: FromPath[UUID],
        data: JSONBody[KeyResultLink],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Link the initiative to another key result of the organisation."""
        access.initiative(okr, principal, initiative_id)
        result = okr.link_initiative(
            initiative_id=initiative_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post("/{initiative_id:uuid}/due-date", status_code=200, sync_to_thread=True)
    def change_initiative_due_date(
        self,
        initiative_id: FromPath[UUID],
        data: JSONBody[InitiativeDueDate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Set or move the day the initiative is due (null: no due date)."""
        access.initiative(okr, principal, initiative_id)
        return command_response(
            okr.change_initiative_due_date(
                initiative_id=initiative_id, by=principal.member_id, **fields(data)
            )
        )

    @post("/{initiative_id:uuid}/progress", status_code=200, sync_to_thread=True)
    def record_initiative_progress(
        self,
        initiative_id: FromPath[UUID],
        data: JSONBody[InitiativeProgress],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Report the initiative's progress (0–100 %)."""
        access.initiative(okr, principal, initiative_id)
        return command_response(
            okr.record_initiative_progress(
                initiative_id=initiative_id, by=principal.member_id, **fields(data)
            )
        )

    @post("/{initiative_id:uuid}/complete", status_code=200, sync_to_thread=True)
    def complete_initiative(
        self,
        initiative_id: FromPath[UUID],
        data: JSONBody[InitiativeComplete],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Mark the initiative as finished."""
        access.initiative(okr, principal, initiative_id)
        return command_response(
            okr.complete_initiative(
                initiative_id=initiative_id, by=principal.member_id, **fields(data)
            )
        )

    @post("/{initiative_id:uuid}/stop", status_code=200, sync_to_thread=True)
    def stop_initiative(
        self,
        initiative_id: FromPath[UUID],
        data: JSONBody[InitiativeStop],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Stop the initiative before it is finished, with a reason."""
        access.initiative(okr, principal, initiative_id)
        return command_response(
            okr.stop_initiative(initiative_id=initiative_id, by=principal.member_id, **fields(data))
        )
