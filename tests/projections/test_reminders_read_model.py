"""The reminders read model, run on every store: what it holds, and that a rebuild from
position 0 gives the same rows as following the log event by event."""

from __future__ import annotations

from okr_es.application import OKRApplication
from okr_es.notify.reminders import ReminderService
from okr_es.projections import reminder_queries
from okr_es.projections.reminders import Reminders
from okr_es.projections.runner import ProjectionRunner
from support.http_api import build_org
from support.reminders import last_monday_nine


def test_policies_and_reminders_sent_are_kept_and_rebuild_to_identical_rows(
    app: OKRApplication,
) -> None:
    runner = ProjectionRunner(app)
    org = build_org(app)
    admin = org.members["admin"]
    app.set_reminder_default(organization_id=org.id, by=admin, policy={})
    runner.catch_up()
    app.set_unit_reminder_policy(
        organization_id=org.id,
        unit_id=org.department,
        by=admin,
        policy={"cadence": "monthly", "enabled": False},
    )
    runner.catch_up()
    app.set_unit_reminder_policy(
        organization_id=org.id, unit_id=org.sibling, by=admin, policy={"enabled": False}
    )
    runner.catch_up()
    app.clear_unit_reminder_policy(organization_id=org.id, unit_id=org.sibling, by=admin)
    runner.catch_up()
    now = last_monday_nine()
    assert ReminderService(app, runner.views, clock=lambda: now, interval=60).send_due() == 1
    runner.catch_up()

    policies = reminder_queries.effective_policies(runner.views, str(org.id))
    assert policies[str(org.team)].policy.cadence == "monthly"
    assert policies[str(org.team)].from_unit_id == str(org.department)
    assert policies[str(org.sibling)].from_unit_id is None
    sent = reminder_queries.reminders_sent(runner.views, str(org.id))
    assert [(r.unit_id, r.member_id, r.period) for r in sent] == [
        (str(org.sibling), str(admin), str(now.date()))
    ]
    assert (
        reminder_queries.reminders_sent(runner.views, str(org.id), unit_ids=[str(org.team)]) == []
    )

    projection = next(p for p in runner.projections if isinstance(p, Reminders))
    incremental = runner.rows(projection)
    runner.rebuild(Reminders.name)
    assert runner.rows(projection) == incremental
    runner.rebuild()
    assert runner.rows(projection) == incremental
