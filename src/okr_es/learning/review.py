"""The learning review of one unit's cycle, computed from the events it recorded.

`review()` is a pure function of the unit's events in the cycle (its team cycle and its
objectives, in log order), the cycle's dates and a `ReviewPolicy`. It answers what a
retrospective asks: how did each key result and objective end, how did statuses move,
did the team check in every week, did all progress arrive at the end (hockey stick),
were targets lowered mid-cycle (moved goalposts), were key results reported green while
standing still (zombies), is the unit scoring ≥ 0.9 cycle after cycle (sandbagging), did
the confidence the team reported match its progress (steadily very high while well behind,
low while on pace or until the target was met),
what was dropped and why, what the team reflected — and it suggests, in the language of
the OKRs, what to do differently next cycle.

No clock is read: "today" is an argument, so the same events give the same review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from okr_es.learning.initiative_ownership import Roster, members_without_initiative
from okr_es.learning.review_findings import (
    _confidence_signals,
    _hockey_stick,
    _moved_goalposts,
    _name,
    _objective_review,
    _overdue_initiatives,
    _rhythm,
    _zombies,
)
from okr_es.learning.review_flags import (
    _flags,
    _overdue_flags,
    _ownership_flags,
    _suggestions,
    _Words,
)
from okr_es.learning.review_meetings import meetings_review
from okr_es.learning.review_policy import FLAG_CODES, ReviewPolicy, load_review_policy
from okr_es.learning.review_reminders import reminder_reviews
from okr_es.learning.review_replay import ReplayState
from okr_es.learning.review_result import (
    CheckIn,
    ConfidenceSignal,
    ConfidenceTrend,
    DroppedObjective,
    Flag,
    HockeyStick,
    KeyResultReview,
    MovedGoalpost,
    ObjectiveReview,
    Reflection,
    Review,
    Rhythm,
    Sandbagging,
    Transition,
    Zombie,
)
from okr_es.vocabulary.cycle_facts import CycleInfo, Positioned
from okr_es.vocabulary.language import Language, detect_language

__all__ = [
    "FLAG_CODES",
    "CheckIn",
    "ConfidenceSignal",
    "ConfidenceTrend",
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
    roster: Roster | None = None,
) -> Review:
    """Review one unit's cycle from its events (team cycle and objectives, log order):
    domain events, positioned or not, or their :mod:`~okr_es.history.event_records`
    records (which carry ids as text).

    ``today`` bounds a cycle still running (the rhythm and the hockey stick look only at
    what could have happened by then); without it, a finished cycle is read to its end
    and a running one to its last event. ``previous`` is the review of the unit's
    previous cycle, which the sandbagging check continues. ``roster`` is the unit's
    roster and its initiatives in the cycle (see
    :mod:`~okr_es.learning.initiative_ownership`); without it nobody is judged for owning
    no initiative.
    """
    replay = ReviewReplay()
    for e in events:
        replay.add(e.event if isinstance(e, Positioned) else e)
    return replay.review(
        cycle,
        policy,
        unit=unit,
        unit_id=unit_id,
        names=names,
        today=today,
        previous=previous,
        roster=roster,
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
    roster: Roster | None = None,
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
    confidence = _confidence_signals(state, cycle, as_of, policy)
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
            effective_at=r["effective_at"],
        )
        for r in state.reflections
    ]
    words = _Words(language)
    if state.objectives:
        flags = _flags(words, policy, rhythm, hockey, moved, zombies, sandbagging, confidence)
        flags += _ownership_flags(words, policy, members_without_initiative(roster))
        overdue = _overdue_initiatives(roster, objectives, cycle, as_of, policy)
        flags += _overdue_flags(words, policy, overdue)
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
        confidence_signals=confidence,
        meetings=meetings_review(state.meetings, names),
        reminders=reminder_reviews(state, names),
    )


class ReviewReplay(ReplayState):
    """A unit's cycle replayed for its review: its events are added one at a time, in
    log order, and :meth:`review` reviews what was added so far.

    :func:`review` replays a list of events; a reader going through the log for many
    units at once (:func:`okr_es.history.cycle_events.replay_team_cycles`) feeds one
    replay per unit as the events come, without collecting them first. Events may be
    domain events or their :mod:`~okr_es.history.event_records` records, which carry
    ids as text: ids are turned into UUIDs once each, for the review."""

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
        roster: Roster | None = None,
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
            roster=roster,
        )


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
