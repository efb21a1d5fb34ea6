"""Meeting: a unit's weekly progress meeting — opened, items of the six points, closed."""

from __future__ import annotations

from datetime import date

from okr_es.aggregates.meeting import Meeting
from support.given import (
    ADMIN,
    CYCLE,
    KR_INCREASE,
    MEMBER,
    OBJECTIVE,
    ORG,
    TEAM,
    WHEN,
    ident,
    refused,
    signature,
    then,
)

MEETING = ident("meeting")
PRIORITY = ident("priority")
BLOCKER = ident("blocker")


def given_meeting(*, closed: bool = False) -> Meeting:
    meeting = Meeting.open(meeting_id=MEETING, organization_id=ORG, unit_id=TEAM,
                           cycle_id=CYCLE, held_at=WHEN, facilitator_id=MEMBER, by=ADMIN)
    meeting.agree_priority(priority_id=PRIORITY, text="Call ten users", owner_id=MEMBER,
                           due=date(2026, 2, 13), by=ADMIN)
    meeting.raise_blocker(blocker_id=BLOCKER, text="No survey tool", by=ADMIN)
    if closed:
        meeting.close(attendee_ids=[MEMBER], note="", by=ADMIN)
    meeting.collect_events()
    return meeting


def test_a_meeting_is_opened_for_a_unit_and_cycle_at_a_business_time() -> None:
    meeting = Meeting.open(meeting_id=MEETING, organization_id=ORG, unit_id=TEAM,
                           cycle_id=CYCLE, held_at=WHEN, facilitator_id=MEMBER, by=ADMIN)
    assert then(meeting) == [("MeetingOpened", {
        "by": ADMIN, "organization_id": ORG, "unit_id": TEAM, "cycle_id": CYCLE,
        "held_at": WHEN, "facilitator_id": MEMBER,
    })]
    assert meeting.status == "open"


def test_good_news_is_shared() -> None:
    meeting = given_meeting()
    meeting.share_good_news(text=" Survey sent ", by=MEMBER)
    assert then(meeting) == [("GoodNewsShared", {"by": MEMBER, "text": "Survey sent"})]


def test_a_decision_cites_key_results_once_each() -> None:
    meeting = given_meeting()
    meeting.record_decision(text="Push satisfaction", key_result_ids=[KR_INCREASE, KR_INCREASE],
                            by=MEMBER)
    assert then(meeting) == [("DecisionRecorded", {
        "by": MEMBER, "text": "Push satisfaction", "key_result_ids": [KR_INCREASE],
    })]


def test_a_priority_is_agreed_with_an_owner_and_a_due_date() -> None:
    meeting = given_meeting()
    other = ident("other-priority")
    meeting.agree_priority(priority_id=other, text="Fix the form", owner_id=ADMIN,
                           due="2026-02-12", by=MEMBER)
    assert then(meeting) == [("PriorityAgreed", {
        "by": MEMBER, "priority_id": other, "text": "Fix the form", "owner_id": ADMIN,
        "due": date(2026, 2, 12),
    })]


def test_a_priority_due_before_the_meeting_is_rejected() -> None:
    meeting = given_meeting()
    error = refused(meeting, lambda: meeting.agree_priority(
        priority_id=ident("p"), text="Late", owner_id=ADMIN, due="2026-02-01", by=MEMBER))
    assert signature(error) == ("InvalidInput", "date-order", "due")


def test_a_priority_is_marked_done_also_after_the_meeting_closed() -> None:
    meeting = given_meeting(closed=True)
    meeting.complete_priority(priority_id=PRIORITY, note="done", by=MEMBER)
    assert then(meeting) == [("PriorityCompleted", {
        "by": MEMBER, "priority_id": PRIORITY, "note": "done",
    })]
    assert meeting.priorities[PRIORITY].done


def test_a_priority_done_twice_is_rejected() -> None:
    meeting = given_meeting()
    meeting.complete_priority(priority_id=PRIORITY, note="", by=MEMBER)
    meeting.collect_events()
    error = refused(meeting, lambda: meeting.complete_priority(
        priority_id=PRIORITY, note="", by=MEMBER))
    assert signature(error) == ("RuleViolation", "no-change", "priority_id")


def test_an_unknown_priority_is_not_found() -> None:
    meeting = given_meeting()
    error = refused(meeting, lambda: meeting.complete_priority(
        priority_id=ident("nope"), note="", by=MEMBER))
    assert signature(error) == ("NotFound", "not-found", "priority_id")


def test_a_blocker_is_raised_and_resolved() -> None:
    meeting = given_meeting(closed=True)
    meeting.resolve_blocker(blocker_id=BLOCKER, resolution="bought one", by=MEMBER)
    assert then(meeting) == [("BlockerResolved", {
        "by": MEMBER, "blocker_id": BLOCKER, "resolution": "bought one",
    })]
    error = refused(meeting, lambda: meeting.resolve_blocker(
        blocker_id=BLOCKER, resolution="", by=MEMBER))
    assert signature(error) == ("RuleViolation", "no-change", "blocker_id")


def test_a_check_in_made_in_the_meeting_is_linked() -> None:
    meeting = given_meeting()
    meeting.link_check_in(objective_id=OBJECTIVE, key_result_id=KR_INCREASE,
                          objective_version=7, value=5.0, status="green", by=MEMBER)
    assert then(meeting) == [("MeetingCheckInLinked", {
        "by": MEMBER, "objective_id": OBJECTIVE, "key_result_id": KR_INCREASE,
        "objective_version": 7, "value": 5.0, "status": "green",
    })]


def test_a_meeting_is_closed_with_its_attendees() -> None:
    meeting = given_meeting()
    meeting.close(attendee_ids=[MEMBER, ADMIN, MEMBER], note="20 min", by=MEMBER)
    assert then(meeting) == [("MeetingClosed", {
        "by": MEMBER, "attendee_ids": [MEMBER, ADMIN], "note": "20 min",
    })]
    assert meeting.status == "closed"


def test_a_meeting_without_attendees_is_not_closed() -> None:
    meeting = given_meeting()
    error = refused(meeting, lambda: meeting.close(attendee_ids=[], note="", by=MEMBER))
    assert signature(error) == ("InvalidInput", "empty", "attendee_ids")


def test_a_closed_meeting_takes_no_more_items() -> None:
    meeting = given_meeting(closed=True)
    for command in (
        lambda: meeting.share_good_news(text="late news", by=MEMBER),
        lambda: meeting.record_decision(text="late", key_result_ids=[], by=MEMBER),
        lambda: meeting.raise_blocker(blocker_id=ident("b2"), text="late", by=MEMBER),
        lambda: meeting.close(attendee_ids=[MEMBER], note="", by=MEMBER),
    ):
        error = refused(meeting, command)
        assert signature(error) == ("RuleViolation", "meeting-closed", None)


def test_empty_good_news_is_rejected() -> None:
    meeting = given_meeting()
    error = refused(meeting, lambda: meeting.share_good_news(text="  ", by=MEMBER))
    assert signature(error) == ("InvalidInput", "empty", "text")
