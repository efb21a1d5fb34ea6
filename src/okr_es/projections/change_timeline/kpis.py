"""KPIs: defined, measured, re-corridored, retired; key results graduated into one."""

from __future__ import annotations

from typing import Any

from okr_es.projections import sentences as say
from okr_es.projections.base import text
from okr_es.projections.change_timeline.rows import (
    DEFAULT_LANGUAGE,
    Named,
    TimelineRows,
    _name,
    _Row,
)
from okr_es.projections.sql import Sql
from okr_es.vocabulary.language import detect_language


class KpiChanges(TimelineRows):
    """The timeline's handlers for kPIs."""

    def on_KpiDefined(self, sql: Sql, e: Any, position: int) -> None:
        unit = self._named(sql, e.unit_id)
        default = DEFAULT_LANGUAGE if unit is None else unit.language
        language = detect_language([e.name], default=default)
        org, unit_id = text(e.organization_id), text(e.unit_id)
        self._remember(
            sql, e.originator_id, Named("kpi", e.name, language, org, unit_id, detail=e.unit)
        )
        self._write(
            sql,
            e,
            position,
            _Row(org, unit_id, language=language),
            say.kpi_defined(
                language, self._actor(sql, e, language), e.name, e.lower, e.upper, e.unit
            ),
        )

    def on_KpiMeasured(self, sql: Sql, e: Any, position: int) -> None:
        kpi, row = self._context(sql, e)
        self._write(
            sql,
            e,
            position,
            row,
            say.kpi_measured(
                row.language,
                self._actor(sql, e, row.language),
                _name(kpi),
                e.value,
                "" if kpi is None else kpi.detail,
            ),
        )

    def on_KpiCorridorChanged(self, sql: Sql, e: Any, position: int) -> None:
        kpi, row = self._context(sql, e)
        self._write(
            sql,
            e,
            position,
            row,
            say.kpi_corridor_changed(
                row.language,
                self._actor(sql, e, row.language),
                _name(kpi),
                e.lower,
                e.upper,
                "" if kpi is None else kpi.detail,
                e.reason,
            ),
        )

    def on_KpiRetired(self, sql: Sql, e: Any, position: int) -> None:
        kpi, row = self._context(sql, e)
        self._write(
            sql,
            e,
            position,
            row,
            say.kpi_retired(row.language, self._actor(sql, e, row.language), _name(kpi), e.reason),
        )

    def on_KeyResultGraduated(self, sql: Sql, e: Any, position: int) -> None:
        kpi, row = self._context(sql, e)
        kr = self._named(sql, e.key_result_id)
        row.objective_id, row.key_result_id = text(e.objective_id), text(e.key_result_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.key_result_graduated(
                row.language, self._actor(sql, e, row.language), _name(kr), _name(kpi)
            ),
        )
