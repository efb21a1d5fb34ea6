"""Objective: its key results, check-ins and life cycle — given events, when one command."""

from __future__ import annotations

from typing import Any

import pytest

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.errors import LimitExceeded, NotFound, OKRError
from support.given import (
    ADMIN,
    CYCLE,
    ENFORCE,
    KR_INCREASE,
    KR_MILESTONE,
    MEMBER,
    OBJECTIVE,
    ORG,
    TEAM,
    WARN,
    WHEN,
    add_key_results,
    given_objective,
    ident,
    refused,
    signature,
    then,
)

NEW_KR = ident("new-kr")
PARENT = ident("parent-objective")
PARENT_KR = ident("parent-kr")
EARLIER = ident("earlier-objective")


def _set(**changes: Any) -> Objective:
    args: dict[str, Any] = {
        "objective_id": OBJECTIVE, "organization_id": ORG, "unit_id": TEAM, "cycle_id": CYCLE,
        "title": "Happier users", "why": "They deserve it", "owner_id": ADMIN, "by": ADMIN,
    }
    args.update(changes)
    return Objective.set(**args)


def _dropped() -> Objective:
    objective = given_objective()
    objective.drop(reason="no longer relevant", by=ADMIN)
    objective.collect_events()
    return objective


def _closed() -> Objective:
    objective = given_objective()
    objective.close(scores=None, note="", by=ADMIN)
    objective.collect_events()
    return objective


def _parent() -> Objective:
    parent = given_objective(objective_id=PARENT, key_results=False)
    parent.add_key_result(key_result_id=PARENT_KR, title="Parent KR", metric="milestone",
                          policy=ENFORCE, by=ADMIN)
    parent.collect_events()
    return parent


def _add(objective: Objective, **changes: Any) -> list[str]:
    args: dict[str, Any] = {"key_result_id": NEW_KR, "title": "Cases within 10 days",
                            "metric": "increase", "start": 40, "target": 80, "unit": "percent",
                            "policy": ENFORCE, "by": ADMIN}
    args.update(changes)
    return objective.add_key_result(**args)


# --- setting ---------------------------------------------------------------------------------


def test_an_objective_is_set_with_its_why_and_hypothesis() -> None:
    objective = _set(hypothesis="faster answers make happier users", effective_at=WHEN)
    assert then(objective) == [("ObjectiveSet", {
        "by": ADMIN, "organization_id": ORG, "unit_id": TEAM, "cycle_id": CYCLE,
        "title": "Happier users", "why": "They deserve it", "owner_id": ADMIN,
        "aligned_to_objective_id": None, "aligned_to_key_result_id": None,
        "carried_over_from": None, "carry_over_reason": "",
        "hypothesis": "faster answers make happier users", "effective_at": WHEN,
    })]
    assert objective.status == "active"


def test_a_carried_over_objective_records_its_source_and_reason() -> None:
    objective = _set(carried_over_from=EARLIER, carry_over_reason="halfway there")
    [(_, fields)] = then(objective)
    assert (fields["carried_over_from"], fields["carry_over_reason"]) == (EARLIER,
                                                                          "halfway there")


def test_an_objective_aligned_to_a_parent_key_result_records_both_ids() -> None:
    objective = _set(aligned_to_objective_id=PARENT, aligned_to_key_result_id=PARENT_KR)
    [(_, fields)] = then(objective)
    assert (fields["aligned_to_objective_id"], fields["aligned_to_key_result_id"]) == (
        PARENT, PARENT_KR)


def test_an_objective_without_a_title_is_rejected() -> None:
    error = refused(None, lambda: _set(title="  "))
    assert signature(error) == ("InvalidInput", "empty", "title")


def test_a_carry_over_without_a_reason_is_rejected() -> None:
    error = refused(None, lambda: _set(carried_over_from=EARLIER, carry_over_reason=" "))
    assert signature(error) == ("InvalidInput", "carry-over-needs-reason", "carry_over_reason")


def test_a_carry_over_reason_without_a_source_is_rejected() -> None:
    error = refused(None, lambda: _set(carry_over_reason="we learned a lot"))
    assert signature(error) == ("InvalidInput", "carry-over-needs-source", "carried_over_from")


def test_aligning_to_a_key_result_without_its_objective_is_rejected() -> None:
    error = refused(None, lambda: _set(aligned_to_key_result_id=PARENT_KR))
    assert signature(error) == ("InvalidInput", "alignment-needs-objective",
                                "aligned_to_objective_id")


# --- rewording, owner, alignment -------------------------------------------------------------


def test_an_objective_is_reworded() -> None:
    objective = given_objective()
    objective.reword(title="Delighted users", why=None, by=MEMBER)
    assert then(objective) == [("ObjectiveReworded", {"by": MEMBER, "title": "Delighted users",
                                                      "why": "They deserve it"})]


def test_rewording_to_the_same_words_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.reword(title="Happier users",
                                                        why="They deserve it", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "title")


def test_a_dropped_objective_cannot_be_reworded() -> None:
    objective = _dropped()
    error = refused(objective, lambda: objective.reword(title="New", why=None, by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-dropped", None)


def test_the_owner_is_changed() -> None:
    objective = given_objective()
    objective.change_owner(owner_id=MEMBER, by=ADMIN)
    assert then(objective) == [("OwnerChanged", {"by": ADMIN, "owner_id": MEMBER})]


def test_giving_the_objective_to_its_current_owner_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.change_owner(owner_id=ADMIN, by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "owner_id")


def test_an_objective_is_aligned_to_a_parent_key_result() -> None:
    objective, parent = given_objective(), _parent()
    objective.align(parent=parent, key_result_id=PARENT_KR, by=ADMIN)
    assert then(objective) == [("ObjectiveAligned", {"by": ADMIN, "objective_id": PARENT,
                                                     "key_result_id": PARENT_KR})]


def test_an_objective_cannot_align_to_itself() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.align(parent=objective, key_result_id=None,
                                                       by=ADMIN))
    assert signature(error) == ("RuleViolation", "invalid-alignment", "parent_objective_id")


def test_an_objective_cannot_align_to_a_dropped_objective() -> None:
    objective, parent = given_objective(), _parent()
    parent.drop(reason="gone", by=ADMIN)
    error = refused(objective, lambda: objective.align(parent=parent, key_result_id=None,
                                                       by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-dropped", "parent_objective_id")


def test_aligning_to_an_unknown_key_result_of_the_parent_is_rejected() -> None:
    objective, parent = given_objective(), _parent()
    error = refused(objective, lambda: objective.align(parent=parent, key_result_id=NEW_KR,
                                                       by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "parent_key_result_id")


def test_aligning_again_to_the_same_target_is_rejected() -> None:
    objective, parent = given_objective(), _parent()
    objective.align(parent=parent, key_result_id=None, by=ADMIN)
    objective.collect_events()
    error = refused(objective, lambda: objective.align(parent=parent, key_result_id=None,
                                                       by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "parent_objective_id")


# --- key results -----------------------------------------------------------------------------


def test_a_key_result_is_added() -> None:
    objective = given_objective()
    warnings = _add(objective, effective_at=WHEN)
    assert then(objective) == [("KeyResultAdded", {
        "by": ADMIN, "key_result_id": NEW_KR, "title": "Cases within 10 days",
        "metric": "increase", "start": 40.0, "target": 80.0, "unit": "percent",
        "effective_at": WHEN,
    })]
    assert warnings == []


def test_a_fourth_key_result_is_added_with_a_soft_warning() -> None:
    objective = given_objective()
    add_key_results(objective, 1)
    assert _add(objective) == ["many-key-results"]
    assert [name for name, _ in then(objective)] == ["KeyResultAdded"]


def test_a_sixth_key_result_is_refused_when_the_limit_is_enforced() -> None:
    objective = given_objective()
    add_key_results(objective, 3)
    error = refused(objective, lambda: _add(objective))
    assert isinstance(error, LimitExceeded)
    assert (error.code, error.details["limit"]) == ("too-many-key-results", 5)


def test_a_sixth_key_result_is_accepted_with_a_warning_in_warn_mode() -> None:
    objective = given_objective()
    add_key_results(objective, 3)
    assert _add(objective, policy=WARN) == ["too-many-key-results"]
    assert [name for name, _ in then(objective)] == ["KeyResultAdded"]


def test_a_removed_key_result_frees_its_slot() -> None:
    objective = given_objective()
    add_key_results(objective, 3)
    objective.remove_key_result(key_result_id=KR_MILESTONE, reason="task, not outcome",
                                policy=ENFORCE, by=ADMIN)
    objective.collect_events()
    assert _add(objective) == ["many-key-results"]


def test_two_key_results_cannot_share_a_title_in_any_case() -> None:
    objective = given_objective()
    error = refused(objective, lambda: _add(objective, title="SATISFACTION UP"))
    assert signature(error) == ("RuleViolation", "duplicate-key-result", "title")


def test_a_key_result_id_cannot_be_used_twice() -> None:
    objective = given_objective()
    error = refused(objective, lambda: _add(objective, key_result_id=KR_INCREASE))
    assert signature(error) == ("RuleViolation", "duplicate-id", None)


@pytest.mark.parametrize(
    ("metric", "start", "target", "field"),
    [
        ("increase", 80, 40, "target"),
        ("increase", 40, 40, "target"),
        ("increase", None, 40, "start"),
        ("increase", 40, None, "target"),
        ("decrease", 100, 350, "target"),
        ("decrease", 100, 100, "target"),
        ("decrease", None, None, "start"),
        ("stay_above", None, None, "target"),
        ("stay_above", 90, 95, "start"),
        ("stay_below", None, None, "target"),
        ("stay_below", 5, 3, "start"),
        ("milestone", None, 1, "target"),
        ("milestone", 0, None, "target"),
    ],
)
def test_a_key_result_whose_numbers_do_not_fit_its_metric_is_rejected(
    metric: str, start: float | None, target: float | None, field: str
) -> None:
    objective = given_objective()
    error = refused(objective, lambda: _add(objective, metric=metric, start=start,
                                            target=target))
    assert signature(error) == ("InvalidInput", "metric-mismatch", field)


def test_an_unknown_metric_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: _add(objective, metric="double"))
    assert signature(error) == ("InvalidInput", "invalid-choice", "metric")


@pytest.mark.parametrize(
    ("start", "code"),
    [(float("nan"), "not-finite"), (float("inf"), "not-finite"), (float("-inf"), "not-finite"),
     (1e16, "out-of-range"), ("40", "wrong-type"), (True, "wrong-type")],
)
def test_a_key_result_start_that_is_not_a_sane_number_is_rejected(start: Any, code: str) -> None:
    objective = given_objective()
    error = refused(objective, lambda: _add(objective, start=start))
    assert signature(error) == ("InvalidInput", code, "start")


def test_a_key_result_is_adjusted_with_a_reason_and_its_previous_numbers() -> None:
    objective = given_objective()
    objective.adjust_key_result(key_result_id=KR_INCREASE, target=8, reason="budget cut",
                                effective_at=WHEN, by=ADMIN)
    assert then(objective) == [("KeyResultAdjusted", {
        "by": ADMIN, "key_result_id": KR_INCREASE, "title": "Satisfaction up", "start": 0.0,
        "target": 8.0, "unit": "percent", "previous_start": 0.0, "previous_target": 10.0,
        "reason": "budget cut", "effective_at": WHEN,
    })]


def test_an_adjustment_that_changes_nothing_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.adjust_key_result(
        key_result_id=KR_INCREASE, target=10, reason="same", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "target")


@pytest.mark.parametrize("title", ["Survey launched", "SURVEY  LAUNCHED"])
def test_an_adjustment_to_another_key_results_title_is_rejected(title: str) -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.adjust_key_result(
        key_result_id=KR_INCREASE, title=title, reason="merge", by=ADMIN))
    assert signature(error) == ("RuleViolation", "duplicate-key-result", "title")


def test_an_adjustment_may_change_the_case_of_the_key_results_own_title() -> None:
    objective = given_objective()
    objective.adjust_key_result(key_result_id=KR_INCREASE, title="Satisfaction UP",
                                reason="style", by=ADMIN)
    assert [(name, event["title"]) for name, event in then(objective)] == [
        ("KeyResultAdjusted", "Satisfaction UP")]


def test_an_adjustment_may_take_the_title_of_a_removed_key_result() -> None:
    objective = given_objective()
    add_key_results(objective, 1)
    objective.remove_key_result(key_result_id=KR_MILESTONE, reason="x", policy=ENFORCE, by=ADMIN)
    objective.collect_events()
    objective.adjust_key_result(key_result_id=KR_INCREASE, title="Survey launched",
                                reason="reuse", by=ADMIN)
    assert [(name, event["title"]) for name, event in then(objective)] == [
        ("KeyResultAdjusted", "Survey launched")]


def test_an_adjustment_without_a_reason_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.adjust_key_result(
        key_result_id=KR_INCREASE, target=8, reason="", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "reason")


def test_an_adjustment_that_breaks_the_metric_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.adjust_key_result(
        key_result_id=KR_INCREASE, target=-1, reason="oops", by=ADMIN))
    assert signature(error) == ("InvalidInput", "metric-mismatch", "target")


def test_adjusting_a_removed_key_result_is_rejected() -> None:
    objective = given_objective()
    add_key_results(objective, 1)
    objective.remove_key_result(key_result_id=KR_INCREASE, reason="x", policy=ENFORCE, by=ADMIN)
    objective.collect_events()
    error = refused(objective, lambda: objective.adjust_key_result(
        key_result_id=KR_INCREASE, target=8, reason="x", by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "key_result_id")


def test_a_key_result_is_removed_with_a_reason() -> None:
    objective = given_objective()
    add_key_results(objective, 1)
    warnings = objective.remove_key_result(key_result_id=KR_MILESTONE, reason="a task",
                                           policy=ENFORCE, by=ADMIN)
    assert then(objective) == [("KeyResultRemoved", {"by": ADMIN, "key_result_id": KR_MILESTONE,
                                                     "reason": "a task"})]
    assert warnings == []
    assert objective.key_results[KR_MILESTONE].removed


def test_removing_below_the_minimum_is_refused_when_enforced() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.remove_key_result(
        key_result_id=KR_MILESTONE, reason="a task", policy=ENFORCE, by=ADMIN))
    assert isinstance(error, LimitExceeded)
    assert error.code == "too-few-key-results"


def test_removing_below_the_minimum_warns_in_warn_mode() -> None:
    objective = given_objective()
    warnings = objective.remove_key_result(key_result_id=KR_MILESTONE, reason="a task",
                                           policy=WARN, by=ADMIN)
    assert warnings == ["too-few-key-results"]
    assert [name for name, _ in then(objective)] == ["KeyResultRemoved"]


def test_removing_an_unknown_key_result_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.remove_key_result(
        key_result_id=NEW_KR, reason="x", policy=Policy(min_key_results=0), by=ADMIN))
    assert isinstance(error, NotFound)


# --- check-ins -------------------------------------------------------------------------------


def test_a_check_in_reports_value_status_comment_and_blockers() -> None:
    objective = given_objective()
    objective.check_in(key_result_id=KR_INCREASE, value=4, status="yellow", comment="slow",
                       blockers="waiting for legal", checked_in_at=WHEN, by=MEMBER)
    assert then(objective) == [("CheckInMade", {
        "by": MEMBER, "key_result_id": KR_INCREASE, "value": 4.0, "status": "yellow",
        "comment": "slow", "blockers": "waiting for legal", "confidence": None,
        "checked_in_at": WHEN,
    })]
    kr = objective.key_results[KR_INCREASE]
    assert (kr.current, kr.status, kr.last_check_in_at, kr.check_in_count) == (
        4.0, "yellow", WHEN, 1)


def test_a_check_in_reports_the_teams_confidence_apart_from_its_status() -> None:
    objective = given_objective()
    objective.check_in(key_result_id=KR_INCREASE, value=4, status="red", confidence=7,
                       checked_in_at=WHEN, by=MEMBER)
    [(name, fields)] = then(objective)
    assert (name, fields["status"], fields["confidence"]) == ("CheckInMade", "red", 7)


@pytest.mark.parametrize("given", [0, 10, 7.0])
def test_a_confidence_is_a_whole_number_from_0_to_10(given: float) -> None:
    objective = given_objective()
    objective.check_in(key_result_id=KR_INCREASE, value=4, status="green", confidence=given,
                       checked_in_at=WHEN, by=MEMBER)
    [(_, fields)] = then(objective)
    assert fields["confidence"] == int(given)
    assert type(fields["confidence"]) is int


@pytest.mark.parametrize("given", [-1, 11, 7.5, 1e300])
def test_a_confidence_out_of_range_or_not_whole_is_rejected(given: float) -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=4, status="green", confidence=given,
        checked_in_at=WHEN, by=MEMBER))
    assert signature(error) == ("InvalidInput", "out-of-range", "confidence")


@pytest.mark.parametrize("given", ["7", True, [7]])
def test_a_confidence_that_is_no_number_is_rejected(given: Any) -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=4, status="green", confidence=given,
        checked_in_at=WHEN, by=MEMBER))
    assert signature(error) == ("InvalidInput", "wrong-type", "confidence")


def test_a_milestone_is_checked_in_as_done() -> None:
    objective = given_objective()
    objective.check_in(key_result_id=KR_MILESTONE, value=1, status="green", checked_in_at=WHEN,
                       by=ADMIN)
    assert objective.key_results[KR_MILESTONE].progress == 1.0


def test_a_milestone_checked_in_as_anything_but_0_or_1_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_MILESTONE, value=0.5, status="green", checked_in_at=WHEN, by=ADMIN))
    assert signature(error) == ("InvalidInput", "metric-mismatch", "value")


def test_a_check_in_with_an_unknown_status_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=1, status="blue", checked_in_at=WHEN, by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-choice", "status")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), None, "3", [3]])
def test_a_check_in_value_that_is_not_a_finite_number_is_rejected(value: Any) -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=value, status="green", checked_in_at=WHEN, by=ADMIN))
    assert (type(error).__name__, error.field) == ("InvalidInput", "value")


def test_a_check_in_on_an_unknown_key_result_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=NEW_KR, value=1, status="green", checked_in_at=WHEN, by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", "key_result_id")


def test_a_check_in_on_a_dropped_objective_is_rejected() -> None:
    objective = _dropped()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=1, status="green", checked_in_at=WHEN, by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-dropped", None)


def test_a_check_in_on_a_closed_objective_is_rejected() -> None:
    objective = _closed()
    error = refused(objective, lambda: objective.check_in(
        key_result_id=KR_INCREASE, value=1, status="green", checked_in_at=WHEN, by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-closed", None)


@pytest.mark.parametrize("command", ["reword", "change_owner", "add_key_result", "drop",
                                     "close", "adjust_key_result", "remove_key_result"])
def test_a_closed_objective_takes_no_further_changes(command: str) -> None:
    objective = _closed()
    calls: dict[str, Any] = {
        "reword": lambda: objective.reword(title="New", why=None, by=ADMIN),
        "change_owner": lambda: objective.change_owner(owner_id=MEMBER, by=ADMIN),
        "add_key_result": lambda: _add(objective),
        "drop": lambda: objective.drop(reason="x", by=ADMIN),
        "close": lambda: objective.close(scores=None, note="", by=ADMIN),
        "adjust_key_result": lambda: objective.adjust_key_result(
            key_result_id=KR_INCREASE, target=5, reason="x", by=ADMIN),
        "remove_key_result": lambda: objective.remove_key_result(
            key_result_id=KR_INCREASE, reason="x", policy=WARN, by=ADMIN),
    }
    error: OKRError = refused(objective, calls[command])
    assert error.code == "objective-closed"


# --- drop, close, reopen ---------------------------------------------------------------------


def test_an_objective_is_dropped_with_a_reason() -> None:
    objective = given_objective()
    objective.drop(reason="reorganisation", effective_at=WHEN, by=ADMIN)
    assert then(objective) == [("ObjectiveDropped", {"by": ADMIN, "reason": "reorganisation",
                                                     "effective_at": WHEN})]
    assert (objective.status, objective.status_reason) == ("dropped", "reorganisation")


def test_dropping_without_a_reason_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.drop(reason="", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "reason")


def test_a_dropped_objective_cannot_be_dropped_again() -> None:
    objective = _dropped()
    error = refused(objective, lambda: objective.drop(reason="again", by=ADMIN))
    assert error.code == "objective-dropped"


def test_closing_scores_unscored_key_results_by_their_progress() -> None:
    objective = given_objective()
    objective.check_in(key_result_id=KR_INCREASE, value=7, status="green", checked_in_at=WHEN,
                       by=ADMIN)
    objective.collect_events()
    objective.close(scores={KR_MILESTONE: 0.5}, note="decent", by=ADMIN)
    assert then(objective) == [("ObjectiveClosed", {
        "by": ADMIN, "scores": {KR_INCREASE: 0.7, KR_MILESTONE: 0.5}, "note": "decent",
        "effective_at": None,
    })]
    assert objective.score == pytest.approx(0.6)


def test_a_score_above_1_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.close(scores={KR_INCREASE: 1.5}, note="",
                                                       by=ADMIN))
    assert signature(error) == ("InvalidInput", "out-of-range", f"scores.{KR_INCREASE}")


def test_a_score_for_a_key_result_the_objective_does_not_have_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.close(scores={NEW_KR: 0.5}, note="",
                                                       by=ADMIN))
    assert signature(error) == ("NotFound", "not-found", f"scores.{NEW_KR}")
    assert error.details["key_result_ids"] == [str(NEW_KR)]


def test_a_closed_objective_is_reopened() -> None:
    objective = _closed()
    objective.reopen(reason="last check-in was wrong", by=ADMIN)
    assert then(objective) == [("ObjectiveReopened", {"by": ADMIN,
                                                      "reason": "last check-in was wrong"})]
    assert (objective.status, objective.scores) == ("active", {})


def test_only_a_closed_objective_can_be_reopened() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.reopen(reason="x", by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-not-closed", None)


def test_a_dropped_objective_cannot_be_reopened() -> None:
    objective = _dropped()
    error = refused(objective, lambda: objective.reopen(reason="x", by=ADMIN))
    assert error.code == "objective-not-closed"


def test_reopening_needs_a_reason() -> None:
    objective = _closed()
    error = refused(objective, lambda: objective.reopen(reason=" ", by=ADMIN))
    assert signature(error) == ("InvalidInput", "empty", "reason")
