"""The pace rules: expected status from progress and elapsed time, and staleness."""

from __future__ import annotations

from datetime import date

import pytest

from okr_es.projections.pace import (
    AT_RISK,
    BEHIND,
    ON_TRACK,
    elapsed_share,
    expected_status,
    is_stale,
)

START, END = date(2026, 10, 1), date(2026, 12, 31)


@pytest.mark.parametrize(
    ("progress", "elapsed", "expected"),
    [
        (0.5, 0.5, ON_TRACK),
        (0.45, 0.5, ON_TRACK),
        (0.3, 0.5, AT_RISK),
        (0.1, 0.5, BEHIND),
        (0.9, 0.2, ON_TRACK),
        (0.0, 0.0, ON_TRACK),
    ],
)
def test_an_increase_is_judged_by_how_far_it_trails_the_elapsed_share(
    progress: float, elapsed: float, expected: str
) -> None:
    assert expected_status("increase", progress, elapsed, stale=False) == expected


def test_a_stale_key_result_is_never_on_track() -> None:
    assert expected_status("increase", 1.0, 0.5, stale=True) == AT_RISK
    assert expected_status("increase", 0.0, 0.9, stale=True) == BEHIND


def test_thresholds_are_met_or_behind_and_milestones_get_late() -> None:
    assert expected_status("stay_above", 1.0, 0.9, stale=False) == ON_TRACK
    assert expected_status("stay_below", 0.0, 0.1, stale=False) == BEHIND
    assert expected_status("milestone", 0.0, 0.3, stale=False) == ON_TRACK
    assert expected_status("milestone", 0.0, 0.6, stale=False) == AT_RISK
    assert expected_status("milestone", 0.0, 0.9, stale=False) == BEHIND
    assert expected_status("milestone", 1.0, 0.99, stale=False) == ON_TRACK


def test_fourteen_days_without_a_check_in_is_stale_while_the_cycle_runs() -> None:
    assert not is_stale(date(2026, 11, 10), START, END, date(2026, 11, 23))
    assert is_stale(date(2026, 11, 9), START, END, date(2026, 11, 23))
    assert is_stale(None, START, END, date(2026, 10, 15))
    assert not is_stale(None, START, END, date(2026, 10, 14))
    assert not is_stale(None, START, END, date(2026, 9, 1))


def test_the_elapsed_share_runs_from_zero_to_one() -> None:
    assert elapsed_share(START, END, date(2026, 9, 1)) == 0.0
    assert elapsed_share(START, END, date(2027, 1, 5)) == 1.0
    assert 0.5 < elapsed_share(START, END, date(2026, 11, 23)) < 0.6
