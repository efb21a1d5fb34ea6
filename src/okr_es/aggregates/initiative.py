"""An initiative: the work a unit does to move one or more key results."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.personal_data import PersonalData
from okr_es.errors import InvalidInput, RuleViolation

RUNNING, COMPLETED, STOPPED = "running", "completed", "stopped"


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Work is overdue while it runs after the day it was due."""
    return status == RUNNING and due_on is not None and due_on < today


class KeyResultRef(msgspec.Struct, frozen=True):
    objective_id: UUID
    key_result_id: UUID


class Initiative(OKRAggregate):
    """Work with one owner, linked to the key results it should move."""

    class InitiativeStarted(OKRAggregate.Created):
        """A unit started a piece of work aimed at its key results."""

        # v2 added due_on: the day the work should be done by (None: no due date, as in
        # every older start).
        class_version = 2

        organization_id: UUID
        unit_id: UUID
        title: str
        owner_id: UUID
        due_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["due_on"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.title = self.title
            aggregate.owner_id = self.owner_id
            aggregate.links = []
            aggregate.status = RUNNING
            aggregate.percent_complete = 0.0
            aggregate.due_on = self.due_on

    class InitiativeLinked(OKRAggregate.Event):
        """The initiative was linked to a key result it should move."""

        objective_id: UUID
        key_result_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.links.append(KeyResultRef(self.objective_id, self.key_result_id))

    class InitiativeDueDateChanged(OKRAggregate.Event):
        """The day the work should be done by was set, moved or taken away (None)."""

        due_on: date | None

        def apply(self, aggregate: Any) -> None:
            aggregate.due_on = self.due_on

    class InitiativeProgressed(OKRAggregate.Event):
        """Progress on the work was reported."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        percent_complete: float
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.percent_complete = self.percent_complete

    class InitiativeCompleted(OKRAggregate.Event):
        """The work was finished."""

        # The author's personal data when the organisation seals free texts.
        personal_data = PersonalData(subject="by", fields=("note",), free_text=True)

        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = COMPLETED
            aggregate.percent_complete = 100.0

    class InitiativeStopped(OKRAggregate.Event):
        """The work was stopped before it was finished."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = STOPPED

    class InitiativeOwnerChanged(OKRAggregate.Event):
        """Another member became the initiative's owner."""

        owner_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.owner_id = self.owner_id

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        title: str
        owner_id: UUID
        links: list[KeyResultRef]
        status: str
        percent_complete: float
        due_on: date | None

    @classmethod
    def start(
        cls,
        *,
        initiative_id: UUID,
        organization_id: UUID,
        unit_id: UUID,
        title: Any,
        owner_id: UUID,
        due_on: Any = None,
        by: UUID,
    ) -> Initiative:
        """Start an initiative, due on ``due_on`` if given; links to existing key results
        are added with :meth:`link`."""
        return cls._create(
            cls.InitiativeStarted,
            id=initiative_id,
            organization_id=organization_id,
            unit_id=unit_id,
            title=check.line(title, "title"),
            owner_id=owner_id,
            due_on=None if due_on is None else check.day(due_on, "due_on"),
            by=by,
        )

    def change_owner(self, *, owner_id: UUID, by: UUID) -> None:
        """Hand the initiative to a member the caller has checked is active."""
        if owner_id == self.owner_id:
            raise RuleViolation(
                "that member already owns the initiative", code="no-change", field="owner_id"
            )
        self.trigger_event(self.InitiativeOwnerChanged, owner_id=owner_id, by=by)
    def change_due_date(self, *, due_on: Any, by: UUID) -> None:
        """Set, move or (``None``) take away the day the running work is due."""
        self._check_running()
        day = None if due_on is None else check.day(due_on, "due_on")
        if day == self.due_on:
            raise RuleViolation("the due date is already that", code="no-change", field="due_on")
        self.trigger_event(self.InitiativeDueDateChanged, due_on=day, by=by)

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_on, today)

    def link(self, *, ref: KeyResultRef, by: UUID) -> None:
        """Link to a key result the caller has checked exists in the same organisation."""
        self._check_running()
        if ref in self.links:
            raise RuleViolation(
                "already linked to that key result", code="no-change", field="key_result_id"
            )
        self.trigger_event(
            self.InitiativeLinked,
            objective_id=ref.objective_id,
            key_result_id=ref.key_result_id,
            by=by,
        )

    def progress(self, *, percent_complete: Any, note: Any, by: UUID) -> None:
        self._check_running()
        percent = check.number(percent_complete, "percent_complete")
        if not 0.0 <= percent <= 100.0:
            raise InvalidInput(
                "percent_complete lies between 0 and 100",
                code="out-of-range",
                field="percent_complete",
            )
        note = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        self.trigger_event(self.InitiativeProgressed, percent_complete=percent, note=note, by=by)

    def complete(self, *, note: Any, by: UUID) -> None:
        self._check_running()
        note = check.text(note, "note", max_length=check.TEXT_MAX, required=False)
        self.trigger_event(self.InitiativeCompleted, note=note, by=by)

    def stop(self, *, reason: Any, by: UUID) -> None:
        self._check_running()
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        self.trigger_event(self.InitiativeStopped, reason=reason, by=by)

    def _check_running(self) -> None:
        if self.status != RUNNING:
            raise RuleViolation(
                f"initiative '{self.title}' is {self.status}", code=f"initiative-{self.status}"
            )
