"""The webhook delivery as one service: ``name`` and ``async run()`` (until cancelled).

``WebhookService(app).run()`` follows JetStream when ``app.settings.nats_url`` is set
(distributed: a durable consumer of the relay's stream), else the event log in-process
(embedded), and dispatches the deliveries; ``python -m okr_es.webhooks`` runs it alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from okr_es.application import OKRApplication
from okr_es.messaging.relay import connect
from okr_es.webhooks.delivery import WebhookDelivery
from okr_es.webhooks.sources import DURABLE, JetStreamSource, LogFollower
from okr_es.webhooks.store import DeliveryLog
from okr_es.webhooks.subscriptions import Subscriptions

log = logging.getLogger(__name__)


class WebhookService:
    """Delivers the changes of every organisation to its webhooks."""

    name = "webhooks"

    def __init__(
        self,
        app: OKRApplication,
        *,
        durable: str = DURABLE,
        embedded: bool | None = None,
        configure: Callable[[WebhookDelivery], None] | None = None,
    ) -> None:
        self.app = app
        self.durable = durable
        # Default: JetStream if NATS is configured, the log in-process otherwise.
        self.embedded = app.settings.nats_url is None if embedded is None else embedded
        self.configure = configure
        self.delivery: WebhookDelivery | None = None
        # Set once the subscriptions are loaded and the source is about to start.
        self.ready = threading.Event()

    async def run(self) -> None:
        delivery = await asyncio.to_thread(self._delivery)
        self.delivery = delivery
        if self.configure is not None:
            self.configure(delivery)
        async with contextlib.AsyncExitStack() as stack:
            if self.embedded:
                source: LogFollower | JetStreamSource = LogFollower(self.app, delivery)
            else:
                settings = self.app.settings
                assert settings.nats_url is not None  # embedded otherwise
                nc = await connect(settings.nats_url)
                stack.push_async_callback(nc.close)
                source = JetStreamSource(
                    nc.jetstream(),
                    delivery,
                    stream=settings.nats_stream,
                    subject_prefix=settings.nats_subject_prefix,
                    durable=self.durable,
                )
            self.ready.set()
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(source.run())
                tasks.create_task(delivery.dispatch())

    def _delivery(self) -> WebhookDelivery:
        settings = self.app.settings
        subscriptions = Subscriptions(self.app)
        subscriptions.load()
        return WebhookDelivery(
            DeliveryLog(self.app.factory.tracking_recorder()),
            subscriptions,
            max_attempts=settings.webhook_max_attempts,
            timeout=settings.webhook_timeout_seconds,
            backoff_base=min(2.0, settings.webhook_retry_max_seconds),
            backoff_cap=settings.webhook_retry_max_seconds,
        )
