# mypy: disable-error-code="untyped-decorator"
"""The objectives filter of the read API, and a page of objectives under it.

``objectives(filter:)`` and a saved view's ``objectives`` both go through
:func:`objectives_page`: the filter becomes a :class:`~okr_es.aggregates.saved_view.ViewFilter`
(what a saved view stores), then the read model's conditions, evaluated in SQL on the
server's today (see :mod:`okr_es.projections.objective_filters` for each rule).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from okr_es.aggregates.saved_view import ViewFilter, view_filter
from okr_es.api.graphql.scalars import as_utc
from okr_es.api.graphql.types import (
    Info,
    Objective,
    ObjectiveConnection,
    ObjectiveEdge,
    Pace,
    page_info,
)
from okr_es.errors import InvalidInput
from okr_es.learning.review_policy import ReviewPolicy, load_review_policy
from okr_es.projections import queries
from okr_es.projections.saved_view_queries import organization_policies

MAX_PAGE = 100


@strawberry.input(description="Which objectives to list; every condition given must hold.")
class ObjectiveFilter:
    unit_id: UUID | None = None
    include_descendants: bool = strawberry.field(
        default=False, description="Also the objectives of every unit below unitId."
    )
    cycle_id: UUID | None = None
    owner_id: UUID | None = None
    status: str | None = strawberry.field(default=None, description="active, closed, dropped")
    level: str | None = strawberry.field(
        default=None, description="The kind of unit: organisation, department, team …"
    )
    stale: bool | None = strawberry.field(
        default=None,
        description="true: active objectives whose cycle has begun and on whose key results "
        "nobody checked in for the review's maxGapDays (the organisation's review policy; "
        "21 by default), counted from the latest check-in or the cycle's start; false: all "
        "others.",
    )
    reported_status: str | None = strawberry.field(
        default=None,
        description="green, yellow or red: the worst latest reported status of the "
        "objective's key results.",
    )
    derived_status: Pace | None = strawberry.field(
        default=None, description="The roll-up's derivedStatus today."
    )
    at_risk: bool | None = strawberry.field(
        default=None,
        description="true: derivedStatus today is AT_RISK or BEHIND; false: ON_TRACK or none.",
    )
    unaligned: bool | None = strawberry.field(
        default=None,
        description="true: objectives aligned to no objective, outside the organisation's "
        "root unit; false: all others.",
    )
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed (or checked in on) at or after this instant."
    )


def view_filter_of(where: ObjectiveFilter | None) -> ViewFilter:
    """The input as a saved view stores it (its values checked)."""
    if where is None:
        return ViewFilter()
    fields: dict[str, Any] = {
        "unit_id": where.unit_id,
        "include_descendants": where.include_descendants,
        "cycle_id": where.cycle_id,
        "owner_id": where.owner_id,
        "stale": where.stale,
        "reported_status": where.reported_status,
        "derived_status": None if where.derived_status is None else where.derived_status.value,
        "at_risk": where.at_risk,
        "unaligned": where.unaligned,
        "updated_since": None if where.updated_since is None else as_utc(where.updated_since),
    }
    # Kept as free text, as before: an unknown status or level simply matches nothing.
    plain = {k: v for k, v in fields.items() if v is not None}
    found = view_filter(plain)
    return ViewFilter(**{**_as_dict(found), "status": where.status, "level": where.level})


async def objectives_page(
    info: Info, where: ViewFilter, first: int, after: str | None, sort: str = "oldest-first"
) -> ObjectiveConnection:
    """A page of the objectives the filter lets through, in the sort's order."""
    condition = await condition_of(info, where, sort)
    rows = await info.context.read(queries.objectives_page, condition, page_size(first), after)
    page = rows[:first]
    edges = [
        ObjectiveEdge(cursor=queries.objective_cursor(r, sort), node=Objective(row=r))
        for r in page
    ]
    return ObjectiveConnection(
        edges=edges, page_info=page_info([e.cursor for e in edges], len(rows) > first, after)
    )


async def condition_of(info: Info, where: ViewFilter, sort: str) -> queries.ObjectiveFilter:
    stale_days = ReviewPolicy().max_gap_days
    if where.stale is not None:
        stored = (await info.context.read(organization_policies)).review_policy
        if stored is not None:
            stale_days = load_review_policy(stored).max_gap_days
    since = where.updated_since
    return queries.ObjectiveFilter(
        unit_id=_text(where.unit_id),
        include_descendants=where.include_descendants,
        cycle_id=_text(where.cycle_id),
        owner_id=_text(where.owner_id),
        status=where.status,
        level=where.level,
        stale=where.stale,
        stale_after_days=stale_days,
        reported_status=where.reported_status,
        derived_status=where.derived_status,
        at_risk=where.at_risk,
        unaligned=where.unaligned,
        updated_since=None if since is None else as_utc(since).isoformat(),
        today=info.context.today(),
        sort=sort,
    )


def page_size(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise InvalidInput(
            f"first must be between 0 and {MAX_PAGE}", code="out-of-range", field="first"
        )
    return first


def _as_dict(value: ViewFilter) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__struct_fields__}


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)
