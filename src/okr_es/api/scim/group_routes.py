"""``/scim/v2/Groups``: the directory's groups, as Microsoft Entra ID provisions them: create
(with members), read (``excludedAttributes=members`` as Entra asks), list with ``filter``,
replace, patch (names and members) and delete. What a group's members may do comes from
an admin's mapping of the group to a role in a unit (``map_directory_group``).

Groups are read from the organisation itself, not a read model: a directory reads a group
right after writing it, and must see its own write.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Response, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, RawBody
from litestar.types import ControllerRouterHandler

from okr_es.aggregates.organization import DirectoryGroup, Organization
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.scim.exchange import SCIM_PATH, answer, decoded, organization_of, page
from okr_es.api.scim.groups import (
    Group,
    GroupChanges,
    GroupMember,
    changes_of_patch,
    fields_of_group,
    group_resource,
    parse_group_filter,
)
from okr_es.api.scim.users import ScimError, list_response
from okr_es.application import OKRApplication


@get("/Groups", sync_to_thread=True)
def list_groups(
    okr: Okr,
    principal: Actor,
    filter: FromQuery[str | None] = None,
    startIndex: FromQuery[int] = 1,
    count: FromQuery[int] = 100,
    excludedAttributes: FromQuery[str | None] = None,
) -> Response[Any]:
    org = organization_of(okr, principal)
    groups = list(org.directory_groups.values())
    if filter is not None:
        attribute, value = parse_group_filter(filter)
        groups = [g for g in groups if _matches(g, attribute, value)]
    start, size = page(startIndex, count)
    shown = groups[start - 1 : start - 1 + size]
    members = _with_members(excludedAttributes)
    return answer(list_response([_resource(org, g, members) for g in shown], start, len(groups)))


@post("/Groups", sync_to_thread=True, status_code=201)
def create_group(okr: Okr, principal: Actor, body: RawBody) -> Response[Any]:
    org = organization_of(okr, principal)
    fields = fields_of_group(decoded(body))
    result = okr.create_directory_group(
        organization_id=org.id, display_name=fields.display_name,
        external_id=fields.external_id, member_ids=fields.member_list([]),
        by=principal.member_id,
    )
    group_id = result.ids["group_id"]
    created = okr.read_aggregate(Organization, org.id)
    location = _location(group_id)
    return answer(_resource(created, created.directory_groups[group_id]), 201,
                  headers={"Location": location})


@get("/Groups/{group_id:str}", sync_to_thread=True)
def get_group(
    okr: Okr,
    principal: Actor,
    group_id: FromPath[str],
    excludedAttributes: FromQuery[str | None] = None,
) -> Response[Any]:
    org = organization_of(okr, principal)
    return answer(_resource(org, _group_of(org, group_id), _with_members(excludedAttributes)))


@put("/Groups/{group_id:str}", sync_to_thread=True)
def replace_group(
    okr: Okr, principal: Actor, group_id: FromPath[str], body: RawBody
) -> Response[Any]:
    org = organization_of(okr, principal)
    group = _group_of(org, group_id)
    fields = fields_of_group(decoded(body))
    _update(okr, principal, org, group, fields)
    current = okr.read_aggregate(Organization, org.id)
    return answer(_resource(current, current.directory_groups[group.id]))


@patch("/Groups/{group_id:str}", sync_to_thread=True, status_code=204)
def patch_group(okr: Okr, principal: Actor, group_id: FromPath[str], body: RawBody) -> None:
    # Entra ID expects 204 No Content to a group's PATCH (RFC 7644 §3.5.2 allows it).
    org = organization_of(okr, principal)
    group = _group_of(org, group_id)
    _update(okr, principal, org, group, changes_of_patch(decoded(body)))


@delete("/Groups/{group_id:str}", sync_to_thread=True, status_code=204)
def delete_group(okr: Okr, principal: Actor, group_id: FromPath[str]) -> None:
    org = organization_of(okr, principal)
    group = _group_of(org, group_id)
    okr.delete_directory_group(organization_id=org.id, group_id=group.id,
                               by=principal.member_id)


GROUP_ROUTES: tuple[ControllerRouterHandler, ...] = (
    list_groups, create_group, get_group, replace_group, patch_group, delete_group,
)


# --- helpers -----------------------------------------------------------------------------


def _update(okr: OKRApplication, principal: Any, org: Organization, group: DirectoryGroup,
            changes: GroupChanges) -> None:
    replaced = None if changes.members is None else changes.member_list([])
    okr.update_directory_group(
        organization_id=org.id, group_id=group.id, display_name=changes.display_name,
        external_id=changes.external_id,
        add_member_ids=[] if replaced is not None else changes.added,
        remove_member_ids=[] if replaced is not None else changes.removed,
        member_ids=replaced, by=principal.member_id,
    )


def _group_of(org: Organization, group_id: str) -> DirectoryGroup:
    try:
        return org.directory_groups[UUID(group_id)]
    except (ValueError, KeyError):
        raise ScimError(404, None, f"no group {group_id}") from None


def _matches(group: DirectoryGroup, attribute: str, value: str) -> bool:
    if attribute == "display_name":
        # Display names compare without case, as directories treat them.
        return group.display_name.lower() == value.lower()
    if attribute == "external_id":
        return group.external_id == value
    return str(group.id) == value


def _with_members(excluded: str | None) -> bool:
    names = {a.strip().lower() for a in (excluded or "").split(",")}
    return "members" not in names


def _resource(org: Organization, group: DirectoryGroup, members: bool = True) -> dict[str, Any]:
    shown = Group(
        id=str(group.id), display_name=group.display_name, external_id=group.external_id,
        members=[GroupMember(str(m), org.members[m].name) for m in group.member_ids],
    )
    return group_resource(shown, _location(group.id), f"{SCIM_PATH}/Users", members=members)


def _location(group_id: UUID) -> str:
    return f"{SCIM_PATH}/Groups/{group_id}"
