"""The recorded clock of seeded histories: events stamped at their business time, never
going back and never past the real now; outside it, events are stamped with the real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from okr_es.application import OKRApplication
from okr_es.demo_clock import DemoClock, DemoPlan

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def register(app: OKRApplication, name: str) -> Any:
    return app.register_organization(name=name, admin_name="Anne", admin_email="a@x.no")


def stamps(app: OKRApplication) -> list[datetime]:
    return [app.decode(n).timestamp for n in app.all_notifications()]  # type: ignore[attr-defined]


def test_events_made_at_a_business_time_are_recorded_then(app: OKRApplication) -> None:
    clock = DemoClock(NOW - timedelta(days=30), real=lambda: NOW)

    with clock.at(NOW - timedelta(days=20)):
        register(app, "Vik")

    assert all(s.date() == (NOW - timedelta(days=20)).date() for s in stamps(app))


def test_the_clock_never_goes_back_nor_past_the_real_now(app: OKRApplication) -> None:
    clock = DemoClock(NOW - timedelta(days=30), real=lambda: NOW)
    plan = DemoPlan()
    plan.at(NOW + timedelta(days=5), lambda: register(app, "Later"))
    plan.at(NOW - timedelta(days=10), lambda: register(app, "Earlier"))

    plan.run(clock)
    with clock.at(NOW - timedelta(days=25)):  # asked to go back: stays where it is
        register(app, "Back")

    recorded = stamps(app)
    assert recorded == sorted(recorded) and len(set(recorded)) == len(recorded)
    assert recorded[0].date() == (NOW - timedelta(days=10)).date()
    assert max(recorded) <= NOW + timedelta(microseconds=len(recorded))
    assert [o.name for o in app.organizations()] == ["Earlier", "Later", "Back"]


def test_a_clock_starts_after_the_last_event_in_the_log(app: OKRApplication) -> None:
    register(app, "Now")  # stamped with the real time
    clock = DemoClock.after_log(app, datetime(2020, 1, 1, tzinfo=UTC))

    with clock.recording():
        register(app, "Seeded")

    first, *_, last = stamps(app)
    assert last > first


def test_outside_seeding_events_are_stamped_with_the_real_time(app: OKRApplication) -> None:
    before = datetime.now(UTC)
    with DemoClock(datetime(2020, 1, 1, tzinfo=UTC)).recording():
        pass
    register(app, "Vik")

    assert min(stamps(app)) >= before
