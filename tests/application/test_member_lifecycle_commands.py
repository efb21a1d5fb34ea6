"""Member lifecycle through OKRApplication, on every store: renames and addresses, a leaver's
tokens refused at once, and what a leaver owns handed on in one transaction."""

from __future__ import annotations

from okr_es.application import OKRApplication
from okr_es.errors import Unauthenticated
from support.world import (
    build_world,
    event_names,
    refused_by,
    set_objective,
    signature,
    written,
)


def test_renaming_a_member_writes_member_renamed(app: OKRApplication) -> None:
    w = build_world(app)
    _, new = written(app, lambda: app.rename_member(
        organization_id=w.org, member_id=w.member, name="Ola Nordmann", by=w.admin),
        aggregate_id=w.org)
    assert new == ["MemberRenamed"]
    assert app.get_organization(w.org).members[w.member].name == "Ola Nordmann"


def test_a_new_address_another_member_has_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.change_member_email(
        organization_id=w.org, member_id=w.member, email="per@digdir.no", by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-member", "email")


def test_a_deactivated_member_s_token_is_refused_at_once(app: OKRApplication) -> None:
    w = build_world(app)
    token = app.issue_token(organization_id=w.org, member_id=w.member, by=w.admin).token or ""
    assert app.authenticate(token).member_id == w.member
    app.deactivate_member(organization_id=w.org, member_id=w.member, reason="left",
                          by=w.admin)
    for check in (app.authenticate, app.authenticate_cached):
        try:
            check(token)
        except Unauthenticated:
            continue
        raise AssertionError(f"{check.__name__} accepted a deactivated member's token")
    app.reactivate_member(organization_id=w.org, member_id=w.member, by=w.admin)
    assert app.authenticate(token).member_id == w.member


def test_a_deactivated_member_cannot_be_made_an_owner(app: OKRApplication) -> None:
    w = build_world(app)
    objective = set_objective(app, w).ids["objective_id"]
    app.deactivate_member(organization_id=w.org, member_id=w.colleague, reason="",
                          by=w.admin)
    error = refused_by(app, lambda: app.change_owner(
        objective_id=objective, owner_id=w.colleague, by=w.admin))
    assert signature(error) == ("RuleViolation", "member-inactive", "owner_id")


def test_a_leaver_s_open_objectives_and_running_initiatives_are_handed_on_together(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    open_one = set_objective(app, w, title="Happier users").ids
    closed_one = set_objective(app, w, title="Faster answers").ids["objective_id"]
    app.close_objective(objective_id=closed_one, by=w.admin)
    initiative = app.start_initiative(
        organization_id=w.org, unit_id=w.team, title="A new form", owner_id=w.member,
        key_results=[(open_one["objective_id"], open_one["key_result_id_0"])],
        by=w.admin).ids["initiative_id"]
    before = app.position()

    result = app.transfer_ownership(organization_id=w.org, from_member_id=w.member,
                                    to_member_id=w.colleague, by=w.admin)

    # One save: the organisation's record and each owner change, in one transaction.
    assert result.position == before + 3
    assert event_names(app, w.org)[-1] == "OwnershipTransferred"
    assert app.get_objective(open_one["objective_id"]).owner_id == w.colleague
    assert app.get_objective(closed_one).owner_id == w.member  # history keeps its owner
    assert event_names(app, initiative)[-1] == "InitiativeOwnerChanged"
    transferred = app.history(w.org)[-1]
    assert transferred.objective_ids == [open_one["objective_id"]]  # type: ignore[attr-defined]
    assert transferred.initiative_ids == [initiative]  # type: ignore[attr-defined]


def test_a_transfer_from_a_member_who_owns_nothing_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.transfer_ownership(
        organization_id=w.org, from_member_id=w.colleague, to_member_id=w.member, by=w.admin))
    assert signature(error) == ("RuleViolation", "nothing-to-transfer", "from_member_id")
