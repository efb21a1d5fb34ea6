"""Realistic Viva Goals exports (tests/data/viva): several time periods become several
cycles, the check-in history becomes back-dated check-ins, alignment and projects are
linked, closed objectives are closed with their scores; the map of imported items is
stored, so importing the same export again writes nothing and a later export adds only
what changed. Bad input names its row and column and writes nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from openpyxl import Workbook, load_workbook

from okr_es.aggregates.import_mapping import VIVA_GOALS, ImportMapping, import_mapping_id
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import CLOSED, Objective
from okr_es.application import OKRApplication
from okr_es.history.as_of import effective_events
from okr_es.history.viva import plan_viva_import, write_viva_import
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import SheetInvalid
from okr_es.spreadsheets.viva import read_viva
from support.cli_process import okr_es
from support.fjellby import fjellby

DATA = Path(__file__).resolve().parents[1] / "data" / "viva"
FIRST = (DATA / "fjellby_2026_en.xlsx").read_bytes()
LATER = (DATA / "fjellby_2026_en_later.xlsx").read_bytes()
NORWEGIAN = (DATA / "fjellby_2026_no.csv").read_bytes()


def admin_of(app: OKRApplication, org: UUID) -> UUID:
    members = app.get_organization(org).members.values()
    return next(m.id for m in members if m.email == "kari@fjellby.no")


def run(app: OKRApplication, org: UUID, data: bytes, fmt: Any = "xlsx") -> Any:
    plan = plan_viva_import(app, read_viva(data, fmt), organization_id=org, create_members=True)
    if plan.is_empty():
        return plan, None
    return plan, write_viva_import(app, plan, by=admin_of(app, org))


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


def kr(objective: Objective, title: str) -> Any:
    return next(k for k in objective.key_results.values() if k.title == title)


def effective_check_ins(
    app: OKRApplication, objective: Objective, title: str, when: datetime
) -> list[tuple[datetime, float, str]]:
    """A key result's check-ins that had taken effect by ``when`` in business time."""
    events = list(enumerate(app.events.get(objective.id)))
    wanted = kr(objective, title).id
    return [
        (e.checked_in_at, e.value, e.status)
        for _, e in effective_events(events, when)
        if isinstance(e, Objective.CheckInMade) and e.key_result_id == wanted
    ]


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def test_a_two_quarter_export_with_its_check_in_history(app: OKRApplication) -> None:
    org, _ = fjellby(app)

    plan, result = run(app, org, FIRST)

    assert plan.counts() == {
        "cycles": 2, "units": 1, "members": 1, "objectives": 5, "key_results": 7,
        "changed_targets": 0, "renamed": 0, "new_owners": 0, "realigned": 0,
        "check_ins": 10, "closed": 1, "initiatives": 1,
        "already_imported": 0,
    }  # fmt: skip
    assert [(c.label, c.start, c.end) for c in app.cycles(org)] == [
        ("Q1 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Q2 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ]
    found = objectives(app, org)
    digital = found[("Q1 2026", "Fjellby er en digital kommune")]
    answers = found[("Q1 2026", "Innbyggerne finner svar selv")]
    # Alignment to a parent unit's objective, across quarters too.
    assert answers.aligned_to_objective_id == digital.id
    assert found[("Q2 2026", "Selvbetjening for alle")].aligned_to_objective_id == digital.id
    assert found[("Q1 2026", "Plattformen er stabil")].aligned_to_objective_id == digital.id
    # Team Analyse is new (under the root): not a child of Team Data, so not aligned.
    assert found[("Q1 2026", "Bedre data for styring")].aligned_to_objective_id is None
    assert any("row 11" in n and "alignment" in n for n in plan.notes)
    # The history: business dates from the export, the latest reading is current.
    share = kr(answers, "Selvbetjente saker")
    assert (share.current, share.status, share.check_in_count) == (35, "green", 3)
    assert share.last_check_in_at == day(2026, 2, 15)
    assert effective_check_ins(app, answers, "Selvbetjente saker", day(2026, 2, 10)) == [
        (day(2026, 1, 15), 24, "green"),
        (day(2026, 2, 1), 30, "yellow"),
    ]
    # Recorded now, effective then.
    (recorded,) = {e.timestamp.date() for e in app.events.get(answers.id)}
    assert recorded > date(2026, 3, 31)
    applications = kr(digital, "Andel digitale søknader")
    assert (applications.current, applications.last_check_in_at) == (52, day(2026, 3, 2))
    # A closed objective is closed with its key results' scores, after its history.
    stable = found[("Q1 2026", "Plattformen er stabil")]
    assert stable.status == CLOSED
    assert sorted(stable.scores.values()) == [0.9, 1.0]
    assert kr(stable, "Oppetid i prosent").check_in_count == 2
    # The project is an initiative of its team, linked to the key result it names.
    initiative = app.read_aggregate(Initiative, result.ids["initiative_id_0"])
    assert (initiative.title, initiative.due_on) == ("Ny chatbot i drift", date(2026, 3, 15))
    assert [link.key_result_id for link in initiative.links] == [share.id]
    # The mapping is stored: Viva Goals' ids → okr-es ids.
    mapping = app.read_aggregate(ImportMapping, import_mapping_id(org, VIVA_GOALS))
    assert mapping.ids["o:id:VG-110"] == answers.id
    assert mapping.ids["k:id:VG-111"] == share.id


def test_the_same_export_again_writes_nothing(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    run(app, org, FIRST)
    before = app.position()

    plan, result = run(app, org, FIRST)

    assert result is None
    assert plan.is_empty()
    assert plan.counts()["already_imported"] == 5
    assert app.position() == before


def test_a_later_export_adds_only_what_changed(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    run(app, org, FIRST)
    share_id = kr(objectives(app, org)[("Q1 2026", "Innbyggerne finner svar selv")],
                  "Selvbetjente saker").id  # fmt: skip

    plan, _ = run(app, org, LATER)

    assert plan.counts() == {
        "cycles": 0, "units": 0, "members": 0, "objectives": 1, "key_results": 2,
        "changed_targets": 1, "renamed": 0, "new_owners": 0, "realigned": 0,
        "check_ins": 2, "closed": 1, "initiatives": 0,
        "already_imported": 5,
    }  # fmt: skip
    found = objectives(app, org)
    answers = found[("Q1 2026", "Innbyggerne finner svar selv")]
    share = kr(answers, "Selvbetjente saker")
    assert share.id == share_id
    assert (share.target, share.current, share.check_in_count) == (65, 40, 4)
    chats = kr(answers, "Chatbot-samtaler per uke")
    assert (chats.current, chats.last_check_in_at) == (120, day(2026, 3, 20))
    digital = found[("Q1 2026", "Fjellby er en digital kommune")]
    assert digital.status == CLOSED
    assert digital.scores == {kr(digital, "Andel digitale søknader").id: 0.6}
    assert digital.status_reason == "Nesten i mål"
    assert ("Q2 2026", "Data deles åpent") in found
    again, _ = run(app, org, LATER)
    assert again.is_empty()


def test_a_norwegian_csv_with_check_in_rows_and_text_dates(app: OKRApplication) -> None:
    org, _ = fjellby(app)

    plan, _ = run(app, org, NORWEGIAN, "csv")

    assert plan.labels == ["Jan 2026 - Mar 2026", "Apr 2026 - Jun 2026"]
    found = objectives(app, org)
    survey = kr(found[("Jan 2026 - Mar 2026", "Bedre tjenester på nett")], "Brukertilfredshet")
    assert (survey.start, survey.target, survey.current, survey.check_in_count) == (
        3.5, 4.5, 4.1, 2,
    )  # fmt: skip
    assert survey.last_check_in_at == day(2026, 3, 1)
    waiting = kr(found[("Jan 2026 - Mar 2026", "Bedre tjenester på nett")],
                 "Ventetid på telefon (min)")  # fmt: skip
    assert (waiting.metric, waiting.current) == ("decrease", None)
    uptime = kr(found[("Apr 2026 - Jun 2026", "Drift uten avbrudd")], "Oppetid")
    assert (uptime.current, uptime.status, uptime.last_check_in_at) == (
        99.4, "red", day(2026, 4, 15),
    )  # fmt: skip
    # Without ids, items are known by kind, period, team and title: nothing twice.
    again, _ = run(app, org, NORWEGIAN, "csv")
    assert again.is_empty()


def edited(data: bytes, sheet: str, cell: str, value: Any) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "row", "column", "code"),
    [
        ("Check-ins", "C3", "31.02.2026", 3, "Check-ins: Check-in date", "invalid-date"),
        ("Check-ins", "D4", "mye", 4, "Check-ins: Metric current", "not-a-number"),
        ("Check-ins", "A5", "VG-999", 5, "Check-ins: Key result", "unknown-key-result"),
        ("Check-ins", "E6", "Sideways", 6, "Check-ins: Status", "invalid-choice"),
        ("Check-ins", "C7", "01.01.2099", 7, "Check-ins: Check-in date", "in-the-future"),
        ("Explorer", "A7", "VG-100", 7, "Id", "duplicate-id"),
        ("Explorer", "G13", "Q2 2026 - Q1", 13, "Time period", "invalid-period"),
        # The year overlaps the file's other period, Q1 2026: two cycles cannot both be.
        ("Explorer", "G13", "2026", 13, "Time period", "cycle-overlap"),
    ],
)
def test_bad_cells_are_named_and_nothing_is_written(
    app: OKRApplication, sheet: str, cell: str, value: Any, row: int, column: str, code: str
) -> None:
    org, _ = fjellby(app)
    before = app.position()

    with pytest.raises(SheetInvalid) as raised:
        run(app, org, edited(FIRST, sheet, cell, value))

    assert [(p.row, p.column, p.code) for p in raised.value.problems] == [(row, column, code)]
    assert app.position() == before


def test_a_period_overlapping_a_stored_cycle_writes_nothing(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    app.define_cycle(
        organization_id=org, label="Vår", kind="custom", start=date(2026, 5, 1),
        end=date(2026, 8, 31), by=admin,
    )  # fmt: skip
    before = app.position()

    with pytest.raises(SheetInvalid) as raised:
        run(app, org, FIRST)

    (problem,) = raised.value.problems
    assert (problem.row, problem.column, problem.code) == (13, "Time period", "cycle-overlap")
    assert "Q2 2026" in problem.message and "'Vår'" in problem.message
    assert app.position() == before


def test_the_command_line_dry_run_lists_what_it_would_write(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        fjellby(app)
        before = app.position()
    file = tmp_path / "export.xlsx"
    file.write_bytes(FIRST)
    common = ("--organization", "Fjellby kommune", "--by", "kari@fjellby.no", "--create-members")

    dry = okr_es(sqlite_settings, "import", "viva", str(file), *common, "--dry-run")

    assert dry.code == 0, dry.err
    assert "Would import Q1 2026, Q2 2026 into Fjellby kommune: cycles: 2" in dry.out
    assert "would write row 5: new key result 'Selvbetjente saker'" in dry.out
    assert (
        "would write row 3 (Check-ins sheet): check-in of 'Selvbetjente saker': 30 yellow on "
        "2026-02-01" in dry.out
    )
    assert "would write row 8: close 'Plattformen er stabil'" in dry.out
    assert "would write row 7: new initiative 'Ny chatbot i drift'" in dry.out
    with OKRApplication(sqlite_settings) as app:
        assert app.position() == before
    real = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert real.code == 0, real.err
    again = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert "Nothing changed since the last import" in again.out


def test_a_plan_the_store_moved_past_is_refused_whole_and_can_be_run_again(
    app: OKRApplication,
) -> None:
    org, admin = fjellby(app)
    run(app, org, FIRST)
    mapped = app.import_mapping(org, VIVA_GOALS)
    plan = plan_viva_import(app, read_viva(LATER, "xlsx"), organization_id=org,
                            create_members=True)  # fmt: skip
    answers = objectives(app, org)[("Q1 2026", "Innbyggerne finner svar selv")]
    # Between planning and writing, someone drops the objective the plan changes.
    app.drop_objective(objective_id=answers.id, reason="Slått sammen", by=admin)
    before = app.position()

    with pytest.raises(SheetInvalid) as raised:
        write_viva_import(app, plan, by=admin)

    (problem,) = raised.value.problems
    assert (problem.row, problem.code) == (7, "objective-dropped")  # its new key result
    assert app.position() == before
    assert app.import_mapping(org, VIVA_GOALS) == mapped
    assert ("Q2 2026", "Data deles åpent") not in objectives(app, org)
    # Planned again against the store as it is: the dropped objective is left alone.
    again, _ = run(app, org, LATER)
    assert again.counts()["changed_targets"] == 0
    assert ("Q2 2026", "Data deles åpent") in objectives(app, org)


def test_an_objective_aligns_to_one_of_an_earlier_export_by_its_id(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    run(app, org, FIRST)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Id", "Title", "Object type", "Owner", "Team", "Time period", "Parent id"])
    sheet.append(["VG-300", "Alle skjema er digitale", "Objective", "per@fjellby.no",
                  "Team Data", "Q2 2026", "VG-100"])  # fmt: skip
    sheet.append(["VG-301", "Papirskjema igjen", "Objective", "ola@fjellby.no",
                  "Team Platform", "Q2 2026", "VG-110"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)

    plan, _ = run(app, org, out.getvalue())

    found = objectives(app, org)
    digital = found[("Q1 2026", "Fjellby er en digital kommune")]
    assert found[("Q2 2026", "Alle skjema er digitale")].aligned_to_objective_id == digital.id
    # Team Data is not above Team Platform: a note, and the objective is imported without.
    assert found[("Q2 2026", "Papirskjema igjen")].aligned_to_objective_id is None
    assert any(n.startswith("row 3: alignment to 'VG-110' not imported") for n in plan.notes)
