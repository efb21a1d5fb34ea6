"""Member lifecycle endpoints: rename, new e-mail address, deactivate, reactivate, erase,
hand everything a member owns to another member, link or unlink the provider accounts a
member signs in with, and the organisation's privacy policy. All of them are for admins."""

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
    MemberDeactivate,
    MemberEmailChange,
    MemberRename,
    OwnershipTransfer,
    PrivacyPolicy,
    SignInAccount,
)

fields = msgspec.structs.asdict
MEMBER = "/{organization_id:uuid}/members/{member_id:uuid}"


class MemberCommands(Controller):
    path = "/organizations"
    tags = ["members"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post(f"{MEMBER}/rename", status_code=200, sync_to_thread=True)
    def rename_member(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[MemberRename],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Give a member a new name (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.rename_member(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(f"{MEMBER}/email", status_code=200, sync_to_thread=True)
    def change_member_email(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[MemberEmailChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Change a member's e-mail address, unique in the organisation (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.change_member_email(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(f"{MEMBER}/deactivate", status_code=200, sync_to_thread=True)
    def deactivate_member(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[MemberDeactivate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """A member leaves: their tokens stop working, their history stays (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.deactivate_member(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(f"{MEMBER}/reactivate", status_code=200, sync_to_thread=True)
    def reactivate_member(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """A deactivated member comes back (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.reactivate_member(
                organization_id=organization_id, member_id=member_id, by=principal.member_id
            )
        )

    @post(f"{MEMBER}/transfer-ownership", status_code=200, sync_to_thread=True)
    def transfer_ownership(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[OwnershipTransfer],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Hand the member's active objectives and running initiatives to another active
        member, all in one transaction (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.transfer_ownership(
                organization_id=organization_id,
                from_member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(f"{MEMBER}/erase", status_code=200, sync_to_thread=True)
    def erase_member(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Erase a member's personal data for good by destroying their key: their name,
        e-mail address and sealed free texts read as placeholders everywhere; ids,
        figures and times stay (admin). See docs/privacy.md."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.erase_member(
                organization_id=organization_id, member_id=member_id, by=principal.member_id
            )
        )

    @post("/{organization_id:uuid}/privacy-policy", status_code=200, sync_to_thread=True)
    def set_privacy_policy(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[PrivacyPolicy],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Decide whether free texts members write from now on are their personal data,
        sealed under their keys and erased with them (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.set_privacy_policy(
                organization_id=organization_id, by=principal.member_id, **fields(data)
            )
        )

    @post(f"{MEMBER}/sign-ins", status_code=200, sync_to_thread=True)
    def link_sign_in(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[SignInAccount],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Let a member sign in with an OpenID provider account: its issuer and subject id
        (admin; e.g. ID-porten, whose tokens carry no e-mail address to match)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.link_sign_in(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(f"{MEMBER}/sign-ins/unlink", status_code=200, sync_to_thread=True)
    def unlink_sign_in(
        self,
        organization_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[SignInAccount],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Stop an OpenID provider account from signing a member in (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.unlink_sign_in(
                organization_id=organization_id,
                member_id=member_id,
                by=principal.member_id,
                **fields(data),
            )
        )
