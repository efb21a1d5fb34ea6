"""How the change timeline writes a row and remembers names: the base of its handlers.

Each row is keyed by its log position; names (members, units, objectives, key results)
come from the timeline's own name table, filled from the same events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from okr_es.projections import sentences as say
from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql
from okr_es.vocabulary.language import Language

# Organisations register in Norway first; an inconclusive name is read as Norwegian.
DEFAULT_LANGUAGE: Language = "nb"


class TimelineRows(Projection):
    """Writing rows and naming things, shared by every handler of the timeline."""

    def _write(self, sql: Sql, e: Any, position: int, row: _Row, sentence: str) -> None:
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        by = self._named(sql, e.by)
        sql.run(
            "INSERT INTO rm_timeline VALUES (:position, :org, :unit, :cycle, :aggregate, "
            ":aggregate_type, :event_type, :by, :by_name, :recorded, :effective, :language, "
            ":sentence, :objective, :key_result) ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "org": row.organization_id or "",
                "unit": row.unit_id,
                "cycle": row.cycle_id,
                "aggregate": text(e.originator_id),
                "aggregate_type": _aggregate_type(e),
                "event_type": type(e).__name__,
                "by": text(e.by),
                "by_name": "" if by is None else by.name,
                "recorded": e.timestamp.isoformat(),
                "effective": _effective_at(e).isoformat(),
                "language": row.language,
                "sentence": sentence,
                "objective": row.objective_id,
                "key_result": row.key_result_id,
            },
        )

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

    @staticmethod
    def _named(sql: Sql, id_: Any) -> Named | None:
        if id_ is None:
            return None
        row = sql.one(
            "SELECT kind, name, language, organization_id, unit_id, cycle_id, objective_id, "
            "detail FROM rm_timeline_names WHERE id = :id",
            {"id": str(id_)},
        )
        return None if row is None else Named(*row)

    @staticmethod
    def _remember(sql: Sql, id_: Any, named: Named) -> None:
        sql.run(
            "INSERT INTO rm_timeline_names VALUES (:id, :kind, :name, :language, :org, :unit, "
            ":cycle, :objective, :detail) ON CONFLICT (id) DO UPDATE SET name = :name, "
            "language = :language",
            {
                "id": str(id_),
                "kind": named.kind,
                "name": named.name,
                "language": named.language,
                "org": named.organization_id,
                "unit": named.unit_id,
                "cycle": named.cycle_id,
                "objective": named.objective_id,
                "detail": named.detail,
            },
        )

    @staticmethod
    def _rename(sql: Sql, id_: Any, name: str, language: Language) -> None:
        sql.run(
            "UPDATE rm_timeline_names SET name = :name, language = :language WHERE id = :id",
            {"name": name, "language": language, "id": str(id_)},
        )

    def _name_earlier_rows(self, sql: Sql, member_id: str | None, name: str) -> None:
        """Name the founder in the registration row written before they were a member."""
        rows = sql.all(
            "SELECT position, event_type, aggregate_id, language FROM rm_timeline "
            "WHERE by_member = :id AND by_name = ''",
            {"id": member_id},
        )
        for position, event_type, aggregate_id, language in rows:
            sentence = None
            if event_type == "OrganizationRegistered":
                org = self._named(sql, aggregate_id)
                sentence = say.organization_registered(language, name, _name(org) or "")
            sql.run(
                "UPDATE rm_timeline SET by_name = :name, "
                "sentence = COALESCE(:sentence, sentence) WHERE position = :position",
                {"name": name, "sentence": sentence, "position": position},
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
        for position, by_name in rows:
            sql.run(
                "UPDATE rm_timeline SET language = :language, sentence = :sentence "
                "WHERE position = :position",
                {
                    "language": language,
                    "sentence": say.objective_committed(
                        language, say.who(by_name, language), unit, title
                    ),
                    "position": position,
                },
            )


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
