"""Which reminders are due: the pure schedule over policy, facts, reminders sent and now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid5

from okr_es.aggregates.reminders import Holiday, ReminderPolicy
from okr_es.learning.reminder_schedule import (
    CycleWindow,
    DueReminder,
    KeyResultFacts,
    SentReminder,
    UnitFacts,
    due_reminders,
    helped,
    is_occurrence,
    latest_period,
    occurrence_instant,
)

_NS = UUID("0d6f3c56-3a4c-4d87-9b0c-7f4f3c1f0e21")


def ident(name: str) -> UUID:
    return uuid5(_NS, name)


ORG, TEAM, CYCLE = ident("org"), ident("team"), ident("cycle")
ANNE, BO, LEAD, ADMIN = ident("anne"), ident("bo"), ident("lead"), ident("admin")
KR_A, KR_B = ident("kr-a"), ident("kr-b")
Q1 = CycleWindow(CYCLE, date(2026, 1, 1), date(2026, 6, 30))
WEEKLY = ReminderPolicy(skip_if_checked_in_within_days=6, escalate_after_missed=2)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def unit(
    policy: ReminderPolicy | None = WEEKLY,
    *,
    check_ins: dict[UUID, list[tuple[datetime, UUID]]] | None = None,
    cycles: tuple[CycleWindow, ...] = (Q1,),
) -> UnitFacts:
    made = check_ins or {}
    krs = tuple(
        KeyResultFacts(
            key_result_id=kr,
            objective_id=ident(f"objective-{owner}"),
            cycle_id=CYCLE,
            owner_id=owner,
            check_ins=tuple(at for at, _ in made.get(kr, [])),
            check_in_by=tuple(by for _, by in made.get(kr, [])),
        )
        for kr, owner in ((KR_A, ANNE), (KR_B, BO))
    )
    return UnitFacts(ORG, TEAM, policy, krs, cycles, leads=((LEAD,), (ADMIN,)))


def sent(*items: tuple[UUID, date, datetime]) -> dict[tuple[UUID, UUID, date], SentReminder]:
    return {(TEAM, m, p): SentReminder(TEAM, m, p, at) for m, p, at in items}


def who(due: list[DueReminder]) -> list[tuple[UUID, date]]:
    return [(d.member_id, d.period) for d in due]


# --- when ------------------------------------------------------------------------------------


def test_a_weekly_reminder_is_due_at_nine_oslo_time_on_monday() -> None:
    # Monday 2 March 2026, 09:00 in Oslo is 08:00 UTC (winter time).
    assert due_reminders(unit(), {}, utc(2026, 3, 2, 7, 59)) == []
    due = due_reminders(unit(), {}, utc(2026, 3, 2, 8, 0))
    assert who(due) == sorted([(ANNE, date(2026, 3, 2)), (BO, date(2026, 3, 2))], key=str)
    assert {d.due_at for d in due} == {utc(2026, 3, 2, 8)}
    assert {d.key_result_ids for d in due} == {(KR_A,), (KR_B,)}


def test_summer_time_moves_the_utc_instant_but_not_the_wall_clock() -> None:
    assert occurrence_instant(WEEKLY, date(2026, 3, 23)) == utc(2026, 3, 23, 8)
    assert occurrence_instant(WEEKLY, date(2026, 3, 30)) == utc(2026, 3, 30, 7)
    assert occurrence_instant(WEEKLY, date(2026, 10, 26)) == utc(2026, 10, 26, 8)


def test_a_time_in_the_spring_forward_gap_happens_once_an_hour_later() -> None:
    # Sunday 29 March 2026: 02:00 → 03:00 in Oslo; 02:30 does not exist.
    policy = ReminderPolicy(weekday="sunday", time_of_day=time(2, 30))
    assert occurrence_instant(policy, date(2026, 3, 29)) == utc(2026, 3, 29, 1, 30)
    assert latest_period(policy, utc(2026, 3, 29, 1, 29)) == (
        date(2026, 3, 22),
        utc(2026, 3, 22, 1, 30),
    )
    assert latest_period(policy, utc(2026, 3, 29, 1, 30)) == (
        date(2026, 3, 29),
        utc(2026, 3, 29, 1, 30),
    )


def test_a_time_repeated_at_the_autumn_fall_back_gives_one_period_sent_once() -> None:
    # Sunday 25 October 2026: 03:00 → 02:00 in Oslo; 02:30 happens twice.
    policy = ReminderPolicy(weekday="sunday", time_of_day=time(2, 30))
    first = utc(2026, 10, 25, 0, 30)
    assert occurrence_instant(policy, date(2026, 10, 25)) == first
    autumn = (CycleWindow(CYCLE, date(2026, 9, 1), date(2026, 12, 31)),)
    due = due_reminders(unit(policy, cycles=autumn), {}, first)
    assert len(due) == 2
    already = sent(*((d.member_id, d.period, first) for d in due))
    # An hour later the wall clock shows 02:30 again: nothing new is due.
    assert due_reminders(unit(policy, cycles=autumn), already, first + timedelta(hours=1)) == []


def test_fortnightly_reminders_fall_in_every_second_week() -> None:
    policy = ReminderPolicy(cadence="fortnightly", weekday="monday")
    mondays = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(6)]
    assert [is_occurrence(policy, d) for d in mondays] == [False, True] * 3
    # The parity holds across a year boundary (2026 has 53 ISO weeks).
    assert is_occurrence(policy, date(2026, 12, 28)) != is_occurrence(policy, date(2027, 1, 4))
    assert latest_period(policy, utc(2026, 1, 14, 12))[0] == date(2026, 1, 12)  # type: ignore[index]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    policy = ReminderPolicy(cadence="monthly", day_of_month=31)
    days = [d for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(366)) if
            is_occurrence(policy, d)]
    assert len(days) == 12
    assert days[:4] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert is_occurrence(policy, date(2028, 2, 29))


def test_nothing_is_due_on_a_holiday() -> None:
    policy = ReminderPolicy(holidays=[Holiday(date(2026, 3, 30), date(2026, 4, 6), "påske")])
    assert due_reminders(unit(policy), {}, utc(2026, 3, 30, 9)) == []
    assert due_reminders(unit(policy), {}, utc(2026, 4, 6, 9)) == []
    assert len(due_reminders(unit(policy), {}, utc(2026, 4, 13, 9))) == 2


def test_nothing_is_due_outside_an_open_cycle_or_in_a_closed_one() -> None:
    early = CycleWindow(CYCLE, date(2026, 4, 1), date(2026, 6, 30))
    closed = CycleWindow(CYCLE, date(2026, 1, 1), date(2026, 6, 30), closed=True)
    assert due_reminders(unit(cycles=(early,)), {}, utc(2026, 3, 2, 8)) == []
    assert due_reminders(unit(cycles=(closed,)), {}, utc(2026, 3, 2, 8)) == []


def test_nothing_is_due_without_a_policy_or_with_a_disabled_one() -> None:
    assert due_reminders(unit(None), {}, utc(2026, 3, 2, 8)) == []
    assert due_reminders(unit(ReminderPolicy(enabled=False)), {}, utc(2026, 3, 2, 8)) == []


def test_a_reminder_is_not_sent_a_second_time_for_the_same_period() -> None:
    now = utc(2026, 3, 2, 8)
    due = due_reminders(unit(), sent((ANNE, date(2026, 3, 2), now)), now + timedelta(minutes=5))
    assert who(due) == [(BO, date(2026, 3, 2))]


def test_a_reminder_more_than_a_day_late_is_skipped() -> None:
    assert due_reminders(unit(), {}, utc(2026, 3, 3, 8, 1)) == []


def test_an_owner_who_checked_in_recently_is_not_reminded() -> None:
    facts = unit(check_ins={KR_A: [(utc(2026, 2, 25, 12), ANNE)]})
    assert who(due_reminders(facts, {}, utc(2026, 3, 2, 8))) == [(BO, date(2026, 3, 2))]
    stale = unit(check_ins={KR_A: [(utc(2026, 2, 23, 12), ANNE)]})
    assert len(due_reminders(stale, {}, utc(2026, 3, 2, 8))) == 2


def test_with_team_scope_one_recent_check_in_spares_the_whole_unit() -> None:
    policy = ReminderPolicy(skip_scope="team")
    facts = unit(policy, check_ins={KR_A: [(utc(2026, 2, 27, 12), ANNE)]})
    assert due_reminders(facts, {}, utc(2026, 3, 2, 8)) == []


def test_skip_window_zero_always_reminds() -> None:
    policy = ReminderPolicy(skip_if_checked_in_within_days=0)
    facts = unit(policy, check_ins={KR_A: [(utc(2026, 3, 1, 12), ANNE)]})
    assert len(due_reminders(facts, {}, utc(2026, 3, 2, 8))) == 2


def test_after_two_missed_periods_the_reminder_is_escalated_to_the_lead() -> None:
    history = sent(
        (ANNE, date(2026, 2, 16), utc(2026, 2, 16, 8)),
        (ANNE, date(2026, 2, 23), utc(2026, 2, 23, 8)),
    )
    [anne] = [d for d in due_reminders(unit(), history, utc(2026, 3, 2, 8)) if d.member_id == ANNE]
    assert (anne.missed_periods, anne.escalated, anne.escalated_to) == (2, True, (LEAD,))


def test_one_missed_period_is_not_escalated() -> None:
    history = sent((ANNE, date(2026, 2, 23), utc(2026, 2, 23, 8)))
    [anne] = [d for d in due_reminders(unit(), history, utc(2026, 3, 2, 8)) if d.member_id == ANNE]
    assert (anne.missed_periods, anne.escalated) == (1, False)


def test_a_check_in_after_a_reminder_resets_the_missed_count() -> None:
    history = sent(
        (ANNE, date(2026, 2, 16), utc(2026, 2, 16, 8)),
        (ANNE, date(2026, 2, 23), utc(2026, 2, 23, 8)),
    )
    # Anne checked in after the 16 February reminder, but that is more than 6 days ago.
    facts = unit(check_ins={KR_A: [(utc(2026, 2, 17, 10), ANNE)]})
    [anne] = [d for d in due_reminders(facts, history, utc(2026, 3, 2, 8)) if d.member_id == ANNE]
    assert (anne.missed_periods, anne.escalated) == (1, False)


def test_a_lead_who_is_the_owner_is_escalated_to_the_next_level_up() -> None:
    facts = unit()
    levels = ((ANNE,), (ADMIN,))
    facts = UnitFacts(ORG, TEAM, WEEKLY, facts.key_results, facts.cycles, leads=levels)
    history = sent(
        (ANNE, date(2026, 2, 16), utc(2026, 2, 16, 8)),
        (ANNE, date(2026, 2, 23), utc(2026, 2, 23, 8)),
    )
    [anne] = [d for d in due_reminders(facts, history, utc(2026, 3, 2, 8)) if d.member_id == ANNE]
    assert anne.escalated_to == (ADMIN,)


def test_a_reminder_helped_when_the_member_checked_in_within_the_window() -> None:
    reminder = SentReminder(TEAM, ANNE, date(2026, 3, 2), utc(2026, 3, 2, 8))
    assert helped(reminder, [(utc(2026, 3, 4, 12), ANNE)], within_days=3)
    assert not helped(reminder, [(utc(2026, 3, 6, 12), ANNE)], within_days=3)
    assert not helped(reminder, [(utc(2026, 3, 3, 12), BO)], within_days=3)
