"""Service accounts: access tokens with a scope (read, check-in, admin) do only what their
scope covers, wherever they are sent (commands, GraphQL, SCIM)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from okr_es.aggregates.organization import Organization
from okr_es.api import create_app
from okr_es.api.graphql import graphql_handlers
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import KEY_RESULTS, Org, bearer, build_org
from support.old_events import store_old_event


@pytest.fixture
def okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(settings)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def client(okr: OKRApplication) -> Iterator[TestClient[Any]]:
    app = create_app(application=okr, route_handlers=graphql_handlers(wait_timeout=2.0))
    with TestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def org(okr: OKRApplication) -> Org:
    return build_org(okr)


def _token(okr: OKRApplication, org: Org, who: str, scope: str | None) -> str:
    member = org.members[who]
    return okr.issue_token(
        organization_id=org.id, member_id=member, label=f"{scope} integration", scope=scope,
        by=member,
    ).token or ""


def _check_in(client: TestClient[Any], org: Org, token: str) -> Any:
    return client.post(
        f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins",
        json={"value": 70, "status": "green"},
        headers=bearer(token),
    )


def _set_objective(client: TestClient[Any], org: Org, token: str) -> Any:
    return client.post(
        "/api/v1/objectives",
        json={
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "cycle_id": str(org.cycle),
            "title": "Shorter queues",
            "owner_id": str(org.members["lead"]),
            "key_results": KEY_RESULTS,
        },
        headers=bearer(token),
    )


def _reads(client: TestClient[Any], token: str) -> bool:
    answer = client.post("/graphql", json={"query": "{ viewer { id } }"},
                         headers=bearer(token))
    return answer.status_code == 200 and "errors" not in answer.json()


def _refused_for_scope(answer: Any, needed: str, scope: str) -> None:
    assert answer.status_code == 403, answer.text
    problem = answer.json()
    assert problem["code"] == "missing-scope"
    assert problem["scope"] == needed and problem["token_scope"] == scope
    assert f"needs scope {needed}" in problem["detail"]


def test_a_read_token_reads_but_cannot_check_in_or_change_anything(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    token = _token(okr, org, "lead", "read")
    before = okr.recorder.max_notification_id()

    assert _reads(client, token)
    _refused_for_scope(_check_in(client, org, token), "check-in", "read")
    _refused_for_scope(_set_objective(client, org, token), "admin", "read")
    assert okr.recorder.max_notification_id() == before


def test_a_check_in_token_checks_in_but_cannot_set_objectives(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    token = _token(okr, org, "lead", "check-in")

    assert _reads(client, token)
    assert _check_in(client, org, token).status_code == 201
    _refused_for_scope(_set_objective(client, org, token), "admin", "check-in")
    issued = client.post(
        f"/api/v1/organizations/{org.id}/members/{org.members['lead']}/tokens",
        json={"label": "escalation", "scope": "admin"},
        headers=bearer(token),
    )
    _refused_for_scope(issued, "admin", "check-in")


@pytest.mark.parametrize("scope", ["admin", None])
def test_an_admin_or_unscoped_token_does_all_its_member_may(
    client: TestClient[Any], okr: OKRApplication, org: Org, scope: str | None
) -> None:
    lead = _token(okr, org, "lead", scope)
    plain = _token(okr, org, "plain", scope)

    assert _check_in(client, org, lead).status_code == 201
    assert _set_objective(client, org, lead).status_code == 201
    # The scope never adds to the member's roles.
    assert _set_objective(client, org, plain).json()["code"] == "forbidden"


def test_scim_needs_an_admin_scoped_token_of_an_admin(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    for scope in ("read", "check-in"):
        refused = client.get("/scim/v2/Users", headers=bearer(_token(okr, org, "admin", scope)))
        assert refused.status_code == 403, refused.text
    allowed = client.get("/scim/v2/Users", headers=bearer(_token(okr, org, "admin", "admin")))
    assert allowed.status_code == 200, allowed.text


def test_the_token_command_issues_a_scoped_token_and_refuses_unknown_scopes(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/organizations/{org.id}/members/{org.members['lead']}/tokens"

    issued = client.post(path, json={"label": "form", "scope": "check-in"},
                         headers=bearer(org.tokens["admin"]))
    unknown = client.post(path, json={"label": "form", "scope": "write"},
                          headers=bearer(org.tokens["admin"]))

    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert okr.authenticate(token).scope == "check-in"
    assert _check_in(client, org, token).status_code == 201
    _refused_for_scope(_set_objective(client, org, token), "admin", "check-in")
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["code"] == "invalid-choice" and unknown.json()["field"] == "scope"


def test_tokens_issued_before_scopes_existed_keep_full_access(okr: OKRApplication) -> None:
    ids = okr.register_organization(
        name="Kommune", admin_name="Kari", admin_email="kari@kommune.no"
    ).ids
    org, admin = ids["organization_id"], ids["member_id"]
    token = okr.issue_token(organization_id=org, member_id=admin, label="new", by=admin)
    token_id = token.ids["token_id"]
    old_id = uuid4()
    store_old_event(
        okr, org, Organization.AccessTokenIssued,
        {"by": str(admin), "token_id": str(old_id), "member_id": str(admin),
         "token_hash": "0" * 64, "label": "from before scopes"},
        recorded_at="2026-01-12T09:31:00Z",
    )

    tokens = okr.get_organization(org).tokens

    assert tokens[old_id].scope == "admin"
    assert tokens[old_id].label == "from before scopes"
    assert tokens[token_id].scope == "admin"


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATA_DIR"] = settings.data_dir
    if settings.database_url:
        env["OKR_ES_DATABASE_URL"] = settings.database_url
        env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    return subprocess.run([sys.executable, "-m", "okr_es.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_cli_issues_a_scoped_token(settings: Settings) -> None:
    with OKRApplication(settings) as okr:
        ids = okr.register_organization(
            name="Kommune", admin_name="Kari", admin_email="kari@kommune.no"
        ).ids
    member = str(ids["member_id"])

    issued = _cli(settings, "token", "issue", "--member", member, "--scope", "read")
    wrong = _cli(settings, "token", "issue", "--member", member, "--scope", "write")

    assert issued.returncode == 0, issued.stderr
    assert "scope read" in issued.stdout
    with OKRApplication(settings) as okr:
        assert okr.authenticate(issued.stdout.splitlines()[1].strip()).scope == "read"
    assert wrong.returncode != 0
    assert "invalid choice: 'write'" in wrong.stderr
