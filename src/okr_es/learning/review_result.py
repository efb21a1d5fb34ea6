"""What a learning review answers: the review of one unit's cycle and its parts."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from okr_es.learning.review_meetings import MeetingsReview
from okr_es.learning.review_reminders import ReminderReview
from okr_es.vocabulary.language import Language


class CheckIn(msgspec.Struct, frozen=True, gc=False):
    """One check-in as the review sees it: business time, value, status, progress."""

    at: datetime
    recorded_at: datetime
    value: float
    status: str
    progress: float
    by: UUID | None
    # How sure the team was of meeting the key result, 0 to 10; None when not given.
    confidence: int | None = None


class ConfidenceTrend(msgspec.Struct, frozen=True):
    """The confidence a key result's check-ins gave (those that gave one), by business
    time: the series itself is the check-ins' ``confidence``."""

    reported: int = 0
    first: int | None = None
    last: int | None = None
    average: float | None = None
    lowest: int | None = None
    highest: int | None = None
    # last - first: above 0 rising, below 0 falling.
    change: int | None = None


class ConfidenceSignal(msgspec.Struct, frozen=True):
    """A key result whose reported confidence and progress tell different stories."""

    # high-confidence-low-progress, low-confidence-on-pace or low-confidence-target-met
    code: str
    objective_id: UUID
    key_result_id: UUID
    key_result: str
    # The confidences judged (the last check-ins that gave one), oldest first.
    confidences: list[int]
    # Progress at the latest of those check-ins; for a target met, the final progress.
    progress: float
    # The share of the cycle passed at the latest of those check-ins.
    elapsed: float
    since: datetime
    until: datetime


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
    confidence: ConfidenceTrend = msgspec.field(default_factory=ConfidenceTrend)


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
    # When the unit reflected (business time); the recorded time when none was given.
    effective_at: datetime


class Flag(msgspec.Struct, frozen=True):
    """Something to talk about in the retrospective: a stable code and a sentence."""

    code: str
    message: str
    objective_id: UUID | None = None
    key_result_id: UUID | None = None
    # The member the flag is about (member-without-initiative).
    member_id: UUID | None = None


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
    confidence_signals: list[ConfidenceSignal] = msgspec.field(default_factory=list)
    # The unit's weekly meetings in the cycle: decisions, priorities, follow-through.
    meetings: MeetingsReview = msgspec.field(default_factory=MeetingsReview)
    reminders: list[ReminderReview] = msgspec.field(default_factory=list)
