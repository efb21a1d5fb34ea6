"""Reminders: an organisation's check-in reminder policy, and each reminder sent.

OKRs die when nobody follows up weekly. An organisation sets a default reminder policy
(cadence, day and time in a time zone, when to skip, when to escalate, holidays) and may
override it per unit; a unit without an override follows its nearest ancestor's, and
units follow the organisation's default. An organisation that never set one sends none.

Each reminder sent is its own aggregate, with an id derived from (unit, member, period):
a second send of the same reminder — after a restart, or by a second scheduler — tries to
create version 1 of an aggregate that exists, which the store refuses. So a reminder is
recorded at most once, whoever sends it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import InvalidInput, RuleViolation

CADENCES: frozenset[str] = frozenset({"weekly", "fortnightly", "monthly"})
# "team": nobody in the unit is reminded when anyone in it checked in recently;
# "owner": each owner is reminded unless they checked in recently themselves.
SKIP_SCOPES: frozenset[str] = frozenset({"team", "owner"})
WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
DEFAULT_TIME_ZONE = "Europe/Oslo"
MAX_HOLIDAYS = 50
_SETTINGS_NAMESPACE = uuid5(NAMESPACE_URL, "https://okr-es.org/reminder-settings")
_REMINDER_NAMESPACE = uuid5(NAMESPACE_URL, "https://okr-es.org/reminder")
# The ``by`` of a reminder sent by the scheduler: no member sent it.
NOTIFIER = uuid5(NAMESPACE_URL, "https://okr-es.org/notifier")


def reminder_settings_id(organization_id: UUID) -> UUID:
    """An organisation has one set of reminder settings, so its id follows from the org."""
    return uuid5(_SETTINGS_NAMESPACE, str(organization_id))


def reminder_id(unit_id: UUID, member_id: UUID, period: date) -> UUID:
    """One reminder per unit, member and period: the id a second send collides with."""
    return uuid5(_REMINDER_NAMESPACE, f"{unit_id}/{member_id}/{period.isoformat()}")


class Holiday(msgspec.Struct, frozen=True):
    """Days (both ends included) on which no reminder is sent."""

    start: date
    end: date
    label: str = ""


class ReminderPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """When and how a unit is reminded to check in."""

    enabled: bool = True
    cadence: str = "weekly"
    # Weekly and fortnightly reminders: the day of the week.
    weekday: str = "monday"
    # Monthly reminders: the day of the month; 29–31 mean the month's last day when shorter.
    day_of_month: int = 1
    time_of_day: time = time(9, 0)
    time_zone: str = DEFAULT_TIME_ZONE
    # No reminder when a check-in was made within this many days (0: always remind).
    skip_if_checked_in_within_days: int = 6
    skip_scope: str = "owner"
    # Also remind the unit's leads after this many reminded periods in a row without a
    # check-in (0: never escalate).
    escalate_after_missed: int = 2
    # A check-in within this many days after a reminder counts as the reminder helping.
    helped_within_days: int = 3
    holidays: list[Holiday] = msgspec.field(default_factory=list)


class ReminderSettings(OKRAggregate):
    """An organisation's reminder policy: its default and the units' overrides."""

    class ReminderSettingsStarted(OKRAggregate.Created):
        """The organisation started configuring check-in reminders."""

        organization_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.default = None
            aggregate.overrides = {}

    class ReminderDefaultChanged(OKRAggregate.Event):
        """The organisation's default reminder policy changed."""

        policy: ReminderPolicy

        def apply(self, aggregate: Any) -> None:
            aggregate.default = self.policy

    class UnitReminderPolicySet(OKRAggregate.Event):
        """A unit (and its sub-units without their own) got its own reminder policy."""

        unit_id: UUID
        policy: ReminderPolicy

        def apply(self, aggregate: Any) -> None:
            aggregate.overrides[self.unit_id] = self.policy

    class UnitReminderPolicyCleared(OKRAggregate.Event):
        """A unit went back to following its parent's or the organisation's policy."""

        unit_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate.overrides[self.unit_id]

    if TYPE_CHECKING:
        organization_id: UUID
        default: ReminderPolicy | None
        overrides: dict[UUID, ReminderPolicy]

    @classmethod
    def start(cls, *, organization_id: UUID, by: UUID) -> ReminderSettings:
        return cls._create(
            cls.ReminderSettingsStarted,
            id=reminder_settings_id(organization_id),
            organization_id=organization_id,
            by=by,
        )

    def change_default(self, *, policy: ReminderPolicy, by: UUID) -> None:
        policy = validated(policy)
        if policy == self.default:
            raise RuleViolation("the reminder default is already like that", code="no-change")
        self.trigger_event(self.ReminderDefaultChanged, policy=policy, by=by)

    def set_unit_policy(self, *, unit_id: UUID, policy: ReminderPolicy, by: UUID) -> None:
        policy = validated(policy)
        if self.overrides.get(unit_id) == policy:
            raise RuleViolation("the unit's reminder policy is already like that", code="no-change")
        self.trigger_event(self.UnitReminderPolicySet, unit_id=unit_id, policy=policy, by=by)

    def clear_unit_policy(self, *, unit_id: UUID, by: UUID) -> None:
        if unit_id not in self.overrides:
            raise RuleViolation(
                "the unit has no reminder policy of its own", code="no-change", field="unit_id"
            )
        self.trigger_event(self.UnitReminderPolicyCleared, unit_id=unit_id, by=by)

    def effective(self, unit_id: UUID, ancestors: list[UUID]) -> ReminderPolicy | None:
        """The unit's own policy, else its nearest ancestor's, else the default."""
        for candidate in (unit_id, *ancestors):
            if candidate in self.overrides:
                return self.overrides[candidate]
        return self.default


class Reminder(OKRAggregate):
    """One reminder to check in: to one member of one unit, for one period."""

    class ReminderSent(OKRAggregate.Created):
        """A member was reminded to check in on their key results (and, escalated, the
        unit's leads were told)."""

        organization_id: UUID
        unit_id: UUID
        member_id: UUID
        cycle_id: UUID
        period: date
        due_at: datetime
        key_result_ids: list[UUID]
        escalated: bool
        escalated_to: list[UUID]
        missed_periods: int
        helped_within_days: int

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.member_id = self.member_id
            aggregate.cycle_id = self.cycle_id
            aggregate.period = self.period
            aggregate.due_at = self.due_at
            aggregate.key_result_ids = list(self.key_result_ids)
            aggregate.escalated = self.escalated
            aggregate.escalated_to = list(self.escalated_to)
            aggregate.missed_periods = self.missed_periods
            aggregate.helped_within_days = self.helped_within_days

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        member_id: UUID
        cycle_id: UUID
        period: date
        due_at: datetime
        key_result_ids: list[UUID]
        escalated: bool
        escalated_to: list[UUID]
        missed_periods: int
        helped_within_days: int

    @classmethod
    def send(
        cls,
        *,
        organization_id: UUID,
        unit_id: UUID,
        member_id: UUID,
        cycle_id: UUID,
        period: date,
        due_at: datetime,
        key_result_ids: list[UUID],
        escalated_to: list[UUID],
        missed_periods: int,
        helped_within_days: int,
        by: UUID = NOTIFIER,
    ) -> Reminder:
        if not key_result_ids:
            raise InvalidInput("a reminder names at least one key result", field="key_result_ids")
        if missed_periods < 0:
            raise InvalidInput("missed_periods cannot be negative", field="missed_periods")
        return cls._create(
            cls.ReminderSent,
            id=reminder_id(unit_id, member_id, period),
            organization_id=organization_id,
            unit_id=unit_id,
            member_id=member_id,
            cycle_id=cycle_id,
            period=period,
            due_at=due_at,
            key_result_ids=list(key_result_ids),
            escalated=bool(escalated_to),
            escalated_to=list(escalated_to),
            missed_periods=missed_periods,
            helped_within_days=helped_within_days,
            by=by,
        )


def validated(policy: ReminderPolicy) -> ReminderPolicy:
    """The policy if every field is in range, else a clear refusal naming the field."""
    check.choice(policy.cadence, "cadence", CADENCES)
    check.choice(policy.weekday, "weekday", WEEKDAYS)
    check.choice(policy.skip_scope, "skip_scope", SKIP_SCOPES)
    _whole(policy.day_of_month, "day_of_month", 1, 31)
    _whole(policy.skip_if_checked_in_within_days, "skip_if_checked_in_within_days", 0, 90)
    _whole(policy.escalate_after_missed, "escalate_after_missed", 0, 52)
    _whole(policy.helped_within_days, "helped_within_days", 1, 31)
    zone(policy.time_zone)
    if policy.time_of_day.tzinfo is not None:
        raise InvalidInput(
            "time_of_day is a wall-clock time; give the zone in time_zone",
            code="invalid-input",
            field="time_of_day",
        )
    if len(policy.holidays) > MAX_HOLIDAYS:
        raise InvalidInput(
            f"at most {MAX_HOLIDAYS} holiday periods", code="out-of-range", field="holidays"
        )
    for i, holiday in enumerate(policy.holidays):
        if holiday.end < holiday.start:
            raise InvalidInput(
                "a holiday period ends on or after its start",
                code="out-of-range",
                field=f"holidays[{i}].end",
            )
        check.line(holiday.label, f"holidays[{i}].label", required=False)
    return policy


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or a clear refusal."""
    try:
        if not isinstance(name, str) or len(name) > 64:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Oslo)",
            code="invalid-input",
            field="time_zone",
        ) from None


def _whole(value: Any, field: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            f"{field} must be a whole number from {low} to {high}",
            code="out-of-range",
            field=field,
        )
