# mypy: disable-error-code="untyped-decorator"
"""The review's section of a unit's weekly meetings in the cycle, as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry

from okr_es.learning import review_meetings as rm


@strawberry.type(description="A decision taken in a meeting of the cycle.")
class ReviewDecision:
    meeting_id: UUID
    held_at: datetime
    text: str
    key_result_ids: list[UUID]
    by_name: str


@strawberry.type(description="A priority agreed in a meeting of the cycle, done or not.")
class ReviewPriority:
    meeting_id: UUID
    held_at: datetime
    text: str
    owner_id: UUID | None
    owner_name: str
    due: date
    done: bool
    done_at: datetime | None


@strawberry.type(
    description="The priorities of the meeting before the latest one: how "
    "many were agreed, how many are done."
)
class PriorityFollowThrough:
    meeting_id: UUID
    held_at: datetime
    agreed: int
    done: int


@strawberry.type(description="The unit's weekly progress meetings in the cycle.")
class ReviewMeetings:
    meetings: int
    closed: int
    decisions: list[ReviewDecision]
    priorities: list[ReviewPriority]
    last_week: PriorityFollowThrough | None = strawberry.field(
        description="Were last week's priorities done? (null before the second meeting)"
    )


def review_meetings_of(m: rm.MeetingsReview) -> ReviewMeetings:
    last = m.last_week
    return ReviewMeetings(
        meetings=m.meetings,
        closed=m.closed,
        decisions=[
            ReviewDecision(
                meeting_id=d.meeting_id,
                held_at=d.held_at,
                text=d.text,
                key_result_ids=d.key_result_ids,
                by_name=d.by_name,
            )
            for d in m.decisions
        ],
        priorities=[
            ReviewPriority(
                meeting_id=p.meeting_id,
                held_at=p.held_at,
                text=p.text,
                owner_id=p.owner_id,
                owner_name=p.owner_name,
                due=p.due,
                done=p.done,
                done_at=p.done_at,
            )
            for p in m.priorities
        ],
        last_week=None
        if last is None
        else PriorityFollowThrough(
            meeting_id=last.meeting_id, held_at=last.held_at, agreed=last.agreed, done=last.done
        ),
    )
