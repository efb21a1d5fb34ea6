# mypy: disable-error-code="untyped-decorator"
"""GraphQL types of weekly progress meetings and their agenda, each built from rows.

Nested fields resolve through the request's batch loaders (members, units, cycles, key
results, a meeting's items), so a list of meetings costs a fixed handful of statements.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID

import strawberry

from okr_es.api.graphql.types import (
    CheckIn,
    Cycle,
    Info,
    Initiative,
    KeyResult,
    Kpi,
    Member,
    Objective,
    Pace,
    Unit,
    cycle,
    key_result_of,
    member,
)
from okr_es.projections import agenda as plan
from okr_es.projections.meeting_queries import MeetingItemRow, MeetingRow


@strawberry.type(
    description="One item of a meeting: good news, a decision, a priority, a "
    "blocker or a check-in made in the meeting."
)
class MeetingItem:
    row: strawberry.Private[MeetingItemRow]

    @strawberry.field(description="good_news, decision, priority, blocker or check_in.")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field(description="The priority's or blocker's id (null for other items).")
    def item_id(self) -> UUID | None:
        return None if self.row.item_id is None else UUID(self.row.item_id)

    @strawberry.field
    def text(self) -> str:
        return self.row.text

    @strawberry.field(description="A priority's owner.")
    async def owner(self, info: Info) -> Member | None:
        return await member(info, self.row.owner_id)

    @strawberry.field(description="A priority's due date.")
    def due(self) -> date | None:
        return None if self.row.due is None else date.fromisoformat(self.row.due)

    @strawberry.field(description="A priority done, or a blocker resolved.")
    def done(self) -> bool:
        return bool(self.row.done)

    @strawberry.field
    def done_at(self) -> datetime | None:
        return None if self.row.done_at is None else datetime.fromisoformat(self.row.done_at)

    @strawberry.field(description="The note of a priority done, or a blocker's resolution.")
    def done_note(self) -> str:
        return self.row.done_note

    @strawberry.field(description="The key results a decision cites, or a check-in's.")
    async def key_results(self, info: Info) -> list[KeyResult]:
        ids = json.loads(self.row.key_result_ids)
        if self.row.key_result_id is not None:
            ids = [self.row.key_result_id]
        rows = await info.context.batch.key_result.load_many(ids)
        found = [await key_result_of(info, r) for r in rows if r is not None]
        return [k for k in found if k is not None]

    @strawberry.field(description="A check-in's reported value.")
    def value(self) -> float | None:
        return self.row.value

    @strawberry.field(description="A check-in's reported status: green, yellow or red.")
    def status(self) -> str | None:
        return self.row.status

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await member(info, self.row.by_member)

    @strawberry.field
    def recorded_at(self) -> datetime:
        return datetime.fromisoformat(self.row.recorded_at)


@strawberry.type(description="A unit's weekly progress meeting (fremdriftsmøte).")
class Meeting:
    row: strawberry.Private[MeetingRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.meeting_id)

    @strawberry.field
    async def unit(self, info: Info) -> Unit | None:
        row = await info.context.batch.unit.load(self.row.unit_id)
        return None if row is None else Unit(row=row)

    @strawberry.field
    async def cycle(self, info: Info) -> Cycle | None:
        return await cycle(info, self.row.cycle_id)

    @strawberry.field(description="When the meeting was held (business time).")
    def held_at(self) -> datetime:
        return datetime.fromisoformat(self.row.held_at)

    @strawberry.field
    async def facilitator(self, info: Info) -> Member | None:
        return await member(info, self.row.facilitator_id)

    @strawberry.field(description="open or closed.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field(description="Who attended (known once the meeting is closed).")
    async def attendees(self, info: Info) -> list[Member]:
        rows = await info.context.batch.member.load_many(json.loads(self.row.attendee_ids))
        return [Member(row=r) for r in rows if r is not None]

    @strawberry.field
    def note(self) -> str:
        return self.row.note

    @strawberry.field(
        description="The meeting's items in the order they were recorded; "
        "only those of one kind when given."
    )
    async def items(self, info: Info, kind: str | None = None) -> list[MeetingItem]:
        rows = await info.context.batch.items_of_meeting.load(self.row.meeting_id)
        return [MeetingItem(row=r) for r in rows if kind in (None, r.kind)]

    @strawberry.field(description="The log position of the meeting's latest change.")
    def position(self) -> int:
        return self.row.position


@strawberry.type(description="A key result on the agenda, with its pace at the meeting.")
class AgendaKeyResult:
    entry: strawberry.Private[plan.AgendaKeyResult]

    @strawberry.field
    def key_result(self) -> KeyResult:
        return KeyResult(row=self.entry.key_result, cycle_id=self.entry.objective.cycle_id)

    @strawberry.field
    def objective(self) -> Objective:
        return Objective(row=self.entry.objective)

    @strawberry.field
    def pace(self) -> Pace:
        return Pace(self.entry.pace)

    @strawberry.field(description="Nobody checked in for two weeks.")
    def stale(self) -> bool:
        return self.entry.stale

    @strawberry.field
    def last_check_in(self) -> CheckIn | None:
        found = self.entry.last_check_in
        return None if found is None else CheckIn(row=found)


@strawberry.type(description="Good news to open the meeting with.")
class AgendaGoodNews:
    news: strawberry.Private[plan.GoodNews]

    @strawberry.field(description="key-result-met or initiative-completed.")
    def kind(self) -> str:
        return self.news.kind

    @strawberry.field
    def text(self) -> str:
        return self.news.text

    @strawberry.field
    def key_result_id(self) -> UUID | None:
        return None if self.news.key_result_id is None else UUID(self.news.key_result_id)

    @strawberry.field
    def initiative_id(self) -> UUID | None:
        return None if self.news.initiative_id is None else UUID(self.news.initiative_id)


@strawberry.type(description="Something in the team's way.")
class AgendaBlocker:
    blocker: strawberry.Private[plan.Blocker]

    @strawberry.field(
        description="check-in (the latest check-in names it or is red) or "
        "meeting (raised in an earlier meeting, not resolved)."
    )
    def source(self) -> str:
        return self.blocker.source

    @strawberry.field
    def text(self) -> str:
        return self.blocker.text

    @strawberry.field
    def key_result_id(self) -> UUID | None:
        return None if self.blocker.key_result_id is None else UUID(self.blocker.key_result_id)

    @strawberry.field
    def status(self) -> str | None:
        return self.blocker.status

    @strawberry.field
    def meeting_id(self) -> UUID | None:
        return None if self.blocker.meeting_id is None else UUID(self.blocker.meeting_id)

    @strawberry.field
    def blocker_id(self) -> UUID | None:
        return None if self.blocker.blocker_id is None else UUID(self.blocker.blocker_id)

    @strawberry.field
    def raised_at(self) -> datetime | None:
        raised = self.blocker.raised_at
        return None if raised is None else datetime.fromisoformat(raised)


@strawberry.type(
    description="The six points of a weekly progress meeting, from the read "
    "models at the meeting's time."
)
class Agenda:
    agenda: strawberry.Private[plan.Agenda]

    @strawberry.field
    async def unit(self, info: Info) -> Unit | None:
        row = await info.context.batch.unit.load(self.agenda.unit_id)
        return None if row is None else Unit(row=row)

    @strawberry.field
    def at(self) -> datetime:
        return self.agenda.at

    @strawberry.field(description="The running cycle the agenda looks at.")
    def cycle(self) -> Cycle | None:
        found = self.agenda.cycle
        return None if found is None else Cycle(row=found)

    @strawberry.field(
        description="1. Good news: key results met, initiatives completed since the last meeting."
    )
    def good_news(self) -> list[AgendaGoodNews]:
        return [AgendaGoodNews(news=n) for n in self.agenda.good_news]

    @strawberry.field(description="2. OKR status: stale key results first, then by pace.")
    def okr_status(self) -> list[AgendaKeyResult]:
        return [AgendaKeyResult(entry=k) for k in self.agenda.key_results]

    @strawberry.field(description="3. KPI review: KPIs outside their corridor.")
    def kpis_outside_corridor(self) -> list[Kpi]:
        return [Kpi(row=k) for k in self.agenda.kpis_outside_corridor]

    @strawberry.field(
        description="4. Initiatives: running ones, and those completed since the last meeting."
    )
    def initiatives(self) -> list[Initiative]:
        return [Initiative(row=i) for i in self.agenda.initiatives]

    @strawberry.field(
        description="5. Blockers: of the latest check-ins, and unresolved ones of earlier meetings."
    )
    def blockers(self) -> list[AgendaBlocker]:
        return [AgendaBlocker(blocker=b) for b in self.agenda.blockers]

    @strawberry.field(description="The unit's latest meeting before this one.")
    def last_meeting(self) -> Meeting | None:
        found = self.agenda.last_meeting
        return None if found is None else Meeting(row=found)

    @strawberry.field(description="6. Priorities agreed at the last meeting, done or not.")
    def last_priorities(self) -> list[MeetingItem]:
        return [MeetingItem(row=p) for p in self.agenda.last_priorities]
