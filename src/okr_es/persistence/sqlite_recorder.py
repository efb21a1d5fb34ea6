"""SQLite application recorder with group commit: concurrent saves share one transaction.

SQLite has a single writer, and with the library's full sync every commit waits for the
disk. Under concurrent commands each save would queue for the writer lock and then pay its
own sync. Here a save that arrives while another is being written waits for it, and the
saves that gathered meanwhile are then written together: one transaction, one sync, each
save inside its own savepoint, so a save that conflicts (another save of the same
aggregate version got there first) fails alone while the others commit. A save returns
only after the transaction holding it has committed: durability is unchanged.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

__all__ = ["OKRSQLiteApplicationRecorder"]


class _Save:
    __slots__ = ("error", "events", "finished", "ids", "kwargs")

    def __init__(self, events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> None:
        self.events = events
        self.kwargs = kwargs
        self.finished = False
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None

    def outcome(self) -> Sequence[int] | None:
        if self.error is not None:
            raise self.error
        return self.ids


class OKRSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The library's SQLite application recorder, with saves committed in groups."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._saves = threading.Condition()
        self._pending: list[_Save] = []
        self._writing = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        save = _Save(stored_events, kwargs)
        with self._saves:
            self._pending.append(save)
            while self._writing and not save.finished:
                self._saves.wait()
            if save.finished:
                return save.outcome()
            # This thread writes every save waiting now, its own among them.
            self._writing = True
            group, self._pending = self._pending, []
        try:
            self._write(group)
        finally:
            with self._saves:
                for written in group:
                    written.finished = True
                self._writing = False
                self._saves.notify_all()
        return save.outcome()

    def _write(self, group: list[_Save]) -> None:
        try:
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
        except BaseException as e:
            # Nothing of the group was committed: every save in it fails.
            for save in group:
                save.ids = None
                save.error = save.error or e
            raise
