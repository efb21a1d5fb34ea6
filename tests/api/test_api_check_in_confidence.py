"""A check-in's confidence over HTTP: optional, a whole number from 0 to 10."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from support.http_api import Org, bearer, is_problem

Client = TestClient[Any]


def check_in_path(org: Org) -> str:
    return f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins"


def last_check_in(okr: OKRApplication, org: Org) -> Objective.CheckInMade:
    event = okr.history(org.objective)[-1]
    assert isinstance(event, Objective.CheckInMade)
    return event


def test_a_check_in_carries_the_confidence_sent(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    body = {"value": 40, "status": "yellow", "confidence": 7}
    response = client.post(check_in_path(org), json=body, headers=bearer(org.tokens["owner"]))
    assert response.status_code == 201, response.text
    event = last_check_in(okr, org)
    assert (event.status, event.confidence, event.originator_version) == (
        "yellow", 7, okr.get_objective(org.objective).version)


def test_a_check_in_without_confidence_has_none(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    body = {"value": 40, "status": "green"}
    response = client.post(check_in_path(org), json=body, headers=bearer(org.tokens["owner"]))
    assert response.status_code == 201, response.text
    assert last_check_in(okr, org).confidence is None


@pytest.mark.parametrize("confidence", [11, -1, 7.5])
def test_a_confidence_outside_0_to_10_or_not_whole_is_422(
    client: Client, okr: OKRApplication, org: Org, confidence: float
) -> None:
    before = okr.position()
    body = {"value": 40, "status": "green", "confidence": confidence}
    response = client.post(check_in_path(org), json=body, headers=bearer(org.tokens["owner"]))
    problem = is_problem(response, 422, "out-of-range")
    assert problem["field"] == "confidence"
    assert "0 to 10" in problem["detail"]
    assert okr.position() == before


def test_a_confidence_sent_as_text_is_400_naming_it(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    body = {"value": 40, "status": "green", "confidence": "7"}
    response = client.post(check_in_path(org), json=body, headers=bearer(org.tokens["owner"]))
    problem = is_problem(response, 400, "invalid-input")
    assert problem["field"] == "confidence"
    assert okr.position() == before
