"""Leavers as Microsoft Entra ID provisions them, over HTTP on every store: a user
disabled with each PATCH shape Entra sends ("Request: Disable User", the string
``"False"`` of its older behaviour, a ``Replace`` without a path of its compliant one) or
deleted. Their tokens stop working at once, and their active objectives are flagged for a
new owner in the read API until an admin hands them on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.api.graphql import PROJECTIONS_KEY, graphql_handlers
from okr_es.application import OKRApplication
from okr_es.projections.service import ProjectionService
from support.http_api import KEY_RESULTS, Org, bearer

Client = TestClient[Any]
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
NEEDING = "{ objectivesNeedingNewOwner { id title owner { id active } } }"


@pytest.fixture
def service(okr: OKRApplication) -> Iterator[ProjectionService]:
    running = ProjectionService(okr).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def client(okr: OKRApplication, service: ProjectionService) -> Iterator[Client]:
    app = create_app(application=okr, route_handlers=graphql_handlers())
    app.state[PROJECTIONS_KEY] = service
    with TestClient(app=app) as test_client:
        yield test_client


def scim(org: Org) -> dict[str, str]:
    return {**bearer(org.tokens["admin"]), "Content-Type": "application/scim+json"}


def a_provisioned_owner(client: Client, okr: OKRApplication, org: Org) -> tuple[str, str, str]:
    """A user Entra created, who owns an active objective and has a token: (member id,
    objective id, token)."""
    user = {"schemas": [USER], "userName": "leaver@contoso.com", "active": True,
            "emails": [{"primary": True, "type": "work", "value": "leaver@contoso.com"}],
            "name": {"givenName": "Lea", "familyName": "Ver"}}
    found = client.get("/scim/v2/Users", headers=scim(org),
                       params={"filter": 'userName eq "leaver@contoso.com"'}).json()
    assert found["totalResults"] == 0
    created = client.post("/scim/v2/Users", json=user, headers=scim(org))
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    objective = okr.set_objective(
        organization_id=org.id, unit_id=org.team, cycle_id=org.cycle, title="Fewer forms",
        owner_id=member_id, key_results=KEY_RESULTS, by=org.members["admin"],
    ).ids["objective_id"]
    token = okr.issue_token(organization_id=org.id, member_id=member_id,
                            by=org.members["admin"]).token or ""
    return member_id, str(objective), token


def needing_new_owner(client: Client, okr: OKRApplication, org: Org) -> list[dict[str, Any]]:
    response = client.post("/graphql", json={"query": NEEDING}, headers={
        **bearer(org.tokens["admin"]), "X-OKR-Position": str(okr.position())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["extensions"]["readModel"]["behind"] == 0
    found: list[dict[str, Any]] = body["data"]["objectivesNeedingNewOwner"]
    return found


def works(client: Client, token: str) -> bool:
    """Whether the token reads (GraphQL answers a refused token with an UNAUTHENTICATED
    error) and writes (a command answers it 401)."""
    read = client.post("/graphql", json={"query": "{ viewer { id } }"}, headers=bearer(token))
    assert read.status_code == 200, read.text
    codes = [e["extensions"]["code"] for e in read.json().get("errors", [])]
    written = client.post(f"/api/v1/organizations/{UUID(int=0)}/members",
                          json={"name": "Someone", "email": "someone@example.no"},
                          headers=bearer(token))
    assert (codes == ["UNAUTHENTICATED"]) == (written.status_code == 401), (codes, written.text)
    return not codes


@pytest.mark.parametrize("operation", [
    {"op": "Replace", "path": "active", "value": "False"},
    {"op": "Replace", "path": "active", "value": False},
    {"op": "replace", "value": {"active": False}},
], ids=["text", "boolean", "no-path"])
def test_a_user_entra_disables_loses_access_at_once_and_their_objectives_need_a_new_owner(
    client: Client, okr: OKRApplication, org: Org, operation: dict[str, Any]
) -> None:
    member_id, objective_id, token = a_provisioned_owner(client, okr, org)
    assert works(client, token)
    assert needing_new_owner(client, okr, org) == []

    disabled = client.patch(f"/scim/v2/Users/{member_id}", headers=scim(org),
                            json={"schemas": [PATCH], "Operations": [operation]})

    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["active"] is False
    assert not works(client, token)
    assert needing_new_owner(client, okr, org) == [{
        "id": objective_id, "title": "Fewer forms", "owner": {"id": member_id, "active": False}}]


def test_a_user_entra_deletes_is_a_leaver_too(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    member_id, objective_id, token = a_provisioned_owner(client, okr, org)
    assert client.delete(f"/scim/v2/Users/{member_id}", headers=scim(org)).status_code == 204
    assert not works(client, token)
    assert [o["id"] for o in needing_new_owner(client, okr, org)] == [objective_id]


def test_handing_a_leaver_s_objectives_on_clears_the_flag(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    member_id, _, _ = a_provisioned_owner(client, okr, org)
    client.patch(f"/scim/v2/Users/{member_id}", headers=scim(org), json={
        "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
    handed = client.post(
        f"/api/v1/organizations/{org.id}/members/{member_id}/transfer-ownership",
        json={"to_member_id": str(org.members["lead"])}, headers=bearer(org.tokens["admin"]))
    assert handed.status_code == 200, handed.text
    assert needing_new_owner(client, okr, org) == []


def test_a_user_entra_enables_again_gets_access_back_and_is_no_longer_flagged(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    member_id, _, token = a_provisioned_owner(client, okr, org)
    for value in ("False", "True"):
        response = client.patch(f"/scim/v2/Users/{member_id}", headers=scim(org), json={
            "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active",
                                                "value": value}]})
        assert response.status_code == 200, response.text
    assert works(client, token)
    assert needing_new_owner(client, okr, org) == []


def test_only_the_reader_s_organisation_s_leavers_are_listed(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    a_provisioned_owner(client, okr, org)
    okr.deactivate_member(organization_id=other_org.id, member_id=other_org.members["owner"],
                          by=other_org.members["admin"])
    member_id = client.get("/scim/v2/Users", headers=scim(org), params={
        "filter": 'userName eq "leaver@contoso.com"'}).json()["Resources"][0]["id"]
    client.delete(f"/scim/v2/Users/{member_id}", headers=scim(org))
    assert [o["title"] for o in needing_new_owner(client, okr, org)] == ["Fewer forms"]


# --- what admins read of the directory's groups ---------------------------------------------

GROUPS = """{ directoryGroups { id displayName externalId members { id }
    mapping { role unit { id } } } }"""


def test_admins_read_the_directory_groups_and_the_roles_they_give(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    mapped = client.post(f"/api/v1/organizations/{org.id}/directory-groups/map",
                         json={"group": "OKR Team", "role": "member", "unit_id": str(org.team)},
                         headers=bearer(org.tokens["admin"]))
    assert mapped.status_code == 200, mapped.text
    created = client.post("/scim/v2/Groups", headers=scim(org), json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "OKR Team",
        "externalId": "ext-team", "members": [{"value": str(org.members["plain"])}]})
    assert created.status_code == 201, created.text
    client.post(f"/api/v1/organizations/{org.id}/directory-groups/map",
                json={"group": "Not yet", "role": "ambassador"},
                headers=bearer(org.tokens["admin"]))
    response = client.post("/graphql", json={"query": GROUPS}, headers={
        **bearer(org.tokens["admin"]), "X-OKR-Position": str(okr.position())})

    assert response.json()["data"]["directoryGroups"] == [
        {"id": created.json()["id"], "displayName": "OKR Team", "externalId": "ext-team",
         "members": [{"id": str(org.members["plain"])}],
         "mapping": {"role": "member", "unit": {"id": str(org.team)}}},
        {"id": None, "displayName": "Not yet", "externalId": None, "members": [],
         "mapping": {"role": "ambassador", "unit": None}},
    ]
    refused = client.post("/graphql", json={"query": GROUPS},
                          headers=bearer(org.tokens["lead"])).json()
    assert refused["data"] is None
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]


def test_an_erased_user_is_no_longer_found_and_may_be_provisioned_anew(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    member_id, _, _ = a_provisioned_owner(client, okr, org)
    okr.erase_member(organization_id=org.id, member_id=member_id, by=org.members["admin"])

    listed = client.get("/scim/v2/Users", headers=scim(org)).json()
    assert member_id not in [u["id"] for u in listed["Resources"]]
    for wanted in ('userName eq "leaver@contoso.com"', 'userName eq "erased@erased.invalid"'):
        found = client.get("/scim/v2/Users", headers=scim(org), params={"filter": wanted})
        assert found.json()["totalResults"] == 0, wanted
    again = client.post("/scim/v2/Users", headers=scim(org), json={
        "schemas": [USER], "userName": "leaver@contoso.com", "active": True,
        "emails": [{"primary": True, "type": "work", "value": "leaver@contoso.com"}]})
    assert again.status_code == 201, again.text
    assert again.json()["id"] != member_id
