"""Cycles and a unit's cycle: defined, renamed, objectives committed and withdrawn,
reflections, closing."""

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


class CycleChanges(TimelineRows):
    """The timeline's handlers for cycles and a unit's cycle."""

    def on_CycleDefined(self, sql: Sql, e: Any, position: int) -> None:
        org = self._named(sql, e.organization_id)
        language = DEFAULT_LANGUAGE if org is None else org.language
        cycle = text(e.originator_id)
        self._remember(
            sql,
            e.originator_id,
            Named("cycle", e.label, language, text(e.organization_id), cycle_id=cycle),
        )
        self._write(
            sql,
            e,
            position,
            _Row(text(e.organization_id), cycle_id=cycle, language=language),
            say.cycle_defined(language, self._actor(sql, e, language), e.label, e.start, e.end),
        )

    def on_CycleRenamed(self, sql: Sql, e: Any, position: int) -> None:
        old = self._named(sql, e.originator_id)
        row = _Row.within(old, DEFAULT_LANGUAGE)
        self._rename(sql, e.originator_id, e.label, row.language)
        self._write(
            sql,
            e,
            position,
            row,
            say.cycle_renamed(row.language, self._actor(sql, e, row.language), _name(old), e.label),
        )

    # --- a unit's cycle ------------------------------------------------------------------

    def on_TeamCycleOpened(self, sql: Sql, e: Any, position: int) -> None:
        unit = self._named(sql, e.unit_id)
        cycle = self._named(sql, e.cycle_id)
        language = DEFAULT_LANGUAGE if unit is None else unit.language
        org, unit_id, cycle_id = text(e.organization_id), text(e.unit_id), text(e.cycle_id)
        self._remember(
            sql, e.originator_id, Named("team_cycle", "", language, org, unit_id, cycle_id)
        )
        self._write(
            sql,
            e,
            position,
            _Row(org, unit_id, cycle_id, language=language),
            say.team_cycle_opened(
                language, self._actor(sql, e, language), _name(unit), _name(cycle)
            ),
        )

    def on_ObjectiveCommitted(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        # Normally unknown yet: the unit's set is saved just before the objective itself;
        # on_ObjectiveSet rewrites this row once the objective has a title and a language.
        objective = self._named(sql, e.objective_id)
        if objective is not None:
            row.language = objective.language
        row.objective_id = text(e.objective_id)
        unit = self._named(sql, row.unit_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.objective_committed(
                row.language, self._actor(sql, e, row.language), _name(unit), _name(objective)
            ),
        )

    def on_ObjectiveWithdrawn(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        objective = self._named(sql, e.objective_id)
        if objective is not None:
            row.language = objective.language
        row.objective_id = text(e.objective_id)
        unit = self._named(sql, row.unit_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.objective_withdrawn(
                row.language,
                self._actor(sql, e, row.language),
                _name(unit),
                _name(objective),
                e.reason,
            ),
        )

    def on_ReflectionRecorded(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        texts = [e.keep_doing, e.stop_doing, e.start_doing, e.learnings]
        row.language = detect_language(texts, default=row.language)
        unit, cycle = self._named(sql, row.unit_id), self._named(sql, row.cycle_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.reflection_recorded(
                row.language, self._actor(sql, e, row.language), _name(unit), _name(cycle), *texts
            ),
        )

    def on_TeamCycleClosed(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        row.language = detect_language([e.note], default=row.language)
        unit, cycle = self._named(sql, row.unit_id), self._named(sql, row.cycle_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.team_cycle_closed(
                row.language, self._actor(sql, e, row.language), _name(unit), _name(cycle), e.note
            ),
        )
