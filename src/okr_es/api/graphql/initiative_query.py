# mypy: disable-error-code="untyped-decorator"
"""The root fields of initiatives (tiltak): the ``initiatives`` connection and
``initiative(id)``, brought into the root ``Query`` as its base :class:`InitiativeQuery`.

The ``Initiative`` type and the roster fields of units and members are in ``types``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from okr_es.api.graphql.time_travel import (
    AS_OF_FIELD,
    EFFECTIVE_AS_OF_FIELD,
    AsOf,
    EffectiveAsOf,
)
from okr_es.api.graphql.types import Info, Initiative, PageInfo, page_info
from okr_es.errors import InvalidInput
from okr_es.projections import queries

MAX_PAGE = 100


@strawberry.type
class InitiativeEdge:
    cursor: str
    node: Initiative


@strawberry.type(description="A page of initiatives (Relay connection).")
class InitiativeConnection:
    edges: list[InitiativeEdge]
    page_info: PageInfo
    as_of: datetime | None = strawberry.field(default=None, description=AS_OF_FIELD)
    effective_as_of: datetime | None = strawberry.field(
        default=None, description=EFFECTIVE_AS_OF_FIELD
    )

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
        as_of: AsOf = None,
        effective_as_of: EffectiveAsOf = None,
    ) -> InitiativeConnection:
        moment = await info.context.travel(as_of, effective_as_of)
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
            edges=edges,
            page_info=page_info([e.cursor for e in edges], len(rows) > first, after),
            as_of=None if moment is None else moment.as_of,
            effective_as_of=None if moment is None else moment.described,
        )

    @strawberry.field(description="One initiative (null: no such initiative here).")
    async def initiative(self, info: Info, id: UUID) -> Initiative | None:
        row = await info.context.batch.initiative.load(str(id))
        return None if row is None else Initiative(row=row)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _page(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise InvalidInput(
            f"first must be between 0 and {MAX_PAGE}", code="out-of-range", field="first"
        )
    return first
