"""OKR set documents out of and into the store: names that lead back to one member and one
parent objective, on both stores."""

from __future__ import annotations

import pytest

from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.history.analyses import import_okr_set, okr_set_for
from okr_es.learning.okr_set import KeyResult, Objective, OkrSet
from support.world import World, build_world, set_objective


def _document(**objective: object) -> OkrSet:
    key_result = KeyResult(title="Satisfaction up from 60 to 80", metric="increase", start=60,
                           target=80)  # fmt: skip
    return OkrSet(objectives=(Objective(title="Happier users", key_results=(key_result,),
                                        **objective),))  # type: ignore[arg-type]


def _import(app: OKRApplication, w: World, document: OkrSet) -> None:
    import_okr_set(app, document, organization_id=w.org, unit_id=w.team, cycle_id=w.cycle,
                   by=w.admin)  # fmt: skip


def test_an_owner_named_like_another_member_is_exported_by_e_mail(app: OKRApplication) -> None:
    w = build_world(app)
    owner = app.get_organization(w.org).members[w.member]
    app.add_member(organization_id=w.org, name=owner.name, email="namesake@example.org",
                   by=w.admin)  # fmt: skip
    set_objective(app, w)

    exported = okr_set_for(app, w.team, w.cycle).okr_set

    assert exported.objectives[0].owner == owner.email


def test_an_import_refuses_an_owner_name_two_members_share(app: OKRApplication) -> None:
    w = build_world(app)
    owner = app.get_organization(w.org).members[w.member]
    app.add_member(organization_id=w.org, name=owner.name, email="namesake@example.org",
                   by=w.admin)  # fmt: skip
    before = app.position()

    with pytest.raises(InvalidInput) as refused:
        _import(app, w, _document(owner=owner.name.upper()))

    assert (refused.value.code, refused.value.field) == ("ambiguous", "objectives[0].owner")
    assert "namesake@example.org" in refused.value.message
    assert app.position() == before
    _import(app, w, _document(owner="namesake@example.org"))


def test_a_parent_title_two_parent_objectives_share_is_exported_as_its_id(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    parents = [set_objective(app, w, title="Trusted services", unit=unit).ids["objective_id"]
               for unit in (w.department, w.root)]  # fmt: skip
    set_objective(app, w, aligned_to_objective_id=parents[1])

    exported = okr_set_for(app, w.team, w.cycle).okr_set

    assert exported.objectives[0].aligned_to == str(parents[1])
    # The export leads back to the same parent when imported into a sibling team.
    import_okr_set(app, exported, organization_id=w.org, unit_id=w.sibling_team,
                   cycle_id=w.cycle, by=w.admin)  # fmt: skip
    again = okr_set_for(app, w.sibling_team, w.cycle).objectives[0]
    assert again.aligned_to_objective_id == parents[1]
