"""An objective with its key results and their check-ins: the heart of an OKR set."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.key_result import (
    STATUSES,
    KeyResult,
    Measure,
    check_in_confidence,
    check_in_value,
    measure,
)
from okr_es.aggregates.organization import Policy
from okr_es.aggregates.personal_data import PersonalData
from okr_es.errors import InvalidInput, LimitExceeded, NotFound, RuleViolation

ACTIVE, DROPPED, CLOSED = "active", "dropped", "closed"

# What an objective's progress and derived status are made of (see projections.roll_up):
# its own key results (the default), its key results and each aligned child objective as
# one more part of weight 1, or its aligned child objectives alone.
KEY_RESULTS = "key_results"
KEY_RESULTS_AND_CHILDREN = "key_results_and_children"
CHILDREN = "children"
ROLL_UP_MODES: frozenset[str] = frozenset({KEY_RESULTS, KEY_RESULTS_AND_CHILDREN, CHILDREN})
WEIGHT_MAX = 1000.0


class ObjectiveSnapshotState(msgspec.Struct):
    """The typed shape of an objective snapshot, so it decodes back to real values."""

    created_on: datetime = msgspec.field(name="_created_on")
    modified_on: datetime = msgspec.field(name="_modified_on")
    organization_id: UUID
    unit_id: UUID
    cycle_id: UUID
    title: str
    why: str
    owner_id: UUID
    aligned_to_objective_id: UUID | None
    aligned_to_key_result_id: UUID | None
    carried_over_from: UUID | None
    carry_over_reason: str
    hypothesis: str
    status: str
    status_reason: str
    key_results: dict[UUID, KeyResult]
    scores: dict[UUID, float]
    roll_up_mode: str = KEY_RESULTS


class Objective(OKRAggregate):
    """One accountable owner's qualitative goal for one unit in one cycle."""

    SnapshotState = ObjectiveSnapshotState

    class ObjectiveSet(OKRAggregate.Created):
        """A unit set a new objective for a cycle."""

        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID
        title: str
        why: str
        owner_id: UUID
        aligned_to_objective_id: UUID | None
        aligned_to_key_result_id: UUID | None
        carried_over_from: UUID | None
        carry_over_reason: str
        hypothesis: str
        effective_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.cycle_id = self.cycle_id
            aggregate.title = self.title
            aggregate.why = self.why
            aggregate.owner_id = self.owner_id
            aggregate.aligned_to_objective_id = self.aligned_to_objective_id
            aggregate.aligned_to_key_result_id = self.aligned_to_key_result_id
            aggregate.carried_over_from = self.carried_over_from
            aggregate.carry_over_reason = self.carry_over_reason
            aggregate.hypothesis = self.hypothesis
            aggregate.status = ACTIVE
            aggregate.key_results = {}
            aggregate.status_reason = ""
            aggregate.scores = {}

    class ObjectiveReworded(OKRAggregate.Event):
        """The objective's title or why was rewritten."""

        title: str
        why: str

        def apply(self, aggregate: Any) -> None:
            aggregate.title = self.title
            aggregate.why = self.why

    class OwnerChanged(OKRAggregate.Event):
        """Another member became the objective's one accountable owner."""

        owner_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.owner_id = self.owner_id

    class ObjectiveAligned(OKRAggregate.Event):
        """The objective was linked to an objective or key result of a parent unit."""

        objective_id: UUID
        key_result_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            aggregate.aligned_to_objective_id = self.objective_id
            aggregate.aligned_to_key_result_id = self.key_result_id

    class KeyResultAdded(OKRAggregate.Event):
        """A measurable key result was added to the objective."""

        key_result_id: UUID
        title: str
        metric: str
        start: float | None
        target: float | None
        unit: str
        effective_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.key_results[self.key_result_id] = KeyResult(
                self.key_result_id, self.title, self.metric, self.start, self.target, self.unit
            )

    class KeyResultAdjusted(OKRAggregate.Event):
        """A key result's wording, numbers or unit were changed mid-cycle, with a reason."""

        key_result_id: UUID
        title: str
        start: float | None
        target: float | None
        unit: str
        previous_start: float | None
        previous_target: float | None
        reason: str
        effective_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            kr = aggregate.key_results[self.key_result_id]
            kr.title = self.title
            kr.start = self.start
            kr.target = self.target
            kr.unit = self.unit

    class KeyResultRemoved(OKRAggregate.Event):
        """A key result was taken out of the objective; its history stays."""

        key_result_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.key_results[self.key_result_id].removed = True

    class CheckInMade(OKRAggregate.Event):
        """A key result's current value and status were reported, and optionally the team's
        confidence (0 to 10) of meeting it."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("comment", "blockers"), free_text=True)

        # v2 added blockers: what stands in the team's way, raised at the weekly check-in.
        # v3 added confidence: how sure the team is, 0 to 10, that the key result will be
        # met, apart from the status (None: not given, as in every older check-in).
        class_version = 3

        key_result_id: UUID
        value: float
        status: str
        comment: str
        blockers: str
        confidence: int | None
        checked_in_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["blockers"] = ""

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["confidence"] = None

        def apply(self, aggregate: Any) -> None:
            kr = aggregate.key_results[self.key_result_id]
            kr.check_in_count += 1
            # A check-in back-dated to before the latest one is history, not news: the
            # current value and status are the latest in business time.
            if kr.last_check_in_at is not None and self.checked_in_at < kr.last_check_in_at:
                return
            kr.current = self.value
            kr.status = self.status
            kr.last_check_in_at = self.checked_in_at

    class KeyResultWeighted(OKRAggregate.Event):
        """A key result was given a weight: its share of the objective's progress."""

        key_result_id: UUID
        weight: float

        def apply(self, aggregate: Any) -> None:
            aggregate.key_results[self.key_result_id].weight = self.weight

    class RollUpModeChanged(OKRAggregate.Event):
        """The objective's progress was set to come from its key results, its aligned
        child objectives, or both."""

        mode: str

        def apply(self, aggregate: Any) -> None:
            aggregate.roll_up_mode = self.mode

    class ObjectiveDropped(OKRAggregate.Event):
        """The unit stopped pursuing the objective before the cycle ended."""

        reason: str
        effective_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = DROPPED
            aggregate.status_reason = self.reason

    class ObjectiveClosed(OKRAggregate.Event):
        """The objective was scored at the end of its cycle."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        # v2 added effective_at: when it was closed in business time (None: when it was
        # recorded, as in every older close).
        class_version = 2

        scores: dict[UUID, float]
        note: str
        effective_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["effective_at"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = CLOSED
            aggregate.scores = dict(self.scores)
            aggregate.status_reason = self.note

    class ObjectiveReopened(OKRAggregate.Event):
        """A closed objective was opened again, e.g. to correct a final check-in."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = ACTIVE
            aggregate.scores = {}
            aggregate.status_reason = self.reason

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID
        title: str
        why: str
        owner_id: UUID
        aligned_to_objective_id: UUID | None
        aligned_to_key_result_id: UUID | None
        carried_over_from: UUID | None
        carry_over_reason: str
        hypothesis: str
        status: str
        status_reason: str
        key_results: dict[UUID, KeyResult]
        scores: dict[UUID, float]

    # Objectives set before roll-up modes existed (and their snapshots) roll up key results.
    roll_up_mode: str = KEY_RESULTS

    # --- commands ---------------------------------------------------------------------------

    @classmethod
    def set(
        cls,
        *,
        objective_id: UUID,
        organization_id: UUID,
        unit_id: UUID,
        cycle_id: UUID,
        title: Any,
        why: Any,
        owner_id: UUID,
        aligned_to_objective_id: UUID | None = None,
        aligned_to_key_result_id: UUID | None = None,
        carried_over_from: UUID | None = None,
        carry_over_reason: Any = "",
        hypothesis: Any = "",
        effective_at: datetime | None = None,
        by: UUID,
    ) -> Objective:
        """Set an objective; alignment and carry-over targets are checked by the caller."""
        title = check.line(title, "title")
        why = check.text(why, "why", max_length=check.TEXT_MAX, required=False)
        hypothesis = check.text(hypothesis, "hypothesis", max_length=check.TEXT_MAX, required=False)
        reason = check.text(
            carry_over_reason, "carry_over_reason", max_length=check.TEXT_MAX, required=False
        )
        if carried_over_from is not None and not reason:
            raise InvalidInput(
                "a carried-over objective needs a reason: what did you learn, why continue?",
                code="carry-over-needs-reason",
                field="carry_over_reason",
            )
        if carried_over_from is None and reason:
            raise InvalidInput(
                "a carry-over reason needs the objective it continues",
                code="carry-over-needs-source",
                field="carried_over_from",
            )
        if aligned_to_key_result_id is not None and aligned_to_objective_id is None:
            raise InvalidInput(
                "aligning to a key result needs its objective",
                code="alignment-needs-objective",
                field="aligned_to_objective_id",
            )
        return cls._create(
            cls.ObjectiveSet,
            id=objective_id,
            organization_id=organization_id,
            unit_id=unit_id,
            cycle_id=cycle_id,
            title=title,
            why=why,
            owner_id=owner_id,
            aligned_to_objective_id=aligned_to_objective_id,
            aligned_to_key_result_id=aligned_to_key_result_id,
            carried_over_from=carried_over_from,
            carry_over_reason=reason,
            hypothesis=hypothesis,
            effective_at=effective_at,
            by=by,
        )

    def reword(self, *, title: Any, why: Any, by: UUID) -> None:
        self._check_active()
        title = check.line(title, "title")
        why = (
            self.why
            if why is None
            else check.text(why, "why", max_length=check.TEXT_MAX, required=False)
        )
        if title == self.title and why == self.why:
            raise RuleViolation("nothing to change", code="no-change", field="title")
        self.trigger_event(self.ObjectiveReworded, title=title, why=why, by=by)

    def change_owner(self, *, owner_id: UUID, by: UUID) -> None:
        self._check_active()
        if owner_id == self.owner_id:
            raise RuleViolation(
                "that member already owns the objective", code="no-change", field="owner_id"
            )
        self.trigger_event(self.OwnerChanged, owner_id=owner_id, by=by)

    def align(self, *, parent: Objective, key_result_id: UUID | None, by: UUID) -> None:
        """Point at ``parent`` (whose unit the caller has checked is an ancestor); refusals
        name the fields as the command sends them, ``parent_objective_id`` and
        ``parent_key_result_id``."""
        self._check_active()
        if parent.id == self.id:
            raise RuleViolation(
                "an objective cannot align to itself",
                code="invalid-alignment",
                field="parent_objective_id",
            )
        if parent.status == DROPPED:
            raise RuleViolation(
                "cannot align to a dropped objective",
                code="objective-dropped",
                field="parent_objective_id",
            )
        if key_result_id is not None:
            parent.active_key_result(key_result_id, field="parent_key_result_id")
        if (parent.id, key_result_id) == (
            self.aligned_to_objective_id,
            self.aligned_to_key_result_id,
        ):
            raise RuleViolation(
                "already aligned there", code="no-change", field="parent_objective_id"
            )
        self.trigger_event(
            self.ObjectiveAligned, objective_id=parent.id, key_result_id=key_result_id, by=by
        )

    def add_key_result(
        self,
        *,
        key_result_id: UUID,
        title: Any,
        metric: Any,
        start: Any = None,
        target: Any = None,
        unit: Any = "",
        policy: Policy,
        effective_at: datetime | None = None,
        by: UUID,
    ) -> list[str]:
        """Add a key result; returns policy warnings (mode ``warn``, or above the soft limit)."""
        self._check_active()
        title = check.line(title, "title")
        m = measure(metric, start, target, unit)
        if key_result_id in self.key_results:
            raise RuleViolation("key result id already used", code="duplicate-id")
        self._check_unique_title(title)
        count = len(self.active_key_results()) + 1
        warnings: list[str] = []
        if count > policy.max_key_results:
            if policy.enforced:
                raise LimitExceeded(
                    f"an objective has at most {policy.max_key_results} key results",
                    code="too-many-key-results",
                    limit=policy.max_key_results,
                )
            warnings.append("too-many-key-results")
        elif count > policy.warn_key_results_above:
            warnings.append("many-key-results")
        self.trigger_event(
            self.KeyResultAdded,
            key_result_id=key_result_id,
            title=title,
            metric=m.metric,
            start=m.start,
            target=m.target,
            unit=m.unit,
            effective_at=effective_at,
            by=by,
        )
        return warnings

    def adjust_key_result(
        self,
        *,
        key_result_id: UUID,
        title: Any = None,
        start: Any = None,
        target: Any = None,
        unit: Any = None,
        reason: Any,
        effective_at: datetime | None = None,
        by: UUID,
    ) -> None:
        """Change a key result; unspecified fields keep their value. A reason is required."""
        self._check_active()
        kr = self.active_key_result(key_result_id)
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        new_title = kr.title if title is None else check.line(title, "title")
        self._check_unique_title(new_title, but=key_result_id)
        m = measure(
            kr.metric,
            kr.start if start is None else start,
            kr.target if target is None else target,
            kr.unit if unit is None else unit,
        )
        if (new_title, m) == (kr.title, Measure(kr.metric, kr.start, kr.target, kr.unit)):
            raise RuleViolation("nothing to change", code="no-change", field="target")
        self.trigger_event(
            self.KeyResultAdjusted,
            key_result_id=key_result_id,
            title=new_title,
            start=m.start,
            target=m.target,
            unit=m.unit,
            previous_start=kr.start,
            previous_target=kr.target,
            reason=reason,
            effective_at=effective_at,
            by=by,
        )

    def remove_key_result(
        self, *, key_result_id: UUID, reason: Any, policy: Policy, by: UUID
    ) -> list[str]:
        self._check_active()
        self.active_key_result(key_result_id)
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        remaining = len(self.active_key_results()) - 1
        warnings: list[str] = []
        if remaining < policy.min_key_results:
            if policy.enforced:
                raise LimitExceeded(
                    f"an objective needs at least {policy.min_key_results} key results",
                    code="too-few-key-results",
                    limit=policy.min_key_results,
                )
            warnings.append("too-few-key-results")
        self.trigger_event(self.KeyResultRemoved, key_result_id=key_result_id, reason=reason, by=by)
        return warnings

    def check_in(
        self,
        *,
        key_result_id: UUID,
        value: Any,
        status: Any,
        comment: Any = "",
        blockers: Any = "",
        confidence: Any = None,
        checked_in_at: datetime,
        by: UUID,
    ) -> None:
        """Report a value and status; ``confidence`` (optional) is the team's own 0–10
        judgement of reaching the target, kept apart from the status."""
        self._check_active()
        kr = self.active_key_result(key_result_id)
        number = check_in_value(kr.metric, value)
        status = check.choice(status, "status", STATUSES)
        comment = check.text(comment, "comment", max_length=check.TEXT_MAX, required=False)
        blockers = check.text(blockers, "blockers", max_length=check.TEXT_MAX, required=False)
        sure = check_in_confidence(confidence)
        self.trigger_event(
            self.CheckInMade,
            key_result_id=key_result_id,
            value=number,
            status=status,
            comment=comment,
            blockers=blockers,
            confidence=sure,
            checked_in_at=checked_in_at,
            by=by,
        )

    def weight_key_result(self, *, key_result_id: UUID, weight: Any, by: UUID) -> None:
        """Give a key result its share of the objective's progress: a weight above 0 (at
        most :data:`WEIGHT_MAX`), relative to the others' (every key result starts at 1)."""
        self._check_active()
        kr = self.active_key_result(key_result_id)
        number = check.number(weight, "weight")
        if not 0.0 < number <= WEIGHT_MAX:
            raise InvalidInput(
                f"a weight lies above 0 and at most {WEIGHT_MAX:g}",
                code="out-of-range",
                field="weight",
            )
        if number == kr.weight:
            raise RuleViolation(
                "the key result already has that weight", code="no-change", field="weight"
            )
        self.trigger_event(
            self.KeyResultWeighted, key_result_id=key_result_id, weight=number, by=by
        )

    def change_roll_up_mode(self, *, mode: Any, by: UUID) -> None:
        """Choose what the objective's progress is made of (one of :data:`ROLL_UP_MODES`)."""
        self._check_active()
        mode = check.choice(mode, "mode", ROLL_UP_MODES)
        if mode == self.roll_up_mode:
            raise RuleViolation(
                f"the objective already rolls up {mode}", code="no-change", field="mode"
            )
        self.trigger_event(self.RollUpModeChanged, mode=mode, by=by)

    def drop(self, *, reason: Any, effective_at: datetime | None = None, by: UUID) -> None:
        self._check_active()
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        self.trigger_event(self.ObjectiveDropped, reason=reason, effective_at=effective_at, by=by)

    def close(
        self,
        *,
        scores: dict[UUID, Any] | None,
        note: Any,
        effective_at: datetime | None = None,
        by: UUID,
    ) -> None:
        """Score the objective; key results without a given score get their progress."""
        self._check_active()
        note = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        given = dict(scores or {})
        final: dict[UUID, float] = {}
        for kr in self.active_key_results():
            raw = given.pop(kr.id, None)
            field = f"scores.{kr.id}"
            score = kr.progress if raw is None else check.number(raw, field)
            if not 0.0 <= score <= 1.0:
                raise InvalidInput("a score lies between 0 and 1", code="out-of-range", field=field)
            final[kr.id] = round(score, 4)
        if given:
            unknown = sorted(str(k) for k in given)
            raise NotFound(
                "scores name key results this objective does not have",
                field=f"scores.{unknown[0]}",
                key_result_ids=unknown,
            )
        self.trigger_event(
            self.ObjectiveClosed, scores=final, note=note, effective_at=effective_at, by=by
        )

    def reopen(self, *, reason: Any, by: UUID) -> None:
        if self.status != CLOSED:
            raise RuleViolation(
                "only a closed objective can be reopened", code="objective-not-closed"
            )
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        self.trigger_event(self.ObjectiveReopened, reason=reason, by=by)

    def __deepcopy__(self, memo: dict[int, Any]) -> Objective:
        # Commands work on a copy of the cached objective; the generic deepcopy walks every
        # value, while only the key results and scores are mutable here.
        clone = object.__new__(type(self))
        state = dict(self.__dict__)
        state["key_results"] = {k: copy.copy(kr) for k, kr in self.key_results.items()}
        state["scores"] = dict(self.scores)
        state["_pending_events"] = list(self._pending_events)
        clone.__dict__.update(state)
        return clone

    # --- queries -----------------------------------------------------------------------------

    def active_key_results(self) -> list[KeyResult]:
        return [kr for kr in self.key_results.values() if not kr.removed]

    def active_key_result(self, key_result_id: UUID, *, field: str = "key_result_id") -> KeyResult:
        """The key result, unless unknown or removed (``NotFound`` naming ``field``)."""
        kr = self.key_results.get(key_result_id)
        if kr is None or kr.removed:
            raise NotFound(
                f"no key result {key_result_id} in objective '{self.title}'", field=field
            )
        return kr

    def key_result_to_move(self, key_result_id: UUID) -> KeyResult:
        """An active key result that work (an initiative) may still be linked to: not one
        of a dropped or closed objective."""
        kr = self.active_key_result(key_result_id)
        self._check_active()
        return kr

    @property
    def score(self) -> float:
        """The objective's score: the mean of its key results' scores (or progress)."""
        values = list(self.scores.values()) or [kr.progress for kr in self.active_key_results()]
        return sum(values) / len(values) if values else 0.0

    def _check_unique_title(self, title: str, *, but: UUID | None = None) -> None:
        """Two active key results of an objective never share a title (as
        :func:`~okr_es.aggregates.validation.same_text_key` compares them); ``but`` is the
        key result being renamed."""
        key = check.same_text_key(title)
        if any(
            kr.id != but and check.same_text_key(kr.title) == key
            for kr in self.active_key_results()
        ):
            raise RuleViolation(
                f"the objective already has a key result '{title}'",
                code="duplicate-key-result",
                field="title",
            )

    def _check_active(self) -> None:
        if self.status == DROPPED:
            raise RuleViolation(f"objective '{self.title}' was dropped", code="objective-dropped")
        if self.status == CLOSED:
            raise RuleViolation(f"objective '{self.title}' is closed", code="objective-closed")
