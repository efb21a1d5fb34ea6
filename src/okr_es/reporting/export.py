"""The reporting star schema as files: one CSV or Parquet file per dimension, fact and
bridge table of :data:`~okr_es.projections.reporting_views.TABLES`, from either store.

On PostgreSQL the rows are read from the reporting views themselves; on SQLite the same
SELECTs run on the read models and the values are typed as the views type them. So a
file holds exactly what a BI tool connected to the views would see.
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from okr_es.errors import InvalidInput
from okr_es.projections.reporting_views import TABLES, ReportTable, reporting_schema
from okr_es.projections.runner import ProjectionRunner

__all__ = [
    "PARQUET_HINT",
    "ReportRows",
    "csv_text",
    "report_rows",
    "report_schema",
    "write_csv_tables",
    "write_parquet_tables",
]

ReportRows = dict[str, list[tuple[Any, ...]]]
PARQUET_HINT = (
    "Parquet needs pyarrow: pip install 'okr-es[reporting]' (or pip install pyarrow); "
    "--format csv needs nothing more"
)


def report_schema(runner: ProjectionRunner) -> str | None:
    """The schema of the reporting views (None: a store without them, SQLite)."""
    if not runner.views.postgres:
        return None
    return reporting_schema(runner.views.tracking.datastore.schema)  # type: ignore[attr-defined]


def report_rows(runner: ProjectionRunner, tables: Sequence[ReportTable] = TABLES) -> ReportRows:
    """Every table's rows, typed (text, int, float, date, UTC datetime, bool), sorted."""
    views = runner.views
    schema = report_schema(runner)
    found: ReportRows = {}
    for table in tables:
        if schema is not None:
            raw = views.query(f'SELECT * FROM "{schema}"."{table.name}"')
        else:
            raw = views.query(table.select)
        rows = [
            tuple(_typed(v, c.type) for v, c in zip(row, table.columns, strict=True)) for row in raw
        ]
        found[table.name] = sorted(rows, key=_order)
    return found


def csv_text(value: Any) -> str:
    """How a value is written in the CSV files (see docs/reporting.md)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)  # float: the shortest text that reads back as the same number


def write_csv_tables(
    rows: ReportRows, directory: Path, tables: Sequence[ReportTable] = TABLES
) -> list[Path]:
    """``<table>.csv`` per table: UTF-8, a header row, comma-separated."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = directory / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([c.name for c in table.columns])
            writer.writerows([csv_text(v) for v in row] for row in rows[table.name])
        written.append(path)
    return written


def write_parquet_tables(
    rows: ReportRows, directory: Path, tables: Sequence[ReportTable] = TABLES
) -> list[Path]:
    """``<table>.parquet`` per table, typed (needs pyarrow: the ``reporting`` extra)."""
    try:
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise InvalidInput(PARQUET_HINT, code="missing-dependency", field="format") from None
    types = {
        "text": pa.string(),
        "integer": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "boolean": pa.bool_(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        schema = pa.schema([(c.name, types[c.type]) for c in table.columns])
        columns = list(zip(*rows[table.name], strict=True)) or [() for _ in table.columns]
        arrow = pa.table(
            [
                pa.array(list(values), type=types[c.type])
                for values, c in zip(columns, table.columns, strict=True)
            ],
            schema=schema,
        )
        path = directory / f"{table.name}.parquet"
        pq.write_table(arrow, path)
        written.append(path)
    return written


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "timestamp":
        when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(value[:10])
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def _order(row: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    return tuple((value is None, value) for value in row)
