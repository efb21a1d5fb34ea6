"""The review says who was reminded and whether it helped, the same on both paths (the
reviews read model and the full replay), on every store."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for, reviews_for
from okr_es.notify.reminders import ReminderService
from okr_es.projections.runner import ProjectionRunner
from support.http_api import build_org
from support.reminders import last_monday_nine


def test_reminders_and_whether_they_helped_are_in_the_review_on_both_paths(
    app: OKRApplication,
) -> None:
    org = build_org(app)
    admin, owner = org.members["admin"], org.members["owner"]
    app.set_reminder_default(organization_id=org.id, by=admin, policy={"helped_within_days": 20})
    runner = ProjectionRunner(app)
    runner.catch_up()
    # Three weeks ago and last week (the owner checks in after both: within 20 days of
    # the second only).
    early, late = last_monday_nine() - timedelta(weeks=3), last_monday_nine() - timedelta(weeks=1)
    for now in (early, late):
        ReminderService(app, runner.views, clock=lambda now=now: now, interval=60).send_due()
    app.check_in(
        objective_id=org.objective,
        key_result_id=org.key_result,
        value=5,
        status="green",
        by=owner,
    )

    read = review_for(app, org.team, org.cycle)
    replayed = review_for(app, org.team, org.cycle, replay=True)
    assert msgspec.json.encode(read) == msgspec.json.encode(replayed)
    every = reviews_for(app, org.id, org.cycle)
    every_replayed = reviews_for(app, org.id, org.cycle, replay=True)
    assert msgspec.json.encode(every) == msgspec.json.encode(every_replayed)
    assert msgspec.json.encode(every[org.team]) == msgspec.json.encode(read)

    assert [(r.member, r.period, r.helped) for r in read.reminders] == [
        ("Owner", early.date(), False),
        ("Owner", late.date(), True),
    ]
    assert read.reminders[1].checked_in_at is not None
    assert read.reminders[0].missed_periods == 0
    sibling = every[org.sibling]
    assert [(r.member_id, r.helped) for r in sibling.reminders] == [(admin, False)] * 2
