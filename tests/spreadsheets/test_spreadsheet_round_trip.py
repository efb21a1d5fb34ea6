"""A cycle exported as a spreadsheet and imported into an empty organisation's cycle gives
the same spreadsheet again, on every store; an import is one transaction."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from okr_es.application import OKRApplication
from okr_es.history.sheets import cycle_rows, import_rows
from okr_es.spreadsheets.rows import SheetInvalid
from okr_es.spreadsheets.tables import Format, read_rows, write_csv, write_xlsx
from support.fjellby import CSV_FILE, XLSX_FILE, fjellby


def _export(app: OKRApplication, org: Any, cycle: Any, fmt: Format) -> bytes:
    rows = cycle_rows(app, org, cycle)
    return write_xlsx(rows) if fmt == "xlsx" else write_csv(rows)


def _cells(workbook: bytes) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_into_an_empty_cycle_export_gives_the_same_file(
    app: OKRApplication, fmt: Format
) -> None:
    source, admin = fjellby(app)
    given = CSV_FILE if fmt == "csv" else XLSX_FILE
    cycle = import_rows(app, read_rows(given.read_bytes(), fmt), organization_id=source, by=admin)
    first = _export(app, source, cycle.ids["cycle_id"], fmt)
    empty, other_admin = fjellby(app, "Fjellby kommune (kopi)")

    copied = import_rows(app, read_rows(first, fmt), organization_id=empty, by=other_admin)

    second = _export(app, empty, copied.ids["cycle_id"], fmt)
    if fmt == "csv":
        assert second == first
        # The hand-written file differs only in the byte order mark and line ends (CRLF).
        assert first.decode("utf-8-sig").splitlines() == CSV_FILE.read_text().splitlines()
    else:
        # A workbook's zip stamps its own time; what it holds is the same.
        assert _cells(second) == _cells(first)
        assert _cells(first)[1][:9] == (
            "2027 Q1", "quarter", _cells(first)[1][2], _cells(first)[1][3],
            "Digitalisering", "Innbyggerne får svar raskere", "Ventetid er den største klagen",
            "Kari Nordmann", "Median svartid på byggesaker",
        )  # fmt: skip


def test_the_import_writes_key_results_and_their_readings(app: OKRApplication) -> None:
    org, admin = fjellby(app)

    result = import_rows(
        app, read_rows(CSV_FILE.read_bytes(), "csv"), organization_id=org, by=admin
    )

    rows = cycle_rows(app, org, result.ids["cycle_id"])
    assert len(rows) == 7
    uptime = next(r for r in rows if r.key_result == "Oppetid")
    assert (uptime.metric, uptime.start, uptime.target, uptime.metric_unit) == (
        "stay_above", None, 99.5, "percent"
    )
    assert (uptime.current, uptime.status) == (99.7, "green")
    sources = next(r for r in rows if r.key_result == "Datakilder med eier")
    assert (sources.current, sources.status) == (None, "")


def test_an_import_into_an_existing_cycle_of_the_same_dates_fills_it(
    app: OKRApplication,
) -> None:
    org, admin = fjellby(app)
    defined = app.define_cycle(
        organization_id=org, label="2027 Q1", kind="quarter", start="2027-01-01",
        end="2027-03-31", by=admin,
    ).ids["cycle_id"]  # fmt: skip

    result = import_rows(
        app, read_rows(CSV_FILE.read_bytes(), "csv"), organization_id=org, by=admin
    )

    assert result.ids["cycle_id"] == defined
    assert len(cycle_rows(app, org, defined)) == 7


def test_the_same_file_imported_twice_writes_nothing_the_second_time(
    app: OKRApplication,
) -> None:
    org, admin = fjellby(app)
    rows = read_rows(CSV_FILE.read_bytes(), "csv")
    import_rows(app, rows, organization_id=org, by=admin)
    before = app.position()

    with pytest.raises(SheetInvalid) as refused:
        import_rows(app, rows, organization_id=org, by=admin)

    problem = refused.value.problems[0]
    assert (problem.row, problem.column, problem.code) == (2, "objective", "duplicate-objective")
    assert app.position() == before
