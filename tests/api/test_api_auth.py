"""Bearer tokens: who gets in, and that other organisations' ids never leak."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import msgspec
import pytest
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.application import OKRApplication
from support.http_api import Org, bearer, build_org, is_problem

Client = TestClient[Any]


def add_member(client: Client, org: Org, headers: dict[str, str]) -> Any:
    return client.post(
        f"/api/v1/organizations/{org.id}/members",
        json={"name": "New", "email": f"{uuid4().hex}@example.no"},
        headers=headers,
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Basic a2FyaTpzZWNyZXQ=",
        "Bearer okr_nothex_secret",
        "Bearer not-a-token",
        "Bearer okr_" + "0" * 32 + "_",
        "Bearer " + "x" * 5000,
    ],
)
def test_a_missing_or_malformed_token_is_401(
    client: Client, okr: OKRApplication, org: Org, header: str
) -> None:
    before = okr.position()
    headers = {"Authorization": header} if header else {}
    is_problem(add_member(client, org, headers), 401, "unauthenticated")
    assert okr.position() == before


def test_an_unknown_token_is_401(client: Client, org: Org) -> None:
    token = f"okr_{uuid4().hex}_some-secret"
    is_problem(add_member(client, org, bearer(token)), 401, "unauthenticated")


def test_a_token_with_the_wrong_secret_is_401(client: Client, org: Org) -> None:
    token = org.tokens["admin"].rsplit("_", 1)[0] + "_wrong"
    if token == org.tokens["admin"]:  # the secret itself may contain "_"
        token = org.tokens["admin"][:-3] + "xyz"
    is_problem(add_member(client, org, bearer(token)), 401, "unauthenticated")


def test_a_revoked_token_is_401(client: Client, okr: OKRApplication, org: Org) -> None:
    assert add_member(client, org, bearer(org.tokens["admin"])).status_code == 201
    token_id = org.tokens["admin"].split("_")[1]
    okr.revoke_token(organization_id=org.id, token_id=token_id, by=org.members["admin"])
    is_problem(add_member(client, org, bearer(org.tokens["admin"])), 401, "unauthenticated")


def test_a_token_issued_by_another_process_is_found_on_a_miss(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    assert add_member(client, org, bearer(org.tokens["admin"])).status_code == 201
    # A second application on the same store stands in for another API process.
    with OKRApplication(okr.settings) as other:
        fresh = other.issue_token(
            organization_id=org.id, member_id=org.members["admin"], by=org.members["admin"]
        )
        assert fresh.token is not None
        assert add_member(client, org, bearer(fresh.token)).status_code == 201
        other.revoke_token(
            organization_id=org.id, token_id=fresh.ids["token_id"], by=org.members["admin"]
        )
    is_problem(add_member(client, org, bearer(fresh.token)), 401, "unauthenticated")


def test_the_token_decides_who_acts_not_the_body(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    response = client.post(
        f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins",
        json={"value": 70, "status": "green"},
        headers=bearer(org.tokens["owner"]),
    )
    assert response.status_code == 201
    assert okr.history(org.objective)[-1].by == org.members["owner"]  # type: ignore[attr-defined]


def test_a_token_only_stores_the_hash_of_its_secret(okr: OKRApplication, org: Org) -> None:
    secret = org.tokens["admin"].split("_", 2)[2]
    issued = [e for e in okr.history(org.id) if type(e).__name__ == "AccessTokenIssued"]
    assert issued
    assert all(secret not in repr(e) for e in issued)


def other_org_targets(other: Org) -> list[tuple[str, dict[str, Any]]]:
    kr = f"/api/v1/objectives/{other.objective}/key-results/{other.key_result}"
    return [
        (f"/api/v1/organizations/{other.id}/members", {"name": "X", "email": "x@x.no"}),
        (f"/api/v1/organizations/{other.id}/units/{other.team}/rename", {"name": "Mine"}),
        (f"/api/v1/organizations/{other.id}/members/{other.members['admin']}/tokens", {}),
        (f"/api/v1/cycles/{other.cycle}/rename", {"label": "Mine"}),
        (f"/api/v1/objectives/{other.objective}/drop", {"reason": "mine"}),
        (f"{kr}/check-ins", {"value": 1, "status": "red"}),
        (f"/api/v1/units/{other.team}/cycles/{other.cycle}/reflections", {"learnings": "x"}),
        (
            "/api/v1/objectives",
            {
                "organization_id": str(other.id),
                "unit_id": str(other.team),
                "cycle_id": str(other.cycle),
                "title": "Mine",
                "owner_id": str(other.members["admin"]),
            },
        ),
    ]


def test_another_organisations_ids_answer_404_like_unknown_ones(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    before = okr.position()
    for path, body in other_org_targets(other_org):
        response = client.post(path, json=body, headers=bearer(org.tokens["admin"]))
        is_problem(response, 404, "not-found")
        assert "Another agency" not in response.text
    assert okr.position() == before


def test_objects_of_another_organisation_cannot_be_referenced_in_a_body(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    before = okr.position()
    response = client.post(
        "/api/v1/objectives",
        json={
            "organization_id": str(org.id),
            "unit_id": str(org.team),
            "cycle_id": str(other_org.cycle),
            "title": "Borrowed cycle",
            "owner_id": str(org.members["admin"]),
        },
        headers=bearer(org.tokens["admin"]),
    )
    is_problem(response, 404, "not-found")
    assert okr.position() == before


def _objective_body(org: Org, **extra: Any) -> dict[str, Any]:
    return {
        "organization_id": str(org.id),
        "unit_id": str(org.team),
        "cycle_id": str(org.cycle),
        "title": f"Goal {uuid4().hex[:8]}",
        "owner_id": str(org.members["admin"]),
        **extra,
    }


# Requests of the first organisation naming, in the body, an id of another organisation's
# (the referenced kind given by its name in Org): (path, body with the id, foreign kind).
BODY_REFERENCES: dict[str, tuple[Any, Any, str]] = {
    "parent cycle": (
        lambda o: f"/api/v1/organizations/{o.id}/cycles",
        lambda o, ref: {
            "label": "Nested",
            "kind": "custom",
            "start": "2040-01-01",
            "end": "2040-02-01",
            "parent_id": ref,
        },
        "cycle",
    ),
    "cycle of an objective": (
        lambda o: "/api/v1/objectives",
        lambda o, ref: _objective_body(o, cycle_id=ref),
        "cycle",
    ),
    "objective aligned to": (
        lambda o: "/api/v1/objectives",
        lambda o, ref: _objective_body(o, aligned_to_objective_id=ref),
        "objective",
    ),
    "cycle of an import": (
        lambda o: "/api/v1/objectives/import",
        lambda o, ref: {
            "organization_id": str(o.id),
            "unit_id": str(o.team),
            "cycle_id": ref,
            "objectives": [{"title": "Imported", "owner_id": str(o.members["admin"])}],
        },
        "cycle",
    ),
    "objective aligned later": (
        lambda o: f"/api/v1/objectives/{o.objective}/align",
        lambda o, ref: {"parent_objective_id": ref},
        "objective",
    ),
    "objective carried over": (
        lambda o: "/api/v1/objectives",
        lambda o, ref: _objective_body(o, carried_over_from=ref, carry_over_reason="x"),
        "objective",
    ),
    "key result of an initiative": (
        lambda o: "/api/v1/initiatives",
        lambda o, ref: {
            "organization_id": str(o.id),
            "unit_id": str(o.team),
            "title": "Tool",
            "owner_id": str(o.members["admin"]),
            "key_results": [{"objective_id": ref, "key_result_id": str(o.key_result)}],
        },
        "objective",
    ),
}


@pytest.mark.parametrize("case", list(BODY_REFERENCES))
def test_another_organisations_id_in_a_body_answers_exactly_like_an_unknown_one(
    client: Client, okr: OKRApplication, org: Org, other_org: Org, case: str
) -> None:
    path, body, kind = BODY_REFERENCES[case]
    foreign, unknown = str(getattr(other_org, kind)), str(uuid4())
    before = okr.position()
    answers = []
    for ref in (foreign, unknown):
        response = client.post(path(org), json=body(org, ref), headers=bearer(org.tokens["admin"]))
        problem = is_problem(response, 404, "not-found")
        answers.append({**problem, "detail": problem["detail"].replace(ref, "<id>")})
    assert answers[0] == answers[1]
    assert okr.position() == before


def _check_in(client: Client, org: Org, token: str) -> Any:
    """A command that does not change the organisation (so it does not refresh it)."""
    return client.post(
        f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins",
        json={"value": 70, "status": "green"},
        headers=bearer(token),
    )


def _revoke_elsewhere(okr: OKRApplication, org: Org, token: str) -> None:
    # A second application on the same store stands in for the CLI or another API process.
    with OKRApplication(okr.settings) as other:
        other.revoke_token(
            organization_id=org.id, token_id=token.split("_")[1], by=org.members["admin"]
        )


def test_with_no_recheck_window_a_revocation_elsewhere_counts_at_once(
    okr: OKRApplication,
) -> None:
    strict = msgspec.structs.replace(okr.settings, token_recheck_seconds=0.0)
    with OKRApplication(strict) as app, TestClient(app=create_app(application=app)) as client:
        org = build_org(app)
        assert _check_in(client, org, org.tokens["owner"]).status_code == 201
        _revoke_elsewhere(app, org, org.tokens["owner"])
        is_problem(_check_in(client, org, org.tokens["owner"]), 401, "unauthenticated")


def test_a_revocation_elsewhere_counts_once_the_recheck_window_has_passed(
    okr: OKRApplication,
) -> None:
    window = 30.0
    now = [1000.0]  # the application's monotonic clock, moved by the test
    settings = msgspec.structs.replace(okr.settings, token_recheck_seconds=window)
    with (
        OKRApplication(settings, monotonic=lambda: now[0]) as app,
        TestClient(app=create_app(application=app)) as client,
    ):
        org = build_org(app)
        now[0] += 1  # the first token check's read starts after those changes
        assert _check_in(client, org, org.tokens["owner"]).status_code == 201
        _revoke_elsewhere(app, org, org.tokens["owner"])
        now[0] += window + 1  # past the window: the organisation is read again
        is_problem(_check_in(client, org, org.tokens["owner"]), 401, "unauthenticated")
        before = app.position()
        is_problem(_check_in(client, org, org.tokens["owner"]), 401, "unauthenticated")
        assert app.position() == before


def test_a_revocation_through_this_process_counts_at_once_within_the_window(
    okr: OKRApplication,
) -> None:
    settings = msgspec.structs.replace(okr.settings, token_recheck_seconds=60.0)
    with OKRApplication(settings) as app, TestClient(app=create_app(application=app)) as client:
        org = build_org(app)
        assert _check_in(client, org, org.tokens["owner"]).status_code == 201
        app.revoke_token(
            organization_id=org.id,
            token_id=org.tokens["owner"].split("_")[1],
            by=org.members["admin"],
        )
        is_problem(_check_in(client, org, org.tokens["owner"]), 401, "unauthenticated")


def test_a_deactivated_member_s_token_is_401_until_they_come_back(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    admin = bearer(org.tokens["admin"])
    leaver = org.members["ambassador"]
    path = f"/api/v1/organizations/{org.id}/members/{leaver}"
    assert client.post(f"{path}/deactivate", json={"reason": "left"}, headers=admin).is_success
    is_problem(add_member(client, org, bearer(org.tokens["ambassador"])), 401, "unauthenticated")

    assert client.post(f"{path}/reactivate", headers=admin).is_success
    assert add_member(client, org, bearer(org.tokens["ambassador"])).status_code == 403


def test_the_last_admin_cannot_deactivate_themself(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    response = client.post(
        f"/api/v1/organizations/{org.id}/members/{org.members['admin']}/deactivate",
        json={}, headers=bearer(org.tokens["admin"]),
    )
    is_problem(response, 409, "last-admin")
    assert okr.position() == before
