"""The roll-up rules: weighted progress, worst status, modes and portfolios (pure)."""

from __future__ import annotations

import pytest

from okr_es.projections.pace import AT_RISK, BEHIND, ON_TRACK
from okr_es.projections.roll_up import (
    Counted,
    Part,
    RollUp,
    counted,
    key_result_status,
    portfolio,
    roll_up,
    weighted_progress,
    worst,
)

KRS = [Part(0.8, 3.0, ON_TRACK), Part(0.0, 1.0, AT_RISK)]
CHILDREN = [RollUp(0.5, ON_TRACK), RollUp(1.0, BEHIND)]


def test_progress_is_the_weighted_mean_and_equal_weights_give_the_plain_mean() -> None:
    assert weighted_progress(KRS) == pytest.approx(0.6)
    assert weighted_progress([Part(0.2, 1, None), Part(0.6, 1, None)]) == pytest.approx(0.4)
    assert weighted_progress([]) == 0.0


def test_the_worst_status_wins_and_unknown_statuses_are_left_out() -> None:
    assert worst([ON_TRACK, BEHIND, AT_RISK]) == BEHIND
    assert worst([None, ON_TRACK, AT_RISK]) == AT_RISK
    assert worst([None]) is None
    assert worst([]) is None


@pytest.mark.parametrize(
    ("reported", "expected", "status"),
    [
        ("green", ON_TRACK, ON_TRACK),
        ("green", BEHIND, BEHIND),
        ("red", ON_TRACK, BEHIND),
        ("yellow", ON_TRACK, AT_RISK),
        (None, AT_RISK, AT_RISK),
        ("green", None, ON_TRACK),
        (None, None, None),
    ],
)
def test_a_key_result_counts_with_the_worse_of_reported_and_expected_status(
    reported: str | None, expected: str | None, status: str | None
) -> None:
    assert key_result_status(reported, expected) == status


def test_the_default_mode_counts_only_the_key_results() -> None:
    assert roll_up("key_results", KRS, CHILDREN) == RollUp(pytest.approx(0.6), AT_RISK)


def test_key_results_and_children_counts_each_child_as_one_part_of_weight_one() -> None:
    found = roll_up("key_results_and_children", KRS, CHILDREN)
    assert found.progress == pytest.approx((3 * 0.8 + 0 + 0.5 + 1.0) / 6)
    assert found.status == BEHIND


def test_children_mode_counts_only_the_children() -> None:
    assert roll_up("children", KRS, CHILDREN) == RollUp(pytest.approx(0.75), BEHIND)


def test_an_objective_without_parts_has_no_progress_and_no_status() -> None:
    assert roll_up("children", KRS, []) == RollUp(0.0, None)
    assert roll_up("key_results", [], CHILDREN) == RollUp(0.0, None)


def test_a_portfolio_is_the_mean_and_worst_of_its_objectives_or_nothing() -> None:
    assert portfolio([RollUp(0.2, ON_TRACK), RollUp(0.6, AT_RISK)]) == RollUp(
        pytest.approx(0.4), AT_RISK
    )
    assert portfolio([]) is None


def test_a_portfolio_counts_each_objective_once_and_leaves_out_dropped_ones() -> None:
    objectives = [
        Counted("goal", None, "active", "children"),
        Counted("aligned", "goal", "active", "key_results"),
        Counted("elsewhere", "outside", "active", "key_results"),
        Counted("dropped", None, "dropped", "key_results"),
        Counted("to-plain", "plain", "closed", "key_results"),
        Counted("plain", None, "active", "key_results"),
        Counted("to-dropped", "dropped", "active", "key_results"),
    ]
    assert counted(objectives) == ["goal", "elsewhere", "to-plain", "plain", "to-dropped"]
