# mypy: disable-error-code="untyped-decorator"
"""GraphQL types of the learning analyses: lint, copy-paste check, review, cycle events.

Each type mirrors one struct of ``okr_es.learning`` field by field and is built from it by
the ``*_of`` functions below; nothing is computed here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from okr_es.api.graphql.learning import CopyPaste, EventPage, record_data
from okr_es.api.graphql.meeting_review_types import ReviewMeetings, review_meetings_of
from okr_es.api.graphql.reminder_query import ReviewReminder, review_reminder
from okr_es.api.graphql.types import Cycle, Info, Member, cycle, member
from okr_es.event_log import EventRecord
from okr_es.learning import copy_paste as cp
from okr_es.learning import review as rv
from okr_es.learning.lint import LintReport as LintResult

# --- lint -----------------------------------------------------------------------------------


@strawberry.type(description="The kind the classifier gave one key result.")
class LintKeyResult:
    objective: int = strawberry.field(description="0-based position of the objective.")
    index: int = strawberry.field(description="0-based position under the objective.")
    title: str
    kind: str = strawberry.field(description="outcome or output.")


@strawberry.type(description="One problem the lint found.")
class LintFinding:
    code: str = strawberry.field(description="e.g. kr-is-output, too-many-objectives.")
    severity: str = strawberry.field(description="info, warning or error.")
    objective: int | None = strawberry.field(description="null: about the whole set.")
    key_result: int | None = strawberry.field(description="null: about the whole objective.")
    message: str


@strawberry.type(description="The quality lint of a unit's OKR set in one cycle.")
class LintReport:
    language: str = strawberry.field(description="The language of the messages: nb or en.")
    key_results: list[LintKeyResult]
    findings: list[LintFinding]


def lint_report_of(report: LintResult) -> LintReport:
    return LintReport(
        language=report.language,
        key_results=[
            LintKeyResult(objective=k.objective, index=k.index, title=k.title, kind=k.kind)
            for k in report.key_results
        ],
        findings=[
            LintFinding(
                code=f.code,
                severity=f.severity,
                objective=f.objective,
                key_result=f.key_result,
                message=f.message,
            )
            for f in report.findings
        ],
    )


# --- copy-paste -------------------------------------------------------------------------------


@strawberry.enum(description="Is this cycle's set a copy of the previous one?")
class CopyVerdict(enum.Enum):
    COPY = "copy"
    EVOLVED = "evolved"
    NEW = "new"


@strawberry.type(description="One pairing of the previous and the next set, or an unpaired item.")
class CopyEvidence:
    level: str = strawberry.field(description="objective or key_result.")
    previous_objective: int | None
    previous_key_result: int | None
    next_objective: int | None
    next_key_result: int | None
    similarity: float
    changes: list[str] = strawberry.field(
        description="identical, dates-only, reworded, target-changed, moved, carried-over, "
        "missed-target-repeated, copied, dropped, added …"
    )
    previous_title: str | None
    next_title: str | None
    notes: list[str] = strawberry.field(
        description="What the changes mean in words, e.g. target repeated after a miss: "
        "start moved 48 → 49, target 60 unchanged.",
        default_factory=list,
    )


@strawberry.type(description="An objective kept on purpose for another cycle, with why.")
class CarryOver:
    previous_objective: int
    next_objective: int
    previous_title: str | None
    next_title: str | None
    reason: str


@strawberry.type(description="A unit's OKR set compared with the one of its previous cycle.")
class CopyPasteCheck:
    verdict: CopyVerdict
    score: float = strawberry.field(description="Wording, with changed numbers counting half.")
    topic_similarity: float
    copied_share: float = strawberry.field(description="Share of key results silently copied.")
    evidence: list[CopyEvidence]
    carried_over: list[CarryOver] = strawberry.field(
        description="Declared carry-overs (never counted as silent copies)."
    )
    previous_cycle_id: strawberry.Private[UUID]
    cycle_id: strawberry.Private[UUID]

    @strawberry.field(description="The cycle compared with.")
    async def previous_cycle(self, info: Info) -> Cycle | None:
        return await cycle(info, str(self.previous_cycle_id))

    @strawberry.field
    async def cycle(self, info: Info) -> Cycle | None:
        return await cycle(info, str(self.cycle_id))


def copy_paste_of(found: CopyPaste) -> CopyPasteCheck:
    c: cp.Comparison = found.check.comparison
    return CopyPasteCheck(
        verdict=CopyVerdict(c.verdict),
        score=c.score,
        topic_similarity=c.topic_similarity,
        copied_share=c.copied_share,
        evidence=[
            CopyEvidence(
                level=e.level,
                previous_objective=e.previous_objective,
                previous_key_result=e.previous_key_result,
                next_objective=e.next_objective,
                next_key_result=e.next_key_result,
                similarity=e.similarity,
                changes=list(e.changes),
                previous_title=e.previous_title,
                next_title=e.next_title,
                notes=list(e.notes),
            )
            for e in c.evidence
        ],
        carried_over=[
            CarryOver(
                previous_objective=k.previous_objective,
                next_objective=k.next_objective,
                previous_title=k.previous_title,
                next_title=k.next_title,
                reason=k.reason,
            )
            for k in found.carried_over
        ],
        previous_cycle_id=found.check.previous_cycle.id,
        cycle_id=found.check.cycle.id,
    )


# --- review -----------------------------------------------------------------------------------


async def _by(info: Info, member_id: UUID | None) -> Member | None:
    return await member(info, None if member_id is None else str(member_id))


@strawberry.type(description="One check-in as the review sees it.")
class ReviewCheckIn:
    at: datetime = strawberry.field(description="Business time (checked_in_at).")
    recorded_at: datetime
    value: float
    status: str
    progress: float = strawberry.field(description="Against the target in force at the time.")
    by_member_id: UUID | None
    confidence: int | None = strawberry.field(
        default=None, description="How sure the team was, 0 to 10; null when not given."
    )

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await _by(info, self.by_member_id)


@strawberry.type(
    description="The confidence (0 to 10) a key result's check-ins gave, by business time; "
    "the series is its check-ins' confidence."
)
class ConfidenceTrend:
    reported: int = strawberry.field(description="Check-ins that gave a confidence.")
    first: int | None
    last: int | None
    average: float | None
    lowest: int | None
    highest: int | None
    change: int | None = strawberry.field(description="last - first: above 0 rising.")


@strawberry.type(description="A key result whose reported confidence and progress disagree.")
class ConfidenceSignal:
    code: str = strawberry.field(
        description="high-confidence-low-progress, low-confidence-on-pace or "
        "low-confidence-target-met (also its flag's code)."
    )
    objective_id: UUID
    key_result_id: UUID
    key_result: str
    confidences: list[int] = strawberry.field(description="The confidences judged, oldest first.")
    progress: float = strawberry.field(
        description="At the latest check-in judged; for a target met, the final progress."
    )
    elapsed: float = strawberry.field(description="Share of the cycle passed at that check-in.")
    since: datetime
    until: datetime


@strawberry.type(description="A change of status (a key result's colour, an objective's state).")
class StatusTransition:
    at: datetime
    from_status: str | None
    to_status: str


@strawberry.type(description="How one key result ended.")
class KeyResultReview:
    id: UUID
    title: str
    metric: str
    start: float | None
    target: float | None
    unit: str
    original_target: float | None = strawberry.field(description="The target first set.")
    final_value: float | None
    final_progress: float
    score: float | None = strawberry.field(description="Given at closing; null until closed.")
    removed: bool
    removed_reason: str
    check_ins: list[ReviewCheckIn]
    transitions: list[StatusTransition]
    confidence: ConfidenceTrend


@strawberry.type(description="How one objective ended.")
class ObjectiveReview:
    id: UUID
    title: str
    status: str = strawberry.field(description="active, closed or dropped.")
    score: float | None = strawberry.field(
        description="Closed: mean of the scores; active: mean progress; dropped: null."
    )
    note: str = strawberry.field(description="The closing note or the drop reason.")
    carried_over_from: UUID | None
    key_results: list[KeyResultReview]
    transitions: list[StatusTransition]


@strawberry.type(description="How regularly the unit checked in up to asOf.")
class Rhythm:
    interval_days: int
    periods: int = strawberry.field(
        description="Rhythm periods (interval_days long) that are over by asOf: in a running "
        "cycle the period asOf falls in is still under way and not counted."
    )
    periods_with_check_ins: int = strawberry.field(
        description="Periods with a check-in, the one still under way included."
    )
    weekly_coverage: float = strawberry.field(
        description="periodsWithCheckIns / periods, at most 1 (1 while no period is over)."
    )
    longest_gap_days: int
    current_streak: int
    check_ins: int
    first_check_in: date | None
    last_check_in: date | None


@strawberry.type(description="How much of the cycle's progress came in its last part.")
class HockeyStick:
    last_part_starts: date
    evaluated: bool
    not_evaluated_because: str = strawberry.field(
        description="cycle-not-there-yet, too-little-progress, no-key-results, or empty."
    )
    share: float | None
    flagged: bool


@strawberry.type(description="A key result's target made easier mid-cycle.")
class MovedGoalpost:
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
    by_member_id: UUID | None
    by_name: str

    @strawberry.field(name="from", description="The target before (same as previousTarget).")
    def from_(self) -> float | None:
        return self.previous_target

    @strawberry.field(description="The target after (same as target).")
    def to(self) -> float | None:
        return self.target

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await _by(info, self.by_member_id)


@strawberry.type(description="A key result reported green again and again without moving.")
class ZombieKeyResult:
    objective_id: UUID
    key_result_id: UUID
    key_result: str
    value: float
    check_ins: int
    since: datetime
    until: datetime


@strawberry.type(description="The unit's score and its run of high-scoring cycles.")
class Sandbagging:
    score: float | None
    streak: int
    flagged: bool


@strawberry.type(description="An objective dropped during the cycle, and why.")
class DroppedObjective:
    objective_id: UUID
    title: str
    reason: str
    effective_at: datetime
    recorded_at: datetime
    by_member_id: UUID | None
    by_name: str

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await _by(info, self.by_member_id)


@strawberry.type(description="What the unit recorded to keep, stop and start doing.")
class Reflection:
    keep_doing: str
    stop_doing: str
    start_doing: str
    learnings: str
    recorded_at: datetime
    by_name: str
    effective_at: datetime = strawberry.field(
        description="When the unit reflected (business time); recordedAt when none was given."
    )


@strawberry.type(description="Something to talk about in the retrospective.")
class ReviewFlag:
    code: str = strawberry.field(
        description="irregular-check-ins, long-silence, hockey-stick, moved-goalposts, "
        "zombie-key-result, sandbagging, member-without-initiative, overdue-initiative, "
        "high-confidence-low-progress, low-confidence-on-pace or low-confidence-target-met."
    )
    message: str
    objective_id: UUID | None
    key_result_id: UUID | None
    member_id: UUID | None = strawberry.field(
        default=None, description="The member a member-without-initiative flag names."
    )

    @strawberry.field(description="The member a member-without-initiative flag names.")
    async def member(self, info: Info) -> Member | None:
        return await _by(info, self.member_id)


@strawberry.type(description="The learning review of one unit's cycle.")
class Review:
    unit_id: UUID | None
    unit: str
    cycle_id: UUID
    cycle: str
    start: date
    end: date
    as_of: date = strawberry.field(description="The review looks at the cycle up to this day.")
    finished: bool
    language: str
    score: float | None
    objectives: list[ObjectiveReview]
    rhythm: Rhythm
    hockey_stick: HockeyStick
    moved_goalposts: list[MovedGoalpost]
    zombies: list[ZombieKeyResult]
    sandbagging: Sandbagging
    dropped: list[DroppedObjective]
    reflections: list[Reflection]
    flags: list[ReviewFlag]
    suggestions: list[str]
    confidence_signals: list[ConfidenceSignal] = strawberry.field(
        default_factory=list,
        description="Key results whose reported confidence and progress disagree.",
    )
    meetings: ReviewMeetings | None = strawberry.field(
        default=None, description="The unit's weekly meetings: decisions and priorities."
    )
    reminders: list[ReviewReminder] = strawberry.field(
        default_factory=list, description="Check-in reminders sent in the cycle."
    )

    @strawberry.field(description="The flags' codes, in order.")
    def flag_codes(self) -> list[str]:
        return [f.code for f in self.flags]


def _transitions(items: list[rv.Transition]) -> list[StatusTransition]:
    return [
        StatusTransition(at=t.at, from_status=t.from_status, to_status=t.to_status) for t in items
    ]


def _key_result(k: rv.KeyResultReview) -> KeyResultReview:
    return KeyResultReview(
        id=k.id,
        title=k.title,
        metric=k.metric,
        start=k.start,
        target=k.target,
        unit=k.unit,
        original_target=k.original_target,
        final_value=k.final_value,
        final_progress=k.final_progress,
        score=k.score,
        removed=k.removed,
        removed_reason=k.removed_reason,
        check_ins=[
            ReviewCheckIn(
                at=c.at,
                recorded_at=c.recorded_at,
                value=c.value,
                status=c.status,
                progress=c.progress,
                by_member_id=c.by,
                confidence=c.confidence,
            )
            for c in k.check_ins
        ],
        transitions=_transitions(k.transitions),
        confidence=ConfidenceTrend(
            reported=k.confidence.reported,
            first=k.confidence.first,
            last=k.confidence.last,
            average=k.confidence.average,
            lowest=k.confidence.lowest,
            highest=k.confidence.highest,
            change=k.confidence.change,
        ),
    )


def review_of(r: rv.Review) -> Review:
    rhythm, hockey, sandbagging = r.rhythm, r.hockey_stick, r.sandbagging
    return Review(
        unit_id=r.unit_id,
        unit=r.unit,
        cycle_id=r.cycle_id,
        cycle=r.cycle,
        start=r.start,
        end=r.end,
        as_of=r.as_of,
        finished=r.finished,
        language=r.language,
        score=r.score,
        objectives=[
            ObjectiveReview(
                id=o.id,
                title=o.title,
                status=o.status,
                score=o.score,
                note=o.note,
                carried_over_from=o.carried_over_from,
                key_results=[_key_result(k) for k in o.key_results],
                transitions=_transitions(o.transitions),
            )
            for o in r.objectives
        ],
        rhythm=Rhythm(
            interval_days=rhythm.interval_days,
            periods=rhythm.periods,
            periods_with_check_ins=rhythm.periods_with_check_ins,
            weekly_coverage=rhythm.coverage,
            longest_gap_days=rhythm.longest_gap_days,
            current_streak=rhythm.current_streak,
            check_ins=rhythm.check_ins,
            first_check_in=rhythm.first_check_in,
            last_check_in=rhythm.last_check_in,
        ),
        hockey_stick=HockeyStick(
            last_part_starts=hockey.last_part_starts,
            evaluated=hockey.evaluated,
            not_evaluated_because=hockey.not_evaluated_because,
            share=hockey.share,
            flagged=hockey.flagged,
        ),
        moved_goalposts=[
            MovedGoalpost(
                objective_id=m.objective_id,
                objective=m.objective,
                key_result_id=m.key_result_id,
                key_result=m.key_result,
                metric=m.metric,
                previous_target=m.previous_target,
                target=m.target,
                reason=m.reason,
                effective_at=m.effective_at,
                recorded_at=m.recorded_at,
                by_member_id=m.by,
                by_name=m.by_name,
            )
            for m in r.moved_goalposts
        ],
        zombies=[
            ZombieKeyResult(
                objective_id=z.objective_id,
                key_result_id=z.key_result_id,
                key_result=z.key_result,
                value=z.value,
                check_ins=z.check_ins,
                since=z.since,
                until=z.until,
            )
            for z in r.zombies
        ],
        sandbagging=Sandbagging(
            score=sandbagging.score, streak=sandbagging.streak, flagged=sandbagging.flagged
        ),
        dropped=[
            DroppedObjective(
                objective_id=d.objective_id,
                title=d.title,
                reason=d.reason,
                effective_at=d.effective_at,
                recorded_at=d.recorded_at,
                by_member_id=d.by,
                by_name=d.by_name,
            )
            for d in r.dropped
        ],
        reflections=[
            Reflection(
                keep_doing=x.keep_doing,
                stop_doing=x.stop_doing,
                start_doing=x.start_doing,
                learnings=x.learnings,
                recorded_at=x.recorded_at,
                by_name=x.by_name,
                effective_at=x.effective_at,
            )
            for x in r.reflections
        ],
        flags=[
            ReviewFlag(
                code=f.code,
                message=f.message,
                objective_id=f.objective_id,
                key_result_id=f.key_result_id,
                member_id=f.member_id,
            )
            for f in r.flags
        ],
        suggestions=list(r.suggestions),
        confidence_signals=[
            ConfidenceSignal(
                code=c.code,
                objective_id=c.objective_id,
                key_result_id=c.key_result_id,
                key_result=c.key_result,
                confidences=list(c.confidences),
                progress=c.progress,
                elapsed=c.elapsed,
                since=c.since,
                until=c.until,
            )
            for c in r.confidence_signals
        ],
        meetings=review_meetings_of(r.meetings),
        reminders=[review_reminder(x) for x in r.reminders],
    )


# --- cycle events -----------------------------------------------------------------------------


@strawberry.type(description="One stored event of an aggregate a cycle touches (auditors).")
class CycleEvent:
    position: int = strawberry.field(description="The event's position in the log.")
    recorded_at: datetime
    aggregate_id: UUID
    aggregate_type: str = strawberry.field(description="Cycle, TeamCycle, Objective, Initiative.")
    aggregate_version: int
    type: str = strawberry.field(description="The event, e.g. CheckInMade.")
    by_member_id: UUID | None
    data: JSON = strawberry.field(description="The event's own fields as stored.")

    @strawberry.field
    async def by(self, info: Info) -> Member | None:
        return await _by(info, self.by_member_id)


@strawberry.type(description="Where a page of events ends; cursors are log positions.")
class EventPageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: int | None
    end_cursor: int | None = strawberry.field(
        description="The last position on the page: pass it as `after` for the next page."
    )


@strawberry.type(description="A page of a cycle's events, by log position.")
class CycleEventConnection:
    nodes: list[CycleEvent]
    page_info: EventPageInfo
    total_count: int = strawberry.field(description="Events of the cycle in all pages.")


def _cycle_event(rec: EventRecord) -> CycleEvent:
    assert rec.position is not None
    return CycleEvent(
        position=rec.position,
        recorded_at=rec.recorded_at,
        aggregate_id=rec.aggregate_id,
        aggregate_type=rec.aggregate,
        aggregate_version=rec.aggregate_version,
        type=rec.event,
        by_member_id=rec.by,
        data=cast("JSON", record_data(rec)),
    )


def event_page_of(page: EventPage, after: int | None) -> CycleEventConnection:
    nodes = [_cycle_event(r) for r in page.records]
    return CycleEventConnection(
        nodes=nodes,
        page_info=EventPageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=nodes[0].position if nodes else None,
            end_cursor=nodes[-1].position if nodes else None,
        ),
        total_count=page.total,
    )
