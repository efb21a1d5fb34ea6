"""Reminder policies set over REST, read over GraphQL with the reminders sent."""

from __future__ import annotations

from typing import Any

from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.notify.reminders import ReminderService
from okr_es.projections.service import ProjectionService
from support.http_api import bearer, build_org, is_problem
from support.reminders import last_monday_nine

POLICY = """query($unit: UUID) { reminderPolicy(unitId: $unit) {
  unitId fromUnitId cadence weekday timeOfDay timeZone skipScope holidays { start end label } } }"""
SENT = """query($unit: UUID) { remindersSent(unitId: $unit) {
  unitId memberId period escalated keyResultIds missedPeriods } }"""


def test_policies_set_over_rest_are_read_per_unit_with_the_reminders_sent(
    okr: OKRApplication, service: ProjectionService, client: TestClient[Any]
) -> None:
    org = build_org(okr)
    admin = org.tokens["admin"]
    base = f"/api/v1/organizations/{org.id}"
    assert graphql(client, POLICY, {"unit": str(org.team)}, token=admin)["data"] == {
        "reminderPolicy": None
    }
    answer = client.post(
        f"{base}/reminder-policy", json={"weekday": "monday"}, headers=bearer(admin)
    )
    assert answer.status_code == 200, answer.text
    answer = client.post(
        f"{base}/units/{org.department}/reminder-policy",
        json={
            "cadence": "fortnightly",
            "time_of_day": "13:30",
            "skip_scope": "team",
            "holidays": [{"start": "2026-12-21", "end": "2027-01-01", "label": "jul"}],
        },
        headers=bearer(admin),
    )
    assert answer.status_code == 200, answer.text
    service.wait_for(answer.json()["position"], timeout=30)

    team = graphql(client, POLICY, {"unit": str(org.team)}, token=admin)["data"]
    assert team["reminderPolicy"] == {
        "unitId": str(org.team),
        "fromUnitId": str(org.department),
        "cadence": "fortnightly",
        "weekday": "monday",
        "timeOfDay": "13:30",
        "timeZone": "Europe/Oslo",
        "skipScope": "team",
        "holidays": [{"start": "2026-12-21", "end": "2027-01-01", "label": "jul"}],
    }
    default = graphql(client, POLICY, {"unit": str(org.sibling)}, token=admin)["data"]
    assert default["reminderPolicy"]["fromUnitId"] is None
    assert default["reminderPolicy"]["cadence"] == "weekly"

    now = last_monday_nine()
    assert ReminderService(okr, service.runner.views, clock=lambda: now, interval=60).send_due()
    service.wait_for(okr.position(), timeout=30)
    sent = graphql(client, SENT, {"unit": str(org.sibling)}, token=admin)["data"]["remindersSent"]
    assert sent == [
        {
            "unitId": str(org.sibling),
            "memberId": str(org.members["admin"]),
            "period": str(now.date()),
            "escalated": False,
            "keyResultIds": sent[0]["keyResultIds"],
            "missedPeriods": 0,
        }
    ]
    assert len(sent[0]["keyResultIds"]) == 2
    review = """query($unit: UUID!, $cycle: UUID!) { review(unitId: $unit, cycleId: $cycle) {
      reminders { member period escalated helped checkedInAt } } }"""
    reviewed = graphql(
        client, review, {"unit": str(org.sibling), "cycle": str(org.cycle)}, token=admin
    )
    assert reviewed["data"]["review"]["reminders"] == [
        {
            "member": "Kari Admin",
            "period": str(now.date()),
            "escalated": False,
            "helped": False,
            "checkedInAt": None,
        }
    ]


def test_only_admins_set_reminder_policies_and_bad_ones_are_refused(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org = build_org(okr)
    base = f"/api/v1/organizations/{org.id}"
    before = okr.position()
    lead = bearer(org.tokens["lead"])
    is_problem(client.post(f"{base}/reminder-policy", json={}, headers=lead), 403)
    admin = bearer(org.tokens["admin"])
    body = is_problem(
        client.post(f"{base}/reminder-policy", json={"time_zone": "Mars/Olympus"}, headers=admin),
        422,
    )
    assert body["field"] == "time_zone"
    body = is_problem(
        client.post(f"{base}/reminder-policy", json={"cadence": "daily"}, headers=admin), 422
    )
    assert body["field"] == "cadence"
    is_problem(
        client.post(f"{base}/units/{org.team}/reminder-policy/clear", headers=admin),
        409,
        "no-change",
    )
    assert okr.position() == before
