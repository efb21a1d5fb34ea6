"""One active notify process per event store: a PostgreSQL session-level advisory lock.

The lock is taken on a dedicated connection and held for as long as that session lives.
A second ``okr-es notify`` polls for it as a standby; when the active process dies (even
by SIGKILL) PostgreSQL ends its session, the lock is free, and the standby takes it. A
lost connection (PostgreSQL restarted) ends the active term: the services stop, and the
process reconnects with backoff and competes for the lock again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

import psycopg

from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff
from okr_es.settings import Settings

log = logging.getLogger(__name__)

# How often a standby asks for the lock, and the active process checks its session.
POLL_SECONDS = 1.0


def lock_key(settings: Settings) -> int:
    """The advisory lock's key: one per database and schema (tests and installations that
    share a PostgreSQL in separate schemas do not block each other)."""
    env = settings.eventsourcing_env()
    where = f"okr-es notify {env.get('POSTGRES_DBNAME')}/{env.get('POSTGRES_SCHEMA', 'public')}"
    return int.from_bytes(hashlib.sha256(where.encode()).digest()[:8], "big", signed=True)


class SingleActive:
    """Acquire, watch and release the notify lock."""

    def __init__(self, settings: Settings, *, poll: float = POLL_SECONDS) -> None:
        env = settings.eventsourcing_env()
        self._connect = {
            "host": env["POSTGRES_HOST"],
            "port": int(env["POSTGRES_PORT"]),
            "dbname": env["POSTGRES_DBNAME"],
            "user": env["POSTGRES_USER"],
            "password": env["POSTGRES_PASSWORD"],
            "connect_timeout": 5,
            "application_name": "okr-es notify",
        }
        self.key = lock_key(settings)
        self.poll = poll
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None

    async def acquire(self) -> None:
        """Wait until this process holds the lock (reconnecting with backoff)."""
        backoff = Backoff()
        while True:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await psycopg.AsyncConnection.connect(
                        autocommit=True,
                        **self._connect,  # type: ignore[arg-type]
                    )
                    backoff.reset()
                cursor = await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                row = await cursor.fetchone()
                if row is not None and row[0] is True:
                    return
                await asyncio.sleep(self.poll)
            except CONNECTION_LOST as e:
                await self._close()
                wait = backoff.next()
                log.warning("notify: PostgreSQL unreachable (%s); retrying in %.1fs", e, wait)
                await asyncio.sleep(wait)

    async def wait_lost(self) -> None:
        """Return when the session holding the lock is gone."""
        while True:
            await asyncio.sleep(self.poll)
            if self._conn is None:
                return
            try:
                await self._conn.execute("SELECT 1")
            except CONNECTION_LOST:
                return

    async def release(self) -> None:
        """Give the lock up (ending the session releases it)."""
        await self._close()

    async def _close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(*CONNECTION_LOST):
                await conn.close()
