# mypy: disable-error-code="untyped-decorator"
"""The root field of the directory's groups (admins only): ``directoryGroups``, each with
its members and the role it gives them, brought into the root ``Query`` as its base
:class:`DirectoryGroupQuery`.

Groups are read from the organisation, as the directory wrote them (SCIM reads them so
too); their members and units come from the read models.
"""

from __future__ import annotations

from uuid import UUID

import anyio.to_thread
import msgspec
import strawberry

from okr_es import authorization as rule
from okr_es.aggregates.organization import Grant, Organization
from okr_es.api.graphql.types import Info, Member, Unit, unit


class _Group(msgspec.Struct, frozen=True):
    id: UUID | None
    display_name: str
    external_id: str | None
    member_ids: list[UUID]
    mapping: Grant | None


@strawberry.type(description="The role a directory group gives its members.")
class DirectoryGroupMapping:
    grant: strawberry.Private[Grant]

    @strawberry.field(description="admin, ambassador, lead or member")
    def role(self) -> str:
        return self.grant.role

    @strawberry.field(description="Where the role holds (null: organisation-wide).")
    async def unit(self, info: Info) -> Unit | None:
        return await unit(info, None if self.grant.unit_id is None else str(self.grant.unit_id))


@strawberry.type(description="A group of the organisation's directory (SCIM).")
class DirectoryGroup:
    group: strawberry.Private[_Group]

    @strawberry.field(
        description="The group's SCIM id; null: mapped by name, not created by the directory yet."
    )
    def id(self) -> UUID | None:
        return self.group.id

    @strawberry.field
    def display_name(self) -> str:
        return self.group.display_name

    @strawberry.field(description="The directory's own id of the group (SCIM externalId).")
    def external_id(self) -> str | None:
        return self.group.external_id

    @strawberry.field
    async def members(self, info: Info) -> list[Member]:
        rows = await info.context.batch.member.load_many([str(m) for m in self.group.member_ids])
        return [Member(row=r) for r in rows if r is not None]

    @strawberry.field(description="The role its members hold through it (null: not mapped).")
    def mapping(self) -> DirectoryGroupMapping | None:
        grant = self.group.mapping
        return None if grant is None else DirectoryGroupMapping(grant=grant)


@strawberry.type
class DirectoryGroupQuery:
    """The root field of directory groups; a base of the root ``Query``."""

    @strawberry.field(
        description="The directory's groups and the roles they give, then mappings made for "
        "names no group has yet (admins)."
    )
    async def directory_groups(self, info: Info) -> list[DirectoryGroup]:
        found = await anyio.to_thread.run_sync(_groups, info)
        return [DirectoryGroup(group=g) for g in found]


def _groups(info: Info) -> list[_Group]:
    okr = info.context.application
    reader = info.context.reader
    org = okr.read_aggregate(Organization, reader.organization_id, fresh=False)
    rule.require(rule.may_administer(org, reader.member_id), "read the directory groups")
    created = [
        _Group(g.id, g.display_name, g.external_id, list(g.member_ids), g.mapping)
        for g in org.directory_groups.values()
    ]
    waiting = [
        _Group(None, w.display_name, None, [], w.grant)
        for w in org.waiting_group_mappings.values()
    ]
    return created + waiting
