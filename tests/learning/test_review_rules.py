"""The review's rules on hand-made histories: built with the aggregates' own commands in
memory, reviewed as a pure function (no store)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr_es.aggregates.key_result import progress
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.errors import InvalidInput, RuleViolation
from okr_es.learning.review import ReviewPolicy, load_review_policy, review
from okr_es.vocabulary.cycle_facts import CycleInfo

_NS = UUID("3c1b7c0e-2d4f-4c8a-9e1f-6a5b4c3d2e1f")
CYCLE = CycleInfo(uuid5(_NS, "q"), "2026 Q3", date(2026, 7, 1), date(2026, 9, 30))
KARI = uuid5(_NS, "kari")


def objective(metric: str = "increase", start: float | None = 0, target: float = 100) -> Any:
    o = Objective.set(
        objective_id=uuid5(_NS, "o"),
        organization_id=uuid5(_NS, "org"),
        unit_id=uuid5(_NS, "team"),
        cycle_id=CYCLE.id,
        title="Raskere svar til innbyggerne",
        why="",
        owner_id=KARI,
        by=KARI,
    )
    o.add_key_result(
        key_result_id=uuid5(_NS, "kr"),
        title="Andel saker behandlet innen 10 dager",
        metric=metric,
        start=start,
        target=target,
        unit="percent",
        policy=Policy(),
        by=KARI,
    )
    return o


def check_in(o: Any, week: int, value: float, status: str = "green") -> None:
    o.check_in(
        key_result_id=uuid5(_NS, "kr"),
        value=value,
        status=status,
        checked_in_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(weeks=week),
        by=KARI,
    )


def test_three_green_check_ins_with_the_same_value_make_a_zombie() -> None:
    o = objective()
    for week, value in enumerate([10, 20, 20, 20], start=1):
        check_in(o, week, value)
    result = review(o.collect_events(), CYCLE, today=date(2026, 8, 1))
    (zombie,) = result.zombies
    assert (zombie.value, zombie.check_ins) == (20.0, 3)
    assert "zombie-key-result" in {f.code for f in result.flags}


def test_a_yellow_check_in_breaks_the_zombie_run() -> None:
    o = objective()
    for week, (value, status) in enumerate([(20, "green"), (20, "yellow"), (20, "green")], start=1):
        check_in(o, week, value, status)
    assert review(o.collect_events(), CYCLE, today=date(2026, 8, 1)).zombies == []


def test_a_held_threshold_is_never_a_zombie() -> None:
    o = objective("stay_above", None, 7)
    for week in range(1, 6):
        check_in(o, week, 7.5)
    assert review(o.collect_events(), CYCLE, today=date(2026, 8, 15)).zombies == []


def test_progress_spread_over_the_cycle_is_no_hockey_stick() -> None:
    o = objective()
    for week in range(1, 14):
        check_in(o, week, round(week / 13 * 90))
    result = review(o.collect_events(), CYCLE)
    assert result.hockey_stick.evaluated and not result.hockey_stick.flagged
    assert result.rhythm.longest_gap_days == 7


def test_progress_reported_only_at_the_end_is_a_hockey_stick() -> None:
    o = objective()
    check_in(o, 1, 2)
    check_in(o, 12, 60)
    check_in(o, 13, 90)
    result = review(o.collect_events(), CYCLE)
    assert result.hockey_stick.flagged
    assert result.hockey_stick.last_part_starts == date(2026, 9, 12)
    assert {"hockey-stick", "long-silence", "irregular-check-ins"} <= {f.code for f in result.flags}


def weekly_team(today: date, first_day: int) -> Any:
    """A team that checks in once a week, on day ``first_day`` of the cycle and every
    seventh day after it, up to ``today``."""
    o = objective()
    day = CYCLE.start + timedelta(days=first_day - 1)
    while day <= today:
        o.check_in(
            key_result_id=uuid5(_NS, "kr"),
            value=float((day - CYCLE.start).days),
            status="green",
            checked_in_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9),
            by=KARI,
        )
        day += timedelta(days=7)
    return o


@pytest.mark.parametrize("first_day", [1, 5, 7, 8], ids=lambda d: f"first-check-in-on-day-{d}")
def test_a_weekly_team_is_never_irregular_in_the_week_it_is_in(first_day: int) -> None:
    for day in range(1, 29):
        today = CYCLE.start + timedelta(days=day - 1)
        result = review(weekly_team(today, first_day).collect_events(), CYCLE, today=today)
        assert "irregular-check-ins" not in {f.code for f in result.flags}, (day, result.rhythm)
        assert result.rhythm.coverage == 1.0, (day, result.rhythm)
        # The period under way is not due yet: only the ones that are over.
        assert result.rhythm.periods == (day - 1) // 7


def test_a_week_that_is_over_without_a_check_in_still_counts_in_a_running_cycle() -> None:
    o = objective()
    check_in(o, 0, 10)  # day 1 only: week 2 passes without a check-in
    result = review(o.collect_events(), CYCLE, today=date(2026, 7, 15))
    rhythm = result.rhythm
    assert (rhythm.periods, rhythm.periods_with_check_ins, rhythm.coverage) == (2, 1, 0.5)
    assert "irregular-check-ins" in {f.code for f in result.flags}


def test_a_finished_cycle_counts_its_last_period_too() -> None:
    o = objective()
    for week in range(1, 14):  # days 8, 15, …, 92: the first week has none
        check_in(o, week, round(week / 13 * 90))
    result = review(o.collect_events(), CYCLE, today=date(2026, 10, 15))
    assert (result.rhythm.periods, result.rhythm.periods_with_check_ins) == (14, 13)


def test_the_thresholds_can_be_loosened_per_organisation() -> None:
    o = objective()
    check_in(o, 1, 2)
    check_in(o, 12, 60)
    check_in(o, 13, 90)
    policy = load_review_policy(
        b'{"hockey_stick_share": 1.0, "max_gap_days": 90, "min_coverage": 0.1}'
    )
    assert policy == ReviewPolicy(hockey_stick_share=1.0, max_gap_days=90, min_coverage=0.1)
    assert review(o.collect_events(), CYCLE, policy).flags == []


def test_a_policy_saved_with_a_byte_order_mark_loads() -> None:
    assert load_review_policy(b'\xef\xbb\xbf{"max_gap_days": 21}') == ReviewPolicy(max_gap_days=21)
    assert load_review_policy('\ufeff{"max_gap_days": 21}') == ReviewPolicy(max_gap_days=21)


@pytest.mark.parametrize("part", ["0", "1", "0.0", "1.0", "-0.1"])
def test_the_last_part_must_leave_a_before_and_an_after(part: str) -> None:
    with pytest.raises(ValueError, match="last_part"):
        load_review_policy(f'{{"last_part": {part}}}')


def test_a_target_raised_mid_cycle_is_not_a_moved_goalpost() -> None:
    o = objective()
    o.adjust_key_result(
        key_result_id=uuid5(_NS, "kr"), target=120, reason="Vi går raskere enn ventet", by=KARI
    )
    assert review(o.collect_events(), CYCLE).moved_goalposts == []


def test_the_review_speaks_english_for_english_okrs() -> None:
    o = Objective.set(
        objective_id=uuid5(_NS, "en"),
        organization_id=uuid5(_NS, "org"),
        unit_id=uuid5(_NS, "team"),
        cycle_id=CYCLE.id,
        title="Teams ship to citizens without waiting for us",
        why="",
        owner_id=KARI,
        by=KARI,
    )
    result = review(o.collect_events(), CYCLE)
    assert result.language == "en"
    # Nobody followed it up: the silence is flagged, in English.
    silence = next(f for f in result.flags if f.code == "long-silence")
    assert silence.message.startswith("The longest stretch without a check-in was")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)
measures = st.one_of(
    st.tuples(st.sampled_from(["increase", "decrease"]), finite, finite),
    st.tuples(st.sampled_from(["stay_above", "stay_below"]), st.none(), finite),
)


@given(
    measure=measures,
    values=st.lists(finite, min_size=1, max_size=6),
    new_target=finite,
    adjusted_after=st.integers(min_value=0, max_value=6),
)
def test_each_check_in_has_the_progress_of_the_target_in_force_when_reported(
    measure: tuple[str, float | None, float],
    values: list[float],
    new_target: float,
    adjusted_after: int,
) -> None:
    metric, start, target = measure
    try:
        o = objective(metric, start, target)
    except InvalidInput:
        assume(False)
    in_force = [target] * len(values)
    for week, value in enumerate(values, start=1):
        if week - 1 == adjusted_after:
            try:
                o.adjust_key_result(
                    key_result_id=uuid5(_NS, "kr"), target=new_target, reason="Re-planned", by=KARI
                )
                in_force[week - 1 :] = [new_target] * (len(values) - week + 1)
            except (InvalidInput, RuleViolation):
                pass  # a target that does not fit the metric, or no change: the old one holds
        check_in(o, week, value)
    result = review(o.collect_events(), CYCLE, today=date(2026, 9, 30))
    (kr,) = result.objectives[0].key_results
    assert [c.progress for c in kr.check_ins] == [
        round(progress(metric, start, t, v), 4) for v, t in zip(values, in_force, strict=True)
    ]
