"""Erasing a member and the free-text privacy policy on the organisation: given events,
when one command, then the events (none with personal data) and the state."""

from __future__ import annotations

import pytest

from okr_es.aggregates.organization import Organization
from okr_es.aggregates.personal_data import ERASED, ERASED_EMAIL
from okr_es.errors import NotFound
from okr_es.history.analyses import member_id
from support.given import (
    ADMIN,
    MEMBER,
    given_organization,
    ident,
    refused,
    replayed,
    signature,
    then,
)

SECOND_ADMIN = ident("second-admin")


def test_a_member_is_erased_and_reads_as_the_placeholders() -> None:
    org = given_organization(collect=False)
    org.link_to_directory(member_id=MEMBER, user_name="ola@digdir.no", external_id="e-1",
                          by=ADMIN)
    events = list(org.collect_events())
    org.erase_member(member_id=MEMBER, by=ADMIN, sealed_between=[(7, None)])
    erased = org.collect_events()
    assert [(type(e).__name__, e.member_id, e.sealed_between) for e in erased] == [
        ("MemberErased", MEMBER, [(7, None)])
    ]
    for state in (org, replayed([*events, *erased])):
        member = state.members[MEMBER]
        assert (member.name, member.email, member.user_name, member.external_id) == (
            ERASED, ERASED_EMAIL, None, None
        )
        assert (member.active, member.erased) == (False, True)
        assert state.members[ADMIN].name == "Kari Admin"


def test_the_erasure_event_carries_no_personal_data() -> None:
    org = given_organization()
    org.erase_member(member_id=MEMBER, by=ADMIN)
    assert then(org) == [
        ("MemberErased", {"by": ADMIN, "member_id": MEMBER, "sealed_between": []})
    ]


def test_a_member_cannot_be_erased_twice() -> None:
    org = given_organization()
    org.erase_member(member_id=MEMBER, by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.erase_member(member_id=MEMBER, by=ADMIN))
    assert signature(error) == ("RuleViolation", "member-erased", "member_id")


def test_the_last_active_admin_cannot_be_erased_but_one_of_two_can() -> None:
    org = given_organization()
    error = refused(org, lambda: org.erase_member(member_id=ADMIN, by=ADMIN))
    assert signature(error) == ("RuleViolation", "last-admin", "member_id")
    org.add_member(member_id=SECOND_ADMIN, name="Siri Admin", email="siri@digdir.no", by=ADMIN)
    org.grant_role(member_id=SECOND_ADMIN, role="admin", unit_id=None, by=ADMIN)
    org.collect_events()
    org.erase_member(member_id=ADMIN, by=SECOND_ADMIN)
    assert [name for name, _ in then(org)] == ["MemberErased"]
    assert [m.id for m in org.admins()] == [SECOND_ADMIN]


def test_an_erased_member_gets_no_new_personal_data_and_does_not_come_back() -> None:
    org = given_organization()
    org.erase_member(member_id=MEMBER, by=ADMIN)
    org.collect_events()
    for command, field in (
        (lambda: org.rename_member(member_id=MEMBER, name="Ola Igjen", by=ADMIN), "member_id"),
        (lambda: org.change_member_email(member_id=MEMBER, email="ny@digdir.no", by=ADMIN),
         "member_id"),
        (lambda: org.link_to_directory(member_id=MEMBER, user_name="ola", external_id=None,
                                       by=ADMIN), "member_id"),
        (lambda: org.reactivate_member(member_id=MEMBER, by=ADMIN), "member_id"),
    ):
        assert signature(refused(org, command)) == ("RuleViolation", "member-erased", field)


def test_erasing_an_unknown_member_is_refused() -> None:
    org = given_organization()
    error = refused(org, lambda: org.erase_member(member_id=ident("nobody"), by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "member_id")


def test_the_organisation_decides_whether_free_texts_are_sealed() -> None:
    org = given_organization()
    assert org.seal_free_text is False
    org.set_privacy_policy(seal_free_text=True, by=ADMIN)
    assert then(org) == [("PrivacyPolicySet", {"by": ADMIN, "seal_free_text": True})]
    assert org.seal_free_text is True
    error = refused(org, lambda: org.set_privacy_policy(seal_free_text=True, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)
    error = refused(org, lambda: org.set_privacy_policy(seal_free_text="yes", by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-input", "seal_free_text")


def test_an_organisation_registered_before_policies_seals_no_free_text() -> None:
    assert Organization.seal_free_text is False


def test_an_erased_member_is_found_by_id_only() -> None:
    org = given_organization()
    org.add_member(member_id=SECOND_ADMIN, name="Siri Admin", email="siri@digdir.no", by=ADMIN)
    org.erase_member(member_id=MEMBER, by=ADMIN)
    org.erase_member(member_id=SECOND_ADMIN, by=ADMIN)
    assert member_id(org, str(MEMBER), "owner") == MEMBER
    for placeholder in (ERASED, ERASED_EMAIL, "Ola Member", "ola@digdir.no"):
        with pytest.raises(NotFound):
            member_id(org, placeholder, "owner")
