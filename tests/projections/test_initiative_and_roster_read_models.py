"""The initiatives, rosters and hypotheses read models, run on every store: what they hold,
and that a rebuild from position 0 gives the same rows as following the log."""

from __future__ import annotations

from typing import Any

from okr_es.application import OKRApplication
from okr_es.projections import queries
from okr_es.projections.runner import ProjectionRunner, all_projections

NEW_READ_MODELS = ("initiatives", "rosters", "hypotheses")


def build(app: OKRApplication, runner: ProjectionRunner) -> dict[str, Any]:
    """An organisation with a roster, an objective with a hypothesis and three initiatives,
    the projections caught up after every command."""

    def step(result: Any) -> Any:
        runner.catch_up()
        return result.ids

    reg = step(app.register_organization(name="Org", admin_name="A", admin_email="a@x.no"))
    org, admin = reg["organization_id"], reg["member_id"]
    team = step(
        app.add_unit(
            organization_id=org, name="T", kind="team", parent_id=reg["root_unit_id"], by=admin
        )
    )["unit_id"]
    kari = step(app.add_member(organization_id=org, name="Kari", email="k@x.no", by=admin))[
        "member_id"
    ]
    for role in ("member", "lead"):
        step(app.grant_role(organization_id=org, member_id=kari, role=role, unit_id=team, by=admin))
    step(app.revoke_role(organization_id=org, member_id=kari, role="lead", unit_id=team, by=admin))
    step(app.grant_role(organization_id=org, member_id=kari, role="ambassador", unit_id=None,
                        by=admin))
    cycle = step(
        app.define_cycle(organization_id=org, label="Q4", kind="quarter", start="2026-10-01",
                         end="2026-12-31", by=admin)
    )["cycle_id"]
    objective = step(
        app.set_objective(
            organization_id=org, unit_id=team, cycle_id=cycle, title="Raskere svar",
            owner_id=kari, hypothesis="kortere ventetid gir færre klager", by=admin,
            key_results=[
                {"title": "Svartid fra 10 til 2 dager", "metric": "decrease", "start": 10,
                 "target": 2, "unit": "days"},
                {"title": "Lansert chat", "metric": "milestone"},
            ],
        )
    )
    links = [(objective["objective_id"], objective[f"key_result_id_{i}"]) for i in (1, 0)]
    chat = step(app.start_initiative(organization_id=org, unit_id=team, title="Chat",
                                     owner_id=kari, key_results=links[:1], due_on="2026-12-15",
                                     by=admin))
    step(app.change_initiative_due_date(initiative_id=chat["initiative_id"],
                                        due_on="2026-12-20", by=admin))
    step(app.link_initiative(initiative_id=chat["initiative_id"], objective_id=links[1][0],
                             key_result_id=links[1][1], by=admin))
    step(app.record_initiative_progress(initiative_id=chat["initiative_id"],
                                        percent_complete=60, note="pilot", by=admin))
    faq = step(app.start_initiative(organization_id=org, unit_id=team, title="FAQ",
                                    owner_id=kari, due_on="2026-11-01", by=admin))
    step(app.change_initiative_due_date(initiative_id=faq["initiative_id"], due_on=None,
                                        by=admin))
    step(app.complete_initiative(initiative_id=faq["initiative_id"], note="ute", by=admin))
    old = step(app.start_initiative(organization_id=org, unit_id=team, title="Skjema",
                                    owner_id=admin, by=admin))
    step(app.stop_initiative(initiative_id=old["initiative_id"], reason="erstattet", by=admin))
    return {
        "org": str(org), "team": str(team), "kari": str(kari), "admin": str(admin),
        "objective": objective["objective_id"], "links": links,
        "chat": str(chat["initiative_id"]),
    }


def test_initiatives_rosters_and_hypotheses_rebuild_to_identical_rows(
    app: OKRApplication,
) -> None:
    runner = ProjectionRunner(app)
    build(app, runner)
    incremental = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild()
    rebuilt = {p.name: runner.rows(p) for p in runner.projections}
    runner.rebuild("initiatives")
    runner.rebuild("rosters")

    assert {"initiatives", "rosters", "hypotheses"} <= set(incremental)
    assert all(incremental[name] for name in ("initiatives", "rosters", "hypotheses"))
    assert rebuilt == incremental
    assert {p.name: runner.rows(p) for p in runner.projections} == incremental


def test_the_read_models_hold_status_progress_links_grants_and_the_hypothesis(
    app: OKRApplication,
) -> None:
    runner = ProjectionRunner(app)
    made = build(app, runner)
    views, org = runner.views, made["org"]

    initiatives = queries.initiatives_by_unit(views, org, [made["team"]])
    links = queries.initiative_links_by_initiative(views, org, [made["chat"]])
    roster = queries.role_grants_by_unit(views, org, [made["team"]])
    kari = queries.role_grants_by_member(views, org, [made["kari"]])
    (hypothesis,) = queries.hypotheses_by_objective(views, org, [str(made["objective"])])

    assert [(i.title, i.status, i.percent_complete, i.status_note) for i in initiatives] == [
        ("Chat", "running", 60.0, "pilot"),
        ("FAQ", "completed", 100.0, "ute"),
        ("Skjema", "stopped", 0.0, "erstattet"),
    ]
    assert [i.due_on for i in initiatives] == ["2026-12-20", None, None]
    assert [i.owner_id for i in initiatives] == [made["kari"], made["kari"], made["admin"]]
    assert [(x.objective_id, x.key_result_id) for x in links] == [
        (str(o), str(k)) for o, k in made["links"]
    ]
    assert [(g.member_id, g.role) for g in roster] == [(made["kari"], "member")]
    assert sorted((g.role, g.unit_id) for g in kari) == [
        ("ambassador", None),
        ("member", made["team"]),
    ]
    assert hypothesis.hypothesis == "kortere ventetid gir færre klager"
    assert queries.initiatives_by_unit(views, "another-org", [made["team"]]) == []
    assert queries.role_grants_by_unit(views, "another-org", [made["team"]]) == []


def test_a_store_whose_read_models_predate_these_gains_them_by_catching_up(
    app: OKRApplication,
) -> None:
    older = ProjectionRunner(
        app, [p for p in all_projections() if p.name not in NEW_READ_MODELS]
    )
    build(app, older)
    assert set(older.positions().values()) == {app.position()}

    upgraded = ProjectionRunner(app)
    upgraded.catch_up()
    caught_up = {p.name: upgraded.rows(p) for p in upgraded.projections}
    upgraded.rebuild()

    assert set(upgraded.positions().values()) == {app.position()}
    assert all(caught_up[name] for name in NEW_READ_MODELS)
    assert {p.name: upgraded.rows(p) for p in upgraded.projections} == caught_up
