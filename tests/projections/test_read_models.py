"""Read-model contract, run on every store: exactly once, resumable, rebuildable."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.errors import NotFound
from okr_es.projections.okr_tree import OkrTree
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings

TODAY = date(2026, 11, 23)


def test_read_models_built_event_by_event_equal_a_rebuild_from_zero(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    reg = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    org, admin = reg.ids["organization_id"], reg.ids["member_id"]
    runner.catch_up()
    team = app.add_unit(
        organization_id=org, name="T", kind="team", parent_id=reg.ids["root_unit_id"], by=admin
    ).ids["unit_id"]
    runner.catch_up()
    cycle = app.define_cycle(
        organization_id=org,
        label="Q4",
        kind="quarter",
        start="2026-10-01",
        end="2026-12-31",
        by=admin,
    ).ids["cycle_id"]
    result = app.set_objective(
        organization_id=org,
        unit_id=team,
        cycle_id=cycle,
        title="Raskere svar",
        owner_id=admin,
        by=admin,
        key_results=[
            {
                "title": "Svartid fra 10 til 2 dager",
                "metric": "decrease",
                "start": 10,
                "target": 2,
                "unit": "days",
            },
            {"title": "Lansert chat", "metric": "milestone"},
        ],
    )
    runner.catch_up()
    objective, kr = result.ids["objective_id"], result.ids["key_result_id_0"]
    for value in (9, 6, 4):
        app.check_in(
            objective_id=objective, key_result_id=kr, value=value, status="green", by=admin
        )
        runner.catch_up()
    app.adjust_key_result(objective_id=objective, key_result_id=kr, target=3, reason="r", by=admin)
    runner.catch_up()
    app.weight_key_result(objective_id=objective, key_result_id=kr, weight=2.5, by=admin)
    app.change_roll_up_mode(objective_id=objective, mode="key_results_and_children", by=admin)
    runner.catch_up()
    incremental = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild()

    assert {p.name: runner.rows(p) for p in runner.projections} == incremental
    (row,) = runner.views.query(
        "SELECT current_value, progress, reported_status, check_in_count FROM rm_key_results "
        "WHERE key_result_id = :id",
        {"id": str(kr)},
    )
    assert row == (4.0, pytest.approx(6 / 7), "green", 3)
    weighted = runner.views.query(
        "SELECT k.weight, o.roll_up_mode FROM rm_key_results k JOIN rm_objectives o "
        "ON o.objective_id = k.objective_id WHERE k.objective_id = :id ORDER BY k.ordinal",
        {"id": str(objective)},
    )
    assert weighted == [(2.5, "key_results_and_children"), (1.0, "key_results_and_children")]


def test_a_back_dated_check_in_is_counted_but_the_latest_value_stays_current(
    app: OKRApplication,
) -> None:
    runner = ProjectionRunner(app)
    reg = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    org, admin = reg.ids["organization_id"], reg.ids["member_id"]
    cycle = app.define_cycle(organization_id=org, label="Q4", kind="quarter",
                             start="2026-10-01", end="2026-12-31", by=admin).ids["cycle_id"]
    result = app.set_objective(
        organization_id=org, unit_id=reg.ids["root_unit_id"], cycle_id=cycle,
        title="Raskere svar", owner_id=admin, by=admin,
        key_results=[{"title": "Svartid fra 10 til 2 dager", "metric": "decrease",
                      "start": 10, "target": 2, "unit": "days"},
                     {"title": "Lansert chat", "metric": "milestone"}],
    )
    objective, kr = result.ids["objective_id"], result.ids["key_result_id_0"]
    app.check_in(objective_id=objective, key_result_id=kr, value=4, status="green",
                 checked_in_at="2026-11-20T09:00:00+00:00", by=admin)
    app.check_in(objective_id=objective, key_result_id=kr, value=9, status="red",
                 checked_in_at="2026-10-10T09:00:00+00:00", by=admin)
    runner.catch_up()

    (row,) = runner.views.query(
        "SELECT current_value, reported_status, last_check_in_at, check_in_count "
        "FROM rm_key_results WHERE key_result_id = :id",
        {"id": str(kr)},
    )
    assert row == (4.0, "green", "2026-11-20T09:00:00+00:00", 2)


def test_the_demo_organisation_rebuilds_to_identical_tables(app: OKRApplication) -> None:
    seed_demo(app, today=TODAY)
    runner = ProjectionRunner(app)
    runner.catch_up(batch_size=97)
    before = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild(OkrTree.name)

    assert {p.name: runner.rows(p) for p in runner.projections} == before
    assert set(runner.positions().values()) == {app.position()}
    (count,) = runner.views.query("SELECT COUNT(*) FROM rm_check_ins")[0]
    assert count == sum(1 for n in app.all_notifications() if n.topic.endswith("CheckInMade"))


def test_a_restarted_runner_resumes_where_the_last_one_stopped(settings: Settings) -> None:
    with OKRApplication(settings) as app:
        seed_demo(app, today=TODAY)
        first = ProjectionRunner(app)
        first.catch_up()
        app.register_organization(name="Late", admin_name="B", admin_email="b@x.no")
    with OKRApplication(settings) as app:
        second = ProjectionRunner(app)
        read = second.catch_up()
        assert read == 3
        assert second.positions()[OkrTree.name] == app.position()


def test_a_batch_applied_twice_is_refused_by_the_tracking_position(app: OKRApplication) -> None:
    app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    runner = ProjectionRunner(app)
    runner.catch_up()
    tree = runner.projection(OkrTree.name)
    last = app.position()
    with pytest.raises(IntegrityError):
        runner.views.apply(tree, [(last, app.decode(app.notifications(last, 1)[0]))])
    with pytest.raises(IntegrityError):
        runner.views.tracking.insert_tracking(Tracking(tree.name, last))
    assert len(runner.views.query("SELECT * FROM rm_organizations")) == 1


def test_batches_applied_together_twice_are_refused_and_change_nothing(
    app: OKRApplication,
) -> None:
    app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    runner = ProjectionRunner(app)
    runner.catch_up()
    last = app.position()
    event = app.decode(app.notifications(last, 1)[0])
    before = {p.name: runner.rows(p) for p in runner.projections}

    with pytest.raises(IntegrityError):
        runner.views.apply_together([(p, [(last, event)]) for p in runner.projections])

    assert {p.name: runner.rows(p) for p in runner.projections} == before
    assert set(runner.positions().values()) == {last}


def test_rebuilding_an_unknown_projection_is_refused(app: OKRApplication) -> None:
    with pytest.raises(NotFound):
        ProjectionRunner(app).rebuild("nope")
