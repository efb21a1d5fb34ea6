"""Key results: the measurable part of an objective, and how their progress is computed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.errors import InvalidInput

METRICS: frozenset[str] = frozenset(
    {"increase", "decrease", "stay_above", "stay_below", "milestone"}
)
THRESHOLD_METRICS: frozenset[str] = frozenset({"stay_above", "stay_below"})
# Moved from a start towards a target: progress is the share of that span covered.
SPAN_METRICS: frozenset[str] = frozenset({"increase", "decrease"})
STATUSES: frozenset[str] = frozenset({"green", "yellow", "red"})
# Confidence that the key result will be met, as teams say it at the weekly check-in:
# "confidence 7/10". Whole numbers, so a series of check-ins compares without noise.
CONFIDENCE_MIN, CONFIDENCE_MAX = 0, 10


class KeyResult(msgspec.Struct):
    """A key result as its objective knows it now."""

    id: UUID
    title: str
    metric: str
    start: float | None
    target: float | None
    unit: str
    current: float | None = None
    status: str | None = None
    last_check_in_at: datetime | None = None
    check_in_count: int = 0
    removed: bool = False
    # How much the key result counts in its objective's progress (all 1: equal shares).
    weight: float = 1.0

    @property
    def progress(self) -> float:
        return progress(self.metric, self.start, self.target, self.current)


class Measure(msgspec.Struct, frozen=True):
    """A validated metric definition: what is measured, from where, to where."""

    metric: str
    start: float | None
    target: float | None
    unit: str


def measure(metric: Any, start: Any, target: Any, unit: Any) -> Measure:
    """Check that a metric's numbers fit its kind (the KR metric consistency rule).

    increase needs target > start, decrease target < start, a threshold has exactly one
    number (the target), a milestone has none.
    """
    metric = check.choice(metric, "metric", METRICS)
    unit = check.line(unit, "unit", max_length=check.UNIT_LABEL_MAX, required=False)
    start_value = check.optional_number(start, "start")
    target_value = check.optional_number(target, "target")
    if metric == "milestone":
        if start_value is not None or target_value is not None:
            raise InvalidInput(
                "a milestone key result has no start or target",
                code="metric-mismatch",
                field="target",
            )
    elif metric in THRESHOLD_METRICS:
        if target_value is None:
            raise InvalidInput(
                f"a {metric} key result needs its threshold as target",
                code="metric-mismatch",
                field="target",
            )
        if start_value is not None:
            raise InvalidInput(
                f"a {metric} key result has one number (the target), not a start",
                code="metric-mismatch",
                field="start",
            )
    else:
        if start_value is None or target_value is None:
            raise InvalidInput(
                f"an {metric} key result needs both start and target",
                code="metric-mismatch",
                field="target" if start_value is not None else "start",
            )
        if metric == "increase" and not target_value > start_value:
            raise InvalidInput(
                "an increase key result needs target > start",
                code="metric-mismatch",
                field="target",
            )
        if metric == "decrease" and not target_value < start_value:
            raise InvalidInput(
                "a decrease key result needs target < start",
                code="metric-mismatch",
                field="target",
            )
    return Measure(metric, start_value, target_value, unit)


def check_in_value(metric: str, value: Any) -> float:
    """A reported value; a milestone is reported as 1 (done) or 0 (not done)."""
    number = check.number(value, "value")
    if metric == "milestone" and number not in (0.0, 1.0):
        raise InvalidInput(
            "a milestone is checked in as 1 (done) or 0 (not done)",
            code="metric-mismatch",
            field="value",
        )
    return number


def check_in_confidence(value: Any) -> int | None:
    """A reported confidence: a whole number from 0 to 10, or None when not given
    (``7.0`` counts as 7; ``7.5``, ``11`` and ``-1`` are out of range)."""
    if value is None:
        return None
    number = check.number(value, "confidence")
    if not (number.is_integer() and CONFIDENCE_MIN <= number <= CONFIDENCE_MAX):
        raise InvalidInput(
            f"confidence must be a whole number from {CONFIDENCE_MIN} to {CONFIDENCE_MAX}",
            code="out-of-range",
            field="confidence",
        )
    return int(number)


def progress(
    metric: str, start: float | None, target: float | None, current: float | None
) -> float:
    """Share of the way from start to target, clamped to [0, 1]; thresholds are met or not."""
    # Worked out for every check-in a review replays: plain comparisons, no min()/max().
    if current is None:
        return 0.0
    if metric == "milestone":
        return 1.0 if current >= 1.0 else 0.0
    if target is None:
        return 0.0
    if metric == "stay_above":
        return 1.0 if current >= target else 0.0
    if metric == "stay_below":
        return 1.0 if current <= target else 0.0
    if start is None or target == start:
        return 0.0
    share = (current - start) / (target - start)
    return 0.0 if share <= 0.0 else 1.0 if share > 1.0 else share  # never -0.0


def is_easier(metric: str, old: Measure, new: Measure) -> bool:
    """Whether an adjustment moved the goalposts toward the team (a lower bar)."""
    if old.target is None or new.target is None:
        return False
    if metric in ("increase", "stay_above"):
        return new.target < old.target
    if metric in ("decrease", "stay_below"):
        return new.target > old.target
    return False
