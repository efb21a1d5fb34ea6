"""Follows the event log and keeps the read models up to date, in batches.

Each projection records how far it got in the same transaction as its rows, so a crash
loses nothing and applies nothing twice; catching up after a restart or a rebuild reads
the log in batches (one transaction per batch, not per event).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from okr_es.application import OKRApplication
from okr_es.errors import NotFound
from okr_es.projections.base import Projection
from okr_es.projections.change_timeline import ChangeTimeline
from okr_es.projections.check_in_history import CheckInHistory
from okr_es.projections.kpis import Kpis
from okr_es.projections.okr_tree import OkrTree
from okr_es.projections.recorder import ViewRecorder

BATCH_SIZE = 500


def all_projections() -> list[Projection]:
    return [OkrTree(), CheckInHistory(), ChangeTimeline(), Kpis()]


class ProjectionRunner:
    """Brings the given projections up to the head of the application's log."""

    def __init__(
        self, app: OKRApplication, projections: Sequence[Projection] | None = None
    ) -> None:
        self.app = app
        self.projections = list(projections) if projections is not None else all_projections()
        self.views = ViewRecorder(app.factory.tracking_recorder(), self.projections)

    def catch_up(self, batch_size: int = BATCH_SIZE) -> int:
        """Apply every event not yet applied; returns how many events were read."""
        read = 0
        while True:
            positions = {p.name: self.views.position(p) for p in self.projections}
            start = min(positions.values()) + 1
            notifications = self.app.notifications(start, batch_size)
            if not notifications:
                return read
            read += len(notifications)
            events: list[tuple[int, Any]] = [(n.id, self.app.decode(n)) for n in notifications]
            for projection in self.projections:
                done = positions[projection.name]
                self.views.apply(projection, [(pos, e) for pos, e in events if pos > done])
            if len(notifications) < batch_size:
                return read

    def rebuild(self, name: str | None = None) -> int:
        """Drop and replay one projection (or all) from position 0."""
        chosen = self.projection(name) if name else self.projections
        for projection in chosen if isinstance(chosen, list) else [chosen]:
            self.views.reset(projection)
        return self.catch_up()

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
