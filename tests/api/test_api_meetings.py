"""Meeting mode over HTTP: a whole weekly meeting through the REST commands, the errors
with their stable codes (nothing written), and who may run a unit's meeting."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.http_api import Org, bearer, is_problem

Client = TestClient[Any]


def post(client: Client, path: str, body: dict[str, Any], token: str) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers=bearer(token))


def open_meeting(client: Client, org: Org, who: str = "lead") -> str:
    response = post(client, "/meetings/", {
        "organization_id": str(org.id), "unit_id": str(org.team), "cycle_id": str(org.cycle),
        "facilitator_id": str(org.members["lead"]),
    }, org.tokens[who])
    assert response.status_code == 201, response.text
    meeting: str = response.json()["ids"]["meeting_id"]
    return meeting


def test_a_weekly_meeting_runs_through_the_rest_commands(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    token = org.tokens["team_member"]
    meeting = open_meeting(client, org)
    m = f"/meetings/{meeting}"

    assert post(client, f"{m}/good-news", {"text": "Survey sent"}, token).status_code == 201
    assert post(client, f"{m}/decisions", {
        "text": "Satisfaction first", "key_result_ids": [str(org.key_result)]}, token
    ).status_code == 201
    priority = post(client, f"{m}/priorities", {
        "text": "Call ten users", "owner_id": str(org.members["plain"]),
        "due": "2099-01-01"}, token).json()["ids"]["priority_id"]
    blocker = post(client, f"{m}/blockers", {"text": "No tool"}, token).json()["ids"]["blocker_id"]
    checked = post(client, f"{m}/check-ins", {
        "objective_id": str(org.objective), "key_result_id": str(org.key_result),
        "value": 65, "status": "yellow", "blockers": "No tool"}, token)
    assert checked.status_code == 201, checked.text
    closed = post(client, f"{m}/close", {
        "attendee_ids": [str(org.members["lead"]), str(org.members["team_member"])]}, token)
    assert closed.status_code == 200, closed.text
    # The priority's owner has no role in the team, yet may mark it done.
    done = post(client, f"{m}/priorities/{priority}/complete", {}, org.tokens["plain"])
    assert done.status_code == 200, done.text
    assert post(client, f"{m}/blockers/{blocker}/resolve", {}, token).status_code == 200

    names = [type(e).__name__ for e in okr.history(meeting)]
    assert names == ["MeetingOpened", "GoodNewsShared", "DecisionRecorded", "PriorityAgreed",
                     "BlockerRaised", "MeetingCheckInLinked", "MeetingClosed",
                     "PriorityCompleted", "BlockerResolved"]
    objective = [type(e).__name__ for e in okr.history(org.objective)]
    assert objective[-1] == "CheckInMade"
    assert okr.get_objective(org.objective).key_results[org.key_result].current == 65


def test_a_check_in_at_the_meeting_saves_both_events_in_one_transaction(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    meeting = open_meeting(client, org)
    before = okr.position()
    response = post(client, f"/meetings/{meeting}/check-ins", {
        "objective_id": str(org.objective), "key_result_id": str(org.key_result),
        "value": 70, "status": "green"}, org.tokens["lead"])

    assert response.status_code == 201
    written = [okr.decode(n) for n in okr.all_notifications(start=before + 1)]
    assert [type(e).__name__ for e in written] == ["CheckInMade", "MeetingCheckInLinked"]
    link = written[1]
    assert link.objective_version == written[0].originator_version  # type: ignore[attr-defined]
    assert response.json()["position"] == okr.position()


def test_refusals_have_stable_codes_and_write_nothing(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    token = org.tokens["lead"]
    meeting = open_meeting(client, org)
    m = f"/meetings/{meeting}"
    before = okr.position()

    cases = [
        (f"{m}/decisions", {"text": "x", "key_result_ids": [str(other_org.key_result)]},
         404, "not-found", "key_result_ids[0]"),
        (f"{m}/priorities", {"text": "x", "owner_id": str(other_org.members["admin"]),
                             "due": "2099-01-01"}, 404, "not-found", "owner_id"),
        (f"{m}/priorities", {"text": "x", "owner_id": str(org.members["plain"]),
                             "due": "2000-01-01"}, 422, "date-order", "due"),
        (f"{m}/check-ins", {"objective_id": str(org.sibling_objective),
                            "key_result_id": str(org.key_result), "value": 1, "status": "red"},
         409, "not-in-meeting-cycle", "objective_id"),
        (f"{m}/close", {"attendee_ids": [str(other_org.members["admin"])]},
         404, "not-found", "attendee_ids[0]"),
        (f"{m}/close", {"attendee_ids": []}, 422, "empty", "attendee_ids"),
        (f"/meetings/{other_org.objective}/good-news", {"text": "x"}, 404, "not-found",
         "meeting_id"),
    ]
    for path, body, status, code, field in cases:
        problem = is_problem(post(client, path, body, token), status, code)
        assert problem.get("field") == field, (path, problem)
    assert okr.position() == before

    assert post(client, f"{m}/close", {"attendee_ids": [str(org.members["lead"])]},
                token).status_code == 200
    is_problem(post(client, f"{m}/good-news", {"text": "late"}, token), 409, "meeting-closed")


def test_only_the_units_writers_run_its_meeting(client: Client, org: Org) -> None:
    is_problem(post(client, "/meetings/", {
        "organization_id": str(org.id), "unit_id": str(org.team), "cycle_id": str(org.cycle),
        "facilitator_id": str(org.members["lead"]),
    }, org.tokens["plain"]), 403, "forbidden")
    meeting = open_meeting(client, org, "department_member")
    is_problem(post(client, f"/meetings/{meeting}/good-news", {"text": "x"},
                    org.tokens["plain"]), 403, "forbidden")
    assert post(client, f"/meetings/{meeting}/good-news", {"text": "x"},
                org.tokens["ambassador"]).status_code == 201
