"""The reminder scheduler's pass over a real store: what it records, and never twice."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.notify.reminders import ReminderService
from okr_es.projections.runner import ProjectionRunner
from support.reminders import last_monday_nine, reminder_world, reminders_sent


def _service(okr: OKRApplication, now_offset: timedelta = timedelta()) -> ReminderService:
    runner = ProjectionRunner(okr)
    runner.catch_up()
    now = last_monday_nine() + now_offset
    return ReminderService(okr, runner.views, clock=lambda: now, interval=60)


def test_a_pass_records_one_reminder_per_owner_and_a_second_pass_none(app: OKRApplication) -> None:
    org = reminder_world(app)
    service = _service(app)
    assert service.send_due() == 2
    assert service.send_due() == 0
    # Another scheduler (a restart, a second process) finds them recorded too.
    assert _service(app).send_due() == 0
    sent = reminders_sent(app)
    period = last_monday_nine().date()
    assert sorted(sent) == sorted(
        [
            (str(org.team), str(org.members["owner"]), period),
            (str(org.sibling), str(org.members["admin"]), period),
        ]
    )
    reminder = app.sent_reminder(org.team, org.members["owner"], period)
    assert reminder is not None
    assert set(reminder.key_result_ids) == set(app.get_objective(org.objective).key_results)
    assert reminder.escalated is False


def test_nothing_is_recorded_before_the_reminder_time(app: OKRApplication) -> None:
    reminder_world(app)
    assert _service(app, -timedelta(minutes=1)).send_due() == 0
    assert reminders_sent(app) == []


def test_an_owner_who_checked_in_is_not_reminded(app: OKRApplication) -> None:
    org = reminder_world(app)
    app.check_in(
        objective_id=org.objective,
        key_result_id=org.key_result,
        value=5,
        status="green",
        by=org.members["owner"],
    )
    # Recorded now, so within six days of any "now" this week.
    assert _service(app).send_due() == 1
    assert [m for _, m, _ in reminders_sent(app)] == [str(org.members["admin"])]


def test_a_unit_override_silences_a_team_on_holiday(app: OKRApplication) -> None:
    org = reminder_world(app)
    monday = last_monday_nine().date()
    app.set_unit_reminder_policy(
        organization_id=org.id,
        unit_id=org.team,
        by=org.members["admin"],
        policy={"holidays": [{"start": str(monday), "end": str(monday), "label": "fri"}]},
    )
    assert _service(app).send_due() == 1
    assert [u for u, _, _ in reminders_sent(app)] == [str(org.sibling)]
    app.clear_unit_reminder_policy(
        organization_id=org.id, unit_id=org.team, by=org.members["admin"]
    )
    assert _service(app).send_due() == 1


def test_a_policy_for_a_unit_of_another_organisation_is_refused(app: OKRApplication) -> None:
    org = reminder_world(app)
    with pytest.raises(NotFound):
        app.set_unit_reminder_policy(
            organization_id=org.id, unit_id=UUID(int=7), by=org.members["admin"], policy={}
        )


def test_a_bad_policy_field_is_refused_and_nothing_written(app: OKRApplication) -> None:
    org = reminder_world(app)
    before = app.position()
    with pytest.raises(InvalidInput) as raised:
        app.set_reminder_default(
            organization_id=org.id, by=org.members["admin"], policy={"time_of_day": "25:00"}
        )
    assert raised.value.field == "time_of_day"
    assert app.position() == before


def test_recording_the_same_reminder_twice_is_refused_by_the_store(app: OKRApplication) -> None:
    org = reminder_world(app)
    monday = last_monday_nine()
    reminder = {
        "organization_id": org.id,
        "unit_id": org.team,
        "member_id": org.members["owner"],
        "cycle_id": org.cycle,
        "period": monday.date(),
        "due_at": monday,
        "key_result_ids": [org.key_result],
        "escalated_to": [],
        "missed_periods": 0,
        "helped_within_days": 3,
    }
    # Two schedulers, each with its own process cache, racing for the same reminder.
    other = OKRApplication(app.settings)
    try:
        assert app.record_reminder(**reminder) is not None
        assert other.record_reminder(**reminder) is None
    finally:
        other.close()
    assert len(reminders_sent(app)) == 1
