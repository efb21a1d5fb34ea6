"""Member lifecycle on the read side, on every store: names, addresses and who is active in
the OKR tree, owner changes of initiatives, the timeline's sentences, and a rebuild from
position 0 giving the same rows as following the log."""

from __future__ import annotations

from typing import Any

from okr_es.application import OKRApplication
from okr_es.projections import queries
from okr_es.projections.runner import ProjectionRunner
from support.world import build_world, set_objective


def build(app: OKRApplication) -> tuple[Any, str, str]:
    w = build_world(app)
    objective = set_objective(app, w).ids
    app.start_initiative(organization_id=w.org, unit_id=w.team, title="Nytt skjema",
                         owner_id=w.member, by=w.admin)
    app.rename_member(organization_id=w.org, member_id=w.member, name="Ola Nordmann",
                      by=w.admin)
    app.change_member_email(organization_id=w.org, member_id=w.member,
                            email="ola.nordmann@digdir.no", by=w.admin)
    app.transfer_ownership(organization_id=w.org, from_member_id=w.member,
                           to_member_id=w.colleague, by=w.admin)
    app.deactivate_member(organization_id=w.org, member_id=w.member, reason="sluttet",
                          by=w.admin)
    return w, str(objective["objective_id"]), str(w.org)


def test_names_addresses_owners_and_who_is_active_are_read_as_they_are_now(
    app: OKRApplication,
) -> None:
    w, objective, org = build(app)
    runner = ProjectionRunner(app)
    runner.catch_up()
    views = runner.views

    members = {m.member_id: m for m in queries.members(views, org)}
    ola, per = members[str(w.member)], members[str(w.colleague)]
    assert (ola.name, ola.email, ola.active) == ("Ola Nordmann", "ola.nordmann@digdir.no",
                                                 False)
    assert per.active
    (initiative,) = queries.initiatives_by_unit(views, org, [str(w.team)])
    assert initiative.owner_id == str(w.colleague)
    (row,) = queries.objectives_by_id(views, org, [objective])
    assert row.owner_id == str(w.colleague)


def test_the_timeline_tells_each_lifecycle_change_without_the_address(
    app: OKRApplication,
) -> None:
    _, _, org = build(app)
    runner = ProjectionRunner(app)
    runner.catch_up()
    texts = [r[0] for r in runner.views.query(
        "SELECT sentence FROM rm_timeline WHERE organization_id = :org ORDER BY position",
        {"org": org})]
    assert "Kari Admin endret navnet til Ola Member til Ola Nordmann" in texts
    assert "Kari Admin endret e-postadressen til Ola Nordmann" in texts
    assert "Kari Admin overførte 2 ting som Ola Nordmann eide, til Per Colleague" in texts
    assert "Kari Admin deaktiverte Ola Nordmann: sluttet" in texts
    assert not any("ola.nordmann@digdir.no" in t for t in texts)


def test_a_rebuild_gives_the_rows_live_projection_gave(app: OKRApplication) -> None:
    build(app)
    runner = ProjectionRunner(app)
    runner.catch_up()
    incremental = {p.name: runner.rows(p) for p in runner.projections}
    runner.rebuild()
    assert {p.name: runner.rows(p) for p in runner.projections} == incremental
