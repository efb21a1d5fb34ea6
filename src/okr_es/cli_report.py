"""``okr-es report``: the reporting star schema (docs/reporting.md) written as files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from okr_es.application import OKRApplication
from okr_es.projections.reporting_views import TABLES, VERSION
from okr_es.projections.runner import ProjectionRunner
from okr_es.reporting.export import (
    report_rows,
    report_schema,
    write_csv_tables,
    write_parquet_tables,
)
from okr_es.settings import Settings

EXIT_OK = 0


def add_report_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="reporting for BI tools: the star schema as files")
    report_sub = report.add_subparsers(
        dest="report_command", required=True, metavar="REPORT_COMMAND"
    )
    export = report_sub.add_parser(
        "export", help="write every dimension and fact table as CSV or Parquet files"
    )
    export.add_argument("directory", metavar="DIR", help="where to write <table>.csv|.parquet")
    export.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="parquet needs pyarrow: pip install 'okr-es[reporting]'",
    )
    export.set_defaults(run=_report_export)


def _report_export(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.directory)
    with OKRApplication(settings) as app:
        runner = ProjectionRunner(app)
        # The files show the log as it is now, also where no worker keeps the read models.
        runner.catch_up()
        rows = report_rows(runner)
        position = runner.applied()
    write = write_parquet_tables if args.format == "parquet" else write_csv_tables
    written = write(rows, directory)
    for path, table in zip(written, TABLES, strict=True):
        print(f"{path}  {len(rows[table.name])} rows")
    schema = report_schema(runner)
    where = "" if schema is None else f"; the same tables are the views of schema {schema}"
    print(
        f"okr-es report: reporting version {VERSION}, log position {position}{where}",
        file=sys.stderr,
    )
    return EXIT_OK
