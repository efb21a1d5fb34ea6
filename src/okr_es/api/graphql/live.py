# mypy: disable-error-code="untyped-decorator"
"""Live subscriptions: new check-ins and timeline entries of a unit, as they land.

The projection service calls its listeners from its own thread after each applied
batch; :class:`LiveFeed` hands that position to every subscriber's event loop with
``call_soon_threadsafe``. A subscriber then reads the rows past the last position it
delivered (a handful of statements per batch, not per subscriber and event).

Before each such read the subscriber's token is checked again (from memory, or from the
store once the recheck window has passed, as for every request): once it is revoked,
the subscription ends with an ``UNAUTHENTICATED`` error instead of delivering more.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar
from uuid import UUID

import anyio.to_thread
import strawberry

from okr_es.api.graphql.extensions import authenticate
from okr_es.api.graphql.meeting_live import MeetingSubscription
from okr_es.api.graphql.types import CheckIn, Info, TimelineEntry
from okr_es.errors import NotFound
from okr_es.projections import queries
from okr_es.projections.service import ProjectionService

T = TypeVar("T")
Row = TypeVar("Row", queries.CheckInRow, queries.TimelineRow)


class LiveFeed:
    """Fans the projection service's "applied up to N" out to asyncio subscribers."""

    def __init__(self, service: ProjectionService) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]] = set()
        self._ready = threading.Condition()
        self._following = 0
        service.on_applied(self._applied)

    @property
    def following(self) -> int:
        """How many subscriptions are following the log right now."""
        return self._following

    def wait_until_following(self, count: int, timeout: float) -> bool:
        """Block until ``count`` subscriptions follow the log (for tests and probes)."""
        with self._ready:
            return self._ready.wait_for(lambda: self._following >= count, timeout)

    def _count(self, delta: int) -> None:
        with self._ready:
            self._following += delta
            self._ready.notify_all()

    @asynccontextmanager
    async def listen(self) -> AsyncIterator[asyncio.Queue[int]]:
        queue: asyncio.Queue[int] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.discard(entry)

    def _applied(self, position: int) -> None:
        # Called on the projection service's thread.
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, position)
            except RuntimeError:  # the loop is closed: its subscriber is gone
                with self._lock:
                    self._subscribers.discard((loop, queue))


@strawberry.type
class Subscription(MeetingSubscription):
    @strawberry.subscription(
        description="Check-ins on objectives of the unit (and the units below it), live."
    )
    async def check_ins(self, info: Info, unit_id: UUID) -> AsyncGenerator[CheckIn, None]:
        async for row in _follow(info, unit_id, "rm_check_ins", queries.check_ins_after):
            yield CheckIn(row=row)

    @strawberry.subscription(
        description="Change timeline entries of the unit (and the units below it), live."
    )
    async def changes(self, info: Info, unit_id: UUID) -> AsyncGenerator[TimelineEntry, None]:
        async for row in _follow(info, unit_id, "rm_timeline", queries.timeline_after):
            yield TimelineEntry(row=row)


async def _follow(
    info: Info,
    unit_id: UUID,
    table: str,
    rows_after: Callable[[queries.Views, str, list[str], int], list[Row]],
) -> AsyncGenerator[Row, None]:
    context = info.context
    feed: LiveFeed = context.feed
    if not await context.read(queries.subtree_ids, str(unit_id)):
        raise NotFound(f"no unit {unit_id}", field="unitId")
    async with feed.listen() as wakes:
        # Listening before looking: nothing applied in between can be missed.
        last = await anyio.to_thread.run_sync(queries.last_position, context.views, table)
        feed._count(+1)
        try:
            async for row in _rows_after(info, unit_id, wakes, last, rows_after):
                yield row
        finally:
            feed._count(-1)


async def _rows_after(
    info: Info,
    unit_id: UUID,
    wakes: asyncio.Queue[int],
    last: int,
    rows_after: Callable[[queries.Views, str, list[str], int], list[Row]],
) -> AsyncGenerator[Row, None]:
    context = info.context
    while True:
        await wakes.get()
        while not wakes.empty():
            wakes.get_nowait()
        # Raises UNAUTHENTICATED once the token is revoked, which ends the subscription.
        await authenticate(context)
        # Units added below the unit since the subscription started count too.
        units = await context.read(queries.subtree_ids, str(unit_id))
        for row in await context.read(rows_after, units, last):
            last = row.position
            context.batch.clear()
            yield row
