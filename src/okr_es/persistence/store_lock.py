"""A lock shared by every process that writes to one event store.

Commands that check aggregates other than the one they write have no version number
that makes two of them conflict, so they take this lock from before their reads until
their save has committed (see ``OKRApplication._cross_checked``):

* PostgreSQL: a session advisory lock keyed by schema and events table, so API processes
  and workers on other machines wait for each other;
* SQLite: an exclusive ``flock`` on a lock file beside the database, so an ``okr-es``
  command run beside ``serve`` waits for it. The database file itself is never opened
  for this: closing a second descriptor of it would drop SQLite's own locks.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder

try:
    import fcntl
except ImportError:  # Windows: one process per file is all the embedded store promises there
    fcntl = None  # type: ignore[assignment]

__all__ = ["lock_file", "read_models_xact", "schema_work", "store_wide"]

_ADVISORY_LOCKS = 0x6F6B72  # "okr": the first key of the two-key advisory lock


@contextmanager
def store_wide(recorder: Any) -> Iterator[None]:
    """Hold the store's lock while the block runs (nothing for an in-memory store)."""
    if isinstance(recorder, PostgresApplicationRecorder):
        datastore = recorder.datastore
        # A signed 32-bit key, as the two-key form of the lock takes.
        key = zlib.crc32(f"{datastore.schema}.{recorder.events_table_name}".encode()) - 2**31
        with datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (_ADVISORY_LOCKS, key))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", (_ADVISORY_LOCKS, key))
        return
    path = lock_file(recorder)
    if path is None or fcntl is None:
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def schema_work(datastore: PostgresDatastore) -> Iterator[None]:
    """Hold the schema's DDL lock while the block creates or replaces tables and functions.

    Every process prepares the schema when it starts; without this, processes started at
    the same moment collide in the catalogue (``tuple concurrently updated`` on the insert
    function, a duplicate key on a type of a table created twice). The lock is a session
    lock on a connection of its own, held until the block's own transactions committed.
    """
    with datastore.get_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s, %s)", (_ADVISORY_LOCKS, _key(datastore, "ddl")))
        try:
            yield
        finally:
            conn.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (_ADVISORY_LOCKS, _key(datastore, "ddl"))
            )


def read_models_xact(cursor: Any, schema: str) -> None:
    """Take the schema's read-model lock until the cursor's transaction ends.

    Whatever changes read-model tables (a worker's batch, a rebuild's reset, creating the
    tables) takes this lock first, so they run one at a time and in one lock order: a
    rebuild dropping tables while a worker applies a batch would otherwise deadlock.
    """
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, %s)",
        (_ADVISORY_LOCKS, _crc_key(f"{schema}:read-models")),
    )


def _key(datastore: PostgresDatastore, purpose: str) -> int:
    return _crc_key(f"{datastore.schema}:{purpose}")


def _crc_key(text: str) -> int:
    # A signed 32-bit key, as the two-key form of the lock takes.
    return zlib.crc32(text.encode()) - 2**31


def lock_file(recorder: Any) -> Path | None:
    """The lock file of a SQLite store on disk (None for any other store)."""
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return None
    pool = recorder.datastore.pool
    if pool.is_sqlite_memory_mode or pool.db_name.startswith("file:"):
        return None
    return Path(pool.db_name + ".lock")
