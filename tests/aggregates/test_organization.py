"""Organization: its unit tree, members, roles and policy — given events, when one command."""

from __future__ import annotations

from typing import Any

import pytest

from okr_es.aggregates.organization import Grant, Organization, Policy
from okr_es.errors import NotFound
from support.given import (
    ADMIN,
    DEPARTMENT,
    MEMBER,
    ORG,
    ROOT,
    SIBLING_TEAM,
    TEAM,
    given_organization,
    ident,
    refused,
    signature,
    then,
)

NEW_UNIT = ident("new-unit")
NEW_MEMBER = ident("new-member")


# --- registering -----------------------------------------------------------------------------


def test_registering_an_organisation_makes_its_founder_the_first_admin() -> None:
    org = Organization.register(
        organization_id=ORG, name="  Digdir  ", root_unit_id=ROOT, founder_id=ADMIN,
        founder_name="Kari", founder_email="Kari@Digdir.NO",
    )

    assert then(org) == [
        ("OrganizationRegistered", {"by": ADMIN, "name": "Digdir", "root_unit_id": ROOT}),
        ("MemberAdded", {"by": ADMIN, "member_id": ADMIN, "name": "Kari",
                         "email": "kari@digdir.no"}),
        ("RoleGranted", {"by": ADMIN, "member_id": ADMIN, "role": "admin", "unit_id": None,
                         "source": "admin"}),
    ]
    assert org.units[ROOT].kind == "organisation"
    assert org.policy == Policy()


def test_an_organisation_without_a_name_is_rejected() -> None:
    error = refused(None, lambda: Organization.register(
        organization_id=ORG, name="   ", root_unit_id=ROOT, founder_id=ADMIN,
        founder_name="Kari", founder_email="kari@digdir.no",
    ))
    assert signature(error) == ("InvalidInput", "empty", "name")


def test_a_founder_with_an_invalid_email_is_rejected() -> None:
    error = refused(None, lambda: Organization.register(
        organization_id=ORG, name="Digdir", root_unit_id=ROOT, founder_id=ADMIN,
        founder_name="Kari", founder_email="not-an-address",
    ))
    assert signature(error) == ("InvalidInput", "invalid-email", "email")


# --- units -----------------------------------------------------------------------------------


def test_a_team_can_be_added_under_a_department() -> None:
    org = given_organization()
    org.add_unit(unit_id=NEW_UNIT, name="Platform", kind="team", parent_id=DEPARTMENT, by=ADMIN)
    assert then(org) == [("UnitAdded", {"by": ADMIN, "unit_id": NEW_UNIT, "name": "Platform",
                                        "kind": "team", "parent_id": DEPARTMENT})]


def test_a_second_organisation_unit_cannot_be_added() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_unit(unit_id=NEW_UNIT, name="X", kind="organisation",
                                              parent_id=ROOT, by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-choice", "kind")


def test_a_unit_under_an_unknown_parent_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_unit(unit_id=NEW_UNIT, name="X", kind="team",
                                              parent_id=ident("nowhere"), by=ADMIN))
    assert isinstance(error, NotFound)
    assert error.field == "parent_id"


def test_a_unit_under_an_archived_parent_is_rejected() -> None:
    org = given_organization()
    org.archive_unit(unit_id=SIBLING_TEAM, reason="merged", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.add_unit(unit_id=NEW_UNIT, name="X", kind="project",
                                              parent_id=SIBLING_TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-archived", "parent_id")


def test_a_unit_id_cannot_be_used_twice() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_unit(unit_id=TEAM, name="Other", kind="team",
                                              parent_id=ROOT, by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-id", "unit_id")


def test_two_sibling_units_cannot_share_a_name_in_any_case() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_unit(unit_id=NEW_UNIT, name="TEAM", kind="team",
                                              parent_id=DEPARTMENT, by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-unit-name", "name")


def test_a_unit_can_be_renamed() -> None:
    org = given_organization()
    org.rename_unit(unit_id=TEAM, name="Team Rocket", by=ADMIN)
    assert then(org) == [("UnitRenamed", {"by": ADMIN, "unit_id": TEAM, "name": "Team Rocket"})]


def test_renaming_a_unit_to_its_own_name_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.rename_unit(unit_id=TEAM, name=" Team ", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "name")


def test_renaming_a_unit_to_a_siblings_name_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.rename_unit(unit_id=SIBLING_TEAM, name="department",
                                                 by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-unit-name", "name")


def test_renaming_an_unknown_unit_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.rename_unit(unit_id=NEW_UNIT, name="X", by=ADMIN))
    assert (type(error), error.field) == (NotFound, "unit_id")


def test_a_unit_can_move_under_another_parent() -> None:
    org = given_organization()
    org.move_unit(unit_id=SIBLING_TEAM, parent_id=DEPARTMENT, by=ADMIN)
    assert then(org) == [("UnitMoved", {"by": ADMIN, "unit_id": SIBLING_TEAM,
                                        "parent_id": DEPARTMENT})]


def test_the_root_unit_cannot_move() -> None:
    org = given_organization()
    error = refused(org, lambda: org.move_unit(unit_id=ROOT, parent_id=TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "root-unit", "unit_id")


def test_a_unit_cannot_move_under_its_own_descendant() -> None:
    org = given_organization()
    error = refused(org, lambda: org.move_unit(unit_id=DEPARTMENT, parent_id=TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-cycle", "parent_id")


def test_a_unit_cannot_move_under_itself() -> None:
    org = given_organization()
    error = refused(org, lambda: org.move_unit(unit_id=TEAM, parent_id=TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-cycle", "parent_id")


def test_a_unit_cannot_move_under_an_archived_unit() -> None:
    org = given_organization()
    org.archive_unit(unit_id=SIBLING_TEAM, reason="merged", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.move_unit(unit_id=TEAM, parent_id=SIBLING_TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-archived", "parent_id")


def test_moving_a_unit_to_where_it_already_is_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.move_unit(unit_id=TEAM, parent_id=DEPARTMENT, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "parent_id")


def test_a_unit_cannot_move_next_to_a_unit_with_the_same_name() -> None:
    org = given_organization()
    org.add_unit(unit_id=NEW_UNIT, name="Sibling", kind="team", parent_id=DEPARTMENT, by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.move_unit(unit_id=NEW_UNIT, parent_id=ROOT, by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-unit-name", "name")


def test_a_unit_without_active_children_can_be_archived() -> None:
    org = given_organization()
    org.archive_unit(unit_id=TEAM, reason="  team disbanded ", by=ADMIN)
    assert then(org) == [("UnitArchived", {"by": ADMIN, "unit_id": TEAM,
                                           "reason": "team disbanded"})]


def test_the_root_unit_cannot_be_archived() -> None:
    org = given_organization()
    error = refused(org, lambda: org.archive_unit(unit_id=ROOT, reason="bye", by=ADMIN))
    assert signature(error) == ("RuleViolation", "root-unit", "unit_id")


def test_a_unit_with_active_children_cannot_be_archived() -> None:
    org = given_organization()
    error = refused(org, lambda: org.archive_unit(unit_id=DEPARTMENT, reason="bye", by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-has-children", "unit_id")
    assert error.details["children"] == ["Team"]


def test_an_archived_unit_cannot_be_archived_again() -> None:
    org = given_organization()
    org.archive_unit(unit_id=TEAM, reason="bye", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.archive_unit(unit_id=TEAM, reason="bye", by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-archived", None)


def test_archiving_needs_a_reason() -> None:
    org = given_organization()
    error = refused(org, lambda: org.archive_unit(unit_id=TEAM, reason="", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "reason")


# --- members ---------------------------------------------------------------------------------


def test_a_member_can_be_added_with_a_normalised_email() -> None:
    org = given_organization()
    org.add_member(member_id=NEW_MEMBER, name="Per", email=" Per@Digdir.no ", by=ADMIN)
    assert then(org) == [("MemberAdded", {"by": ADMIN, "member_id": NEW_MEMBER, "name": "Per",
                                          "email": "per@digdir.no"})]


def test_a_member_with_an_invalid_email_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_member(member_id=NEW_MEMBER, name="Per",
                                                email="per@digdir", by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-email", "email")


def test_the_same_email_cannot_join_twice() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_member(member_id=NEW_MEMBER, name="Ola again",
                                                email="OLA@digdir.no", by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-member", "email")


def test_a_member_id_cannot_be_used_twice() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_member(member_id=MEMBER, name="Per",
                                                email="per@digdir.no", by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-id", "member_id")


def test_a_member_without_a_name_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.add_member(member_id=NEW_MEMBER, name=" ",
                                                email="per@digdir.no", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "name")


# --- roles -----------------------------------------------------------------------------------


def test_a_lead_role_is_granted_for_a_unit() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    assert then(org) == [("RoleGranted", {"by": ADMIN, "member_id": MEMBER, "role": "lead",
                                          "unit_id": TEAM, "source": "admin"})]


def test_an_ambassador_without_a_unit_is_organisation_wide() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="ambassador", unit_id=None, by=ADMIN)
    assert then(org) == [("RoleGranted", {"by": ADMIN, "member_id": MEMBER,
                                          "role": "ambassador", "unit_id": None,
                                          "source": "admin"})]


def test_an_admin_role_scoped_to_a_unit_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.grant_role(member_id=MEMBER, role="admin", unit_id=TEAM,
                                                by=ADMIN))
    assert signature(error) == ("InvalidInput", "role-scope", "unit_id")


def test_a_lead_role_without_a_unit_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.grant_role(member_id=MEMBER, role="lead", unit_id=None,
                                                by=ADMIN))
    assert signature(error) == ("InvalidInput", "role-scope", "unit_id")


def test_a_role_in_an_archived_unit_is_rejected() -> None:
    org = given_organization()
    org.archive_unit(unit_id=TEAM, reason="bye", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.grant_role(member_id=MEMBER, role="member", unit_id=TEAM,
                                                by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-archived", "unit_id")


def test_an_unknown_role_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.grant_role(member_id=MEMBER, role="king", unit_id=None,
                                                by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-choice", "role")


def test_a_role_for_an_unknown_member_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.grant_role(member_id=NEW_MEMBER, role="admin",
                                                unit_id=None, by=ADMIN))
    assert (type(error), error.field) == (NotFound, "member_id")


def test_granting_a_role_the_member_already_has_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.grant_role(member_id=ADMIN, role="admin", unit_id=None,
                                                by=ADMIN))
    assert signature(error) == ("RuleViolation", "role-already-granted", None)


def test_a_granted_role_can_be_revoked() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    org.collect_events()
    org.revoke_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    assert then(org) == [("RoleRevoked", {"by": ADMIN, "member_id": MEMBER, "role": "lead",
                                          "unit_id": TEAM, "source": "admin"})]
    assert org.members[MEMBER].grants == []


def test_revoking_a_role_in_another_unit_than_granted_is_rejected() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.revoke_role(member_id=MEMBER, role="lead",
                                                 unit_id=DEPARTMENT, by=ADMIN))
    assert signature(error) == ("RuleViolation", "role-not-granted", None)


def test_the_last_admin_cannot_lose_the_admin_role() -> None:
    org = given_organization()
    error = refused(org, lambda: org.revoke_role(member_id=ADMIN, role="admin", unit_id=None,
                                                 by=ADMIN))
    assert signature(error) == ("RuleViolation", "last-admin", "member_id")


def test_an_admin_can_lose_the_role_while_another_admin_remains() -> None:
    org = given_organization()
    org.grant_role(member_id=MEMBER, role="admin", unit_id=None, by=ADMIN)
    org.collect_events()
    org.revoke_role(member_id=ADMIN, role="admin", unit_id=None, by=MEMBER)
    assert then(org) == [("RoleRevoked", {"by": MEMBER, "member_id": ADMIN, "role": "admin",
                                          "unit_id": None, "source": "admin"})]
    assert Grant("admin") not in org.members[ADMIN].grants


# --- policy ----------------------------------------------------------------------------------


def _policy(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"max_objectives": 3, "min_key_results": 2,
                                 "max_key_results": 5, "warn_key_results_above": 3,
                                 "mode": "enforce"}
    values.update(changes)
    return values


def test_the_policy_can_be_switched_to_warn_mode() -> None:
    org = given_organization()
    org.change_policy(**_policy(mode="warn", max_objectives=4), by=ADMIN)
    assert then(org) == [("PolicyChanged", {"by": ADMIN, "max_objectives": 4,
                                            "min_key_results": 2, "max_key_results": 5,
                                            "warn_key_results_above": 3, "mode": "warn"})]
    assert org.policy == Policy(4, 2, 5, 3, "warn")


def test_an_unchanged_policy_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(), by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_a_policy_with_no_objectives_allowed_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(max_objectives=0), by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "max_objectives")


def test_a_policy_whose_minimum_exceeds_its_maximum_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(
        **_policy(min_key_results=4, max_key_results=3), by=ADMIN
    ))
    assert signature(error) == ("InvalidInput", "out-of-range", "min_key_results")


@pytest.mark.parametrize("bad", [True, 2.5, "3", -1, 51, None])
def test_a_policy_count_that_is_not_a_whole_number_in_its_range_is_rejected(bad: Any) -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(max_key_results=bad), by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "max_key_results")


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [("max_objectives", -1, "1 to 50"), ("max_objectives", 0, "1 to 50"),
     ("max_key_results", 0, "1 to 50"), ("max_key_results", 51, "1 to 50"),
     ("min_key_results", -1, "0 to 50"), ("warn_key_results_above", 51, "0 to 50")],
)
def test_a_refused_policy_count_states_its_real_range(field: str, bad: int, allowed: str) -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(**{field: bad}), by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", field)
    assert error.message == f"{field} must be a whole number from {allowed}"


def test_a_maximum_lowered_below_the_minimum_is_named() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(max_key_results=1), by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "max_key_results")


def test_a_policy_without_a_minimum_of_key_results_is_accepted() -> None:
    org = given_organization()
    org.change_policy(**_policy(min_key_results=0, warn_key_results_above=0), by=ADMIN)
    assert org.policy == Policy(3, 0, 5, 0, "enforce")


def test_a_policy_mode_other_than_enforce_or_warn_is_rejected() -> None:
    org = given_organization()
    error = refused(org, lambda: org.change_policy(**_policy(mode="strict"), by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-choice", "mode")


def test_a_units_ancestors_run_from_its_parent_up_to_the_root() -> None:
    org = given_organization()
    assert org.ancestors(TEAM) == [DEPARTMENT, ROOT]
    assert org.ancestors(ROOT) == []
