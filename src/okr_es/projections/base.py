"""What a projection is: tables it owns, and a handler per event it cares about."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from okr_es.projections.sql import Sql


class Projection:
    """A read model: applies events to its own tables; ignores events it has no handler for.

    Handlers are methods named ``on_<EventName>``; they must be idempotent upserts or
    position-keyed inserts, because a rebuild replays everything from position 0.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    ddl: ClassVar[tuple[str, ...]]

    def apply(self, sql: Sql, event: Any, position: int) -> None:
        handler = getattr(self, "on_" + type(event).__name__, None)
        if handler is not None:
            handler(sql, event, position)

    def upgrade(self, sql: Sql) -> None:
        """Bring tables an earlier release created up to this release's shape.

        ``ddl`` only creates what is missing, so a column added since is added here,
        after it: the store keeps its rows and position, and no rebuild is needed."""


def text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def columns(sql: Sql, table: str) -> set[str]:
    """The names of a read-model table's columns (none if it does not exist)."""
    if sql.postgres:
        rows = sql.all(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :table",
            {"table": table},
        )
    else:
        rows = sql.all("SELECT name FROM pragma_table_info(:table)", {"table": table})
    return {str(row[0]) for row in rows}
