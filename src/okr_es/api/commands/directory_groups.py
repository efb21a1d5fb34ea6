"""Directory group endpoints: an admin maps a group the directory provisions (SCIM) to a
role in a unit, so that its members hold that role, or takes the mapping away."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import Body, CommandResponse

fields = msgspec.structs.asdict
GROUPS = "/{organization_id:uuid}/directory-groups"


class DirectoryGroupMapping(Body):
    # The group's SCIM id or its display name (a name no group has yet waits for it).
    group: str
    role: str
    unit_id: UUID | None = None


class DirectoryGroupUnmapping(Body):
    group: str


class DirectoryGroupCommands(Controller):
    path = "/organizations"
    tags = ["members"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post(f"{GROUPS}/map", status_code=200, sync_to_thread=True)
    def map_directory_group(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[DirectoryGroupMapping],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Members of a directory group (its id or display name) hold a role in a unit
        (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.map_directory_group(
                organization_id=organization_id, by=principal.member_id, **fields(data)
            )
        )

    @post(f"{GROUPS}/unmap", status_code=200, sync_to_thread=True)
    def unmap_directory_group(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[DirectoryGroupUnmapping],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """A directory group no longer gives its members a role (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.unmap_directory_group(
                organization_id=organization_id, by=principal.member_id, **fields(data)
            )
        )
