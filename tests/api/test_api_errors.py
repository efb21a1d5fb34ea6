"""Every error class leaves the API as problem details with the right status and code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar import get
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.application import OKRApplication
from support.http_api import KEY_RESULTS, Org, bearer, is_problem

Client = TestClient[Any]


def refused(
    client: Client, okr: OKRApplication, path: str, body: Any, token: str, status: int, code: str
) -> dict[str, Any]:
    """POST a command that must be refused; nothing may be written."""
    before = okr.position()
    content = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.post(
        path, content=content, headers={**bearer(token), "content-type": "application/json"}
    )
    problem = is_problem(response, status, code)
    assert okr.position() == before
    return problem


def test_a_domain_invalid_input_is_422_naming_the_field(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/organizations/{org.id}/units"
    body = {"name": "   ", "kind": "team", "parent_id": str(org.root)}
    problem = refused(client, okr, path, body, org.tokens["admin"], 422, "empty")
    assert problem["field"] == "name"
    assert problem["type"] == "urn:okr-es:problem:empty"


def test_progress_beyond_100_percent_is_422_out_of_range(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    initiative = okr.start_initiative(
        organization_id=org.id,
        unit_id=org.team,
        title="Survey tool",
        owner_id=org.members["lead"],
        by=org.members["admin"],
    ).ids["initiative_id"]
    path = f"/api/v1/initiatives/{initiative}/progress"
    for percent in (101, -1):
        body = {"percent_complete": percent}
        problem = refused(client, okr, path, body, org.tokens["lead"], 422, "out-of-range")
        assert problem["field"] == "percent_complete"


def test_an_unknown_objective_is_404(client: Client, okr: OKRApplication, org: Org) -> None:
    path = "/api/v1/objectives/00000000-0000-4000-8000-000000000000/drop"
    problem = refused(client, okr, path, {"reason": "x"}, org.tokens["admin"], 404, "not-found")
    assert problem["field"] == "objective_id"


def test_a_broken_rule_is_409(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/organizations/{org.id}/units"
    body = {"name": "Team", "kind": "team", "parent_id": str(org.department)}
    problem = refused(client, okr, path, body, org.tokens["admin"], 409, "duplicate-unit-name")
    assert problem["field"] == "name"


def test_an_exceeded_limit_is_409(client: Client, okr: OKRApplication, org: Org) -> None:
    for i in range(3):
        okr.add_key_result(
            objective_id=org.objective, title=f"KR {i}", metric="milestone", by=org.members["owner"]
        )
    path = f"/api/v1/objectives/{org.objective}/key-results"
    body = {"title": "One too many", "metric": "milestone"}
    refused(client, okr, path, body, org.tokens["owner"], 409, "too-many-key-results")


def test_a_stale_expected_version_is_a_409_conflict_with_both_versions(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/reword"
    body = {"title": "New words", "expected_version": 1}
    problem = refused(client, okr, path, body, org.tokens["owner"], 409, "version-conflict")
    assert problem["expected_version"] == 1
    assert problem["actual_version"] == okr.get_objective(org.objective).version


def test_a_missing_token_is_401_with_a_bearer_challenge(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    response = client.post(f"/api/v1/organizations/{org.id}/members", json={"name": "A"})
    is_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_role_that_does_not_reach_is_403(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.sibling_objective}/drop"
    refused(client, okr, path, {"reason": "x"}, org.tokens["lead"], 403, "forbidden")


def test_malformed_json_is_400(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    refused(client, okr, path, '{"reason": ', org.tokens["owner"], 400, "invalid-input")


def test_an_unknown_field_is_400_naming_it(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    body = {"reason": "x", "by": str(org.members["admin"])}
    problem = refused(client, okr, path, body, org.tokens["owner"], 400, "invalid-input")
    assert problem["field"] == "by"


def test_a_wrong_type_is_400_naming_the_field(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins"
    body = {"value": "lots", "status": "green"}
    problem = refused(client, okr, path, body, org.tokens["owner"], 400, "invalid-input")
    assert problem["field"] == "value"


def test_a_nested_unknown_field_is_400(client: Client, okr: OKRApplication, org: Org) -> None:
    body = {
        "organization_id": str(org.id),
        "unit_id": str(org.team),
        "cycle_id": str(org.cycle),
        "title": "T",
        "owner_id": str(org.members["lead"]),
        "key_results": [{**KEY_RESULTS[0], "colour": "red"}],
    }
    problem = refused(
        client, okr, "/api/v1/objectives", body, org.tokens["lead"], 400, "invalid-input"
    )
    assert "colour" in problem["field"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "42", "status": "green"}, "value"),
        ({"value": 42, "status": "green", "checked_in_at": 1730000000}, "checked_in_at"),
        ({"value": 42, "status": "green", "checked_in_at": "2026-11-01"}, "checked_in_at"),
        ({"value": 42, "status": "green", "checked_in_at": "2026-11-01T10:00:00"}, "checked_in_at"),
        ({"value": True, "status": "green"}, "value"),
        ({"value": 42, "status": "green", "comment": 5}, "comment"),
    ],
)
def test_a_value_of_another_json_type_is_400_not_converted(
    client: Client, okr: OKRApplication, org: Org, body: dict[str, Any], field: str
) -> None:
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins"
    problem = refused(client, okr, path, body, org.tokens["owner"], 400, "invalid-input")
    assert problem["field"] == field


def test_a_date_time_without_an_offset_is_400_on_every_command_that_takes_one(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    kpi = okr.define_kpi(
        organization_id=org.id, unit_id=org.team, name="Uptime", lower=99, by=org.members["admin"]
    ).ids["kpi_id"]
    objective = f"/api/v1/objectives/{org.objective}"
    key_result = f"{objective}/key-results/{org.key_result}"
    naive = "2026-01-02T10:00:00"
    commands: list[tuple[str, dict[str, Any], str]] = [
        (f"{key_result}/check-ins", {"value": 70, "status": "green"}, "checked_in_at"),
        (f"/api/v1/kpis/{kpi}/measurements", {"value": 99.5}, "measured_at"),
        (f"{objective}/drop", {"reason": "x"}, "effective_at"),
        (f"{objective}/close", {}, "effective_at"),
        (f"/api/v1/units/{org.team}/cycles/{org.cycle}/reflections", {"learnings": "x"},
         "effective_at"),
        (f"/api/v1/units/{org.team}/cycles/{org.cycle}/close", {}, "effective_at"),
        (f"{objective}/key-results", {"title": "New", "metric": "milestone"}, "effective_at"),
        (f"{key_result}/adjust", {"reason": "x", "target": 90}, "effective_at"),
        (
            "/api/v1/objectives",
            {
                "organization_id": str(org.id),
                "unit_id": str(org.team),
                "cycle_id": str(org.cycle),
                "title": "Dated",
                "owner_id": str(org.members["admin"]),
            },
            "effective_at",
        ),
    ]
    for path, body, field in commands:
        dated = {**body, field: naive}
        problem = refused(client, okr, path, dated, org.tokens["admin"], 400, "invalid-input")
        assert problem["field"] == field
    for offset in ("Z", "+01:00"):
        accepted = client.post(
            f"{key_result}/check-ins",
            json={"value": 70, "status": "green", "checked_in_at": naive + offset},
            headers=bearer(org.tokens["owner"]),
        )
        assert accepted.status_code == 201, accepted.text


def test_a_nested_field_is_named_by_its_whole_path(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    entry = {"title": "T", "owner_id": str(org.members["lead"]),
             "key_results": [KEY_RESULTS[0], {**KEY_RESULTS[0], "colour": "red"}]}  # fmt: skip
    body = {"organization_id": str(org.id), "unit_id": str(org.team),
            "cycle_id": str(org.cycle), "objectives": [entry]}  # fmt: skip
    problem = refused(client, okr, "/api/v1/objectives/import", body, org.tokens["lead"], 400,
                      "invalid-input")  # fmt: skip
    assert problem["field"] == "objectives[0].key_results[1].colour"
    del body["objectives"]
    problem = refused(client, okr, "/api/v1/objectives/import", body, org.tokens["lead"], 400,
                      "invalid-input")  # fmt: skip
    assert problem["field"] == "objectives"


def test_alignment_refusals_name_the_fields_the_request_sent(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/align"
    sibling = {"parent_objective_id": str(org.sibling_objective)}
    problem = refused(
        client, okr, path, sibling, org.tokens["owner"], 409, "alignment-not-ancestor"
    )
    assert problem["field"] == "parent_objective_id"
    parent = okr.set_objective(
        organization_id=org.id,
        unit_id=org.department,
        cycle_id=org.cycle,
        title="Department goal",
        owner_id=org.members["admin"],
        by=org.members["admin"],
    ).ids["objective_id"]
    unknown_kr = {"parent_objective_id": str(parent), "parent_key_result_id": str(org.team)}
    problem = refused(client, okr, path, unknown_kr, org.tokens["owner"], 404, "not-found")
    assert problem["field"] == "parent_key_result_id"
    okr.align_objective(
        objective_id=org.objective, parent_objective_id=parent, by=org.members["admin"]
    )
    again = {"parent_objective_id": str(parent)}
    problem = refused(client, okr, path, again, org.tokens["owner"], 409, "no-change")
    assert problem["field"] == "parent_objective_id"


def test_a_too_long_first_token_label_is_named_as_sent(client: Client, okr: OKRApplication) -> None:
    before = okr.position()
    body = {
        "name": "N",
        "admin_name": "A",
        "admin_email": "a@example.no",
        "token_label": "x" * 5000,
    }
    problem = is_problem(client.post("/api/v1/organizations", json=body), 422, "too-long")
    assert problem["field"] == "token_label"
    assert problem["detail"].startswith("token_label ")
    assert okr.position() == before


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"max_objectives": -1}, "max_objectives", "must be a whole number from 1 to 50"),
        ({"max_objectives": 0}, "max_objectives", "must be a whole number from 1 to 50"),
        ({"max_key_results": 0}, "max_key_results", "must be a whole number from 1 to 50"),
        ({"max_key_results": 1}, "max_key_results", "must not exceed max_key_results (1)"),
    ],
)
def test_a_refused_policy_names_the_limit_sent_and_its_range(
    client: Client, okr: OKRApplication, org: Org, body: dict[str, Any], field: str, detail: str
) -> None:
    path = f"/api/v1/organizations/{org.id}/policy"
    problem = refused(client, okr, path, body, org.tokens["admin"], 422, "out-of-range")
    assert problem["field"] == field
    assert detail in problem["detail"]


def test_an_empty_body_names_no_field(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/organizations/{org.id}/policy"
    problem = refused(client, okr, path, b"", org.tokens["admin"], 400, "invalid-input")
    assert "field" not in problem
    assert all("field" not in error for error in problem["errors"])


def test_an_initiatives_key_result_is_named_by_its_place_in_the_list(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    body = {
        "organization_id": str(org.id),
        "unit_id": str(org.team),
        "title": "Survey tool",
        "owner_id": str(org.members["lead"]),
        "key_results": [
            {"objective_id": str(org.objective), "key_result_id": str(org.key_result)},
            {"objective_id": str(org.team), "key_result_id": str(org.key_result)},
        ],
    }
    problem = refused(
        client, okr, "/api/v1/initiatives", body, org.tokens["lead"], 404, "not-found"
    )
    assert problem["field"] == "key_results[1].objective_id"


@pytest.mark.parametrize(
    ("score", "status", "code"),
    [
        ("high", 400, "invalid-input"),
        (1.5, 422, "out-of-range"),
    ],
)
def test_a_bad_score_is_named_by_its_key(
    client: Client, okr: OKRApplication, org: Org, score: Any, status: int, code: str
) -> None:
    path = f"/api/v1/objectives/{org.objective}/close"
    body = {"scores": {str(org.key_result): score}}
    problem = refused(client, okr, path, body, org.tokens["owner"], status, code)
    assert problem["field"] == f"scores.{org.key_result}"


@pytest.mark.parametrize(
    ("key", "status", "code"),
    [
        ("not-a-uuid", 400, "invalid-input"),
        ("00000000-0000-4000-8000-000000000000", 404, "not-found"),
    ],
)
def test_a_score_for_a_bad_key_is_named_by_that_key(
    client: Client, okr: OKRApplication, org: Org, key: str, status: int, code: str
) -> None:
    path = f"/api/v1/objectives/{org.objective}/close"
    body = {"scores": {str(org.key_result): 0.5, key: 0.5}}
    problem = refused(client, okr, path, body, org.tokens["owner"], status, code)
    assert problem["field"] == f"scores.{key}"


def test_a_malformed_body_without_a_token_is_401(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins"
    response = client.post(path, json={"value": "42"})
    assert response.status_code == 401, response.text


def test_a_missing_body_is_400(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    refused(client, okr, path, b"", org.tokens["owner"], 400, "invalid-input")


def test_a_huge_body_is_413(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    body = {"reason": "x" * 70_000}
    refused(client, okr, path, body, org.tokens["owner"], 413, "payload-too-large")


def test_an_unknown_path_is_a_404_problem(client: Client) -> None:
    is_problem(client.get("/api/v1/nothing-here"), 404, "not-found")


def test_a_wrong_method_is_a_405_problem(client: Client, org: Org) -> None:
    is_problem(client.get(f"/api/v1/objectives/{org.objective}/drop"), 405, "method-not-allowed")


def test_a_bug_is_a_500_problem_that_reveals_nothing(okr: OKRApplication) -> None:
    @get("/broken", sync_to_thread=False)
    def broken() -> None:
        raise RuntimeError("secret connection string")

    with TestClient(create_app(application=okr, route_handlers=[broken])) as client:
        response = client.get("/broken")
    problem = is_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert "RuntimeError" not in json.dumps(problem)


def test_a_body_that_is_not_utf8_is_400(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    problem = refused(
        client, okr, path, b'{"reason": "caf\xe9"}', org.tokens["owner"], 400, "invalid-input"
    )
    assert "UTF-8" in problem["detail"]


@pytest.mark.parametrize(
    "reason", [r"a\ud800b", r"\ud800", r"a\udc00", r"\ud800\u0041", r"\\\ud800"]
)
def test_a_lone_surrogate_escape_is_422_naming_the_text(
    client: Client, okr: OKRApplication, org: Org, reason: str
) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    body = '{"reason": "' + reason + '"}'
    problem = refused(client, okr, path, body, org.tokens["owner"], 422, "invalid-text")
    assert problem["field"] == "reason"
    assert problem["detail"] == "reason is not valid Unicode text: a lone surrogate"


def test_a_lone_surrogate_deep_in_a_body_is_named_by_its_path(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    body = (
        f'{{"organization_id": "{org.id}", "unit_id": "{org.team}", '
        f'"cycle_id": "{org.cycle}", "title": "T", "owner_id": "{org.members["lead"]}", '
        '"key_results": [{"title": "ok", "metric": "milestone"}, '
        '{"title": "bad \\udfff", "metric": "milestone"}]}'
    )
    problem = refused(
        client, okr, "/api/v1/objectives", body, org.tokens["lead"], 422, "invalid-text"
    )
    assert problem["field"] == "key_results[1].title"


def test_an_escaped_surrogate_pair_is_text(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    body = '{"reason": "no longer needed \\ud83d\\ude00"}'
    headers = {**bearer(org.tokens["owner"]), "content-type": "application/json"}
    assert client.post(path, content=body, headers=headers).status_code == 200
    assert okr.get_objective(org.objective).status_reason == "no longer needed \U0001f600"


def test_a_body_nested_too_deeply_is_400(client: Client, okr: OKRApplication, org: Org) -> None:
    deep = '{"reason": ' + "[" * 1000 + "]" * 1000 + "}"
    for path in (
        f"/api/v1/objectives/{org.objective}/drop",
        f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins",
        f"/api/v1/organizations/{org.id}/units",
    ):
        refused(client, okr, path, deep, org.tokens["admin"], 400, "invalid-input")


def test_a_body_not_declared_as_json_is_415(client: Client, okr: OKRApplication, org: Org) -> None:
    path = f"/api/v1/objectives/{org.objective}/drop"
    body = b'{"reason": "no longer needed"}'
    before = okr.position()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = bearer(org.tokens["owner"])
        if content_type is not None:
            headers["content-type"] = content_type
        response = client.post(path, content=body, headers=headers)

        problem = is_problem(response, 415, "unsupported-media-type")
        assert "application/json" in problem["detail"]
    assert okr.position() == before

    as_json = {**bearer(org.tokens["owner"]), "content-type": "application/json; charset=utf-8"}
    accepted = client.post(path, content=body, headers=as_json)
    assert accepted.status_code == 200, accepted.text


def test_the_command_reference_names_both_statuses_of_invalid_input(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    reference = Path(__file__).resolve().parents[2] / "docs" / "commands.md"
    row = next(
        line for line in reference.read_text().splitlines() if line.startswith("| `invalid-input`")
    )
    malformed = f"/api/v1/objectives/{org.objective}/drop"
    refused(client, okr, malformed, '{"reason": ', org.tokens["owner"], 400, "invalid-input")

    assert "| 422 |" in row
    assert "400" in row


def test_closings_take_a_business_date_and_refuse_one_in_the_future(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    unit_cycle = f"/api/v1/units/{org.team}/cycles/{org.cycle}"
    later = "2999-01-01T00:00:00Z"
    for path, body in (
        (f"/api/v1/objectives/{org.objective}/close", {}),
        (f"{unit_cycle}/reflections", {"learnings": "x"}),
    ):
        problem = refused(client, okr, path, {**body, "effective_at": later},
                          org.tokens["admin"], 422, "in-the-future")  # fmt: skip
        assert problem["field"] == "effective_at"
    for path, body in (
        (f"/api/v1/objectives/{org.objective}/close", {}),
        (f"{unit_cycle}/reflections", {"learnings": "x"}),
    ):
        response = client.post(path, json={**body, "effective_at": "2026-01-02T10:00:00Z"},
                               headers=bearer(org.tokens["admin"]))  # fmt: skip
        assert response.status_code in (200, 201), response.text
    closed, reflected = okr.history(org.objective)[-1], okr.history(
        okr.get_team_cycle(org.team, org.cycle).id  # type: ignore[union-attr]
    )[-1]
    assert closed.effective_at == reflected.effective_at  # type: ignore[attr-defined]
    assert closed.effective_at.isoformat() == "2026-01-02T10:00:00+00:00"  # type: ignore[attr-defined]
