"""The NATS relay: follows the notification log and publishes every event to JetStream.

The log is the outbox (DESIGN.md §3): the relay reads it from its tracked position, publishes
each event's integration event (see :mod:`okr_es.messaging.integration_events`) with header
``Nats-Msg-Id`` = its log position, in batches with asynchronous acks, waits for every ack of
the batch, and only then records the last position under the tracking name ``nats_relay``.
A crash between the acks and that record re-publishes the batch on restart; JetStream's
duplicate window drops those repeats (the ack says ``duplicate``), so subscribers see each
position once.

nats-py is asyncio; the event store is synchronous, so store calls run in worker threads.
It wakes on new events from ``OKRApplication.on_saved`` (same process) or PostgreSQL's
LISTEN on the events channel (own process), with a bounded idle wait as a safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import nats
import nats.errors
import nats.js.errors
import psycopg
from eventsourcing.persistence import Tracking, TrackingRecorder
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import NotFoundError
from psycopg import sql

from okr_es.application import OKRApplication
from okr_es.messaging.integration_events import (
    ORGANIZATION_NAMING_TOPICS,
    SUBJECT_PREFIX,
    IntegrationEvent,
    OrganizationDirectory,
    translate,
)
from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff
from okr_es.projections.worker import _connection_info, events_channel
from okr_es.settings import Settings

log = logging.getLogger(__name__)

STREAM = "OKR_ES"
TRACKING_NAME = "nats_relay"
# JetStream's default; a relay down for longer than this may publish a batch twice, which
# subscribers tolerate by remembering the last position they handled.
DUPLICATE_WINDOW_SECONDS = 120.0
BATCH_SIZE = 1000
# How long a batch's acks may take in all before the batch counts as not published.
ACK_TIMEOUT_SECONDS = 10.0
# A safety net only: saves and NOTIFY wake the relay at once.
IDLE_WAKE_SECONDS = 5.0


async def run_relay(
    app: OKRApplication, settings: Settings, *, on_ready: Callable[[int], None] | None = None
) -> None:
    """``okr-es relay``: connect, publish until SIGTERM or SIGINT, then drain and close."""
    if settings.nats_url is None:
        raise ValueError("run_relay needs settings.nats_url")
    nc = await connect(settings.nats_url)
    try:
        relay = NatsRelay(
            app,
            nc.jetstream(),
            stream=settings.nats_stream,
            subject_prefix=settings.nats_subject_prefix,
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, relay.stop)
        await relay.run(listen=settings.uses_postgres, on_ready=on_ready)
    finally:
        await nc.close()


async def connect(url: str) -> Client:
    """A NATS connection, or :class:`NatsUnavailable` after a few seconds of trying.

    Once connected, the client reconnects by itself for as long as it takes."""

    async def quiet(error: Exception) -> None:
        # nats-py reports every failed attempt; one warning each is enough.
        log.warning("NATS: %s", _described(error))

    async def disconnected() -> None:
        log.warning("NATS: disconnected from %s; reconnecting", nats_address(url))

    async def reconnected() -> None:
        log.warning("NATS: reconnected")

    try:
        nc = await nats.connect(
            url,
            name="okr-es relay",
            connect_timeout=5,
            max_reconnect_attempts=10,
            reconnect_time_wait=1,
            error_cb=quiet,
            disconnected_cb=disconnected,
            reconnected_cb=reconnected,
        )
    except (nats.errors.Error, OSError) as e:
        raise NatsUnavailable(f"cannot reach NATS at {nats_address(url)}: {e}") from e
    # A server never reached is more likely a wrong address than a restart, so the first
    # connection gives up after a few seconds; once connected, never give up (-1): a NATS
    # restart must not end the relay. nats-py reads this option on every reconnect.
    nc.options["max_reconnect_attempts"] = -1
    return nc


def nats_address(url: str) -> str:
    """The NATS server's host and port, for messages: a URL may carry credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 4222}"


class NatsUnavailable(Exception):
    """NATS could not be reached; the relay cannot start."""


class NatsRelay:
    """Publishes the application's log to one JetStream stream, each position once."""

    def __init__(
        self,
        app: OKRApplication,
        js: JetStreamContext,
        *,
        stream: str = STREAM,
        subject_prefix: str = SUBJECT_PREFIX,
        tracking_name: str = TRACKING_NAME,
        batch_size: int = BATCH_SIZE,
        idle_wake_seconds: float = IDLE_WAKE_SECONDS,
    ) -> None:
        self.app = app
        self.js = js
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.tracking_name = tracking_name
        self.batch_size = batch_size
        self.idle_wake_seconds = idle_wake_seconds
        self.tracking: TrackingRecorder = app.factory.tracking_recorder()
        self.directory = OrganizationDirectory()
        # Counts since start: new messages stored, and repeats JetStream dropped.
        self.published = 0
        self.duplicates = 0
        self._directory_loaded = False
        self._stream_ready = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._on_ready: Callable[[int], None] | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def run(
        self, *, listen: bool = False, on_ready: Callable[[int], None] | None = None
    ) -> None:
        """Publish until :meth:`stop`; ``listen`` wakes on PostgreSQL NOTIFY (own process).

        A lost PostgreSQL or NATS connection is logged and the work retried with a growing
        wait (see :mod:`okr_es.persistence.reconnect`); what was not acknowledged and
        recorded is published again, and JetStream's duplicate window drops repeats."""
        self._loop = asyncio.get_running_loop()
        self._on_ready = on_ready
        backoff = Backoff()
        while not self._stopping:
            try:
                await self._follow(listen, backoff)
            except _RETRIED as e:
                if isinstance(e, nats.js.errors.BadRequestError):
                    raise  # JetStream refuses the stream as configured: no retry will do
                wait = backoff.next()
                log.warning("relay: %s; retrying in %.2f s", _described(e), wait)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    # stop() sets the wake event too, so stopping does not wait this out.
                    await asyncio.wait_for(self._wake.wait(), wait)

    async def _follow(self, listen: bool, backoff: Backoff) -> None:
        async with contextlib.AsyncExitStack() as stack:
            listener: asyncio.Task[None] | None = None
            if listen:
                # LISTEN before the first catch-up, so no save falls between the two.
                conn = await psycopg.AsyncConnection.connect(**_connection_info(self.app))
                await stack.enter_async_context(conn)
                channel = sql.Identifier(events_channel(self.app))
                await conn.execute(sql.SQL("LISTEN {}").format(channel))
                listener = asyncio.create_task(self._drain(conn))
                stack.push_async_callback(_cancel, listener)
            while True:
                # Cleared before reading, so a save during the catch-up wakes the next round.
                self._wake.clear()
                position = await self.catch_up()
                if backoff.failures:
                    log.warning("relay: going on; published up to position %d", position)
                backoff.reset()
                if self._on_ready is not None:
                    self._on_ready(position)
                    self._on_ready = None
                if self._stopping:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_wake_seconds)
                if listener is not None and listener.done():
                    # The LISTEN connection is gone: its error, so run() reconnects.
                    listener.result()
                    raise psycopg.OperationalError("the event channel listener ended")

    def follow_saves(self) -> None:
        """Wake on every save of this process's application (embedded / same process)."""
        self.app.on_saved(lambda _position: self.wake())

    def wake(self) -> None:
        """Thread-safe: there may be new events."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def stop(self) -> None:
        """Thread-safe: finish the current batch, then return from :meth:`run`."""
        self._stopping = True
        self.wake()

    # --- publishing --------------------------------------------------------------------------

    async def ensure_stream(self) -> None:
        """Create the stream (``<prefix>.>``, 2-minute duplicate window) unless it exists."""
        try:
            await self.js.stream_info(self.stream)
        except NotFoundError:
            await self.js.add_stream(
                name=self.stream,
                subjects=[f"{self.subject_prefix}.>"],
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
            )
        self._stream_ready = True

    async def position(self) -> int:
        """The last log position whose event JetStream has acknowledged."""
        return await asyncio.to_thread(self._tracked_position)

    async def catch_up(self) -> int:
        """Publish every event after the tracked position; returns the new position."""
        if not self._stream_ready:
            await self.ensure_stream()
        position = await self.position()
        while True:
            batch = await asyncio.to_thread(self._translated, position + 1)
            if not batch:
                return position
            await self.publish(batch)
            position = batch[-1].position
            # Recorded only after every ack: a crash before this line re-publishes the
            # batch, which the duplicate window drops.
            await asyncio.to_thread(
                self.tracking.insert_tracking, Tracking(self.tracking_name, position)
            )
            if len(batch) < self.batch_size:
                return position

    async def publish(self, events: Sequence[IntegrationEvent]) -> list[PubAck]:
        """Publish a batch with asynchronous acks, then wait for every one of them.

        The messages leave in log order on one connection, so JetStream stores them in that
        order; only the acks are awaited together. A connection lost mid-batch loses a
        suffix of it, never a message in the middle, and the batch is published again
        from the tracked position (the duplicate window drops what did arrive)."""
        futures = [
            await self.js.publish_async(
                event.subject(self.subject_prefix),
                event.encode(),
                stream=self.stream,
                headers={"Nats-Msg-Id": event.msg_id()},
            )
            for event in events
        ]
        try:
            acks = await asyncio.wait_for(asyncio.gather(*futures), ACK_TIMEOUT_SECONDS)
        except BaseException:
            for future in futures:
                future.cancel()  # a later retry publishes the batch again
            raise
        for ack in acks:
            if ack.duplicate:
                self.duplicates += 1
            else:
                self.published += 1
        return list(acks)

    # --- store side (worker threads) ---------------------------------------------------------

    def _tracked_position(self) -> int:
        return self.tracking.max_tracking_id(self.tracking_name) or 0

    def _translated(self, start: int) -> list[IntegrationEvent]:
        if not self._directory_loaded:
            self._load_directory()
        events: list[IntegrationEvent] = []
        for notification in self.app.notifications(start, self.batch_size):
            event = self.app.decode(notification)
            organization_id = self.directory.organization_of(event)
            events.append(translate(event, notification.id, organization_id))
        return events

    def _load_directory(self) -> None:
        # Only creation events name the organisation; reading just those (topic-filtered)
        # at start is cheaper and simpler than keeping a table of our own in step.
        for notification in self.app.all_notifications(topics=ORGANIZATION_NAMING_TOPICS):
            self.directory.learn(self.app.decode(notification))
        self._directory_loaded = True

    async def _drain(self, conn: psycopg.AsyncConnection[Any]) -> None:
        try:
            async for _ in conn.notifies():
                self._wake.set()
        finally:
            # Let run() notice at once that the listener ended.
            self._wake.set()


# A lost connection to either server (PostgreSQL or NATS), or JetStream not answering.
_RETRIED: tuple[type[Exception], ...] = (*CONNECTION_LOST, nats.errors.Error, TimeoutError)


def _described(error: BaseException) -> str:
    text = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def _cancel(task: asyncio.Task[None]) -> None:
    # A listener that already failed has had its error raised by run(), or is being left
    # for a new connection: take its error (so asyncio does not report it); stop a live one.
    if task.done():
        if not task.cancelled():
            task.exception()
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
