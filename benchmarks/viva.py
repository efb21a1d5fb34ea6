"""okr-es Viva Goals import benchmark: a 10,000-row Explorer export of a 2,000-objective
organisation.

An organisation of 400 teams; the export (built with openpyxl as Viva Goals writes it:
the 40 columns of every field, Team and Time period merged over each objective's rows,
dates as Excel serial numbers) has 5 objectives per team, each aligned to the
organisation's objective, with 4 key results (naming their objective as Aligned parent,
a current value and status) — 2,000 objectives, 10,000 rows — and a Check-ins sheet
with two back-dated readings of every key result (16,000 rows). Measured, as rows per
second of the main sheet:

* **baseline** in the same run: openpyxl's read-only iteration of both sheets' cells
  (``iter_rows(values_only=True)``), no checks;
* ``read``: :func:`okr_es.spreadsheets.viva.read_viva` (every cell checked, items
  grouped, check-ins matched to key results);
* ``plan``: :func:`okr_es.history.viva.plan_viva_import` against the store (units,
  owners, the cycle, the import mapping);
* ``write``: :func:`okr_es.history.viva.write_viva_import`, one transaction;
* ``read + plan + write``: the time for the 2,000-objective organisation;
* ``again``: the same export read and planned a second time (nothing to write).

No target: the ratios say what the checks and the domain cost over reading cells.
Run ``python -m benchmarks.viva`` (``--quick``: 40 teams; ``--store sqlite|postgres``),
or ``python -m benchmarks.run --suite viva`` for the same figures as result rows.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import openpyxl

from benchmarks.spreadsheets import DEFAULT_POSTGRES_URL, _settings
from okr_es.application import OKRApplication
from okr_es.history.viva import plan_viva_import, write_viva_import
from okr_es.spreadsheets.viva import read_viva

OBJECTIVES_PER_TEAM = 5
KEY_RESULTS_PER_OBJECTIVE = 4
COLUMNS = [
    "Id", "Title", "Object type", "Description", "Owner", "Team", "Time period",
    "Aligned parent", "Start date", "Due", "Metric start", "Metric target",
    "Metric current", "Metric unit", "Progress", "Status", "Score", "Closing note", "Tags",
    "Created by", "Created on", "Last modified", "Last check-in", "Check-in note",
    "Check-in owner", "Progress method", "Weight", "Visibility", "Level", "Parent id",
    "Contributors", "Key result type", "Target direction", "Confidence", "Goal cycle",
    "Workspace", "URL", "Comments", "Attachments", "Archived",
]  # fmt: skip
ROOT_OBJECTIVE = "Benchmark kommune er digital"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.viva")
    parser.add_argument("--quick", action="store_true", help="40 teams instead of 400")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    m = measure(args.store, args.postgres_url, args.quick)
    rows, raw = m["rows"], m["raw"]
    print(f"  baseline openpyxl read-only cells  {rows / raw:>10,.0f} rows/s")
    _line("read (every cell checked)", rows, m["read"], raw)
    _line("plan (against the store)", rows, m["plan"], raw)
    _line("write (one transaction)", rows, m["write"], raw)
    _line("read + plan + write", rows, m["read"] + m["plan"] + m["write"], raw)
    _line("again: read + plan, nothing new", rows, m["again"], raw)
    print(f"  a {m['objectives']}-objective organisation: "
          f"{m['read'] + m['plan'] + m['write']:.2f} s ({m['check_ins']:,} check-ins "
          f"written); the same export again {m['again']:.2f} s")  # fmt: skip
    return 0


def bench_viva(stores: list[str], postgres_url: str, quick: bool) -> list[Any]:
    """The figures as :class:`benchmarks.run.Result` rows, for ``--suite viva``."""
    from benchmarks.run import Result

    results = []
    for store in stores:
        m = measure(store, postgres_url, quick)
        rows, raw = m["rows"], m["raw"]
        detail = {k: m[k] for k in ("teams", "rows", "objectives", "check_ins")}
        base = "openpyxl read-only cells"
        for name, seconds in (
            ("read (every cell checked)", m["read"]),
            ("plan (against the store)", m["plan"]),
            ("write (one transaction)", m["write"]),
            ("read + plan + write", m["read"] + m["plan"] + m["write"]),
            ("again: read + plan, nothing new", m["again"]),
        ):
            results.append(Result("viva", name, store, "rows/s", rows / seconds, base,
                                  rows / raw, None, detail))  # fmt: skip
    return results


def measure(store: str, postgres_url: str, quick: bool) -> dict[str, Any]:
    """Seconds of each step (and the sizes) of one run on ``store``."""
    teams = 40 if quick else 400
    with _settings(store, postgres_url) as settings, OKRApplication(settings) as app:
        org, admin = _organisation(app, teams)
        export, rows, readings = _export(teams)
        print(f"Viva Goals import on {store}: {teams} teams, {rows} rows "
              f"({teams * OBJECTIVES_PER_TEAM} objectives), {readings} check-ins; "
              f"xlsx {len(export):,} bytes")  # fmt: skip
        raw = _timed(lambda: _raw_xlsx(export))
        start = time.perf_counter()
        viva = read_viva(export, "xlsx")
        read = time.perf_counter() - start
        start = time.perf_counter()
        plan = plan_viva_import(app, viva, organization_id=org, create_members=False)
        planned = time.perf_counter() - start
        start = time.perf_counter()
        write_viva_import(app, plan, by=admin)
        written = time.perf_counter() - start
        start = time.perf_counter()
        again = plan_viva_import(
            app, read_viva(export, "xlsx"), organization_id=org, create_members=False
        )
        repeated = time.perf_counter() - start
        assert again.is_empty()
    return {
        "teams": teams, "rows": rows, "objectives": teams * OBJECTIVES_PER_TEAM,
        "check_ins": plan.counts()["check_ins"], "raw": raw, "read": read, "plan": planned,
        "write": written, "again": repeated,
    }  # fmt: skip


def _line(label: str, count: int, seconds: float, baseline: float) -> None:
    print(f"  {label:<34} {count / seconds:>10,.0f} rows/s  "
          f"({baseline / seconds:.2f} × the baseline)")  # fmt: skip


def _timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _raw_xlsx(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def _organisation(app: OKRApplication, teams: int) -> tuple[Any, Any]:
    ids = app.register_organization(
        name="Benchmark kommune", admin_name="Kari Nordmann", admin_email="kari@bench.no"
    ).ids
    org, root, admin = ids["organization_id"], ids["root_unit_id"], ids["member_id"]
    app.change_policy(
        organization_id=org, by=admin, max_objectives=OBJECTIVES_PER_TEAM,
        max_key_results=KEY_RESULTS_PER_OBJECTIVE,
        warn_key_results_above=KEY_RESULTS_PER_OBJECTIVE,
    )  # fmt: skip
    for n in range(teams):
        app.add_unit(organization_id=org, name=f"Team {n:03d}", kind="team", parent_id=root,
                     by=admin)  # fmt: skip
    return org, admin


def _serial(year: int, month: int, day: int) -> int:
    return (datetime(year, month, day) - datetime(1899, 12, 30)).days


def _export(teams: int) -> tuple[bytes, int, int]:
    """(workbook, rows of the main sheet, check-ins); the organisation's own objective
    (no team) comes first, so the teams' objectives align to it."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Explorer")
    history = book.create_sheet("Check-ins")
    sheet.append(COLUMNS)
    history.append(["Key result id", "Check-in date", "Value", "Status", "Note"])
    at = {c.casefold().replace("-", "_").replace(" ", "_"): i for i, c in enumerate(COLUMNS)}

    def row(**cells: Any) -> list[Any]:
        line: list[Any] = [None] * len(COLUMNS)
        for name, value in cells.items():
            line[at[name]] = value
        return line

    sheet.append(row(id="O-0", title=ROOT_OBJECTIVE, object_type="Objective",
                     owner="Kari Nordmann", time_period="Q1 2026", status="On Track"))  # fmt: skip
    rows, readings = 1, 0
    for t in range(teams):
        team = f"Team {t:03d}"
        for o in range(OBJECTIVES_PER_TEAM):
            objective = f"{team}: mål {o + 1} for innbyggerne"
            sheet.append(row(
                id=f"O-{t}-{o}", title=objective, object_type="Objective", owner="Kari Nordmann",
                team=team, time_period="Q1 2026", aligned_parent=ROOT_OBJECTIVE,
                start_date=_serial(2026, 1, 1), due=_serial(2026, 3, 31), status="On Track",
                workspace="Benchmark kommune", visibility="Everyone",
            ))  # fmt: skip
            rows += 1
            for k in range(KEY_RESULTS_PER_OBJECTIVE):
                kr = f"K-{t}-{o}-{k}"
                sheet.append(row(
                    id=kr, title=f"Nøkkelresultat {k + 1}", object_type="Key result",
                    owner="Kari Nordmann", aligned_parent=objective, metric_start=k,
                    metric_target=k + 20, metric_current=k + 5, status="On Track",
                    progress=25.0, last_check_in=_serial(2026, 2, 15),
                ))  # fmt: skip
                history.append([kr, _serial(2026, 1, 15), k + 2, "Behind", "Treg start"])
                history.append([kr, "01.02.2026", k + 4, "On Track", ""])
                rows += 1
                readings += 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows, readings


if __name__ == "__main__":
    raise SystemExit(main())
