"""A thin layer over the two stores' cursors so projections write one SQL dialect.

Statements use ``:name`` parameters (SQLite's style); on PostgreSQL they are rewritten to
``%(name)s``. Column types are limited to TEXT, INTEGER and ``FLOAT`` (REAL / DOUBLE
PRECISION), which both stores treat alike; instants are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Any, Protocol

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, query: Any, params_seq: Any, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


class Sql:
    """Executes dialect-neutral statements on one transaction's cursor."""

    def __init__(self, cursor: Cursor, *, postgres: bool) -> None:
        self.cursor = cursor
        self.postgres = postgres

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


def _as_tuple(row: Any) -> tuple[Any, ...]:
    if isinstance(row, Mapping):
        return tuple(row.values())
    if isinstance(row, Sequence):
        return tuple(row)
    return tuple(row)
