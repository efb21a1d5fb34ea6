"""The parts of a learning review computed from the replayed state: each objective's
outcome, the check-in rhythm, the hockey stick, moved goalposts, zombie key results and
the confidence reported against the progress made."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby, pairwise
from typing import NamedTuple
from uuid import UUID

from okr_es.aggregates.initiative import is_overdue
from okr_es.aggregates.key_result import (
    SPAN_METRICS,
    THRESHOLD_METRICS,
    Measure,
    is_easier,
    progress,
)
from okr_es.learning.initiative_ownership import DueInitiative, Roster
from okr_es.learning.review_policy import ReviewPolicy
from okr_es.learning.review_replay import (
    _KR,
    ReplayState,
    _business,
    _Objective,
    _status,
    _value,
)
from okr_es.learning.review_result import (
    CheckIn,
    ConfidenceSignal,
    ConfidenceTrend,
    HockeyStick,
    KeyResultReview,
    MovedGoalpost,
    ObjectiveReview,
    Rhythm,
    Transition,
    Zombie,
)
from okr_es.vocabulary.cycle_facts import CycleInfo


def _name(names: Mapping[UUID, str], member: UUID | None) -> str:
    if member is None:
        return ""
    return names.get(member, str(member)[:8])


# --- the parts of the review ----------------------------------------------------------------


def _objective_review(o: _Objective) -> ObjectiveReview:
    krs: list[KeyResultReview] = []
    for kr in o.key_results.values():
        ordered = kr.ordered()
        final = ordered[-1].value if ordered else None
        transitions: list[Transition] = []
        previous: str | None = None
        for status, run in groupby(ordered, _status):
            transitions.append(Transition(next(run).at, previous, status))
            previous = status
        krs.append(
            KeyResultReview(
                id=kr.id,
                title=kr.title,
                metric=kr.metric,
                start=kr.start,
                target=kr.target,
                unit=kr.unit,
                original_target=kr.original_target,
                final_value=final,
                final_progress=round(progress(kr.metric, kr.start, kr.target, final), 4),
                score=o.scores.get(kr.key),
                removed=kr.removed,
                removed_reason=kr.removed_reason,
                check_ins=ordered,
                transitions=transitions,
                confidence=_confidence_trend(ordered),
            )
        )
    active = [k for k in krs if not k.removed]
    score: float | None
    if o.status == "dropped":
        score = None
    elif o.status == "closed" and o.scores:
        score = round(sum(o.scores.values()) / len(o.scores), 4)
    else:
        score = round(sum(k.final_progress for k in active) / len(active), 4) if active else 0.0
    return ObjectiveReview(
        id=o.id,
        title=o.title,
        status=o.status,
        score=score,
        note=o.note,
        carried_over_from=o.carried_over_from,
        key_results=krs,
        transitions=o.transitions,
    )


def _rhythm(
    state: ReplayState, cycle: CycleInfo, as_of: date, policy: ReviewPolicy, *, under_way: bool
) -> Rhythm:
    interval = policy.check_in_interval_days
    start = cycle.start
    count = 0
    seen: set[date] = set()
    for o in state.objectives.values():
        for kr in o.key_results.values():
            days = kr.days()  # in order
            if days and (days[0] < start or days[-1] > as_of):
                days = days[bisect.bisect_left(days, start) : bisect.bisect_right(days, as_of)]
            seen.update(days)
            count += len(days)
    days = sorted(seen)
    periods = math.ceil(((as_of - cycle.start).days + 1) / interval)
    covered = {(d - cycle.start).days // interval for d in days}
    # The period still under way is not due yet, but a check-in in it counts: a team
    # that checks in every week is never behind in the week it is in, also when its
    # check-in for a week lands early in the next one.
    due = periods - 1 if under_way else periods
    points = [cycle.start, *days, as_of]
    gap = max((b - a).days for a, b in pairwise(points))
    streak = 0
    index = periods - 1
    if index not in covered:
        index -= 1  # the last period may still be under way
    while index >= 0 and index in covered:
        streak += 1
        index -= 1
    return Rhythm(
        interval_days=interval,
        periods=due,
        periods_with_check_ins=len(covered),
        coverage=round(min(1.0, len(covered) / due), 4) if due else 1.0,
        longest_gap_days=gap,
        current_streak=streak,
        check_ins=count,
        first_check_in=days[0] if days else None,
        last_check_in=days[-1] if days else None,
    )


def _last_part_start(cycle: CycleInfo, policy: ReviewPolicy) -> date:
    length = (cycle.end - cycle.start).days + 1
    return cycle.start + timedelta(days=math.floor(length * (1 - policy.last_part)))


def _hockey_stick(
    state: ReplayState, cycle: CycleInfo, as_of: date, policy: ReviewPolicy
) -> HockeyStick:
    boundary = _last_part_start(cycle, policy)

    def not_evaluated(why: str) -> HockeyStick:
        return HockeyStick(boundary, False, why, None, False)

    if as_of < boundary:
        return not_evaluated("cycle-not-there-yet")
    # A threshold key result is held, not moved: it has no trajectory to spread out.
    moving = [
        kr
        for o in state.objectives.values()
        if o.status != "dropped"
        for kr in o.key_results.values()
        if not kr.removed and kr.metric not in THRESHOLD_METRICS
    ]
    if not moving:
        return not_evaluated("no-key-results")
    late = total = 0.0
    for kr in moving:
        # The progress of the last check-in by as_of, and of the last before the
        # boundary (which as_of is not before): check-ins and days are in order.
        ordered, days = kr.ordered(), kr.days()
        by_end = bisect.bisect_right(days, as_of)
        before = bisect.bisect_left(days, boundary, hi=by_end)
        final = ordered[by_end - 1].progress if by_end else 0.0
        at_boundary = ordered[before - 1].progress if before else 0.0
        late += max(0.0, final - at_boundary)
        total += max(0.0, final)
    if total < policy.hockey_stick_min_progress * len(moving):
        return not_evaluated("too-little-progress")
    share = round(min(1.0, late / total), 4)
    return HockeyStick(boundary, True, "", share, share > policy.hockey_stick_share)


def _moved_goalposts(state: ReplayState, names: Mapping[UUID, str]) -> list[MovedGoalpost]:
    out: list[MovedGoalpost] = []
    for o in state.objectives.values():
        for kr in o.key_results.values():
            for e in kr.adjustments:
                old = Measure(kr.metric, e.previous_start, e.previous_target, e.unit)
                new = Measure(kr.metric, e.start, e.target, e.unit)
                if not is_easier(kr.metric, old, new):
                    continue
                by = state.uuid(getattr(e, "by", None))
                out.append(
                    MovedGoalpost(
                        objective_id=o.id,
                        objective=o.title,
                        key_result_id=kr.id,
                        key_result=e.title,
                        metric=kr.metric,
                        previous_target=e.previous_target,
                        target=e.target,
                        reason=e.reason,
                        effective_at=_business(e, "effective_at"),
                        recorded_at=e.timestamp,
                        by=by,
                        by_name=_name(names, by),
                    )
                )
    return out


def _zombies(state: ReplayState, policy: ReviewPolicy) -> list[Zombie]:
    out: list[Zombie] = []
    for o in state.objectives.values():
        for kr in o.key_results.values():
            # Holding a threshold is its point; a value at target has nowhere to move.
            if kr.removed or kr.metric in THRESHOLD_METRICS:
                continue
            ordered = kr.ordered()
            if len(ordered) < policy.zombie_check_ins or (
                policy.zombie_check_ins > 1 and len(set(map(_value, ordered))) == len(ordered)
            ):
                continue  # too few check-ins, or never the same value twice
            # The longest run of standing check-ins in a row with one value: its start
            # and length (the run in progress likewise).
            first = length = run_first = run_length = 0
            for i, c in enumerate(ordered):
                if c.status == "green" and c.progress < 1.0:
                    if run_length and c.value == ordered[i - 1].value:
                        run_length += 1
                    else:
                        run_first, run_length = i, 1
                    if run_length > length:
                        first, length = run_first, run_length
                else:
                    run_length = 0
            if length >= policy.zombie_check_ins:
                out.append(
                    Zombie(
                        objective_id=o.id,
                        key_result_id=kr.id,
                        key_result=kr.title,
                        value=ordered[first].value,
                        check_ins=length,
                        since=ordered[first].at,
                        until=ordered[first + length - 1].at,
                    )
                )
    return out


def _confidence_trend(ordered: list[CheckIn]) -> ConfidenceTrend:
    given = [c.confidence for c in ordered if c.confidence is not None]
    if not given:
        return ConfidenceTrend()
    return ConfidenceTrend(
        reported=len(given),
        first=given[0],
        last=given[-1],
        average=round(sum(given) / len(given), 2),
        lowest=min(given),
        highest=max(given),
        change=given[-1] - given[0],
    )


HIGH_CONFIDENCE_LOW_PROGRESS = "high-confidence-low-progress"
LOW_CONFIDENCE_ON_PACE = "low-confidence-on-pace"
LOW_CONFIDENCE_TARGET_MET = "low-confidence-target-met"


def _confidence_signals(
    state: ReplayState, cycle: CycleInfo, as_of: date, policy: ReviewPolicy
) -> list[ConfidenceSignal]:
    """Key results whose last ``confidence_check_ins`` confidences (inside the cycle, up
    to as_of) were all very high while progress was well behind pace each time, or all
    low while it was on pace or ahead each time — or low until the target was met."""
    n = policy.confidence_check_ins
    out: list[ConfidenceSignal] = []
    for o in state.objectives.values():
        if o.status == "dropped":
            continue
        for kr in o.key_results.values():
            if kr.removed:
                continue
            days = kr.days()
            given = [
                c
                for c, day in zip(kr.ordered(), days, strict=True)
                if c.confidence is not None and cycle.start <= day <= as_of
            ]
            if len(given) < n:
                continue
            met = _target_met(o, kr, given, n, policy)
            if met is not None:
                out.append(_signal(LOW_CONFIDENCE_TARGET_MET, o, kr, met, cycle))
                continue
            last = given[-n:]
            elapsed = [_elapsed(cycle, c) for c in last]
            sure = [c.confidence for c in last if c.confidence is not None]
            if all(x >= policy.high_confidence for x in sure) and all(
                _behind(kr.metric, c.progress, e, policy.confidence_pace_gap)
                for c, e in zip(last, elapsed, strict=True)
            ):
                out.append(_signal(HIGH_CONFIDENCE_LOW_PROGRESS, o, kr, last, cycle))
            elif all(x <= policy.low_confidence for x in sure) and all(
                _on_pace(kr.metric, c.progress, e) for c, e in zip(last, elapsed, strict=True)
            ):
                out.append(_signal(LOW_CONFIDENCE_ON_PACE, o, kr, last, cycle))
    return out


def _target_met(
    o: _Objective, kr: _KR, given: list[CheckIn], n: int, policy: ReviewPolicy
) -> list[CheckIn] | None:
    """The last ``n`` check-ins before the target was reached, when they all gave a low
    confidence and the key result ended at or beyond its target (its score, once
    closed); a team may well say 10/10 once it is there."""
    ordered = kr.ordered()
    score = o.scores.get(kr.key)
    final = score if score is not None else (ordered[-1].progress if ordered else 0.0)
    if final < 1.0:
        return None
    before = [c for c in given if c.progress < 1.0][-n:]
    if len(before) < n or any(
        c.confidence is None or c.confidence > policy.low_confidence for c in before
    ):
        return None
    return before


def _signal(
    code: str, o: _Objective, kr: _KR, judged: list[CheckIn], cycle: CycleInfo
) -> ConfidenceSignal:
    latest = judged[-1]
    progress_then = latest.progress
    if code == LOW_CONFIDENCE_TARGET_MET:
        score = o.scores.get(kr.key)
        progress_then = score if score is not None else kr.ordered()[-1].progress
    return ConfidenceSignal(
        code=code,
        objective_id=o.id,
        key_result_id=kr.id,
        key_result=kr.title,
        confidences=[c.confidence for c in judged if c.confidence is not None],
        progress=round(progress_then, 4),
        elapsed=round(_elapsed(cycle, latest), 4),
        since=judged[0].at,
        until=latest.at,
    )


def _elapsed(cycle: CycleInfo, c: CheckIn) -> float:
    """The share of the cycle passed on the check-in's day, 0 to 1 (as the read API's pace)."""
    total = (cycle.end - cycle.start).days
    passed = (c.at.date() - cycle.start).days
    if total <= 0:
        return 1.0 if passed >= total else 0.0
    return min(1.0, max(0.0, passed / total))


def _behind(metric: str, progress: float, elapsed: float, gap: float) -> bool:
    """Well behind pace: a moving key result trailing the time passed by more than
    ``gap``; a milestone not done, or a threshold not held, in the cycle's last ``gap``."""
    if progress >= 1.0:
        return False
    if metric in SPAN_METRICS:
        return elapsed - progress > gap
    return elapsed >= 1.0 - gap


def _on_pace(metric: str, progress: float, elapsed: float) -> bool:
    """At or ahead of pace: the target met (a milestone done, a threshold held), or a
    moving key result as far along as the time passed, with some progress to show."""
    if progress >= 1.0:
        return True
    return metric in SPAN_METRICS and progress > 0.0 and progress >= elapsed


class OverdueInitiative(NamedTuple):
    """An initiative past its due date, and a key result it should move that is behind."""

    initiative: DueInitiative
    objective_id: UUID
    key_result_id: UUID
    key_result: str
    progress: float
    elapsed: float


def _overdue_initiatives(
    roster: Roster | None,
    objectives: Sequence[ObjectiveReview],
    cycle: CycleInfo,
    as_of: date,
    policy: ReviewPolicy,
) -> list[OverdueInitiative]:
    """Initiatives still running past their due date (as of ``as_of``) while a key result
    they should move is well behind pace (the gap the confidence flags use); each once,
    with the first such key result in the set's order. Initiatives are judged as they
    stand now: whether one ran late is known only from its current state."""
    if roster is None or not roster.due:
        return []
    total = (cycle.end - cycle.start).days
    passed = (as_of - cycle.start).days
    elapsed = 1.0 if total <= 0 else min(1.0, max(0.0, passed / total))
    key_results = {
        kr.id: (o.id, kr)
        for o in objectives
        if o.status == "active"
        for kr in o.key_results
        if not kr.removed
    }
    found: list[OverdueInitiative] = []
    for initiative in roster.due:
        if not is_overdue(initiative.status, initiative.due_on, as_of):
            continue
        for kr_id in initiative.key_result_ids:
            if kr_id not in key_results:
                continue
            objective_id, kr = key_results[kr_id]
            if _behind(kr.metric, kr.final_progress, elapsed, policy.confidence_pace_gap):
                found.append(
                    OverdueInitiative(
                        initiative, objective_id, kr.id, kr.title, kr.final_progress, elapsed
                    )
                )
                break
    return found
