"""Use cases of an organisation's cycles (quarters, tertials, half-years, years)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class CycleCommands(AggregateReads):
    """Define and rename cycles; list them."""

    def define_cycle(
        self,
        *,
        organization_id: Any,
        label: Any,
        kind: Any,
        start: Any,
        end: Any,
        parent_id: Any = None,
        by: Any,
    ) -> CommandResult:
        """Add a quarter, tertial, half-year or year; siblings may not overlap."""
        org, actor = self._organization_and_actor(organization_id, by)
        parent = None
        if parent_id is not None:
            parent = self._of_organization(Cycle, org.id, parent_id, "parent_id")
        cycle_id = uuid4()
        with self._cross_checked():
            cycle = Cycle.define(
                cycle_id=cycle_id,
                organization_id=org.id,
                label=label,
                kind=kind,
                start=start,
                end=end,
                parent=parent,
                siblings=self._sibling_cycles(org.id, None if parent is None else parent.id),
                by=actor,
            )
            return self._saved(cycle, ids={"cycle_id": cycle_id})

    def rename_cycle(self, *, cycle_id: Any, label: Any, by: Any) -> CommandResult:
        """Give a cycle a new label."""
        with self._cross_checked():
            cycle = self._get(Cycle, check.identifier(cycle_id, "cycle_id"), "cycle_id")
            _, actor = self._organization_and_actor(cycle.organization_id, by)
            cycle.rename(
                label=label,
                siblings=self._sibling_cycles(cycle.organization_id, cycle.parent_id),
                by=actor,
            )
            return self._saved(cycle)

    def cycles(self, organization_id: UUID) -> list[Cycle]:
        """The organisation's cycles, earliest first."""
        found = [c for c in self._all(Cycle) if c.organization_id == organization_id]
        return sorted(found, key=lambda c: (c.start, c.end))

    def _sibling_cycles(self, org_id: UUID, parent_id: UUID | None) -> list[Cycle]:
        return [c for c in self.cycles(org_id) if c.parent_id == parent_id]
