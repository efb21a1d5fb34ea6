"""The change timeline: every event of every aggregate as one row with a human sentence.

Retrospectives and auditors read it per unit and cycle (or per organisation) in log
order: who did what to which objective or key result, when it was recorded and when it
took effect in business time. Sentences speak the language of the content (Norwegian
bokmål or English), worded by the pure functions in :mod:`okr_es.projections.sentences`.

To name members, units, objectives and key results the projection keeps its own name
table (``rm_timeline_names``), filled from the same events: it never reads another read
model, which may stand at a different position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from okr_es.projections import sentences as say
from okr_es.projections.change_timeline.cycles import CycleChanges
from okr_es.projections.change_timeline.initiatives import InitiativeChanges
from okr_es.projections.change_timeline.kpis import KpiChanges
from okr_es.projections.change_timeline.meetings import MeetingChanges
from okr_es.projections.change_timeline.objectives import ObjectiveChanges
from okr_es.projections.change_timeline.organizations import OrganizationChanges
from okr_es.projections.change_timeline.rows import DEFAULT_LANGUAGE, _Pending, _Row
from okr_es.projections.sql import Sql

__all__ = ["ChangeTimeline"]


class ChangeTimeline(
    OrganizationChanges,
    CycleChanges,
    ObjectiveChanges,
    InitiativeChanges,
    KpiChanges,
    MeetingChanges,
):
    name: ClassVar[str] = "change_timeline"
    tables: ClassVar[tuple[str, ...]] = ("rm_timeline", "rm_timeline_names")
    read_indexes: ClassVar[tuple[str, ...]] = ("rm_timeline_unit_cycle", "rm_timeline_org")
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_timeline (position INTEGER PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT, cycle_id TEXT, "
        "aggregate_id TEXT NOT NULL, aggregate_type TEXT NOT NULL, event_type TEXT NOT NULL, "
        "by_member TEXT NOT NULL, by_name TEXT NOT NULL, recorded_at TEXT NOT NULL, "
        "effective_at TEXT NOT NULL, language TEXT NOT NULL, sentence TEXT NOT NULL, "
        "objective_id TEXT, key_result_id TEXT)",
        "CREATE INDEX IF NOT EXISTS rm_timeline_unit_cycle ON rm_timeline "
        "(unit_id, cycle_id, position)",
        "CREATE INDEX IF NOT EXISTS rm_timeline_org ON rm_timeline (organization_id, position)",
        # The lookups of _name_commitment and _name_earlier_rows; partial, so the few rows
        # they look for are indexed and the rest cost no index writes.
        "CREATE INDEX IF NOT EXISTS rm_timeline_commitments ON rm_timeline (objective_id) "
        "WHERE event_type = 'ObjectiveCommitted'",
        "CREATE INDEX IF NOT EXISTS rm_timeline_unnamed ON rm_timeline (by_member) "
        "WHERE by_name = ''",
        # kind: organization, unit, member, token, cycle, team_cycle, objective, key_result,
        # initiative or kpi; detail: a unit's kind, a key result's metric, a KPI's unit.
        "CREATE TABLE IF NOT EXISTS rm_timeline_names (id TEXT PRIMARY KEY, "
        "kind TEXT NOT NULL, name TEXT NOT NULL, language TEXT NOT NULL, "
        "organization_id TEXT, unit_id TEXT, cycle_id TEXT, objective_id TEXT, "
        "detail TEXT NOT NULL)",
    )

    def __init__(self) -> None:
        super().__init__()
        self._handlers: dict[type, Callable[[Sql, Any, int], None] | None] = {}

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        """Names are read once per batch and kept in memory, rows and names are written
        at the end of the batch: a few statements per batch, not several per event."""
        self._pending = _Pending()
        try:
            self._pending.read_names(sql, (event for _, event in batch))
            super().apply_batch(sql, batch)
            self._pending.write(sql)
        finally:
            self._pending = None

    def apply(self, sql: Sql, event: Any, position: int) -> None:
        """Every event gets a row: those without a handler get a plain, generic sentence."""
        if self._pending is None:
            self.apply_batch(sql, [(position, event)])
            return
        kind = type(event)
        handlers = self._handlers
        if kind in handlers:
            handler = handlers[kind]
        else:
            # Looked up once per kind of event, not once per event.
            handler = handlers[kind] = getattr(self, "on_" + kind.__name__, None)
        if handler is not None:
            handler(sql, event, position)
            return
        subject = self._named(sql, event.originator_id)
        row = _Row.within(subject, DEFAULT_LANGUAGE)
        name = None if subject is None else subject.name
        self._write(
            sql,
            event,
            position,
            row,
            say.other_change(
                row.language, self._actor(sql, event, row.language), type(event).__name__, name
            ),
        )
