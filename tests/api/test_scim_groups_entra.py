"""SCIM 2.0 groups over HTTP, on every store: the request sequences Microsoft Entra ID
documents for its provisioning service ("Tutorial: Develop and plan provisioning for a
SCIM endpoint": Create Group, Get Group, Get Group by displayName, Update Group
[Non-member attributes], [Add Members], [Remove Members], Delete Group; and the PATCH
shapes its "Known issues" page lists), sent as Entra sends them, and what they leave in
the organisation: its groups, and the roles a mapped group gives its members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from okr_es.aggregates.organization import Grant, Organization
from okr_es.application import OKRApplication
from support.http_api import Org, bearer, is_problem

Client = TestClient[Any]
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_JSON = {"Content-Type": "application/scim+json"}

# As in Entra ID's tutorial ("Request: Create Group").
ENTRA_GROUP = {
    "schemas": [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {"resourceType": "Group"},
}


def headers(org: Org) -> dict[str, str]:
    return {**bearer(org.tokens["admin"]), **SCIM_JSON}


def find_group(client: Client, org: Org, query: str) -> Any:
    # "Request: Get Group by displayName" asks without members.
    response = client.get("/scim/v2/Groups", headers=headers(org),
                          params={"excludedAttributes": "members", "filter": query})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    return response.json()


def create_group(client: Client, org: Org, group: dict[str, Any] = ENTRA_GROUP) -> Any:
    assert find_group(client, org, f'displayName eq "{group["displayName"]}"')[
        "totalResults"] == 0
    response = client.post("/scim/v2/Groups", json=group, headers=headers(org))
    assert response.status_code == 201, response.text
    return response.json()


def create_user(client: Client, org: Org, name: str) -> str:
    user = {"schemas": [USER], "userName": f"{name}@contoso.com", "active": True,
            "externalId": f"ext-{name}", "name": {"givenName": name, "familyName": "Test"},
            "emails": [{"primary": True, "type": "work", "value": f"{name}@contoso.com"}]}
    found = client.get("/scim/v2/Users", headers=headers(org),
                       params={"filter": f'userName eq "{user["userName"]}"'}).json()
    assert found["totalResults"] == 0
    response = client.post("/scim/v2/Users", json=user, headers=headers(org))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def patch_group(client: Client, org: Org, group_id: str, *operations: dict[str, Any]) -> Any:
    return client.patch(f"/scim/v2/Groups/{group_id}", headers=headers(org),
                        json={"schemas": [PATCH], "Operations": list(operations)})


def map_group(client: Client, org: Org, group: str, role: str, unit: UUID | None) -> Any:
    body: dict[str, Any] = {"group": group, "role": role}
    if unit is not None:
        body["unit_id"] = str(unit)
    return client.post(f"/api/v1/organizations/{org.id}/directory-groups/map", json=body,
                       headers=bearer(org.tokens["admin"]))


def grants(okr: OKRApplication, org: Org, member_id: str | UUID) -> set[Grant]:
    member = okr.read_aggregate(Organization, org.id).members[UUID(str(member_id))]
    return set(member.grants)


def is_scim_error(response: Any, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type, body


# --- the group itself --------------------------------------------------------------------


def test_entra_looks_a_group_up_by_name_finds_none_and_creates_it(
    client: Client, org: Org
) -> None:
    created = create_group(client, org)

    assert created["schemas"] == [GROUP]
    assert (created["displayName"], created["externalId"]) == (
        "displayName", ENTRA_GROUP["externalId"])
    assert created["members"] == []
    location = f"/scim/v2/Groups/{created['id']}"
    assert created["meta"] == {"resourceType": "Group", "location": location}
    found = find_group(client, org, 'displayName eq "displayName"')
    assert (found["schemas"], found["totalResults"], found["startIndex"],
            found["itemsPerPage"]) == ([LIST], 1, 1, 1)
    [resource] = found["Resources"]
    assert resource["id"] == created["id"] and "members" not in resource
    # "Request: Get Group" (by id, without members), and by the directory's own id.
    got = client.get(location, headers=headers(org),
                     params={"excludedAttributes": "members"})
    assert got.status_code == 200 and "members" not in got.json()
    by_external = find_group(client, org, f'externalId eq "{ENTRA_GROUP["externalId"]}"')
    assert [r["id"] for r in by_external["Resources"]] == [created["id"]]


def test_a_group_created_with_members_lists_them(client: Client, org: Org) -> None:
    ola = create_user(client, org, "ola")
    response = client.post("/scim/v2/Groups", headers=headers(org), json={
        **ENTRA_GROUP, "members": [{"value": ola, "display": "ola"}]})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/scim/v2/Groups/{response.json()['id']}"
    [member] = response.json()["members"]
    assert (member["value"], member["display"], member["$ref"]) == (
        ola, "ola Test", f"/scim/v2/Users/{ola}")


def test_entra_renames_a_group_and_changes_its_directory_id(client: Client, org: Org) -> None:
    created = create_group(client, org)
    # "Request: Update Group [Non-member attributes]"; answered 204 No Content.
    renamed = patch_group(client, org, created["id"], {
        "op": "Replace", "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"})
    assert renamed.status_code == 204, renamed.text
    assert renamed.content == b""
    # The same without a path, in lower case, as RFC 7644 and Entra's newer behaviour send it.
    relinked = patch_group(client, org, created["id"], {
        "op": "replace", "value": {"externalId": "0d3f5e2a", "displayName": "Team Data"}})
    assert relinked.status_code == 204, relinked.text
    got = client.get(f"/scim/v2/Groups/{created['id']}", headers=headers(org)).json()
    assert (got["displayName"], got["externalId"]) == ("Team Data", "0d3f5e2a")


def test_a_patch_that_changes_nothing_writes_nothing(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    created = create_group(client, org)
    before = okr.position()
    response = patch_group(client, org, created["id"],
                           {"op": "Replace", "path": "displayName", "value": " displayName "},
                           {"op": "Replace", "path": "externalId",
                            "value": ENTRA_GROUP["externalId"]},
                           {"op": "Remove", "path": f'members[value eq "{org.members["plain"]}"]'})
    assert response.status_code == 204, response.text
    assert okr.position() == before


def test_entra_deletes_a_group_and_it_is_gone(client: Client, org: Org) -> None:
    created = create_group(client, org)
    # "Request: Delete Group".
    response = client.delete(f"/scim/v2/Groups/{created['id']}", headers=headers(org))
    assert response.status_code == 204
    is_scim_error(client.get(f"/scim/v2/Groups/{created['id']}", headers=headers(org)), 404)
    is_scim_error(client.delete(f"/scim/v2/Groups/{created['id']}", headers=headers(org)), 404)
    assert find_group(client, org, 'displayName eq "displayName"')["totalResults"] == 0


def test_a_group_replaced_with_put_takes_the_new_name_and_members(
    client: Client, org: Org
) -> None:
    ola, kari = create_user(client, org, "ola"), create_user(client, org, "kari")
    created = client.post("/scim/v2/Groups", headers=headers(org), json={
        **ENTRA_GROUP, "members": [{"value": ola}]}).json()
    response = client.put(f"/scim/v2/Groups/{created['id']}", headers=headers(org), json={
        "schemas": [GROUP], "displayName": "Team Data", "externalId": created["externalId"],
        "members": [{"value": kari}]})
    assert response.status_code == 200, response.text
    assert response.json()["displayName"] == "Team Data"
    assert [m["value"] for m in response.json()["members"]] == [kari]


def test_groups_are_listed_in_pages(client: Client, org: Org) -> None:
    for name in ("A", "B", "C"):
        create_group(client, org, {**ENTRA_GROUP, "displayName": name, "externalId": name})
    first = client.get("/scim/v2/Groups", params={"startIndex": 1, "count": 2},
                       headers=headers(org)).json()
    rest = client.get("/scim/v2/Groups", params={"startIndex": 3, "count": 2},
                      headers=headers(org)).json()
    assert (first["totalResults"], first["itemsPerPage"], rest["itemsPerPage"]) == (3, 2, 1)
    assert [r["displayName"] for r in first["Resources"] + rest["Resources"]] == ["A", "B", "C"]


# --- members, and the roles a mapped group gives -----------------------------------------


def test_members_entra_adds_to_a_mapped_group_hold_its_role_and_lose_it_when_removed(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    # The admin maps the group by the name Entra will give it, before Entra creates it.
    mapped = map_group(client, org, "displayName", "member", org.team)
    assert mapped.status_code == 200, mapped.text
    ola, kari = create_user(client, org, "ola"), create_user(client, org, "kari")
    group = create_group(client, org)

    # "Request: Update Group [Add Members]".
    added = patch_group(client, org, group["id"], {
        "op": "Add", "path": "members", "value": [{"$ref": None, "value": ola}]})
    assert added.status_code == 204, added.text
    # One member as an object, as Entra has also sent it.
    assert patch_group(client, org, group["id"], {
        "op": "add", "path": "members", "value": {"value": kari}}).status_code == 204
    team_member = Grant("member", org.team)
    assert team_member in grants(okr, org, ola) and team_member in grants(okr, org, kari)
    listed = client.get(f"/scim/v2/Groups/{group['id']}", headers=headers(org)).json()
    assert [m["value"] for m in listed["members"]] == [ola, kari]

    # "Request: Update Group [Remove Members]": the value list, and the path filter of
    # Entra's compliant behaviour.
    removed = patch_group(client, org, group["id"], {
        "op": "Remove", "path": "members", "value": [{"$ref": None, "value": ola}]})
    assert removed.status_code == 204, removed.text
    assert patch_group(client, org, group["id"], {
        "op": "remove", "path": f'members[value eq "{kari}"]'}).status_code == 204
    assert team_member not in grants(okr, org, ola) | grants(okr, org, kari)
    listed = client.get(f"/scim/v2/Groups/{group['id']}", headers=headers(org)).json()
    assert listed["members"] == []


def test_a_role_an_admin_gave_by_hand_stays_when_the_member_leaves_the_group(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    lead = org.members["lead"]  # a lead of the team, granted by hand
    group = create_group(client, org)
    assert map_group(client, org, group["id"], "lead", org.team).status_code == 200
    assert patch_group(client, org, group["id"], {
        "op": "Add", "path": "members", "value": [{"value": str(lead)}]}).status_code == 204
    assert patch_group(client, org, group["id"], {
        "op": "Remove", "path": f'members[value eq "{lead}"]'}).status_code == 204
    assert Grant("lead", org.team) in grants(okr, org, lead)


def test_a_role_given_by_hand_to_a_member_of_the_group_is_theirs_to_keep(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    ola = create_user(client, org, "ola")
    group = create_group(client, org)
    map_group(client, org, group["id"], "lead", org.team)
    patch_group(client, org, group["id"], {"op": "Add", "path": "members",
                                           "value": [{"value": ola}]})
    given = client.post(f"/api/v1/organizations/{org.id}/members/{ola}/roles",
                        json={"role": "lead", "unit_id": str(org.team)},
                        headers=bearer(org.tokens["admin"]))
    assert given.status_code == 200, given.text
    client.delete(f"/scim/v2/Groups/{group['id']}", headers=headers(org))
    assert Grant("lead", org.team) in grants(okr, org, ola)


def test_mapping_a_group_that_has_members_gives_them_the_role_and_unmapping_takes_it(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    ola = create_user(client, org, "ola")
    group = client.post("/scim/v2/Groups", headers=headers(org), json={
        **ENTRA_GROUP, "members": [{"value": ola}]}).json()
    assert grants(okr, org, ola) == set()

    assert map_group(client, org, "DISPLAYNAME", "member", org.department).status_code == 200
    assert grants(okr, org, ola) == {Grant("member", org.department)}
    # A new mapping replaces the old one.
    assert map_group(client, org, group["id"], "ambassador", None).status_code == 200
    assert grants(okr, org, ola) == {Grant("ambassador")}
    unmapped = client.post(f"/api/v1/organizations/{org.id}/directory-groups/unmap",
                           json={"group": group["id"]}, headers=bearer(org.tokens["admin"]))
    assert unmapped.status_code == 200, unmapped.text
    assert grants(okr, org, ola) == set()


def test_deleting_a_mapped_group_takes_the_role_from_its_members(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    ola = create_user(client, org, "ola")
    map_group(client, org, "displayName", "member", org.team)
    group = client.post("/scim/v2/Groups", headers=headers(org), json={
        **ENTRA_GROUP, "members": [{"value": ola}]}).json()
    assert grants(okr, org, ola) == {Grant("member", org.team)}
    assert client.delete(f"/scim/v2/Groups/{group['id']}", headers=headers(org)).status_code == 204
    assert grants(okr, org, ola) == set()


def test_a_role_held_through_two_groups_stays_while_one_of_them_gives_it(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    ola = create_user(client, org, "ola")
    first = client.post("/scim/v2/Groups", headers=headers(org), json={
        **ENTRA_GROUP, "members": [{"value": ola}]}).json()
    second = client.post("/scim/v2/Groups", headers=headers(org), json={
        "schemas": [GROUP], "displayName": "Also Team", "members": [{"value": ola}]}).json()
    map_group(client, org, first["id"], "member", org.team)
    map_group(client, org, second["id"], "member", org.team)
    client.delete(f"/scim/v2/Groups/{first['id']}", headers=headers(org))
    assert grants(okr, org, ola) == {Grant("member", org.team)}


def test_a_member_of_a_mapped_group_may_write_in_the_unit(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    ola = create_user(client, org, "ola")
    token = okr.issue_token(organization_id=org.id, member_id=ola,
                            by=org.members["admin"]).token or ""

    def rename_objective() -> int:
        return client.post(f"/api/v1/objectives/{org.objective}/reword",
                           json={"title": f"Happier users {okr.position()}"},
                           headers=bearer(token)).status_code

    assert rename_objective() == 403
    map_group(client, org, "displayName", "member", org.team)
    create_group(client, org, {**ENTRA_GROUP, "members": [{"value": ola}]})
    assert rename_objective() == 200


# --- refusals ------------------------------------------------------------------------------


def test_a_second_group_of_the_same_name_or_directory_id_is_a_uniqueness_conflict(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    create_group(client, org)
    before = okr.position()
    for group in ({**ENTRA_GROUP, "displayName": "DisplayName ", "externalId": "other"},
                  {**ENTRA_GROUP, "displayName": "Other name"}):
        response = client.post("/scim/v2/Groups", json=group, headers=headers(org))
        is_scim_error(response, 409, "uniqueness")
    other = client.post("/scim/v2/Groups", headers=headers(org),
                        json={"schemas": [GROUP], "displayName": "Other"}).json()
    renamed = patch_group(client, org, other["id"],
                          {"op": "Replace", "path": "displayName", "value": "displayName"})
    is_scim_error(renamed, 409, "uniqueness")
    assert okr.position() == before + 1


def test_bad_group_requests_get_scim_errors_and_write_nothing(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    group = create_group(client, org)
    path = f"/scim/v2/Groups/{group['id']}"
    unknown = "5d0c1a4e-0000-4000-8000-000000000000"
    before = okr.position()
    cases: list[tuple[str, str, dict[str, Any], int, str | None]] = [
        ("post", "/scim/v2/Groups", {"content": b"{not json"}, 400, "invalidSyntax"),
        ("post", "/scim/v2/Groups", {"json": ["a list"]}, 400, "invalidSyntax"),
        ("post", "/scim/v2/Groups", {"json": {"schemas": [GROUP]}}, 400, "invalidValue"),
        ("post", "/scim/v2/Groups", {"json": {"displayName": 7}}, 400, "invalidValue"),
        ("post", "/scim/v2/Groups",
         {"json": {"displayName": "New", "members": [{"value": unknown}]}}, 400, "invalidValue"),
        ("post", "/scim/v2/Groups",
         {"json": {"displayName": "New", "members": [{"value": "not-an-id"}]}},
         400, "invalidValue"),
        ("post", "/scim/v2/Groups",
         {"json": {"displayName": "New", "members": ["bare"]}}, 400, "invalidValue"),
        ("get", "/scim/v2/Groups", {"params": {"filter": 'displayName co "x"'}},
         400, "invalidFilter"),
        ("get", "/scim/v2/Groups", {"params": {"filter": 'members eq "x"'}}, 400, "invalidFilter"),
        ("patch", path, {"json": {"Operations": []}}, 400, "invalidSyntax"),
        ("patch", path, {"content": b"]"}, 400, "invalidSyntax"),
        ("patch", path, {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Add", "path": "members", "value": [{"value": unknown}]}]}},
         400, "invalidValue"),
        ("patch", path, {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Replace", "path": "owner", "value": "x"}]}}, 400, "invalidPath"),
        ("patch", path, {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Move", "path": "members"}]}}, 400, "invalidSyntax"),
        ("patch", path, {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Remove", "path": "displayName"}]}}, 400, "mutability"),
        ("patch", path, {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Replace", "path": "displayName", "value": "  "}]}}, 400, "invalidValue"),
        ("put", path, {"json": {"schemas": [GROUP]}}, 400, "invalidValue"),
        ("get", "/scim/v2/Groups/not-a-group", {}, 404, None),
        ("patch", f"/scim/v2/Groups/{unknown}", {"json": {"schemas": [PATCH], "Operations": [
            {"op": "Replace", "path": "displayName", "value": "x"}]}}, 404, None),
        ("delete", f"/scim/v2/Groups/{unknown}", {}, 404, None),
    ]
    for method, url, kwargs, status, scim_type in cases:
        response = getattr(client, method)(url, headers=headers(org), **kwargs)
        assert response.status_code == status, (method, url, kwargs, response.text)
        is_scim_error(response, status, scim_type)
    assert okr.position() == before


def test_only_an_admin_s_token_provisions_groups(client: Client, org: Org) -> None:
    refused = client.get("/scim/v2/Groups", headers=bearer(org.tokens["lead"]))
    is_scim_error(refused, 403)
    is_scim_error(client.post("/scim/v2/Groups", json=ENTRA_GROUP), 401)


def test_a_group_is_mapped_only_to_an_active_unit_of_the_organisation_and_a_known_role(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    create_group(client, org)
    archived = okr.add_unit(organization_id=org.id, name="Old", kind="team",
                            parent_id=org.root, by=org.members["admin"]).ids["unit_id"]
    okr.archive_unit(organization_id=org.id, unit_id=archived, reason="merged",
                     by=org.members["admin"])
    before = okr.position()
    is_problem(map_group(client, org, "displayName", "member", archived), 409, "unit-archived")
    is_problem(map_group(client, org, "displayName", "member", other_org.team), 404, "not-found")
    stale = "5d0c1a4e-0000-4000-8000-000000000000"
    is_problem(map_group(client, org, stale, "member", org.team), 404, "not-found")
    is_problem(map_group(client, org, "displayName", "owner", org.team), 422)
    is_problem(map_group(client, org, "displayName", "admin", org.team), 422, "role-scope")
    is_problem(map_group(client, org, "displayName", "lead", None), 422, "role-scope")
    refused = client.post(f"/api/v1/organizations/{org.id}/directory-groups/map",
                          json={"group": "displayName", "role": "lead",
                                "unit_id": str(org.team)},
                          headers=bearer(org.tokens["lead"]))
    is_problem(refused, 403)
    unmapped = client.post(f"/api/v1/organizations/{org.id}/directory-groups/unmap",
                           json={"group": "Nobody mapped this"},
                           headers=bearer(org.tokens["admin"]))
    is_problem(unmapped, 404, "not-found")
    assert okr.position() == before
