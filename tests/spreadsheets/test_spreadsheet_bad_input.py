"""Every kind of bad spreadsheet is refused with the row and column at fault, and nothing
is written (the log does not move)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

import pytest

from okr_es.application import OKRApplication
from okr_es.history.sheets import import_rows
from okr_es.spreadsheets.rows import COLUMNS, MAX_ROWS, Problem, SheetInvalid
from okr_es.spreadsheets.tables import Format, read_rows, write_xlsx
from support.fjellby import CSV_FILE, XLSX_FILE, fjellby

GOOD = dict(
    zip(
        COLUMNS,
        (
            "2027 Q1", "quarter", "2027-01-01", "2027-03-31", "Team Data",
            "Beslutninger tas på data", "", "Per Johansen", "Datakilder med eier", "increase",
            "3", "12", "count", "5", "green",
        ),
        strict=True,
    )
)  # fmt: skip


def _csv(*changes: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """A CSV of one good row per change, each with the change applied."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for change in changes:
        row = {**GOOD, **change}
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode()


def _refused(
    app: OKRApplication, data: bytes, fmt: Format = "csv"
) -> list[Problem]:
    """The problems an import of ``data`` gives; asserts that nothing was written."""
    org, admin = fjellby(app)
    before = app.position()
    with pytest.raises(SheetInvalid) as refused:
        import_rows(app, read_rows(data, fmt), organization_id=org, by=admin)
    assert app.position() == before
    return refused.value.problems


def _only(problems: list[Problem]) -> tuple[int, str | None, str]:
    assert len(problems) == 1, problems
    return problems[0].row, problems[0].column, problems[0].code


def test_an_xlsx_that_is_a_csv_is_refused(app: OKRApplication) -> None:
    problems = _refused(app, CSV_FILE.read_bytes(), "xlsx")
    assert _only(problems) == (0, None, "not-xlsx")
    assert "CSV" in problems[0].message


def test_a_csv_that_is_a_workbook_is_refused(app: OKRApplication) -> None:
    assert _only(_refused(app, XLSX_FILE.read_bytes(), "csv")) == (0, None, "not-csv")


def test_a_garbled_workbook_is_refused(app: OKRApplication) -> None:
    garbled = XLSX_FILE.read_bytes()[:300] + bytes(range(256)) * 8
    assert _only(_refused(app, garbled, "xlsx")) == (0, None, "not-xlsx")


def test_a_zip_that_is_no_workbook_is_refused(app: OKRApplication) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert _only(_refused(app, out.getvalue(), "xlsx")) == (0, None, "not-xlsx")


def test_a_workbook_that_unpacks_to_far_more_than_it_is_is_refused(app: OKRApplication) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)
    assert _only(_refused(app, out.getvalue(), "xlsx")) == (0, None, "too-large")


def test_a_binary_file_claimed_as_csv_is_refused(app: OKRApplication) -> None:
    assert _only(_refused(app, b"\x00\x01\x02garbage\xff" * 10, "csv")) == (0, None, "not-csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_file_is_refused(app: OKRApplication, fmt: Format) -> None:
    assert _only(_refused(app, b"", fmt)) == (0, None, "empty")


def test_a_header_alone_is_refused(app: OKRApplication) -> None:
    assert _only(_refused(app, _csv())) == (0, None, "empty")


def test_an_unknown_column_set_is_refused_naming_the_columns(app: OKRApplication) -> None:
    data = _csv(columns=("Objective", "Key Result", "Owner", "Progress"))
    codes = [(p.row, p.code) for p in _refused(app, data)]
    assert codes == [(1, "unknown-columns"), (1, "missing-columns")]


@pytest.mark.parametrize(
    ("change", "column", "code"),
    [
        ({"target": "3"}, "target", "metric-mismatch"),  # target = start for an increase
        ({"metric": "decrease"}, "target", "metric-mismatch"),
        ({"start": "tre"}, "start", "not-a-number"),
        ({"current": "n/a"}, "current", "not-a-number"),
        ({"target": "inf"}, "target", "out-of-range"),
        ({"start": "-2", "metric_unit": "count"}, "start", "negative"),
        ({"current": "-5", "metric_unit": "percent"}, "current", "negative"),
        ({"owner": ""}, "owner", "missing-value"),
        ({"unit": ""}, "unit", "missing-value"),
        ({"metric": ""}, "metric", "missing-value"),
        ({"metric": "grow"}, "metric", "invalid-choice"),
        ({"status": ""}, "status", "missing-value"),
        ({"current": ""}, "current", "missing-value"),
        ({"status": "blue"}, "status", "invalid-choice"),
        ({"cycle_start": "01.01.2027"}, "cycle_start", "invalid-date"),
        ({"cycle_end": "2026-12-01"}, "cycle_end", "date-order"),
        ({"key_result": ""}, "key_result", "missing-value"),
        ({"metric": "milestone", "start": "", "target": "", "current": "0.5"}, "current",
         "metric-mismatch"),
    ],
)  # fmt: skip
def test_a_row_with_an_impossible_or_missing_value_is_refused(
    app: OKRApplication, change: dict[str, str], column: str, code: str
) -> None:
    problems = _refused(app, _csv({}, change))
    assert _only(problems) == (3, column, code)
    assert f"row 3, column {column}" in str(problems[0])


def test_every_bad_row_is_listed_at_once(app: OKRApplication) -> None:
    problems = _refused(app, _csv({"start": "x"}, {}, {"owner": ""}, {"target": "3"}))
    assert [(p.row, p.column) for p in problems] == [(2, "start"), (4, "owner"), (5, "target")]


def test_an_objective_whose_rows_disagree_is_refused(app: OKRApplication) -> None:
    data = _csv({}, {"key_result": "Nye dashbord", "owner": "Ola Hansen"})
    assert _only(_refused(app, data)) == (3, "owner", "inconsistent")


def test_a_second_cycle_in_one_file_is_refused(app: OKRApplication) -> None:
    data = _csv({}, {"key_result": "Nye dashbord", "cycle_end": "2027-04-30"})
    assert _only(_refused(app, data)) == (3, "cycle_end", "inconsistent")


def test_an_unknown_unit_or_owner_is_refused(app: OKRApplication) -> None:
    problems = _refused(app, _csv({"unit": "Team Ukjent"}, {"owner": "Nils Ukjent"}))
    assert [(p.row, p.column, p.code) for p in problems] == [
        (2, "unit", "unknown-unit"),
        (3, "owner", "not-found"),
    ]


def test_a_period_that_overlaps_an_existing_cycle_is_refused(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    app.define_cycle(
        organization_id=org, label="Vinter 2027", kind="custom", start="2026-12-01",
        end="2027-02-28", by=admin,
    )  # fmt: skip
    before = app.position()

    with pytest.raises(SheetInvalid) as refused:
        import_rows(app, read_rows(_csv({}), "csv"), organization_id=org, by=admin)

    assert _only(refused.value.problems) == (2, "cycle_start", "cycle-overlap")
    assert "Vinter 2027" in refused.value.problems[0].message
    assert app.position() == before


def test_a_cycle_of_the_same_label_with_other_dates_is_refused(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    app.define_cycle(
        organization_id=org, label="2027 Q1", kind="quarter", start="2027-01-01",
        end="2027-03-30", by=admin,
    )  # fmt: skip
    before = app.position()

    with pytest.raises(SheetInvalid) as refused:
        import_rows(app, read_rows(_csv({}), "csv"), organization_id=org, by=admin)

    assert _only(refused.value.problems) == (2, "cycle_end", "cycle-mismatch")
    assert app.position() == before


def test_a_rule_broken_deep_in_the_file_names_its_row_and_nothing_is_written(
    app: OKRApplication,
) -> None:
    # Six objectives for one team: the policy allows three.
    rows = [
        {"objective": f"Mål {n}", "key_result": f"KR {n}.{k}"} for n in range(6) for k in (1, 2)
    ]
    problems = _refused(app, _csv(*rows))
    assert _only(problems) == (8, "objective", "too-many-objectives")


def test_a_file_of_100_000_rows_is_refused_without_reading_it_all(app: OKRApplication) -> None:
    line = ",".join(GOOD.values()).encode() + b"\r\n"
    data = _csv() + line * 100_000
    assert _only(_refused(app, data)) == (MAX_ROWS + 2, None, "too-many-rows")


def test_the_same_problems_are_found_in_a_workbook(app: OKRApplication) -> None:
    rows = read_rows(_csv({}), "csv")
    broken: Callable[[bytes], bytes] = lambda b: b.replace(b"<v>12</v>", b"<v>3</v>")  # noqa: E731
    workbook = write_xlsx(rows)
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(patched, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, broken(data) if "worksheets" in item.filename else data)
    assert _only(_refused(app, patched.getvalue(), "xlsx")) == (2, "target", "metric-mismatch")
