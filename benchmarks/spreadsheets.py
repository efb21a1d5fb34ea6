"""okr-es spreadsheet benchmark: importing and exporting a whole organisation's cycle.

An organisation of 400 teams with 5 objectives of 5 key results each (2,000 objectives,
10,000 rows, every key result with a current value and status), written as an XLSX
workbook and a CSV file by okr-es itself. Measured, each as rows per second:

* ``read xlsx`` / ``read csv``: :func:`okr_es.spreadsheets.tables.read_rows` (stream,
  check every row), against the **baseline** in the same run: openpyxl's read-only
  iteration of the same workbook's cells (``iter_rows(values_only=True)``), and the
  ``csv`` module's reading of the same CSV, with no checks.
* ``import``: :func:`okr_es.history.sheets.import_rows` of the checked rows into an empty
  cycle (names resolved, every objective checked by the domain, one transaction), and
  ``read + import`` end to end: the time for the 2,000-objective organisation.
* ``export xlsx``: :func:`okr_es.history.sheets.cycle_rows` and the workbook written.

No target: the ratios say what the checks and the domain cost over reading cells.
Run ``python -m benchmarks.spreadsheets`` (``--quick``: 40 teams; ``--store
sqlite|postgres``), or ``python -m benchmarks.run --suite spreadsheets`` for the same
figures as result rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import openpyxl
import psycopg

from okr_es.application import OKRApplication
from okr_es.history.sheets import cycle_rows, import_rows
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import SheetRow
from okr_es.spreadsheets.tables import read_rows, write_csv, write_xlsx

DEFAULT_POSTGRES_URL = "postgresql://postgres@localhost:5432/test"
OBJECTIVES_PER_TEAM = 5
KEY_RESULTS_PER_OBJECTIVE = 5


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spreadsheets")
    parser.add_argument("--quick", action="store_true", help="40 teams instead of 400")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    m = measure(args.store, args.postgres_url, args.quick)
    count, raw_xlsx, raw_csv = m["rows"], m["raw_xlsx"], m["raw_csv"]
    print(f"  baseline openpyxl read-only cells  {count / raw_xlsx:>10,.0f} rows/s")
    print(f"  baseline csv module                {count / raw_csv:>10,.0f} rows/s")
    for label, seconds, baseline in _figures(m):
        _line(label, count, seconds, m[baseline])
    print(
        f"  a {m['objectives']}-objective organisation: read + import "
        f"{m['read_xlsx'] + m['import']:.2f} s, export {m['export']:.2f} s"
    )
    return 0


def bench_spreadsheets(stores: list[str], postgres_url: str, quick: bool) -> list[Any]:
    """The figures as :class:`benchmarks.run.Result` rows, for ``--suite spreadsheets``."""
    from benchmarks.run import Result

    names = {"raw_xlsx": "openpyxl read-only cells", "raw_csv": "csv module"}
    results = []
    for store in stores:
        m = measure(store, postgres_url, quick)
        count = m["rows"]
        detail = {k: m[k] for k in ("teams", "rows", "objectives")}
        for label, seconds, baseline in _figures(m):
            results.append(Result("spreadsheets", label, store, "rows/s", count / seconds,
                                  names[baseline], count / m[baseline], None, detail))  # fmt: skip
    return results


def _figures(m: dict[str, Any]) -> list[tuple[str, float, str]]:
    """(label, seconds, the baseline's key) of each figure."""
    return [
        ("read xlsx (stream + checks)", m["read_xlsx"], "raw_xlsx"),
        ("read csv (checks)", m["read_csv"], "raw_csv"),
        ("import (domain + one transaction)", m["import"], "raw_xlsx"),
        ("read xlsx + import", m["read_xlsx"] + m["import"], "raw_xlsx"),
        ("export xlsx", m["export"], "raw_xlsx"),
    ]


def measure(store: str, postgres_url: str, quick: bool) -> dict[str, Any]:
    """Seconds of each step (and the sizes) of one run on ``store``."""
    teams = 40 if quick else 400
    with _settings(store, postgres_url) as settings, OKRApplication(settings) as app:
        org, admin, names = _organisation(app, teams)
        rows = _rows(names)
        workbook, text = write_xlsx(rows), write_csv(rows)
        count = len(rows)
        print(
            f"spreadsheets on {store}: {teams} teams, {count} rows "
            f"({count // KEY_RESULTS_PER_OBJECTIVE} objectives); xlsx {len(workbook)} bytes"
        )
        raw_xlsx = _timed(lambda: _raw_xlsx(workbook))
        raw_csv = _timed(lambda: _raw_csv(text))
        read_xlsx = _timed(lambda: read_rows(workbook, "xlsx"))
        read_csv = _timed(lambda: read_rows(text, "csv"))
        checked = read_rows(workbook, "xlsx")
        start = time.perf_counter()
        result = import_rows(app, checked, organization_id=org, by=admin)
        imported = time.perf_counter() - start
        cycle = result.ids["cycle_id"]
        export = _timed(lambda: write_xlsx(cycle_rows(app, org, cycle)))
    return {
        "teams": teams, "rows": count, "objectives": count // KEY_RESULTS_PER_OBJECTIVE,
        "raw_xlsx": raw_xlsx, "raw_csv": raw_csv, "read_xlsx": read_xlsx, "read_csv": read_csv,
        "import": imported, "export": export,
    }  # fmt: skip


def _line(label: str, count: int, seconds: float, baseline: float) -> None:
    print(
        f"  {label:<34} {count / seconds:>10,.0f} rows/s  ({baseline / seconds:.2f} × the baseline)"
    )


def _timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _raw_xlsx(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def _raw_csv(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _organisation(app: OKRApplication, teams: int) -> tuple[Any, Any, list[str]]:
    ids = app.register_organization(
        name="Benchmark kommune", admin_name="Kari Nordmann", admin_email="kari@bench.no"
    ).ids
    org, root, admin = ids["organization_id"], ids["root_unit_id"], ids["member_id"]
    app.change_policy(
        organization_id=org, by=admin, max_objectives=OBJECTIVES_PER_TEAM,
        max_key_results=KEY_RESULTS_PER_OBJECTIVE, warn_key_results_above=KEY_RESULTS_PER_OBJECTIVE,
    )  # fmt: skip
    names = [f"Team {n:03d}" for n in range(teams)]
    for name in names:
        app.add_unit(organization_id=org, name=name, kind="team", parent_id=root, by=admin)
    return org, admin, names


def _rows(teams: list[str]) -> list[SheetRow]:
    from datetime import date

    rows = []
    for team in teams:
        for o in range(OBJECTIVES_PER_TEAM):
            for k in range(KEY_RESULTS_PER_OBJECTIVE):
                rows.append(SheetRow(
                    number=len(rows) + 2, cycle="2027 Q1", cycle_kind="quarter",
                    cycle_start=date(2027, 1, 1), cycle_end=date(2027, 3, 31), unit=team,
                    objective=f"{team}: mål {o + 1} for innbyggerne", why="",
                    owner="Kari Nordmann", key_result=f"Nøkkelresultat {k + 1}",
                    metric="increase", start=float(k), target=float(k + 20),
                    metric_unit="count", current=float(k + 3), status="green",
                ))  # fmt: skip
    return rows


@contextmanager
def _settings(store: str, postgres_url: str) -> Iterator[Settings]:
    if store == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield Settings(data_dir=directory)
        return
    schema = f"okr_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Settings(database_url=postgres_url, database_schema=schema, pool_size=4)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_reporting" CASCADE')


if __name__ == "__main__":
    raise SystemExit(main())
