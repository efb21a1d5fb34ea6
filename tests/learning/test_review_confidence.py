"""The review's reading of reported confidence against progress, on hand-made histories
(the aggregates' own commands in memory, reviewed as a pure function)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.learning.report import review_html, review_markdown
from okr_es.learning.review import Review, ReviewPolicy, load_review_policy, review
from okr_es.vocabulary.cycle_facts import CycleInfo

_NS = UUID("5d2c8e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f")
# 91 days from start to end: week w of the cycle has 7w/91 of it passed.
CYCLE = CycleInfo(uuid5(_NS, "q"), "2026 Q3", date(2026, 7, 1), date(2026, 9, 30))
KARI = uuid5(_NS, "kari")
KR = uuid5(_NS, "kr")


def objective(metric: str = "increase") -> Any:
    o = Objective.set(
        objective_id=uuid5(_NS, "o"), organization_id=uuid5(_NS, "org"),
        unit_id=uuid5(_NS, "team"), cycle_id=CYCLE.id, title="Raskere svar til innbyggerne",
        why="", owner_id=KARI, by=KARI,
    )
    numbers = {"start": 0, "target": 100} if metric == "increase" else {}
    o.add_key_result(key_result_id=KR, title="Andel saker behandlet innen 10 dager",
                     metric=metric, unit="percent", policy=Policy(), by=KARI, **numbers)
    return o


def checked_in(o: Any, *weeks: tuple[int, float, int | None]) -> list[Any]:
    """The objective's events after check-ins as (week of the cycle, value, confidence)."""
    for week, value, confidence in weeks:
        o.check_in(key_result_id=KR, value=value, status="green", confidence=confidence,
                   checked_in_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(weeks=week),
                   by=KARI)
    return list(o.collect_events())


def reviewed(
    events: list[Any], policy: ReviewPolicy | None = None, today: date = date(2026, 9, 1)
) -> Review:
    return review(events, CYCLE, policy, today=today)


def codes(result: Review) -> list[str]:
    return [f.code for f in result.flags]


def test_the_trend_follows_the_confidence_given_by_business_time() -> None:
    o = checked_in(objective(), (3, 20, 5), (1, 5, None), (2, 10, 7), (4, 30, 8))
    [kr] = reviewed(o).objectives[0].key_results
    assert [c.confidence for c in kr.check_ins] == [None, 7, 5, 8]
    trend = kr.confidence
    assert (trend.reported, trend.first, trend.last, trend.average) == (3, 7, 8, 6.67)
    assert (trend.lowest, trend.highest, trend.change) == (5, 8, 1)


def test_check_ins_without_confidence_give_no_trend_and_no_confidence_flag() -> None:
    o = checked_in(objective(), (4, 1, None), (5, 2, None), (6, 3, None))
    result = reviewed(o)
    assert result.objectives[0].key_results[0].confidence.reported == 0
    assert result.confidence_signals == []


def test_steadily_very_high_confidence_while_well_behind_pace_is_flagged() -> None:
    o = checked_in(objective(), (4, 2, 9), (5, 3, 8), (6, 4, 9))
    result = reviewed(o)
    [signal] = result.confidence_signals
    assert (signal.code, signal.confidences, signal.progress) == (
        "high-confidence-low-progress", [9, 8, 9], 0.04)
    assert signal.elapsed == round(42 / 91, 4)
    [flag] = [f for f in result.flags if f.code == "high-confidence-low-progress"]
    assert (flag.key_result_id, flag.objective_id) == (KR, uuid5(_NS, "o"))
    assert "tiltro 9, 8, 9" in flag.message and "4 %" in flag.message


def test_one_lower_confidence_among_the_last_check_ins_is_not_steadily_high() -> None:
    o = checked_in(objective(), (4, 2, 9), (5, 3, 7), (6, 4, 9))
    assert "high-confidence-low-progress" not in codes(reviewed(o))


def test_high_confidence_early_in_the_cycle_is_not_yet_behind() -> None:
    o = checked_in(objective(), (1, 0, 9), (2, 0, 9), (3, 0, 9))
    assert reviewed(o, today=date(2026, 7, 25)).confidence_signals == []


def test_a_milestone_not_done_late_in_the_cycle_with_high_confidence_is_flagged() -> None:
    late = checked_in(objective("milestone"), (10, 0, 9), (11, 0, 9), (12, 0, 10))
    [signal] = reviewed(late, today=date(2026, 9, 25)).confidence_signals
    assert (signal.code, signal.confidences) == ("high-confidence-low-progress", [9, 9, 10])
    earlier = checked_in(objective("milestone"), (5, 0, 9), (6, 0, 9), (7, 0, 10))
    assert reviewed(earlier).confidence_signals == []


def test_low_confidence_while_on_pace_is_a_sandbagging_signal() -> None:
    o = checked_in(objective(), (2, 20, 3), (3, 30, 4), (4, 40, 3))
    result = reviewed(o)
    [signal] = result.confidence_signals
    assert (signal.code, signal.confidences, signal.progress) == (
        "low-confidence-on-pace", [3, 4, 3], 0.4)
    assert "low-confidence-on-pace" in codes(result)


def test_low_confidence_while_behind_is_honest_not_sandbagging() -> None:
    o = checked_in(objective(), (2, 10, 3), (3, 20, 4), (4, 25, 3))
    assert reviewed(o).confidence_signals == []


def test_low_confidence_until_the_target_was_met_is_a_sandbagging_signal() -> None:
    o = checked_in(objective(), (4, 30, 2), (5, 50, 3), (6, 80, 3), (9, 100, 10))
    result = reviewed(o)
    [signal] = result.confidence_signals
    assert (signal.code, signal.confidences, signal.progress) == (
        "low-confidence-target-met", [2, 3, 3], 1.0)
    assert codes(result).count("low-confidence-target-met") == 1
    assert "low-confidence-on-pace" not in codes(result)


def test_the_flags_speak_english_for_an_english_review() -> None:
    o = checked_in(objective(), (4, 2, 9), (5, 3, 8), (6, 4, 9))
    [flag] = reviewed(o, ReviewPolicy(language="en")).flags[-1:]
    assert flag.message.startswith("«Andel saker behandlet innen 10 dager» was reported with "
                                   "confidence 9, 8, 9 (of 10) at the last 3 check-ins")
    assert "Talk about what the confidence rests on" in " ".join(
        reviewed(o, ReviewPolicy(language="en")).suggestions)


def test_the_confidence_thresholds_are_the_policys() -> None:
    o = checked_in(objective(), (4, 2, 9), (5, 3, 8), (6, 4, 9))
    assert reviewed(o, ReviewPolicy(high_confidence=10)).confidence_signals == []
    looser = ReviewPolicy(confidence_check_ins=2, confidence_pace_gap=0.5)
    assert reviewed(o, looser).confidence_signals == []
    disabled = ReviewPolicy(disabled=frozenset({"high-confidence-low-progress"}))
    result = reviewed(o, disabled)
    assert len(result.confidence_signals) == 1
    assert "high-confidence-low-progress" not in codes(result)


@pytest.mark.parametrize("field", ["high_confidence", "low_confidence"])
def test_a_confidence_threshold_beyond_10_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        load_review_policy(f'{{"{field}": 11}}')


def test_the_written_review_shows_the_confidence_beside_the_status() -> None:
    result = reviewed(checked_in(objective(), (2, 20, 3), (3, 30, 4), (4, 40, 2)))
    assert "| grønn, tiltro 3 → 2/10 |" in review_markdown(result)
    assert "40 %, tiltro 3 → 2/10</p>" in review_html(result)
    english = reviewed(checked_in(objective(), (2, 20, 6)), ReviewPolicy(language="en"))
    assert "| green, confidence 6/10 |" in review_markdown(english)
    silent = reviewed(checked_in(objective(), (2, 20, None)))
    assert "tiltro" not in review_markdown(silent) + review_html(silent)
