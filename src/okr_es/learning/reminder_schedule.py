"""Which check-in reminders are due: a pure function of policy, facts and "now".

A policy names occurrences in its time zone (every week on a weekday, every second week,
or monthly on a day) at a wall-clock time. The *period* of a reminder is the local date of
its occurrence; a reminder is due once its occurrence has passed, for at most
:data:`GRACE` afterwards (a scheduler that was down longer skips it rather than send a
stale reminder), unless:

- the period falls in a holiday, or no open cycle of the unit (one with key results and
  a team cycle that is not closed) contains it;
- a check-in was made recently (``skip_if_checked_in_within_days``): by anyone in the unit
  (``skip_scope = "team"``) or by the owner (``"owner"``);
- it was sent already (the caller passes the reminders sent).

Key results have no owner of their own: their objective's owner is reminded. After
``escalate_after_missed`` reminded periods in a row without a check-in by the owner before
the next occurrence, the reminder is escalated to the unit's leads (the nearest ones other
than the owner: a lead who owns the key results is escalated to the parent unit's leads).

Wall-clock times that do not exist (the spring-forward gap) fall one hour later; those
that happen twice (the autumn fall-back) are taken the first time: every period has
exactly one instant.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from okr_es.aggregates.reminders import WEEKDAYS, ReminderPolicy, zone

# How long after its time a reminder may still be sent.
GRACE = timedelta(days=1)
# Fortnightly reminders fall in the even weeks counted from this Monday.
FORTNIGHT_ANCHOR = date(2024, 1, 1)
# How far back the search for the latest occurrence looks (a month and then some).
_LOOK_BACK_DAYS = 62


@dataclass(frozen=True)
class KeyResultFacts:
    """A key result of the unit as the read models know it."""

    key_result_id: UUID
    objective_id: UUID
    cycle_id: UUID
    owner_id: UUID
    # When its check-ins were recorded (as made, not their business date).
    check_ins: tuple[datetime, ...] = ()
    # Who made them, in the same order as ``check_ins``.
    check_in_by: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class CycleWindow:
    cycle_id: UUID
    start: date
    end: date
    # The unit's OKR set for the cycle is closed (or it has none).
    closed: bool = False


@dataclass(frozen=True)
class UnitFacts:
    """Everything the schedule needs to know of one unit."""

    organization_id: UUID
    unit_id: UUID
    policy: ReminderPolicy | None
    key_results: tuple[KeyResultFacts, ...]
    cycles: tuple[CycleWindow, ...]
    # Who an escalation goes to, nearest first: the unit's leads, its parent's, …, the
    # admins. The first level with someone other than the owner is told.
    leads: tuple[tuple[UUID, ...], ...] = ()


@dataclass(frozen=True)
class SentReminder:
    unit_id: UUID
    member_id: UUID
    period: date
    sent_at: datetime
    key_result_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class DueReminder:
    organization_id: UUID
    unit_id: UUID
    member_id: UUID
    cycle_id: UUID
    period: date
    due_at: datetime
    key_result_ids: tuple[UUID, ...]
    missed_periods: int
    escalated_to: tuple[UUID, ...] = field(default=())
    # The policy's window in which a check-in counts as the reminder helping.
    helped_within_days: int = 3

    @property
    def escalated(self) -> bool:
        return bool(self.escalated_to)


SentIndex = Mapping[tuple[UUID, UUID, date], SentReminder]


def is_occurrence(policy: ReminderPolicy, day: date) -> bool:
    """Does the policy remind on this local date?"""
    if policy.cadence == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(policy.day_of_month, last)
    if day.weekday() != WEEKDAYS.index(policy.weekday):
        return False
    if policy.cadence == "fortnightly":
        return ((day - FORTNIGHT_ANCHOR).days // 7) % 2 == 0
    return True


def occurrence_instant(policy: ReminderPolicy, day: date) -> datetime:
    """The UTC instant of the policy's time of day on a local date (see the module doc for
    times that do not exist or happen twice)."""
    # fold=0: a time in the spring-forward gap takes the offset from before the change
    # (so it falls an hour later on the wall clock), a repeated time its first instant.
    local = datetime.combine(day, policy.time_of_day, tzinfo=zone(policy.time_zone))
    return local.astimezone(UTC)


def latest_period(policy: ReminderPolicy, now: datetime) -> tuple[date, datetime] | None:
    """The latest occurrence at or before ``now``: its local date and its instant."""
    today = now.astimezone(zone(policy.time_zone)).date()
    for back in range(_LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        if is_occurrence(policy, day):
            instant = occurrence_instant(policy, day)
            if instant <= now:
                return day, instant
    return None


def previous_periods(policy: ReminderPolicy, period: date, count: int) -> list[date]:
    """The ``count`` occurrences before ``period``, latest first."""
    found: list[date] = []
    day = period
    while len(found) < count:
        day -= timedelta(days=1)
        if is_occurrence(policy, day):
            found.append(day)
    return found


def due_reminders(unit: UnitFacts, sent: SentIndex, now: datetime) -> list[DueReminder]:
    """The reminders to send for the unit now, one per owner, in owner order."""
    policy = unit.policy
    if policy is None or not policy.enabled:
        return []
    latest = latest_period(policy, now)
    if latest is None:
        return []
    period, due_at = latest
    if now - due_at > GRACE or _on_holiday(policy, period):
        return []
    open_cycles = {
        c.cycle_id: c for c in unit.cycles if not c.closed and c.start <= period <= c.end
    }
    key_results = [kr for kr in unit.key_results if kr.cycle_id in open_cycles]
    if not key_results:
        return []
    recent_since = now - timedelta(days=policy.skip_if_checked_in_within_days)
    team_active = any(_checked_in_since(kr, recent_since) for kr in key_results)
    if policy.skip_if_checked_in_within_days and policy.skip_scope == "team" and team_active:
        return []
    due: list[DueReminder] = []
    for owner, owned in _by_owner(key_results).items():
        if (unit.unit_id, owner, period) in sent:
            continue
        if policy.skip_if_checked_in_within_days and any(
            _checked_in_since(kr, recent_since, by=owner) for kr in key_results
        ):
            continue
        missed = missed_periods(policy, unit, owner, period, sent)
        escalate = 0 < policy.escalate_after_missed <= missed
        due.append(
            DueReminder(
                organization_id=unit.organization_id,
                unit_id=unit.unit_id,
                member_id=owner,
                cycle_id=owned[0].cycle_id,
                period=period,
                due_at=due_at,
                key_result_ids=tuple(kr.key_result_id for kr in owned),
                missed_periods=missed,
                escalated_to=_escalation(unit, owner) if escalate else (),
                helped_within_days=policy.helped_within_days,
            )
        )
    return due


def missed_periods(
    policy: ReminderPolicy, unit: UnitFacts, owner: UUID, period: date, sent: SentIndex
) -> int:
    """How many periods in a row before ``period`` the owner was reminded and did not
    check in (on any of the unit's key results) before the next occurrence."""
    missed = 0
    next_instant = occurrence_instant(policy, period)
    for earlier in previous_periods(policy, period, max(policy.escalate_after_missed, 1)):
        reminder = sent.get((unit.unit_id, owner, earlier))
        if reminder is None:
            break
        if any(
            reminder.sent_at <= at < next_instant
            for kr in unit.key_results
            for at, by in zip(kr.check_ins, kr.check_in_by, strict=True)
            if by == owner
        ):
            break
        missed += 1
        next_instant = occurrence_instant(policy, earlier)
    return missed


def helped(
    reminder: SentReminder, check_ins: Iterable[tuple[datetime, UUID]], within_days: int
) -> bool:
    """Did the reminded member check in within ``within_days`` after the reminder?"""
    until = reminder.sent_at + timedelta(days=within_days)
    return any(reminder.sent_at <= at <= until and by == reminder.member_id for at, by in check_ins)


def _escalation(unit: UnitFacts, owner: UUID) -> tuple[UUID, ...]:
    for level in unit.leads:
        others = tuple(m for m in level if m != owner)
        if others:
            return others
    return ()


def _on_holiday(policy: ReminderPolicy, day: date) -> bool:
    return any(h.start <= day <= h.end for h in policy.holidays)


def _checked_in_since(kr: KeyResultFacts, since: datetime, by: UUID | None = None) -> bool:
    return any(
        at > since and (by is None or who == by)
        for at, who in zip(kr.check_ins, kr.check_in_by, strict=True)
    )


def _by_owner(key_results: Sequence[KeyResultFacts]) -> dict[UUID, list[KeyResultFacts]]:
    owners: dict[UUID, list[KeyResultFacts]] = {}
    for kr in key_results:
        owners.setdefault(kr.owner_id, []).append(kr)
    return dict(sorted(owners.items(), key=lambda item: str(item[0])))
