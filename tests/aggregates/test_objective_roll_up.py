"""Objective: weighting key results and choosing the roll-up mode — given events, when
one command, then these events or this error."""

from __future__ import annotations

import pytest

from okr_es.aggregates.objective import Objective
from support.given import (
    ADMIN,
    ENFORCE,
    KR_INCREASE,
    KR_MILESTONE,
    WARN,
    given_objective,
    ident,
    refused,
    replayed,
    signature,
    then,
)


def test_a_key_result_is_weighted() -> None:
    objective = given_objective()

    objective.weight_key_result(key_result_id=KR_INCREASE, weight=3, by=ADMIN)

    assert then(objective) == [
        ("KeyResultWeighted", {"key_result_id": KR_INCREASE, "weight": 3.0, "by": ADMIN})
    ]
    assert objective.key_results[KR_INCREASE].weight == 3.0
    assert objective.key_results[KR_MILESTONE].weight == 1.0


@pytest.mark.parametrize("weight", [0, -2, 1000.5])
def test_a_weight_outside_above_zero_to_a_thousand_is_rejected(weight: float) -> None:
    objective = given_objective()
    error = refused(
        objective,
        lambda: objective.weight_key_result(key_result_id=KR_INCREASE, weight=weight, by=ADMIN),
    )
    assert signature(error) == ("InvalidInput", "out-of-range", "weight")


def test_a_weight_that_is_no_number_is_rejected() -> None:
    objective = given_objective()
    error = refused(
        objective,
        lambda: objective.weight_key_result(key_result_id=KR_INCREASE, weight="2", by=ADMIN),
    )
    assert signature(error) == ("InvalidInput", "wrong-type", "weight")


def test_weighting_a_key_result_with_its_current_weight_is_rejected() -> None:
    objective = given_objective()
    error = refused(
        objective,
        lambda: objective.weight_key_result(key_result_id=KR_INCREASE, weight=1, by=ADMIN),
    )
    assert signature(error) == ("RuleViolation", "no-change", "weight")


def test_weighting_a_removed_or_unknown_key_result_is_rejected() -> None:
    objective = given_objective()
    objective.remove_key_result(key_result_id=KR_MILESTONE, reason="a task", policy=WARN,
                                by=ADMIN)
    objective.collect_events()
    for kr in (KR_MILESTONE, ident("nope")):
        error = refused(
            objective, lambda kr=kr: objective.weight_key_result(key_result_id=kr, weight=2,
                                                                 by=ADMIN)
        )
        assert signature(error) == ("NotFound", "not-found", "key_result_id")


def test_a_dropped_objective_cannot_be_weighted_or_change_its_mode() -> None:
    objective = given_objective()
    objective.drop(reason="moved on", by=ADMIN)
    objective.collect_events()
    error = refused(
        objective,
        lambda: objective.weight_key_result(key_result_id=KR_INCREASE, weight=2, by=ADMIN),
    )
    assert signature(error) == ("RuleViolation", "objective-dropped", None)
    error = refused(objective, lambda: objective.change_roll_up_mode(mode="children", by=ADMIN))
    assert signature(error) == ("RuleViolation", "objective-dropped", None)


def test_an_objective_rolls_up_its_key_results_until_told_otherwise() -> None:
    objective = given_objective()
    assert objective.roll_up_mode == "key_results"

    objective.change_roll_up_mode(mode="key_results_and_children", by=ADMIN)

    assert then(objective) == [
        ("RollUpModeChanged", {"mode": "key_results_and_children", "by": ADMIN})
    ]
    assert objective.roll_up_mode == "key_results_and_children"


def test_an_unknown_roll_up_mode_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.change_roll_up_mode(mode="average", by=ADMIN))
    assert signature(error) == ("InvalidInput", "invalid-choice", "mode")


def test_choosing_the_current_roll_up_mode_is_rejected() -> None:
    objective = given_objective()
    error = refused(objective, lambda: objective.change_roll_up_mode(mode="key_results", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", "mode")


def test_weights_and_the_mode_survive_a_replay() -> None:
    objective = Objective.set(
        objective_id=ident("replayed"), organization_id=ident("org"), unit_id=ident("team"),
        cycle_id=ident("cycle"), title="Replayed", why="", owner_id=ADMIN, by=ADMIN,
    )
    objective.add_key_result(key_result_id=KR_INCREASE, title="Up", metric="increase",
                             start=0, target=10, policy=ENFORCE, by=ADMIN)
    objective.weight_key_result(key_result_id=KR_INCREASE, weight=0.5, by=ADMIN)
    objective.change_roll_up_mode(mode="children", by=ADMIN)

    again = replayed(objective.collect_events())

    assert again.key_results[KR_INCREASE].weight == 0.5
    assert again.roll_up_mode == "children"
