"""The saved views and organisation policies read models, run on every store: what they
hold, and that a rebuild from position 0 gives the same rows as following the log."""

from __future__ import annotations

from typing import Any

from okr_es.application import OKRApplication
from okr_es.projections import saved_view_queries as q
from okr_es.projections.runner import ProjectionRunner


def build(app: OKRApplication, runner: ProjectionRunner) -> dict[str, Any]:
    def step(result: Any) -> Any:
        runner.catch_up()
        return result.ids

    reg = step(app.register_organization(name="Org", admin_name="A", admin_email="a@x.no"))
    org, admin = reg["organization_id"], reg["member_id"]
    kari = step(app.add_member(organization_id=org, name="Kari", email="k@x.no", by=admin))[
        "member_id"
    ]
    shared = step(app.create_saved_view(organization_id=org, name="At risk",
                                        filter={"at_risk": True}, shared=True, by=admin))
    mine = step(app.create_saved_view(organization_id=org, name="Mine",
                                      filter={"stale": True}, by=kari))
    gone = step(app.create_saved_view(organization_id=org, name="Gone", filter={}, by=kari))
    step(app.rename_saved_view(view_id=mine["view_id"], name="My stale ones", by=kari))
    step(app.change_saved_view_filter(view_id=mine["view_id"], filter={"stale": False},
                                      sort="recently-updated", by=kari))
    step(app.delete_saved_view(view_id=gone["view_id"], by=kari))
    step(app.set_review_policy(organization_id=org, policy='{"max_gap_days":28}', by=admin))
    step(app.set_lint_policy(organization_id=org, policy='{"max_objectives":4}', by=admin))
    step(app.set_review_policy(organization_id=org, policy='{"max_gap_days":30}', by=admin))
    return {"org": str(org), "admin": str(admin), "kari": str(kari),
            "shared": str(shared["view_id"]), "mine": str(mine["view_id"])}


def test_saved_views_and_policies_rebuild_to_identical_rows(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    build(app, runner)
    incremental = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild()
    rebuilt = {p.name: runner.rows(p) for p in runner.projections}
    runner.rebuild("saved_views")
    runner.rebuild("organization_policies")
    again = {p.name: runner.rows(p) for p in runner.projections}

    for name in ("saved_views", "organization_policies"):
        assert incremental[name], name
        assert rebuilt[name] == incremental[name] == again[name], name


def test_the_read_models_hold_each_members_views_and_the_stored_policies(
    app: OKRApplication,
) -> None:
    runner = ProjectionRunner(app)
    ids = build(app, runner)
    views = runner.views

    kari = q.saved_views(views, ids["org"], ids["kari"])
    assert [(v.name, v.owner_id, v.sort) for v in kari] == [
        ("At risk", None, "oldest-first"),
        ("My stale ones", ids["kari"], "recently-updated"),
    ]
    assert kari[1].filter == '{"stale":false}'
    assert [v.name for v in q.saved_views(views, ids["org"], ids["admin"])] == ["At risk"]
    assert q.saved_view(views, ids["org"], ids["admin"], ids["mine"]) is None
    assert q.saved_view(views, "another-org", ids["kari"], ids["shared"]) is None

    policies = q.organization_policies(views, ids["org"])
    assert policies == q.PoliciesRow('{"max_gap_days":30}', '{"max_objectives":4}')
    assert q.organization_policies(views, "another-org") == q.PoliciesRow(None, None)


def test_the_change_timeline_says_when_a_policy_was_stored(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    build(app, runner)
    (timeline,) = [p for p in runner.projections if p.name == "change_timeline"]
    rows = " ".join(str(row) for row in runner.rows(timeline)["rm_timeline"])
    # In the organisation's language: English or Norwegian.
    said = {
        "review": ("the learning review's thresholds: {\"max_gap_days\":30}",
                   "læringsgjennomgangen: {\"max_gap_days\":30}"),
        "lint": ("the OKR quality rules: {\"max_objectives\":4}",
                 "kvalitetsreglene for OKR-settene: {\"max_objectives\":4}"),
    }
    for kind, (english, norwegian) in said.items():
        assert english in rows or norwegian in rows, kind
