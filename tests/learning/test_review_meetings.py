"""Meetings in the learning review (both paths: the reviews read model and the replay from
the store give the same answer) and in the audit export of a cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for, reviews_for
from okr_es.history.cycle_events import collect_cycle
from okr_es.learning.audit import cycle_export_lines
from okr_es.learning.review_meetings import meeting_lines
from support.meetings import run_meeting
from support.world import World, build_world, set_objective


def _two_weeks(app: OKRApplication) -> tuple[World, dict[str, Any], dict[str, Any]]:
    world = build_world(app)
    objective = dict(set_objective(app, world).ids)
    now = datetime.now(UTC)
    first = run_meeting(app, world, objective=objective, held_at=now - timedelta(days=9))
    second = run_meeting(app, world, objective=objective, held_at=now - timedelta(days=2),
                         close=False)
    return world, first, second


def test_the_review_lists_decisions_priorities_and_last_weeks_follow_through(
    app: OKRApplication,
) -> None:
    world, first, _ = _two_weeks(app)

    review = review_for(app, world.team, world.cycle)
    meetings = review.meetings

    assert (meetings.meetings, meetings.closed) == (2, 1)
    assert [d.text for d in meetings.decisions] == ["Push satisfaction first"] * 2
    assert meetings.decisions[0].key_result_ids == [first["key_result_id_0"]]
    assert [(p.text, p.owner_name, p.done) for p in meetings.priorities] == [
        ("Call ten users", "Per Colleague", True),
        ("Call ten users", "Per Colleague", False),
    ]
    assert meetings.last_week is not None
    assert (meetings.last_week.meeting_id, meetings.last_week.agreed,
            meetings.last_week.done) == (first["meeting"], 1, 1)


def test_both_review_paths_give_the_same_review_with_meetings(app: OKRApplication) -> None:
    world, _, _ = _two_weeks(app)
    team, cycle = world.team, world.cycle

    from_facts = review_for(app, team, cycle)
    replayed = review_for(app, team, cycle, replay=True)
    org = world.org
    all_from_facts = reviews_for(app, org, cycle)
    all_replayed = reviews_for(app, org, cycle, replay=True)

    assert from_facts.meetings.meetings == 2
    assert replayed == from_facts
    assert all_replayed == all_from_facts
    assert all_from_facts[team] == from_facts


def test_a_meeting_does_not_move_the_day_a_running_cycle_is_reviewed_up_to(
    app: OKRApplication,
) -> None:
    world = build_world(app)
    set_objective(app, world)
    before = review_for(app, world.team, world.cycle)
    app.open_meeting(organization_id=world.org, unit_id=world.team, cycle_id=world.cycle,
                     facilitator_id=world.member, by=world.admin)

    after = review_for(app, world.team, world.cycle)

    assert after.as_of == before.as_of
    assert after.meetings.meetings == 1


def test_the_audit_export_of_a_cycle_includes_its_meetings(app: OKRApplication) -> None:
    world, first, second = _two_weeks(app)

    events = collect_cycle(app, world.cycle)
    of_unit = collect_cycle(app, world.cycle, world.sibling_team)
    lines = cycle_export_lines(events, world.cycle, "Current")

    meeting_ids = {first["meeting"], second["meeting"]}
    assert {p.event.originator_id for p in events} >= meeting_ids
    assert [type(p.event).__name__ for p in events if p.event.originator_id == first["meeting"]][
        :2
    ] == ["MeetingOpened", "GoodNewsShared"]
    assert not {p.event.originator_id for p in of_unit} & meeting_ids
    assert sum('"MeetingOpened"' in line for line in lines) == 2


def test_the_report_lines_of_the_meetings_in_both_languages(app: OKRApplication) -> None:
    world, _, _ = _two_weeks(app)
    meetings = review_for(app, world.team, world.cycle).meetings

    english = meeting_lines(meetings, "en")
    norwegian = meeting_lines(meetings, "nb")

    assert english[0] == "2 meetings, 1 closed"
    assert english[1].startswith("Last week's priorities (") and english[1].endswith("1 of 1 done")
    assert norwegian[0] == "2 møter, 1 avsluttet"
    assert any(line.startswith("Prioritering ") and line.endswith("ikke gjort)")
               for line in norwegian)
