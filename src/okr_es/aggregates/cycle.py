"""A cycle: the period (quarter, tertial, half-year, year) OKRs are set and scored for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import InvalidInput, NotFound, RuleViolation

CYCLE_KINDS: frozenset[str] = frozenset({"quarter", "tertial", "half_year", "year", "custom"})


class Cycle(OKRAggregate):
    """One period of an organisation's calendar; cycles may nest (year → quarters)."""

    class CycleDefined(OKRAggregate.Created):
        """A period was added to the organisation's OKR calendar."""

        organization_id: UUID
        label: str
        kind: str
        start: date
        end: date
        parent_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.label = self.label
            aggregate.kind = self.kind
            aggregate.start = self.start
            aggregate.end = self.end
            aggregate.parent_id = self.parent_id

    class CycleRenamed(OKRAggregate.Event):
        """A cycle got a new label."""

        label: str

        def apply(self, aggregate: Any) -> None:
            aggregate.label = self.label

    if TYPE_CHECKING:
        organization_id: UUID
        label: str
        kind: str
        start: date
        end: date
        parent_id: UUID | None

    @classmethod
    def define(
        cls,
        *,
        cycle_id: UUID,
        organization_id: UUID,
        label: str,
        kind: str,
        start: Any,
        end: Any,
        parent: Cycle | None,
        siblings: Iterable[Cycle],
        by: UUID,
    ) -> Cycle:
        """Define a cycle; ``siblings`` are the organisation's cycles with the same parent."""
        label = check.line(label, "label", max_length=check.NAME_MAX)
        kind = check.choice(kind, "kind", CYCLE_KINDS)
        start_day = check.day(start, "start")
        end_day = check.day(end, "end")
        if not start_day < end_day:
            raise InvalidInput("start must be before end", code="date-order", field="end")
        if (end_day - start_day).days > 366 * 2:
            raise InvalidInput("a cycle lasts at most two years", code="out-of-range", field="end")
        if parent is not None:
            if parent.organization_id != organization_id:
                # Answered like an unknown cycle: other organisations' ids are not probed.
                raise NotFound(f"no Cycle {parent.id}", field="parent_id")
            if not (parent.start <= start_day and end_day <= parent.end):
                raise RuleViolation(
                    f"the cycle must lie within its parent '{parent.label}' "
                    f"({parent.start}–{parent.end})",
                    code="outside-parent-cycle",
                    field="start",
                )
        for sibling in siblings:
            if check.same_text_key(sibling.label) == check.same_text_key(label):
                raise RuleViolation(
                    f"a cycle labelled '{label}' already exists",
                    code="duplicate-cycle",
                    field="label",
                )
            if start_day < sibling.end and sibling.start < end_day:
                raise RuleViolation(
                    f"overlaps cycle '{sibling.label}' ({sibling.start}–{sibling.end})",
                    code="cycle-overlap",
                    field="start",
                )
        return cls._create(
            cls.CycleDefined,
            id=cycle_id,
            organization_id=organization_id,
            label=label,
            kind=kind,
            start=start_day,
            end=end_day,
            parent_id=None if parent is None else parent.id,
            by=by,
        )

    def rename(self, *, label: str, siblings: Iterable[Cycle], by: UUID) -> None:
        label = check.line(label, "label", max_length=check.NAME_MAX)
        if label == self.label:
            raise RuleViolation("the cycle already has that label", code="no-change")
        key = check.same_text_key(label)
        if any(s.id != self.id and check.same_text_key(s.label) == key for s in siblings):
            raise RuleViolation(
                f"a cycle labelled '{label}' already exists", code="duplicate-cycle", field="label"
            )
        self.trigger_event(self.CycleRenamed, label=label, by=by)

    def share_elapsed(self, on: date) -> float:
        """How much of the cycle has passed on a given day, from 0 to 1."""
        total = (self.end - self.start).days
        return min(1.0, max(0.0, (on - self.start).days / total))
