"""Tracking recorders that also own read-model tables: rows and position in one transaction.

Built on eventsourcing's tracking recorders for SQLite and PostgreSQL, sharing the
application's datastore (file or connection pool), so read models live beside the events.

On PostgreSQL every transaction that changes read-model tables first takes the schema's
read-model lock (``store_lock.read_models_xact``), and a batch is applied only if the
positions it was read for are still the recorded ones: a rebuild (which drops tables and
forgets positions) and a running worker then take turns, batch by batch, instead of
deadlocking or applying a batch on top of tables reset meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import psycopg.errors
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder

from okr_es.persistence.store_lock import read_models_xact
from okr_es.projections.base import Projection
from okr_es.projections.reporting_views import create_reporting_views, reporting_schema
from okr_es.projections.sql import COPY_ROWS, Sql, translate


class PositionsMoved(Exception):
    """Another runner (a worker, a rebuild) moved the positions a batch was read for."""

    def __init__(self, positions: dict[str, int]) -> None:
        super().__init__(f"read-model positions are now {positions}")
        self.positions = positions


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
        with self._transaction(exclusive=True) as sql:
            self._create(sql, only or self.projections)
            self._create_reporting_views(sql)

    @staticmethod
    def _create(sql: Sql, projections: Sequence[Projection]) -> None:
        for projection in projections:
            for statement in projection.ddl:
                sql.run(statement)
            projection.upgrade(sql)

    def _create_reporting_views(self, sql: Sql) -> None:
        if not isinstance(self.tracking, PostgresTrackingRecorder):
            return
        schema = reporting_schema(self.tracking.datastore.schema)
        # Reporting is an extra: a role that may not create the schema still starts.
        sql.run("SAVEPOINT okr_reporting_views")
        try:
            create_reporting_views(sql, schema)
        except (
            psycopg.errors.InsufficientPrivilege,
            # A runner over some read models only (a tool, an older release's tables not
            # yet brought up to date): the views need every table as this release has it.
            psycopg.errors.UndefinedTable,
            psycopg.errors.UndefinedColumn,
        ) as e:
            sql.run("ROLLBACK TO SAVEPOINT okr_reporting_views")
            logging.getLogger(__name__).warning(
                "reporting views not created in schema %s (%s); see docs/reporting.md",
                schema,
                str(e).strip().splitlines()[0],
            )
        else:
            sql.run("RELEASE SAVEPOINT okr_reporting_views")

    def position(self, projection: Projection) -> int:
        return self.tracking.max_tracking_id(projection.name) or 0

    def apply(self, projection: Projection, batch: Sequence[tuple[int, Any]]) -> None:
        """Apply ``(position, event)`` pairs and record the last position, atomically."""
        if not batch:
            return
        with self._transaction() as sql:
            projection.apply_batch(sql, batch)
            self._insert_tracking(sql, Tracking(projection.name, batch[-1][0]))

    def apply_together(
        self,
        batches: Sequence[tuple[Projection, Sequence[tuple[int, Any]]]],
        expected: dict[str, int] | None = None,
    ) -> None:
        """Apply several projections' batches in ONE transaction, each with its position.

        With ``expected`` (the positions the batches were read for), raises
        :class:`PositionsMoved` and applies nothing when the recorded positions differ."""
        batches = [(projection, batch) for projection, batch in batches if batch]
        if not batches:
            return
        # A live batch (a few events) is pipelined: its statements go out without waiting
        # each for its answer, except where a projection reads, so a catch-up costs a few
        # round trips, not one per statement (under load each one is a wait for the
        # server's turn on the processor). A rebuild's batch sends its rows by COPY, which
        # a pipeline cannot carry.
        pipelined = self.postgres and max(len(batch) for _, batch in batches) < COPY_ROWS
        with self._transaction(exclusive=True, pipelined=pipelined) as sql:
            if expected is not None:
                recorded = self._recorded(sql, [p for p, _ in batches])
                if any(recorded[name] != expected.get(name) for name in recorded):
                    raise PositionsMoved(recorded)
            for projection, batch in batches:
                projection.apply_batch(sql, batch)
            self._insert_trackings(sql, [(p.name, batch[-1][0]) for p, batch in batches])

    def reset(self, *projections: Projection) -> None:
        """Drop the projections' tables and forget their positions, for a rebuild: in one
        transaction (one commit however many tables), and without the indexes only readers
        use (a rebuild creates them again at its end)."""
        with self._transaction(exclusive=True) as sql:
            for projection in projections:
                if not self.postgres and _as_created(sql, projection):
                    # Emptied, not dropped: SQLite writes zeros over every page either
                    # way (secure_delete), but empties a table at two thirds of the cost
                    # of dropping it. Only the readers' indexes go (built again at the
                    # end), before the rows, so their pages are freed once.
                    for index in projection.read_indexes:
                        sql.run(f"DROP INDEX IF EXISTS {index}")
                    for table in projection.tables:
                        sql.run(f"DELETE FROM {table}")
                    sql.run(
                        f"DELETE FROM {self.tracking_table} WHERE application_name = :name",
                        {"name": projection.name},
                    )
                    continue
                for table in projection.tables:
                    # CASCADE: the reporting views over the table go too, and come back
                    # below.
                    sql.run(f"DROP TABLE IF EXISTS {table}{' CASCADE' if self.postgres else ''}")
                sql.run(
                    f"DELETE FROM {self.tracking_table} WHERE application_name = :name",
                    {"name": projection.name},
                )
            self._create(sql, projections)
            for projection in projections:
                for index in projection.read_indexes:
                    sql.run(f"DROP INDEX IF EXISTS {index}")
            self._create_reporting_views(sql)

    def query(self, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._transaction(commit=False) as sql:
            return sql.all(statement, params)

    def _recorded(self, sql: Sql, projections: Sequence[Projection]) -> dict[str, int]:
        recorded = {p.name: 0 for p in projections}
        for name, position in sql.all(
            f"SELECT application_name, MAX(notification_id) FROM {self.tracking_table} "
            "GROUP BY application_name"
        ):
            if name in recorded:
                recorded[name] = position or 0
        return recorded

    def _insert_trackings(self, sql: Sql, positions: Sequence[tuple[str, int]]) -> None:
        """Record each read model's new position: on PostgreSQL with one statement (one
        round trip, not one per read model), which, like the library's own, refuses a
        position not beyond the recorded one."""
        if not (self.postgres and self.tracking.datastore.single_row_tracking):  # type: ignore[attr-defined]
            for name, position in positions:
                self._insert_tracking(sql, Tracking(name, position))
            return
        values = ", ".join(["(%s, %s)"] * len(positions))
        sql.cursor.execute(
            f"INSERT INTO {self.tracking_table} AS t VALUES {values} "
            "ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id = excluded.notification_id "
            "WHERE t.notification_id < excluded.notification_id RETURNING application_name",
            [value for pair in positions for value in pair],
        )
        if len(sql.cursor.fetchall()) != len(positions):
            raise IntegrityError(f"failed to record tracking positions {dict(positions)}")

    def _insert_tracking(self, sql: Sql, tracking: Tracking) -> None:
        # The library's own statement: it refuses a position not beyond the recorded one,
        # so a second runner re-applying a batch fails instead of applying it twice.
        recorder: Any = self.tracking
        recorder._insert_tracking(sql.cursor, tracking)

    def _transaction(
        self, *, commit: bool = True, exclusive: bool = False, pipelined: bool = False
    ) -> _Transaction:
        return _Transaction(self, commit, exclusive, pipelined)


class _Transaction:
    def __init__(
        self, recorder: ViewRecorder, commit: bool, exclusive: bool, pipelined: bool
    ) -> None:
        self._exclusive = exclusive
        self._context = recorder.tracking.datastore.transaction(commit=commit)  # type: ignore[attr-defined]
        self._postgres = recorder.postgres
        self._schema = recorder.tracking.datastore.schema if recorder.postgres else None  # type: ignore[attr-defined]
        self._pipelined = pipelined and recorder.postgres
        self._pipeline: Any = None

    def __enter__(self) -> Sql:
        cursor = self._context.__enter__()
        if self._pipelined:
            self._pipeline = cursor.connection.pipeline()
            self._pipeline.__enter__()
        sql = Sql(cursor, postgres=self._postgres, pipelined=self._pipelined)
        if self._schema:
            # Read-model tables live in the application's schema, beside its events.
            sql.cursor.execute(f'SET LOCAL search_path TO "{self._schema}"')
            if self._exclusive:
                read_models_xact(sql.cursor, self._schema)
        return sql

    def __exit__(self, *exc: Any) -> None:
        if self._pipeline is not None:
            # Ending the pipeline waits for every answer: an error the server gave a
            # statement sent without waiting surfaces here, and the transaction ends with it.
            try:
                self._pipeline.__exit__(*exc)
            except BaseException as error:
                if not self._context.__exit__(type(error), error, error.__traceback__):
                    raise
                return
        self._context.__exit__(*exc)


def _as_created(sql: Sql, projection: Projection) -> bool:
    """Whether the projection's SQLite tables and indexes are exactly what its DDL creates
    (as SQLite records a statement: without ``IF NOT EXISTS``). Tables of an earlier shape
    (an upgraded column, a changed index) are dropped and created afresh instead."""
    tables = set(projection.tables)
    recorded = {
        statement
        for table, statement in sql.all(
            "SELECT tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        )
        if table in tables
    }
    expected = {
        translate(statement, False).replace(" IF NOT EXISTS", "", 1) for statement in projection.ddl
    }
    return bool(recorded) and recorded == expected
