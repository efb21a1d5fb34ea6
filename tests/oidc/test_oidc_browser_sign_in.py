"""The browser's sign-in (authorisation code with PKCE) end to end: okr-es → the provider
→ okr-es's callback → GraphiQL, which then reads as the signed-in member."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from support.openid_provider import Provider, Served


def test_the_browser_signs_in_with_pkce_and_graphql_reads_as_that_member(
    served: Served, provider: Provider
) -> None:
    provider.signs_in({"sub": "kari-1", "email": "kari@example.no", "email_verified": True})
    with httpx.Client(base_url=served.base_url, follow_redirects=True, timeout=30) as browser:
        page = browser.get("/auth/login")

        assert page.status_code == 200, page.text
        assert page.url.path == "/graphql" and "GraphiQL" in page.text
        login, authorize, callback = page.history
        asked = parse_qs(urlsplit(login.headers["location"]).query)
        assert asked["code_challenge_method"] == ["S256"]
        assert asked["response_type"] == ["code"] and asked["client_id"] == ["okr-es-graphiql"]
        assert {"state", "nonce", "code_challenge", "redirect_uri"} <= asked.keys()
        assert "code_verifier" not in asked
        assert authorize.url.path == "/authorize"
        assert callback.url.path == "/auth/callback"
        session = callback.headers["set-cookie"].lower()
        assert "okr_es_session=" in session and "httponly" in session
        assert "samesite=strict" in session

        answer = browser.post(
            "/graphql",
            json={"query": "{ viewer { id email } }"},
            headers={"X-OKR-Position": str(served.okr.recorder.max_notification_id())},
        )
        assert answer.json()["data"]["viewer"] == {
            "id": str(served.admin_id), "email": "kari@example.no"
        }

        # The session cookie opens GraphQL only; the command API still wants a token.
        command = browser.post(
            f"/api/v1/organizations/{served.organization_id}/units",
            json={"name": "Team", "kind": "team", "parent_id": str(served.admin_id)},
        )
        assert command.status_code == 401

        browser.get("/auth/logout")
        after = browser.post("/graphql", json={"query": "{ viewer { id } }"})
        assert after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_callback_without_the_sign_in_it_answers_is_refused(
    served: Served, provider: Provider
) -> None:
    provider.signs_in({"sub": "kari-1", "email": "kari@example.no", "email_verified": True})
    with httpx.Client(base_url=served.base_url, timeout=30) as browser:
        to_provider = browser.get("/auth/login")
        assert to_provider.status_code in (302, 303, 307)
        back = httpx.get(to_provider.headers["location"], timeout=30)
        callback = back.headers["location"]
        forged = callback.replace("state=", "state=x")

        wrong_state = browser.get(forged)
        other_browser = httpx.get(callback, timeout=30)

    assert wrong_state.status_code == 422, wrong_state.text
    assert wrong_state.json()["field"] == "state"
    assert other_browser.status_code == 422, other_browser.text
    assert "no sign-in is under way" in other_browser.json()["detail"]


def test_a_person_the_organisation_does_not_know_is_told_how_to_be_linked(
    served: Served, provider: Provider
) -> None:
    provider.signs_in({"sub": "stranger", "email": "who@example.no", "email_verified": True})
    with httpx.Client(base_url=served.base_url, follow_redirects=True, timeout=30) as browser:
        page = browser.get("/auth/login")

    assert page.status_code == 401, page.text
    problem = page.json()
    assert problem["code"] == "unknown-person"
    assert problem["subject"] == "stranger"
    assert "okr_es_session" not in browser.cookies
