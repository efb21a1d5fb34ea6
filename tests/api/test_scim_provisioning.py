"""SCIM 2.0 provisioning over HTTP, on every store: the request sequences Microsoft Entra ID
documents for its provisioning service (create, update, disable, delete), sent as Entra
sends them, and what they leave in the organisation."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from support.http_api import Org, bearer

Client = TestClient[Any]
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = {"Content-Type": "application/scim+json"}

# As in Entra ID's SCIM endpoint tutorial ("Request: Create User").
ENTRA_USER = {
    "schemas": [USER, ENTERPRISE],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    "active": True,
    "emails": [{"primary": True, "type": "work",
                "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
    "meta": {"resourceType": "User"},
    "name": {"formatted": "givenName familyName", "familyName": "familyName",
             "givenName": "givenName"},
    "roles": [],
    ENTERPRISE: {"department": "Saksbehandling", "employeeNumber": "1234"},
}


def headers(org: Org) -> dict[str, str]:
    return {**bearer(org.tokens["admin"]), **SCIM_JSON}


def find(client: Client, org: Org, query: str) -> Any:
    response = client.get("/scim/v2/Users", params={"filter": query}, headers=headers(org))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    return response.json()


def create(client: Client, org: Org, user: dict[str, Any] = ENTRA_USER) -> Any:
    assert find(client, org, f'userName eq "{user["userName"]}"')["totalResults"] == 0
    response = client.post("/scim/v2/Users", json=user, headers=headers(org))
    assert response.status_code == 201, response.text
    return response.json()


def member(okr: OKRApplication, org: Org, member_id: str) -> Any:
    from uuid import UUID

    return okr.read_aggregate(Organization, org.id).members[UUID(member_id)]


def test_entra_creates_a_user_after_finding_none(client: Client, okr: OKRApplication,
                                                 org: Org) -> None:
    created = create(client, org)

    assert created["userName"] == ENTRA_USER["userName"]
    assert created["externalId"] == ENTRA_USER["externalId"]
    assert created["active"] is True
    assert created["emails"][0]["value"] == ENTRA_USER["emails"][0]["value"].lower()  # type: ignore[index]
    kept = member(okr, org, created["id"])
    assert (kept.name, kept.active) == ("givenName familyName", True)
    found = find(client, org, f'userName eq "{ENTRA_USER["userName"]}"')
    assert [r["id"] for r in found["Resources"]] == [created["id"]]
    by_external = find(client, org, f'externalId eq "{ENTRA_USER["externalId"]}"')
    assert by_external["totalResults"] == 1


def test_a_second_create_of_the_same_user_is_a_uniqueness_conflict_and_writes_nothing(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    create(client, org)
    before = okr.position()
    response = client.post("/scim/v2/Users", json=ENTRA_USER, headers=headers(org))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert okr.position() == before


def test_entra_updates_attributes_with_patch(client: Client, okr: OKRApplication,
                                            org: Org) -> None:
    created = create(client, org)
    # "Request: Update User [Multi-valued properties]" and "[Single-valued properties]".
    response = client.patch(f"/scim/v2/Users/{created['id']}", headers=headers(org), json={
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": 'emails[type eq "work"].value',
             "value": "updatedEmail@microsoft.com"},
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
            {"op": "Replace", "path": "userName", "value": "5b50642d-79fc@contoso.com"},
        ],
    })
    assert response.status_code == 200, response.text
    kept = member(okr, org, created["id"])
    assert (kept.email, kept.name, kept.user_name) == (
        "updatedemail@microsoft.com", "givenName updatedFamilyName", "5b50642d-79fc@contoso.com")
    assert response.json()["userName"] == "5b50642d-79fc@contoso.com"


def test_entra_disables_a_user_and_their_tokens_stop_working(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    created = create(client, org)
    token = okr.issue_token(organization_id=org.id, member_id=created["id"],
                            by=org.members["admin"]).token or ""
    # "Request: Disable User" (Entra has sent the value as text, too).
    for value in ("False", False):
        response = client.patch(f"/scim/v2/Users/{created['id']}", headers=headers(org), json={
            "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active",
                                                "value": value}]})
        assert response.status_code == 200, response.text
        assert response.json()["active"] is False
    assert not member(okr, org, created["id"]).active
    refused = client.post(f"/api/v1/organizations/{org.id}/members", headers=bearer(token),
                          json={"name": "Someone", "email": "someone@example.no"})
    assert refused.status_code == 401


def test_a_patch_that_changes_nothing_writes_nothing(client: Client, okr: OKRApplication,
                                                     org: Org) -> None:
    created = create(client, org)
    before = okr.position()
    response = client.patch(f"/scim/v2/Users/{created['id']}", headers=headers(org), json={
        "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": True}]})
    assert response.status_code == 200
    assert okr.position() == before


def test_entra_deletes_a_user_and_the_member_stays_deactivated(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    created = create(client, org)
    response = client.delete(f"/scim/v2/Users/{created['id']}", headers=headers(org))
    assert response.status_code == 204
    assert not member(okr, org, created["id"]).active
    assert client.get(f"/scim/v2/Users/{created['id']}",
                      headers=headers(org)).json()["active"] is False


def test_a_user_replaced_with_put_takes_the_new_values(client: Client, okr: OKRApplication,
                                                      org: Org) -> None:
    created = create(client, org)
    replaced = {**ENTRA_USER, "displayName": "Kari Nordmann", "active": False}
    response = client.put(f"/scim/v2/Users/{created['id']}", json=replaced,
                          headers=headers(org))
    assert response.status_code == 200, response.text
    kept = member(okr, org, created["id"])
    assert (kept.name, kept.active) == ("Kari Nordmann", False)


def test_bad_requests_get_scim_errors_and_write_nothing(client: Client, okr: OKRApplication,
                                                        org: Org) -> None:
    before = okr.position()
    cases = [
        ("get", "/scim/v2/Users", {"params": {"filter": 'title co "x"'}}, 400, "invalidFilter"),
        ("post", "/scim/v2/Users", {"content": b"{not json"}, 400, "invalidSyntax"),
        ("post", "/scim/v2/Users", {"json": {"schemas": [USER]}}, 400, "invalidValue"),
        ("patch", f"/scim/v2/Users/{org.members['owner']}",
         {"json": {"Operations": []}}, 400, "invalidSyntax"),
        ("get", "/scim/v2/Users/not-a-user", {}, 404, None),
    ]
    for method, path, kwargs, status, scim_type in cases:
        response = getattr(client, method)(path, headers=headers(org), **kwargs)
        assert response.status_code == status, (path, response.text)
        body = response.json()
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert body.get("scimType") == scim_type
    assert okr.position() == before


def test_only_an_admin_s_token_provisions(client: Client, org: Org) -> None:
    response = client.get("/scim/v2/Users", headers=bearer(org.tokens["lead"]))
    assert response.status_code == 403
    assert client.get("/scim/v2/Users").status_code == 401


def test_users_are_listed_in_pages(client: Client, org: Org) -> None:
    first = client.get("/scim/v2/Users", params={"startIndex": 1, "count": 2},
                       headers=headers(org)).json()
    second = client.get("/scim/v2/Users", params={"startIndex": 3, "count": 2},
                        headers=headers(org)).json()
    assert first["itemsPerPage"] == 2 and first["totalResults"] == len(org.members)
    assert not {r["id"] for r in first["Resources"]} & {r["id"] for r in second["Resources"]}
