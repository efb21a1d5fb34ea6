"""The meetings read model on every store: what it holds, the change timeline's sentences
for meetings, and that a rebuild from position 0 gives the same rows."""

from __future__ import annotations

import json

from okr_es.application import CommandResult, OKRApplication
from okr_es.projections import meeting_queries, queries
from okr_es.projections.runner import ProjectionRunner
from support.meetings import run_meeting
from support.world import build_world


def _stepping(runner: ProjectionRunner):  # type: ignore[no-untyped-def]
    def step(result: CommandResult) -> CommandResult:
        runner.catch_up()
        return result

    return step


def test_meetings_rebuild_to_identical_rows(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    world = build_world(app)
    run_meeting(app, world, _stepping(runner))
    incremental = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild()
    rebuilt = {p.name: runner.rows(p) for p in runner.projections}
    runner.rebuild("meetings")

    assert incremental["meetings"]["rm_meetings"]
    assert len(incremental["meetings"]["rm_meeting_items"]) == 5
    assert rebuilt == incremental
    assert {p.name: runner.rows(p) for p in runner.projections} == incremental


def test_the_read_model_holds_the_meeting_and_its_items(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    world = build_world(app)
    made = run_meeting(app, world)
    runner.catch_up()
    org = str(world.org)

    (meeting,) = meeting_queries.meetings_of(runner.views, org, str(world.team))
    items = meeting_queries.items_by_meeting(runner.views, org, [meeting.meeting_id])

    assert meeting.meeting_id == str(made["meeting"])
    assert (meeting.status, meeting.cycle_id, meeting.facilitator_id) == (
        "closed", str(world.cycle), str(world.member))
    assert json.loads(meeting.attendee_ids) == [str(world.member), str(world.admin)]
    assert meeting.position == app.position()
    assert [(i.kind, i.text, bool(i.done)) for i in items] == [
        ("good_news", "Survey sent", False),
        ("decision", "Push satisfaction first", False),
        ("priority", "Call ten users", True),
        ("blocker", "No survey tool", True),
        ("check_in", "", False),
    ]
    assert json.loads(items[1].key_result_ids) == [str(made["key_result_id_0"])]
    assert (items[2].owner_id, items[2].done_note) == (str(world.colleague), "done on Tuesday")
    assert (items[4].key_result_id, items[4].value, items[4].status) == (
        str(made["key_result_id_0"]), 65.0, "yellow")
    assert meeting_queries.meetings_of(runner.views, "another-org", str(world.team)) == []
    assert meeting_queries.items_by_meeting(runner.views, "another-org",
                                            [meeting.meeting_id]) == []


def test_the_change_timeline_words_every_meeting_event(app: OKRApplication) -> None:
    runner = ProjectionRunner(app)
    world = build_world(app)
    made = run_meeting(app, world)
    runner.catch_up()

    rows = queries.timeline_page(runner.views, str(world.org), unit_ids=[str(world.team)],
                                 cycle_id=str(world.cycle), first=100, after=None)
    meeting = [r for r in rows if r.aggregate_id == str(made["meeting"])]

    assert [r.event_type for r in meeting] == [
        "MeetingOpened", "GoodNewsShared", "DecisionRecorded", "PriorityAgreed",
        "BlockerRaised", "MeetingCheckInLinked", "MeetingClosed", "PriorityCompleted",
        "BlockerResolved",
    ]
    sentences = [r.sentence for r in meeting]
    day = sentences[0].split()[4]
    # The unit's name gives no language away: Norwegian, as the organisation's default.
    assert sentences[0] == f"Kari Admin åpnet fremdriftsmøtet {day} i «Team»"
    assert sentences[2] == (
        f"Ola Member noterte en beslutning i fremdriftsmøtet {day} om «Satisfaction up»: "
        "Push satisfaction first"
    )
    assert "ansvarlig Per Colleague" in sentences[3]
    assert sentences[5].endswith("«Satisfaction up» i fremdriftsmøtet " + day + ": 65 (gul)")
    assert sentences[6] == f"Ola Member avsluttet fremdriftsmøtet {day} med 2 deltakere"
    assert sentences[7] == (
        "Per Colleague meldte prioriteringen «Call ten users» som gjort: done on Tuesday"
    )
    assert sentences[8] == "Ola Member løste hinderet «No survey tool»: bought one"
    # The check-in made in the meeting is also the objective's own check-in.
    assert "CheckInMade" in [r.event_type for r in rows]
