"""Leaving no readable remnant of erased data in an embedded (SQLite) store.

Read models overwrite an erased member's name with the placeholder, but SQLite keeps the
old bytes in the page's free space, in free pages and in the write-ahead log until they
happen to be reused. Once the read models have applied an erasure, the file is rewritten
(``VACUUM``) and the log emptied. PostgreSQL keeps old row versions until vacuumed and in
its WAL and backups; docs/privacy.md says what that means and what to do.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from eventsourcing.persistence import PersistenceError
from eventsourcing.sqlite import SQLiteDatastore

__all__ = ["pragma", "scrub"]

log = logging.getLogger(__name__)


def scrub(datastore: Any) -> None:
    if not isinstance(datastore, SQLiteDatastore):
        return
    try:
        with datastore.get_connection(commit=True) as conn:
            pragma(conn, "VACUUM")
            pragma(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, PersistenceError) as e:
        # The read models are erased all the same; only old bytes may linger until the
        # next erasure's rewrite, or `VACUUM` run by hand.
        log.warning("the store could not be rewritten after an erasure: %s", e)


def pragma(conn: Any, statement: str) -> None:
    """Run a statement outside any transaction, reading its answer to the end, so the
    pooled connection holds no statement in progress afterwards."""
    with conn.cursor() as cursor:
        cursor.execute(statement)
        cursor.fetchall()
