"""A large spreadsheet imports in one piece; the command line exports and imports both
formats and answers a bad file with the row and column and exit code 1."""

from __future__ import annotations

from pathlib import Path

from okr_es.application import OKRApplication
from okr_es.history.sheets import cycle_rows, import_rows
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import COLUMNS
from okr_es.spreadsheets.tables import read_rows
from support.cli_process import okr_es
from support.fjellby import CSV_FILE, fjellby


def test_ten_thousand_rows_import_in_one_transaction(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    app.change_policy(organization_id=org, by=admin, mode="warn")
    units = ("Digitalisering", "Team Data", "Team Platform")
    lines = [",".join(COLUMNS)]
    for n in range(2000):
        for k in range(5):
            lines.append(
                f"2027 Q1,quarter,2027-01-01,2027-03-31,{units[n % 3]},Mål nummer {n},,"
                f"Ola Hansen,Nøkkelresultat {k},increase,{k},{k + 10},count,{k + 1},green"
            )
    rows = read_rows("\n".join(lines).encode(), "csv")
    assert len(rows) == 10_000

    result = import_rows(app, rows, organization_id=org, by=admin)

    exported = cycle_rows(app, org, result.ids["cycle_id"])
    assert len(exported) == 10_000
    assert sum(1 for key in result.ids if key.startswith("objective_id_")) == 2000
    assert {r.current for r in exported} == {1.0, 2.0, 3.0, 4.0, 5.0}


def test_the_command_line_round_trips_both_formats(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        org, admin = fjellby(app)
        fjellby(app, "Fjellby kopi")
        import_rows(app, read_rows(CSV_FILE.read_bytes(), "csv"), organization_id=org, by=admin)
    for fmt in ("csv", "xlsx"):
        file = tmp_path / f"q1.{fmt}"
        exported = okr_es(
            sqlite_settings, "export", "--cycle", "2027 Q1", "--format", fmt, "-o", str(file)
        )
        assert exported.code == 0, exported.err
    imported = okr_es(
        sqlite_settings, "import", str(tmp_path / "q1.xlsx"), "--organization", "Fjellby kopi",
        "--by", "kari@fjellby.no",
    )  # fmt: skip
    assert imported.code == 0, imported.err
    assert "Imported 7 rows (4 objectives)" in imported.out
    again = okr_es(
        sqlite_settings, "export", "--cycle", "2027 Q1", "--organization", "Fjellby kopi",
        "--format", "csv",
    )  # fmt: skip
    assert again.code == 0, again.err
    # The same rows as the first export (the process's text mode turned CRLF into LF).
    first = (tmp_path / "q1.csv").read_text(encoding="utf-8-sig")
    assert again.out.removeprefix("\ufeff").splitlines() == first.splitlines()


def test_the_command_line_names_the_row_and_column_of_a_bad_file(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        fjellby(app)
        before = app.position()
    text = CSV_FILE.read_text().replace("decrease,21,10,days", "decrease,21,ti,days")
    (tmp_path / "bad.csv").write_text(text)
    (tmp_path / "fake.xlsx").write_text(text)

    bad = okr_es(
        sqlite_settings, "import", str(tmp_path / "bad.csv"), "--organization", "Fjellby kommune",
        "--by", "Kari Nordmann",
    )  # fmt: skip
    fake = okr_es(
        sqlite_settings, "import", str(tmp_path / "fake.xlsx"), "--organization",
        "Fjellby kommune", "--by", "Kari Nordmann",
    )  # fmt: skip

    assert bad.code == 1
    assert "[not-a-number] row 2, column target: target must be a number" in bad.err
    assert fake.code == 1
    assert "[not-xlsx] file: the file is not an XLSX workbook" in fake.err
    assert "nothing was imported" in fake.err
    with OKRApplication(sqlite_settings) as app:
        assert app.position() == before
