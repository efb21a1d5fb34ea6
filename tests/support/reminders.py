"""A world for reminder tests: an organisation with a default reminder policy, and "now"
at the latest reminder time inside its cycle."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from okr_es.aggregates.reminders import ReminderPolicy
from okr_es.application import OKRApplication
from okr_es.learning.reminder_schedule import occurrence_instant
from support.http_api import Org, build_org

REMINDER_SENT = "okr_es.aggregates.reminders:Reminder.ReminderSent"


def last_monday_nine() -> datetime:
    """Monday 09:00 Europe/Oslo of this week (or today's, on a Monday): inside the cycle
    build_org defines (from 30 days ago to 60 days ahead)."""
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return occurrence_instant(ReminderPolicy(), monday)


def reminder_world(okr: OKRApplication) -> Org:
    """build_org's organisation (an objective owned by "owner" in the team, one owned by
    the admin in the sibling team) reminded weekly on Mondays at 09:00."""
    org = build_org(okr)
    okr.set_reminder_default(
        organization_id=org.id, by=org.members["admin"], policy={"weekday": "monday"}
    )
    return org


def reminders_sent(okr: OKRApplication) -> list[tuple[str, str, date]]:
    """(unit, member, period) of every ReminderSent in the log, in log order."""
    found = []
    for n in okr.all_notifications(topics=[REMINDER_SENT]):
        event = okr.decode(n)
        found.append((str(event.unit_id), str(event.member_id), event.period))  # type: ignore[attr-defined]
    return found
