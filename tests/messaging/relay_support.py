"""What the relay tests share: a per-test JetStream stream (unique name and subject prefix,
since two streams may not share subjects) and reading it back from the start."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from okr_es.messaging.integration_events import decode


@dataclass(frozen=True)
class Stream:
    url: str
    name: str
    prefix: str

    @classmethod
    def unique(cls, url: str) -> Stream:
        suffix = uuid.uuid4().hex[:12]
        return cls(url, f"OKR_ES_TEST_{suffix}", f"okrtest{suffix}")


@contextlib.asynccontextmanager
async def connected(stream: Stream) -> AsyncIterator[Client]:
    nc = await nats.connect(stream.url)
    try:
        yield nc
    finally:
        await nc.close()


async def delete(stream: Stream) -> None:
    async with connected(stream) as nc:
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_stream(stream.name)


async def positions_up_to(nc: Client, stream: Stream, head: int, timeout: float = 30) -> list[int]:
    """The positions in the stream, from its start until ``head`` arrives."""
    sub = await nc.jetstream().subscribe(
        f"{stream.prefix}.>", stream=stream.name, ordered_consumer=True
    )
    positions: list[int] = []
    try:
        while not positions or positions[-1] < head:
            positions.append(decode((await sub.next_msg(timeout=timeout)).data).position)
    finally:
        await sub.unsubscribe()
    return positions
