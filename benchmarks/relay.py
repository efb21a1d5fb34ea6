"""The NATS relay's publishing rate, against raw JetStream async publishing in the same run.

* ``relay``: :meth:`okr_es.messaging.relay.NatsRelay.catch_up` from position 0 over a store's
  whole log into a fresh stream: reading the log in pages, translating each event to its
  integration event, publishing with ``Nats-Msg-Id``, waiting for the acks and recording the
  tracked position per batch — everything ``okr-es relay`` does.
* **baseline**: the same number of messages of the same subjects, payloads and headers,
  already encoded, published by nats-py's ``publish_async`` into another fresh stream with the
  same settings, then every ack awaited: the most a publisher on this connection can do.

Target: the relay at least 5,000 events/s. Each stream is deleted afterwards.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from uuid import uuid4

from benchmarks.run import Result, log
from okr_es.application import OKRApplication
from okr_es.messaging.integration_events import IntegrationEvent
from okr_es.messaging.relay import DUPLICATE_WINDOW_SECONDS, NatsRelay, connect

RELAY_TARGET = 5_000.0  # events/s
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


@dataclass
class RelayRun:
    events: int
    seconds: float
    raw_seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def raw_rate(self) -> float:
        return self.events / self.raw_seconds


def measure_relay(app: OKRApplication, nats_url: str) -> RelayRun:
    return asyncio.run(_measure(app, nats_url))


async def _measure(app: OKRApplication, nats_url: str) -> RelayRun:
    nc = await connect(nats_url)
    js = nc.jetstream()
    tag = uuid4().hex[:8]
    relay_stream, raw_stream = f"BENCH_RELAY_{tag}", f"BENCH_RAW_{tag}"
    relay_prefix, raw_prefix = f"bench{tag}r", f"bench{tag}b"
    try:
        relay = NatsRelay(app, js, stream=relay_stream, subject_prefix=relay_prefix,
                          tracking_name=f"bench_relay_{tag}")
        await relay.ensure_stream()
        started = time.perf_counter()
        position = await relay.catch_up()
        seconds = time.perf_counter() - started
        if relay.published != position:
            raise RuntimeError(f"relay published {relay.published} of {position} events")
        # The baseline publishes what the relay published, encoded beforehand.
        messages = await asyncio.to_thread(_encoded, relay, raw_prefix)
        await js.add_stream(name=raw_stream, subjects=[f"{raw_prefix}.>"],
                            duplicate_window=DUPLICATE_WINDOW_SECONDS)
        started = time.perf_counter()
        futures = [await js.publish_async(subject, payload, stream=raw_stream,
                                          headers={"Nats-Msg-Id": msg_id})
                   for subject, payload, msg_id in messages]
        await asyncio.gather(*futures)
        raw_seconds = time.perf_counter() - started
        return RelayRun(position, seconds, raw_seconds)
    finally:
        for stream in (relay_stream, raw_stream):
            try:
                await js.delete_stream(stream)
            except Exception as e:  # a stream never made is no failure here
                log(f"[relay] stream {stream} not deleted: {e}")
        await nc.close()


def _encoded(relay: NatsRelay, prefix: str) -> list[tuple[str, bytes, str]]:
    messages: list[tuple[str, bytes, str]] = []
    start = 1
    while batch := relay._translated(start):
        messages += [_message(event, prefix) for event in batch]
        start = batch[-1].position + 1
    return messages


def _message(event: IntegrationEvent, prefix: str) -> tuple[str, bytes, str]:
    return event.subject(prefix), event.encode(), event.msg_id()


def relay_result(store_name: str, size_label: str, app: OKRApplication, nats_url: str) -> Result:
    log(f"[scale:{store_name}] relay of {app.position():,} events")
    run = measure_relay(app, nats_url)
    return Result(
        "scale", f"relay, {size_label} events", store_name, "events/s", run.rate,
        "raw JetStream async publish", run.raw_rate, RELAY_TARGET,
        {"events": run.events, "seconds": round(run.seconds, 2),
         "raw_seconds": round(run.raw_seconds, 2)}, rule="value>=",
    )
