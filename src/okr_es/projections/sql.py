"""A thin layer over the two stores' cursors so projections write one SQL dialect.

Statements use ``:name`` parameters (SQLite's style); on PostgreSQL they are rewritten to
``%(name)s``. Column types are limited to TEXT, INTEGER and ``FLOAT`` (REAL / DOUBLE
PRECISION), which both stores treat alike; instants are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any, Protocol

import msgspec

# From this many rows on, PostgreSQL receives a batch's rows by COPY (below, as one JSON
# array: for the few rows of a live batch, COPY's extra round trips cost more than they save).
COPY_ROWS = 200

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, query: Any, params_seq: Any, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


class Sql:
    """Executes dialect-neutral statements on one transaction's cursor."""

    def __init__(self, cursor: Cursor, *, postgres: bool, pipelined: bool = False) -> None:
        self.cursor = cursor
        self.postgres = postgres
        # In a pipeline (a live batch on PostgreSQL) rows are never sent by COPY.
        self.pipelined = pipelined

    def run(self, statement: str, params: Mapping[str, Any] | None = None) -> None:
        self.cursor.execute(translate(statement, self.postgres), dict(params or {}))

    def one(
        self, statement: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        self.run(statement, params)
        row = self.cursor.fetchone()
        return None if row is None else _as_tuple(row)

    def all(self, statement: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self.run(statement, params)
        return [_as_tuple(row) for row in self.cursor.fetchall()]

    def many(self, statement: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement for each row of parameters: one call, however many rows
        (SQLite steps a prepared statement; psycopg pipelines the round trips)."""
        if rows:
            self.cursor.executemany(translate(statement, self.postgres), rows)

    def insert_rows(
        self, table: str, rows: Sequence[Mapping[str, Any]], on_conflict: str = ""
    ) -> None:
        """Insert rows given as ``{column: value}`` (every column of the table, in the
        table's order) with one statement: on PostgreSQL the rows travel as one JSON array
        typed by the table's own row type; SQLite steps one prepared statement.
        ``on_conflict`` may name the new values as ``excluded.<column>``."""
        if not rows:
            return
        if self.postgres and not self.pipelined and len(rows) >= COPY_ROWS:
            self._copy_rows(table, rows, on_conflict)
            return
        if self.postgres:
            self.cursor.execute(
                f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, "
                f"%(rows)s) {on_conflict}",
                {"rows": _json(rows)},
            )
            return
        columns = list(rows[0])
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) {on_conflict}",
            _positional(rows, columns),
        )

    def _copy_rows(self, table: str, rows: Sequence[Mapping[str, Any]], on_conflict: str) -> None:
        # COPY into a table of this transaction's own, then one INSERT … SELECT that keeps
        # the ON CONFLICT clause: PostgreSQL parses COPY's text rows in a third of the time
        # it takes to take a JSON array apart.
        columns = list(rows[0])
        staged = f"{table}_staged"
        self.cursor.execute(f"CREATE TEMPORARY TABLE {staged} (LIKE {table}) ON COMMIT DROP")
        copy = self.cursor.copy(  # type: ignore[attr-defined]
            f"COPY {staged} ({', '.join(columns)}) FROM STDIN"
        )
        with copy as stream:
            for row in _positional(rows, columns):
                stream.write_row(row)
        self.cursor.execute(f"INSERT INTO {table} SELECT * FROM {staged} {on_conflict}")
        self.cursor.execute(f"DROP TABLE {staged}")

    def update_rows(
        self, table: str, key: str, rows: Sequence[Mapping[str, Any]], extra: str = ""
    ) -> None:
        """Set the given columns of each row found by ``key`` (rows as ``{column: value}``,
        all with the same columns), with one statement (see :meth:`insert_rows`).
        ``extra`` adds assignments that may name the row being changed as ``t``."""
        if not rows:
            return
        columns = [c for c in rows[0] if c != key]
        if self.postgres:
            assignments = ", ".join([f"{c} = r.{c}" for c in columns] + ([extra] if extra else []))
            self.cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM json_populate_recordset("
                f"NULL::{table}, %(rows)s) AS r WHERE t.{key} = r.{key}",
                {"rows": _json(rows)},
            )
            return
        assignments = ", ".join([f"{c} = ?" for c in columns] + ([extra] if extra else []))
        self.cursor.executemany(
            f"UPDATE {table} AS t SET {assignments} WHERE {key} = ?",
            _positional(rows, [*columns, key]),
        )

    def all_among(self, statement: str, ids: Collection[str]) -> list[tuple[Any, ...]]:
        """Rows of ``statement`` whose ``{among}`` placeholder matches any of ``ids``, in
        one statement (a PostgreSQL array, a JSON array for SQLite), served by the index
        of the column it follows."""
        if not ids:
            return []
        value: list[str] | str
        if self.postgres:
            among, value = "= ANY(:ids)", list(ids)
        else:
            among, value = "IN (SELECT value FROM json_each(:ids))", json.dumps(list(ids))
        return self.all(statement.replace("{among}", among), {"ids": value})


@cache
def translate(statement: str, postgres: bool) -> str:
    if not postgres:
        return statement.replace("FLOAT", "REAL")
    return _PARAM.sub(r"%(\1)s", statement.replace("FLOAT", "DOUBLE PRECISION"))


_encode = msgspec.json.Encoder().encode


def _json(rows: Sequence[Mapping[str, Any]]) -> str:
    return _encode(rows).decode()


def _positional(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str]
) -> Iterable[tuple[Any, ...]]:
    """Rows as tuples in the order of ``columns``: SQLite binds a tuple's values by place,
    but looks up each named parameter of each row in its dictionary by a name it first
    turns into a Python string (a rebuild binds millions)."""
    if len(columns) == 1:
        (column,) = columns
        return [(row[column],) for row in rows]
    pick = itemgetter(*columns)
    return map(pick, rows)


def _as_tuple(row: Any) -> tuple[Any, ...]:
    if isinstance(row, Mapping):
        return tuple(row.values())
    if isinstance(row, Sequence):
        return tuple(row)
    return tuple(row)
