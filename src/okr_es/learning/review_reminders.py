"""The review's account of reminders: who was reminded, for which period, whether it was
escalated, and whether it helped (the member checked in within the policy's window after
the reminder was due, ``helped_within_days`` as the reminder recorded it).

Pure: reads the reminders and check-ins a unit's replay holds (both review paths, the
read model's and the full replay, feed it the same records)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec


class ReminderReview(msgspec.Struct, frozen=True):
    """One reminder sent to a member of the unit in the cycle, and what followed."""

    member_id: UUID
    member: str
    period: date
    due_at: datetime
    key_result_ids: list[UUID]
    escalated: bool
    escalated_to: list[str]
    missed_periods: int
    helped: bool
    # The first check-in by the member (as recorded) in the window after the reminder.
    checked_in_at: datetime | None


def reminder_reviews(state: Any, names: Mapping[UUID, str]) -> list[ReminderReview]:
    """Every reminder the replay holds, in the order sent, judged by the check-ins."""
    check_ins = sorted(
        (c.recorded_at, c.by)
        for kr in state.all_key_results()
        for c in kr.check_ins
        if c.by is not None
    )
    found: list[ReminderReview] = []
    for r in state.reminders:
        member = state.uuid(r.member_id)
        due_at: datetime = r.due_at
        until = due_at + timedelta(days=r.helped_within_days)
        first = next((at for at, by in check_ins if by == member and due_at <= at <= until), None)
        found.append(
            ReminderReview(
                member_id=member,
                member=names.get(member, ""),
                period=r.period,
                due_at=due_at,
                key_result_ids=[state.uuid(k) for k in r.key_result_ids],
                escalated=r.escalated,
                escalated_to=[names.get(state.uuid(m), str(m)) for m in r.escalated_to],
                missed_periods=r.missed_periods,
                helped=first is not None,
                checked_in_at=first,
            )
        )
    return found
