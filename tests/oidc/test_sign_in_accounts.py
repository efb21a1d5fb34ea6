"""The provider accounts a member signs in with, and the scope of a token: given events,
when one command."""

from __future__ import annotations

from uuid import uuid4

from okr_es.aggregates.organization import Organization
from support.given import ADMIN, MEMBER, given_organization, ident, refused, signature, then

IDPORTEN = "https://idporten.no"
OTHER = ident("other-member")


def test_a_member_is_linked_to_a_provider_account() -> None:
    org = given_organization()

    org.link_sign_in(member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN)

    assert then(org) == [("MemberSignInLinked", {"by": ADMIN, "member_id": MEMBER,
                                                 "issuer": IDPORTEN, "subject": "pairwise-1"})]
    assert org.member_signing_in_as(IDPORTEN, "pairwise-1") is org.members[MEMBER]
    assert org.member_signing_in_as("https://login.example", "pairwise-1") is None


def test_an_account_signs_in_one_member_only() -> None:
    org = given_organization(collect=False)
    org.add_member(member_id=OTHER, name="Per Other", email="per@digdir.no", by=ADMIN)
    org.link_sign_in(member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN)
    org.collect_events()

    again = refused(org, lambda: org.link_sign_in(
        member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN))
    taken = refused(org, lambda: org.link_sign_in(
        member_id=OTHER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN))

    assert signature(again) == ("RuleViolation", "no-change", "subject")
    assert signature(taken) == ("RuleViolation", "duplicate-member", "subject")


def test_a_deactivated_member_gets_no_new_account_and_unlinking_ends_one() -> None:
    org = given_organization(collect=False)
    org.link_sign_in(member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN)
    org.deactivate_member(member_id=MEMBER, reason="left", by=ADMIN)
    org.collect_events()

    error = refused(org, lambda: org.link_sign_in(
        member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-2", by=ADMIN))
    org.unlink_sign_in(member_id=MEMBER, issuer=IDPORTEN, subject="pairwise-1", by=ADMIN)

    assert signature(error) == ("RuleViolation", "member-inactive", "member_id")
    assert then(org) == [("MemberSignInUnlinked", {"by": ADMIN, "member_id": MEMBER,
                                                   "issuer": IDPORTEN,
                                                   "subject": "pairwise-1"})]
    assert org.member_signing_in_as(IDPORTEN, "pairwise-1") is None


def test_unlinking_an_account_the_member_does_not_have_is_refused() -> None:
    org = given_organization()
    error = refused(org, lambda: org.unlink_sign_in(
        member_id=MEMBER, issuer=IDPORTEN, subject="nobody", by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "subject")


def test_a_token_is_issued_with_a_scope_and_unknown_scopes_are_refused() -> None:
    org = given_organization()
    token_id = uuid4()

    org.issue_token(token_id=token_id, member_id=MEMBER, token_hash="a" * 64, label="form",
                    scope="check-in", by=MEMBER)
    events = then(org)
    error = refused(org, lambda: org.issue_token(
        token_id=uuid4(), member_id=MEMBER, token_hash="a" * 64, label="x", scope="write",
        by=MEMBER))

    assert [name for name, _ in events] == ["AccessTokenIssued"]
    assert events[0][1]["scope"] == "check-in"
    assert org.tokens[token_id].scope == "check-in"
    assert signature(error) == ("InvalidInput", "invalid-choice", "scope")
    assert Organization.AccessTokenIssued.class_version == 2
