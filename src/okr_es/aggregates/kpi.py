"""A KPI: a health metric of stable operations, kept inside a corridor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import InvalidInput, RuleViolation


def corridor(lower: Any, upper: Any) -> tuple[float | None, float | None]:
    """A KPI's healthy range: at least one bound, and lower below upper."""
    low = check.optional_number(lower, "lower")
    high = check.optional_number(upper, "upper")
    if low is None and high is None:
        raise InvalidInput(
            "a corridor needs a lower or an upper bound", code="empty", field="lower"
        )
    if low is not None and high is not None and not low < high:
        raise InvalidInput("lower must be below upper", code="corridor-order", field="upper")
    return low, high


class Kpi(OKRAggregate):
    """A measured health metric; a met key result may graduate into one."""

    class KpiDefined(OKRAggregate.Created):
        """A unit started tracking a health metric with a corridor."""

        organization_id: UUID
        unit_id: UUID
        name: str
        unit: str
        lower: float | None
        upper: float | None

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.unit_id = self.unit_id
            aggregate.name = self.name
            aggregate.unit = self.unit
            aggregate.lower = self.lower
            aggregate.upper = self.upper
            aggregate.value = None
            aggregate.measured_at = None
            aggregate.retired = False
            aggregate.graduated_from = None

    class KpiMeasured(OKRAggregate.Event):
        """A new measurement of the KPI was recorded."""

        value: float
        measured_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.value = self.value
            aggregate.measured_at = self.measured_at

    class KpiCorridorChanged(OKRAggregate.Event):
        """The KPI's healthy range changed."""

        lower: float | None
        upper: float | None
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.lower = self.lower
            aggregate.upper = self.upper

    class KpiRetired(OKRAggregate.Event):
        """The KPI is no longer tracked."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.retired = True

    class KeyResultGraduated(OKRAggregate.Event):
        """A met key result became this KPI, to keep the gain without an objective."""

        objective_id: UUID
        key_result_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.graduated_from = (self.objective_id, self.key_result_id)

    if TYPE_CHECKING:
        organization_id: UUID
        unit_id: UUID
        name: str
        unit: str
        lower: float | None
        upper: float | None
        value: float | None
        measured_at: datetime | None
        retired: bool
        graduated_from: tuple[UUID, UUID] | None

    @classmethod
    def define(
        cls,
        *,
        kpi_id: UUID,
        organization_id: UUID,
        unit_id: UUID,
        name: Any,
        unit: Any,
        lower: Any,
        upper: Any,
        by: UUID,
    ) -> Kpi:
        low, high = corridor(lower, upper)
        return cls._create(
            cls.KpiDefined,
            id=kpi_id,
            organization_id=organization_id,
            unit_id=unit_id,
            name=check.line(name, "name", max_length=check.NAME_MAX),
            unit=check.line(unit, "unit", max_length=check.UNIT_LABEL_MAX, required=False),
            lower=low,
            upper=high,
            by=by,
        )

    def measure(self, *, value: Any, measured_at: datetime, by: UUID) -> None:
        self._check_active()
        self.trigger_event(
            self.KpiMeasured, value=check.number(value, "value"), measured_at=measured_at, by=by
        )

    def change_corridor(self, *, lower: Any, upper: Any, reason: Any, by: UUID) -> None:
        self._check_active()
        low, high = corridor(lower, upper)
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        if (low, high) == (self.lower, self.upper):
            raise RuleViolation("the corridor is already like that", code="no-change")
        self.trigger_event(self.KpiCorridorChanged, lower=low, upper=high, reason=reason, by=by)

    def retire(self, *, reason: Any, by: UUID) -> None:
        self._check_active()
        self.trigger_event(
            self.KpiRetired, reason=check.text(reason, "reason", max_length=check.TEXT_MAX), by=by
        )

    def graduate(
        self,
        *,
        objective_id: UUID,
        key_result_id: UUID,
        others: Iterable[Kpi] = (),
        by: UUID,
    ) -> None:
        """Record the key result this KPI continues (the caller checked it was met).

        A key result graduates once: ``others`` are the organisation's KPIs, and one of
        them that already continues the key result (retired or not) refuses it."""
        self._check_active()
        if self.graduated_from is not None:
            raise RuleViolation("this KPI already continues a key result", code="already-graduated")
        for other in others:
            if other.id != self.id and other.graduated_from == (objective_id, key_result_id):
                raise RuleViolation(
                    f"the key result already graduated into KPI '{other.name}'",
                    code="already-graduated",
                    field="key_result_id",
                    kpi_id=other.id,
                )
        self.trigger_event(
            self.KeyResultGraduated, objective_id=objective_id, key_result_id=key_result_id, by=by
        )

    @property
    def healthy(self) -> bool | None:
        if self.value is None:
            return None
        return (self.lower is None or self.value >= self.lower) and (
            self.upper is None or self.value <= self.upper
        )

    def _check_active(self) -> None:
        if self.retired:
            raise RuleViolation(f"KPI '{self.name}' is retired", code="kpi-retired")
