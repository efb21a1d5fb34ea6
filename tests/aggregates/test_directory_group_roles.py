"""Directory groups on the organisation, and the roles a mapped group gives its members —
given events, when one command, then these events (a grant or revocation that follows
from a group's change comes in the same command, marked ``source`` directory)."""

from __future__ import annotations

from okr_es.aggregates.organization import Grant, Organization
from support.given import (
    ADMIN,
    DEPARTMENT,
    MEMBER,
    TEAM,
    given_organization,
    ident,
    refused,
    replayed,
    signature,
    then,
)

GROUP = ident("group")
OTHER_GROUP = ident("other-group")
STRANGER = ident("stranger")


def _with_group(*members: object, mapped: Grant | None = None) -> Organization:
    org = given_organization(collect=False)
    org.create_directory_group(group_id=GROUP, display_name="Team Data", external_id="ext-1",
                               member_ids=list(members), by=ADMIN)  # type: ignore[arg-type]
    if mapped is not None:
        org.map_directory_group(group=str(GROUP), role=mapped.role, unit_id=mapped.unit_id,
                                by=ADMIN)
    org.collect_events()
    return org


def test_a_group_is_created_with_its_members() -> None:
    org = given_organization()
    org.create_directory_group(group_id=GROUP, display_name=" Team Data ", external_id="ext-1",
                               member_ids=[MEMBER, MEMBER], by=ADMIN)
    assert then(org) == [
        ("DirectoryGroupCreated", {"by": ADMIN, "group_id": GROUP, "display_name": "Team Data",
                                   "external_id": "ext-1"}),
        ("DirectoryGroupMembersAdded", {"by": ADMIN, "group_id": GROUP,
                                        "member_ids": [MEMBER]}),
    ]


def test_a_group_named_like_another_is_refused() -> None:
    org = _with_group()
    error = refused(org, lambda: org.create_directory_group(
        group_id=OTHER_GROUP, display_name="team  DATA", external_id=None, member_ids=[],
        by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-group", "display_name")


def test_a_group_with_an_unknown_member_is_refused() -> None:
    org = given_organization()
    error = refused(org, lambda: org.create_directory_group(
        group_id=GROUP, display_name="Team Data", external_id=None, member_ids=[STRANGER],
        by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "members")


def test_mapping_a_group_grants_its_members_the_role() -> None:
    org = _with_group(MEMBER)
    org.map_directory_group(group="team data", role="lead", unit_id=TEAM, by=ADMIN)
    assert then(org) == [
        ("DirectoryGroupMapped", {"by": ADMIN, "group_id": GROUP, "display_name": "Team Data",
                                  "role": "lead", "unit_id": TEAM}),
        ("RoleGranted", {"by": ADMIN, "member_id": MEMBER, "role": "lead", "unit_id": TEAM,
                         "source": "directory"}),
    ]
    assert org.members[MEMBER].directory_grants == {Grant("lead", TEAM)}


def test_a_mapping_made_before_the_group_exists_is_the_group_s_when_it_is_created() -> None:
    org = given_organization()
    org.map_directory_group(group="Team Data", role="member", unit_id=DEPARTMENT, by=ADMIN)
    org.create_directory_group(group_id=GROUP, display_name="TEAM DATA", external_id=None,
                               member_ids=[MEMBER], by=ADMIN)
    names = [name for name, _ in then(org)]
    assert names == ["DirectoryGroupMapped", "DirectoryGroupCreated",
                     "DirectoryGroupMembersAdded", "RoleGranted"]
    assert org.directory_groups[GROUP].mapping == Grant("member", DEPARTMENT)
    assert org.waiting_group_mappings == {}


def test_a_member_who_leaves_the_group_loses_the_role_it_gave() -> None:
    org = _with_group(MEMBER, mapped=Grant("member", TEAM))
    org.remove_directory_group_members(group_id=GROUP, member_ids=[MEMBER], by=ADMIN)
    assert then(org) == [
        ("DirectoryGroupMembersRemoved", {"by": ADMIN, "group_id": GROUP,
                                          "member_ids": [MEMBER]}),
        ("RoleRevoked", {"by": ADMIN, "member_id": MEMBER, "role": "member", "unit_id": TEAM,
                         "source": "directory"}),
    ]
    assert org.members[MEMBER].grants == []


def test_a_role_given_by_hand_before_the_group_is_never_taken_by_it() -> None:
    org = given_organization(collect=False)
    org.grant_role(member_id=MEMBER, role="member", unit_id=TEAM, by=ADMIN)
    org.create_directory_group(group_id=GROUP, display_name="Team Data", external_id=None,
                               member_ids=[MEMBER], by=ADMIN)
    org.map_directory_group(group=str(GROUP), role="member", unit_id=TEAM, by=ADMIN)
    org.collect_events()
    org.delete_directory_group(group_id=GROUP, by=ADMIN)
    assert then(org) == [("DirectoryGroupDeleted", {"by": ADMIN, "group_id": GROUP})]
    assert org.members[MEMBER].grants == [Grant("member", TEAM)]


def test_a_role_held_through_a_group_may_be_given_by_hand_and_then_stays() -> None:
    org = _with_group(MEMBER, mapped=Grant("lead", TEAM))
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    assert then(org) == [("RoleGranted", {"by": ADMIN, "member_id": MEMBER, "role": "lead",
                                          "unit_id": TEAM, "source": "admin"})]
    org.unmap_directory_group(group="Team Data", by=ADMIN)
    assert [name for name, _ in then(org)] == ["DirectoryGroupUnmapped"]
    assert org.members[MEMBER].grants == [Grant("lead", TEAM)]


def test_a_role_given_by_hand_that_the_member_already_holds_so_is_refused() -> None:
    org = given_organization(collect=False)
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM,
                                                by=ADMIN))
    assert signature(error) == ("RuleViolation", "role-already-granted", None)


def test_the_last_admin_keeps_the_admin_role_a_group_gave_when_the_group_goes() -> None:
    org = _with_group(MEMBER, mapped=Grant("admin"))
    org.revoke_role(member_id=ADMIN, role="admin", unit_id=None, by=MEMBER)
    org.collect_events()
    org.delete_directory_group(group_id=GROUP, by=MEMBER)
    assert [name for name, _ in then(org)] == ["DirectoryGroupDeleted"]
    assert org.admins() == [org.members[MEMBER]]


def test_a_group_mapped_to_an_archived_unit_is_refused() -> None:
    org = _with_group()
    org.archive_unit(unit_id=ident("sibling-team"), reason="merged", by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.map_directory_group(
        group="Team Data", role="member", unit_id=ident("sibling-team"), by=ADMIN))
    assert signature(error) == ("RuleViolation", "unit-archived", "unit_id")


def test_mapping_a_group_as_it_is_mapped_already_changes_nothing() -> None:
    org = _with_group(mapped=Grant("member", TEAM))
    error = refused(org, lambda: org.map_directory_group(group="Team Data", role="member",
                                                         unit_id=TEAM, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "group")


def test_groups_grants_and_their_sources_are_the_same_after_a_replay() -> None:
    org = given_organization(collect=False)
    org.create_directory_group(group_id=GROUP, display_name="Team Data", external_id=None,
                               member_ids=[MEMBER], by=ADMIN)
    org.map_directory_group(group="Team Data", role="lead", unit_id=TEAM, by=ADMIN)
    org.rename_directory_group(group_id=GROUP, display_name="Data", by=ADMIN)
    copy = replayed(org.collect_events())
    assert copy.directory_groups == org.directory_groups
    assert copy.members[MEMBER].directory_grants == {Grant("lead", TEAM)}
