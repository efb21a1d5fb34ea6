"""One unit's OKR set for one cycle: which objectives it committed to, and its reflections."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.organization import Policy
from okr_es.aggregates.personal_data import PersonalData
from okr_es.errors import InvalidInput, LimitExceeded, NotFound, RuleViolation

_NAMESPACE = uuid5(NAMESPACE_URL, "https://okr-es.org/team-cycle")


def team_cycle_id(unit_id: UUID, cycle_id: UUID) -> UUID:
    """A unit has one OKR set per cycle, so its id follows from the pair."""
    return uuid5(_NAMESPACE, f"{unit_id}/{cycle_id}")


class TeamCycle(OKRAggregate):
    """Guards the objective count limit: every committed objective passes through here."""

    class TeamCycleOpened(OKRAggregate.Created):
        """A unit started setting OKRs for a cycle."""

        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.cycle_id = self.cycle_id
            aggregate.objective_ids = []
            aggregate.withdrawn_ids = []
            aggregate.reflections = []
            aggregate.closed = False

    class ObjectiveCommitted(OKRAggregate.Event):
        """The unit committed to an objective for the cycle."""

        objective_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.objective_ids.append(self.objective_id)

    class ObjectiveWithdrawn(OKRAggregate.Event):
        """An objective no longer counts toward the unit's set (it was dropped)."""

        objective_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.objective_ids.remove(self.objective_id)
            aggregate.withdrawn_ids.append(self.objective_id)

    class ReflectionRecorded(OKRAggregate.Event):
        """The unit wrote down what to continue, stop and start, and what it learned."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(
            subject="by",
            fields=("keep_doing", "stop_doing", "start_doing", "learnings"),
            free_text=True,
        )

        # v2 added effective_at: when the unit reflected, in business time (None: when
        # it was recorded, as in every older reflection).
        class_version = 2

        keep_doing: str
        stop_doing: str
        start_doing: str
        learnings: str
        effective_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["effective_at"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.reflections.append(
                (self.keep_doing, self.stop_doing, self.start_doing, self.learnings)
            )

    class TeamCycleClosed(OKRAggregate.Event):
        """The unit finished the cycle; its OKR set is final."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        # v2 added effective_at: when the unit finished, in business time (None: when it
        # was recorded, as in every older close).
        class_version = 2

        note: str
        effective_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["effective_at"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.closed = True

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        cycle_id: UUID
        objective_ids: list[UUID]
        withdrawn_ids: list[UUID]
        reflections: list[tuple[str, str, str, str]]
        closed: bool

    @classmethod
    def open(cls, *, organization_id: UUID, unit_id: UUID, cycle_id: UUID, by: UUID) -> TeamCycle:
        return cls._create(
            cls.TeamCycleOpened,
            id=team_cycle_id(unit_id, cycle_id),
            organization_id=organization_id,
            unit_id=unit_id,
            cycle_id=cycle_id,
            by=by,
        )

    def commit(self, *, objective_id: UUID, policy: Policy, by: UUID) -> list[str]:
        """Count a new objective in; over the limit it is refused (enforce) or flagged (warn)."""
        self._check_open()
        warnings: list[str] = []
        if len(self.objective_ids) + 1 > policy.max_objectives:
            if policy.enforced:
                raise LimitExceeded(
                    f"a unit has at most {policy.max_objectives} objectives per cycle",
                    code="too-many-objectives",
                    limit=policy.max_objectives,
                )
            warnings.append("too-many-objectives")
        self.trigger_event(self.ObjectiveCommitted, objective_id=objective_id, by=by)
        return warnings

    def withdraw(self, *, objective_id: UUID, reason: str, by: UUID) -> None:
        self._check_open()
        if objective_id not in self.objective_ids:
            raise NotFound("the objective is not in this unit's set", field="objective_id")
        self.trigger_event(self.ObjectiveWithdrawn, objective_id=objective_id, reason=reason, by=by)

    def record_reflection(
        self,
        *,
        keep_doing: Any,
        stop_doing: Any,
        start_doing: Any,
        learnings: Any,
        effective_at: datetime | None = None,
        by: UUID,
    ) -> None:
        """Record what the unit learnt; also after the set is closed, as the retrospective
        usually comes then."""
        texts = {
            name: check.text(value, name, max_length=check.TEXT_MAX, required=False)
            for name, value in (
                ("keep_doing", keep_doing),
                ("stop_doing", stop_doing),
                ("start_doing", start_doing),
                ("learnings", learnings),
            )
        }
        if not any(texts.values()):
            raise InvalidInput(
                "a reflection needs at least one of keep_doing, stop_doing, start_doing, learnings",
                code="empty",
                field="learnings",
            )
        self.trigger_event(self.ReflectionRecorded, effective_at=effective_at, by=by, **texts)

    def close(
        self,
        *,
        open_objective_titles: list[str],
        note: Any,
        effective_at: datetime | None = None,
        by: UUID,
    ) -> None:
        """Close the set; every objective must be closed (scored) or dropped first."""
        self._check_open()
        note = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        if open_objective_titles:
            raise RuleViolation(
                "close or drop every objective before closing the cycle",
                code="objectives-still-open",
                objectives=open_objective_titles,
            )
        self.trigger_event(self.TeamCycleClosed, note=note, effective_at=effective_at, by=by)

    def _check_open(self) -> None:
        if self.closed:
            raise RuleViolation("this unit's cycle is closed", code="team-cycle-closed")
