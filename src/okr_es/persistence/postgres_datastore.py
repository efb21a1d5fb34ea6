"""Bounds how long a request waits for PostgreSQL while the server is away.

The library retries a statement that fails on a lost connection up to ten times, and each
attempt first waits for a pooled connection (``POSTGRES_CONNECT_TIMEOUT``): with the server
down, a command or read waited up to ten times that before failing. Here a wait for a
pooled connection that times out is not retried — it raises :class:`StoreUnreachable`
(answered ``503 store-unavailable`` / GraphQL ``STORE_UNAVAILABLE``) — and, until a
connection is handed out again, the next requests wait only briefly for one, so every
request during an outage is answered within :data:`POOL_WAIT_SECONDS` and a little.
Statements that meet a dead connection (a server restart) are still retried on a fresh
one, as in the library; the pool opens new connections in the background as the server
comes back, so nothing needs restarting.

The application's recorders install this on the datastore they share (see
``postgres_recorder``); the library gives no other way to choose the datastore's class.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import OperationalError, PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.rows import DictRow
from psycopg_pool import PoolTimeout

__all__ = ["POOL_WAIT_SECONDS", "BoundedPostgresDatastore", "StoreUnreachable", "bounded"]

# How long a request waits for a pooled connection (the pool's own timeout); with the
# library's retries of dead connections (at most 9 × 0.2 s) a request fails within 5 s.
POOL_WAIT_SECONDS = 3.0
# The wait while the last attempt found no connection: the outage is known already.
OUTAGE_WAIT_SECONDS = 0.25


class StoreUnreachable(PersistenceError):
    """No connection to PostgreSQL could be had in time: the server is away.

    Not an ``OperationalError``, so the library's statement retries do not wait again."""


class BoundedPostgresDatastore(PostgresDatastore):
    """A PostgresDatastore whose requests fail fast while the server is unreachable."""

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        try:
            with super().get_connection() as conn:
                self._reached()
                yield conn
        except OperationalError as e:
            if not isinstance(e.__cause__, PoolTimeout):
                raise
            self.pool.timeout = OUTAGE_WAIT_SECONDS
            raise StoreUnreachable(f"PostgreSQL cannot be reached: {e}") from e

    def _reached(self) -> None:
        if self.pool.timeout != POOL_WAIT_SECONDS:
            self.pool.timeout = POOL_WAIT_SECONDS


def bounded(datastore: PostgresDatastore) -> None:
    """Make ``datastore`` (built by the library's factory) a BoundedPostgresDatastore."""
    if not isinstance(datastore, BoundedPostgresDatastore):
        datastore.__class__ = BoundedPostgresDatastore
        datastore.pool.timeout = POOL_WAIT_SECONDS
