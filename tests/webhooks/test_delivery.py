"""Embedded delivery, end to end on each store: commands in, requests at real receivers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from webhook_support import Receiver, Running, wait_until

from okr_es.application import OKRApplication
from okr_es.webhooks.delivery import WebhookDelivery
from okr_es.webhooks.service import WebhookService
from okr_es.webhooks.store import DEAD, DELIVERED
from support.world import World, build_world, set_objective


def fast(delivery: WebhookDelivery) -> None:
    delivery.backoff_base = 0.01
    delivery.backoff_cap = 0.05
    delivery.max_attempts = 3
    delivery.timeout = 2.0


@pytest.fixture
def world(okr: OKRApplication) -> World:
    return build_world(okr)


@pytest.fixture
def service(okr: OKRApplication, world: World) -> Iterator[WebhookService]:
    chosen = WebhookService(okr, embedded=True, configure=fast)
    running = Running(chosen.run).start()
    assert chosen.ready.wait(30)
    try:
        yield chosen
    finally:
        running.stop()


def subscribe(okr: OKRApplication, world: World, url: str, format: str, **extra: Any) -> Any:
    return okr.subscribe_webhook(
        organization_id=world.org,
        url=url,
        format=format,
        event_types=extra.pop("event_types", ["Objective.CheckInMade"]),
        by=world.admin,
        **extra,
    )


_objectives: dict[Any, list[Any]] = {}


def check_in(okr: OKRApplication, world: World, value: float = 70) -> int:
    found = [o for o in _objectives.get(world.org, [])]
    if not found:
        _objectives[world.org] = found = [set_objective(okr, world).ids["objective_id"]]
    oid = found[0]
    kr = next(iter(okr.get_objective(oid).key_results))
    return okr.check_in(
        objective_id=oid,
        key_result_id=kr,
        value=value,
        status="green",
        comment="God fremdrift",
        by=world.member,
    ).position


def test_each_format_reaches_its_receiver_in_its_shape(
    okr: OKRApplication, world: World, service: WebhookService
) -> None:
    slack, teams, generic = Receiver().start(), Receiver().start(), Receiver().start()
    try:
        subscribe(okr, world, slack.url, "slack")
        subscribe(okr, world, teams.url, "teams")
        secret = subscribe(okr, world, generic.url, "generic").secret
        position = check_in(okr, world)
        for r in (slack, teams, generic):
            wait_until(lambda r=r: len(r.requests()) == 1, what="one request each")

        message = slack.requests()[0].json()
        assert "Ola Member" in message["text"] and "70" in message["text"]
        assert message["blocks"][0]["type"] == "section"
        assert message["blocks"][0]["text"]["type"] == "mrkdwn"
        assert message["blocks"][1]["type"] == "context"

        card = teams.requests()[0].json()
        assert card["type"] == "message"
        attachment = card["attachments"][0]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert attachment["content"]["type"] == "AdaptiveCard"
        assert any("70" in b.get("text", "") for b in attachment["content"]["body"])

        signed = generic.requests()[0]
        assert verifies(secret, signed.headers, signed.body)
        payload = signed.json()
        assert payload["type"] == "Objective.CheckInMade"
        assert payload["data"]["position"] == position
        assert payload["data"]["data"]["value"] == 70
        assert signed.headers["webhook-id"].startswith(f"msg_{position}_")
    finally:
        for r in (slack, teams, generic):
            r.stop()


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check, written out from the spec (not okr-es's code)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(f"v1,{expected}", s) for s in headers["webhook-signature"].split()
    )


def test_a_delivery_failing_every_time_is_dead_lettered_and_an_admin_can_redrive_it(
    okr: OKRApplication, world: World, service: WebhookService, receiver: Receiver
) -> None:
    receiver.status = 500
    webhook_id = subscribe(okr, world, receiver.url, "slack").ids["webhook_id"]
    check_in(okr, world)
    log = service.delivery.log  # type: ignore[union-attr]
    wait_until(
        lambda: [d.status for d in log.deliveries(str(webhook_id))] == [DEAD], what="dead letter"
    )
    dead = log.deliveries(str(webhook_id))[0]
    assert dead.attempts == 3
    assert [a.status_code for a in log.attempts([dead.delivery_id])] == [500, 500, 500]

    receiver.status = 200
    okr.redrive_webhook(webhook_id=webhook_id, by=world.admin)
    wait_until(
        lambda: [d.status for d in log.deliveries(str(webhook_id))] == [DELIVERED],
        what="delivered after the redrive",
    )
    assert len(receiver.delivery_ids()) == 1
    assert len(receiver.requests()) == 4


def test_only_the_subscribed_units_changes_are_sent(
    okr: OKRApplication, world: World, service: WebhookService, receiver: Receiver
) -> None:
    other = Receiver().start()
    try:
        subscribe(okr, world, receiver.url, "generic", unit_ids=[world.team])
        subscribe(okr, world, other.url, "generic", unit_ids=[world.sibling_team])
        check_in(okr, world)
        wait_until(lambda: len(receiver.requests()) == 1, what="the team's webhook")
        # The sibling team's webhook saw the same change go by and sent nothing: a change
        # after it, in the sibling team, reaches it (and is the only one it gets).
        okr_sibling = okr.set_objective(
            organization_id=world.org,
            unit_id=world.sibling_team,
            cycle_id=world.cycle,
            title="Sibling goal",
            owner_id=world.member,
            by=world.admin,
            key_results=[{"title": "Done", "metric": "milestone"}],
        )
        oid = okr_sibling.ids["objective_id"]
        kr = next(iter(okr.get_objective(oid).key_results))
        okr.check_in(objective_id=oid, key_result_id=kr, value=1, status="green", by=world.member)
        wait_until(lambda: len(other.requests()) == 1, what="the sibling's webhook")
        assert len(receiver.requests()) == 1
    finally:
        other.stop()


def test_a_paused_webhook_gets_nothing_and_changes_before_a_subscription_are_not_sent(
    okr: OKRApplication, world: World, service: WebhookService, receiver: Receiver
) -> None:
    check_in(okr, world, value=61)  # before any subscription
    webhook_id = subscribe(okr, world, receiver.url, "generic").ids["webhook_id"]
    okr.pause_webhook(webhook_id=webhook_id, by=world.admin)
    check_in(okr, world, value=62)
    okr.resume_webhook(webhook_id=webhook_id, by=world.admin)
    check_in(okr, world, value=63)
    wait_until(lambda: len(receiver.requests()) >= 1, what="the change after resuming")
    values = [r.json()["data"]["data"]["value"] for r in receiver.requests()]
    assert values == [63]


def test_no_log_line_holds_a_webhook_url_s_token(
    okr: OKRApplication,
    world: World,
    service: WebhookService,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.status = 500
    subscribe(okr, world, receiver.url + "/T0/B0/tokentokentoken", "slack")
    check_in(okr, world)
    log = service.delivery.log  # type: ignore[union-attr]
    wait_until(lambda: len(receiver.requests()) >= 3, what="attempts, failing and retried")
    assert receiver.requests()[0].path.endswith("/tokentokentoken")
    assert "tokentokentoken" not in caplog.text
    assert all("tokentokentoken" not in (d.last_error or "") for d in log.deliveries("x"))
