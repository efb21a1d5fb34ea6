"""SQLite application recorder with group commit: concurrent saves share one transaction.

SQLite has a single writer, and with the library's full sync every commit waits for the
disk. Saves that gather while another is being written are written together (see
:mod:`okr_es.persistence.group_commit`): one transaction, one sync, each save inside its
own savepoint, so a save that conflicts (another save of the same aggregate version got
there first) fails alone while the others commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from okr_es.persistence.group_commit import GroupCommit, Save

__all__ = ["OKRSQLiteApplicationRecorder"]


class OKRSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The library's SQLite application recorder, with saves committed in groups."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._group_commit = GroupCommit(self._write)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self._group_commit.submit(stored_events, kwargs)

    def _write(self, group: list[Save]) -> None:
        # Each save in its own savepoint, so a conflicting one fails alone.
        with self.datastore.transaction(commit=True) as c:
            for save in group:
                if len(group) == 1:
                    save.ids = self._insert_events(c, save.events, **save.kwargs)
                    continue
                c.execute("SAVEPOINT okr_es_save")
                try:
                    save.ids = self._insert_events(c, save.events, **save.kwargs)
                except sqlite3.IntegrityError as e:
                    c.execute("ROLLBACK TO okr_es_save")
                    save.error = IntegrityError(e)
                c.execute("RELEASE okr_es_save")
