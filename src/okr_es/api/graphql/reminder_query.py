# mypy: disable-error-code="untyped-decorator"
"""The root fields of check-in reminders: the policy each unit follows and the reminders
sent, brought into the root ``Query`` as its base :class:`ReminderQuery`."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec
import strawberry

from okr_es.api.graphql.types import Info
from okr_es.errors import InvalidInput
from okr_es.learning.review_reminders import ReminderReview
from okr_es.projections import reminder_queries
from okr_es.projections.reminder_queries import EffectivePolicy, ReminderSentRow
from okr_es.projections.reminders import DEFAULT_UNIT

MAX_REMINDERS = 200
_ids = msgspec.json.Decoder(list[UUID])


@strawberry.type(description="Days (both ends included) without reminders.")
class ReminderHoliday:
    start: dt.date
    end: dt.date
    label: str


@strawberry.type(description="When and how a unit is reminded to check in.")
class ReminderPolicy:
    unit_id: UUID | None = strawberry.field(
        description="The unit asked about (null: the organisation's default)."
    )
    from_unit_id: UUID | None = strawberry.field(
        description="The unit whose own policy this is (null: the organisation's default)."
    )
    enabled: bool
    cadence: str = strawberry.field(description="weekly, fortnightly or monthly")
    weekday: str
    day_of_month: int
    time_of_day: str = strawberry.field(description="Wall-clock time in timeZone, HH:MM")
    time_zone: str
    skip_if_checked_in_within_days: int
    skip_scope: str = strawberry.field(description="team or owner")
    escalate_after_missed: int
    helped_within_days: int
    holidays: list[ReminderHoliday]


@strawberry.type(description="A reminder to check in, as sent.")
class ReminderSent:
    id: UUID
    unit_id: UUID
    member_id: UUID
    cycle_id: UUID
    period: dt.date = strawberry.field(description="The local date it was due on.")
    due_at: dt.datetime
    key_result_ids: list[UUID]
    escalated: bool
    escalated_to: list[UUID]
    missed_periods: int = strawberry.field(
        description="Reminded periods in a row before this one without a check-in."
    )
    recorded_at: dt.datetime


@strawberry.type
class ReminderQuery:
    """The root fields of reminders; a base of the root ``Query``."""

    @strawberry.field(
        description="The reminder policy a unit follows (no unitId: the organisation's "
        "default); null when it gets no reminders."
    )
    async def reminder_policy(
        self, info: Info, unit_id: UUID | None = None
    ) -> ReminderPolicy | None:
        found = await info.context.read(reminder_queries.effective_policies)
        key = DEFAULT_UNIT if unit_id is None else str(unit_id)
        effective = found.get(key)
        return None if effective is None else _policy(unit_id, effective)

    @strawberry.field(description="Reminders sent, latest first (only to the unit / member).")
    async def reminders_sent(
        self,
        info: Info,
        unit_id: UUID | None = None,
        member_id: UUID | None = None,
        first: int = 50,
    ) -> list[ReminderSent]:
        if not 0 <= first <= MAX_REMINDERS:
            raise InvalidInput(
                f"first must be between 0 and {MAX_REMINDERS}", code="out-of-range", field="first"
            )
        rows = await info.context.read(
            reminder_queries.reminders_sent,
            unit_ids=[] if unit_id is None else [str(unit_id)],
            member_id=None if member_id is None else str(member_id),
            limit=first,
        )
        return [_sent(r) for r in rows]


def _policy(unit_id: UUID | None, effective: EffectivePolicy) -> ReminderPolicy:
    p = effective.policy
    return ReminderPolicy(
        unit_id=unit_id,
        from_unit_id=None if effective.from_unit_id is None else UUID(effective.from_unit_id),
        enabled=p.enabled,
        cadence=p.cadence,
        weekday=p.weekday,
        day_of_month=p.day_of_month,
        time_of_day=p.time_of_day.strftime("%H:%M"),
        time_zone=p.time_zone,
        skip_if_checked_in_within_days=p.skip_if_checked_in_within_days,
        skip_scope=p.skip_scope,
        escalate_after_missed=p.escalate_after_missed,
        helped_within_days=p.helped_within_days,
        holidays=[ReminderHoliday(start=h.start, end=h.end, label=h.label) for h in p.holidays],
    )


def _sent(row: ReminderSentRow) -> ReminderSent:
    return ReminderSent(
        id=UUID(row.reminder_id),
        unit_id=UUID(row.unit_id),
        member_id=UUID(row.member_id),
        cycle_id=UUID(row.cycle_id),
        period=dt.date.fromisoformat(row.period),
        due_at=dt.datetime.fromisoformat(row.due_at),
        key_result_ids=_ids.decode(row.key_result_ids),
        escalated=bool(row.escalated),
        escalated_to=_ids.decode(row.escalated_to),
        missed_periods=row.missed_periods,
        recorded_at=dt.datetime.fromisoformat(row.recorded_at),
    )


@strawberry.type(description="A reminder sent in a reviewed cycle, and whether it helped.")
class ReviewReminder:
    member_id: UUID
    member: str
    period: dt.date
    due_at: dt.datetime
    key_result_ids: list[UUID]
    escalated: bool
    escalated_to: list[str] = strawberry.field(description="The names of those told.")
    missed_periods: int
    helped: bool = strawberry.field(
        description="The member checked in within the policy's helpedWithinDays after it."
    )
    checked_in_at: dt.datetime | None = strawberry.field(
        description="The first check-in by the member in that window (as recorded)."
    )


def review_reminder(r: ReminderReview) -> ReviewReminder:
    return ReviewReminder(
        member_id=r.member_id,
        member=r.member,
        period=r.period,
        due_at=r.due_at,
        key_result_ids=list(r.key_result_ids),
        escalated=r.escalated,
        escalated_to=list(r.escalated_to),
        missed_periods=r.missed_periods,
        helped=r.helped,
        checked_in_at=r.checked_in_at,
    )
