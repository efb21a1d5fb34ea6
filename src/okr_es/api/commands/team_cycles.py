"""A unit's cycle: reflections at the end of a cycle, and closing the unit's OKR set."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import CommandResponse, ReflectionCreate, TeamCycleClose

fields = msgspec.structs.asdict


class TeamCycleCommands(Controller):
    path = "/units/{unit_id:uuid}/cycles/{cycle_id:uuid}"
    tags = ["unit cycles"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/reflections", status_code=201, sync_to_thread=True)
    def record_reflection(
        self,
        unit_id: FromPath[UUID],
        cycle_id: FromPath[UUID],
        data: JSONBody[ReflectionCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Record what the unit keeps, stops and starts doing, and its learnings."""
        access.unit_content(okr, principal, principal.organization_id, unit_id)
        result = okr.record_reflection(
            unit_id=unit_id, cycle_id=cycle_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post("/close", status_code=200, sync_to_thread=True)
    def close_team_cycle(
        self,
        unit_id: FromPath[UUID],
        cycle_id: FromPath[UUID],
        data: JSONBody[TeamCycleClose],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Close the unit's cycle once every objective is closed or dropped."""
        access.unit_content(okr, principal, principal.organization_id, unit_id)
        return command_response(
            okr.close_team_cycle(
                unit_id=unit_id, cycle_id=cycle_id, by=principal.member_id, **fields(data)
            )
        )
