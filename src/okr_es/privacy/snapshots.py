"""Dropping every snapshot after an erasure: snapshots are caches of aggregate state, and
may hold a free text opened before the key was destroyed (an objective's closing note)."""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.sql import SQL, Identifier

from okr_es.privacy.scrub import pragma

__all__ = ["drop_snapshots"]


def drop_snapshots(recorder: Any) -> None:
    """Delete every snapshot row (aggregates are read from their events until the next
    snapshot is taken)."""
    if isinstance(recorder, SQLiteAggregateRecorder):
        with recorder.datastore.get_connection(commit=True) as conn:
            pragma(conn, "PRAGMA secure_delete=ON")
            with conn.transaction(commit=True) as c:
                c.execute(f"DELETE FROM {recorder.events_table_name}")
    elif isinstance(recorder, PostgresAggregateRecorder):
        table = Identifier(recorder.datastore.schema, recorder.events_table_name)
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(SQL("DELETE FROM {}").format(table))
