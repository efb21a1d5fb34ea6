"""Per-test JetStream streams, deleted afterwards, so relay tests never see each other's
messages."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from relay_support import Stream, delete


@pytest.fixture
def stream(nats_url: str) -> Iterator[Stream]:
    chosen = Stream.unique(nats_url)
    try:
        yield chosen
    finally:
        asyncio.run(delete(chosen))
