"""Meeting commands through OKRApplication on every store: items added from two processes
at once both land, and what a meeting refuses leaves nothing written."""

from __future__ import annotations

from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.world import build_world, event_names, refused_by, set_objective, signature


def test_items_added_through_two_processes_at_once_both_land(
    app: OKRApplication, settings: Settings
) -> None:
    world = build_world(app)
    meeting = app.open_meeting(organization_id=world.org, unit_id=world.team,
                               cycle_id=world.cycle, facilitator_id=world.member,
                               by=world.admin).ids["meeting_id"]
    other = OKRApplication(settings)
    try:
        app.share_good_news(meeting_id=meeting, text="first", by=world.member)
        # The other process caches the meeting, then this one adds to it: the other's
        # copy is behind when it writes, and its item is added on the meeting as it is now.
        other.raise_blocker(meeting_id=meeting, text="second", by=world.member)
        app.share_good_news(meeting_id=meeting, text="third", by=world.member)
        other.agree_priority(meeting_id=meeting, text="fourth", owner_id=world.member,
                             due="2099-01-01", by=world.member)
    finally:
        other.close()

    assert event_names(app, meeting) == [
        "MeetingOpened", "GoodNewsShared", "BlockerRaised", "GoodNewsShared", "PriorityAgreed",
    ]


def test_a_decision_citing_another_units_key_result_is_refused(app: OKRApplication) -> None:
    world = build_world(app)
    set_objective(app, world)
    theirs = set_objective(app, world, unit=world.sibling_team, title="Theirs").ids
    meeting = app.open_meeting(organization_id=world.org, unit_id=world.team,
                               cycle_id=world.cycle, facilitator_id=world.member,
                               by=world.admin).ids["meeting_id"]

    error = refused_by(app, lambda: app.record_decision(
        meeting_id=meeting, text="x", key_result_ids=[theirs["key_result_id_0"]],
        by=world.member))

    assert signature(error) == ("NotFound", "not-found", "key_result_ids[0]")


def test_opening_needs_a_known_unit_cycle_and_facilitator(app: OKRApplication) -> None:
    world = build_world(app)
    cases = [
        ({"unit_id": world.cycle}, ("NotFound", "not-found", "unit_id")),
        ({"cycle_id": world.team}, ("NotFound", "not-found", "cycle_id")),
        ({"facilitator_id": world.team}, ("NotFound", "not-found", "facilitator_id")),
        ({"held_at": "2999-01-01T00:00:00Z"}, ("InvalidInput", "in-the-future", "held_at")),
    ]
    for change, expected in cases:
        args = {"organization_id": world.org, "unit_id": world.team, "cycle_id": world.cycle,
                "facilitator_id": world.member, "by": world.admin, **change}
        error = refused_by(app, lambda args=args: app.open_meeting(**args))
        assert signature(error) == expected, change
