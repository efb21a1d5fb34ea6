"""A thin layer over the two stores' cursors so projections write one SQL dialect.

Statements use ``:name`` parameters (SQLite's style); on PostgreSQL they are rewritten to
``%(name)s``. Column types are limited to TEXT, INTEGER and ``FLOAT`` (REAL / DOUBLE
PRECISION), which both stores treat alike; instants are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
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
