"""Use cases of the organisation's directory groups: what a directory (SCIM ``/Groups``)
creates, changes and deletes, and the admin's mapping of a group to a role in a unit.

A member of a mapped group holds the group's role there; joining, leaving, the group's
deletion and a change of mapping grant and revoke in the same save. Grants an admin gave
by hand are never taken away by a group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import GROUP_NAME_MAX
from okr_es.errors import InvalidInput
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads

# Version conflicts a group change tries again after: a directory changes many groups at
# once, all in the one organisation.
_RETRIES = 5


class DirectoryGroupCommands(AggregateReads):
    """Directory groups and their mapping to roles in units."""

    def create_directory_group(
        self,
        *,
        organization_id: Any,
        display_name: Any,
        external_id: Any = None,
        member_ids: Any = (),
        by: Any,
    ) -> CommandResult:
        """Add a group as a directory provisions it (SCIM), with its first members; a
        mapping an admin made for its name before is its mapping, and its members get the
        role at once. Display names and directory ids (externalId) are unique
        (``duplicate-group``)."""
        group_id, members = uuid4(), _member_ids(member_ids)

        def attempt() -> CommandResult:
            org, actor = self._organization_and_actor(organization_id, by, for_change=True)
            org.create_directory_group(
                group_id=group_id,
                display_name=display_name,
                external_id=external_id,
                member_ids=members,
                by=actor,
            )
            return self._saved(org, ids={"group_id": group_id}, expected=org)

        return self._retrying(attempt, _RETRIES, "create_directory_group")

    def update_directory_group(
        self,
        *,
        organization_id: Any,
        group_id: Any,
        display_name: Any = None,
        external_id: Any = None,
        add_member_ids: Any = (),
        remove_member_ids: Any = (),
        member_ids: Any = None,
        by: Any,
    ) -> CommandResult:
        """Bring a group in line with the directory: a new display name or directory id,
        members who joined (``add_member_ids``) or left (``remove_member_ids``), or the
        whole list of members (``member_ids``, as a SCIM PUT sends it). Each change is its
        own event, followed by the roles it grants or revokes, all in one save; what is
        already so is not written again."""
        group_uuid = check.identifier(group_id, "group_id")
        joining, leaving = _member_ids(add_member_ids), _member_ids(remove_member_ids)
        listed = None if member_ids is None else _member_ids(member_ids)

        def attempt() -> CommandResult:
            return self._update_group(organization_id, group_uuid, display_name, external_id,
                                      joining, leaving, listed, by)

        return self._retrying(attempt, _RETRIES, "update_directory_group")

    def _update_group(
        self, organization_id: Any, group_id: UUID, display_name: Any, external_id: Any,
        joining: list[UUID], leaving: list[UUID], listed: list[UUID] | None, by: Any,
    ) -> CommandResult:
        org, actor = self._organization_and_actor(organization_id, by, for_change=True)
        group = org.directory_group(group_id)
        # Compared as they would be kept, so a name sent with other spacing changes nothing.
        if display_name is not None and check.line(
            display_name, "display_name", max_length=GROUP_NAME_MAX
        ) != group.display_name:
            org.rename_directory_group(group_id=group.id, display_name=display_name, by=actor)
        if external_id is not None and check.line(
            external_id, "external_id", max_length=255
        ) != group.external_id:
            org.relink_directory_group(group_id=group.id, external_id=external_id, by=actor)
        joined, left = list(joining), list(leaving)
        if listed is not None:
            joined += listed
            left += [m for m in group.member_ids if m not in listed]
        joined = [m for m in joined if m not in group.member_ids and m not in left]
        if joined:
            org.add_directory_group_members(group_id=group.id, member_ids=joined, by=actor)
        left = [m for m in left if m in group.member_ids]
        if left:
            org.remove_directory_group_members(group_id=group.id, member_ids=left, by=actor)
        if not org.pending_events:
            return CommandResult(position=self.position(), ids={"group_id": group.id})
        return self._saved(org, ids={"group_id": group.id}, expected=org)

    def delete_directory_group(
        self, *, organization_id: Any, group_id: Any, by: Any
    ) -> CommandResult:
        """The directory deleted a group: its members lose the roles they held only
        through it."""
        group_uuid = check.identifier(group_id, "group_id")
        return self._retrying(
            lambda: self._on_organization(
                organization_id,
                by,
                lambda org, actor: org.delete_directory_group(group_id=group_uuid, by=actor),
            ),
            _RETRIES,
            "delete_directory_group",
        )

    def map_directory_group(
        self, *, organization_id: Any, group: Any, role: Any, unit_id: Any = None, by: Any
    ) -> CommandResult:
        """Members of a directory group hold ``role`` (admin, ambassador, lead or member)
        in ``unit_id`` (an active unit; none for admin): ``group`` is the group's id or
        display name. Its members get the role at once; a later mapping replaces the
        earlier one (roles held only through it are revoked). A name no group has yet is
        kept until the directory creates the group. Roles given by hand stay."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.map_directory_group(
                group=group,
                role=role,
                unit_id=check.optional_identifier(unit_id, "unit_id"),
                by=actor,
            ),
        )

    def unmap_directory_group(self, *, organization_id: Any, group: Any, by: Any) -> CommandResult:
        """A directory group (its id or display name) no longer gives a role: its members
        lose the role they held only through it."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.unmap_directory_group(group=group, by=actor),
        )


def _member_ids(values: Any) -> list[UUID]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidInput("members must be a list of member ids", code="wrong-type",
                           field="members")
    return [check.identifier(v, "members") for v in values]

