"""Saved view endpoints: a member manages their own views, admins the organisation's.

Another member's own view answers exactly like an unknown id (404): views are private
to their owner, and their existence is not probed through these endpoints.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es import authorization as rule
from okr_es.access_tokens import Principal
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.saved_view import SavedView
from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import Body, CommandResponse
from okr_es.application import OKRApplication
from okr_es.errors import NotFound


class SavedViewCreate(Body):
    organization_id: UUID
    name: str
    # The objectives filter's fields in snake_case: unit_id, include_descendants,
    # cycle_id, owner_id, status, level, stale, reported_status, derived_status, at_risk,
    # unaligned, updated_since.
    filter: dict[str, Any] = msgspec.field(default_factory=dict)
    sort: str = "oldest-first"
    # The organisation's view, which every member sees (admins only).
    shared: bool = False


class SavedViewRename(Body):
    name: str


class SavedViewFilterChange(Body):
    filter: dict[str, Any]
    sort: str | None = None


class SavedViewCommands(Controller):
    path = "/saved-views"
    tags = ["saved views"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def create_saved_view(
        self, data: JSONBody[SavedViewCreate], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Save a view of the objectives: your own, or (``shared``, admin) everyone's."""
        if data.shared:
            access.administer(okr, principal, data.organization_id)
        else:
            access.organization(okr, principal, data.organization_id)
        return command_response(
            okr.create_saved_view(
                organization_id=data.organization_id,
                name=data.name,
                filter=data.filter,
                sort=data.sort,
                shared=data.shared,
                by=principal.member_id,
            ),
            status_code=201,
        )

    @post("/{view_id:uuid}/rename", status_code=200, sync_to_thread=True)
    def rename_saved_view(
        self, view_id: FromPath[UUID], data: JSONBody[SavedViewRename], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Rename a saved view (your own; the organisation's: admin)."""
        manage(okr, principal, view_id)
        return command_response(
            okr.rename_saved_view(view_id=view_id, name=data.name, by=principal.member_id)
        )

    @post("/{view_id:uuid}/filter", status_code=200, sync_to_thread=True)
    def change_saved_view_filter(
        self,
        view_id: FromPath[UUID],
        data: JSONBody[SavedViewFilterChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Replace a saved view's filter and sort (your own; the organisation's: admin)."""
        manage(okr, principal, view_id)
        return command_response(
            okr.change_saved_view_filter(
                view_id=view_id, filter=data.filter, sort=data.sort, by=principal.member_id
            )
        )

    @post("/{view_id:uuid}/delete", status_code=200, sync_to_thread=True)
    def delete_saved_view(
        self, view_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Delete a saved view (your own; the organisation's: admin)."""
        manage(okr, principal, view_id)
        return command_response(okr.delete_saved_view(view_id=view_id, by=principal.member_id))


def manage(okr: OKRApplication, principal: Principal, view_id: UUID) -> None:
    """A member manages their own views, an admin the organisation's; another member's
    view, a deleted one and another organisation's answer as unknown."""
    missing = NotFound(f"no SavedView {view_id}", field="view_id")
    try:
        view = okr.read_aggregate(SavedView, view_id, fresh=False)
    except NotFound:
        raise missing from None
    if view.organization_id != principal.organization_id or view.deleted:
        raise missing
    if view.owner_id is not None:
        if view.owner_id != principal.member_id:
            raise missing
        return
    org = okr.read_aggregate(Organization, view.organization_id, fresh=False)
    rule.require(rule.may_administer(org, principal.member_id), "change the organisation's views")
