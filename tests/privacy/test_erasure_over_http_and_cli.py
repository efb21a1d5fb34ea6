"""Erasing a member and setting the privacy policy through the HTTP API (admins only,
clear problems, nothing written on refusal) and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from okr_es.aggregates.personal_data import ERASED
from okr_es.api import create_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import Org, bearer, build_org, is_problem


@pytest.fixture
def okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(settings)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def client(okr: OKRApplication) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(application=okr)) as test_client:
        yield test_client


@pytest.fixture
def org(okr: OKRApplication) -> Org:
    return build_org(okr)


def erase(client: TestClient[Any], org: Org, member: str, token: str) -> Any:
    return client.post(
        f"/api/v1/organizations/{org.id}/members/{org.members[member]}/erase",
        headers=bearer(org.tokens[token]),
    )


def test_an_admin_erases_a_member_whose_token_then_stops_working(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    response = erase(client, org, "plain", "admin")
    assert response.status_code == 200, response.text
    member = okr.get_organization(org.id).members[org.members["plain"]]
    assert (member.name, member.erased, member.active) == (ERASED, True, False)
    is_problem(erase(client, org, "lead", "plain"), 401, "unauthenticated")


def test_erasure_is_for_admins_and_happens_once(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    is_problem(erase(client, org, "plain", "lead"), 403)
    is_problem(erase(client, org, "admin", "admin"), 409, "last-admin")
    assert okr.position() == before
    assert erase(client, org, "plain", "admin").status_code == 200
    after = okr.position()
    is_problem(erase(client, org, "plain", "admin"), 409, "member-erased")
    assert okr.position() == after


def test_the_privacy_policy_is_set_by_an_admin_with_a_boolean(
    client: TestClient[Any], okr: OKRApplication, org: Org
) -> None:
    path = f"/api/v1/organizations/{org.id}/privacy-policy"
    admin = bearer(org.tokens["admin"])
    before = okr.position()
    is_problem(client.post(path, json={"seal_free_text": "yes"}, headers=admin), 400)
    is_problem(client.post(path, json={"seal_free_text": True},
                           headers=bearer(org.tokens["lead"])), 403)
    assert okr.position() == before
    assert client.post(path, json={"seal_free_text": True}, headers=admin).status_code == 200
    assert okr.get_organization(org.id).seal_free_text is True
    is_problem(client.post(path, json={"seal_free_text": True}, headers=admin), 409, "no-change")


def okr_es(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATA_DIR"] = settings.data_dir
    if settings.database_url:
        env["OKR_ES_DATABASE_URL"] = settings.database_url
        env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    return subprocess.run(
        [sys.executable, "-m", "okr_es.cli", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_command_line_erases_a_member(settings: Settings) -> None:
    with OKRApplication(settings) as okr:
        org = build_org(okr)
    member, admin = str(org.members["owner"]), str(org.members["admin"])
    done = okr_es(settings, "member", "erase", member, "--by", admin)
    assert done.returncode == 0, done.stderr
    assert f"Erased member {member}" in done.stdout
    with OKRApplication(settings) as okr:
        assert okr.get_organization(org.id).members[org.members["owner"]].name == ERASED
    again = okr_es(settings, "member", "erase", member, "--by", admin)
    assert again.returncode == 1
    assert "[member-erased]" in again.stderr
    unknown = okr_es(settings, "member", "erase", str(org.id), "--by", admin)
    assert unknown.returncode == 1
    assert "[not-found]" in unknown.stderr
    reapplied = okr_es(settings, "member", "reapply-erasures")
    assert reapplied.returncode == 0, reapplied.stderr
    assert "0 erasure(s) applied again" in reapplied.stdout
