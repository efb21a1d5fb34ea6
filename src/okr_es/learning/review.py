"""The learning review of one unit's cycle, computed from the events it recorded.

`review()` is a pure function of the unit's events in the cycle (its team cycle and its
objectives, in log order), the cycle's dates and a `ReviewPolicy`. It answers what a
retrospective asks: how did each key result and objective end, how did statuses move,
did the team check in every week, did all progress arrive at the end (hockey stick),
were targets lowered mid-cycle (moved goalposts), were key results reported green while
standing still (zombies), is the unit scoring ≥ 0.9 cycle after cycle (sandbagging),
what was dropped and why, what the team reflected — and it suggests, in the language of
the OKRs, what to do differently next cycle.

No clock is read: "today" is an argument, so the same events give the same review.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import groupby, pairwise
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from okr_es.aggregates.key_result import (
    SPAN_METRICS,
    THRESHOLD_METRICS,
    Measure,
    is_easier,
    progress,
)
from okr_es.learning.byte_order_mark import without_bom
from okr_es.projections.sentences import number, quote
from okr_es.vocabulary.cycle_facts import CycleInfo, Positioned
from okr_es.vocabulary.language import Language, detect_language

__all__ = [
    "FLAG_CODES",
    "CheckIn",
    "DroppedObjective",
    "Flag",
    "HockeyStick",
    "KeyResultReview",
    "MovedGoalpost",
    "ObjectiveReview",
    "Reflection",
    "Review",
    "ReviewPolicy",
    "Rhythm",
    "Sandbagging",
    "Transition",
    "Zombie",
    "load_review_policy",
    "review",
]

Ratio = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Days = Annotated[int, msgspec.Meta(ge=1, le=366)]
Count = Annotated[int, msgspec.Meta(ge=1, le=1000)]
# A part of a cycle: none of it, or all of it, leaves no before and after to compare.
Part = Annotated[float, msgspec.Meta(gt=0.0, lt=1.0)]

FLAG_CODES: tuple[str, ...] = (
    "irregular-check-ins",
    "long-silence",
    "hockey-stick",
    "moved-goalposts",
    "zombie-key-result",
    "sandbagging",
)


class ReviewPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Every threshold the review applies; docs/learning.md explains how to tune each."""

    # The expected check-in rhythm: one check-in per this many days ("a week").
    check_in_interval_days: Days = 7
    # Flag "irregular-check-ins" when fewer than this share of rhythm periods had one.
    min_coverage: Ratio = 0.6
    # Flag "long-silence" when the longest stretch without a check-in exceeds this.
    max_gap_days: Days = 21
    # The end part of the cycle the hockey stick looks at (0.2 = the last fifth).
    last_part: Part = 0.2
    # Flag "hockey-stick" when more than this share of the progress came in that part.
    hockey_stick_share: Ratio = 0.5
    # Below this average progress per key result there is too little progress to judge.
    hockey_stick_min_progress: Ratio = 0.1
    # Flag "zombie-key-result" after this many green check-ins in a row with one value.
    zombie_check_ins: Count = 3
    # Flag "sandbagging" when the unit scored at least this ...
    sandbagging_score: Ratio = 0.9
    # ... in this many consecutive cycles, this one included (one high cycle can be luck;
    # three in a row is a habit).
    sandbagging_cycles: Count = 3
    # Flag every target made easier mid-cycle.
    flag_moved_goalposts: bool = True
    language: Literal["auto", "nb", "en"] = "auto"
    disabled: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.disabled) - set(FLAG_CODES)
        if unknown:
            raise ValueError(f"unknown review flags: {', '.join(sorted(unknown))}")


def load_review_policy(data: bytes | str) -> ReviewPolicy:
    """Decode a JSON review policy; fields left out keep their defaults (a byte order
    mark before the JSON is ignored, as editors on some systems write one)."""
    try:
        return msgspec.json.decode(without_bom(data), type=ReviewPolicy)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise ValueError(f"invalid review policy: {error}") from None


# gc=False: these hold only values (never other objects), so they cannot form reference
# cycles, and a cycle's review builds tens of thousands of them.
class CheckIn(msgspec.Struct, frozen=True, gc=False):
    """One check-in as the review sees it: business time, value, status, progress."""

    at: datetime
    recorded_at: datetime
    value: float
    status: str
    progress: float
    by: UUID | None


class Transition(msgspec.Struct, frozen=True, gc=False):
    """A change of status (a key result's colour, or an objective's lifecycle state)."""

    at: datetime
    from_status: str | None
    to_status: str


class KeyResultReview(msgspec.Struct, frozen=True):
    id: UUID
    title: str
    metric: str
    start: float | None
    target: float | None
    unit: str
    # The target it was first set with (differs from target when adjusted).
    original_target: float | None
    final_value: float | None
    final_progress: float
    # The score given when the objective was closed; None while it is not closed.
    score: float | None
    removed: bool
    removed_reason: str
    check_ins: list[CheckIn]
    transitions: list[Transition]


class ObjectiveReview(msgspec.Struct, frozen=True):
    id: UUID
    title: str
    status: str
    # Closed: the mean of its scores; active: the mean progress; dropped: None.
    score: float | None
    note: str
    carried_over_from: UUID | None
    key_results: list[KeyResultReview]
    transitions: list[Transition]


class Rhythm(msgspec.Struct, frozen=True):
    """How regularly the unit checked in between the cycle's start and `as_of`."""

    interval_days: int
    # Periods from the cycle's start to as_of that are over (in a running cycle, the one
    # as_of falls in is still under way), in which a check-in was due.
    periods: int
    # Periods with a check-in, the one under way included.
    periods_with_check_ins: int
    # periods_with_check_ins / periods, at most 1 (1 while no period is over yet).
    coverage: float
    longest_gap_days: int
    # Rhythm periods in a row, up to the last one, with a check-in (a period still in
    # progress without one does not break the streak).
    current_streak: int
    check_ins: int
    first_check_in: date | None
    last_check_in: date | None


class HockeyStick(msgspec.Struct, frozen=True):
    """How much of the cycle's progress was recorded in its last part."""

    last_part_starts: date
    evaluated: bool
    # Why it was not evaluated ("cycle-not-there-yet", "too-little-progress", "no-key-results").
    not_evaluated_because: str
    share: float | None
    flagged: bool


class MovedGoalpost(msgspec.Struct, frozen=True):
    """A key result's target made easier mid-cycle."""

    objective_id: UUID
    objective: str
    key_result_id: UUID
    key_result: str
    metric: str
    previous_target: float | None
    target: float | None
    reason: str
    effective_at: datetime
    recorded_at: datetime
    by: UUID | None
    by_name: str


class Zombie(msgspec.Struct, frozen=True):
    """A key result reported green again and again without its value moving."""

    objective_id: UUID
    key_result_id: UUID
    key_result: str
    value: float
    check_ins: int
    since: datetime
    until: datetime


class Sandbagging(msgspec.Struct, frozen=True):
    score: float | None
    # Consecutive cycles, ending with this one, with a score ≥ the policy's threshold.
    streak: int
    flagged: bool


class DroppedObjective(msgspec.Struct, frozen=True):
    objective_id: UUID
    title: str
    reason: str
    effective_at: datetime
    recorded_at: datetime
    by: UUID | None
    by_name: str


class Reflection(msgspec.Struct, frozen=True):
    keep_doing: str
    stop_doing: str
    start_doing: str
    learnings: str
    recorded_at: datetime
    by_name: str


class Flag(msgspec.Struct, frozen=True):
    """Something to talk about in the retrospective: a stable code and a sentence."""

    code: str
    message: str
    objective_id: UUID | None = None
    key_result_id: UUID | None = None


class Review(msgspec.Struct, frozen=True):
    unit_id: UUID | None
    unit: str
    cycle_id: UUID
    cycle: str
    start: date
    end: date
    # The review looks at the cycle up to and including this day.
    as_of: date
    finished: bool
    language: Language
    score: float | None
    objectives: list[ObjectiveReview]
    rhythm: Rhythm
    hockey_stick: HockeyStick
    moved_goalposts: list[MovedGoalpost]
    zombies: list[Zombie]
    sandbagging: Sandbagging
    dropped: list[DroppedObjective]
    reflections: list[Reflection]
    flags: list[Flag]
    suggestions: list[str]


def review(
    events: Sequence[Positioned | Any],
    cycle: CycleInfo,
    policy: ReviewPolicy | None = None,
    *,
    unit: str = "",
    unit_id: UUID | None = None,
    names: Mapping[UUID, str] | None = None,
    today: date | None = None,
    previous: Review | None = None,
) -> Review:
    """Review one unit's cycle from its events (team cycle and objectives, log order):
    domain events, positioned or not, or their :mod:`~okr_es.history.event_records`
    records (which carry ids as text).

    ``today`` bounds a cycle still running (the rhythm and the hockey stick look only at
    what could have happened by then); without it, a finished cycle is read to its end
    and a running one to its last event. ``previous`` is the review of the unit's
    previous cycle, which the sandbagging check continues.
    """
    replay = ReviewReplay()
    for e in events:
        replay.add(e.event if isinstance(e, Positioned) else e)
    return replay.review(
        cycle, policy, unit=unit, unit_id=unit_id, names=names, today=today, previous=previous
    )


def _review(
    state: ReviewReplay,
    cycle: CycleInfo,
    policy: ReviewPolicy,
    *,
    unit: str,
    unit_id: UUID | None,
    names: Mapping[UUID, str],
    today: date | None,
    previous: Review | None,
) -> Review:
    finished = state.closed or (
        bool(state.objectives) and all(o.status != "active" for o in state.objectives.values())
    )
    as_of = _as_of(cycle, today, finished, state)
    language = _language(policy, state)

    objectives = [_objective_review(o) for o in state.objectives.values()]
    # The period as_of falls in is still under way while the cycle runs (today included).
    under_way = not finished and (today is None or today <= cycle.end)
    rhythm = _rhythm(state, cycle, as_of, policy, under_way=under_way)
    hockey = _hockey_stick(state, cycle, as_of, policy)
    moved = _moved_goalposts(state, names)
    zombies = _zombies(state, policy)
    scored = [o.score for o in objectives if o.score is not None]
    score = round(sum(scored) / len(scored), 4) if scored else None
    high = score is not None and score >= policy.sandbagging_score
    streak = (1 + (previous.sandbagging.streak if previous else 0)) if high else 0
    sandbagging = Sandbagging(
        score=score, streak=streak, flagged=streak >= policy.sandbagging_cycles
    )
    dropped = [
        DroppedObjective(
            objective_id=d.objective_id,
            title=d.title,
            reason=d.reason,
            effective_at=d.effective_at,
            recorded_at=d.recorded_at,
            by=d.by,
            by_name=_name(names, d.by),
        )
        for d in state.dropped
    ]
    reflections = [
        Reflection(
            keep_doing=r["keep_doing"],
            stop_doing=r["stop_doing"],
            start_doing=r["start_doing"],
            learnings=r["learnings"],
            recorded_at=r["recorded_at"],
            by_name=_name(names, r["by"]),
        )
        for r in state.reflections
    ]
    words = _Words(language)
    if state.objectives:
        flags = _flags(words, policy, rhythm, hockey, moved, zombies, sandbagging)
        suggestions = _suggestions(words, flags, dropped, reflections, finished)
    else:
        # No OKRs, no rhythm to miss: the finding is the empty set itself.
        flags = []
        suggestions = [
            words.say(
                "Enheten satte ingen OKR-er i denne perioden.",
                "The unit set no OKRs in this cycle.",
            )
        ]
    return Review(
        unit_id=unit_id or state.uuid(state.unit_id),
        unit=unit,
        cycle_id=cycle.id,
        cycle=cycle.label,
        start=cycle.start,
        end=cycle.end,
        as_of=as_of,
        finished=finished,
        language=language,
        score=score,
        objectives=objectives,
        rhythm=rhythm,
        hockey_stick=hockey,
        moved_goalposts=moved,
        zombies=zombies,
        sandbagging=sandbagging,
        dropped=dropped,
        reflections=reflections,
        flags=flags,
        suggestions=suggestions,
    )


# --- replaying the events into plain state --------------------------------------------------


class _KR:
    def __init__(self, e: Any, id: UUID) -> None:
        self.id = id
        self.key = e.key_result_id  # as the events carry it (text in records)
        self.title: str = e.title
        self.metric: str = e.metric
        self.start: float | None = e.start
        self.target: float | None = e.target
        self.unit: str = e.unit
        self.original_target = e.target
        self.measure()
        self.removed = False
        self.removed_reason = ""
        # Tuples where most key results keep none: an object less each to build.
        self.adjustments: tuple[Any, ...] = ()
        self.check_ins: list[CheckIn] = []
        self._ordered: list[CheckIn] | None = None
        self._days: Sequence[date] = ()

    def measure(self) -> None:
        """How a value's progress is worked out, for the start and target in force."""
        self.progress = functools.partial(progress, self.metric, self.start, self.target)
        # (start, target - start) where progress is the share of that span, as
        # ``progress`` works it out: the replay inlines it (a call per check-in costs
        # more than the rest of the check-in's replay).
        self.span: tuple[float, float] | None = None
        start, target = self.start, self.target
        if (
            self.metric in SPAN_METRICS
            and start is not None
            and target is not None
            and target != start
        ):
            self.span = (start, target - start)

    def ordered(self) -> list[CheckIn]:
        """The check-ins by business time (stable: the same time stays in log order)."""
        if self._ordered is None or len(self._ordered) != len(self.check_ins):
            self._ordered = sorted(self.check_ins, key=_at)
            self._days = list(map(datetime.date, map(_at, self._ordered)))
        return self._ordered

    def days(self) -> Sequence[date]:
        """The day of each check-in of :meth:`ordered`."""
        self.ordered()
        return self._days


class _Objective:
    def __init__(self, e: Any, id: UUID, carried_over_from: UUID | None) -> None:
        self.id = id
        self.title: str = e.title
        self.why: str = e.why
        self.carried_over_from = carried_over_from
        self.status = "active"
        self.note = ""
        # Keyed by key result id as the events carry it (text in records).
        self.scores: dict[Any, float] = {}
        self.key_results: dict[Any, _KR] = {}
        self.transitions = [Transition(_business(e, "effective_at"), None, "active")]


class _Dropped:
    def __init__(self, o: _Objective, e: Any, by: UUID | None) -> None:
        self.objective_id = o.id
        self.title = o.title
        self.reason: str = e.reason
        self.effective_at = _business(e, "effective_at")
        self.recorded_at: datetime = e.timestamp
        self.by = by


class ReviewReplay:
    """A unit's cycle replayed for its review: its events are added one at a time, in
    log order, and :meth:`review` reviews what was added so far.

    :func:`review` replays a list of events; a reader going through the log for many
    units at once (:func:`okr_es.history.cycle_events.replay_team_cycles`) feeds one
    replay per unit as the events come, without collecting them first. Events may be
    domain events or their :mod:`~okr_es.history.event_records` records, which carry
    ids as text: ids are turned into UUIDs once each, for the review."""

    def __init__(self) -> None:
        self.unit_id: Any = None
        self.closed = False
        # Keyed by objective / key result id as the events carry them.
        self.objectives: dict[Any, _Objective] = {}
        self._key_results: dict[Any, _KR] = {}
        self.dropped: list[_Dropped] = []
        self.reflections: list[dict[str, Any]] = []
        # The latest business time of the events other than check-ins.
        self._last_other: datetime | None = None
        self._uuids: dict[Any, UUID] = {}

    def uuid(self, value: Any) -> UUID | None:
        """An id as a UUID, whether an event carried it as one or as text (records)."""
        if value is None:
            return None
        found = self._uuids.get(value)
        if found is None:
            found = self._uuids[value] = msgspec.convert(value, UUID)
        return found

    def add(self, e: Any) -> None:
        """Replay one more event of the unit's team cycle or of one of its objectives."""
        kind = type(e).__name__
        if kind == "CheckInMade":
            self.add_check_ins((e,))
            return
        when = _business(e, "effective_at")
        if self._last_other is None or when > self._last_other:
            self._last_other = when
        self._apply(kind, e)

    def add_check_ins(self, check_ins: Iterable[Any]) -> None:
        """Replay check-ins (``CheckInMade`` events or records) that follow each other
        in one objective's history: what :meth:`add` does with each, in one loop, as
        they are most of a cycle's events."""
        key_results = self._key_results
        uuids = self._uuids
        for e in check_ins:
            kr = key_results.get(e.key_result_id)
            if kr is None:
                continue
            # Progress against the target in force when the value was reported, so a
            # later adjustment does not rewrite how far the team seemed to be then.
            value = e.value
            span = kr.span
            if span is None:
                done = round(kr.progress(value), 4)
            else:
                share = (value - span[0]) / span[1]
                done = 0.0 if share <= 0.0 else 1.0 if share > 1.0 else round(share, 4)
            by = e.by
            kr.check_ins.append(
                CheckIn(
                    e.checked_in_at,
                    e.timestamp,
                    value,
                    e.status,
                    done,
                    None if by is None else (uuids.get(by) or self.uuid(by)),
                )
            )

    @property
    def last_business(self) -> datetime | None:
        """The latest business time of anything replayed (a check-in's, an effective
        time, or else a recording time)."""
        times = [kr.ordered()[-1].at for kr in self._key_results.values() if kr.check_ins]
        if self._last_other is not None:
            times.append(self._last_other)
        return max(times, default=None)

    def review(
        self,
        cycle: CycleInfo,
        policy: ReviewPolicy | None = None,
        *,
        unit: str = "",
        unit_id: UUID | None = None,
        names: Mapping[UUID, str] | None = None,
        today: date | None = None,
        previous: Review | None = None,
    ) -> Review:
        """The review of what was replayed; see :func:`review`."""
        return _review(
            self,
            cycle,
            policy or ReviewPolicy(),
            unit=unit,
            unit_id=unit_id,
            names=names or {},
            today=today,
            previous=previous,
        )

    def _apply(self, kind: str, e: Any) -> None:
        if kind == "TeamCycleOpened":
            self.unit_id = e.unit_id
        elif kind == "TeamCycleClosed":
            self.closed = True
        elif kind == "ReflectionRecorded":
            self.reflections.append(
                {
                    "keep_doing": e.keep_doing,
                    "stop_doing": e.stop_doing,
                    "start_doing": e.start_doing,
                    "learnings": e.learnings,
                    "recorded_at": e.timestamp,
                    "by": self.uuid(getattr(e, "by", None)),
                }
            )
        elif kind == "ObjectiveSet":
            objective_id = self.uuid(e.originator_id)
            assert objective_id is not None
            self.objectives[e.originator_id] = _Objective(
                e, objective_id, self.uuid(e.carried_over_from)
            )
            self.unit_id = self.unit_id or e.unit_id
        else:
            o = self.objectives.get(e.originator_id)
            if o is not None:
                self._apply_to_objective(o, kind, e)

    def _apply_to_objective(self, o: _Objective, kind: str, e: Any) -> None:
        if kind == "ObjectiveReworded":
            o.title = e.title
        elif kind == "KeyResultAdded":
            key_result_id = self.uuid(e.key_result_id)
            assert key_result_id is not None
            o.key_results[e.key_result_id] = self._key_results[e.key_result_id] = _KR(
                e, key_result_id
            )
        elif kind == "KeyResultAdjusted":
            kr = o.key_results[e.key_result_id]
            kr.adjustments = (*kr.adjustments, e)
            kr.title, kr.start, kr.target, kr.unit = e.title, e.start, e.target, e.unit
            kr.measure()
        elif kind == "KeyResultRemoved":
            kr = o.key_results[e.key_result_id]
            kr.removed, kr.removed_reason = True, e.reason
        elif kind in ("ObjectiveDropped", "ObjectiveClosed", "ObjectiveReopened"):
            to = {"ObjectiveDropped": "dropped", "ObjectiveClosed": "closed"}.get(kind, "active")
            o.transitions.append(Transition(_business(e, "effective_at"), o.status, to))
            o.status = to
            if kind == "ObjectiveDropped":
                o.note = e.reason
                self.dropped.append(_Dropped(o, e, self.uuid(getattr(e, "by", None))))
            elif kind == "ObjectiveClosed":
                o.scores, o.note = dict(e.scores), e.note
            else:
                o.scores, o.note = {}, e.reason


_at = operator.attrgetter("at")
_status = operator.attrgetter("status")
_value = operator.attrgetter("value")


def _business(e: Any, *fields: str) -> datetime:
    """When it happened in business time; the recorded time when none was given."""
    for name in fields:
        value = getattr(e, name, None)
        if isinstance(value, datetime):
            return value
    stamp: datetime = e.timestamp
    return stamp


def _as_of(cycle: CycleInfo, today: date | None, finished: bool, state: ReviewReplay) -> date:
    if finished:
        # Everything that will happen in it has: ``today`` only bounds a running cycle.
        day = cycle.end
    elif today is not None:
        day = today
    elif (last := state.last_business) is None:
        day = cycle.end
    else:
        day = last.date()
    return min(max(day, cycle.start), cycle.end)


def _language(policy: ReviewPolicy, state: ReviewReplay) -> Language:
    if policy.language != "auto":
        return policy.language
    texts: list[str] = []
    for o in state.objectives.values():
        texts += [o.title, o.why, *(kr.title for kr in o.key_results.values())]
    # Organisations register in Norway first; an inconclusive set reads as Norwegian.
    return detect_language(texts, default="nb")


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
    state: ReviewReplay, cycle: CycleInfo, as_of: date, policy: ReviewPolicy, *, under_way: bool
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
    state: ReviewReplay, cycle: CycleInfo, as_of: date, policy: ReviewPolicy
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


def _moved_goalposts(state: ReviewReplay, names: Mapping[UUID, str]) -> list[MovedGoalpost]:
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


def _zombies(state: ReviewReplay, policy: ReviewPolicy) -> list[Zombie]:
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


# --- findings and suggestions, in the review's language -----------------------------------


class _Words:
    def __init__(self, language: Language) -> None:
        self.language = language

    def say(self, nb: str, en: str) -> str:
        return nb if self.language == "nb" else en

    def num(self, value: float | None) -> str:
        return number(value, self.language)

    def pct(self, share: float) -> str:
        return f"{round(share * 100)} %"

    def q(self, title: str) -> str:
        return quote(title, self.language)


def _flags(
    w: _Words,
    policy: ReviewPolicy,
    rhythm: Rhythm,
    hockey: HockeyStick,
    moved: Sequence[MovedGoalpost],
    zombies: Sequence[Zombie],
    sandbagging: Sandbagging,
) -> list[Flag]:
    flags: list[Flag] = []
    if rhythm.coverage < policy.min_coverage:
        flags.append(
            Flag(
                "irregular-check-ins",
                w.say(
                    f"Det ble sjekket inn i {rhythm.periods_with_check_ins} av {rhythm.periods} "
                    f"perioder på {rhythm.interval_days} dager ({w.pct(rhythm.coverage)}).",
                    f"Check-ins happened in {rhythm.periods_with_check_ins} of {rhythm.periods} "
                    f"{rhythm.interval_days}-day periods ({w.pct(rhythm.coverage)}).",
                ),
            )
        )
    if rhythm.longest_gap_days > policy.max_gap_days:
        flags.append(
            Flag(
                "long-silence",
                w.say(
                    f"Det lengste oppholdet uten innsjekk var {rhythm.longest_gap_days} dager.",
                    f"The longest stretch without a check-in was {rhythm.longest_gap_days} days.",
                ),
            )
        )
    if hockey.flagged and hockey.share is not None:
        flags.append(
            Flag(
                "hockey-stick",
                w.say(
                    f"{w.pct(hockey.share)} av fremdriften ble rapportert i siste del av "
                    f"perioden (fra {hockey.last_part_starts.isoformat()}).",
                    f"{w.pct(hockey.share)} of the progress was reported in the last part of "
                    f"the cycle (from {hockey.last_part_starts.isoformat()}).",
                ),
            )
        )
    if policy.flag_moved_goalposts:
        for m in moved:
            who = m.by_name or w.say("noen", "someone")
            day = m.effective_at.date().isoformat()
            flags.append(
                Flag(
                    "moved-goalposts",
                    w.say(
                        f"Målet for {w.q(m.key_result)} ble senket fra {w.num(m.previous_target)} "
                        f"til {w.num(m.target)} av {who} ({day}): {m.reason}",
                        f"The target of {w.q(m.key_result)} was lowered from "
                        f"{w.num(m.previous_target)} to {w.num(m.target)} by {who} ({day}): "
                        f"{m.reason}",
                    ),
                    m.objective_id,
                    m.key_result_id,
                )
            )
    for z in zombies:
        flags.append(
            Flag(
                "zombie-key-result",
                w.say(
                    f"{w.q(z.key_result)} ble rapportert grønn {z.check_ins} ganger på rad "
                    f"uten at verdien ({w.num(z.value)}) endret seg.",
                    f"{w.q(z.key_result)} was reported green {z.check_ins} times in a row "
                    f"while its value ({w.num(z.value)}) did not move.",
                ),
                z.objective_id,
                z.key_result_id,
            )
        )
    if sandbagging.flagged and sandbagging.score is not None:
        flags.append(
            Flag(
                "sandbagging",
                w.say(
                    f"Scoren var {w.num(round(sandbagging.score, 2))}, og minst "
                    f"{w.num(policy.sandbagging_score)} i {sandbagging.streak} perioder på rad.",
                    f"The score was {w.num(round(sandbagging.score, 2))}, and at least "
                    f"{w.num(policy.sandbagging_score)} for {sandbagging.streak} cycles in a row.",
                ),
            )
        )
    return [f for f in flags if f.code not in policy.disabled]


_SUGGESTIONS: dict[str, tuple[str, str]] = {
    "irregular-check-ins": (
        "Sett av en fast, kort innsjekk hver uke i teamets kalender, også når lite har endret seg.",
        "Put a short, fixed weekly check-in in the team's calendar, also when little changed.",
    ),
    "long-silence": (
        "Avtal hvem som sjekker inn når teamet er travelt eller på ferie, så målene ikke "
        "blir glemt.",
        "Agree who checks in when the team is busy or away, so the goals are not forgotten.",
    ),
    "hockey-stick": (
        "Velg nøkkelresultater som kan måles underveis, og rapporter små bevegelser fra "
        "første uke, så avvik blir synlige mens det ennå er tid.",
        "Choose key results you can measure along the way and report small moves from the "
        "first week, so gaps show while there is still time.",
    ),
    "moved-goalposts": (
        "Avtal på forhånd når et mål kan justeres, og vis opprinnelig og justert mål side om "
        "side i gjennomgangen.",
        "Agree up front when a target may be adjusted, and show the original and adjusted "
        "targets side by side in the review.",
    ),
    "zombie-key-result": (
        "Grønn betyr at tallet beveger seg: oppdater verdien ved hver innsjekk, eller sett "
        "gul status når den står stille.",
        "Green means the number moves: update the value at every check-in, or report yellow "
        "when it stands still.",
    ),
    "sandbagging": (
        "Sett mer ambisiøse mål: en score rundt 0,7 viser at målene strekker teamet.",
        "Set more ambitious targets: a score around 0.7 shows the goals stretch the team.",
    ),
}


def _suggestions(
    w: _Words,
    flags: Sequence[Flag],
    dropped: Sequence[DroppedObjective],
    reflections: Sequence[Reflection],
    finished: bool,
) -> list[str]:
    out: list[str] = []
    for flag in flags:
        nb, en = _SUGGESTIONS[flag.code]
        text = w.say(nb, en)
        if text not in out:
            out.append(text)
    if dropped:
        out.append(
            w.say(
                "Ta med begrunnelsen for de droppede målene inn i planleggingen av neste "
                "periode: hva må være på plass for at et mål skal holde?",
                "Bring the reasons for the dropped objectives into next cycle's planning: "
                "what has to be in place for a goal to hold?",
            )
        )
    if finished and not reflections:
        out.append(
            w.say(
                "Skriv ned refleksjonen: hva fortsetter, slutter og starter teamet med?",
                "Write down the reflection: what will the team keep, stop and start doing?",
            )
        )
    if not flags:
        out.append(
            w.say(
                "Fortsett med samme rytme, og del det som fungerer med andre team.",
                "Keep the same rhythm, and share what works with other teams.",
            )
        )
    return out
