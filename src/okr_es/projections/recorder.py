"""Tracking recorders that also own read-model tables: rows and position in one transaction.

Built on eventsourcing's tracking recorders for SQLite and PostgreSQL, sharing the
application's datastore (file or connection pool), so read models live beside the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder

from okr_es.projections.base import Projection
from okr_es.projections.sql import Sql


class ViewRecorder:
    """Applies batches of events to projections, each batch with its tracking position."""

    def __init__(self, tracking: TrackingRecorder, projections: Sequence[Projection]) -> None:
        self.tracking = tracking
        self.projections = list(projections)
        self.postgres = isinstance(tracking, PostgresTrackingRecorder)
        self.create_tables()

    @property
    def tracking_table(self) -> str:
        if isinstance(self.tracking, PostgresTrackingRecorder):
            return f'"{self.tracking.datastore.schema}"."{self.tracking.tracking_table_name}"'
        return "tracking"

    def create_tables(self, only: Sequence[Projection] | None = None) -> None:
        with self._transaction() as sql:
            for projection in only or self.projections:
                for statement in projection.ddl:
                    sql.run(statement)
                projection.upgrade(sql)

    def position(self, projection: Projection) -> int:
        return self.tracking.max_tracking_id(projection.name) or 0

    def apply(self, projection: Projection, batch: Sequence[tuple[int, Any]]) -> None:
        """Apply ``(position, event)`` pairs and record the last position, atomically."""
        if not batch:
            return
        with self._transaction() as sql:
            for position, event in batch:
                projection.apply(sql, event, position)
            self._insert_tracking(sql, Tracking(projection.name, batch[-1][0]))

    def apply_together(
        self, batches: Sequence[tuple[Projection, Sequence[tuple[int, Any]]]]
    ) -> None:
        """Apply several projections' batches in ONE transaction, each with its position."""
        batches = [(projection, batch) for projection, batch in batches if batch]
        if not batches:
            return
        with self._transaction() as sql:
            for projection, batch in batches:
                for position, event in batch:
                    projection.apply(sql, event, position)
                self._insert_tracking(sql, Tracking(projection.name, batch[-1][0]))

    def reset(self, projection: Projection) -> None:
        """Drop the projection's tables and forget its position, for a rebuild."""
        with self._transaction() as sql:
            for table in projection.tables:
                sql.run(f"DROP TABLE IF EXISTS {table}")
            sql.run(
                f"DELETE FROM {self.tracking_table} WHERE application_name = :name",
                {"name": projection.name},
            )
        self.create_tables([projection])

    def query(self, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._transaction(commit=False) as sql:
            return sql.all(statement, params)

    def _insert_tracking(self, sql: Sql, tracking: Tracking) -> None:
        # The library's own statement: it refuses a position not beyond the recorded one,
        # so a second runner re-applying a batch fails instead of applying it twice.
        recorder: Any = self.tracking
        recorder._insert_tracking(sql.cursor, tracking)

    def _transaction(self, *, commit: bool = True) -> _Transaction:
        return _Transaction(self, commit)


class _Transaction:
    def __init__(self, recorder: ViewRecorder, commit: bool) -> None:
        self._context = recorder.tracking.datastore.transaction(commit=commit)  # type: ignore[attr-defined]
        self._postgres = recorder.postgres
        self._schema = recorder.tracking.datastore.schema if recorder.postgres else None  # type: ignore[attr-defined]

    def __enter__(self) -> Sql:
        sql = Sql(self._context.__enter__(), postgres=self._postgres)
        if self._schema:
            # Read-model tables live in the application's schema, beside its events.
            sql.cursor.execute(f'SET LOCAL search_path TO "{self._schema}"')
        return sql

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)
