"""A member's life in an organisation: renamed, new e-mail address, deactivated and back,
and what they own handed on — given events, when one command."""

from __future__ import annotations

from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.organization import Organization
from support.given import (
    ADMIN,
    INITIATIVE,
    MEMBER,
    OBJECTIVE,
    ORG,
    TEAM,
    given_organization,
    ident,
    refused,
    signature,
    then,
)

OTHER = ident("other-member")


def _with_other_member() -> Organization:
    org = given_organization(collect=False)
    org.add_member(member_id=OTHER, name="Per Other", email="per@digdir.no", by=ADMIN)
    org.collect_events()
    return org


def test_a_member_is_renamed() -> None:
    org = given_organization()
    org.rename_member(member_id=MEMBER, name="  Ola Nordmann ", by=ADMIN)
    assert then(org) == [("MemberRenamed", {"by": ADMIN, "member_id": MEMBER,
                                            "name": "Ola Nordmann"})]
    assert org.members[MEMBER].name == "Ola Nordmann"


def test_renaming_to_the_same_name_changes_nothing() -> None:
    org = given_organization()
    error = refused(org, lambda: org.rename_member(member_id=MEMBER, name="Ola Member", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "name")


def test_renaming_an_unknown_member_is_refused() -> None:
    org = given_organization()
    error = refused(org, lambda: org.rename_member(member_id=OTHER, name="Per", by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "member_id")


def test_a_member_gets_a_new_normalised_email_address() -> None:
    org = given_organization()
    org.change_member_email(member_id=MEMBER, email=" Ola.Nordmann@Digdir.no ", by=ADMIN)
    assert then(org) == [("MemberEmailChanged", {"by": ADMIN, "member_id": MEMBER,
                                                 "email": "ola.nordmann@digdir.no"})]


def test_an_email_address_another_member_has_is_refused() -> None:
    org = _with_other_member()
    error = refused(org, lambda: org.change_member_email(member_id=MEMBER,
                                                         email="PER@digdir.no", by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-member", "email")


def test_an_invalid_email_address_is_refused() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_member_email(member_id=MEMBER, email="ola@",
                                                         by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-email", "email")


def test_the_same_email_address_changes_nothing() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_member_email(member_id=MEMBER,
                                                         email="OLA@digdir.no", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "email")


def test_a_member_who_leaves_is_deactivated_with_a_reason() -> None:
    org = given_organization()
    org.deactivate_member(member_id=MEMBER, reason="moved to the county", by=ADMIN)
    assert then(org) == [("MemberDeactivated", {"by": ADMIN, "member_id": MEMBER,
                                                "reason": "moved to the county"})]
    assert not org.members[MEMBER].active


def test_a_deactivated_member_cannot_be_deactivated_again() -> None:
    org = given_organization()
    org.deactivate_member(member_id=MEMBER, reason="", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.deactivate_member(member_id=MEMBER, reason="", by=ADMIN))
    assert signature(error) == ("RuleViolation", "member-inactive", "member_id")


def test_the_last_active_admin_cannot_be_deactivated() -> None:
    org = given_organization()
    error = refused(org, lambda: org.deactivate_member(member_id=ADMIN, reason="", by=ADMIN))
    assert signature(error) == ("RuleViolation", "last-admin", "member_id")


def test_an_admin_can_leave_when_another_admin_remains() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="admin", unit_id=None, by=ADMIN)
    org.collect_events()
    org.deactivate_member(member_id=ADMIN, reason="retired", by=MEMBER)
    assert [name for name, _ in then(org)] == ["MemberDeactivated"]
    assert [m.id for m in org.admins()] == [MEMBER]


def test_a_deactivated_member_comes_back() -> None:
    org = given_organization()
    org.deactivate_member(member_id=MEMBER, reason="", by=ADMIN)
    org.collect_events()
    org.reactivate_member(member_id=MEMBER, by=ADMIN)
    assert then(org) == [("MemberReactivated", {"by": ADMIN, "member_id": MEMBER})]
    assert org.members[MEMBER].active


def test_an_active_member_cannot_be_reactivated() -> None:
    org = given_organization()
    error = refused(org, lambda: org.reactivate_member(member_id=MEMBER, by=ADMIN))
    assert signature(error) == ("RuleViolation", "member-active", "member_id")


def test_nothing_can_be_given_to_a_deactivated_member() -> None:
    org = given_organization()
    org.deactivate_member(member_id=MEMBER, reason="", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.active_member(MEMBER, field="owner_id"))
    assert signature(error) == ("RuleViolation", "member-inactive", "owner_id")


def test_a_deactivated_member_gets_no_new_token() -> None:
    org = given_organization()
    org.deactivate_member(member_id=MEMBER, reason="", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.issue_token(token_id=ident("token"), member_id=MEMBER,
                                                 token_hash="0" * 64, label="", by=ADMIN))
    assert signature(error) == ("RuleViolation", "member-inactive", "member_id")


def test_a_transfer_records_what_was_handed_over() -> None:
    org = _with_other_member()
    org.record_ownership_transfer(from_member_id=MEMBER, to_member_id=OTHER,
                                  objective_ids=[OBJECTIVE], initiative_ids=[], by=ADMIN)
    assert then(org) == [("OwnershipTransferred", {
        "by": ADMIN, "from_member_id": MEMBER, "to_member_id": OTHER,
        "objective_ids": [OBJECTIVE], "initiative_ids": [],
    })]


def test_a_transfer_to_a_deactivated_member_is_refused() -> None:
    org = _with_other_member()
    org.deactivate_member(member_id=OTHER, reason="", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.record_ownership_transfer(
        from_member_id=MEMBER, to_member_id=OTHER, objective_ids=[OBJECTIVE],
        initiative_ids=[], by=ADMIN))
    assert signature(error) == ("RuleViolation", "member-inactive", "to_member_id")


def test_a_transfer_of_nothing_is_refused() -> None:
    org = _with_other_member()
    error = refused(org, lambda: org.record_ownership_transfer(
        from_member_id=MEMBER, to_member_id=OTHER, objective_ids=[], initiative_ids=[],
        by=ADMIN))
    assert signature(error) == ("RuleViolation", "nothing-to-transfer", "from_member_id")


def test_a_transfer_to_the_same_member_is_refused() -> None:
    org = _with_other_member()
    error = refused(org, lambda: org.record_ownership_transfer(
        from_member_id=MEMBER, to_member_id=MEMBER, objective_ids=[OBJECTIVE],
        initiative_ids=[], by=ADMIN))
    assert signature(error) == ("InvalidInput", "same-member", "to_member_id")


def test_an_initiative_gets_a_new_owner() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title="A new form", owner_id=MEMBER, by=ADMIN)
    initiative.collect_events()
    initiative.change_owner(owner_id=OTHER, by=ADMIN)
    assert then(initiative) == [("InitiativeOwnerChanged", {"by": ADMIN, "owner_id": OTHER})]


def test_an_initiative_handed_to_its_owner_changes_nothing() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title="A new form", owner_id=MEMBER, by=ADMIN)
    initiative.collect_events()
    error = refused(initiative, lambda: initiative.change_owner(owner_id=MEMBER, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "owner_id")
