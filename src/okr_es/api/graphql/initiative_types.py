# mypy: disable-error-code="untyped-decorator"
"""The read API's initiatives (tiltak) and unit rosters: who does which work, and where.

The types here hang off the core types in ``types`` (``Unit.members``,
``Member.initiatives``, ``KeyResult.initiatives`` …) through the helpers at the bottom,
and their root fields come in through :class:`InitiativeQuery`, a base of the root
``Query``. Everything resolves through the request's batch loaders.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from okr_es.api.graphql.types import (
    Info,
    KeyResult,
    Member,
    PageInfo,
    Unit,
    instant,
    member,
    page_info,
    unit,
)
from okr_es.errors import InvalidInput
from okr_es.projections import queries
from okr_es.projections.queries import InitiativeRow, RoleGrantRow

MAX_PAGE = 100


@strawberry.type(description="A piece of work (tiltak) that should move key results.")
class Initiative:
    row: strawberry.Private[InitiativeRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.initiative_id)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field(description="running, completed or stopped.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field(
        description="The note of the last progress report or completion, or the reason "
        "it was stopped."
    )
    def status_note(self) -> str:
        return self.row.status_note

    @strawberry.field(description="Reported progress, 0 to 100 (100 once completed).")
    def percent_complete(self) -> float:
        return self.row.percent_complete

    @strawberry.field(description="Reported progress as a share, 0 to 1.")
    def progress(self) -> float:
        return self.row.percent_complete / 100.0

    @strawberry.field(description="When the initiative was started.")
    def started_at(self) -> datetime:
        return instant(self.row.started_at)

    @strawberry.field
    def updated_at(self) -> datetime:
        return instant(self.row.updated_at)

    @strawberry.field(description="The aggregate version this state reflects.")
    def version(self) -> int:
        return self.row.version

    @strawberry.field(description="The unit doing the work.")
    async def unit(self, info: Info) -> Unit | None:
        return await unit(info, self.row.unit_id)

    @strawberry.field(description="The one member who owns the work.")
    async def owner(self, info: Info) -> Member | None:
        return await member(info, self.row.owner_id)

    @strawberry.field(description="The key results the work should move, in link order.")
    async def key_results(self, info: Info) -> list[KeyResult]:
        links = await info.context.batch.links_of_initiative.load(self.row.initiative_id)
        rows = await info.context.batch.key_result.load_many([x.key_result_id for x in links])
        found = [r for r in rows if r is not None]
        objectives = await info.context.batch.objective.load_many([r.objective_id for r in found])
        return [
            KeyResult(row=r, cycle_id=o.cycle_id)
            for r, o in zip(found, objectives, strict=True)
            if o is not None
        ]


@strawberry.type(description="A role a member holds, in one unit or organisation-wide.")
class RoleGrant:
    row: strawberry.Private[RoleGrantRow]

    @strawberry.field(description="admin, ambassador, lead or member.")
    def role(self) -> str:
        return self.row.role

    @strawberry.field(description="The unit the role is held in (null: organisation-wide).")
    async def unit(self, info: Info) -> Unit | None:
        return await unit(info, self.row.unit_id)

    @strawberry.field
    def granted_at(self) -> datetime:
        return instant(self.row.granted_at)


@strawberry.type(description="A member on a unit's roster, with the roles held there.")
class UnitMember:
    member_id: strawberry.Private[str]
    role_names: strawberry.Private[list[str]]

    @strawberry.field
    async def member(self, info: Info) -> Member | None:
        return await member(info, self.member_id)

    @strawberry.field(description="The member's roles in this unit (lead, member …).")
    def roles(self) -> list[str]:
        return self.role_names


@strawberry.type
class InitiativeEdge:
    cursor: str
    node: Initiative


@strawberry.type(description="A page of initiatives (Relay connection).")
class InitiativeConnection:
    edges: list[InitiativeEdge]
    page_info: PageInfo

    @strawberry.field(description="The page's initiatives, without cursors.")
    def nodes(self) -> list[Initiative]:
        return [edge.node for edge in self.edges]


@strawberry.input(description="Which initiatives to list; every condition given must hold.")
class InitiativeFilter:
    unit_id: UUID | None = None
    include_descendants: bool = strawberry.field(
        default=False, description="Also the initiatives of every unit below unitId."
    )
    cycle_id: UUID | None = strawberry.field(
        default=None,
        description="Only initiatives linked to a key result of an objective of this cycle.",
    )
    owner_id: UUID | None = None
    status: str | None = strawberry.field(default=None, description="running, completed, stopped")


@strawberry.type
class InitiativeQuery:
    """The root fields of initiatives; a base of the root ``Query``."""

    @strawberry.field(description="Initiatives, oldest first (Relay connection).")
    async def initiatives(
        self,
        info: Info,
        filter: InitiativeFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> InitiativeConnection:
        where = filter or InitiativeFilter()
        condition = queries.InitiativeFilter(
            unit_id=_text(where.unit_id),
            include_descendants=where.include_descendants,
            cycle_id=_text(where.cycle_id),
            owner_id=_text(where.owner_id),
            status=where.status,
        )
        rows = await info.context.read(queries.initiatives_page, condition, _page(first), after)
        page = rows[:first]
        edges = [
            InitiativeEdge(cursor=queries.initiative_cursor(r), node=Initiative(row=r))
            for r in page
        ]
        return InitiativeConnection(
            edges=edges, page_info=page_info([e.cursor for e in edges], len(rows) > first, after)
        )

    @strawberry.field(description="One initiative (null: no such initiative here).")
    async def initiative(self, info: Info, id: UUID) -> Initiative | None:
        row = await info.context.batch.initiative.load(str(id))
        return None if row is None else Initiative(row=row)


# --- fields of the core types ------------------------------------------------------------


async def initiatives_of_unit(info: Info, unit_id: str) -> list[Initiative]:
    rows = await info.context.batch.initiatives_of_unit.load(unit_id)
    return [Initiative(row=r) for r in rows]


async def initiatives_of_owner(info: Info, member_id: str) -> list[Initiative]:
    rows = await info.context.batch.initiatives_of_owner.load(member_id)
    return [Initiative(row=r) for r in rows]


async def initiatives_of_key_result(info: Info, key_result_id: str) -> list[Initiative]:
    links = await info.context.batch.links_of_key_result.load(key_result_id)
    rows = await info.context.batch.initiative.load_many([x.initiative_id for x in links])
    return [Initiative(row=r) for r in rows if r is not None]


async def roster_of_unit(info: Info, unit_id: str) -> list[UnitMember]:
    grants = await info.context.batch.grants_of_unit.load(unit_id)
    roles: dict[str, list[str]] = {}
    for grant in grants:  # already by member name, then role
        roles.setdefault(grant.member_id, []).append(grant.role)
    return [UnitMember(member_id=m, role_names=r) for m, r in roles.items()]


async def roles_of_member(info: Info, member_id: str) -> list[RoleGrant]:
    grants = await info.context.batch.grants_of_member.load(member_id)
    return [RoleGrant(row=g) for g in grants]


async def units_of_member(info: Info, member_id: str) -> list[Unit]:
    grants = await info.context.batch.grants_of_member.load(member_id)
    unit_ids = list(dict.fromkeys(g.unit_id for g in grants if g.unit_id is not None))
    rows = await info.context.batch.unit.load_many(unit_ids)
    return [Unit(row=r) for r in rows if r is not None]


async def hypothesis_of_objective(info: Info, objective_id: str) -> str:
    row = await info.context.batch.hypothesis.load(objective_id)
    return "" if row is None else row.hypothesis


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _page(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise InvalidInput(
            f"first must be between 0 and {MAX_PAGE}", code="out-of-range", field="first"
        )
    return first
