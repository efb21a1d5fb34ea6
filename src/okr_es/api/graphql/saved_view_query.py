# mypy: disable-error-code="untyped-decorator"
"""The root fields of saved views: ``savedViews`` (the reader's own and the
organisation's) and ``savedView(id)``, whose ``objectives`` run the stored filter over the
read models, brought into the root ``Query`` as its base :class:`SavedViewQuery`."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
import strawberry

from okr_es.aggregates.saved_view import ViewFilter
from okr_es.api.graphql.objective_filter import objectives_page
from okr_es.api.graphql.types import Info, Member, ObjectiveConnection, Pace, instant, member
from okr_es.projections import saved_view_queries as views
from okr_es.projections.saved_view_queries import SavedViewRow


@strawberry.type(description="A saved view's filter, as stored (null: not filtered on).")
class SavedViewFilter:
    unit_id: UUID | None
    include_descendants: bool
    cycle_id: UUID | None
    owner_id: UUID | None
    status: str | None
    level: str | None
    stale: bool | None
    reported_status: str | None
    derived_status: Pace | None
    at_risk: bool | None
    unaligned: bool | None
    updated_since: datetime | None


@strawberry.type(description="A named objectives filter: the reader's own or everyone's.")
class SavedView:
    row: strawberry.Private[SavedViewRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.view_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="The organisation's view, which every member sees.")
    def shared(self) -> bool:
        return self.row.owner_id is None

    @strawberry.field(description="The member whose own view it is (null: the organisation's).")
    async def owner(self, info: Info) -> Member | None:
        return await member(info, self.row.owner_id)

    @strawberry.field(description="oldest-first or recently-updated.")
    def sort(self) -> str:
        return self.row.sort

    @strawberry.field
    def filter(self) -> SavedViewFilter:
        f = self._filter()
        return SavedViewFilter(
            unit_id=f.unit_id,
            include_descendants=f.include_descendants,
            cycle_id=f.cycle_id,
            owner_id=f.owner_id,
            status=f.status,
            level=f.level,
            stale=f.stale,
            reported_status=f.reported_status,
            derived_status=None if f.derived_status is None else Pace(f.derived_status),
            at_risk=f.at_risk,
            unaligned=f.unaligned,
            updated_since=f.updated_since,
        )

    @strawberry.field
    def updated_at(self) -> datetime:
        return instant(self.row.updated_at)

    @strawberry.field(description="The objectives the filter lets through today, in its sort.")
    async def objectives(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ObjectiveConnection:
        return await objectives_page(info, self._filter(), first, after, self.row.sort)

    def _filter(self) -> ViewFilter:
        return msgspec.json.decode(self.row.filter, type=ViewFilter)


@strawberry.type
class SavedViewQuery:
    """The root fields of saved views; a base of the root ``Query``."""

    @strawberry.field(description="The reader's own saved views and the organisation's, by name.")
    async def saved_views(self, info: Info) -> list[SavedView]:
        reader = str(info.context.reader.member_id)
        return [SavedView(row=r) for r in await info.context.read(views.saved_views, reader)]

    @strawberry.field(
        description="One saved view the reader may see (their own or the organisation's)."
    )
    async def saved_view(self, info: Info, id: UUID) -> SavedView | None:
        reader = str(info.context.reader.member_id)
        row = await info.context.read(views.saved_view, reader, str(id))
        return None if row is None else SavedView(row=row)
