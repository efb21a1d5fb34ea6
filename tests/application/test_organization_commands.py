"""Organisation commands through OKRApplication, on every store."""

from __future__ import annotations

from okr_es.application import OKRApplication
from support.world import build_world, event_names, refused_by, signature, written


def test_registering_an_organisation_writes_it_with_its_first_admin(app: OKRApplication) -> None:
    result, new = written(app, lambda: app.register_organization(
        name="Digdir", admin_name="Kari", admin_email="kari@digdir.no",
    ), id_key="organization_id")
    assert new == ["OrganizationRegistered", "MemberAdded", "RoleGranted"]
    assert set(result.ids) == {"organization_id", "root_unit_id", "member_id"}
    org = app.get_organization(result.ids["organization_id"])
    assert [m.id for m in org.admins()] == [result.ids["member_id"]]


def test_an_invalid_organisation_is_not_written(app: OKRApplication) -> None:
    error = refused_by(app, lambda: app.register_organization(
        name="Digdir", admin_name="Kari", admin_email="kari-at-digdir"))
    assert signature(error) == ("InvalidInput", "invalid-email", "email")


def test_adding_a_unit_writes_unit_added(app: OKRApplication) -> None:
    w = build_world(app)
    result, new = written(app, lambda: app.add_unit(
        organization_id=str(w.org), name="Platform", kind="project", parent_id=str(w.team),
        by=str(w.admin)), aggregate_id=w.org)
    assert new == ["UnitAdded"]
    unit = app.get_organization(w.org).units[result.ids["unit_id"]]
    assert (unit.name, unit.kind, unit.parent_id) == ("Platform", "project", w.team)


def test_renaming_a_unit_writes_unit_renamed(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.rename_unit(organization_id=w.org, unit_id=w.team,
                                                  name="Team Rocket", by=w.admin),
                     aggregate_id=w.org)
    assert new == ["UnitRenamed"]
    assert app.get_organization(w.org).units[w.team].name == "Team Rocket"


def test_moving_a_unit_writes_unit_moved(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.move_unit(organization_id=w.org, unit_id=w.sibling_team,
                                                parent_id=w.department, by=w.admin),
                     aggregate_id=w.org)
    assert new == ["UnitMoved"]
    assert app.get_organization(w.org).ancestors(w.sibling_team) == [w.department, w.root]


def test_moving_a_unit_under_its_descendant_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.move_unit(organization_id=w.org, unit_id=w.department,
                                                  parent_id=w.team, by=w.admin))
    assert signature(error) == ("RuleViolation", "unit-cycle", "parent_id")


def test_archiving_a_unit_writes_unit_archived(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.archive_unit(organization_id=w.org,
                                                   unit_id=w.sibling_team, reason="merged",
                                                   by=w.admin), aggregate_id=w.org)
    assert new == ["UnitArchived"]


def test_archiving_a_unit_with_children_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.archive_unit(organization_id=w.org,
                                                     unit_id=w.department, reason="x",
                                                     by=w.admin))
    assert error.code == "unit-has-children"


def test_adding_a_member_writes_member_added(app: OKRApplication) -> None:
    w = build_world(app)
    result, new = written(app, lambda: app.add_member(organization_id=w.org, name="Siri",
                                                      email="siri@digdir.no", by=w.member),
                          aggregate_id=w.org)
    assert new == ["MemberAdded"]
    assert app.get_organization(w.org).members[result.ids["member_id"]].name == "Siri"


def test_adding_an_existing_email_again_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.add_member(organization_id=w.org, name="Ola 2",
                                                   email="Ola@Digdir.no", by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-member", "email")


def test_an_email_with_invisible_characters_inside_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.add_member(organization_id=w.org, name="Ola 2",
                                                   email="ola\u00ad@digdir.no", by=w.admin))
    assert signature(error) == ("InvalidInput", "invalid-email", "email")


def test_a_unit_name_that_only_differs_invisibly_is_a_duplicate(app: OKRApplication) -> None:
    w = build_world(app)
    app.add_unit(organization_id=w.org, name="Team Ø", kind="team", parent_id=w.department,
                 by=w.admin)
    error = refused_by(app, lambda: app.add_unit(
        organization_id=w.org, name="team  Ø\u00ad", kind="team", parent_id=w.department,
        by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-unit-name", "name")


def test_granting_and_revoking_a_role_write_one_event_each(app: OKRApplication) -> None:
    w = build_world(app)
    _, granted = written(app, lambda: app.grant_role(organization_id=w.org, member_id=w.member,
                                                     role="lead", unit_id=w.team, by=w.admin),
                         aggregate_id=w.org)
    _, revoked = written(app, lambda: app.revoke_role(organization_id=w.org,
                                                      member_id=w.member, role="lead",
                                                      unit_id=w.team, by=w.admin),
                         aggregate_id=w.org)
    assert (granted, revoked) == (["RoleGranted"], ["RoleRevoked"])


def test_revoking_the_last_admin_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.revoke_role(organization_id=w.org, member_id=w.admin,
                                                    role="admin", by=w.admin))
    assert signature(error) == ("RuleViolation", "last-admin", "member_id")


def test_changing_one_policy_limit_keeps_the_others(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.change_policy(organization_id=w.org, mode="warn",
                                                    by=w.admin), aggregate_id=w.org)
    assert new == ["PolicyChanged"]
    policy = app.get_organization(w.org).policy
    assert (policy.mode, policy.max_objectives, policy.max_key_results) == ("warn", 3, 5)


def test_an_unchanged_policy_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.change_policy(organization_id=w.org,
                                                      max_objectives=3, by=w.admin))
    assert error.code == "no-change"


def test_positions_increase_with_every_command(app: OKRApplication) -> None:
    w = build_world(app)
    positions = [
        app.rename_unit(organization_id=w.org, unit_id=w.team, name=f"Team {i}",
                        by=w.admin).position
        for i in range(3)
    ]
    assert positions == sorted(set(positions))
    assert event_names(app, w.org)[-3:] == ["UnitRenamed"] * 3
