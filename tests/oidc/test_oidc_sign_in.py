"""Signing in with a real OpenID provider's tokens: who they sign in, and which tokens are
refused, over HTTP against the served app."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
import msgspec
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from support.openid_provider import CLIENT_ID, Provider, Served, oidc_settings, serving
from support.private_servers import free_port


def _add_member(served: Served, name: str, email: str) -> Any:
    return served.okr.add_member(
        organization_id=served.organization_id, name=name, email=email, by=served.admin_id
    ).ids["member_id"]


def _claims(sub: str, **more: Any) -> dict[str, Any]:
    return {"sub": sub, "aud": CLIENT_ID, **more}


def _command(served: Served, token: str) -> httpx.Response:
    """A command in the member's name: add a unit under the root (admins may)."""
    org = served.okr.get_organization(served.organization_id)
    return httpx.post(
        f"{served.base_url}/api/v1/organizations/{served.organization_id}/units",
        json={"name": f"Unit {time.monotonic_ns()}", "kind": "team",
              "parent_id": str(org.root_unit_id)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())


def test_a_first_sign_in_is_matched_by_verified_email_then_by_the_stored_subject(
    served: Served, provider: Provider
) -> None:
    ola = _add_member(served, "Ola Nordmann", "ola@example.no")

    first = provider.token(_claims("ola-1", email="Ola@Example.no", email_verified=True))
    answer = served.viewer(first)

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["viewer"] == {"id": str(ola), "email": "ola@example.no"}
    org = served.okr.get_organization(served.organization_id)
    assert org.members[ola].sign_ins == [(provider.issuer, "ola-1")]
    linked = [e for e in served.okr.events.get(served.organization_id)
              if isinstance(e, Organization.MemberSignInLinked)]
    assert [(e.member_id, e.issuer, e.subject) for e in linked] == [
        (ola, provider.issuer, "ola-1")
    ]

    # Later the subject decides, whatever address the provider now has.
    moved = provider.token(_claims("ola-1", email="ola@elsewhere.example", email_verified=True))
    assert served.viewer(moved).json()["data"]["viewer"]["id"] == str(ola)

    # Another account with Ola's address does not take over Ola's sign-in.
    other = provider.token(_claims("ola-2", email="ola@example.no", email_verified=True))
    refused = _command(served, other)
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "unknown-person"


def test_unknown_people_and_unverified_addresses_are_refused(
    served: Served, provider: Provider
) -> None:
    _add_member(served, "Per Hansen", "per@example.no")

    stranger = _command(served, provider.token(_claims("nobody", email="nobody@example.no",
                                                       email_verified=True)))
    unverified = _command(served, provider.token(_claims("per-1", email="per@example.no",
                                                         email_verified=False)))

    for answer in (stranger, unverified):
        assert answer.status_code == 401, answer.text
        problem = answer.json()
        assert problem["code"] == "unknown-person"
        assert "not linked to a member" in problem["detail"]
        assert problem["issuer"] == provider.issuer
    assert len(served.okr.get_organization(served.organization_id).members) == 2


def test_a_signed_in_person_acts_with_their_roles(served: Served, provider: Provider) -> None:
    plain = _add_member(served, "Plain Member", "plain@example.no")
    kari = provider.token(_claims("kari", email="kari@example.no", email_verified=True))
    member = provider.token(_claims("plain", email="plain@example.no", email_verified=True))

    assert _command(served, kari).status_code == 201
    refused = _command(served, member)

    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "forbidden"
    assert served.okr.get_organization(served.organization_id).members[plain].sign_ins


def _foreign_key_token(provider: Provider) -> str:
    """Signed with a key of our own, under the provider's key id."""
    kid = provider.jwks()["keys"][0]["kid"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = _claims("kari", iss=provider.issuer, iat=now, exp=now + 600)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _alg_none_token(provider: Provider) -> str:
    now = int(time.time())
    claims = _claims("kari", iss=provider.issuer, iat=now, exp=now + 600,
                     email="kari@example.no", email_verified=True)
    return _unsigned({"alg": "none", "typ": "JWT"}, claims) + "."


def _hs256_with_public_key_token(provider: Provider) -> str:
    """HS256 "signed" with the provider's public key, which anyone can fetch."""
    jwk = provider.jwks()["keys"][0]
    public = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = _claims("kari", iss=provider.issuer, iat=now, exp=now + 600,
                     email="kari@example.no", email_verified=True)
    signing_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]}, claims)
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


BAD_TOKENS = {
    "expired": (
        lambda p: p.token(_claims("kari", email="kari@example.no", email_verified=True),
                          expires_in=-600),
        "expired",
    ),
    "wrong audience": (
        lambda p: p.token({"sub": "kari", "aud": "another-app"}),
        "meant for another application",
    ),
    "wrong issuer": (
        lambda p: p.token(_claims("kari", iss="https://evil.example")),
        "another issuer",
    ),
    "key not in the key set": (_foreign_key_token, "signature does not verify"),
    "alg none": (_alg_none_token, "'none' are not accepted"),
    "HS256 keyed with the public key": (
        _hs256_with_public_key_token, "'HS256' are not accepted"
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_tokens_that_do_not_hold_up_are_refused(
    served: Served, provider: Provider, case: str
) -> None:
    make, reason = BAD_TOKENS[case]
    before = served.okr.recorder.max_notification_id()

    answer = _command(served, make(provider))

    assert answer.status_code == 401, answer.text
    problem = answer.json()
    assert problem["code"] == "unauthenticated"
    assert reason in problem["detail"]
    assert answer.headers["www-authenticate"] == "Bearer"
    assert served.okr.recorder.max_notification_id() == before  # nothing written
    graphql = served.viewer(make(provider))
    assert graphql.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_tokens_of_a_rotated_key_are_accepted_after_the_keys_are_fetched_again(
    served: Served, provider: Provider
) -> None:
    kari = _claims("kari", email="kari@example.no", email_verified=True)
    assert served.viewer(provider.token(kari)).json()["data"]["viewer"]["id"] == str(
        served.admin_id
    )

    new_kid = provider.rotate()
    rotated = provider.token(kari, kid=new_kid)

    assert jwt.get_unverified_header(rotated)["kid"] == new_kid
    answer = served.viewer(rotated)
    assert answer.json()["data"]["viewer"]["id"] == str(served.admin_id), answer.text


def test_a_deactivated_member_is_refused(served: Served, provider: Provider) -> None:
    ola = _add_member(served, "Ola Nordmann", "ola@example.no")
    token = provider.token(_claims("ola", email="ola@example.no", email_verified=True))
    assert served.viewer(token).json()["data"]["viewer"]["id"] == str(ola)

    served.okr.deactivate_member(
        organization_id=served.organization_id, member_id=ola, reason="left", by=served.admin_id
    )

    answer = _command(served, token)
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "member-deactivated"


def test_a_member_deactivated_by_another_process_is_refused_after_the_recheck_window(
    settings: Any, provider: Provider
) -> None:
    """With a recheck window of 0 every request reads the organisation again."""
    okr = OKRApplication(msgspec.structs.replace(settings, token_recheck_seconds=0.0))
    other = OKRApplication(settings)
    try:
        ids = okr.register_organization(
            name="Digdir", admin_name="Kari Admin", admin_email="kari@example.no"
        ).ids
        org, admin = ids["organization_id"], ids["member_id"]
        ola = okr.add_member(organization_id=org, name="Ola", email="ola@example.no",
                             by=admin).ids["member_id"]
        okr.settings = oidc_settings(okr.settings, provider, org)
        with serving(okr) as base_url:
            served = Served(base_url, okr, org, admin)
            token = provider.token(_claims("ola", email="ola@example.no", email_verified=True))
            assert served.viewer(token).json()["data"]["viewer"]["id"] == str(ola)

            other.deactivate_member(organization_id=org, member_id=ola, reason="left",
                                    by=admin)

            answer = _command(served, token)
            assert answer.status_code == 401, answer.text
            assert answer.json()["code"] == "member-deactivated"
    finally:
        other.close()
        okr.close()


def test_a_provider_that_cannot_be_reached_answers_503_not_500(
    settings: Any, provider: Provider
) -> None:
    okr = OKRApplication(settings)
    try:
        ids = okr.register_organization(
            name="Digdir", admin_name="Kari Admin", admin_email="kari@example.no"
        ).ids
        down = dataclasses.replace(provider, issuer=f"http://127.0.0.1:{free_port()}")
        okr.settings = oidc_settings(settings, down, ids["organization_id"])
        with serving(okr) as base_url:
            served = Served(base_url, okr, ids["organization_id"], ids["member_id"])
            token = provider.token(_claims("kari"))

            answer = _command(served, token)
            graphql = served.viewer(token)

        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "identity-provider-unavailable"
        assert "cannot be reached" in answer.json()["detail"]
        assert graphql.json()["errors"][0]["extensions"]["code"] == (
            "IDENTITY_PROVIDER_UNAVAILABLE"
        )
    finally:
        okr.close()


def test_an_admin_links_an_account_whose_tokens_carry_no_email(
    served: Served, provider: Provider
) -> None:
    """As with ID-porten: the refusal names the account, an admin links it."""
    ola = _add_member(served, "Ola Nordmann", "ola@example.no")
    token = provider.token(_claims("pairwise-ola", acr="idporten-loa-high"))
    refused = _command(served, token)
    assert refused.json()["subject"] == "pairwise-ola"
    admin_token = served.okr.issue_token(
        organization_id=served.organization_id, member_id=served.admin_id, label="admin",
        by=served.admin_id,
    ).token or ""

    linked = httpx.post(
        f"{served.base_url}/api/v1/organizations/{served.organization_id}/members/{ola}"
        "/sign-ins",
        json={"issuer": refused.json()["issuer"], "subject": refused.json()["subject"]},
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=30,
    )

    assert linked.status_code == 200, linked.text
    assert served.viewer(token).json()["data"]["viewer"]["id"] == str(ola)


def test_unknown_keys_fetch_the_key_set_at_most_once_per_interval(
    settings: Any, provider: Provider
) -> None:
    """Made-up key ids cannot make okr-es fetch the provider's keys on every request."""
    okr = OKRApplication(settings)
    try:
        ids = okr.register_organization(
            name="Digdir", admin_name="Kari Admin", admin_email="kari@example.no"
        ).ids
        okr.settings = oidc_settings(settings, provider, ids["organization_id"],
                                     oidc_jwks_refetch_seconds=3600.0)
        with serving(okr) as base_url:
            served = Served(base_url, okr, ids["organization_id"], ids["member_id"])
            kari = _claims("kari", email="kari@example.no", email_verified=True)
            assert served.viewer(provider.token(kari)).json()["data"]["viewer"]

            rotated = provider.token(kari, kid=provider.rotate())
            answer = _command(served, rotated)

        assert answer.status_code == 401, answer.text
        assert "key the OpenID provider does not publish" in answer.json()["detail"]
    finally:
        okr.close()
