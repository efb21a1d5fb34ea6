"""Follows the event log and keeps the read models up to date, in batches.

Each projection records how far it got in the same transaction as its rows, so a crash
loses nothing and applies nothing twice; catching up after a restart or a rebuild reads
the log in batches (one transaction per batch, not per event).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError

from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from okr_es.errors import NotFound
from okr_es.privacy.scrub import scrub
from okr_es.projections.base import Projection
from okr_es.projections.change_timeline import ChangeTimeline
from okr_es.projections.check_in_history import CheckInHistory
from okr_es.projections.hypotheses import Hypotheses
from okr_es.projections.initiatives import Initiatives
from okr_es.projections.kpis import Kpis
from okr_es.projections.meetings import Meetings
from okr_es.projections.okr_tree import OkrTree
from okr_es.projections.organization_policies import OrganizationPolicies
from okr_es.projections.recorder import PositionsMoved, ViewRecorder
from okr_es.projections.reminders import Reminders
from okr_es.projections.reviews import Reviews
from okr_es.projections.rosters import Rosters
from okr_es.projections.saved_views import SavedViews

BATCH_SIZE = 500
# A rebuild reads far more than a live catch-up: larger batches spread each transaction's
# fixed cost (and each projection's per-batch reads) over more events.
REBUILD_BATCH_SIZE = 5000


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is applied.

    A batch's decoded events and rows all live until it ends, so the collector, counting
    allocations, would walk the whole heap again and again for nothing (a quarter of a
    rebuild's time); they are freed by reference counting when the batch ends, and the
    collector runs as usual between batches. Counted, so threads applying batches at the
    same time leave it enabled only when the last one is done."""
    global _pausers, _was_enabled
    with _pause_lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_pausers = 0
_was_enabled = True


def all_projections() -> list[Projection]:
    return [
        OkrTree(),
        CheckInHistory(),
        ChangeTimeline(),
        Kpis(),
        Reviews(),
        Initiatives(),
        Rosters(),
        Hypotheses(),
        SavedViews(),
        OrganizationPolicies(),
        Meetings(),
        Reminders(),
    ]


class ProjectionRunner:
    """Brings the given projections up to the head of the application's log."""

    def __init__(
        self, app: OKRApplication, projections: Sequence[Projection] | None = None
    ) -> None:
        self.app = app
        self.projections = list(projections) if projections is not None else all_projections()
        self.views = ViewRecorder(app.factory.tracking_recorder(), self.projections)
        self._positions: dict[str, int] | None = None

    def catch_up(
        self,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        until: int | None = None,
    ) -> int:
        """Apply every event not yet applied (up to position ``until`` at least, when
        given); returns how many events were read. ``progress`` hears the log position
        reached after each batch.

        All projections advance in one transaction per batch. Their positions are kept in
        memory between calls (this runner is normally their only writer); the batch's
        transaction checks them under the read-model lock, and if another runner (or a
        rebuild) moved them meanwhile, nothing is applied and the positions are read
        again before retrying.
        """
        read = 0
        while True:
            positions = self._known_positions()
            if until is not None and min(positions.values(), default=0) >= until:
                return read
            with collection_paused():
                try:
                    count, last = self._apply_next(positions, batch_size)
                except PositionsMoved:
                    # Another runner applied a batch, or a rebuild reset a read model: go
                    # on from the positions now recorded.
                    self._positions = None
                    continue
                except IntegrityError:
                    self._positions = None
                    if self._known_positions() == positions:
                        raise  # not another runner: a projection itself is broken
                    continue
            if not count:
                return read
            read += count
            self._positions = {name: max(done, last) for name, done in positions.items()}
            if progress is not None:
                progress(last)
            if count < batch_size:
                return read

    def _apply_next(self, positions: dict[str, int], batch_size: int) -> tuple[int, int]:
        """Read, decode and apply the next batch; returns how many events it held and the
        last one's position. Each event is decoded once, whichever read models need it."""
        notifications = self.app.notifications(min(positions.values()) + 1, batch_size)
        if not notifications:
            return 0, 0
        decode = self.app.decode
        events: list[tuple[int, Any]] = [(n.id, decode(n)) for n in notifications]
        first = events[0][0]
        batches = [
            # A read model behind none of the batch (always so in a rebuild) shares the list.
            (p, events if positions[p.name] < first else
             [(pos, e) for pos, e in events if pos > positions[p.name]])
            for p in self.projections
        ]
        self.views.apply_together(batches, expected=positions)
        if any(isinstance(e, Organization.MemberErased) for _, e in events):
            # The rows just overwritten must not linger in the file (SQLite).
            scrub(getattr(self.views.tracking, "datastore", None))
        return len(events), events[-1][0]

    def applied(self) -> int:
        """The log position every projection has applied (from memory when known)."""
        return min(self._known_positions().values(), default=0)

    def _known_positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = self.positions()
        return self._positions

    def rebuild(
        self,
        name: str | None = None,
        *,
        batch_size: int = REBUILD_BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Drop and replay one projection (or all) from position 0, up to the head of the
        log as it was when the rebuild started (whatever is saved later is a running
        worker's to apply, or the next catch-up's): under a steady stream of commands a
        rebuild still ends. ``progress`` hears the log position reached after each batch."""
        chosen = self.projection(name) if name else self.projections
        projections = chosen if isinstance(chosen, list) else [chosen]
        head = self.app.position()
        self.views.reset(*projections)
        self._positions = None
        read = self.catch_up(batch_size, progress, until=head)
        # The readers' indexes, each built in one pass (a killed rebuild gets them back
        # from the next runner that starts: every runner creates what is missing).
        self.views.create_tables(projections)
        return read

    def projection(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        known = ", ".join(p.name for p in self.projections)
        raise NotFound(f"no projection {name!r} (known: {known})", field="name")

    def positions(self) -> dict[str, int]:
        return {p.name: self.views.position(p) for p in self.projections}

    def rows(self, projection: Projection) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the projection's tables in a stable order (for checks and tests)."""
        return {
            table: sorted(self.views.query(f"SELECT * FROM {table}"), key=repr)
            for table in projection.tables
        }
