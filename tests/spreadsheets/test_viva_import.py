"""Microsoft Viva Goals exports (XLSX and CSV, English and Norwegian headers) import as one
cycle's OKRs: teams as units, the time period as a cycle, metrics as key results with a
check-in; bad rows are named by row and column and nothing is written; a second import
of the same file writes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from openpyxl import Workbook

from okr_es.aggregates.initiative import Initiative
from okr_es.application import OKRApplication
from okr_es.history.viva import plan_viva_import, write_viva_import
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import SheetInvalid
from okr_es.spreadsheets.viva import read_viva
from okr_es.spreadsheets.viva_values import cell_date, period_of
from support.cli_process import okr_es
from support.fjellby import fjellby

# The columns of an Explorer export with (nearly) every field selected.
ENGLISH = [
    "Id", "Title", "Object type", "Description", "Owner", "Team", "Time period",
    "Aligned parent", "Start date", "Due", "Metric start", "Metric target",
    "Metric current", "Metric unit", "Progress", "Status", "Score", "Closing note", "Tags",
    "Created by", "Created on", "Last modified", "Last check-in", "Check-in note",
    "Check-in owner", "Progress method", "Weight", "Visibility", "Level", "Parent id",
    "Contributors", "Key result type", "Target direction", "Confidence", "Goal cycle",
    "Workspace", "URL", "Comments", "Attachments", "Archived",
]  # fmt: skip
NORWEGIAN = {
    "Title": "Tittel", "Object type": "Objekttype", "Owner": "Eier", "Team": "Team",
    "Time period": "Tidsperiode", "Aligned parent": "Justert overordnet",
    "Start date": "Startdato", "Due": "Forfallsdato", "Metric start": "Startverdi",
    "Metric target": "Målverdi", "Metric current": "Gjeldende verdi", "Progress": "Fremdrift",
    "Status": "Status",
}  # fmt: skip
JAN_1_2026 = 46023  # Excel's serial number of 2026-01-01
ROWS: list[dict[str, Any]] = [
    {"Id": "v-1", "Title": "Innbyggerne finner svar selv", "Object type": "Objective",
     "Owner": "per@fjellby.no", "Team": "Team Data", "Time period": "Q1 2026",
     "Start date": JAN_1_2026, "Due": datetime(2026, 3, 31), "Status": "On Track"},
    {"Id": "v-2", "Title": "Selvbetjente saker", "Object type": "Key Result",
     "Owner": "Per Johansen", "Metric start": 20, "Metric target": 60, "Metric current": 35,
     "Progress": 37.5, "Status": "On Track", "Start date": JAN_1_2026, "Due": "2026-03-31"},
    {"Id": "v-3", "Title": "Svartid i dager", "Object type": "Key Result",
     "Owner": "Per Johansen", "Metric start": 21, "Metric target": 10, "Metric current": 18,
     "Status": "At Risk", "Due": "31.03.2026"},
    {"Id": "v-4", "Title": "Ny chatbot i drift", "Object type": "Project",
     "Owner": "Per Johansen", "Status": "Not Started"},
    {"Id": "v-5", "Title": "Plattformen er stabil", "Object type": "Objective",
     "Owner": "Ola Hansen", "Team": "Team Analyse", "Time period": "Q1 2026",
     "Aligned parent": "Kommunen er digital"},
    {"Id": "v-6", "Title": "Oppetid i prosent", "Object type": "Key Result",
     "Owner": "Ola Hansen", "Metric start": 0, "Metric target": 99.5, "Metric current": 99,
     "Status": "Behind", "Score": 0.7, "Closing note": "Nesten"},
    {"Id": "v-7", "Title": "Driftshåndbok skrevet", "Object type": "Key Result",
     "Owner": "Ola Hansen", "Progress": 100, "Status": "Closed", "Score": 1},
]  # fmt: skip


def workbook(
    rows: list[dict[str, Any]],
    headers: list[str],
    merge_team: bool = True,
    names: dict[str, str] | None = None,
) -> bytes:
    """An Explorer export as Viva Goals wrote it: Team and Time period merged over the rows
    of an objective."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([(names or {}).get(h, h) for h in headers])
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    if merge_team:
        for column in ("Team", "Time period"):
            letter = sheet.cell(1, headers.index(column) + 1).column_letter
            sheet.merge_cells(f"{letter}2:{letter}5")  # the first objective's rows
            sheet.merge_cells(f"{letter}6:{letter}8")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def norwegian_csv(rows: list[dict[str, Any]]) -> bytes:
    """Norwegian headers, ';' as Excel writes where the comma is decimal, text dates;
    only some columns (no Id, Score, Tags...)."""
    headers = list(NORWEGIAN)
    statuses = {"On Track": "På sporet", "At Risk": "I faresonen", "Behind": "Bak skjema",
                "Closed": "Lukket", "Not Started": "Ikke startet"}  # fmt: skip
    lines = [";".join(NORWEGIAN[h] for h in headers)]
    for row in rows:
        cells = []
        for h in headers:
            value = row.get(h)
            if h == "Status" and value:
                value = statuses[value]
            elif h == "Object type" and value:
                value = {"Objective": "Mål", "Key Result": "Nøkkelresultat"}.get(value, "Prosjekt")
            elif h == "Time period" and value:
                value = "Jan 2026 - Mar 2026"
            elif value == JAN_1_2026:
                value = "01.01.2026"
            elif isinstance(value, datetime):
                value = value.strftime("%d.%m.%Y")
            elif isinstance(value, float):
                value = str(value).replace(".", ",")
            cells.append("" if value is None else str(value))
        lines.append(";".join(cells))
    return "\n".join(lines).encode("utf-8-sig")


def imported(app: OKRApplication, org: UUID, data: bytes, fmt: Any, **kw: Any) -> Any:
    plan = plan_viva_import(app, read_viva(data, fmt), organization_id=org, **kw)
    members = app.get_organization(org).members.values()
    admin = next(m.id for m in members if m.email == "kari@fjellby.no")
    return plan, write_viva_import(app, plan, by=admin)


def key_results(app: OKRApplication, org: UUID, unit: str, cycle_id: UUID) -> dict[str, Any]:
    units = {u.name: u.id for u in app.get_organization(org).units.values()}
    team_cycle = app.get_team_cycle(units[unit], cycle_id)
    assert team_cycle is not None
    found = {}
    for objective_id in team_cycle.objective_ids:
        objective = app.get_objective(objective_id)
        found[objective.title] = {kr.title: kr for kr in objective.active_key_results()}
    return found


@pytest.mark.parametrize("variant", ["english-xlsx", "norwegian-xlsx", "norwegian-csv"])
def test_an_export_imports_as_a_cycle_of_units_objectives_and_check_ins(
    app: OKRApplication, variant: str
) -> None:
    org, _ = fjellby(app)
    if variant == "english-xlsx":
        data, fmt, label = workbook(ROWS, ENGLISH), "xlsx", "Q1 2026"
    elif variant == "norwegian-xlsx":
        data, fmt, label = workbook(ROWS, ENGLISH, names=NORWEGIAN), "xlsx", "Q1 2026"
    else:
        data, fmt, label = norwegian_csv(ROWS), "csv", "Jan 2026 - Mar 2026"

    plan, result = imported(app, org, data, fmt, create_members=False)

    assert plan.counts() == {
        "cycles": 1, "units": 1, "members": 0, "objectives": 2, "key_results": 4,
        "changed_targets": 0, "renamed": 0, "new_owners": 0, "realigned": 0,
        "check_ins": 3, "closed": 0, "initiatives": 1,
        "already_imported": 0,
    }  # fmt: skip
    project = app.read_aggregate(Initiative, result.ids["initiative_id_0"])
    assert project.title == "Ny chatbot i drift"
    assert any("row 8" in n and "closed in Viva Goals" in n for n in plan.notes)
    (cycle,) = app.cycles(org)
    assert (cycle.label, cycle.kind, cycle.start, cycle.end) == (
        label, "quarter", date(2026, 1, 1), date(2026, 3, 31)
    )  # fmt: skip
    organization = app.get_organization(org)
    analyse = next(u for u in organization.units.values() if u.name == "Team Analyse")
    team_data = next(u for u in organization.units.values() if u.name == "Team Data")
    assert (project.unit_id, organization.members[project.owner_id].name) == (
        team_data.id, "Per Johansen"
    )  # fmt: skip
    assert analyse.parent_id == organization.root_unit_id
    data_krs = key_results(app, org, "Team Data", cycle.id)["Innbyggerne finner svar selv"]
    assert data_krs.keys() == {"Selvbetjente saker", "Svartid i dager"}
    share, days = data_krs["Selvbetjente saker"], data_krs["Svartid i dager"]
    assert (share.metric, share.start, share.target, share.current, share.status) == (
        "increase", 20, 60, 35, "green"
    )  # fmt: skip
    assert (days.metric, days.current, days.status) == ("decrease", 18, "red")
    platform = key_results(app, org, "Team Analyse", cycle.id)["Plattformen er stabil"]
    assert (platform["Oppetid i prosent"].current, platform["Oppetid i prosent"].status) == (
        99,
        "yellow",
    )
    assert platform["Driftshåndbok skrevet"].metric == "milestone"
    assert platform["Driftshåndbok skrevet"].current is None  # closed: no check-in
    assert result.position == app.position()


def test_a_second_import_of_the_same_file_writes_nothing(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    data = workbook(ROWS, ENGLISH)
    imported(app, org, data, "xlsx", create_members=False)
    before = app.position()

    viva = read_viva(data, "xlsx")
    again = plan_viva_import(app, viva, organization_id=org, create_members=False)

    assert again.is_empty()
    assert again.counts()["already_imported"] == 2
    assert app.position() == before


def test_unknown_owners_and_impossible_numbers_are_named_and_nothing_is_written(
    app: OKRApplication,
) -> None:
    org, _ = fjellby(app)
    rows = [dict(r) for r in ROWS]
    rows[0]["Owner"] = rows[4]["Owner"] = "Nina Berg"  # not a member, no e-mail
    rows[1]["Metric target"] = 20  # the same as its start
    rows[2]["Metric current"] = "atten"
    rows[5]["Status"] = "Sideways"
    before = app.position()

    with pytest.raises(SheetInvalid) as raised:
        plan_viva_import(
            app, read_viva(workbook(rows, ENGLISH), "xlsx"), organization_id=org,
            create_members=False,
        )  # fmt: skip
    problems = {(p.row, p.column, p.code) for p in raised.value.problems}
    assert problems == {
        (3, "Metric target", "metric-mismatch"),
        (4, "Metric current", "not-a-number"),
        (7, "Status", "invalid-choice"),
    }
    rows[1]["Metric target"], rows[2]["Metric current"], rows[5]["Status"] = 60, 18, "Behind"
    with pytest.raises(SheetInvalid) as raised:
        plan_viva_import(
            app, read_viva(workbook(rows, ENGLISH), "xlsx"), organization_id=org,
            create_members=True,
        )  # fmt: skip
    assert [(p.row, p.column, p.code) for p in raised.value.problems] == [
        (2, "Owner", "unknown-member"),
        (6, "Owner", "unknown-member"),
    ]
    assert app.position() == before


def test_create_members_adds_owners_given_by_e_mail(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    rows = [dict(r) for r in ROWS]
    rows[4]["Owner"] = "Nina Berg <nina@fjellby.no>"

    plan, _ = imported(app, org, workbook(rows, ENGLISH), "xlsx", create_members=True)

    assert plan.counts()["members"] == 1
    members = {m.email: m.name for m in app.get_organization(org).members.values()}
    assert members["nina@fjellby.no"] == "Nina Berg"


def test_missing_optional_columns_and_unmerged_cells_are_read() -> None:
    headers = ["Title", "Object type", "Owner", "Team", "Time period", "Metric target"]
    rows = [
        {"Title": "O", "Object type": "objective", "Owner": "a@b.no", "Team": "T",
         "Time period": "FY26 Q2"},
        {"Title": "KR", "Object type": "key result", "Metric target": 5},
    ]  # fmt: skip
    viva = read_viva(workbook(rows, headers, merge_team=False), "xlsx")
    assert viva.period.start == date(2026, 4, 1)
    ((objective),) = viva.objectives
    (kr,) = objective.key_results
    assert (kr.team, kr.metric, kr.metric_start, kr.target) == ("T", "increase", 0, 5)


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("Q1 2026", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2026 Q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
        ("FY26 Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("H2 2026", date(2026, 7, 1), date(2026, 12, 31), "half_year"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("Jan 2026 - Apr 2026", date(2026, 1, 1), date(2026, 4, 30), "tertial"),
        ("okt 2026 - des 2026", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
    ],
)
def test_time_periods(text: str, start: date, end: date, kind: str) -> None:
    period = period_of(text)
    assert period is not None
    assert (period.start, period.end, period.kind) == (start, end, kind)


def test_dates_in_every_form() -> None:
    wanted = date(2026, 1, 1)
    for cell in (JAN_1_2026, float(JAN_1_2026), "46023", datetime(2026, 1, 1), "2026-01-01",
                 "01.01.2026", "1/1/2026"):  # fmt: skip
        assert cell_date(cell) == wanted


def test_the_command_line_dry_run_imports_and_second_run(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        fjellby(app)
        before = app.position()
    file = tmp_path / "viva.xlsx"
    file.write_bytes(workbook(ROWS, ENGLISH))
    common = ("--organization", "Fjellby kommune", "--by", "kari@fjellby.no")

    dry = okr_es(sqlite_settings, "import", "viva", str(file), *common, "--dry-run")
    assert dry.code == 0, dry.err
    assert "Would import Q1 2026 into Fjellby kommune: cycles: 1, units: 1, members: 0" in dry.out
    assert "dry run: nothing was written" in dry.out
    with OKRApplication(sqlite_settings) as app:
        assert app.position() == before

    real = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert real.code == 0, real.err
    assert "Imported (log position" in real.out
    with OKRApplication(sqlite_settings) as app:
        after = app.position()

    again = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert again.code == 0, again.err
    assert "Nothing changed since the last import" in again.out
    with OKRApplication(sqlite_settings) as app:
        assert app.position() == after

    rows = [dict(r) for r in ROWS]
    rows[0].update(Id="v-99", Title="Et nytt mål", Owner="nobody@else.no")
    file.write_bytes(workbook(rows, ENGLISH))
    bad = okr_es(sqlite_settings, "import", "viva", str(file), *common)
    assert bad.code == 1
    assert "row 2, column Owner" in bad.err
    assert "nothing was imported" in bad.err


def test_without_a_team_column_objectives_are_the_organisations(app: OKRApplication) -> None:
    org, _ = fjellby(app)
    headers = ["Title", "Object type", "Owner", "Time period", "Metric target", "Extra"]
    rows = [
        {"Title": "Fjellby er digital", "Object type": "Objective",
         "Owner": "Per Johansen; Ola Hansen", "Time period": "2026 Q1", "Extra": "x"},
        {"Title": "Digitale skjema", "Object type": "Key result", "Metric target": 40},
    ]  # fmt: skip

    imported(app, org, workbook(rows, headers, merge_team=False), "xlsx", create_members=False)

    organization = app.get_organization(org)
    team_cycle = app.get_team_cycle(organization.root_unit_id, app.cycles(org)[0].id)
    assert team_cycle is not None
    (objective_id,) = team_cycle.objective_ids
    objective = app.get_objective(objective_id)
    assert organization.members[objective.owner_id].name == "Per Johansen"
    assert [kr.title for kr in objective.active_key_results()] == ["Digitale skjema"]


def test_a_period_that_clashes_with_a_stored_cycle_is_named_before_anything_is_written(
    app: OKRApplication,
) -> None:
    org, admin = fjellby(app)
    app.define_cycle(
        organization_id=org, label="Q1 2026", kind="quarter", start=date(2026, 1, 1),
        end=date(2026, 2, 28), by=admin,
    )  # fmt: skip
    app.define_cycle(
        organization_id=org, label="Vinter", kind="custom", start=date(2026, 3, 1),
        end=date(2026, 4, 30), by=admin,
    )  # fmt: skip
    rows = [dict(r) for r in ROWS]
    english = read_viva(workbook(rows, ENGLISH), "xlsx")
    for r in rows:
        if r.get("Time period"):
            r["Time period"] = "Mar 2026 - May 2026"
    overlapping = read_viva(workbook(rows, ENGLISH), "xlsx")

    for viva, code in ((english, "cycle-mismatch"), (overlapping, "cycle-overlap")):
        with pytest.raises(SheetInvalid) as raised:
            plan_viva_import(app, viva, organization_id=org, create_members=False)
        (problem,) = raised.value.problems
        assert (problem.row, problem.column, problem.code) == (2, "Time period", code)


def test_the_command_line_wants_the_export_after_viva(sqlite_settings: Settings) -> None:
    common = ("--organization", "Fjellby kommune", "--by", "kari@fjellby.no")
    missing = okr_es(sqlite_settings, "import", "viva", *common)
    assert missing.code == 1
    assert "import viva FILE" in missing.err
    other = okr_es(sqlite_settings, "import", "asana", "export.csv", *common)
    assert other.code == 1
    assert "unknown import source 'asana'" in other.err


def test_a_stored_cycle_of_the_same_dates_is_filled(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    cycle_id = app.define_cycle(
        organization_id=org, label="2026 K1", kind="quarter", start=date(2026, 1, 1),
        end=date(2026, 3, 31), by=admin,
    ).ids["cycle_id"]  # fmt: skip

    plan, _ = imported(app, org, workbook(ROWS, ENGLISH), "xlsx", create_members=False)

    assert plan.counts()["cycles"] == 0
    assert [c.id for c in app.cycles(org)] == [cycle_id]
    assert "Innbyggerne finner svar selv" in key_results(app, org, "Team Data", cycle_id)
