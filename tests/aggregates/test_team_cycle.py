"""TeamCycle: one unit's OKR set for one cycle — commitments, withdrawals, reflection, close."""

from __future__ import annotations

from okr_es.aggregates.organization import Policy
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.errors import LimitExceeded
from support.given import (
    ADMIN,
    CYCLE,
    ENFORCE,
    ORG,
    TEAM,
    WARN,
    given_team_cycle,
    ident,
    refused,
    signature,
    then,
)

FIRST, SECOND, THIRD, FOURTH = (ident(f"objective-{i}") for i in range(1, 5))


def _closed() -> TeamCycle:
    team_cycle = given_team_cycle()
    team_cycle.close(open_objective_titles=[], note="", by=ADMIN)
    team_cycle.collect_events()
    return team_cycle


def test_a_team_cycle_is_opened_under_the_id_derived_from_unit_and_cycle() -> None:
    team_cycle = TeamCycle.open(organization_id=ORG, unit_id=TEAM, cycle_id=CYCLE, by=ADMIN)
    assert then(team_cycle) == [("TeamCycleOpened", {"by": ADMIN, "organization_id": ORG,
                                                     "unit_id": TEAM, "cycle_id": CYCLE})]
    assert team_cycle.id == team_cycle_id(TEAM, CYCLE)
    assert team_cycle.id != team_cycle_id(CYCLE, TEAM)


def test_an_objective_is_committed_to_the_set() -> None:
    team_cycle = given_team_cycle(FIRST)
    warnings = team_cycle.commit(objective_id=SECOND, policy=ENFORCE, by=ADMIN)
    assert then(team_cycle) == [("ObjectiveCommitted", {"by": ADMIN, "objective_id": SECOND})]
    assert warnings == []
    assert team_cycle.objective_ids == [FIRST, SECOND]


def test_a_fourth_objective_is_refused_when_the_limit_is_enforced() -> None:
    team_cycle = given_team_cycle(FIRST, SECOND, THIRD)
    error = refused(team_cycle, lambda: team_cycle.commit(objective_id=FOURTH, policy=ENFORCE,
                                                          by=ADMIN))
    assert isinstance(error, LimitExceeded)
    assert (error.code, error.details["limit"]) == ("too-many-objectives", 3)


def test_a_fourth_objective_is_accepted_with_a_warning_in_warn_mode() -> None:
    team_cycle = given_team_cycle(FIRST, SECOND, THIRD)
    warnings = team_cycle.commit(objective_id=FOURTH, policy=WARN, by=ADMIN)
    assert then(team_cycle) == [("ObjectiveCommitted", {"by": ADMIN, "objective_id": FOURTH})]
    assert warnings == ["too-many-objectives"]


def test_a_policy_of_one_objective_refuses_the_second() -> None:
    team_cycle = given_team_cycle(FIRST)
    error = refused(team_cycle, lambda: team_cycle.commit(
        objective_id=SECOND, policy=Policy(max_objectives=1), by=ADMIN))
    assert error.code == "too-many-objectives"


def test_a_withdrawn_objective_leaves_the_set_and_frees_its_slot() -> None:
    team_cycle = given_team_cycle(FIRST, SECOND, THIRD)
    team_cycle.withdraw(objective_id=SECOND, reason="priorities changed", by=ADMIN)
    assert then(team_cycle) == [("ObjectiveWithdrawn", {"by": ADMIN, "objective_id": SECOND,
                                                        "reason": "priorities changed"})]
    assert team_cycle.objective_ids == [FIRST, THIRD]
    assert team_cycle.withdrawn_ids == [SECOND]
    assert team_cycle.commit(objective_id=FOURTH, policy=ENFORCE, by=ADMIN) == []


def test_withdrawing_an_objective_not_in_the_set_is_rejected() -> None:
    team_cycle = given_team_cycle(FIRST)
    error = refused(team_cycle, lambda: team_cycle.withdraw(objective_id=SECOND, reason="x",
                                                            by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "objective_id")


def test_a_reflection_is_recorded() -> None:
    team_cycle = given_team_cycle(FIRST)
    team_cycle.record_reflection(keep_doing="weekly check-ins", stop_doing=None,
                                 start_doing="", learnings=" pairing works ", by=ADMIN)
    assert then(team_cycle) == [("ReflectionRecorded", {
        "by": ADMIN, "keep_doing": "weekly check-ins", "stop_doing": "", "start_doing": "",
        "learnings": "pairing works", "effective_at": None,
    })]


def test_an_empty_reflection_is_rejected() -> None:
    team_cycle = given_team_cycle(FIRST)
    error = refused(team_cycle, lambda: team_cycle.record_reflection(
        keep_doing=" ", stop_doing="", start_doing=None, learnings="", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "learnings")


def test_a_team_cycle_without_open_objectives_is_closed() -> None:
    team_cycle = given_team_cycle(FIRST)
    team_cycle.close(open_objective_titles=[], note="good quarter", by=ADMIN)
    assert then(team_cycle) == [
        ("TeamCycleClosed", {"by": ADMIN, "note": "good quarter", "effective_at": None})
    ]
    assert team_cycle.closed


def test_a_team_cycle_with_open_objectives_cannot_close() -> None:
    team_cycle = given_team_cycle(FIRST)
    error = refused(team_cycle, lambda: team_cycle.close(
        open_objective_titles=["Happier users"], note="", by=ADMIN))
    assert signature(error) == ("RuleViolation", "objectives-still-open", None)
    assert error.details["objectives"] == ["Happier users"]


def test_a_closed_team_cycle_takes_no_more_objectives() -> None:
    team_cycle = _closed()
    error = refused(team_cycle, lambda: team_cycle.commit(objective_id=FIRST, policy=ENFORCE,
                                                          by=ADMIN))
    assert signature(error) == ("RuleViolation", "team-cycle-closed", None)


def test_a_closed_team_cycle_still_takes_reflections() -> None:
    # The retrospective usually comes after the set is closed.
    team_cycle = _closed()
    team_cycle.record_reflection(keep_doing="x", stop_doing="", start_doing="", learnings="",
                                 by=ADMIN)
    assert then(team_cycle) == [("ReflectionRecorded", {
        "by": ADMIN, "keep_doing": "x", "stop_doing": "", "start_doing": "", "learnings": "",
        "effective_at": None,
    })]


def test_a_closed_team_cycle_cannot_close_again() -> None:
    team_cycle = _closed()
    error = refused(team_cycle, lambda: team_cycle.close(open_objective_titles=[], note="",
                                                         by=ADMIN))
    assert error.code == "team-cycle-closed"


def test_a_closed_team_cycle_cannot_withdraw_an_objective() -> None:
    team_cycle = given_team_cycle(FIRST)
    team_cycle.close(open_objective_titles=[], note="", by=ADMIN)
    team_cycle.collect_events()
    error = refused(team_cycle, lambda: team_cycle.withdraw(objective_id=FIRST, reason="x",
                                                            by=ADMIN))
    assert error.code == "team-cycle-closed"
