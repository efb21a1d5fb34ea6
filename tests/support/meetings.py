"""A weekly meeting run through OKRApplication, for the store-backed meeting tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from okr_es.application import CommandResult, OKRApplication
from support.world import World, set_objective


def run_meeting(
    app: OKRApplication,
    world: World,
    step: Callable[[CommandResult], CommandResult] = lambda r: r,
    *,
    objective: dict[str, UUID] | None = None,
    held_at: datetime | None = None,
    close: bool = True,
) -> dict[str, Any]:
    """An objective of the team (unless given), then a meeting with one item of each kind:
    good news, a decision citing a key result, a priority, a blocker, a check-in made in
    the meeting; closed with two attendees, then the priority done and the blocker
    resolved. ``step`` sees every command's result (to catch projections up)."""
    if objective is None:
        objective = dict(step(set_objective(app, world)).ids)
    when = held_at or datetime.now(UTC) - timedelta(days=2)
    meeting = step(
        app.open_meeting(organization_id=world.org, unit_id=world.team, cycle_id=world.cycle,
                         facilitator_id=world.member, held_at=when, by=world.admin)
    ).ids["meeting_id"]
    step(app.share_good_news(meeting_id=meeting, text="Survey sent", by=world.member))
    step(app.record_decision(meeting_id=meeting, text="Push satisfaction first",
                             key_result_ids=[objective["key_result_id_0"]], by=world.member))
    priority = step(app.agree_priority(meeting_id=meeting, text="Call ten users",
                                       owner_id=world.colleague, due=when.date(),
                                       by=world.member)).ids["priority_id"]
    blocker = step(app.raise_blocker(meeting_id=meeting, text="No survey tool",
                                     by=world.member)).ids["blocker_id"]
    step(app.check_in_at_meeting(meeting_id=meeting, objective_id=objective["objective_id"],
                                 key_result_id=objective["key_result_id_0"], value=65,
                                 status="yellow", by=world.member))
    if close:
        step(app.close_meeting(meeting_id=meeting, attendee_ids=[world.member, world.admin],
                               by=world.member))
        step(app.complete_priority(meeting_id=meeting, priority_id=priority,
                                   by=world.colleague, note="done on Tuesday"))
        step(app.resolve_blocker(meeting_id=meeting, blocker_id=blocker, resolution="bought one",
                                 by=world.member))
    return {"meeting": meeting, "priority": priority, "blocker": blocker, **objective}
