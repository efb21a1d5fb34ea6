"""Use cases of initiatives: the work that should move key results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.initiative import Initiative, KeyResultRef
from okr_es.aggregates.objective import Objective
from okr_es.use_cases.machinery import CommandResult, located
from okr_es.use_cases.reads import AggregateReads


class InitiativeCommands(AggregateReads):
    """Start, link, progress, complete and stop initiatives."""

    def start_initiative(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        title: Any,
        owner_id: Any,
        by: Any,
        key_results: Sequence[tuple[Any, Any]] = (),
        due_on: Any = None,
    ) -> CommandResult:
        """Start an initiative, linked to ``(objective_id, key_result_id)`` pairs, due on
        ``due_on`` (a date) if given."""
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.active_unit(check.identifier(unit_id, "unit_id"))
        owner = org.active_member(check.identifier(owner_id, "owner_id"), field="owner_id")
        initiative_id = uuid4()
        initiative = Initiative.start(
            initiative_id=initiative_id,
            organization_id=org.id,
            unit_id=unit.id,
            title=title,
            owner_id=owner.id,
            due_on=due_on,
            by=actor,
        )
        for index, (objective_id, kr_id) in enumerate(key_results):
            with located(f"key_results[{index}]"):
                ref = self._key_result_ref(org.id, objective_id, kr_id)
                initiative.link(ref=ref, by=actor)
        return self._saved(initiative, ids={"initiative_id": initiative_id})

    def link_initiative(
        self, *, initiative_id: Any, objective_id: Any, key_result_id: Any, by: Any
    ) -> CommandResult:
        """Link an initiative to another key result of the organisation."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        ref = self._key_result_ref(initiative.organization_id, objective_id, key_result_id)
        initiative.link(ref=ref, by=actor)
        return self._saved(initiative)

    def change_initiative_due_date(
        self, *, initiative_id: Any, due_on: Any, by: Any
    ) -> CommandResult:
        """Set or move the day a running initiative is due (``due_on`` null: no due date)."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.change_due_date(due_on=due_on, by=actor)
        return self._saved(initiative)

    def record_initiative_progress(
        self, *, initiative_id: Any, percent_complete: Any, by: Any, note: Any = ""
    ) -> CommandResult:
        """Report an initiative's progress (0–100 %)."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.progress(percent_complete=percent_complete, note=note, by=actor)
        return self._saved(initiative)

    def complete_initiative(self, *, initiative_id: Any, by: Any, note: Any = "") -> CommandResult:
        """Mark an initiative as finished."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.complete(note=note, by=actor)
        return self._saved(initiative)

    def stop_initiative(self, *, initiative_id: Any, reason: Any, by: Any) -> CommandResult:
        """Stop an initiative before it is finished, with a reason."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.stop(reason=reason, by=actor)
        return self._saved(initiative)

    def _initiative_and_actor(self, initiative_id: Any, by: Any) -> tuple[Initiative, UUID]:
        initiative = self._get(
            Initiative, check.identifier(initiative_id, "initiative_id"), "initiative_id"
        )
        _, actor = self._organization_and_actor(initiative.organization_id, by)
        return initiative, actor

    def _key_result_ref(self, org_id: UUID, objective_id: Any, key_result_id: Any) -> KeyResultRef:
        objective = self._of_organization(Objective, org_id, objective_id, "objective_id")
        kr = objective.key_result_to_move(check.identifier(key_result_id, "key_result_id"))
        return KeyResultRef(objective.id, kr.id)
