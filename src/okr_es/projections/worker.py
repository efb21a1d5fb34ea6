"""Distributed mode: projections in their own process, API processes told of progress.

``okr-es project`` runs :class:`ProjectionWorker`: it LISTENs on the channel PostgreSQL is
notified on with every saved event, catches the read models up in batches, and NOTIFYs the
read-model channel with the position reached. API processes run
:class:`RemoteReadModels`, which LISTENs on that channel, so a request carrying
``X-OKR-Position`` waits for exactly that position without polling the tracking table.

Both outlive PostgreSQL restarts: a lost connection is logged and opened again (the worker
with a growing wait, see :mod:`okr_es.persistence.reconnect`); nothing is lost, since the
read models resume from the position recorded with their rows.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff
from okr_es.projections.runner import ProjectionRunner

log = logging.getLogger(__name__)

# A safety net only: every save notifies, so a worker normally wakes at once.
IDLE_WAKE_SECONDS = 5.0


def _connection_info(app: OKRApplication) -> dict[str, Any]:
    env = app.settings.eventsourcing_env()
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        raise InvalidInput(
            "projection workers need PostgreSQL: set OKR_ES_DATABASE_URL",
            field="OKR_ES_DATABASE_URL",
        )
    return {
        "dbname": env["POSTGRES_DBNAME"],
        "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"],
        "password": env["POSTGRES_PASSWORD"] or None,
        "connect_timeout": 5,
        "autocommit": True,
    }


def events_channel(app: OKRApplication) -> str:
    return str(app.recorder.channel_name)  # type: ignore[attr-defined]


def read_models_channel(app: OKRApplication) -> str:
    schema = app.settings.database_schema or "public"
    return f"okr_read_models_{schema}"[:63]


class ProjectionWorker:
    """Keeps the read models of one PostgreSQL database current until stopped."""

    def __init__(self, app: OKRApplication, runner: ProjectionRunner | None = None) -> None:
        self.app = app
        self.runner = runner or ProjectionRunner(app)
        self.stopping = threading.Event()
        self._on_ready: Callable[[int], None] | None = None

    def run(self, on_ready: Callable[[int], None] | None = None) -> None:
        """Follow the log until :meth:`stop`, reconnecting (with backoff) whenever
        PostgreSQL goes away; ``on_ready`` is called once, when first caught up."""
        self._on_ready = on_ready
        backoff = Backoff()
        while not self.stopping.is_set():
            try:
                self._follow(backoff)
            except CONNECTION_LOST as e:
                wait = backoff.next()
                log.warning("lost PostgreSQL (%s); reconnecting in %.2f s", _first_line(e), wait)
                self.stopping.wait(wait)

    def _follow(self, backoff: Backoff) -> None:
        with psycopg.connect(**_connection_info(self.app)) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(events_channel(self.app))))
            position = self._catch_up(conn)
            if backoff.failures:
                log.warning("reconnected to PostgreSQL; read models at position %d", position)
            backoff.reset()
            if self._on_ready is not None:
                self._on_ready(position)
                self._on_ready = None
            while not self.stopping.is_set():
                # Drain whatever arrived; one catch-up covers any number of notifications.
                for _ in conn.notifies(timeout=IDLE_WAKE_SECONDS, stop_after=1):
                    pass
                position = self._catch_up(conn)

    def stop(self) -> None:
        self.stopping.set()

    def _catch_up(self, conn: psycopg.Connection[Any]) -> int:
        self.runner.catch_up()
        position = self.runner.applied()
        conn.execute(
            sql.SQL("SELECT pg_notify({}, {})").format(
                sql.Literal(read_models_channel(self.app)), sql.Literal(str(position))
            )
        )
        return position


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class RemoteReadModels:
    """An API process's view of how far the worker-maintained read models are."""

    def __init__(self, app: OKRApplication) -> None:
        self.app = app
        self._runner = ProjectionRunner(app)
        self._changed = threading.Condition()
        self._applied = min(self._runner.positions().values(), default=0)
        self._listeners: list[Callable[[int], None]] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def position(self) -> int:
        return self._applied

    @property
    def runner(self) -> ProjectionRunner:
        return self._runner

    def start(self) -> RemoteReadModels:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._listen, args=(ready,), name="okr-es-read-models", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=IDLE_WAKE_SECONDS + 5)

    def on_applied(self, listener: Callable[[int], None]) -> None:
        self._listeners.append(listener)

    def wait_for(self, position: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._applied < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self._applied

    def _listen(self, ready: threading.Event) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(**_connection_info(self.app)) as conn:
                    channel = sql.Identifier(read_models_channel(self.app))
                    conn.execute(sql.SQL("LISTEN {}").format(channel))
                    # Read the position after LISTEN so no notification falls in between.
                    self._advance(min(self._runner.positions().values(), default=0))
                    ready.set()
                    while not self._stopping.is_set():
                        for notify in conn.notifies(timeout=1.0):
                            if notify.payload.isdigit():
                                self._advance(int(notify.payload))
            except CONNECTION_LOST as e:
                log.warning("lost the read-model channel (%s); reconnecting", _first_line(e))
                self._stopping.wait(1.0)

    def _advance(self, position: int) -> None:
        if position <= self._applied:
            return
        for listener in self._listeners:
            listener(position)
        with self._changed:
            self._applied = max(self._applied, position)
            self._changed.notify_all()
