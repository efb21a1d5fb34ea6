"""The NATS relay against a real JetStream and both stores: every position once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from nats.aio.client import Client
from nats.aio.msg import Msg
from relay_support import Stream, connected

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.messaging.integration_events import IntegrationEvent, decode, translate
from okr_es.messaging.relay import DUPLICATE_WINDOW_SECONDS, NatsRelay
from okr_es.settings import Settings

pytestmark = pytest.mark.nats
TODAY = date(2026, 11, 23)
# Long enough that only a wake-up (a save, a NOTIFY) can explain a prompt publish.
NEVER = 3600.0
BATCH = 200


def relay_for(app: OKRApplication, nc: Client, stream: Stream, **options: Any) -> NatsRelay:
    return NatsRelay(
        app, nc.jetstream(), stream=stream.name, subject_prefix=stream.prefix, **options
    )


async def stored(nc: Client, stream: Stream) -> int:
    info = await nc.jetstream().stream_info(stream.name)
    return info.state.messages


async def read_until(
    nc: Client, stream: Stream, done: Callable[[list[Msg]], bool], timeout: float = 30
) -> list[Msg]:
    """Read the stream from its start until ``done`` holds (an ordered consumer)."""
    sub = await nc.jetstream().subscribe(
        f"{stream.prefix}.>", stream=stream.name, ordered_consumer=True
    )
    messages: list[Msg] = []
    try:
        while not done(messages):
            messages.append(await sub.next_msg(timeout=timeout))
    finally:
        await sub.unsubscribe()
    return messages


def up_to(position: int) -> Callable[[list[Msg]], bool]:
    return lambda messages: bool(messages) and decode(messages[-1].data).position >= position


def log_positions(app: OKRApplication) -> list[int]:
    return [n.id for n in app.all_notifications()]


def demo_with_a_token(app: OKRApplication) -> DemoSummary:
    summary = seed_demo(app, today=TODAY)
    app.issue_token(
        organization_id=summary.organization_id,
        member_id=summary.admin_id,
        label="relay test",
        by=summary.admin_id,
    )
    return summary


def test_the_relay_publishes_the_demo_organisation_in_log_order_exactly_once(
    app: OKRApplication, stream: Stream
) -> None:
    summary = demo_with_a_token(app)
    head = app.position()

    async def scenario() -> tuple[NatsRelay, list[Msg], int, int]:
        async with connected(stream) as nc:
            relay = relay_for(app, nc, stream)
            position = await relay.catch_up()
            messages = await read_until(nc, stream, up_to(head))
            return relay, messages, position, await stored(nc, stream)

    relay, messages, position, count = asyncio.run(scenario())

    events = [decode(m.data) for m in messages]
    assert position == head
    assert [e.position for e in events] == log_positions(app)
    assert count == len(events) == relay.published
    assert relay.duplicates == 0
    assert {e.organization_id for e in events} == {summary.organization_id}
    for message, event in zip(messages, events, strict=True):
        assert message.subject == event.subject(stream.prefix)
        assert message.subject.startswith(f"{stream.prefix}.{summary.organization_id}.")
        assert message.headers is not None
        assert message.headers["Nats-Msg-Id"] == str(event.position)
        assert b"token_hash" not in message.data
    assert {e.event for e in events} >= {"OrganizationRegistered", "CheckInMade"}
    assert "AccessTokenIssued" in {e.event for e in events}
    assert relay.tracking.max_tracking_id("nats_relay") == head


def test_the_stream_is_created_with_a_two_minute_duplicate_window(
    app: OKRApplication, stream: Stream
) -> None:
    async def scenario() -> tuple[float | None, list[str] | None]:
        async with connected(stream) as nc:
            await relay_for(app, nc, stream).ensure_stream()
            await relay_for(app, nc, stream).ensure_stream()  # idempotent
            info = await nc.jetstream().stream_info(stream.name)
            return info.config.duplicate_window, info.config.subjects

    window, subjects = asyncio.run(scenario())

    assert window == DUPLICATE_WINDOW_SECONDS == 120
    assert subjects == [f"{stream.prefix}.>"]


def test_a_restarted_relay_resumes_from_its_tracked_position(
    app: OKRApplication, stream: Stream
) -> None:
    summary = seed_demo(app, today=TODAY)
    first_head = app.position()

    async def first_run() -> int:
        async with connected(stream) as nc:
            return await relay_for(app, nc, stream).catch_up()

    assert asyncio.run(first_run()) == first_head
    for name in ("Ola Nordmann", "Kari Nordmann"):
        app.add_member(
            organization_id=summary.organization_id,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            by=summary.admin_id,
        )
    head = app.position()

    async def restarted() -> tuple[NatsRelay, list[Msg], int]:
        async with connected(stream) as nc:
            relay = relay_for(app, nc, stream)
            await relay.catch_up()
            return relay, await read_until(nc, stream, up_to(head)), await stored(nc, stream)

    relay, messages, count = asyncio.run(restarted())

    assert relay.published == 2 and relay.duplicates == 0
    assert [decode(m.data).position for m in messages] == log_positions(app)
    assert count == len(log_positions(app))
    assert [decode(m.data).event for m in messages[-2:]] == ["MemberAdded", "MemberAdded"]


class Crash(Exception):
    pass


class CrashBeforeRecording:
    """A tracking recorder whose process dies after the acks, before the position is saved."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def max_tracking_id(self, name: str) -> int | None:
        return self.inner.max_tracking_id(name)  # type: ignore[no-any-return]

    def insert_tracking(self, tracking: Tracking) -> None:
        raise Crash(tracking)


def test_a_batch_published_again_after_a_crash_is_dropped_by_the_duplicate_window(
    app: OKRApplication, stream: Stream
) -> None:
    seed_demo(app, today=TODAY)
    head = app.position()

    async def scenario() -> tuple[NatsRelay, int, int, bool | None]:
        async with connected(stream) as nc:
            crashing = relay_for(app, nc, stream, batch_size=BATCH)
            crashing.tracking = CrashBeforeRecording(crashing.tracking)  # type: ignore[assignment]
            with pytest.raises(Crash):
                await crashing.catch_up()
            after_crash = await stored(nc, stream)

            restarted = relay_for(app, nc, stream, batch_size=BATCH)
            assert await restarted.position() == 0  # nothing was recorded
            assert await restarted.catch_up() == head
            # And one more forced re-publish of an acknowledged position:
            first = app.notifications(1, 1)[0]
            event = app.decode(first)
            again: IntegrationEvent = translate(event, first.id, event.originator_id)
            [ack] = await restarted.publish([again])
            return restarted, after_crash, await stored(nc, stream), ack.duplicate

    restarted, after_crash, count, duplicate = asyncio.run(scenario())

    events = len(log_positions(app))
    assert events > BATCH
    assert after_crash == BATCH  # the first batch was acked, then the process "died"
    assert restarted.duplicates == BATCH + 1  # that batch again, and the forced repeat
    assert restarted.published == events - BATCH
    assert duplicate is True
    assert count == events


def test_the_relay_is_woken_by_saves_in_its_own_process(
    app: OKRApplication, stream: Stream
) -> None:
    async def scenario() -> tuple[list[Msg], int]:
        async with connected(stream) as nc:
            relay = relay_for(app, nc, stream, idle_wake_seconds=NEVER)
            relay.follow_saves()
            ready = asyncio.Event()
            task = asyncio.create_task(relay.run(on_ready=lambda _position: ready.set()))
            await asyncio.wait_for(ready.wait(), 30)
            await asyncio.to_thread(seed_demo, app, TODAY)
            try:
                messages = await read_until(nc, stream, up_to(app.position()), timeout=30)
            finally:
                relay.stop()
                await asyncio.wait_for(task, 30)
            return messages, await stored(nc, stream)

    messages, count = asyncio.run(scenario())

    assert [decode(m.data).position for m in messages] == log_positions(app)
    assert count == len(messages)


@pytest.mark.postgres
def test_the_relay_is_woken_by_notify_when_another_process_saves(
    postgres_settings: Settings, stream: Stream
) -> None:
    with (
        OKRApplication(postgres_settings) as relay_app,
        OKRApplication(postgres_settings) as writer,
    ):

        async def scenario() -> list[Msg]:
            async with connected(stream) as nc:
                # No follow_saves(): the writer is another application, so only NOTIFY wakes.
                relay = relay_for(relay_app, nc, stream, idle_wake_seconds=NEVER)
                ready = asyncio.Event()
                task = asyncio.create_task(
                    relay.run(listen=True, on_ready=lambda _position: ready.set())
                )
                await asyncio.wait_for(ready.wait(), 30)
                await asyncio.to_thread(seed_demo, writer, TODAY)
                try:
                    return await read_until(nc, stream, up_to(writer.position()), timeout=30)
                finally:
                    relay.stop()
                    await asyncio.wait_for(task, 30)

        messages = asyncio.run(scenario())
        assert [decode(m.data).position for m in messages] == log_positions(writer)
