"""Organisation endpoints: registration, units, members, roles, policy and access tokens."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response, token_response
from okr_es.api.schemas import (
    CommandResponse,
    MemberCreate,
    OrganizationCreate,
    PolicyChange,
    RoleChange,
    TokenCreate,
    TokenResponse,
    UnitArchive,
    UnitCreate,
    UnitMove,
    UnitRename,
)

fields = msgspec.structs.asdict


class OrganizationCommands(Controller):
    path = "/organizations"
    tags = ["organisations"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True, security=[])
    def register_organization(
        self, data: JSONBody[OrganizationCreate], okr: Okr
    ) -> Response[TokenResponse]:
        """Register an organisation. Needs no token: the answer carries the first admin's
        token (shown only this once)."""
        return token_response(okr.register_organization(**fields(data)))

    @post("/{organization_id:uuid}/units", status_code=201, sync_to_thread=True)
    def add_unit(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[UnitCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Add a department, team or project under a parent unit (admin)."""
        access.administer(okr, principal, organization_id)
        result = okr.add_unit(
            organization_id=organization_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post(
        "/{organization_id:uuid}/units/{unit_id:uuid}/rename", status_code=200, sync_to_thread=True
    )
    def rename_unit(
        self,
        organization_id: FromPath[UUID],
        unit_id: FromPath[UUID],
        data: JSONBody[UnitRename],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Give a unit a new name (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.rename_unit(
                organization_id=organization_id,
                unit_id=unit_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post("/{organization_id:uuid}/units/{unit_id:uuid}/move", status_code=200, sync_to_thread=True)
    def move_unit(
        self,
        organization_id: FromPath[UUID],
        unit_id: FromPath[UUID],
        data: JSONBody[UnitMove],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Move a unit under another parent (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.move_unit(
                organization_id=organization_id,
                unit_id=unit_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(
        "/{organization_id:uuid}/units/{unit_id:uuid}/archive", status_code=200, sync_to_thread=True
    )
    def archive_unit(
        self,
        organization_id: FromPath[UUID],
        unit_id: FromPath[UUID],
        data: JSONBody[UnitArchive],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Archive a unit without active sub-units (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.archive_unit(
                organization_id=organization_id,
                unit_id=unit_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post("/{organization_id:uuid}/members", status_code=201, sync_to_thread=True)
    def add_member(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[MemberCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Add a person to the organisation (admin)."""
        access.administer(okr, principal, organization_id)
        result = okr.add_member(
            organization_id=organization_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post(
        "/{organization_id:uuid}/members/{member_id:uuid}/roles",
        status_code=200,
        sync_to_thread=True,
    )
    def grant_role(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[RoleChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Grant admin (organisation-wide), ambassador, lead or member (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.grant_role(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(
        "/{organization_id:uuid}/members/{member_id:uuid}/roles/revoke",
        status_code=200,
        sync_to_thread=True,
    )
    def revoke_role(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[RoleChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Revoke a role; the last admin keeps theirs (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.revoke_role(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post("/{organization_id:uuid}/policy", status_code=200, sync_to_thread=True)
    def change_policy(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[PolicyChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Change the objective and key-result limits; omitted ones stay (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.change_policy(
                organization_id=organization_id, by=principal.member_id, **fields(data)
            )
        )

    @post(
        "/{organization_id:uuid}/members/{member_id:uuid}/tokens",
        status_code=201,
        sync_to_thread=True,
    )
    def issue_token(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[TokenCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[TokenResponse]:
        """Issue an access token for a member (that member, or an admin). The plaintext is
        in the answer only."""
        access.tokens_of(okr, principal, organization_id, member_id)
        result = okr.issue_token(
            organization_id=organization_id,
            member_id=member_id,
            by=principal.member_id,
            **fields(data),
        )
        return token_response(result)

    @post(
        "/{organization_id:uuid}/tokens/{token_id:uuid}/revoke",
        status_code=200,
        sync_to_thread=True,
    )
    def revoke_token(
        self, organization_id: FromPath[UUID], token_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Stop accepting an access token (its member, or an admin)."""
        access.token(okr, principal, organization_id, token_id)
        return command_response(
            okr.revoke_token(
                organization_id=organization_id, token_id=token_id, by=principal.member_id
            )
        )
