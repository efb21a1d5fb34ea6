"""Use cases of KPIs: health metrics with a corridor, and key results graduating into
one."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.kpi import Kpi
from okr_es.errors import (
    RuleViolation,
)
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class KpiCommands(AggregateReads):
    """Define, measure, re-corridor and retire KPIs; graduate met key results."""

    def define_kpi(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        name: Any,
        by: Any,
        unit: Any = "",
        lower: Any = None,
        upper: Any = None,
    ) -> CommandResult:
        """Start tracking a health metric with a corridor (lower and/or upper bound)."""
        org, actor = self._organization_and_actor(organization_id, by)
        team = org.active_unit(check.identifier(unit_id, "unit_id"))
        kpi_id = uuid4()
        kpi = Kpi.define(
            kpi_id=kpi_id,
            organization_id=org.id,
            unit_id=team.id,
            name=name,
            unit=unit,
            lower=lower,
            upper=upper,
            by=actor,
        )
        return self._saved(kpi, ids={"kpi_id": kpi_id})

    def measure_kpi(
        self, *, kpi_id: Any, value: Any, by: Any, measured_at: Any = None
    ) -> CommandResult:
        """Record a KPI measurement (business date optional)."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        when = self._business_time(measured_at, "measured_at") or self.clock()
        kpi.measure(value=value, measured_at=when, by=actor)
        return self._saved(kpi)

    def change_kpi_corridor(
        self, *, kpi_id: Any, lower: Any, upper: Any, reason: Any, by: Any
    ) -> CommandResult:
        """Change a KPI's healthy range, with a reason."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        kpi.change_corridor(lower=lower, upper=upper, reason=reason, by=actor)
        return self._saved(kpi)

    def retire_kpi(self, *, kpi_id: Any, reason: Any, by: Any) -> CommandResult:
        """Stop tracking a KPI."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        kpi.retire(reason=reason, by=actor)
        return self._saved(kpi)

    def graduate_key_result(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        by: Any,
        name: Any = None,
        lower: Any = None,
        upper: Any = None,
    ) -> CommandResult:
        """Turn a met key result into a KPI that keeps watching the same number.

        Without an explicit corridor, the KPI guards the level the key result reached.
        A key result graduates once (``already-graduated``).
        """
        with self._cross_checked():
            return self._graduate(objective_id, key_result_id, by, name, lower, upper)

    def _graduate(
        self, objective_id: Any, key_result_id: Any, by: Any, name: Any, lower: Any, upper: Any
    ) -> CommandResult:
        objective, org, actor = self._objective_and_actor(objective_id, by, None)
        kr = objective.active_key_result(check.identifier(key_result_id, "key_result_id"))
        if kr.progress < 1.0:
            raise RuleViolation(
                "only a key result that reached its target can graduate",
                code="key-result-not-met",
                field="key_result_id",
            )
        if lower is None and upper is None:
            lower, upper = _corridor_for(kr.metric, kr.target)
        kpi_id = uuid4()
        kpi = Kpi.define(
            kpi_id=kpi_id,
            organization_id=org.id,
            unit_id=objective.unit_id,
            name=kr.title if name is None else name,
            unit=kr.unit,
            lower=lower,
            upper=upper,
            by=actor,
        )
        kpi.graduate(
            objective_id=objective.id,
            key_result_id=kr.id,
            # Only read: the shared cached KPIs, not a copy of each.
            others=[
                k
                for k in (self.read_aggregate(Kpi, i) for i in self._created_positions(Kpi))
                if k.organization_id == org.id
            ],
            by=actor,
        )
        if kr.current is not None:
            kpi.measure(value=kr.current, measured_at=self.clock(), by=actor)
        return self._saved(kpi, ids={"kpi_id": kpi_id})

    def _kpi_and_actor(self, kpi_id: Any, by: Any) -> tuple[Kpi, UUID]:
        kpi = self._get(Kpi, check.identifier(kpi_id, "kpi_id"), "kpi_id")
        _, actor = self._organization_and_actor(kpi.organization_id, by)
        return kpi, actor


def _corridor_for(metric: str, target: float | None) -> tuple[float | None, float | None]:
    if metric in ("increase", "stay_above"):
        return target, None
    if metric in ("decrease", "stay_below"):
        return None, target
    return 1.0, None
