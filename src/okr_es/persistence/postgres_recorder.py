"""A PostgreSQL application recorder that saves in one round trip, with the library's lock.

Why this exists: eventsourcing's ``PostgresApplicationRecorder`` makes every save run
``SET LOCAL lock_timeout``, ``LOCK TABLE … IN EXCLUSIVE MODE``, ``NOTIFY`` and the
``INSERT … RETURNING notification_id`` as separate (pipelined) statements inside an explicit
transaction: about a dozen client/server waits per save while the table lock is held, so
concurrent writers serialise at a few hundred saves per second (DESIGN §8).

The library's own alternative, ``POSTGRES_ENABLE_DB_FUNCTIONS``, calls a server-side function
that takes *no* table lock: notification ids are then issued in a different order from the
one in which transactions commit, and a follower reading the log from its last seen id skips
events that commit late with lower ids. It also drops the tracking rows of process recorders.

Here the same four steps run inside one PL/pgSQL function (created with the tables, named
after the events table), called as a single statement on the pool's autocommit connection:
the statement is its own transaction, so taking the lock, inserting, queueing the NOTIFY
and committing cost one round trip, and the ``EXCLUSIVE`` lock is still held until commit —
ids are issued in commit order exactly as with the library's path. A duplicate
``(originator_id, originator_version)`` raises PostgreSQL's unique violation from inside the
function, which surfaces as the library's ``IntegrityError`` (optimistic concurrency control
depends on it). Reading, tracking and LISTEN-based subscriptions are the base class's.

Concurrent saves are committed in groups (see :mod:`okr_es.persistence.group_commit`):
the saves that gather while one call runs go into the next call together, so a busy
server pays one lock, one commit and one round trip for many commands. A group that hits a
unique violation is written again save by save, so only the conflicting save fails.

When a save carries a ``tracking`` record (process recorders only), the tracking row and the
function call share one explicit, pipelined transaction, as in the library.

Every recorder here creates its tables (and replaces the function) under the schema's DDL
lock, so processes started at the same moment do not collide in PostgreSQL's catalogue.

Selected through the library's ``APPLICATION_RECORDER_TOPIC`` and
``TRACKING_RECORDER_TOPIC`` (see ``okr_es.settings``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresRecorder,
    PostgresTrackingRecorder,
)
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from okr_es.persistence.group_commit import GroupCommit, Save
from okr_es.persistence.postgres_datastore import bounded
from okr_es.persistence.store_lock import schema_work

__all__ = [
    "OKRPostgresApplicationRecorder",
    "OKRPostgresProcessRecorder",
    "OKRPostgresTrackingRecorder",
    "insert_function_name",
]

_FUNCTION_PREFIX = "okr_insert_"
# Saves per group commit: enough to gather every request thread of a busy server, few
# enough that one statement's arrays stay small.
MAX_GROUP = 64


def insert_function_name(events_table_name: str) -> str:
    """The insert function's name for an events table, within PostgreSQL's 63-byte limit."""
    name = _FUNCTION_PREFIX + events_table_name
    if len(name.encode()) <= PostgresApplicationRecorder.MAX_IDENTIFIER_LEN:
        return name
    digest = hashlib.sha256(events_table_name.encode()).hexdigest()[:16]
    return f"{_FUNCTION_PREFIX}{events_table_name[:30]}_{digest}"


class _SchemaWorkLocked(PostgresRecorder):
    """Creates its tables under the schema's DDL lock (see ``store_lock.schema_work``), on
    a datastore that fails fast while PostgreSQL is away (``postgres_datastore``)."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        bounded(datastore)
        super().__init__(datastore, **kwargs)

    def create_table(self) -> None:
        with schema_work(self.datastore):
            super().create_table()
            self._okr_create_also()

    def _okr_create_also(self) -> None:
        """What else to create under the same lock (nothing, unless overridden)."""


class OKRPostgresTrackingRecorder(_SchemaWorkLocked, PostgresTrackingRecorder):
    """The library's tracking recorder, its tables created under the schema's DDL lock."""


class OKRPostgresApplicationRecorder(_SchemaWorkLocked, PostgresApplicationRecorder):
    """PostgresApplicationRecorder whose saves are one locked server-side function call."""

    def _okr_create_also(self) -> None:
        # The library creates the snapshots table next, outside any lock; created here
        # first, its CREATE … IF NOT EXISTS then changes nothing and cannot collide.
        snapshots = self.events_table_name.removesuffix("_events") + "_snapshots"
        if snapshots != self.events_table_name:
            PostgresAggregateRecorder(self.datastore, events_table_name=snapshots).create_table()

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
    ):
        super().__init__(datastore, events_table_name=events_table_name)
        self.okr_insert_function_name = insert_function_name(self.events_table_name)
        schema = Identifier(self.datastore.schema)
        function = Identifier(self.okr_insert_function_name)
        table = Identifier(self.events_table_name)
        id_type = Identifier(self.datastore.originator_id_type)
        # The lock comment in PostgresApplicationRecorder._lock_table explains why the
        # EXCLUSIVE lock is needed: ids must be issued in commit order, or followers of
        # the log pass over ids whose rows become visible later. The lock timeout is a
        # parameter (not baked in) so applications sharing a schema cannot disagree.
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "p_originator_ids {id_type}[], "
                "p_originator_versions bigint[], "
                "p_topics text[], "
                "p_states bytea[], "
                "p_lock_timeout text) "
                "RETURNS SETOF bigint "
                "LANGUAGE plpgsql "
                "AS $BODY$ "
                "BEGIN "
                "PERFORM set_config('lock_timeout', p_lock_timeout, true); "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY "
                "INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT e.originator_id, e.originator_version, e.topic, e.state "
                "FROM unnest(p_originator_ids, p_originator_versions, p_topics, p_states) "
                "WITH ORDINALITY "
                "AS e(originator_id, originator_version, topic, state, n) "
                "ORDER BY e.n "
                "RETURNING notification_id; "
                "END; "
                "$BODY$"
            ).format(
                schema=schema,
                function=function,
                table=table,
                id_type=id_type,
                channel=Identifier(self.channel_name),
            )
        )
        self.okr_insert_statement = SQL(
            "SELECT notification_id FROM {schema}.{function}("
            "%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[], %s::text) "
            "AS t(notification_id)"
        ).format(schema=schema, function=function, id_type=id_type)
        self.okr_lock_timeout = f"{int(self.datastore.lock_timeout)}s"
        self._okr_group_commit = GroupCommit(self._okr_write_group, max_group=MAX_GROUP)

    def _okr_insert_params(self, stored_events: Sequence[StoredEvent]) -> tuple[Any, ...]:
        return (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            self.okr_lock_timeout,
        )

    def _okr_needs_transaction(self, **kwargs: Any) -> bool:
        """Whether the save writes more than events (a process recorder's tracking row)."""
        return False

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self._okr_needs_transaction(**kwargs):
            return self._okr_insert_in_transaction(stored_events, **kwargs)
        if not stored_events:
            return None
        return self._okr_group_commit.submit(stored_events, kwargs)

    def _okr_write_group(self, group: list[Save]) -> None:
        """One function call for the whole group: one lock, one insert, one commit.

        A unique violation aborts the whole call; the group is then written save by save,
        so only the save that lost its race fails (optimistic concurrency is per save)."""
        if len(group) == 1:
            group[0].ids = self._okr_call(group[0].events)
            return
        try:
            ids = self._okr_call([e for save in group for e in save.events])
        except IntegrityError:
            for save in group:
                try:
                    save.ids = self._okr_call(save.events)
                except IntegrityError as e:
                    save.error = e
            return
        start = 0
        for save in group:
            save.ids = ids[start : start + len(save.events)]
            start += len(save.events)

    def _okr_call(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        params = self._okr_insert_params(stored_events)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # Autocommit: this one statement is the whole transaction (lock, insert,
            # NOTIFY and commit), so the save costs a single round trip.
            assert conn.autocommit
            curs.execute(self.okr_insert_statement, params, prepare=True)
            return self._okr_fetch_ids(curs, stored_events)

    def _okr_insert_in_transaction(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        exc: Exception | None = None
        notification_ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs:
                    self._insert_events(curs, stored_events, **kwargs)
                if stored_events:
                    with conn.cursor() as curs:
                        try:
                            curs.execute(
                                self.okr_insert_statement,
                                self._okr_insert_params(stored_events),
                                prepare=True,
                            )
                            # Sync now, so a unique violation raises IntegrityError here
                            # rather than an InternalError later, at commit.
                            pipeline.sync()
                            notification_ids = self._okr_fetch_ids(curs, stored_events)
                        except Exception as e:
                            # Re-raised once the pipeline has exited (avoids its warning).
                            exc = e
            if exc:
                raise exc
        return notification_ids

    @staticmethod
    def _okr_fetch_ids(
        curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]
    ) -> list[int]:
        notification_ids = [row["notification_id"] for row in curs.fetchall()]
        if len(notification_ids) != len(stored_events):
            msg = (
                "Couldn't get all notification IDs "
                f"(got {len(notification_ids)}, expected {len(stored_events)})"
            )
            raise ProgrammingError(msg)
        return notification_ids


class OKRPostgresProcessRecorder(
    PostgresTrackingRecorder, OKRPostgresApplicationRecorder, ProcessRecorder
):
    """Process recorder on the same insert function; tracking shares the transaction."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ):
        super().__init__(
            datastore,
            tracking_table_name=tracking_table_name,
            events_table_name=events_table_name,
        )

    def _okr_needs_transaction(self, **kwargs: Any) -> bool:
        return kwargs.get("tracking") is not None

    def _insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(curs, tracking=tracking)
        super()._insert_events(curs, stored_events, **kwargs)
