"""Faults, with servers of the test's own: the receiver is down for a while, NATS restarts,
the delivery process (``okr-es notify``) is SIGKILLed, PostgreSQL restarts,
and the delivery process is started again —
every change is still delivered at least once (distinct delivery ids at the receiver).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator

import pytest
from webhook_support import Receiver, Running, run_relay, wait_until

from okr_es.application import OKRApplication
from okr_es.projections.service import start_read_models
from okr_es.settings import Settings
from support.private_servers import PrivateNats, PrivatePostgres
from support.processes import Process
from support.world import build_world, set_objective

pytestmark = pytest.mark.postgres


@pytest.fixture
def servers() -> Iterator[tuple[PrivatePostgres, PrivateNats]]:
    postgres, nats_server = PrivatePostgres(), PrivateNats()
    try:
        yield postgres, nats_server
    finally:
        nats_server.close()
        postgres.close()


def delivery_process(postgres: PrivatePostgres, nats_server: PrivateNats) -> Process:
    env = {
        **os.environ,
        "OKR_ES_DATABASE_URL": postgres.url,
        "OKR_ES_NATS_URL": nats_server.url,
        "OKR_ES_WEBHOOK_ALLOW_HTTP_HOSTS": "127.0.0.1",
        "OKR_ES_WEBHOOK_MAX_ATTEMPTS": "100",
        "OKR_ES_WEBHOOK_RETRY_MAX_MS": "500",
        "OKR_ES_WEBHOOK_TIMEOUT_MS": "2000",
        "PYTHONUNBUFFERED": "1",
    }
    return Process("notify", [sys.executable, "-m", "okr_es.cli", "notify"], env)


def test_every_change_is_delivered_through_receiver_nats_and_delivery_failures(
    servers: tuple[PrivatePostgres, PrivateNats],
) -> None:
    postgres, nats_server = servers
    settings = Settings(
        database_url=postgres.url,
        nats_url=nats_server.url,
        pool_size=4,
        webhook_allow_http_hosts=("127.0.0.1",),
    )
    okr = OKRApplication(settings)
    read_models = start_read_models(okr)
    relay = Running(lambda: run_relay(okr)).start()
    receiver = Receiver().start()
    port = receiver.port
    delivery = delivery_process(postgres, nats_server)
    try:
        world = build_world(okr)
        okr.subscribe_webhook(
            organization_id=world.org,
            url=receiver.url,
            format="generic",
            event_types=["Objective.CheckInMade"],
            by=world.admin,
        )
        oid = set_objective(okr, world).ids["objective_id"]
        kr = next(iter(okr.get_objective(oid).key_results))
        positions: list[int] = []

        def check_ins(count: int) -> None:
            for _ in range(count):
                positions.append(
                    okr.check_in(
                        objective_id=oid,
                        key_result_id=kr,
                        value=60 + len(positions),
                        status="green",
                        by=world.member,
                    ).position
                )

        check_ins(5)
        wait_until(lambda: len(receiver.delivery_ids()) == 5, 60, "the first five")

        receiver.stop()  # the receiver is down from here …
        check_ins(5)
        nats_server.stop()
        check_ins(5)  # written while NATS is down: the relay publishes them later
        nats_server.start()
        check_ins(5)
        delivery.stop(signal.SIGKILL)
        check_ins(5)
        postgres.stop()  # and PostgreSQL restarts while the delivery is down
        postgres.start()
        check_ins(5)
        delivery = delivery_process(postgres, nats_server)
        check_ins(5)
        receiver = Receiver().start(port)  # … until here

        def distinct() -> set[int]:
            return {int(i.split("_")[1]) for i in receiver.delivery_ids()}

        wait_until(lambda: set(positions[5:]) <= distinct(), 180, "every change delivered")
        assert len(positions) == 35
    finally:
        delivery.stop(signal.SIGKILL)
        receiver.stop()
        relay.stop()
        read_models.stop()
        okr.close()
