"""Every command endpoint's happy path: status, position in body and header, the event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.catalogue import COMMANDS
from support.http_api import KEY_RESULTS, Org, bearer

Client = TestClient[Any]


def written(
    client: Client,
    okr: OKRApplication,
    path: str,
    body: dict[str, Any],
    token: str,
    status: int = 200,
) -> dict[str, Any]:
    """POST a command that must succeed; check the answer names the log's new last event."""
    before = okr.position()
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    answer: dict[str, Any] = response.json()
    assert set(answer) >= {"position", "ids", "warnings"}
    assert int(response.headers["x-okr-position"]) == answer["position"] == okr.position()
    assert answer["position"] > before
    return answer


def last_event(okr: OKRApplication, aggregate_id: Any) -> str:
    return type(okr.history(aggregate_id)[-1]).__name__


def test_every_command_has_an_endpoint(client: Client) -> None:
    names = {
        handler.handler_name
        for route in client.app.routes
        for handler in getattr(route, "route_handlers", [])
        if "/api/v1/" in route.path
    }
    assert set(COMMANDS) <= names


def test_registering_an_organisation_needs_no_token_and_answers_the_admins_token(
    client: Client, okr: OKRApplication
) -> None:
    response = client.post(
        "/api/v1/organizations",
        json={"name": "Fjordby", "admin_name": "Ingrid", "admin_email": "ingrid@fjordby.no"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert int(response.headers["x-okr-position"]) == body["position"] == okr.position()
    org_id = body["ids"]["organization_id"]
    assert [type(e).__name__ for e in okr.history(org_id)] == [
        "OrganizationRegistered",
        "MemberAdded",
        "RoleGranted",
        "AccessTokenIssued",
    ]
    member = written(
        client,
        okr,
        f"/api/v1/organizations/{org_id}/members",
        {"name": "Ola", "email": "ola@fjordby.no"},
        body["token"],
        201,
    )
    assert last_event(okr, org_id) == "MemberAdded"
    assert member["ids"]["member_id"]


def test_unit_endpoints_add_rename_move_and_archive(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    admin = org.tokens["admin"]
    base = f"/api/v1/organizations/{org.id}/units"
    added = written(
        client,
        okr,
        base,
        {"name": "Lab", "kind": "project", "parent_id": str(org.root)},
        admin,
        201,
    )
    unit = added["ids"]["unit_id"]
    assert last_event(okr, org.id) == "UnitAdded"
    written(client, okr, f"{base}/{unit}/rename", {"name": "Lab 2"}, admin)
    assert last_event(okr, org.id) == "UnitRenamed"
    written(client, okr, f"{base}/{unit}/move", {"parent_id": str(org.department)}, admin)
    assert last_event(okr, org.id) == "UnitMoved"
    written(client, okr, f"{base}/{unit}/archive", {"reason": "done"}, admin)
    assert last_event(okr, org.id) == "UnitArchived"


def test_member_role_and_policy_endpoints(client: Client, okr: OKRApplication, org: Org) -> None:
    admin = org.tokens["admin"]
    base = f"/api/v1/organizations/{org.id}"
    plain = org.members["plain"]
    role = {"role": "lead", "unit_id": str(org.sibling)}
    written(client, okr, f"{base}/members/{plain}/roles", role, admin)
    assert last_event(okr, org.id) == "RoleGranted"
    written(client, okr, f"{base}/members/{plain}/roles/revoke", role, admin)
    assert last_event(okr, org.id) == "RoleRevoked"
    written(client, okr, f"{base}/policy", {"max_objectives": 4, "mode": "warn"}, admin)
    assert last_event(okr, org.id) == "PolicyChanged"
    assert okr.get_organization(org.id).policy.max_objectives == 4


def test_token_endpoints_issue_a_working_token_and_revoke_it(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    plain = org.members["plain"]
    issued = written(
        client,
        okr,
        f"/api/v1/organizations/{org.id}/members/{plain}/tokens",
        {"label": "laptop"},
        org.tokens["plain"],
        201,
    )
    assert last_event(okr, org.id) == "AccessTokenIssued"
    token_id = issued["ids"]["token_id"]
    assert issued["token"].startswith(f"okr_{UUID(token_id).hex}_")
    # The new token acts as its member: revoking itself is allowed.
    written(
        client,
        okr,
        f"/api/v1/organizations/{org.id}/tokens/{token_id}/revoke",
        {},
        issued["token"],
    )
    assert last_event(okr, org.id) == "AccessTokenRevoked"
    again = client.post(
        f"/api/v1/organizations/{org.id}/tokens/{token_id}/revoke", headers=bearer(issued["token"])
    )
    assert again.status_code == 401


def test_cycle_endpoints_define_and_rename(client: Client, okr: OKRApplication, org: Org) -> None:
    today = date.today()
    defined = written(
        client,
        okr,
        f"/api/v1/organizations/{org.id}/cycles",
        {
            "label": "Next",
            "kind": "custom",
            "start": str(today + timedelta(days=61)),
            "end": str(today + timedelta(days=150)),
        },
        org.tokens["admin"],
        201,
    )
    cycle = defined["ids"]["cycle_id"]
    assert last_event(okr, cycle) == "CycleDefined"
    written(client, okr, f"/api/v1/cycles/{cycle}/rename", {"label": "Later"}, org.tokens["admin"])
    assert last_event(okr, cycle) == "CycleRenamed"


def test_objective_endpoints(client: Client, okr: OKRApplication, org: Org) -> None:
    lead = org.tokens["lead"]
    created = written(
        client,
        okr,
        "/api/v1/objectives",
        {
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "cycle_id": str(org.cycle),
            "title": "Shorter queues",
            "owner_id": str(org.members["lead"]),
            "key_results": KEY_RESULTS,
        },
        lead,
        201,
    )
    objective = created["ids"]["objective_id"]
    assert last_event(okr, objective) == "KeyResultAdded"
    path = f"/api/v1/objectives/{objective}"
    written(client, okr, f"{path}/reword", {"title": "Much shorter queues"}, lead)
    assert last_event(okr, objective) == "ObjectiveReworded"
    written(client, okr, f"{path}/owner", {"owner_id": str(org.members["owner"])}, lead)
    assert last_event(okr, objective) == "OwnerChanged"
    added = written(
        client,
        okr,
        f"{path}/key-results",
        {"title": "Waiting time down", "metric": "decrease", "start": 30, "target": 10},
        lead,
        201,
    )
    assert last_event(okr, objective) == "KeyResultAdded"
    kr = added["ids"]["key_result_id"]
    written(client, okr, f"{path}/key-results/{kr}/adjust", {"reason": "data", "target": 12}, lead)
    assert last_event(okr, objective) == "KeyResultAdjusted"
    written(
        client,
        okr,
        f"{path}/key-results/{kr}/check-ins",
        {"value": 20, "status": "green"},
        lead,
        201,
    )
    assert last_event(okr, objective) == "CheckInMade"
    written(client, okr, f"{path}/key-results/{kr}/remove", {"reason": "not ours"}, lead)
    assert last_event(okr, objective) == "KeyResultRemoved"
    written(client, okr, f"{path}/close", {"note": "learned a lot"}, lead)
    assert last_event(okr, objective) == "ObjectiveClosed"
    written(client, okr, f"{path}/reopen", {"reason": "late check-in"}, lead)
    assert last_event(okr, objective) == "ObjectiveReopened"
    written(client, okr, f"{path}/drop", {"reason": "priorities changed"}, lead)
    assert last_event(okr, objective) == "ObjectiveDropped"


def test_aligning_an_objective_to_its_departments_objective(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    parent = okr.set_objective(
        organization_id=org.id,
        unit_id=org.department,
        cycle_id=org.cycle,
        title="Digital first",
        owner_id=org.members["admin"],
        key_results=KEY_RESULTS,
        by=org.members["admin"],
    ).ids["objective_id"]
    written(
        client,
        okr,
        f"/api/v1/objectives/{org.objective}/align",
        {"parent_objective_id": str(parent)},
        org.tokens["owner"],
    )
    assert last_event(okr, org.objective) == "ObjectiveAligned"


def test_graduating_a_met_key_result_defines_a_kpi(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}"
    written(
        client, okr, f"{path}/check-ins", {"value": 85, "status": "green"}, org.tokens["owner"], 201
    )
    graduated = written(client, okr, f"{path}/graduate", {}, org.tokens["owner"], 201)
    assert type(okr.history(graduated["ids"]["kpi_id"])[0]).__name__ == "KpiDefined"


def test_reflection_and_closing_the_units_cycle(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    member = org.tokens["team_member"]
    base = f"/api/v1/units/{org.team}/cycles/{org.cycle}"
    written(client, okr, f"{base}/reflections", {"keep_doing": "weekly check-ins"}, member, 201)
    team_cycle = okr.get_team_cycle(org.team, org.cycle)
    assert team_cycle is not None
    assert last_event(okr, team_cycle.id) == "ReflectionRecorded"
    written(client, okr, f"/api/v1/objectives/{org.objective}/drop", {"reason": "moved"}, member)
    written(client, okr, f"{base}/close", {"note": "a good quarter"}, member)
    assert last_event(okr, team_cycle.id) == "TeamCycleClosed"


def test_initiative_endpoints(client: Client, okr: OKRApplication, org: Org) -> None:
    token = org.tokens["department_member"]
    started = written(
        client,
        okr,
        "/api/v1/initiatives",
        {
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "title": "New form",
            "owner_id": str(org.members["department_member"]),
        },
        token,
        201,
    )
    initiative = started["ids"]["initiative_id"]
    assert last_event(okr, initiative) == "InitiativeStarted"
    path = f"/api/v1/initiatives/{initiative}"
    link = {"objective_id": str(org.objective), "key_result_id": str(org.key_result)}
    written(client, okr, f"{path}/links", link, token, 201)
    assert last_event(okr, initiative) == "InitiativeLinked"
    written(client, okr, f"{path}/progress", {"percent_complete": 40}, token)
    assert last_event(okr, initiative) == "InitiativeProgressed"
    written(client, okr, f"{path}/complete", {"note": "shipped"}, token)
    assert last_event(okr, initiative) == "InitiativeCompleted"
    other = written(
        client,
        okr,
        "/api/v1/initiatives",
        {
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "title": "Chatbot",
            "owner_id": str(org.members["department_member"]),
            "key_results": [link],
        },
        token,
        201,
    )["ids"]["initiative_id"]
    written(client, okr, f"/api/v1/initiatives/{other}/stop", {"reason": "no budget"}, token)
    assert last_event(okr, other) == "InitiativeStopped"


def test_kpi_endpoints(client: Client, okr: OKRApplication, org: Org) -> None:
    token = org.tokens["department_ambassador"]
    defined = written(
        client,
        okr,
        "/api/v1/kpis",
        {
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "name": "Uptime",
            "unit": "percent",
            "lower": 99.0,
        },
        token,
        201,
    )
    kpi = defined["ids"]["kpi_id"]
    assert last_event(okr, kpi) == "KpiDefined"
    written(client, okr, f"/api/v1/kpis/{kpi}/measurements", {"value": 99.5}, token, 201)
    assert last_event(okr, kpi) == "KpiMeasured"
    written(client, okr, f"/api/v1/kpis/{kpi}/corridor", {"lower": 99.9, "reason": "SLA"}, token)
    assert last_event(okr, kpi) == "KpiCorridorChanged"
    written(client, okr, f"/api/v1/kpis/{kpi}/retire", {"reason": "replaced"}, token)
    assert last_event(okr, kpi) == "KpiRetired"


def test_a_policy_warning_comes_back_in_the_answer(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    okr.change_policy(organization_id=org.id, mode="warn", by=org.members["admin"])
    path = f"/api/v1/objectives/{org.objective}/key-results"
    answers = [
        written(
            client, okr, path, {"title": f"KR {i}", "metric": "milestone"}, org.tokens["owner"], 201
        )
        for i in range(2)
    ]
    assert answers[-1]["warnings"]


def test_the_openapi_schema_and_its_ui_are_served(client: Client) -> None:
    schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/objectives/{objective_id}/drop" in paths
    assert client.get("/schema/swagger").status_code == 200


def test_importing_objectives_sets_all_of_them_in_one_save(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    admin = org.tokens["admin"]
    body = {
        "organization_id": str(org.id),
        "unit_id": str(org.sibling),
        "cycle_id": str(org.cycle),
        "objectives": [
            {
                "title": "Raskere svar",
                "owner_id": str(org.members["admin"]),
                "key_results": KEY_RESULTS,
            },
            {
                "title": "Færre klager",
                "owner_id": str(org.members["admin"]),
                "key_results": KEY_RESULTS,
            },
        ],
    }
    answer = written(client, okr, "/api/v1/objectives/import", body, admin, status=201)
    team_cycle = okr.get_team_cycle(org.sibling, org.cycle)
    assert team_cycle is not None
    assert len(team_cycle.objective_ids) == 3  # the sibling team already had one
    assert {str(i) for i in team_cycle.objective_ids} >= {
        str(v) for k, v in answer["ids"].items() if k.startswith("objective_id")
    }


def test_an_import_with_one_bad_objective_writes_nothing(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    body = {
        "organization_id": str(org.id),
        "unit_id": str(org.sibling),
        "cycle_id": str(org.cycle),
        "objectives": [
            {"title": "Raskere svar", "owner_id": str(org.members["admin"])},
            {"title": "   ", "owner_id": str(org.members["admin"])},
        ],
    }
    response = client.post(
        "/api/v1/objectives/import", json=body, headers=bearer(org.tokens["admin"])
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "empty"
    assert okr.position() == before
