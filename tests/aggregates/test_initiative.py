"""Initiative: the work that should move key results — start, link, progress, finish."""

from __future__ import annotations

from datetime import date

import pytest

from okr_es.aggregates.initiative import Initiative, KeyResultRef
from support.given import (
    ADMIN,
    INITIATIVE,
    KR_MILESTONE,
    LINK,
    MEMBER,
    OBJECTIVE,
    ORG,
    TEAM,
    given_initiative,
    refused,
    signature,
    then,
)


def _finished(how: str) -> Initiative:
    initiative = given_initiative()
    if how == "completed":
        initiative.complete(note="", by=ADMIN)
    else:
        initiative.stop(reason="no budget", by=ADMIN)
    initiative.collect_events()
    return initiative


def test_an_initiative_is_started_by_an_owner_in_a_unit() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title=" New survey tool ", owner_id=MEMBER, by=ADMIN)
    assert then(initiative) == [("InitiativeStarted", {
        "by": ADMIN, "organization_id": ORG, "unit_id": TEAM, "title": "New survey tool",
        "owner_id": MEMBER, "due_on": None,
    })]
    assert (initiative.status, initiative.percent_complete) == ("running", 0.0)


def test_an_initiative_without_a_title_is_rejected() -> None:
    error = refused(None, lambda: Initiative.start(
        initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM, title="", owner_id=MEMBER,
        by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "title")


def test_an_initiative_is_linked_to_a_key_result() -> None:
    initiative = given_initiative()
    initiative.link(ref=LINK, by=ADMIN)
    assert then(initiative) == [("InitiativeLinked", {
        "by": ADMIN, "objective_id": LINK.objective_id, "key_result_id": LINK.key_result_id,
    })]
    assert initiative.links == [LINK]


def test_an_initiative_links_to_several_key_results() -> None:
    initiative = given_initiative()
    initiative.link(ref=LINK, by=ADMIN)
    initiative.collect_events()
    initiative.link(ref=KeyResultRef(OBJECTIVE, KR_MILESTONE), by=ADMIN)
    assert len(then(initiative)) == 1
    assert len(initiative.links) == 2


def test_linking_the_same_key_result_twice_is_rejected() -> None:
    initiative = given_initiative()
    initiative.link(ref=LINK, by=ADMIN)
    initiative.collect_events()
    error = refused(initiative, lambda: initiative.link(ref=LINK, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "key_result_id")


def test_progress_on_an_initiative_is_reported() -> None:
    initiative = given_initiative()
    initiative.progress(percent_complete=40, note="pilot done", by=MEMBER)
    assert then(initiative) == [("InitiativeProgressed", {"by": MEMBER, "percent_complete": 40.0,
                                                          "note": "pilot done"})]


@pytest.mark.parametrize("percent", [-0.1, 100.1])
def test_progress_outside_0_to_100_percent_is_rejected(percent: float) -> None:
    initiative = given_initiative()
    error = refused(initiative, lambda: initiative.progress(percent_complete=percent, note="",
                                                            by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", "percent_complete")


def test_progress_that_is_not_a_number_is_rejected() -> None:
    initiative = given_initiative()
    error = refused(initiative, lambda: initiative.progress(percent_complete="half", note="",
                                                            by=ADMIN))
    assert signature(error) == ("InvalidInput", "wrong-type", "percent_complete")


def test_a_completed_initiative_is_at_100_percent() -> None:
    initiative = given_initiative()
    initiative.complete(note="shipped", by=MEMBER)
    assert then(initiative) == [("InitiativeCompleted", {"by": MEMBER, "note": "shipped"})]
    assert (initiative.status, initiative.percent_complete) == ("completed", 100.0)


def test_an_initiative_is_stopped_with_a_reason() -> None:
    initiative = given_initiative()
    initiative.stop(reason="no budget", by=ADMIN)
    assert then(initiative) == [("InitiativeStopped", {"by": ADMIN, "reason": "no budget"})]
    assert initiative.status == "stopped"


def test_stopping_without_a_reason_is_rejected() -> None:
    initiative = given_initiative()
    error = refused(initiative, lambda: initiative.stop(reason=" ", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "reason")


@pytest.mark.parametrize("how", ["completed", "stopped"])
def test_a_finished_initiative_takes_no_more_progress(how: str) -> None:
    initiative = _finished(how)
    error = refused(initiative, lambda: initiative.progress(percent_complete=50, note="",
                                                            by=ADMIN))
    assert signature(error) == ("RuleViolation", f"initiative-{how}", None)


@pytest.mark.parametrize("how", ["completed", "stopped"])
def test_a_finished_initiative_takes_no_new_links(how: str) -> None:
    initiative = _finished(how)
    error = refused(initiative, lambda: initiative.link(ref=LINK, by=ADMIN))
    assert error.code == f"initiative-{how}"


def test_a_completed_initiative_cannot_be_stopped() -> None:
    initiative = _finished("completed")
    error = refused(initiative, lambda: initiative.stop(reason="x", by=ADMIN))
    assert error.code == "initiative-completed"


def test_a_stopped_initiative_cannot_be_completed() -> None:
    initiative = _finished("stopped")
    error = refused(initiative, lambda: initiative.complete(note="", by=ADMIN))
    assert error.code == "initiative-stopped"


def test_an_initiative_may_be_started_with_a_due_date() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title="Survey", owner_id=MEMBER, due_on="2026-03-31", by=ADMIN)
    assert then(initiative)[0][1]["due_on"] == date(2026, 3, 31)
    assert initiative.due_on == date(2026, 3, 31)


def test_a_due_date_that_is_no_date_is_rejected() -> None:
    error = refused(None, lambda: Initiative.start(
        initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM, title="Survey",
        owner_id=MEMBER, due_on="soon", by=ADMIN))
    assert signature(error)[2] == "due_on"


def test_the_due_date_is_moved_and_taken_away() -> None:
    initiative = given_initiative()
    initiative.change_due_date(due_on="2026-04-30", by=ADMIN)
    initiative.change_due_date(due_on=None, by=ADMIN)
    assert then(initiative) == [
        ("InitiativeDueDateChanged", {"by": ADMIN, "due_on": date(2026, 4, 30)}),
        ("InitiativeDueDateChanged", {"by": ADMIN, "due_on": None}),
    ]
    assert initiative.due_on is None


def test_setting_the_same_due_date_again_is_rejected() -> None:
    initiative = given_initiative()
    error = refused(initiative, lambda: initiative.change_due_date(due_on=None, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "due_on")


@pytest.mark.parametrize("how", ["completed", "stopped"])
def test_a_finished_initiative_keeps_its_due_date(how: str) -> None:
    initiative = _finished(how)
    error = refused(initiative, lambda: initiative.change_due_date(due_on="2026-05-01",
                                                                   by=ADMIN))
    assert signature(error)[1] == f"initiative-{how}"


def test_running_work_past_its_due_date_is_overdue_and_finished_work_is_not() -> None:
    initiative = given_initiative()
    assert not initiative.overdue(date(2030, 1, 1))  # no due date
    initiative.change_due_date(due_on="2026-04-30", by=ADMIN)
    assert not initiative.overdue(date(2026, 4, 30))
    assert initiative.overdue(date(2026, 5, 1))
    initiative.complete(note="", by=ADMIN)
    assert not initiative.overdue(date(2026, 5, 1))
