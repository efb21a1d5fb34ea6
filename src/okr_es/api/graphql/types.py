# mypy: disable-error-code="untyped-decorator"
"""The GraphQL object types of the read API, each built from one read-model row.

Nested fields resolve through the request's batch loaders (never one statement per
row); time-dependent judgements (pace, staleness) are derived here from the rows, the
cycle's dates and the day being looked at, by the pure rules in ``projections.pace``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from okr_es.aggregates.initiative import is_overdue
from okr_es.api.graphql import stored_policies
from okr_es.api.graphql.context import GraphQLContext
from okr_es.api.graphql.history import event_data
from okr_es.api.graphql.roll_ups import objective_roll_up, unit_roll_up
from okr_es.api.graphql.scalars import as_utc
from okr_es.api.graphql.time_travel import AS_OF_FIELD, EFFECTIVE_AS_OF_FIELD
from okr_es.projections import pace
from okr_es.projections.queries import (
    CheckInRow,
    CycleRow,
    InitiativeRow,
    KeyResultRow,
    KpiMeasurementRow,
    KpiRow,
    MemberRow,
    ObjectiveRow,
    OrganizationRow,
    RoleGrantRow,
    TimelineRow,
    UnitRow,
)
from okr_es.projections.roll_up import RollUp

Info = strawberry.Info[GraphQLContext, None]


@strawberry.enum(description="Progress against the share of the cycle that has passed.")
class Pace(enum.Enum):
    ON_TRACK = pace.ON_TRACK
    AT_RISK = pace.AT_RISK
    BEHIND = pace.BEHIND


@strawberry.enum(description="What an objective's progress and derived status are made of.")
class RollUpMode(enum.Enum):
    KEY_RESULTS = "key_results"
    KEY_RESULTS_AND_CHILDREN = "key_results_and_children"
    CHILDREN = "children"


@strawberry.type(description="A member of the organisation.")
class Member:
    row: strawberry.Private[MemberRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.member_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def email(self) -> str:
        return self.row.email

    @strawberry.field(
        description="False once the member was deactivated (left, or lost access): their "
        "tokens no longer work and nothing new can be given to them; their history stays."
    )
    def active(self) -> bool:
        return bool(self.row.active)

    # --- roster and initiatives ------------------------------------------------------------

    @strawberry.field(description="Every role the member holds, organisation-wide ones too.")
    async def roles(self, info: Info) -> list[RoleGrant]:
        grants = await info.context.batch.grants_of_member.load(self.row.member_id)
        return [RoleGrant(row=g) for g in grants]

    @strawberry.field(description="The units the member holds a role in.")
    async def units(self, info: Info) -> list[Unit]:
        grants = await info.context.batch.grants_of_member.load(self.row.member_id)
        unit_ids = list(dict.fromkeys(g.unit_id for g in grants if g.unit_id is not None))
        rows = await info.context.batch.unit.load_many(unit_ids)
        return [Unit(row=r) for r in rows if r is not None]

    @strawberry.field(description="The initiatives the member owns, oldest first.")
    async def initiatives(self, info: Info) -> list[Initiative]:
        rows = await info.context.batch.initiatives_of_owner.load(self.row.member_id)
        return [Initiative(row=r) for r in rows]


@strawberry.type(description="A unit of the organisation: the organisation, a department, a team.")
class Unit:
    row: strawberry.Private[UnitRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.unit_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="organisation, department, team …")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def archived(self) -> bool:
        return bool(self.row.archived)

    @strawberry.field
    async def parent(self, info: Info) -> Unit | None:
        return await unit(info, self.row.parent_id)

    @strawberry.field(description="The units directly below this one.")
    async def children(self, info: Info) -> list[Unit]:
        every = await info.context.batch.all_units.load(info.context.org)
        return [Unit(row=u) for u in every if u.parent_id == self.row.unit_id]

    @strawberry.field(
        description="Mean progress in the cycle of the objectives this unit and every unit "
        "below it set (not dropped; one aligned to an objective of the same portfolio that "
        "counts its children is counted inside it); null without objectives."
    )
    async def progress(self, info: Info, cycle_id: UUID) -> float | None:
        found = await unit_roll_up(info, self.row.unit_id, str(cycle_id))
        return None if found is None else found.progress

    @strawberry.field(
        description="The worst derived status of the objectives `progress` counts in the "
        "cycle; null without objectives."
    )
    async def derived_status(self, info: Info, cycle_id: UUID) -> Pace | None:
        found = await unit_roll_up(info, self.row.unit_id, str(cycle_id))
        return None if found is None or found.status is None else Pace(found.status)

    # --- roster and initiatives ------------------------------------------------------------

    @strawberry.field(description="The members holding a role in this unit, by name.")
    async def members(self, info: Info) -> list[UnitMember]:
        grants = await info.context.batch.grants_of_unit.load(self.row.unit_id)
        roles: dict[str, list[str]] = {}
        for grant in grants:  # by member name, then role
            roles.setdefault(grant.member_id, []).append(grant.role)
        return [UnitMember(member_id=m, role_names=r) for m, r in roles.items()]

    @strawberry.field(description="The unit's initiatives, oldest first.")
    async def initiatives(self, info: Info) -> list[Initiative]:
        rows = await info.context.batch.initiatives_of_unit.load(self.row.unit_id)
        return [Initiative(row=r) for r in rows]


@strawberry.type(description="An OKR period (quarter, year, …); cycles may nest.")
class Cycle:
    row: strawberry.Private[CycleRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.cycle_id)

    @strawberry.field
    def label(self) -> str:
        return self.row.label

    @strawberry.field
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def start(self) -> date:
        return date.fromisoformat(self.row.start_date)

    @strawberry.field
    def end(self) -> date:
        return date.fromisoformat(self.row.end_date)

    @strawberry.field
    async def parent(self, info: Info) -> Cycle | None:
        return await cycle(info, self.row.parent_id)

    @strawberry.field(description="Share of the cycle that has passed today, 0 to 1.")
    def elapsed_share(self, info: Info) -> float:
        start, end = date.fromisoformat(self.row.start_date), date.fromisoformat(self.row.end_date)
        return pace.elapsed_share(start, end, info.context.today())


@strawberry.type(description="The organisation's limits on objectives and key results.")
class Policy:
    max_objectives: int
    min_key_results: int
    max_key_results: int
    warn_key_results_above: int
    mode: str


@strawberry.type(description="The reader's organisation.")
class Organization:
    row: strawberry.Private[OrganizationRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.organization_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def policy(self) -> Policy:
        r = self.row
        return Policy(
            max_objectives=r.max_objectives,
            min_key_results=r.min_key_results,
            max_key_results=r.max_key_results,
            warn_key_results_above=r.warn_key_results_above,
            mode=r.policy_mode,
        )

    @strawberry.field(
        description="The learning review's thresholds in effect: the stored review policy's, "
        "the defaults for those it leaves out (see docs/learning.md)."
    )
    async def review_policy(self, info: Info) -> JSON:
        return cast("JSON", await stored_policies.review_policy(info.context))

    @strawberry.field(
        description="The OKR quality lint's rules in effect: the stored lint policy's, the "
        "defaults for those it leaves out."
    )
    async def lint_policy(self, info: Info) -> JSON:
        return cast("JSON", await stored_policies.lint_policy(info.context))

    @strawberry.field(description="The root of the unit tree (follow `children`).")
    async def root_unit(self, info: Info) -> Unit:
        found = await unit(info, self.row.root_unit_id)
        assert found is not None  # the root is written with the organisation
        return found

    @strawberry.field(description="Every unit, archived ones included.")
    async def units(self, info: Info) -> list[Unit]:
        every = await info.context.batch.all_units.load(info.context.org)
        return [Unit(row=u) for u in every]

    @strawberry.field
    async def members(self, info: Info) -> list[Member]:
        every = await info.context.batch.all_members.load(info.context.org)
        return [Member(row=m) for m in every]


@strawberry.type(description="One reported value of a key result.")
class CheckIn:
    row: strawberry.Private[CheckInRow]

    @strawberry.field(description="The check-in's position in the event log.")
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def key_result_id(self) -> UUID:
        return UUID(self.row.key_result_id)

    @strawberry.field
    def objective_id(self) -> UUID:
        return UUID(self.row.objective_id)

    @strawberry.field
    def value(self) -> float:
        return self.row.value

    @strawberry.field(description="green, yellow or red, as reported.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field
    def comment(self) -> str:
        return self.row.comment

    @strawberry.field
    def blockers(self) -> str:
        return self.row.blockers

    @strawberry.field(
        description="How sure the team was of meeting the key result, a whole number from "
        "0 to 10, reported apart from the status; null when not given."
    )
    def confidence(self) -> int | None:
        return self.row.confidence

    @strawberry.field(description="When the value was true (business time).")
    def checked_in_at(self) -> datetime:
        return instant(self.row.checked_in_at)

    @strawberry.field(description="When the check-in was recorded.")
    def recorded_at(self) -> datetime:
        return instant(self.row.recorded_at)

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await member(info, self.row.by_member)

    @strawberry.field
    async def key_result(self, info: Info) -> KeyResult | None:
        row = await info.context.batch.key_result.load(self.row.key_result_id)
        return None if row is None else await key_result_of(info, row)


@strawberry.type(description="A measurable result of an objective, as it stands.")
class KeyResult:
    row: strawberry.Private[KeyResultRow]
    cycle_id: strawberry.Private[str]
    as_of: strawberry.Private[datetime | None] = None

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.key_result_id)

    @strawberry.field
    def objective_id(self) -> UUID:
        return UUID(self.row.objective_id)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field(description="increase, decrease, stay_above, stay_below or milestone.")
    def metric(self) -> str:
        return self.row.metric

    @strawberry.field
    def unit(self) -> str:
        return self.row.unit

    @strawberry.field
    def start(self) -> float | None:
        return self.row.start_value

    @strawberry.field
    def target(self) -> float | None:
        return self.row.target

    @strawberry.field(description="The last reported value (null before the first check-in).")
    def current(self) -> float | None:
        return self.row.current_value

    @strawberry.field(description="Share of the way from start to target, 0 to 1.")
    def progress(self) -> float:
        return self.row.progress

    @strawberry.field(description="The status of the last check-in: green, yellow or red.")
    def reported_status(self) -> str | None:
        return self.row.reported_status

    @strawberry.field
    def last_check_in_at(self) -> datetime | None:
        return None if self.row.last_check_in_at is None else instant(self.row.last_check_in_at)

    @strawberry.field
    def check_in_count(self) -> int:
        return self.row.check_in_count

    @strawberry.field(description="The score given when the objective was closed.")
    def score(self) -> float | None:
        return self.row.score

    @strawberry.field(
        description="The key result's share of its objective's progress, relative to the "
        "others' weights (1 unless weighted)."
    )
    def weight(self) -> float:
        return self.row.weight

    @strawberry.field(
        description="Progress against the elapsed share of the cycle; a stale key result "
        "is never ON_TRACK."
    )
    async def expected_status(self, info: Info) -> Pace | None:
        judged = await self._judge(info)
        return None if judged is None else Pace(judged[1])

    @strawberry.field(description="No check-in for 14 days while the cycle runs.")
    async def stale(self, info: Info) -> bool:
        judged = await self._judge(info)
        return False if judged is None else judged[0]

    @strawberry.field(
        description="The confidence (0 to 10) of the latest check-in, by checkedInAt, that "
        "gave one; null until one did."
    )
    async def confidence(self, info: Info) -> int | None:
        rows = await info.context.batch.check_ins_of_key_result.load(self.row.key_result_id)
        given = [
            r
            for r in rows
            if r.confidence is not None
            and (self.as_of is None or instant(r.recorded_at) <= self.as_of)
        ]
        if not given:
            return None
        return max(given, key=lambda r: (instant(r.checked_in_at), r.position)).confidence

    @strawberry.field(description="Every check-in, oldest first.")
    async def check_ins(self, info: Info) -> list[CheckIn]:
        rows = await info.context.batch.check_ins_of_key_result.load(self.row.key_result_id)
        if self.as_of is not None:
            rows = [r for r in rows if instant(r.recorded_at) <= self.as_of]
        return [CheckIn(row=r) for r in rows]

    @strawberry.field
    async def objective(self, info: Info) -> Objective | None:
        if self.as_of is not None:
            return None  # as-of key results are reached from their objective
        row = await info.context.batch.objective.load(self.row.objective_id)
        return None if row is None else Objective(row=row)

    @strawberry.field(description="The initiatives linked to this key result, oldest first.")
    async def initiatives(self, info: Info) -> list[Initiative]:
        links = await info.context.batch.links_of_key_result.load(self.row.key_result_id)
        rows = await info.context.batch.initiative.load_many([x.initiative_id for x in links])
        return [Initiative(row=r) for r in rows if r is not None]

    async def _judge(self, info: Info) -> tuple[bool, str] | None:
        found = await info.context.batch.cycle.load(self.cycle_id)
        if found is None:
            return None
        start, end = date.fromisoformat(found.start_date), date.fromisoformat(found.end_date)
        today = self.as_of.date() if self.as_of is not None else info.context.today()
        last = self.row.last_check_in_at
        stale = pace.is_stale(None if last is None else instant(last).date(), start, end, today)
        elapsed = pace.elapsed_share(start, end, today)
        return stale, pace.expected_status(self.row.metric, self.row.progress, elapsed, stale=stale)


@strawberry.type(description="A unit's qualitative goal for one cycle, with its key results.")
class Objective:
    row: strawberry.Private[ObjectiveRow]
    as_of: strawberry.Private[datetime | None] = None
    key_result_rows: strawberry.Private[list[KeyResultRow] | None] = None

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.objective_id)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def why(self) -> str:
        return self.row.why

    @strawberry.field(description="The bet behind the objective, as set with it (may be empty).")
    async def hypothesis(self, info: Info) -> str:
        row = await info.context.batch.hypothesis.load(self.row.objective_id)
        return "" if row is None else row.hypothesis

    @strawberry.field(description="active, closed or dropped.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field
    def status_reason(self) -> str:
        return self.row.status_reason

    @strawberry.field(
        description="Weighted mean progress of the objective's parts by its roll-up mode, 0 "
        "to 1: with the default mode and weights, the mean progress of its key results."
    )
    async def progress(self, info: Info) -> float:
        return (await self._roll_up(info)).progress

    @strawberry.field(
        description="The worst status of the objective's parts: a key result's reported and "
        "expected status (pace, staleness), an aligned child's derived status; null without "
        "parts or when dropped."
    )
    async def derived_status(self, info: Info) -> Pace | None:
        status = (await self._roll_up(info)).status
        return None if status is None else Pace(status)

    @strawberry.field(description="What progress and derivedStatus are made of.")
    def roll_up_mode(self) -> RollUpMode:
        return RollUpMode(self.row.roll_up_mode)

    @strawberry.field
    def carry_over_reason(self) -> str:
        return self.row.carry_over_reason

    @strawberry.field
    def carried_over_from(self) -> UUID | None:
        return uuid_or_none(self.row.carried_over_from)

    @strawberry.field
    def aligned_to_objective_id(self) -> UUID | None:
        return uuid_or_none(self.row.aligned_to_objective_id)

    @strawberry.field
    def aligned_to_key_result_id(self) -> UUID | None:
        return uuid_or_none(self.row.aligned_to_key_result_id)

    @strawberry.field(description="When the objective was recorded.")
    def set_at(self) -> datetime:
        return instant(self.row.set_at)

    @strawberry.field(description="When the objective took effect (business time).")
    def effective_at(self) -> datetime | None:
        return None if self.row.effective_at is None else instant(self.row.effective_at)

    @strawberry.field
    def updated_at(self) -> datetime:
        return instant(self.row.updated_at)

    @strawberry.field(description="The aggregate version this state reflects.")
    def version(self) -> int:
        return self.row.version

    @strawberry.field(description="The instant this state was read as of (null: now).")
    def as_of_time(self) -> datetime | None:
        return self.as_of

    @strawberry.field
    async def unit(self, info: Info) -> Unit | None:
        return await unit(info, self.row.unit_id)

    @strawberry.field
    async def cycle(self, info: Info) -> Cycle | None:
        return await cycle(info, self.row.cycle_id)

    @strawberry.field
    async def owner(self, info: Info) -> Member | None:
        return await member(info, self.row.owner_id)

    @strawberry.field(description="The objective this one contributes to.")
    async def aligned_to(self, info: Info) -> Objective | None:
        if self.row.aligned_to_objective_id is None:
            return None
        row = await info.context.batch.objective.load(self.row.aligned_to_objective_id)
        return None if row is None else Objective(row=row)

    @strawberry.field(description="The current key results, in order.")
    async def key_results(self, info: Info) -> list[KeyResult]:
        rows = self.key_result_rows
        if rows is None:
            rows = await info.context.batch.key_results_of_objective.load(self.row.objective_id)
        return [KeyResult(row=r, cycle_id=self.row.cycle_id, as_of=self.as_of) for r in rows]

    @strawberry.field(
        description="The objectives aligned to this one, oldest first, dropped ones "
        "included (empty as of an instant)."
    )
    async def aligned_children(self, info: Info) -> list[Objective]:
        if self.as_of is not None:
            return []
        rows = await info.context.batch.aligned_children.load(self.row.objective_id)
        return [Objective(row=r) for r in rows]

    async def _roll_up(self, info: Info) -> RollUp:
        return await objective_roll_up(
            info, self.row, key_result_rows=self.key_result_rows, as_of=self.as_of
        )


@strawberry.type(description="One change, told in human terms (for retrospectives and audits).")
class TimelineEntry:
    row: strawberry.Private[TimelineRow]

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def unit_id(self) -> UUID | None:
        return uuid_or_none(self.row.unit_id)

    @strawberry.field
    def cycle_id(self) -> UUID | None:
        return uuid_or_none(self.row.cycle_id)

    @strawberry.field
    def aggregate_id(self) -> UUID:
        return UUID(self.row.aggregate_id)

    @strawberry.field
    def aggregate_type(self) -> str:
        return self.row.aggregate_type

    @strawberry.field
    def event_type(self) -> str:
        return self.row.event_type

    @strawberry.field
    def by_member_id(self) -> UUID | None:
        return uuid_or_none(self.row.by_member)

    @strawberry.field
    def by_name(self) -> str | None:
        return self.row.by_name

    @strawberry.field
    def recorded_at(self) -> datetime:
        return instant(self.row.recorded_at)

    @strawberry.field
    def effective_at(self) -> datetime | None:
        return None if self.row.effective_at is None else instant(self.row.effective_at)

    @strawberry.field
    def language(self) -> str | None:
        return self.row.language

    @strawberry.field
    def sentence(self) -> str:
        return self.row.sentence

    @strawberry.field
    def objective_id(self) -> UUID | None:
        return uuid_or_none(self.row.objective_id)

    @strawberry.field
    def key_result_id(self) -> UUID | None:
        return uuid_or_none(self.row.key_result_id)

    @strawberry.field
    async def unit(self, info: Info) -> Unit | None:
        return await unit(info, self.row.unit_id)


@strawberry.type(description="One measurement of a KPI.")
class KpiMeasurement:
    row: strawberry.Private[KpiMeasurementRow]

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def value(self) -> float:
        return self.row.value

    @strawberry.field
    def measured_at(self) -> datetime:
        return instant(self.row.measured_at)

    @strawberry.field
    def healthy(self) -> bool | None:
        return None if self.row.healthy is None else bool(self.row.healthy)


@strawberry.type(description="A key performance indicator a unit keeps inside a corridor.")
class Kpi:
    row: strawberry.Private[KpiRow]

    @strawberry.field
    def id(self) -> UUID:
        return UUID(self.row.kpi_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def unit(self) -> str:
        return self.row.unit

    @strawberry.field
    def lower(self) -> float | None:
        return self.row.lower

    @strawberry.field
    def upper(self) -> float | None:
        return self.row.upper

    @strawberry.field
    def value(self) -> float | None:
        return self.row.value

    @strawberry.field
    def measured_at(self) -> datetime | None:
        return None if self.row.measured_at is None else instant(self.row.measured_at)

    @strawberry.field(description="Whether the last value lies inside the corridor.")
    def healthy(self) -> bool | None:
        return None if self.row.healthy is None else bool(self.row.healthy)

    @strawberry.field
    def retired(self) -> bool:
        return bool(self.row.retired)

    @strawberry.field
    def graduated_from_objective_id(self) -> UUID | None:
        return uuid_or_none(self.row.graduated_from_objective_id)

    @strawberry.field
    def graduated_from_key_result_id(self) -> UUID | None:
        return uuid_or_none(self.row.graduated_from_key_result_id)

    @strawberry.field
    def updated_at(self) -> datetime:
        return instant(self.row.updated_at)

    @strawberry.field
    async def owning_unit(self, info: Info) -> Unit | None:
        return await unit(info, self.row.unit_id)

    @strawberry.field(description="Every measurement, oldest first.")
    async def measurements(self, info: Info) -> list[KpiMeasurement]:
        rows = await info.context.batch.measurements_of_kpi.load(self.row.kpi_id)
        return [KpiMeasurement(row=r) for r in rows]


# --- initiatives and rosters ---------------------------------------------------------


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

    @strawberry.field(description="The day the work should be done by (null: none set).")
    def due_date(self) -> date | None:
        return None if self.row.due_on is None else date.fromisoformat(self.row.due_on)

    @strawberry.field(
        description="Still running after its due date (today in UTC); false without one."
    )
    def overdue(self, info: Info) -> bool:
        return is_overdue(self.row.status, self.due_date(), info.context.today())

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


# --- audit ---------------------------------------------------------------------------


@strawberry.type(description="One stored event of an aggregate (for auditors).")
class HistoryEvent:
    version: int
    type: str = strawberry.field(description="The event class, e.g. Objective.CheckInMade.")
    recorded_at: datetime
    by_member_id: UUID | None
    data: JSON = strawberry.field(description="The event's fields as stored.")

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await member(info, None if self.by_member_id is None else str(self.by_member_id))


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ObjectiveEdge:
    cursor: str
    node: Objective


@strawberry.type(description="A page of objectives (Relay connection).")
class ObjectiveConnection:
    edges: list[ObjectiveEdge]
    page_info: PageInfo
    as_of: datetime | None = strawberry.field(default=None, description=AS_OF_FIELD)
    effective_as_of: datetime | None = strawberry.field(
        default=None, description=EFFECTIVE_AS_OF_FIELD
    )

    @strawberry.field(description="The page's objectives, without cursors.")
    def nodes(self) -> list[Objective]:
        return [edge.node for edge in self.edges]


@strawberry.type
class TimelineEdge:
    cursor: str
    node: TimelineEntry


@strawberry.type(description="A page of the change timeline (Relay connection).")
class TimelineConnection:
    edges: list[TimelineEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[TimelineEntry]:
        return [edge.node for edge in self.edges]


# --- helpers shared by the resolvers -----------------------------------------------------


def instant(text: str) -> datetime:
    """A stored ISO 8601 instant, in UTC (see :func:`as_utc`)."""
    return as_utc(datetime.fromisoformat(text))


def uuid_or_none(text: str | None) -> UUID | None:
    return None if text is None else UUID(text)


def page_info(cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


async def unit(info: Info, unit_id: str | None) -> Unit | None:
    if unit_id is None:
        return None
    row = await info.context.batch.unit.load(unit_id)
    return None if row is None else Unit(row=row)


async def member(info: Info, member_id: str | None) -> Member | None:
    if member_id is None:
        return None
    row = await info.context.batch.member.load(member_id)
    return None if row is None else Member(row=row)


async def cycle(info: Info, cycle_id: str | None) -> Cycle | None:
    if cycle_id is None:
        return None
    row = await info.context.batch.cycle.load(cycle_id)
    return None if row is None else Cycle(row=row)


async def key_result_of(info: Info, row: KeyResultRow) -> KeyResult | None:
    """A key result reached without its objective: look the objective up for its cycle."""
    objective = await info.context.batch.objective.load(row.objective_id)
    return None if objective is None else KeyResult(row=row, cycle_id=objective.cycle_id)


def history_event(event: Any) -> HistoryEvent:
    data = event_data(event)
    by = data.get("by")
    return HistoryEvent(
        version=event.originator_version,
        type=type(event).__qualname__,
        recorded_at=event.timestamp,
        by_member_id=UUID(by) if isinstance(by, str) else None,
        data=cast("JSON", data),
    )
