"""Reminder settings and reminders sent: given/when/then on the aggregates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from okr_es.aggregates.reminders import (
    Holiday,
    Reminder,
    ReminderPolicy,
    ReminderSettings,
    reminder_id,
    reminder_settings_id,
)
from support.given import (
    ADMIN,
    DEPARTMENT,
    MEMBER,
    ORG,
    ROOT,
    TEAM,
    ident,
    refused,
    signature,
    then,
)

KR = ident("kr")
CYCLE = ident("cycle")
WEEKLY = ReminderPolicy()
FORTNIGHTLY = ReminderPolicy(cadence="fortnightly", weekday="thursday", time_of_day=time(13))


def _settings(*events: str) -> ReminderSettings:
    settings = ReminderSettings.start(organization_id=ORG, by=ADMIN)
    if "default" in events:
        settings.change_default(policy=WEEKLY, by=ADMIN)
    if "department" in events:
        settings.set_unit_policy(unit_id=DEPARTMENT, policy=FORTNIGHTLY, by=ADMIN)
    settings.collect_events()
    return settings


def test_reminder_settings_are_started_under_the_id_derived_from_the_organisation() -> None:
    settings = ReminderSettings.start(organization_id=ORG, by=ADMIN)
    assert then(settings) == [
        ("ReminderSettingsStarted", {"by": ADMIN, "organization_id": ORG})
    ]
    assert settings.id == reminder_settings_id(ORG)
    assert settings.effective(TEAM, [ROOT]) is None


def test_the_default_policy_is_changed() -> None:
    settings = _settings()
    settings.change_default(policy=WEEKLY, by=ADMIN)
    assert then(settings) == [("ReminderDefaultChanged", {"by": ADMIN, "policy": WEEKLY})]
    assert settings.effective(TEAM, [DEPARTMENT, ROOT]) == WEEKLY


def test_the_same_default_again_is_refused() -> None:
    settings = _settings("default")
    error = refused(settings, lambda: settings.change_default(policy=WEEKLY, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_a_unit_override_applies_to_its_sub_units() -> None:
    settings = _settings("default")
    settings.set_unit_policy(unit_id=DEPARTMENT, policy=FORTNIGHTLY, by=ADMIN)
    assert then(settings) == [
        ("UnitReminderPolicySet", {"by": ADMIN, "unit_id": DEPARTMENT, "policy": FORTNIGHTLY})
    ]
    assert settings.effective(TEAM, [DEPARTMENT, ROOT]) == FORTNIGHTLY
    assert settings.effective(ident("other"), [ROOT]) == WEEKLY


def test_clearing_an_override_returns_the_unit_to_the_default() -> None:
    settings = _settings("default", "department")
    settings.clear_unit_policy(unit_id=DEPARTMENT, by=ADMIN)
    assert then(settings) == [("UnitReminderPolicyCleared", {"by": ADMIN, "unit_id": DEPARTMENT})]
    assert settings.effective(TEAM, [DEPARTMENT, ROOT]) == WEEKLY


def test_clearing_an_override_a_unit_does_not_have_is_refused() -> None:
    settings = _settings("default")
    error = refused(settings, lambda: settings.clear_unit_policy(unit_id=TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "unit_id")


def test_a_policy_with_an_unknown_time_zone_is_refused() -> None:
    settings = _settings()
    policy = ReminderPolicy(time_zone="Europe/Atlantis")
    error = refused(settings, lambda: settings.change_default(policy=policy, by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-input", "time_zone")


def test_a_policy_with_an_unknown_cadence_is_refused() -> None:
    settings = _settings()
    policy = ReminderPolicy(cadence="daily")
    error = refused(settings, lambda: settings.change_default(policy=policy, by=ADMIN))
    assert error.field == "cadence"


def test_a_holiday_that_ends_before_it_starts_is_refused() -> None:
    settings = _settings()
    policy = ReminderPolicy(holidays=[Holiday(date(2026, 7, 31), date(2026, 7, 1))])
    error = refused(settings, lambda: settings.change_default(policy=policy, by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "holidays[0].end")


def test_a_day_of_month_past_31_is_refused() -> None:
    settings = _settings()
    policy = ReminderPolicy(cadence="monthly", day_of_month=32)
    error = refused(settings, lambda: settings.change_default(policy=policy, by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "day_of_month")


def test_a_reminder_is_sent_under_the_id_of_its_unit_member_and_period() -> None:
    due = datetime(2026, 3, 2, 8, tzinfo=UTC)
    reminder = Reminder.send(
        organization_id=ORG,
        unit_id=TEAM,
        member_id=MEMBER,
        cycle_id=CYCLE,
        period=date(2026, 3, 2),
        due_at=due,
        key_result_ids=[KR],
        escalated_to=[ADMIN],
        missed_periods=2,
        helped_within_days=3,
    )
    [(name, fields)] = then(reminder)
    assert name == "ReminderSent"
    assert fields["escalated"] is True and fields["escalated_to"] == [ADMIN]
    assert (fields["member_id"], fields["period"], fields["key_result_ids"]) == (
        MEMBER,
        date(2026, 3, 2),
        [KR],
    )
    assert reminder.id == reminder_id(TEAM, MEMBER, date(2026, 3, 2))
    assert reminder.id != reminder_id(TEAM, MEMBER, date(2026, 3, 9))
