"""Saved views and stored policies over HTTP: who may manage what, and bad input refused
with a problem body and nothing written."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.http_api import Org, bearer, is_problem

Client = TestClient[Any]
VIEWS = "/api/v1/saved-views"


def post(client: Client, path: str, body: dict[str, Any] | None, token: str) -> Any:
    return client.post(path, json=body, headers=bearer(token))


def create(client: Client, org: Org, token: str, **body: Any) -> Any:
    return post(
        client,
        f"{VIEWS}/",
        {"organization_id": str(org.id), "name": "Mine", "filter": {"stale": True}, **body},
        token,
    )


def test_a_member_saves_renames_refilters_and_deletes_their_own_view(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    token = org.tokens["plain"]
    response = create(client, org, token, sort="recently-updated")
    assert response.status_code == 201, response.text
    view = response.json()["ids"]["view_id"]
    path = f"{VIEWS}/{view}"

    assert post(client, f"{path}/rename", {"name": "Stale"}, token).status_code == 200
    changed = {"filter": {"at_risk": True, "cycle_id": str(org.cycle)}}
    assert post(client, f"{path}/filter", changed, token).status_code == 200
    assert post(client, f"{path}/delete", None, token).status_code == 200

    kinds = [type(e).__name__ for e in okr.history(view)]
    assert kinds == [
        "SavedViewCreated", "SavedViewRenamed", "SavedViewFilterChanged", "SavedViewDeleted"
    ]
    is_problem(post(client, f"{path}/rename", {"name": "Again"}, token), 404, "not-found")


def test_another_members_view_answers_as_unknown(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    view = create(client, org, org.tokens["plain"]).json()["ids"]["view_id"]
    before = okr.position()
    for who in ("owner", "admin"):
        response = post(client, f"{VIEWS}/{view}/rename", {"name": "Mine now"}, org.tokens[who])
        is_problem(response, 404, "not-found")
    assert okr.position() == before


def test_only_admins_manage_organisation_views(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    is_problem(create(client, org, org.tokens["plain"], shared=True), 403, "forbidden")
    response = create(client, org, org.tokens["admin"], shared=True)
    assert response.status_code == 201, response.text
    view = response.json()["ids"]["view_id"]
    before = okr.position()
    is_problem(post(client, f"{VIEWS}/{view}/delete", None, org.tokens["plain"]), 403)
    assert okr.position() == before
    assert post(client, f"{VIEWS}/{view}/delete", None, org.tokens["admin"]).status_code == 200


def test_an_invalid_filter_is_refused_and_nothing_is_saved(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    before = okr.position()
    token = org.tokens["plain"]
    for bad in ({"colour": "red"}, {"derived_status": "fine"}, {"updated_since": "yesterday"}):
        problem = is_problem(create(client, org, token, filter=bad), 422, "invalid-filter")
        assert problem["field"] == "filter"
    is_problem(create(client, org, token, sort="random"), 422, "invalid-choice")
    is_problem(post(client, f"{VIEWS}/", {"name": "No org"}, token), 400)
    assert okr.position() == before


def test_a_view_in_another_organisation_cannot_be_saved(
    client: Client, okr: OKRApplication, org: Org, other_org: Org
) -> None:
    response = create(client, other_org, org.tokens["plain"])
    is_problem(response, 404, "not-found")


def test_admins_store_review_and_lint_policies(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    base = f"/api/v1/organizations/{org.id}"
    admin = org.tokens["admin"]
    review = {"policy": {"check_in_interval_days": 14, "language": "nb"}}
    assert post(client, f"{base}/review-policy", review, admin).status_code == 200
    lint = {"policy": {"alignment": "off"}}
    assert post(client, f"{base}/lint-policy", lint, admin).status_code == 200
    stored = okr.get_organization(org.id)
    assert stored.review_policy == '{"check_in_interval_days":14,"language":"nb"}'
    assert stored.lint_policy == '{"alignment":"off"}'
    # Defaults are left out of the stored document.
    same = {"policy": {"check_in_interval_days": 14, "language": "nb", "max_gap_days": 21}}
    is_problem(post(client, f"{base}/review-policy", same, admin), 409, "no-change")


def test_a_policy_the_cli_would_refuse_is_refused_with_its_message(
    client: Client, okr: OKRApplication, org: Org
) -> None:
    base = f"/api/v1/organizations/{org.id}"
    admin = org.tokens["admin"]
    before = okr.position()
    bad = {
        "review-policy": [{"max_gap_days": 0}, {"flags": []}, {"disabled": ["no-such-flag"]}],
        "lint-policy": [{"min_key_results": 6, "max_key_results": 5}, {"alignment": "some"}],
    }
    for kind, documents in bad.items():
        for document in documents:
            response = post(client, f"{base}/{kind}", {"policy": document}, admin)
            problem = is_problem(response, 422, "invalid-policy")
            assert problem["field"] == "policy"
            assert problem["detail"].startswith(f"invalid {kind.replace('-', ' ')}")
    is_problem(post(client, f"{base}/review-policy", {"policy": "14"}, admin), 400)
    assert okr.position() == before


def test_only_admins_store_policies(client: Client, okr: OKRApplication, org: Org) -> None:
    base = f"/api/v1/organizations/{org.id}"
    for kind in ("review-policy", "lint-policy"):
        response = post(client, f"{base}/{kind}", {"policy": {}}, org.tokens["lead"])
        is_problem(response, 403, "forbidden")
