"""Webhook fan-out against raw JetStream consumption, measured in the same run.

The relay publishes a log of check-ins to a fresh JetStream stream; then

1. baseline: a plain durable pull consumer fetches and acks every message (events/s);
2. webhooks: the delivery (:class:`okr_es.webhooks.service.WebhookService`, distributed
   mode) consumes the same stream with its own durable consumer, records the deliveries
   and posts each change to ``--webhooks`` receivers (a minimal keep-alive HTTP server on
   127.0.0.1 answering 200), until every delivery is made (changes/s).

The figure is the ratio webhooks / baseline; a second ratio compares the delivery's
requests/s with plain httpx posts to the same receiver at the same concurrency, the
ceiling of any HTTP delivery on this machine. Run ``python -m benchmarks.webhooks``
(``--quick``: 300 changes; default 3000; needs NATS at OKR_ES_TEST_NATS_URL or
nats://127.0.0.1:4222), or ``python -m benchmarks.run --suite webhooks`` (NATS at
``--nats-url``) for the same figures as result rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from okr_es.application import OKRApplication
from okr_es.messaging.relay import NatsRelay
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from okr_es.webhooks.service import WebhookService
from okr_es.webhooks.store import DELIVERED


def start_receiver() -> int:
    """A keep-alive HTTP server answering 200 to everything; returns its port."""
    ready = threading.Event()
    port: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
    ready.wait()
    return port[0]


def build_org(app: OKRApplication) -> tuple[Any, Any, Any, Any]:
    """An organisation with one objective and key result: (org, admin, objective, kr)."""
    reg = app.register_organization(name="Bench", admin_name="A", admin_email="a@bench.no").ids
    org, root, admin = reg["organization_id"], reg["root_unit_id"], reg["member_id"]
    today = date.today()
    cycle = app.define_cycle(
        organization_id=org,
        label="Now",
        kind="custom",
        start=today - timedelta(days=10),
        end=today + timedelta(days=80),
        by=admin,
    ).ids["cycle_id"]
    key_result = {"title": "Up", "metric": "increase", "start": 0, "target": 100, "unit": "percent"}
    oid = app.set_objective(
        organization_id=org,
        unit_id=root,
        cycle_id=cycle,
        title="Fast",
        owner_id=admin,
        by=admin,
        key_results=[key_result],
    ).ids["objective_id"]
    return org, admin, oid, next(iter(app.get_objective(oid).key_results))


async def raw_consumption(settings: Settings, count: int) -> float:
    nc = await nats.connect(settings.nats_url or "")
    try:
        sub = await nc.jetstream().pull_subscribe(
            f"{settings.nats_subject_prefix}.>",
            durable=f"raw_{uuid.uuid4().hex[:8]}",
            stream=settings.nats_stream,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.EXPLICIT),
        )
        started, seen = time.perf_counter(), 0
        while seen < count:
            for message in await sub.fetch(100, timeout=5):
                message.data.decode()
                await message.ack()
                seen += 1
        return count / (time.perf_counter() - started)
    finally:
        await nc.close()


async def raw_http(port: int, requests: int, concurrency: int) -> float:
    """Plain httpx posts of a check-in-sized body to the same receiver (requests/s)."""
    gate = asyncio.Semaphore(concurrency)
    body = b'{"type":"Objective.CheckInMade","data":{}}'.ljust(900, b" ")
    async with httpx.AsyncClient() as client:

        async def one() -> None:
            async with gate:
                await client.post(f"http://127.0.0.1:{port}/raw", content=body)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        return requests / (time.perf_counter() - started)


async def webhook_fan_out(app: OKRApplication, changes: int, webhooks: int) -> float:
    service = WebhookService(app, durable=f"hooks_{uuid.uuid4().hex[:8]}")
    started = time.perf_counter()
    task = asyncio.create_task(service.run())
    while service.delivery is None or service.delivery.delivered < changes * webhooks:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    task.cancel()
    log = service.delivery.log
    for webhook in app.webhooks_of(app.organizations()[0].id):
        made = log.deliveries(str(webhook.id), limit=changes * 2)
        assert {d.status for d in made} == {DELIVERED}, webhook.format
    return changes / elapsed


def bench_webhooks(nats_url: str | None, quick: bool, webhooks: int = 2) -> list[Any]:
    """The figures as :class:`benchmarks.run.Result` rows, for ``--suite webhooks``
    (SQLite: the delivery's own store is what is measured, not the event store's)."""
    from benchmarks.run import Result

    url = nats_url or os.environ.get("OKR_ES_TEST_NATS_URL", "nats://127.0.0.1:4222")
    m = asyncio.run(measure(300 if quick else 3000, webhooks, url))
    detail = {"changes": m["changes"], "webhooks": webhooks, "stream_messages": m["messages"]}
    return [
        Result("webhooks", "fan-out, changes delivered", "sqlite", "changes/s", m["fan_out"],
               "raw JetStream consumption", m["raw"], None, detail),
        Result("webhooks", "fan-out, requests posted", "sqlite", "requests/s",
               m["fan_out"] * webhooks, "raw HTTP posts (httpx)", m["http"], None, detail),
    ]  # fmt: skip


async def main(changes: int, webhooks: int) -> None:
    url = os.environ.get("OKR_ES_TEST_NATS_URL", "nats://127.0.0.1:4222")
    m = await measure(changes, webhooks, url)
    raw, fan_out, http = m["raw"], m["fan_out"], m["http"]
    print(f"changes: {changes}, webhooks per change: {webhooks}, stream messages: {m['messages']}")
    print(f"raw JetStream consumption:  {raw:10.0f} messages/s")
    print(
        f"webhook fan-out (delivered): {fan_out:10.0f} changes/s "
        f"({fan_out * webhooks:.0f} requests/s)"
    )
    print(f"ratio fan-out / raw: {fan_out / raw:.3f}")
    print(f"raw HTTP posts (httpx):      {http:10.0f} requests/s")
    print(f"ratio fan-out requests / raw HTTP: {fan_out * webhooks / http:.3f}")


async def measure(changes: int, webhooks: int, url: str) -> dict[str, Any]:
    """Rates of one run: raw consumption, fan-out and raw HTTP posts."""
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(
        data_dir=tempfile.mkdtemp(prefix="okr-es-bench-"),
        nats_url=url,
        nats_stream=f"OKR_ES_BENCH_{suffix}",
        nats_subject_prefix=f"bench{suffix}",
        webhook_allow_http_hosts=("127.0.0.1",),
    )
    app = OKRApplication(settings)
    port = start_receiver()
    org, admin, oid, kr = build_org(app)
    for n in range(webhooks):
        app.subscribe_webhook(
            organization_id=org,
            url=f"http://127.0.0.1:{port}/h{n}",
            format="generic" if n % 2 == 0 else "slack",
            event_types=["Objective.CheckInMade"],
            by=admin,
        )
    for n in range(changes):
        app.check_in(
            objective_id=oid,
            key_result_id=kr,
            value=n % 100,
            status="green",
            comment="steady",
            by=admin,
        )
    # The sentences come from the change timeline: bring the read models up to date first.
    ProjectionRunner(app).catch_up()
    nc = await nats.connect(url)
    try:
        relay = NatsRelay(
            app,
            nc.jetstream(),
            stream=settings.nats_stream,
            subject_prefix=settings.nats_subject_prefix,
        )
        head = await relay.catch_up()
        total = head
        raw = await raw_consumption(settings, total)
        fan_out = await webhook_fan_out(app, changes, webhooks)
        # The delivery's own ceiling here: the HTTP client (same concurrency per webhook).
        http = await raw_http(port, changes * webhooks, 4 * webhooks)
        await nc.jetstream().delete_stream(settings.nats_stream)
    finally:
        await nc.close()
        app.close()
    return {"changes": changes, "messages": total, "raw": raw, "fan_out": fan_out, "http": http}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 changes instead of 3000")
    parser.add_argument("--webhooks", type=int, default=2, help="receivers per change")
    args = parser.parse_args()
    asyncio.run(main(300 if args.quick else 3000, args.webhooks))
