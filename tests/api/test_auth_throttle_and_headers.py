"""Token guessing is slowed per client address (command API, GraphQL, websockets), and
the HTML pages carry security headers that keep them from loading anything from
elsewhere or being framed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from okr_es.api.auth_throttle import AuthThrottle
from okr_es.api.server import create_server_app
from okr_es.application import OKRApplication
from okr_es.errors import TooManyAttempts
from okr_es.settings import Settings
from support.http_api import Org, bearer, build_org, is_problem

Client = TestClient[Any]
LIMIT = 3


@pytest.fixture
def limited(settings: Settings) -> Iterator[tuple[Client, OKRApplication, Org]]:
    limited_settings = msgspec.structs.replace(settings, auth_failures_per_minute=LIMIT)
    okr = OKRApplication(limited_settings)
    org = build_org(okr)
    try:
        with TestClient(app=create_server_app(limited_settings, okr)) as client:
            yield client, okr, org
    finally:
        okr.close()


def members(client: Client, org: Org, token: str) -> Any:
    return client.post(f"/api/v1/organizations/{org.id}/members", headers=bearer(token),
                       json={"name": "New", "email": "new@example.no"})


def test_after_too_many_wrong_tokens_even_the_right_one_waits(
    limited: tuple[Client, OKRApplication, Org],
) -> None:
    client, okr, org = limited
    wrong = org.tokens["admin"][:-3] + "xyz"
    for _ in range(LIMIT):
        is_problem(members(client, org, wrong), 401, "unauthenticated")
    before = okr.position()

    refused = members(client, org, org.tokens["admin"])

    is_problem(refused, 429, "too-many-attempts")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert okr.position() == before
    graphql = client.post("/graphql", json={"query": "{ viewer { id } }"},
                          headers=bearer(org.tokens["admin"]))
    assert graphql.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ATTEMPTS"


def test_good_tokens_and_missing_ones_do_not_count(
    limited: tuple[Client, OKRApplication, Org],
) -> None:
    client, _, org = limited
    for _ in range(LIMIT * 2):
        assert members(client, org, org.tokens["ambassador"]).status_code == 403
        assert client.post(f"/api/v1/organizations/{org.id}/members",
                           json={"name": "x", "email": "x@example.no"}).status_code == 401
    assert members(client, org, org.tokens["admin"]).status_code == 201


def test_failures_leave_the_window_after_a_minute() -> None:
    now = [1000.0]
    throttle = AuthThrottle(2, clock=lambda: now[0])
    throttle.failed("10.0.0.1")
    now[0] += 30
    throttle.failed("10.0.0.1")
    with pytest.raises(TooManyAttempts) as blocked:
        throttle.refuse_if_blocked("10.0.0.1")
    assert blocked.value.retry_after == 30
    throttle.refuse_if_blocked("10.0.0.2")  # every address counts alone
    now[0] += 30.5
    throttle.refuse_if_blocked("10.0.0.1")  # the first failure is over a minute old


def test_no_limit_when_set_to_zero() -> None:
    throttle = AuthThrottle(0)
    for _ in range(100):
        throttle.failed("10.0.0.1")
    throttle.refuse_if_blocked("10.0.0.1")


def test_the_html_pages_carry_a_policy_that_allows_only_their_own_server(
    limited: tuple[Client, OKRApplication, Org],
) -> None:
    client, _, _ = limited
    for path in ("/graphql", "/schema/swagger"):
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/schema/openapi.json")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api.headers
