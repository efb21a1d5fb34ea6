"""Objectives and their key results: set, reworded, aligned, adjusted, checked in,
dropped, closed, reopened."""

from __future__ import annotations

from typing import Any

from okr_es.aggregates.key_result import Measure, is_easier
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


class ObjectiveChanges(TimelineRows):
    """The timeline's handlers for objectives and their key results."""

    def on_ObjectiveSet(self, sql: Sql, e: Any, position: int) -> None:
        unit = self._named(sql, e.unit_id)
        default = DEFAULT_LANGUAGE if unit is None else unit.language
        language = detect_language([e.title, e.why], default=default)
        objective = text(e.originator_id)
        org, unit_id, cycle_id = text(e.organization_id), text(e.unit_id), text(e.cycle_id)
        self._remember(
            sql,
            e.originator_id,
            Named("objective", e.title, language, org, unit_id, cycle_id, objective),
        )
        self._name_commitment(sql, objective, e.title, language, _name(unit))
        self._write(
            sql,
            e,
            position,
            _Row(org, unit_id, cycle_id, objective, language=language),
            say.objective_set(
                language, self._actor(sql, e, language), e.title, e.why, e.carry_over_reason
            ),
        )

    def on_ObjectiveReworded(self, sql: Sql, e: Any, position: int) -> None:
        old, row = self._context(sql, e)
        unit = self._named(sql, row.unit_id)
        default = DEFAULT_LANGUAGE if unit is None else unit.language
        row.language = detect_language([e.title, e.why], default=default)
        self._rename(sql, e.originator_id, e.title, row.language)
        self._write(
            sql,
            e,
            position,
            row,
            say.objective_reworded(
                row.language, self._actor(sql, e, row.language), _name(old), e.title, e.why
            ),
        )

    def on_OwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        owner = self._named(sql, e.owner_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.owner_changed(
                row.language, self._actor(sql, e, row.language), _name(objective), _name(owner)
            ),
        )

    def on_ObjectiveAligned(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        parent = self._named(sql, e.key_result_id if e.key_result_id else e.objective_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.objective_aligned(
                row.language, self._actor(sql, e, row.language), _name(objective), _name(parent)
            ),
        )

    def on_KeyResultAdded(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        row.key_result_id = text(e.key_result_id)
        self._remember(
            sql,
            e.key_result_id,
            Named(
                "key_result",
                e.title,
                row.language,
                row.organization_id,
                row.unit_id,
                row.cycle_id,
                row.objective_id,
                detail=e.metric,
            ),
        )
        self._write(
            sql,
            e,
            position,
            row,
            say.key_result_added(
                row.language, self._actor(sql, e, row.language), _name(objective), e.title
            ),
        )

    def on_KeyResultAdjusted(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        row.key_result_id = text(e.key_result_id)
        kr = self._named(sql, e.key_result_id)
        metric = "increase" if kr is None else kr.detail
        easier = is_easier(
            metric,
            Measure(metric, e.previous_start, e.previous_target, e.unit),
            Measure(metric, e.start, e.target, e.unit),
        )
        self._rename(sql, e.key_result_id, e.title, row.language)
        self._write(
            sql,
            e,
            position,
            row,
            say.key_result_adjusted(
                row.language,
                self._actor(sql, e, row.language),
                _name(kr),
                e.title,
                e.previous_start,
                e.start,
                e.previous_target,
                e.target,
                easier,
                e.reason,
            ),
        )

    def on_KeyResultRemoved(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        row.key_result_id = text(e.key_result_id)
        kr = self._named(sql, e.key_result_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.key_result_removed(
                row.language,
                self._actor(sql, e, row.language),
                _name(objective),
                _name(kr),
                e.reason,
            ),
        )

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        row.key_result_id = text(e.key_result_id)
        kr = self._named(sql, row.key_result_id)
        milestone = kr is not None and kr.detail == "milestone"
        self._write(
            sql,
            e,
            position,
            row,
            say.check_in_made(
                row.language,
                self._actor(sql, e, row.language),
                _name(kr),
                e.value,
                e.status,
                e.comment,
                e.blockers,
                milestone,
                e.confidence,
            ),
        )

    def on_ObjectiveDropped(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.objective_dropped, e.reason)

    def on_ObjectiveClosed(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        scores = list(e.scores.values())
        score = sum(scores) / len(scores) if scores else None
        self._write(
            sql,
            e,
            position,
            row,
            say.objective_closed(
                row.language, self._actor(sql, e, row.language), _name(objective), score, e.note
            ),
        )

    def on_ObjectiveReopened(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.objective_reopened, e.reason)

    def on_KeyResultWeighted(self, sql: Sql, e: Any, position: int) -> None:
        objective, row = self._context(sql, e)
        row.key_result_id = text(e.key_result_id)
        kr = self._named(sql, e.key_result_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.key_result_weighted(
                row.language,
                self._actor(sql, e, row.language),
                _name(objective),
                _name(kr),
                e.weight,
            ),
        )

    def on_RollUpModeChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.roll_up_mode_changed, e.mode)
