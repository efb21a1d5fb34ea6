# mypy: disable-error-code="untyped-decorator"
"""A meeting screen, live: the meeting each time something is added to it or changes.

Follows the projection service like the other subscriptions (:mod:`live`): woken after
each applied batch, the subscriber checks its token again and reads the meeting's row;
when the meeting's latest position moved, it sends the meeting again (items included,
through the usual loaders). Brought into the root ``Subscription`` as its base."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from okr_es.api.graphql.extensions import authenticate
from okr_es.api.graphql.meeting_types import Meeting
from okr_es.api.graphql.types import Info
from okr_es.errors import NotFound
from okr_es.projections import meeting_queries


@strawberry.type
class MeetingSubscription:
    @strawberry.subscription(
        description="A meeting, sent again each time it changes (items, status), live."
    )
    async def meeting(self, info: Info, id: UUID) -> AsyncGenerator[Meeting, None]:
        context = info.context
        feed = context.feed
        async with feed.listen() as wakes:
            # Listening before looking: nothing applied in between can be missed.
            rows = await context.read(meeting_queries.meetings_by_id, [str(id)])
            if not rows:
                raise NotFound(f"no meeting {id}", field="id")
            last = rows[0].position
            feed._count(+1)
            try:
                while True:
                    await wakes.get()
                    while not wakes.empty():
                        wakes.get_nowait()
                    await authenticate(context)
                    rows = await context.read(meeting_queries.meetings_by_id, [str(id)])
                    if rows and rows[0].position > last:
                        last = rows[0].position
                        context.batch.clear()
                        yield Meeting(row=rows[0])
            finally:
                feed._count(-1)
