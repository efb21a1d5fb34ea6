"""The change timeline words a weighted key result and a new roll-up mode, on every store."""

from __future__ import annotations

from okr_es.application import OKRApplication
from okr_es.projections import sentences as say
from okr_es.projections.change_timeline import ChangeTimeline
from okr_es.projections.runner import ProjectionRunner


def test_a_weight_and_a_roll_up_mode_read_as_sentences_in_both_languages() -> None:
    assert (
        say.key_result_weighted("nb", "Kari", "Raskere svar", "Restanser ned", 2.5)
        == "Kari ga «Restanser ned» vekten 2,5 i «Raskere svar»"
    )
    assert (
        say.key_result_weighted("en", "Kari", "Faster answers", "Backlog down", 3)
        == 'Kari gave «Backlog down» a weight of 3 in «Faster answers»'
    )
    assert (
        say.roll_up_mode_changed("nb", "Kari", "Raskere svar", "children")
        == "Kari lot fremdriften i «Raskere svar» regnes ut fra målene som er koblet til det"
    )
    assert (
        say.roll_up_mode_changed("en", "Kari", "Faster answers", "key_results_and_children")
        == 'Kari made the progress of «Faster answers» count its key results and the '
        "objectives aligned to it"
    )


def test_weighting_and_changing_the_mode_get_their_rows_with_the_objective(
    app: OKRApplication,
) -> None:
    reg = app.register_organization(name="Fjordby", admin_name="Ingrid Berg", admin_email="i@x.no")
    org, admin = reg.ids["organization_id"], reg.ids["member_id"]
    cycle = app.define_cycle(organization_id=org, label="2026 Q4", kind="quarter",
                             start="2026-10-01", end="2026-12-31", by=admin).ids["cycle_id"]
    result = app.set_objective(
        organization_id=org, unit_id=reg.ids["root_unit_id"], cycle_id=cycle,
        title="Raskere svar for innbyggerne", owner_id=admin, by=admin,
        key_results=[{"title": "Restanser ned", "metric": "decrease", "start": 120,
                      "target": 40},
                     {"title": "Chat lansert", "metric": "milestone"}],
    )
    objective, kr = result.ids["objective_id"], result.ids["key_result_id_0"]
    app.weight_key_result(objective_id=objective, key_result_id=kr, weight=2, by=admin)
    app.change_roll_up_mode(objective_id=objective, mode="children", by=admin)
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    rows = runner.views.query(
        "SELECT event_type, sentence, objective_id, key_result_id FROM rm_timeline "
        "WHERE event_type IN ('KeyResultWeighted', 'RollUpModeChanged') ORDER BY position"
    )
    assert rows == [
        ("KeyResultWeighted",
         "Ingrid Berg ga «Restanser ned» vekten 2 i «Raskere svar for innbyggerne»",
         str(objective), str(kr)),
        ("RollUpModeChanged",
         "Ingrid Berg lot fremdriften i «Raskere svar for innbyggerne» regnes ut fra målene "
         "som er koblet til det",
         str(objective), None),
    ]
