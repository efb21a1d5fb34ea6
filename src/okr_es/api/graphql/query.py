# mypy: disable-error-code="untyped-decorator"
"""The root query: what a member of an organisation may read about it.

Every field reads the read-model tables through ``projections.queries``, scoped to the
reader's organisation, except the two that the design lets touch the event store:
``history`` (auditors) and ``asOf`` time travel.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import anyio.to_thread
import strawberry

from okr_es.api.graphql import history, learning
from okr_es.api.graphql.directory_group_query import DirectoryGroupQuery
from okr_es.api.graphql.initiative_query import InitiativeQuery
from okr_es.api.graphql.learning_types import (
    CopyPasteCheck,
    CycleEventConnection,
    LintReport,
    Review,
    copy_paste_of,
    event_page_of,
    lint_report_of,
    review_of,
)
from okr_es.api.graphql.leaver_query import LeaverQuery
from okr_es.api.graphql.meeting_query import MeetingQuery
from okr_es.api.graphql.objective_filter import ObjectiveFilter, objectives_page, view_filter_of
from okr_es.api.graphql.reminder_query import ReminderQuery
from okr_es.api.graphql.saved_view_query import SavedViewQuery
from okr_es.api.graphql.time_travel import AsOf, EffectiveAsOf
from okr_es.api.graphql.types import (
    Cycle,
    HistoryEvent,
    Info,
    KeyResult,
    Kpi,
    Member,
    Objective,
    ObjectiveConnection,
    Organization,
    TimelineConnection,
    TimelineEdge,
    TimelineEntry,
    Unit,
    history_event,
    key_result_of,
    member,
    page_info,
)
from okr_es.api.graphql.webhook_query import WebhookQuery
from okr_es.errors import InvalidInput
from okr_es.projections import queries

MAX_PAGE = 100


@strawberry.type
class Query(
    InitiativeQuery,
    SavedViewQuery,
    MeetingQuery,
    ReminderQuery,
    WebhookQuery,
    LeaverQuery,
    DirectoryGroupQuery,
):
    @strawberry.field(description="The member whose token made this request.")
    async def viewer(self, info: Info) -> Member | None:
        return await member(info, str(info.context.reader.member_id))

    @strawberry.field(description="The reader's organisation: name, policy, unit tree.")
    async def organization(self, info: Info) -> Organization | None:
        row = await info.context.read(queries.organization)
        return None if row is None else Organization(row=row)

    @strawberry.field(description="Every unit of the organisation.")
    async def units(
        self, info: Info, as_of: AsOf = None, effective_as_of: EffectiveAsOf = None
    ) -> list[Unit]:
        await info.context.travel(as_of, effective_as_of)
        rows = await info.context.batch.all_units.load(info.context.org)
        return [Unit(row=r) for r in rows]

    @strawberry.field(description="Every cycle of the organisation, by start date.")
    async def cycles(self, info: Info) -> list[Cycle]:
        return [Cycle(row=r) for r in await info.context.read(queries.cycles)]

    @strawberry.field(description="Objectives, oldest first (Relay connection).")
    async def objectives(
        self,
        info: Info,
        filter: ObjectiveFilter | None = None,
        first: int = 20,
        after: str | None = None,
        as_of: AsOf = None,
        effective_as_of: EffectiveAsOf = None,
    ) -> ObjectiveConnection:
        moment = await info.context.travel(as_of, effective_as_of)
        connection = await objectives_page(info, view_filter_of(filter), first, after)
        if moment is not None:
            connection.as_of, connection.effective_as_of = moment.as_of, moment.described
        return connection

    @strawberry.field(
        description="One objective now, or as it was recorded at asOf (null: unknown then)."
    )
    async def objective(
        self,
        info: Info,
        id: UUID,
        as_of: datetime | None = None,
    ) -> Objective | None:
        if as_of is None:
            row = await info.context.batch.objective.load(str(id))
            return None if row is None else Objective(row=row)
        return await _objective_as_of(info, id, as_of)

    @strawberry.field(description="One key result now, or as it was recorded at asOf.")
    async def key_result(
        self,
        info: Info,
        id: UUID,
        as_of: datetime | None = None,
    ) -> KeyResult | None:
        row = await info.context.batch.key_result.load(str(id))
        if row is None:
            return None
        if as_of is None:
            return await key_result_of(info, row)
        past = await _objective_as_of(info, UUID(row.objective_id), as_of)
        if past is None or past.key_result_rows is None:
            return None
        then = next((k for k in past.key_result_rows if k.key_result_id == row.key_result_id), None)
        return (
            None if then is None else KeyResult(row=then, cycle_id=past.row.cycle_id, as_of=as_of)
        )

    @strawberry.field(description="Every change, in human terms, in log order (Relay connection).")
    async def change_timeline(
        self,
        info: Info,
        unit_id: UUID | None = None,
        cycle_id: UUID | None = None,
        include_descendants: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> TimelineConnection:
        units = await _units(info, unit_id, include_descendants)
        rows = await info.context.read(
            queries.timeline_page,
            unit_ids=units,
            cycle_id=_text(cycle_id),
            first=_page(first),
            after=after,
        )
        page = rows[:first]
        edges = [
            TimelineEdge(cursor=queries.timeline_cursor(r), node=TimelineEntry(row=r)) for r in page
        ]
        return TimelineConnection(
            edges=edges, page_info=page_info([e.cursor for e in edges], len(rows) > first, after)
        )

    @strawberry.field(description="The organisation's KPIs (of one unit, or of all).")
    async def kpis(
        self,
        info: Info,
        unit_id: UUID | None = None,
        include_descendants: bool = False,
        include_retired: bool = False,
        as_of: AsOf = None,
        effective_as_of: EffectiveAsOf = None,
    ) -> list[Kpi]:
        await info.context.travel(as_of, effective_as_of)
        units = await _units(info, unit_id, include_descendants)
        rows = await info.context.read(queries.kpis, units, include_retired=include_retired)
        return [Kpi(row=r) for r in rows]

    @strawberry.field(
        description="Every stored event of one of the organisation's aggregates (auditors)."
    )
    async def history(self, info: Info, aggregate_id: UUID) -> list[HistoryEvent]:
        events = await anyio.to_thread.run_sync(
            history.aggregate_history,
            info.context.application,
            info.context.reader.organization_id,
            aggregate_id,
        )
        return [history_event(e) for e in events]

    @strawberry.field(
        description="The quality lint of the unit's stored OKR set in the cycle: the kind of "
        "every key result and every finding, held to the organisation's objective and key "
        "result limits."
    )
    async def lint(self, info: Info, unit_id: UUID, cycle_id: UUID) -> LintReport:
        report = await anyio.to_thread.run_sync(
            learning.lint_report,
            info.context.application,
            info.context.reader.organization_id,
            unit_id,
            cycle_id,
            info.context.views,
        )
        return lint_report_of(report)

    @strawberry.field(
        description="The unit's OKR set compared with its previous cycle's (null: the unit "
        "set no OKRs in an earlier cycle)."
    )
    async def copy_paste(self, info: Info, unit_id: UUID, cycle_id: UUID) -> CopyPasteCheck | None:
        found = await anyio.to_thread.run_sync(
            learning.copy_paste,
            info.context.application,
            info.context.reader.organization_id,
            unit_id,
            cycle_id,
        )
        return None if found is None else copy_paste_of(found)

    @strawberry.field(
        description="The learning review of the unit's cycle, up to today (default: the "
        "server's today, or the day of asOf / effectiveAsOf; a running cycle is judged "
        "only as far as today). Null: as of asOf the unit or the cycle was not known yet."
    )
    async def review(
        self,
        info: Info,
        unit_id: UUID,
        cycle_id: UUID,
        today: date | None = None,
        as_of: AsOf = None,
        effective_as_of: EffectiveAsOf = None,
    ) -> Review | None:
        moment = await info.context.travel(as_of, effective_as_of)
        if moment is not None and not await _known_then(info, cycle_id, unit_id):
            return None
        result = await anyio.to_thread.run_sync(
            learning.learning_review,
            info.context.application,
            info.context.reader.organization_id,
            unit_id,
            cycle_id,
            today or info.context.today(),
            info.context.views,
            moment,
        )
        return review_of(result)

    @strawberry.field(
        description="The learning review of every unit that set OKRs in the cycle (from "
        "the reviews read model), in the organisation's unit order; `today` as for "
        "`review`."
    )
    async def reviews(
        self,
        info: Info,
        cycle_id: UUID,
        today: date | None = None,
        as_of: AsOf = None,
        effective_as_of: EffectiveAsOf = None,
    ) -> list[Review]:
        moment = await info.context.travel(as_of, effective_as_of)
        if moment is not None and not await _known_then(info, cycle_id, None):
            return []
        results = await anyio.to_thread.run_sync(
            learning.learning_reviews,
            info.context.application,
            info.context.reader.organization_id,
            cycle_id,
            today or info.context.today(),
            info.context.views,
            moment,
        )
        return [review_of(r) for r in results]

    @strawberry.field(
        description="Every event of the aggregates the cycle touches (the cycle, its team "
        "cycles, objectives and linked initiatives; with unitId only that unit's), by log "
        "position, for auditors. `after` is a position (endCursor), first at most 200."
    )
    async def events(
        self,
        info: Info,
        cycle_id: UUID,
        unit_id: UUID | None = None,
        after: int | None = None,
        first: int = 50,
    ) -> CycleEventConnection:
        page = await anyio.to_thread.run_sync(
            learning.cycle_events,
            info.context.application,
            info.context.reader.organization_id,
            cycle_id,
            unit_id,
            after,
            first,
        )
        return event_page_of(page, after)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _page(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise InvalidInput(
            f"first must be between 0 and {MAX_PAGE}", code="out-of-range", field="first"
        )
    return first


async def _units(info: Info, unit_id: UUID | None, descendants: bool) -> list[str] | None:
    if unit_id is None:
        return None
    if descendants:
        return await info.context.read(queries.subtree_ids, str(unit_id))
    return [str(unit_id)]


async def _known_then(info: Info, cycle_id: UUID, unit_id: UUID | None) -> bool:
    """Whether the cycle (and the unit) were known at the instant being read; the ids
    must be the reader's organisation's now, as without asOf (or NotFound)."""
    await anyio.to_thread.run_sync(
        learning.check_scope,
        info.context.application,
        info.context.reader.organization_id,
        unit_id,
        cycle_id,
    )
    cycle_then = await info.context.batch.cycle.load(str(cycle_id))
    unit_then = True if unit_id is None else await info.context.batch.unit.load(str(unit_id))
    return cycle_then is not None and bool(unit_then)


async def _objective_as_of(info: Info, objective_id: UUID, as_of: datetime) -> Objective | None:
    found = await anyio.to_thread.run_sync(
        history.objective_as_of,
        info.context.application,
        info.context.reader.organization_id,
        objective_id,
        as_of,
    )
    if found is None:
        return None
    row, key_results = found
    return Objective(row=row, as_of=as_of, key_result_rows=key_results)
