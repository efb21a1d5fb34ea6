"""The roll-up commands over HTTP: weighting a key result, choosing a roll-up mode."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.http_api import Org, bearer, is_problem

Client = TestClient[Any]


def post(client: Client, path: str, body: Any, token: str) -> Any:
    content = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        path, content=content, headers={**bearer(token), "content-type": "application/json"}
    )


def test_the_owner_weights_a_key_result_and_the_objective_records_it(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/weight"

    response = post(client, path, {"weight": 2.5}, org.tokens["owner"])

    assert response.status_code == 200, response.text
    assert response.json()["position"] == okr.position()
    event = okr.history(org.objective)[-1]
    assert (type(event).__name__, event.key_result_id, event.weight) == (
        "KeyResultWeighted", org.key_result, 2.5
    )
    assert okr.get_objective(org.objective).key_results[org.key_result].weight == 2.5


def test_a_lead_makes_the_objective_roll_up_its_children(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/objectives/{org.objective}/roll-up-mode"

    response = post(client, path, {"mode": "key_results_and_children"}, org.tokens["lead"])

    assert response.status_code == 200, response.text
    assert type(okr.history(org.objective)[-1]).__name__ == "RollUpModeChanged"
    assert okr.get_objective(org.objective).roll_up_mode == "key_results_and_children"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"weight": 0}, 422, "out-of-range", "weight"),
        ({"weight": -1}, 422, "out-of-range", "weight"),
        ({"weight": 1001}, 422, "out-of-range", "weight"),
        ({"weight": 1}, 409, "no-change", "weight"),
        ({"weight": "2"}, 400, "invalid-input", "weight"),
        ({}, 400, "invalid-input", "weight"),
    ],
)
def test_a_weight_that_is_no_share_is_refused_and_writes_nothing(
    client: Client, okr: OKRApplication, org: Org, body: Any, status: int, code: str, field: str
) -> None:
    before = okr.position()
    path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/weight"

    problem = is_problem(post(client, path, body, org.tokens["owner"]), status, code)

    assert problem.get("field") == field
    assert okr.position() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"mode": "sideways"}, 422, "invalid-choice"),
        ({"mode": "key_results"}, 409, "no-change"),
        ({"mode": 3}, 400, "invalid-input"),
    ],
)
def test_an_unknown_or_unchanged_roll_up_mode_is_refused_and_writes_nothing(
    client: Client, okr: OKRApplication, org: Org, body: Any, status: int, code: str
) -> None:
    before = okr.position()
    path = f"/api/v1/objectives/{org.objective}/roll-up-mode"

    is_problem(post(client, path, body, org.tokens["owner"]), status, code)

    assert okr.position() == before


def test_a_member_of_another_team_may_not_weight_or_change_the_mode(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    objective = f"/api/v1/objectives/{org.objective}"
    token = org.tokens["plain"]

    is_problem(
        post(client, f"{objective}/key-results/{org.key_result}/weight", {"weight": 2}, token),
        403,
        "forbidden",
    )
    is_problem(post(client, f"{objective}/roll-up-mode", {"mode": "children"}, token), 403)

    assert okr.position() == before


def test_weighting_an_unknown_key_result_is_404(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    path = (
        f"/api/v1/objectives/{org.objective}/key-results/"
        "00000000-0000-4000-8000-000000000000/weight"
    )

    problem = is_problem(post(client, path, {"weight": 2}, org.tokens["owner"]), 404)

    assert problem.get("field") == "key_result_id"
