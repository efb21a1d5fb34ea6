"""Use cases of one unit's OKR set for one cycle: its reflection and its closing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okr_es.aggregates.objective import ACTIVE, Objective
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.errors import (
    NotFound,
)
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class TeamCycleCommands(AggregateReads):
    """Reflect on and close a unit's cycle."""

    def record_reflection(
        self,
        *,
        unit_id: Any,
        cycle_id: Any,
        by: Any,
        keep_doing: Any = "",
        stop_doing: Any = "",
        start_doing: Any = "",
        learnings: Any = "",
        effective_at: Any = None,
    ) -> CommandResult:
        """Record what the unit will keep, stop and start doing, and its learnings
        (``effective_at``: when the unit reflected, if not now). Reflections commute, so a
        concurrent change is retried (bounded)."""
        when = self._business_time(effective_at, "effective_at")

        def attempt() -> CommandResult:
            team_cycle, actor = self._existing_team_cycle(unit_id, cycle_id, by)
            team_cycle.record_reflection(
                keep_doing=keep_doing,
                stop_doing=stop_doing,
                start_doing=start_doing,
                learnings=learnings,
                effective_at=when,
                by=actor,
            )
            return self._saved(team_cycle)

        return self._retrying(attempt, self.settings.check_in_retries, "record_reflection")

    def close_team_cycle(
        self, *, unit_id: Any, cycle_id: Any, by: Any, note: Any = "", effective_at: Any = None
    ) -> CommandResult:
        """Close a unit's cycle once every objective is closed or dropped (``effective_at``:
        when it finished, if not now)."""
        when = self._business_time(effective_at, "effective_at")
        with self._cross_checked():
            team_cycle, actor = self._existing_team_cycle(unit_id, cycle_id, by)
            still_open = [
                o.title
                for o in (self._get(Objective, oid) for oid in team_cycle.objective_ids)
                if o.status == ACTIVE
            ]
            team_cycle.close(
                open_objective_titles=still_open, note=note, effective_at=when, by=actor
            )
            return self._saved(team_cycle)

    def _existing_team_cycle(self, unit_id: Any, cycle_id: Any, by: Any) -> tuple[TeamCycle, UUID]:
        tc = self.get_team_cycle(unit_id, cycle_id)
        if tc is None:
            raise NotFound("the unit has set no objectives in that cycle", field="cycle_id")
        _, actor = self._organization_and_actor(tc.organization_id, by)
        return tc, actor
