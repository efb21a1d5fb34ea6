"""Key result progress per metric: increase/decrease are clamped ratios, the rest 0 or 1."""

from __future__ import annotations

import pytest

from okr_es.aggregates.key_result import KeyResult, Measure, measure, progress
from support.given import ident


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [(0, 10, None, 0.0), (0, 10, 0, 0.0), (0, 10, 4, 0.4), (0, 10, 10, 1.0), (0, 10, 15, 1.0),
     (0, 10, -3, 0.0), (40, 80, 50, 0.25)],
)
def test_increase_progress_is_the_clamped_share_from_start_to_target(
    start: float, target: float, current: float | None, expected: float
) -> None:
    assert progress("increase", start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("current", "expected"),
    [(None, 0.0), (350, 0.0), (400, 0.0), (225, 0.5), (100, 1.0), (50, 1.0)],
)
def test_decrease_progress_counts_the_way_down_from_start_to_target(
    current: float | None, expected: float
) -> None:
    assert progress("decrease", 350, 100, current) == pytest.approx(expected)


@pytest.mark.parametrize(("current", "expected"),
                         [(None, 0.0), (94.9, 0.0), (95, 1.0), (99, 1.0)])
def test_stay_above_is_met_at_or_above_the_threshold(
    current: float | None, expected: float
) -> None:
    assert progress("stay_above", None, 95, current) == expected


@pytest.mark.parametrize(("current", "expected"), [(None, 0.0), (3.1, 0.0), (3, 1.0), (0, 1.0)])
def test_stay_below_is_met_at_or_below_the_threshold(
    current: float | None, expected: float
) -> None:
    assert progress("stay_below", None, 3, current) == expected


@pytest.mark.parametrize(("current", "expected"), [(None, 0.0), (0, 0.0), (1, 1.0)])
def test_a_milestone_is_done_or_not(current: float | None, expected: float) -> None:
    assert progress("milestone", None, None, current) == expected


def test_a_key_results_progress_property_uses_its_own_numbers() -> None:
    kr = KeyResult(ident("kr"), "Cases in 10 days", "increase", 40.0, 80.0, "percent",
                   current=60.0)
    assert kr.progress == pytest.approx(0.5)


def test_a_valid_measure_is_normalised_to_floats_and_a_stripped_unit() -> None:
    assert measure("decrease", 350, 100, " days ") == Measure("decrease", 350.0, 100.0, "days")
