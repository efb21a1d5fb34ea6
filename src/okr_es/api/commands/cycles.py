"""Cycle endpoints: defining and renaming quarters, tertials, half-years and years."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import CommandResponse, CycleCreate, CycleRename

fields = msgspec.structs.asdict


class CycleCommands(Controller):
    path = "/"
    tags = ["cycles"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/organizations/{organization_id:uuid}/cycles", status_code=201, sync_to_thread=True)
    def define_cycle(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[CycleCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Add a quarter, tertial, half-year or year; siblings may not overlap (admin)."""
        access.administer(okr, principal, organization_id)
        result = okr.define_cycle(
            organization_id=organization_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post("/cycles/{cycle_id:uuid}/rename", status_code=200, sync_to_thread=True)
    def rename_cycle(
        self, cycle_id: FromPath[UUID], data: JSONBody[CycleRename], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Give a cycle a new label (admin)."""
        access.cycle(okr, principal, cycle_id)
        return command_response(
            okr.rename_cycle(cycle_id=cycle_id, by=principal.member_id, **fields(data))
        )
