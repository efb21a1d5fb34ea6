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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from dataclasses import field as _field
from datetime import datetime
from typing import Any, ClassVar, NamedTuple, get_type_hints
from uuid import UUID

from okr_es.aggregates.key_result import Measure, is_easier
from okr_es.learning.language import Language, detect_language
from okr_es.projections import sentences as say
from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql

# Organisations register in Norway first; an inconclusive name is read as Norwegian.
DEFAULT_LANGUAGE: Language = "nb"


class ChangeTimeline(Projection):
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
        self._pending: _Pending | None = None

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
        handler = getattr(self, "on_" + type(event).__name__, None)
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

    # --- organisation --------------------------------------------------------------------

    def on_OrganizationRegistered(self, sql: Sql, e: Any, position: int) -> None:
        org, root = text(e.originator_id), text(e.root_unit_id)
        language = detect_language([e.name], default=DEFAULT_LANGUAGE)
        self._remember(sql, e.originator_id, Named("organization", e.name, language, org))
        self._remember(
            sql, e.root_unit_id, Named("unit", e.name, language, org, root, detail="organisation")
        )
        # The founder is added as a member by the next event of this save; until then the
        # row names "someone", and MemberAdded fills in the name (see _name_earlier_rows).
        actor = self._actor(sql, e, language)
        self._write(
            sql,
            e,
            position,
            _Row(org, root, language=language),
            say.organization_registered(language, actor, e.name),
        )

    def on_UnitAdded(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        language = detect_language([e.name], default=org.language)
        parent = self._named(sql, e.parent_id)
        self._remember(
            sql,
            e.unit_id,
            Named("unit", e.name, language, org.organization_id, text(e.unit_id), detail=e.kind),
        )
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, text(e.unit_id), language=language),
            say.unit_added(language, self._actor(sql, e, language), e.name, e.kind, _name(parent)),
        )

    def on_UnitRenamed(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        old = self._named(sql, e.unit_id)
        language = detect_language([e.name], default=org.language)
        self._rename(sql, e.unit_id, e.name, language)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, text(e.unit_id), language=language),
            say.unit_renamed(language, self._actor(sql, e, language), _name(old), e.name),
        )

    def on_UnitMoved(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        parent = self._named(sql, e.parent_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.unit_moved(
                row.language, self._actor(sql, e, row.language), _name(unit), _name(parent)
            ),
        )

    def on_UnitArchived(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.unit_archived(
                row.language, self._actor(sql, e, row.language), _name(unit), e.reason
            ),
        )

    def on_MemberAdded(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        # Remembered first, so a founder adding themself is already named in this row.
        self._remember(sql, e.member_id, Named("member", e.name, org.language, org.organization_id))
        self._name_earlier_rows(sql, text(e.member_id), e.name)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.member_added(org.language, self._actor(sql, e, org.language), e.name),
        )

    def on_RoleGranted(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.role_granted(
                row.language, self._actor(sql, e, row.language), _name(member), e.role, _name(unit)
            ),
        )

    def on_RoleRevoked(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.role_revoked(
                row.language, self._actor(sql, e, row.language), _name(member), e.role, _name(unit)
            ),
        )

    def on_PolicyChanged(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.policy_changed(
                org.language,
                self._actor(sql, e, org.language),
                e.max_objectives,
                e.min_key_results,
                e.max_key_results,
                e.mode,
            ),
        )

    def on_AccessTokenIssued(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        self._remember(sql, e.token_id, Named("token", e.label, org.language, org.organization_id))
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.access_token_issued(
                org.language, self._actor(sql, e, org.language), _name(member), e.label
            ),
        )

    def on_AccessTokenRevoked(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        token = self._named(sql, e.token_id)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.access_token_revoked(org.language, self._actor(sql, e, org.language), _name(token)),
        )

    # --- cycles --------------------------------------------------------------------------

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

    # --- objectives ----------------------------------------------------------------------

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
        kr = self._named(sql, e.key_result_id)
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

    # --- initiatives ---------------------------------------------------------------------

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

    def on_InitiativeProgressed(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_progressed, e.percent_complete, e.note)

    def on_InitiativeCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_completed, e.note)

    def on_InitiativeStopped(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.initiative_stopped, e.reason)

    # --- KPIs ----------------------------------------------------------------------------

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

    # --- helpers -------------------------------------------------------------------------

    def _write(self, sql: Sql, e: Any, position: int, row: _Row, sentence: str) -> None:
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        by = self._named(sql, e.by)
        self._batch.add_row(
            {
                # By column, in the table's order.
                "position": position,
                "organization_id": row.organization_id or "",
                "unit_id": row.unit_id,
                "cycle_id": row.cycle_id,
                "aggregate_id": text(e.originator_id),
                "aggregate_type": _aggregate_type(e),
                "event_type": type(e).__name__,
                "by_member": text(e.by),
                "by_name": "" if by is None else by.name,
                "recorded_at": e.timestamp.isoformat(),
                "effective_at": _effective_at(e).isoformat(),
                "language": row.language,
                "sentence": sentence,
                "objective_id": row.objective_id,
                "key_result_id": row.key_result_id,
            },
        )

    @property
    def _batch(self) -> _Pending:
        assert self._pending is not None, "handlers run inside apply_batch"
        return self._pending

    def _actor(self, sql: Sql, e: Any, language: Language) -> str:
        return say.who(_name(self._named(sql, e.by)), language)

    def _about_subject(
        self, sql: Sql, e: Any, position: int, sentence: Callable[..., str], *details: Any
    ) -> None:
        """The common case: '<who> <did what> to <the event's own aggregate>: <details>'."""
        subject, row = self._context(sql, e)
        actor = self._actor(sql, e, row.language)
        self._write(sql, e, position, row, sentence(row.language, actor, _name(subject), *details))

    def _context(self, sql: Sql, e: Any) -> tuple[Named | None, _Row]:
        """The event's own aggregate as remembered, and a row placed where it belongs."""
        subject = self._named(sql, e.originator_id)
        return subject, _Row.within(subject, DEFAULT_LANGUAGE)

    def _organization(self, sql: Sql, e: Any) -> Named:
        org = self._named(sql, e.originator_id)
        if org is None:  # an organisation event always follows its registration
            return Named("organization", "", DEFAULT_LANGUAGE, text(e.originator_id))
        return org

    def _unit_row(self, sql: Sql, e: Any, unit_id: Any) -> tuple[Named | None, _Row]:
        """An organisation event about a unit: the row sits with the unit, in its language."""
        org = self._organization(sql, e)
        unit = None if unit_id is None else self._named(sql, unit_id)
        language = org.language if unit is None else unit.language
        return unit, _Row(org.organization_id, text(unit_id), language=language)

    def _named(self, sql: Sql, id_: Any) -> Named | None:
        if id_ is None:
            return None
        return self._batch.named(sql, id_ if isinstance(id_, str) else str(text(id_)))

    def _remember(self, sql: Sql, id_: Any, named: Named) -> None:
        # As an upsert: a name already known keeps its kind and place, takes the new name.
        known = self._named(sql, id_)
        if known is not None:
            named = known._replace(name=named.name, language=named.language)
        self._batch.change_name(str(id_), named)

    def _rename(self, sql: Sql, id_: Any, name: str, language: Language) -> None:
        known = self._named(sql, id_)
        if known is not None:
            self._batch.change_name(str(id_), known._replace(name=name, language=language))

    def _name_earlier_rows(self, sql: Sql, member_id: str | None, name: str) -> None:
        """Name the founder in the registration row written before they were a member."""
        rows = sql.all(
            "SELECT position, event_type, aggregate_id, language FROM rm_timeline "
            "WHERE by_member = :id AND by_name = ''",
            {"id": member_id},
        )
        unwritten = self._batch.unnamed_rows(member_id)
        rows += [
            (r["position"], r["event_type"], r["aggregate_id"], r["language"]) for r in unwritten
        ]
        changes = []
        for position, event_type, aggregate_id, language in rows:
            sentence = None
            if event_type == "OrganizationRegistered":
                org = self._named(sql, aggregate_id)
                sentence = say.organization_registered(language, name, _name(org) or "")
            changes.append({"name": name, "sentence": sentence, "position": position})
        self._batch.update_rows(
            sql,
            "UPDATE rm_timeline SET by_name = :name, "
            "sentence = COALESCE(:sentence, sentence) WHERE position = :position",
            changes,
        )

    def _name_commitment(
        self,
        sql: Sql,
        objective_id: str | None,
        title: str,
        language: Language,
        unit: str | None,
    ) -> None:
        """Reword the unit's commitment, saved just before the objective it names."""
        rows = sql.all(
            "SELECT position, by_name FROM rm_timeline "
            "WHERE objective_id = :id AND event_type = 'ObjectiveCommitted'",
            {"id": objective_id},
        )
        rows += [(r["position"], r["by_name"]) for r in self._batch.commitments(objective_id)]
        self._batch.update_rows(
            sql,
            "UPDATE rm_timeline SET language = :language, sentence = :sentence "
            "WHERE position = :position",
            [
                {
                    "language": language,
                    "sentence": say.objective_committed(
                        language, say.who(by_name, language), unit, title
                    ),
                    "position": position,
                }
                for position, by_name in rows
            ],
        )


@dataclass
class _Pending:
    """One batch's names (as read, and as changed since) and rows not yet written."""

    names: dict[str, Named | None] = _field(default_factory=dict)
    changed_names: set[str] = _field(default_factory=set)
    rows: dict[int, dict[str, Any]] = _field(default_factory=dict)
    unnamed: dict[str, list[dict[str, Any]]] = _field(default_factory=dict)
    committed: dict[str, list[dict[str, Any]]] = _field(default_factory=dict)

    def read_names(self, sql: Sql, events: Iterable[Any]) -> None:
        """Everything the batch's events name, in one read."""
        ids: set[str] = set()
        for event in events:
            for name in _id_fields(type(event)):
                value = getattr(event, name, None)
                if isinstance(value, UUID):
                    ids.add(str(text(value)))
        self.names.update(dict.fromkeys(ids))
        for id_, *named in sql.all_among(
            "SELECT id, kind, name, language, organization_id, unit_id, cycle_id, "
            "objective_id, detail FROM rm_timeline_names WHERE id {among}",
            ids,
        ):
            self.names[id_] = Named(*named)

    def named(self, sql: Sql, id_: str) -> Named | None:
        if id_ not in self.names:
            row = sql.one(
                "SELECT kind, name, language, organization_id, unit_id, cycle_id, "
                "objective_id, detail FROM rm_timeline_names WHERE id = :id",
                {"id": id_},
            )
            self.names[id_] = None if row is None else Named(*row)
        return self.names[id_]

    def change_name(self, id_: str, named: Named) -> None:
        self.names[id_] = named
        self.changed_names.add(id_)

    def add_row(self, row: dict[str, Any]) -> None:
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        if row["position"] in self.rows:
            return
        self.rows[row["position"]] = row
        if row["by_name"] == "":
            self.unnamed.setdefault(row["by_member"], []).append(row)
        if row["event_type"] == "ObjectiveCommitted":
            self.committed.setdefault(row["objective_id"], []).append(row)

    def unnamed_rows(self, member_id: str | None) -> list[dict[str, Any]]:
        """The rows by a member not named yet (the caller names them all)."""
        return self.unnamed.pop(member_id or "", [])

    def commitments(self, objective_id: str | None) -> list[dict[str, Any]]:
        return self.committed.get(objective_id or "", [])

    def update_rows(self, sql: Sql, statement: str, changes: Sequence[dict[str, Any]]) -> None:
        """Change rows by position: those not written yet in memory, the others in place."""
        written = []
        for change in changes:
            row = self.rows.get(change["position"])
            if row is None:
                written.append(change)
                continue
            for column, value in change.items():
                # Columns by the name of their parameter; a NULL sentence keeps the old one.
                if value is not None:
                    row["by_name" if column == "name" else column] = value
        sql.many(statement, written)

    def write(self, sql: Sql) -> None:
        sql.many(
            "INSERT INTO rm_timeline_names VALUES (:id, :kind, :name, :language, :org, :unit, "
            ":cycle, :objective, :detail) ON CONFLICT (id) DO UPDATE SET name = :name, "
            "language = :language",
            [_name_row(id_, self.names[id_]) for id_ in self.changed_names],
        )
        sql.insert_rows(
            "rm_timeline",
            list(self.rows.values()),
            "ON CONFLICT (position) DO NOTHING",
        )



def _name_row(id_: str, named: Named | None) -> dict[str, Any]:
    assert named is not None
    return {
        "id": id_,
        "kind": named.kind,
        "name": named.name,
        "language": named.language,
        "org": named.organization_id,
        "unit": named.unit_id,
        "cycle": named.cycle_id,
        "objective": named.objective_id,
        "detail": named.detail,
    }


_ID_FIELDS: dict[type, tuple[str, ...]] = {}


def _id_fields(event_type: type) -> tuple[str, ...]:
    """The fields of an event class that may hold an id (looked up once per class)."""
    if event_type not in _ID_FIELDS:
        names = [f.name for f in fields(event_type)] if is_dataclass(event_type) else []
        try:
            hints = get_type_hints(event_type)
            names = [
                name
                for name in names
                if name == "originator_id" or "UUID" in str(hints.get(name, "UUID"))
            ]
        except (NameError, TypeError):  # an annotation it cannot resolve: try every field
            pass
        _ID_FIELDS[event_type] = tuple(names)
    return _ID_FIELDS[event_type]


class Named(NamedTuple):
    """What the timeline remembers about one thing it may have to name."""

    kind: str
    name: str
    language: Language
    organization_id: str | None
    unit_id: str | None = None
    cycle_id: str | None = None
    objective_id: str | None = None
    detail: str = ""


@dataclass
class _Row:
    """Where a timeline row belongs and which language it speaks."""

    organization_id: str | None
    unit_id: str | None = None
    cycle_id: str | None = None
    objective_id: str | None = None
    key_result_id: str | None = None
    language: Language = DEFAULT_LANGUAGE

    @classmethod
    def within(cls, subject: Named | None, default: Language) -> _Row:
        if subject is None:
            return cls(None, language=default)
        return cls(
            subject.organization_id,
            subject.unit_id,
            subject.cycle_id,
            subject.objective_id,
            language=subject.language,
        )


def _name(named: Named | None) -> str | None:
    return None if named is None else named.name


def _aggregate_type(e: Any) -> str:
    # Events are nested in their aggregate class: Objective.CheckInMade → "Objective".
    outer, _, _ = type(e).__qualname__.rpartition(".")
    return outer or type(e).__module__.rpartition(".")[2]


def _effective_at(e: Any) -> datetime:
    """The event's business time where it has one, else when it was recorded."""
    for field in ("effective_at", "checked_in_at", "measured_at"):
        value = getattr(e, field, None)
        if value is not None:
            return value  # type: ignore[no-any-return]
    return e.timestamp  # type: ignore[no-any-return]
