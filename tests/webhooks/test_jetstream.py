"""Distributed delivery on each store: the relay publishes to JetStream, the delivery is a
durable consumer of its stream (a real NATS server, a stream and consumer of the test's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import msgspec
import nats
import pytest
from nats.js.errors import NotFoundError
from webhook_support import Receiver, Running, run_relay, wait_until

from okr_es.application import OKRApplication
from okr_es.projections.service import start_read_models
from okr_es.settings import Settings
from okr_es.webhooks.service import WebhookService
from support.world import World, build_world, set_objective


@pytest.fixture
def distributed(settings: Settings, nats_url: str) -> Iterator[OKRApplication]:
    suffix = uuid.uuid4().hex[:12]
    chosen = msgspec.structs.replace(
        settings,
        nats_url=nats_url,
        nats_stream=f"OKR_ES_WEBHOOK_TEST_{suffix}",
        nats_subject_prefix=f"okrhooks{suffix}",
        webhook_allow_http_hosts=("127.0.0.1",),
    )
    application = OKRApplication(chosen)
    read_models = start_read_models(application)
    relay = Running(lambda: run_relay(application)).start()
    try:
        yield application
    finally:
        relay.stop()
        read_models.stop()
        application.close()
        asyncio.run(delete_stream(chosen))


async def delete_stream(settings: Settings) -> None:
    nc = await nats.connect(settings.nats_url or "")
    try:
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_stream(settings.nats_stream)
    finally:
        await nc.close()


async def consumer_info(settings: Settings, durable: str) -> Any:
    nc = await nats.connect(settings.nats_url or "")
    try:
        return await nc.jetstream().consumer_info(settings.nats_stream, durable)
    finally:
        await nc.close()


def started(app: OKRApplication, durable: str) -> tuple[WebhookService, Running]:
    service = WebhookService(app, durable=durable)
    running = Running(service.run).start()
    assert service.ready.wait(30)
    return service, running


def test_the_durable_consumer_delivers_each_change_and_resumes_after_a_restart(
    distributed: OKRApplication, receiver: Receiver
) -> None:
    okr = distributed
    world: World = build_world(okr)
    durable = f"webhooks_{uuid.uuid4().hex[:8]}"
    service, running = started(okr, durable)
    assert not service.embedded
    okr.subscribe_webhook(
        organization_id=world.org,
        url=receiver.url,
        format="generic",
        event_types=["Objective.ObjectiveSet", "Objective.CheckInMade"],
        by=world.admin,
    )
    objective = set_objective(okr, world)
    oid = objective.ids["objective_id"]
    kr = next(iter(okr.get_objective(oid).key_results))
    okr.check_in(objective_id=oid, key_result_id=kr, value=70, status="green", by=world.member)
    wait_until(lambda: len(receiver.delivery_ids()) == 2, what="ObjectiveSet and CheckInMade")
    running.stop()

    # Changes while the delivery is down wait in the stream for its durable consumer.
    okr.check_in(objective_id=oid, key_result_id=kr, value=72, status="green", by=world.member)
    info = asyncio.run(consumer_info(okr.settings, durable))
    assert info.config.durable_name == durable
    _, running = started(okr, durable)
    try:
        wait_until(lambda: len(receiver.delivery_ids()) == 3, what="the change made meanwhile")
        types = [r.json()["type"] for r in receiver.requests()]
        assert types.count("Objective.CheckInMade") >= 2
        assert {r.json()["data"]["position"] for r in receiver.requests()} == {
            int(i.split("_")[1]) for i in receiver.delivery_ids()
        }
    finally:
        running.stop()
