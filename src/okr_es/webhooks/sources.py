"""Where the delivery hears of changes.

- :class:`LogFollower` (embedded mode): follows the event log in-process from its tracked
  position (tracking name ``webhooks``), woken by every save of the application; the
  deliveries of a batch and the new position are written in one transaction.
- :class:`JetStreamSource` (distributed mode): a durable pull consumer of the relay's
  stream; each batch is acknowledged only after its deliveries are written, so a crash
  redelivers it and the stable delivery ids make the repeat a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import nats.errors
import nats.js.errors
from eventsourcing.persistence import Tracking
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from okr_es.application import OKRApplication
from okr_es.messaging.integration_events import (
    ORGANIZATION_NAMING_TOPICS,
    IntegrationEvent,
    OrganizationDirectory,
    UnpublishableEvent,
    decode,
    translate,
)
from okr_es.messaging.relay import DUPLICATE_WINDOW_SECONDS
from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff
from okr_es.webhooks.delivery import WebhookDelivery

log = logging.getLogger(__name__)

TRACKING_NAME = "webhooks"
_RETRIED: tuple[type[Exception], ...] = (*CONNECTION_LOST, nats.errors.Error, TimeoutError)
DURABLE = "okr_es_webhooks"
BATCH_SIZE = 500
IDLE_WAKE_SECONDS = 5.0


class LogFollower:
    """Embedded mode: the event log, read in-process."""

    def __init__(
        self, app: OKRApplication, delivery: WebhookDelivery, *, batch_size: int = BATCH_SIZE
    ) -> None:
        self.app = app
        self.delivery = delivery
        self.batch_size = batch_size
        self.directory = OrganizationDirectory()
        self._directory_loaded = False
        self._wake = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()

        def woken(_position: int) -> None:
            # Called in the saving thread; the follower may be gone by then.
            if not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._wake.set)

        self.app.on_saved(woken)
        backoff = Backoff()
        while True:
            self._wake.clear()
            try:
                read = await asyncio.to_thread(self.catch_up)
            except CONNECTION_LOST as e:
                wait = backoff.next()
                log.warning("webhooks: %s; retrying in %.2f s", type(e).__name__, wait)
                await asyncio.sleep(wait)
                continue
            backoff.reset()
            if read < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAKE_SECONDS)

    def catch_up(self) -> int:
        """Accept one batch after the tracked position; returns how many events it read."""
        if not self._directory_loaded:
            for n in self.app.all_notifications(topics=ORGANIZATION_NAMING_TOPICS):
                self.directory.learn(self.app.decode(n))
            self._directory_loaded = True
        start = self.delivery.log.position(TRACKING_NAME) + 1
        notifications = self.app.notifications(start, self.batch_size)
        if not notifications:
            return 0
        events: list[IntegrationEvent] = []
        for notification in notifications:
            event = self.app.decode(notification)
            try:
                organization_id = self.directory.organization_of(event)
                events.append(translate(event, notification.id, organization_id))
            except UnpublishableEvent as e:
                log.warning("webhooks: position %d skipped: %s", notification.id, e)
        self.delivery.accept(events, Tracking(TRACKING_NAME, notifications[-1].id))
        return len(notifications)


class JetStreamSource:
    """Distributed mode: a durable consumer of the relay's stream."""

    def __init__(
        self,
        js: JetStreamContext,
        delivery: WebhookDelivery,
        *,
        stream: str,
        subject_prefix: str,
        durable: str = DURABLE,
        batch_size: int = 100,
    ) -> None:
        self.js = js
        self.delivery = delivery
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.durable = durable
        self.batch_size = batch_size
        self.received = 0

    async def run(self) -> None:
        backoff = Backoff()
        while True:
            try:
                await self._consume(backoff)
            except _RETRIED as e:
                wait = backoff.next()
                log.warning("webhooks: %s; retrying in %.2f s", type(e).__name__, wait)
                await asyncio.sleep(wait)

    async def _consume(self, backoff: Backoff) -> None:
        await self._ensure_stream()
        subscription = await self.js.pull_subscribe(
            f"{self.subject_prefix}.>",
            durable=self.durable,
            stream=self.stream,
            config=ConsumerConfig(
                # A new consumer starts at the stream's beginning: a webhook only gets
                # changes after its own subscription, so nothing old is sent.
                deliver_policy=DeliverPolicy.ALL,
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=60,
                max_ack_pending=10_000,
            ),
        )
        try:
            while True:
                try:
                    messages = await subscription.fetch(self.batch_size, timeout=IDLE_WAKE_SECONDS)
                except (TimeoutError, nats.errors.TimeoutError):
                    continue
                events = [decode(m.data) for m in messages]
                await asyncio.to_thread(self.delivery.accept, events)
                for message in messages:
                    await message.ack()
                self.received += len(messages)
                backoff.reset()
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _ensure_stream(self) -> None:
        try:
            await self.js.stream_info(self.stream)
        except NotFoundError:
            # The relay creates it the same way; whichever starts first does.
            with contextlib.suppress(nats.js.errors.BadRequestError):
                await self.js.add_stream(
                    name=self.stream,
                    subjects=[f"{self.subject_prefix}.>"],
                    duplicate_window=DUPLICATE_WINDOW_SECONDS,
                )
