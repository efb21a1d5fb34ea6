"""KPIs as they stand now, and every measurement of each, for health dashboards.

A KPI is healthy when its latest value lies inside its corridor; ``healthy`` is 1 inside,
0 outside and NULL before the first measurement, and is recomputed when the corridor
changes. Each measurement keeps the health it had under the corridor of its day, so a
chart shows what people saw then.
"""

from __future__ import annotations

from typing import Any, ClassVar

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


def healthy(value: float | None, lower: float | None, upper: float | None) -> int | None:
    """1 inside the corridor (bounds included), 0 outside, None without a value."""
    if value is None:
        return None
    inside = (lower is None or value >= lower) and (upper is None or value <= upper)
    return int(inside)


class Kpis(Projection):
    name: ClassVar[str] = "kpis"
    tables: ClassVar[tuple[str, ...]] = ("rm_kpis", "rm_kpi_measurements")
    read_indexes: ClassVar[tuple[str, ...]] = ("rm_kpis_unit", "rm_kpi_measurements_kpi")
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_kpis (kpi_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, name TEXT NOT NULL, "
        "unit TEXT NOT NULL, lower FLOAT, upper FLOAT, value FLOAT, measured_at TEXT, "
        "healthy INTEGER, retired INTEGER NOT NULL, graduated_from_objective_id TEXT, "
        "graduated_from_key_result_id TEXT, updated_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_kpis_unit ON rm_kpis (unit_id)",
        "CREATE TABLE IF NOT EXISTS rm_kpi_measurements (position INTEGER PRIMARY KEY, "
        "kpi_id TEXT NOT NULL, value FLOAT NOT NULL, measured_at TEXT NOT NULL, "
        "healthy INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_kpi_measurements_kpi ON rm_kpi_measurements "
        "(kpi_id, measured_at)",
    )

    def on_KpiDefined(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_kpis VALUES (:id, :org, :unit_id, :name, :unit, :lower, :upper, "
            "NULL, NULL, NULL, 0, NULL, NULL, :at) ON CONFLICT (kpi_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "unit_id": text(e.unit_id),
                "name": e.name,
                "unit": e.unit,
                "lower": e.lower,
                "upper": e.upper,
                "at": e.timestamp.isoformat(),
            },
        )

    def on_KpiMeasured(self, sql: Sql, e: Any, position: int) -> None:
        kpi = text(e.originator_id)
        row = sql.one("SELECT lower, upper FROM rm_kpis WHERE kpi_id = :id", {"id": kpi})
        lower, upper = row if row else (None, None)
        health = healthy(e.value, lower, upper)
        measured_at = e.measured_at.isoformat()
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        sql.run(
            "INSERT INTO rm_kpi_measurements VALUES (:position, :id, :value, :at, :healthy) "
            "ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "id": kpi,
                "value": e.value,
                "at": measured_at,
                "healthy": health,
            },
        )
        # The latest recorded measurement is the KPI's value, as in the aggregate.
        self._kpi(sql, e, value=e.value, measured_at=measured_at, healthy=health)

    def on_KpiCorridorChanged(self, sql: Sql, e: Any, position: int) -> None:
        row = sql.one("SELECT value FROM rm_kpis WHERE kpi_id = :id", {"id": text(e.originator_id)})
        value = None if row is None else row[0]
        self._kpi(sql, e, lower=e.lower, upper=e.upper, healthy=healthy(value, e.lower, e.upper))

    def on_KpiRetired(self, sql: Sql, e: Any, position: int) -> None:
        self._kpi(sql, e, retired=1)

    def on_KeyResultGraduated(self, sql: Sql, e: Any, position: int) -> None:
        self._kpi(
            sql,
            e,
            graduated_from_objective_id=text(e.objective_id),
            graduated_from_key_result_id=text(e.key_result_id),
        )

    @staticmethod
    def _kpi(sql: Sql, e: Any, **changes: Any) -> None:
        """Apply column changes and stamp the time of the change."""
        assignments = "".join(f"{column} = :{column}, " for column in changes)
        sql.run(
            f"UPDATE rm_kpis SET {assignments}updated_at = :at WHERE kpi_id = :id",
            {**changes, "id": text(e.originator_id), "at": e.timestamp.isoformat()},
        )
