"""What a projection is: tables it owns, and a handler per event it cares about."""

from __future__ import annotations

from collections.abc import Sequence
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
    # Indexes (created by ``ddl``) that only readers use, not the handlers: a rebuild drops
    # them while it replays and creates them once at the end, sorting each in one pass
    # instead of updating it at random places event by event.
    read_indexes: ClassVar[tuple[str, ...]] = ()

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        """Apply ``(position, event)`` pairs in log order, in the caller's transaction.

        A projection may keep what it reads and writes in memory for the length of one
        batch and write it out at the end (fewer statements per event); whatever it keeps
        is gone when this returns, so the next batch starts from the tables.
        """
        for position, event in batch:
            self.apply(sql, event, position)

    def apply(self, sql: Sql, event: Any, position: int) -> None:
        handler = getattr(self, "on_" + type(event).__name__, None)
        if handler is not None:
            handler(sql, event, position)

    def upgrade(self, sql: Sql) -> None:
        """Bring tables an earlier release created up to this release's shape.

        ``ddl`` only creates what is missing, so a column added since is added here,
        after it: the store keeps its rows and position, and no rebuild is needed."""


def text(value: UUID | None) -> str | None:
    if value is None:
        return None
    return id_text(value)


def id_text(value: UUID) -> str:
    """An id as text (as :func:`text`, for an id that is never missing)."""
    # Remembered: a rebuild turns the same few ids into text millions of times, and
    # UUID.__str__ is slow next to a dictionary lookup. Keyed by the id's number: a UUID
    # hashes and compares in Python code, an int in C.
    number = value.int
    known = _TEXT.get(number)
    if known is None:
        if len(_TEXT) >= _TEXT_LIMIT:
            _TEXT.clear()
        known = _TEXT[number] = str(value)
    return known


_TEXT: dict[int, str] = {}
_TEXT_LIMIT = 100_000


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
