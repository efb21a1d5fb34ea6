"""Sending: accept changes into the delivery log, then post them, retrying with backoff.

:meth:`WebhookDelivery.accept` (synchronous, called by a source in a worker thread) turns
integration events into deliveries, one per interested webhook, with a delivery id stable
per change and webhook (``msg_<position>_<webhook>``: the ``webhook-id`` header, for the
receiver's deduplication). :meth:`WebhookDelivery.dispatch` (async, runs until cancelled)
posts what is due: each request bounded by a timeout, at most ``concurrency`` requests in
flight per webhook, a failure retried after an exponentially growing, jittered wait, and
dead-lettered after ``max_attempts`` failures in a row until an admin re-drives it.
Nothing here is on a command's path: a slow or failing receiver delays only its own
deliveries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Callable, Sequence
from uuid import UUID

import httpx
from eventsourcing.persistence import Tracking

from okr_es.aggregates.webhook import GENERIC, SUBSCRIBABLE_AGGREGATES, masked_url
from okr_es.messaging.integration_events import IntegrationEvent
from okr_es.webhooks.formats import Change, event_type, fallback_sentence, render
from okr_es.webhooks.signing import standard_headers
from okr_es.webhooks.store import (
    DEAD,
    DELIVERED,
    PENDING,
    TIMELINE,
    Delivery,
    DeliveryLog,
    Outcome,
    Words,
    instant,
    timeline_words,
)
from okr_es.webhooks.subscriptions import Subscription, Subscriptions

log = logging.getLogger(__name__)

USER_AGENT = "okr-es-webhooks/1"
# Deliveries fetched per round, and the longest idle wait (a safety net: accepting new
# deliveries wakes the dispatcher at once).
ROUND_SIZE = 200
IDLE_WAKE_SECONDS = 1.0


def delivery_id(position: int, webhook_id: UUID) -> str:
    return f"msg_{position}_{webhook_id.hex}"


def backoff_seconds(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential in the failures so far, with jitter (between half and all of it)."""
    ceiling: float = min(cap, base * 2.0 ** max(0, failures - 1))
    return ceiling * rng.uniform(0.5, 1.0)


class WebhookDelivery:
    """The delivery log's writer and the dispatcher of what is due."""

    def __init__(
        self,
        log: DeliveryLog,
        subscriptions: Subscriptions,
        *,
        max_attempts: int = 8,
        timeout: float = 10.0,
        concurrency: int = 4,
        backoff_base: float = 2.0,
        backoff_cap: float = 3600.0,
        words_wait: float = 5.0,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.log = log
        self.subscriptions = subscriptions
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.concurrency = concurrency
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.words_wait = words_wait
        self.clock = clock
        self.transport = transport
        self.rng = random.Random()
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._per_webhook: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._outcomes: list[Outcome] = []
        self._outcome_ready = asyncio.Event()
        # Recorded batches so far, and in which batch each recent delivery was recorded.
        self._batches = 0
        self._recorded_in: dict[str, int] = {}
        # Counts since start, for logs and benchmarks.
        self.accepted = 0
        self.delivered = 0
        self.failed = 0

    # --- accepting (worker threads) ----------------------------------------------------------

    def accept(self, events: Sequence[IntegrationEvent], tracking: Tracking | None = None) -> int:
        """Record the deliveries these changes call for; returns how many. Changes to the
        webhooks themselves update the subscriptions (and re-drive dead letters)."""
        deliveries: list[Delivery] = []
        wanted: list[tuple[IntegrationEvent, list[Subscription]]] = []
        for event in events:
            if event.aggregate == "Webhook":
                self._webhook_changed(event)
                continue
            if event.aggregate not in SUBSCRIBABLE_AGGREGATES:
                continue
            subscribers = [
                s
                for s in self.subscriptions.wanting(
                    event.organization_id, event.aggregate, event.event
                )
                if event.position > s.since
            ]
            if subscribers:
                wanted.append((event, subscribers))
        words = self._words([e.position for e, _ in wanted])
        now = self.clock()
        for event, subscribers in wanted:
            said = words.get(event.position)
            unit = said.unit_id if said is not None else event.data.get("unit_id")
            change = Change(
                event=event,
                sentence=said.sentence if said is not None else fallback_sentence(event),
                language=said.language if said is not None else "en",
            )
            bodies: dict[str, str] = {}
            for sub in subscribers:
                if not sub.wants_unit(None if unit is None else UUID(str(unit))):
                    continue
                if sub.format not in bodies:
                    bodies[sub.format] = render(sub.format, change).decode()
                deliveries.append(
                    Delivery(
                        delivery_id=delivery_id(event.position, sub.webhook_id),
                        webhook_id=str(sub.webhook_id),
                        organization_id=str(event.organization_id),
                        position=event.position,
                        event_type=event_type(event),
                        status=PENDING,
                        failures=0,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=instant(now),
                        last_attempt_at=None,
                        last_status_code=None,
                        last_error=None,
                        delivered_at=None,
                        payload=bodies[sub.format],
                    )
                )
        self.log.enqueue(deliveries, tracking)
        self.accepted += len(deliveries)
        if deliveries:
            self.wake()
        return len(deliveries)

    def _webhook_changed(self, event: IntegrationEvent) -> None:
        sub = self.subscriptions.refresh(event.aggregate_id, event.position, event.event)
        if event.event == "WebhookRedriven":
            again = self.log.redrive(str(sub.webhook_id), event.position, self.clock())
            log.info("webhook %s: %d dead deliveries to try again", sub.webhook_id, again)
        elif event.event == "WebhookRemoved":
            self.log.drop_pending(str(sub.webhook_id))
        self.wake()

    def _words(self, positions: list[int]) -> dict[int, Words]:
        """The timeline's sentences, waiting (bounded) for it to reach these positions: in
        distributed mode a projection worker writes them, perhaps a moment later."""
        if not positions:
            return {}
        deadline = time.monotonic() + self.words_wait
        while self.log.position(TIMELINE) < max(positions) and time.monotonic() < deadline:
            time.sleep(0.05)
        return timeline_words(self.log, positions)

    # --- dispatching (event loop) ------------------------------------------------------------

    def wake(self) -> None:
        """Thread-safe: there may be deliveries due."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def dispatch(self) -> None:
        """Post due deliveries until cancelled."""
        self._loop = asyncio.get_running_loop()
        recorder = asyncio.create_task(self._record_outcomes())
        async with self._client() as client:
            try:
                while True:
                    self._wake.clear()
                    await self.dispatch_due(client)
                    # The wait is decided before its coroutine is made: one made first
                    # is never awaited when the task is cancelled during the decision.
                    idle = await self._idle_wait()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), idle)
            finally:
                recorder.cancel()
                for task in list(self._in_flight.values()):
                    task.cancel()
                await asyncio.gather(recorder, *self._in_flight.values(), return_exceptions=True)

    async def dispatch_due(self, client: httpx.AsyncClient) -> int:
        """Start sending what is due (within each webhook's concurrency); returns how many
        requests were started."""
        # Outcomes recorded before this query began are in its answer; those recorded while
        # it ran may not be, so their deliveries are left out of this round.
        mark = self._batches
        self._recorded_in = {k: v for k, v in self._recorded_in.items() if v > mark}
        active = self.subscriptions.active_ids()
        due = await asyncio.to_thread(self.log.due, self.clock(), ROUND_SIZE, active)
        started = 0
        for delivery in due:
            key = delivery.delivery_id
            if key in self._in_flight or self._recorded_in.get(key, -1) > mark:
                continue
            if self._per_webhook.get(delivery.webhook_id, 0) >= self.concurrency:
                continue
            self._per_webhook[delivery.webhook_id] = (
                self._per_webhook.get(delivery.webhook_id, 0) + 1
            )
            self._in_flight[key] = asyncio.create_task(self._send(client, delivery))
            started += 1
        return started

    async def _idle_wait(self) -> float:
        if self._in_flight:
            return IDLE_WAKE_SECONDS
        next_due = await asyncio.to_thread(self.log.next_due, self.subscriptions.active_ids())
        if next_due is None:
            return IDLE_WAKE_SECONDS
        return min(IDLE_WAKE_SECONDS, max(0.0, next_due - self.clock()))

    async def _send(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        sub = self.subscriptions.get(UUID(delivery.webhook_id))
        outcome = None if sub is None else await self._attempt(client, sub, delivery)
        if outcome is None:
            self._finished([delivery.delivery_id], [delivery])
            return
        # Recorded in batches by _record_outcomes; in flight until then.
        self._outcomes.append(outcome)
        self._outcome_ready.set()

    async def _record_outcomes(self) -> None:
        """Write the attempts' outcomes, many per transaction (one commit per batch)."""
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            batch, self._outcomes = self._outcomes, []
            if not batch:
                continue
            await asyncio.to_thread(self.log.record_attempts, batch)
            self._batches += 1
            for outcome in batch:
                self._recorded_in[outcome.delivery.delivery_id] = self._batches
                if outcome.outcome == DELIVERED:
                    self.delivered += 1
                else:
                    self.failed += 1
            self._finished([o.delivery.delivery_id for o in batch], [o.delivery for o in batch])

    def _finished(self, keys: list[str], deliveries: list[Delivery]) -> None:
        for key, delivery in zip(keys, deliveries, strict=True):
            self._in_flight.pop(key, None)
            self._per_webhook[delivery.webhook_id] -= 1
        self._wake.set()

    async def _attempt(
        self, client: httpx.AsyncClient, sub: Subscription, delivery: Delivery
    ) -> Outcome:
        body = delivery.payload.encode()
        started = self.clock()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": delivery.delivery_id,
        }
        if sub.format == GENERIC:
            headers.update(standard_headers(sub.secret, delivery.delivery_id, int(started), body))
        status_code: int | None = None
        error: str | None = None
        clock_started = time.monotonic()
        try:
            response = await client.post(sub.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.TimeoutException:
            error = f"no answer within {self.timeout:g} s"
        except httpx.HTTPError as e:
            # The type only: httpx's messages may quote the URL, which holds a token.
            error = type(e).__name__
        duration_ms = (time.monotonic() - clock_started) * 1000
        if error is None:
            outcome, next_at = DELIVERED, started
        else:
            failures = delivery.failures + 1
            if failures >= self.max_attempts:
                outcome, next_at = DEAD, started
                log.warning(
                    "webhook %s (%s): %s dead-lettered after %d failures (%s)",
                    sub.webhook_id,
                    masked_url(sub.url),
                    delivery.delivery_id,
                    failures,
                    error,
                )
            else:
                wait = backoff_seconds(failures, self.backoff_base, self.backoff_cap, self.rng)
                outcome, next_at = PENDING, self.clock() + wait
        return Outcome(
            delivery=delivery,
            started=started,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error,
            outcome=outcome,
            next_attempt_at=next_at,
        )

    def _client(self) -> httpx.AsyncClient:
        # httpx logs every request's URL at INFO (httpcore at DEBUG), and a Slack or Teams
        # URL holds a token: their records stop at WARNING, whatever the logging setup.
        for name in ("httpx", "httpcore"):
            library_log = logging.getLogger(name)
            library_log.setLevel(max(library_log.getEffectiveLevel(), logging.WARNING))
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=32)
        # No Nagle delay: httpx writes headers and body apart, and a receiver's delayed
        # ACK would otherwise add ~40 ms to every request.
        transport = self.transport or httpx.AsyncHTTPTransport(
            limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        return httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            transport=transport,
            trust_env=False,
        )
