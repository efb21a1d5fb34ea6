"""Group commit: saves that arrive while another is being written are written together.

A database commit waits for the disk, and on both stores writers take turns (SQLite's one
writer, PostgreSQL's exclusive lock on the events table that keeps ids in commit order).
Under concurrent commands each save would queue for its turn and then pay its own commit.
Here a save that arrives while a group is being written waits; the saves that gathered
meanwhile are then written as the next group by one of their threads (the leader), in one
transaction. A save returns only after the transaction holding it has committed, so
durability is unchanged; how a store writes a group, and how a save that conflicts fails
alone, is the recorder's part (``write``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

__all__ = ["GroupCommit", "Save"]


class Save:
    """One caller's events, and what became of them."""

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


class GroupCommit:
    """Runs ``write`` on groups of concurrent saves, one group at a time.

    ``write`` sets each save's ``ids`` or ``error``; if it raises, nothing of the group was
    committed, and every save in it fails with that error. At most ``max_group`` saves go
    into one group; the rest wait for the next.
    """

    def __init__(self, write: Callable[[list[Save]], None], *, max_group: int = 0) -> None:
        self._write = write
        self._max_group = max_group
        self._turn = threading.Condition()
        self._pending: list[Save] = []
        self._writing = False

    def submit(self, events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int] | None:
        save = Save(events, kwargs)
        with self._turn:
            self._pending.append(save)
        while True:
            with self._turn:
                while self._writing and not save.finished:
                    self._turn.wait()
                if save.finished:
                    return save.outcome()
                # This thread writes the oldest saves waiting now (its own among them,
                # unless more than a group's worth came first: then it writes again).
                self._writing = True
                cut = self._max_group or len(self._pending)
                group, self._pending = self._pending[:cut], self._pending[cut:]
            try:
                self._write_group(group)
            except BaseException:
                if save in group:
                    raise
                # Another group's failure is reported to its own saves; this one waits on.
            finally:
                with self._turn:
                    for written in group:
                        written.finished = True
                    self._writing = False
                    self._turn.notify_all()

    def _write_group(self, group: list[Save]) -> None:
        try:
            self._write(group)
        except BaseException as e:
            for save in group:
                save.ids = None
                save.error = save.error or e
            raise
