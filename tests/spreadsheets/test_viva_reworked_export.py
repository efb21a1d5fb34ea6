"""A newer Viva Goals export after the teams reworked their OKRs there
(tests/data/viva/fjellby_2026_en_reworked.xlsx, imported after the first and the later
export): renamed objectives and key results, owners handed over and alignments changed
are applied as events; items moved to another team, period or objective and items no
longer in the export are reported row by row and left as they are. A rename onto a title
another objective of the set has is refused naming its row, with nothing written; the
same export again writes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from openpyxl import load_workbook

from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from okr_es.history.viva import plan_viva_import, write_viva_import
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import SheetInvalid
from okr_es.spreadsheets.viva import read_viva
from support.cli_process import okr_es
from support.fjellby import fjellby

DATA = Path(__file__).resolve().parents[1] / "data" / "viva"
FIRST = (DATA / "fjellby_2026_en.xlsx").read_bytes()
LATER = (DATA / "fjellby_2026_en_later.xlsx").read_bytes()
REWORKED = (DATA / "fjellby_2026_en_reworked.xlsx").read_bytes()

MOVES_AND_DELETIONS = [
    "row 4: 'Innbyggerne finner svarene selv' is aligned to nothing in Viva Goals; okr-es "
    "keeps its alignment — take it away by hand",
    "row 7: initiative 'Ny chatbot i drift' is called 'Chatbot i drift' in Viva Goals; "
    "okr-es keeps its title",
    "row 8: 'Bedre data for styring' moved from Team Analyse to Team Platform in Viva Goals; "
    "okr-es keeps it in Team Analyse — move it by hand",
    "row 13: 'Chatbot-samtaler per uke' moved to objective 'Selvbetjening for alle' in Viva "
    "Goals; okr-es keeps it under the objective it was imported to — move it by hand",
    "row 14: 'Data deles åpent' moved from Q2 2026 to Q1 2026 in Viva Goals; okr-es keeps it "
    "in Q2 2026 — move it by hand",
    "in the last import, not in this one: objective 'Plattformen er stabil' (Viva Goals id "
    "VG-120): left as is",
    "in the last import, not in this one: key result 'Dashbord i bruk' of 'Bedre data for "
    "styring' (Viva Goals id VG-131): left as is",
]


def member(app: OKRApplication, org: UUID, email: str) -> UUID:
    members = app.get_organization(org).members.values()
    return next(m.id for m in members if m.email == email)


def run(app: OKRApplication, org: UUID, data: bytes) -> Any:
    plan = plan_viva_import(app, read_viva(data, "xlsx"), organization_id=org,
                            create_members=True)  # fmt: skip
    if plan.is_empty():
        return plan, None
    return plan, write_viva_import(app, plan, by=member(app, org, "kari@fjellby.no"))


def objectives(app: OKRApplication, org: UUID) -> dict[tuple[str, str], Objective]:
    """Every objective by (cycle label, title)."""
    found = {}
    labels = {c.id: c.label for c in app.cycles(org)}
    for unit in app.get_organization(org).units.values():
        for cycle_id, label in labels.items():
            team_cycle = app.get_team_cycle(unit.id, cycle_id)
            for objective_id in team_cycle.objective_ids if team_cycle else []:
                objective = app.get_objective(objective_id)
                found[(label, objective.title)] = objective
    return found


def new_events(app: OKRApplication, aggregate_id: UUID, since: int) -> list[Any]:
    return [e for e in app.events.get(aggregate_id) if e.originator_version > since]


def imported_twice(app: OKRApplication) -> UUID:
    org, _ = fjellby(app)
    run(app, org, FIRST)
    run(app, org, LATER)
    return org


def test_renames_owners_and_alignments_are_applied_as_events(app: OKRApplication) -> None:
    org = imported_twice(app)
    before = objectives(app, org)
    answers = before[("Q1 2026", "Innbyggerne finner svar selv")]
    for_all = before[("Q2 2026", "Selvbetjening for alle")]
    chatbot_id = app.import_mapping(org, "viva-goals")["p:id:VG-113"]

    plan, result = run(app, org, REWORKED)

    assert result is not None
    assert plan.counts() == {
        "cycles": 0, "units": 0, "members": 0, "objectives": 1, "key_results": 1,
        "changed_targets": 1, "renamed": 1, "new_owners": 2, "realigned": 1,
        "check_ins": 0, "closed": 0, "initiatives": 0, "already_imported": 5,
    }  # fmt: skip
    reworded, adjusted = new_events(app, answers.id, answers.version)
    assert isinstance(reworded, Objective.ObjectiveReworded)
    assert reworded.title == "Innbyggerne finner svarene selv"
    assert isinstance(adjusted, Objective.KeyResultAdjusted)
    after = objectives(app, org)
    renamed = after[("Q1 2026", "Innbyggerne finner svarene selv")]
    assert renamed.id == answers.id
    assert {k.title for k in renamed.active_key_results()} == {
        "Selvbetjente saker", "Svartid i virkedager", "Chatbot-samtaler per uke",
    }  # fmt: skip
    # Handed over and realigned to an objective the same import made.
    services = after[("Q2 2026", "Digitale tjenester for alle")]
    handed = app.get_objective(for_all.id)
    kari = member(app, org, "kari@fjellby.no")
    assert (handed.owner_id, handed.aligned_to_objective_id) == (kari, services.id)
    assert [type(e).__name__ for e in new_events(app, for_all.id, for_all.version)] == [
        "OwnerChanged", "ObjectiveAligned",
    ]  # fmt: skip
    chatbot = app.read_aggregate(Initiative, chatbot_id)
    assert chatbot.owner_id == member(app, org, "ola@fjellby.no")
    assert chatbot.title == "Ny chatbot i drift"
    # Moves and deletions: reported, not made.
    assert [n for n in plan.notes if n in MOVES_AND_DELETIONS] == MOVES_AND_DELETIONS
    assert ("Q2 2026", "Data deles åpent") in after
    assert ("Q1 2026", "Plattformen er stabil") in after
    assert "Chatbot-samtaler per uke" not in {k.title for k in handed.key_results.values()}


def test_the_reworked_export_again_writes_nothing(app: OKRApplication) -> None:
    org = imported_twice(app)
    run(app, org, REWORKED)
    before = app.position()

    plan, result = run(app, org, REWORKED)

    assert (result, plan.is_empty(), app.position()) == (None, True, before)
    assert [n for n in plan.notes if n in MOVES_AND_DELETIONS] == MOVES_AND_DELETIONS


def test_a_key_result_renamed_in_viva_goals_is_adjusted_with_its_reason(
    app: OKRApplication,
) -> None:
    org = imported_twice(app)
    answers = objectives(app, org)[("Q1 2026", "Innbyggerne finner svar selv")]

    run(app, org, REWORKED)

    (adjusted,) = [
        e for e in new_events(app, answers.id, answers.version)
        if isinstance(e, Objective.KeyResultAdjusted)
    ]  # fmt: skip
    assert (adjusted.title, adjusted.reason) == ("Svartid i virkedager", "changed in Viva Goals")
    assert (adjusted.previous_start, adjusted.previous_target) == (21, 10)
    assert (adjusted.start, adjusted.target) == (21, 10)


def edited(data: bytes, cell: str, value: Any) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book["Explorer"][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_rename_onto_another_objectives_title_writes_nothing(app: OKRApplication) -> None:
    org = imported_twice(app)
    mapped = app.import_mapping(org, "viva-goals")
    before = app.position()
    # Row 11, Selvbetjening for alle, takes the title of Team Data's other Q2 objective.
    clashing = edited(REWORKED, "B11", "Data deles åpent")

    with pytest.raises(SheetInvalid) as raised:
        run(app, org, clashing)

    (problem,) = raised.value.problems
    assert (problem.row, problem.column, problem.code) == (11, "Title", "duplicate-objective")
    assert app.position() == before
    assert app.import_mapping(org, "viva-goals") == mapped


def test_an_unknown_new_owner_of_an_imported_objective_is_a_note(app: OKRApplication) -> None:
    org = imported_twice(app)
    for_all = objectives(app, org)[("Q2 2026", "Selvbetjening for alle")]
    # Row 11's owner is no member, and the cell has no e-mail to add them with.
    unknown = edited(REWORKED, "E11", "Ukjent Person")

    plan, result = run(app, org, unknown)

    assert result is not None
    assert (
        "row 11: owner not changed: no member 'Ukjent Person' in Fjellby kommune, and no "
        "e-mail to add them with" in plan.notes
    )
    assert plan.counts()["new_owners"] == 1  # the initiative's
    assert app.get_objective(for_all.id).owner_id == for_all.owner_id


def test_an_objective_moved_to_a_new_period_makes_no_cycle(app: OKRApplication) -> None:
    org = imported_twice(app)
    cycles = [c.label for c in app.cycles(org)]
    # Row 14, Data deles åpent, now in a quarter okr-es has no cycle of.
    later = edited(REWORKED, "G14", "Q3 2026")

    plan, _ = run(app, org, later)

    assert plan.counts()["cycles"] == 0
    assert [c.label for c in app.cycles(org)] == cycles
    assert (
        "row 14: 'Data deles åpent' moved from Q2 2026 to Q3 2026 in Viva Goals; okr-es keeps "
        "it in Q2 2026 — move it by hand" in plan.notes
    )


def test_an_objective_reopened_in_viva_goals_stays_closed_with_a_note(
    app: OKRApplication,
) -> None:
    org, _ = fjellby(app)
    run(app, org, FIRST)
    stable = objectives(app, org)[("Q1 2026", "Plattformen er stabil")]
    reopened = edited(FIRST, "P8", "On Track")  # row 8's Status: no longer Closed

    plan, result = run(app, org, reopened)

    assert (result, plan.is_empty()) == (None, True)
    assert (
        "row 8: 'Plattformen er stabil' is open in Viva Goals, closed in okr-es: left closed "
        "— reopen it by hand" in plan.notes
    )
    assert app.get_objective(stable.id).status == "closed"


def test_a_key_result_removed_in_okr_es_is_not_added_again(app: OKRApplication) -> None:
    org = imported_twice(app)
    admin = member(app, org, "kari@fjellby.no")
    answers = objectives(app, org)[("Q1 2026", "Innbyggerne finner svar selv")]
    days = next(k for k in answers.active_key_results() if k.title == "Svartid i dager")
    app.remove_key_result(objective_id=answers.id, key_result_id=days.id, reason="Utgår",
                          by=admin)  # fmt: skip
    before = app.position()

    plan, result = run(app, org, LATER)

    assert "row 6: 'Svartid i dager' was removed in okr-es: not added again" in plan.notes
    assert (result, plan.is_empty(), app.position()) == (None, True, before)
    titles = [k.title for k in app.get_objective(answers.id).active_key_results()]
    assert "Svartid i dager" not in titles


def test_the_command_line_dry_run_lists_the_changes_by_row(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        imported_twice(app)
        before = app.position()
    file = tmp_path / "reworked.xlsx"
    file.write_bytes(REWORKED)
    common = ("--organization", "Fjellby kommune", "--by", "kari@fjellby.no")

    dry = okr_es(sqlite_settings, "import", "viva", str(file), *common, "--dry-run")

    assert dry.code == 0, dry.err
    for line in (
        "would write row 4: rename objective 'Innbyggerne finner svar selv' → "
        "'Innbyggerne finner svarene selv'",
        "would write row 6: change key result 'Svartid i dager' → 'Svartid i virkedager'",
        "would write row 11: new owner of objective 'Selvbetjening for alle': Per Johansen → "
        "Kari Nordmann",
        "would write row 11: align objective 'Selvbetjening for alle': 'Fjellby er en digital "
        "kommune' → 'Digitale tjenester for alle'",
        "would write row 7: new owner of initiative 'Ny chatbot i drift': Per Johansen → "
        "Ola Hansen",
        *(f"note: {note}" for note in MOVES_AND_DELETIONS),
    ):
        assert line in dry.out.splitlines()
    with OKRApplication(sqlite_settings) as app:
        assert app.position() == before
    real = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert real.code == 0, real.err
    again = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert "Nothing changed since the last import" in again.out
