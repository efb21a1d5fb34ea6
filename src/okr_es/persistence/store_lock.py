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

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

try:
    import fcntl
except ImportError:  # Windows: one process per file is all the embedded store promises there
    fcntl = None  # type: ignore[assignment]

__all__ = ["lock_file", "store_wide"]

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


def lock_file(recorder: Any) -> Path | None:
    """The lock file of a SQLite store on disk (None for any other store)."""
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return None
    pool = recorder.datastore.pool
    if pool.is_sqlite_memory_mode or pool.db_name.startswith("file:"):
        return None
    return Path(pool.db_name + ".lock")
