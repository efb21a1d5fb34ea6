"""Initiatives: started, linked, due date changed, progressed, completed, stopped."""

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


class InitiativeChanges(TimelineRows):
    """The timeline's handlers for initiatives."""

    def on_InitiativeStarted(self, sql: Sql, e: Any, position: int) -> None:
        unit = self._named(sql, e.unit_id)
        default = DEFAULT_LANGUAGE if unit is None else unit.language
        language = detect_language([e.title], default=default)
        org, unit_id = text(e.organization_id), text(e.unit_id)
        self._remember(sql, e.originator_id, Named("initiative", e.title, language, org, unit_id))
        owner = self._named(sql, e.owner_id)
        self._write(
            sql,
            e,
            position,
            _Row(org, unit_id, language=language),
            say.initiative_started(language, self._actor(sql, e, language), e.title, _name(owner)),
        )

    def on_InitiativeLinked(self, sql: Sql, e: Any, position: int) -> None:
        initiative, row = self._context(sql, e)
        objective, kr = self._named(sql, e.objective_id), self._named(sql, e.key_result_id)
        # The link ties the work to a cycle: the one of the key result it should move.
        row.cycle_id = None if objective is None else objective.cycle_id
        row.objective_id, row.key_result_id = text(e.objective_id), text(e.key_result_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.initiative_linked(
                row.language, self._actor(sql, e, row.language), _name(initiative), _name(kr)
            ),
        )

    def on_InitiativeDueDateChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_due_date_changed, e.due_on)

    def on_InitiativeProgressed(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_progressed, e.percent_complete, e.note)

    def on_InitiativeCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_completed, e.note)

    def on_InitiativeStopped(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_stopped, e.reason)

    def on_InitiativeOwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        owner = self._named(sql, e.owner_id)
        self._about_subject(sql, e, position, say.initiative_owner_changed, _name(owner))
