# mypy: disable-error-code="untyped-decorator"
"""The root fields of weekly progress meetings: ``meeting(id)``, ``meetings(unitId,
cycleId)`` and ``agenda(unitId, at)``, brought into the root ``Query`` as its base
:class:`MeetingQuery`. The types are in ``meeting_types``."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import strawberry

from okr_es.api.graphql.meeting_types import Agenda, Meeting
from okr_es.api.graphql.types import Info
from okr_es.errors import NotFound
from okr_es.projections import agenda as plan
from okr_es.projections import meeting_queries, queries
from okr_es.projections.queries import Views


@strawberry.type
class MeetingQuery:
    """The root fields of meetings; a base of the root ``Query``."""

    @strawberry.field(description="One meeting (null: no such meeting here).")
    async def meeting(self, info: Info, id: UUID) -> Meeting | None:
        row = await info.context.batch.meeting.load(str(id))
        return None if row is None else Meeting(row=row)

    @strawberry.field(
        description="A unit's meetings (of one cycle, if given), latest first (at most 100)."
    )
    async def meetings(
        self, info: Info, unit_id: UUID, cycle_id: UUID | None = None
    ) -> list[Meeting]:
        rows = await info.context.read(
            meeting_queries.meetings_of, str(unit_id), None if cycle_id is None else str(cycle_id)
        )
        return [Meeting(row=r) for r in rows]

    @strawberry.field(
        description="The agenda of the unit's weekly meeting at ``at`` (default: "
        "now), made from the read models: good news, OKR status, KPIs, "
        "initiatives, blockers and last meeting's priorities."
    )
    async def agenda(self, info: Info, unit_id: UUID, at: datetime | None = None) -> Agenda:
        when = (at or info.context.application.clock()).astimezone(UTC)
        found = await info.context.read(_agenda, str(unit_id), when)
        if found is None:
            raise NotFound(f"no unit {unit_id}", field="unitId")
        return Agenda(agenda=found)


def _agenda(views: Views, org: str, unit_id: str, at: datetime) -> plan.Agenda | None:
    if not queries.units_by_id(views, org, [unit_id]):
        return None
    rows = meeting_queries.agenda_rows(views, org, [unit_id], at)
    return plan.agendas(rows, [unit_id], at)[unit_id]
