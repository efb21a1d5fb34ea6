"""The write permission matrix of docs/auth.md, one test per row, through HTTP."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.http_api import KEY_RESULTS, Org, bearer

Client = TestClient[Any]


def check_in(client: Client, okr: OKRApplication, who: str, org: Org, objective: UUID) -> int:
    """Check in on the objective's first key result as ``who``; the response status."""
    kr = next(iter(okr.get_objective(objective).key_results))
    response = client.post(
        f"/api/v1/objectives/{objective}/key-results/{kr}/check-ins",
        json={"value": 65, "status": "yellow"},
        headers=bearer(org.tokens[who]),
    )
    return response.status_code


def set_objective(client: Client, who: str, org: Org, unit: UUID, title: str = "New") -> int:
    response = client.post(
        "/api/v1/objectives",
        json={
            "organization_id": str(org.id),
            "unit_id": str(unit),
            "cycle_id": str(org.cycle),
            "title": title,
            "owner_id": str(org.members[who]),
            "key_results": KEY_RESULTS,
        },
        headers=bearer(org.tokens[who]),
    )
    return response.status_code


def add_unit(client: Client, who: str, org: Org) -> int:
    response = client.post(
        f"/api/v1/organizations/{org.id}/units",
        json={"name": f"Unit by {who}", "kind": "team", "parent_id": str(org.root)},
        headers=bearer(org.tokens[who]),
    )
    return response.status_code


def test_row_admin_changes_structure_and_okrs_everywhere(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert add_unit(client, "admin", org) == 201
    assert check_in(client, okr, "admin", org, org.objective) == 201
    assert check_in(client, okr, "admin", org, org.sibling_objective) == 201


def test_row_unscoped_ambassador_writes_okrs_everywhere_but_not_structure(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "ambassador", org, org.sibling_objective) == 201
    assert set_objective(client, "ambassador", org, org.root) == 201
    assert add_unit(client, "ambassador", org) == 403


def test_row_scoped_ambassador_writes_okrs_in_its_subtree_only(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "department_ambassador", org, org.objective) == 201
    assert check_in(client, okr, "department_ambassador", org, org.sibling_objective) == 403
    assert add_unit(client, "department_ambassador", org) == 403


def test_row_lead_writes_okrs_of_its_unit_only(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "lead", org, org.objective) == 201
    assert set_objective(client, "lead", org, org.team) == 201
    assert check_in(client, okr, "lead", org, org.sibling_objective) == 403
    assert set_objective(client, "lead", org, org.department) == 403


def test_row_team_member_writes_okrs_of_its_unit_but_not_the_parent(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "team_member", org, org.objective) == 201
    assert set_objective(client, "team_member", org, org.department) == 403
    assert check_in(client, okr, "team_member", org, org.sibling_objective) == 403


def test_row_department_member_writes_okrs_of_the_department_subtree(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "department_member", org, org.objective) == 201
    assert set_objective(client, "department_member", org, org.team) == 201
    assert check_in(client, okr, "department_member", org, org.sibling_objective) == 403


def test_row_objective_owner_writes_their_objective_only(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert check_in(client, okr, "owner", org, org.objective) == 201
    assert check_in(client, okr, "owner", org, org.sibling_objective) == 403
    assert set_objective(client, "owner", org, org.team) == 403


def test_a_new_owner_writes_at_once_and_the_former_owner_no_more(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    kr = next(iter(okr.get_objective(org.objective).key_results))

    def check_in_as(who: str) -> int:
        # Straight through HTTP: nothing in between reloads the objective.
        return client.post(
            f"/api/v1/objectives/{org.objective}/key-results/{kr}/check-ins",
            json={"value": 65, "status": "yellow"}, headers=bearer(org.tokens[who]),
        ).status_code

    assert check_in_as("plain") == 403
    handed = client.post(f"/api/v1/objectives/{org.objective}/owner",
                         json={"owner_id": str(org.members["plain"])},
                         headers=bearer(org.tokens["admin"]))
    assert handed.status_code == 200
    assert check_in_as("plain") == 201
    assert check_in_as("owner") == 403


def test_row_member_without_roles_writes_nothing(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    assert check_in(client, okr, "plain", org, org.objective) == 403
    assert set_objective(client, "plain", org, org.team) == 403
    assert add_unit(client, "plain", org) == 403
    assert okr.position() == before


def test_row_every_member_manages_their_own_tokens_and_admins_anyones(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    def issue(who: str, whose: str) -> Any:
        return client.post(
            f"/api/v1/organizations/{org.id}/members/{org.members[whose]}/tokens",
            json={"label": "x"},
            headers=bearer(org.tokens[who]),
        )

    own = issue("plain", "plain")
    assert own.status_code == 201
    assert issue("plain", "lead").status_code == 403
    assert issue("admin", "lead").status_code == 201
    revoke = f"/api/v1/organizations/{org.id}/tokens/{own.json()['ids']['token_id']}/revoke"
    assert client.post(revoke, headers=bearer(org.tokens["lead"])).status_code == 403
    assert client.post(revoke, headers=bearer(org.tokens["admin"])).status_code == 200
