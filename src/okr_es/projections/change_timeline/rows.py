"""How the change timeline writes a row and remembers names: the base of its handlers.

Each row is keyed by its log position; names (members, units, objectives, key results)
come from the timeline's own name table, filled from the same events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from dataclasses import field as _field
from datetime import datetime
from typing import Any, NamedTuple, get_type_hints
from uuid import UUID

from okr_es.projections import sentences as say
from okr_es.projections.base import Projection, id_text, text
from okr_es.projections.sql import Sql
from okr_es.vocabulary.language import Language

# Organisations register in Norway first; an inconclusive name is read as Norwegian.
DEFAULT_LANGUAGE: Language = "nb"


class TimelineRows(Projection):
    """Writing rows and naming things, shared by every handler of the timeline.

    Handlers run inside a batch (see ``ChangeTimeline.apply_batch``): names are read once
    per batch and kept in memory, rows and names are written at the batch's end."""

    def __init__(self) -> None:
        self._pending: _Pending | None = None

    def _write(self, sql: Sql, e: Any, position: int, row: _Row, sentence: str) -> None:
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        kind = type(e)
        by_member = text(e.by)
        by = self._named(sql, by_member)
        self._batch.add_row(
            {
                # By column, in the table's order.
                "position": position,
                "organization_id": row.organization_id or "",
                "unit_id": row.unit_id,
                "cycle_id": row.cycle_id,
                "aggregate_id": text(e.originator_id),
                "aggregate_type": _AGGREGATE_TYPES.get(kind) or _aggregate_type(e),
                "event_type": kind.__name__,
                "by_member": by_member,
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
        # Four or five lookups per event, nearly all of names the batch read up front.
        if id_ is None:
            return None
        key = id_ if id_.__class__ is str else id_text(id_)
        pending = self._pending
        assert pending is not None, "handlers run inside apply_batch"
        names = pending.names
        return names[key] if key in names else pending.named(sql, key)

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
        rows = self._batch.written_unnamed(sql, member_id)
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
        rows = self._batch.written_commitments(sql, objective_id)
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

    # Rows of earlier batches the handlers look for (by objective or member id): read for
    # the whole batch in one statement each, not one per event.
    earlier_commitments: dict[str, list[tuple[Any, ...]]] | None = None
    earlier_unnamed: dict[str, list[tuple[Any, ...]]] | None = None

    def read_names(self, sql: Sql, events: Iterable[Any]) -> None:
        """Everything the batch's events name, in one read; and the rows of earlier
        batches that its objectives and members will name."""
        # By number first: a batch names the same few ids again and again, each turned
        # into text once.
        numbers: dict[int, UUID] = {}
        objectives: set[str] = set()
        members: set[str] = set()
        for event in events:
            event_type = type(event)
            for name in _ID_FIELDS.get(event_type) or _id_fields(event_type):
                value = getattr(event, name, None)
                if isinstance(value, UUID):
                    numbers[value.int] = value
            kind = event_type.__name__
            if kind == "ObjectiveSet":
                objectives.add(id_text(event.originator_id))
            elif kind == "MemberAdded":
                members.add(id_text(event.member_id))
        ids = {id_text(value) for value in numbers.values()}
        self.names.update(dict.fromkeys(ids))
        for id_, *named in sql.all_among(
            "SELECT id, kind, name, language, organization_id, unit_id, cycle_id, "
            "objective_id, detail FROM rm_timeline_names WHERE id {among}",
            ids,
        ):
            self.names[id_] = Named(*named)
        self.earlier_commitments = {objective: [] for objective in objectives}
        for objective, *row in sql.all_among(
            "SELECT objective_id, position, by_name FROM rm_timeline "
            "WHERE event_type = 'ObjectiveCommitted' AND objective_id {among} ORDER BY position",
            objectives,
        ):
            self.earlier_commitments[objective].append(tuple(row))
        self.earlier_unnamed = {member: [] for member in members}
        for member, *row in sql.all_among(
            "SELECT by_member, position, event_type, aggregate_id, language FROM rm_timeline "
            "WHERE by_name = '' AND by_member {among} ORDER BY position",
            members,
        ):
            self.earlier_unnamed[member].append(tuple(row))

    def written_commitments(self, sql: Sql, objective_id: str | None) -> list[tuple[Any, ...]]:
        """The unit commitments of an objective in rows of earlier batches."""
        if self.earlier_commitments is not None and objective_id in self.earlier_commitments:
            return list(self.earlier_commitments[objective_id])
        return sql.all(
            "SELECT position, by_name FROM rm_timeline "
            "WHERE objective_id = :id AND event_type = 'ObjectiveCommitted' ORDER BY position",
            {"id": objective_id},
        )

    def written_unnamed(self, sql: Sql, member_id: str | None) -> list[tuple[Any, ...]]:
        """Rows of earlier batches by a member not named yet (the caller names them all:
        found once)."""
        if self.earlier_unnamed is not None and member_id in self.earlier_unnamed:
            return self.earlier_unnamed.pop(member_id)
        return sql.all(
            "SELECT position, event_type, aggregate_id, language FROM rm_timeline "
            "WHERE by_member = :id AND by_name = '' ORDER BY position",
            {"id": member_id},
        )

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
    kind = type(e)
    known = _AGGREGATE_TYPES.get(kind)
    if known is None:
        # Events are nested in their aggregate class: Objective.CheckInMade → "Objective".
        outer, _, _ = kind.__qualname__.rpartition(".")
        known = _AGGREGATE_TYPES[kind] = outer or kind.__module__.rpartition(".")[2]
    return known


_AGGREGATE_TYPES: dict[type, str] = {}


def _effective_at(e: Any) -> datetime:
    """The event's business time where it has one, else when it was recorded."""
    kind = type(e)
    names = _BUSINESS_TIMES.get(kind)
    if names is None:
        fields_ = {f.name for f in fields(kind)} if is_dataclass(kind) else set(vars(e))
        names = _BUSINESS_TIMES[kind] = tuple(
            name
            for name in ("effective_at", "checked_in_at", "measured_at")
            if name in fields_ or hasattr(kind, name)
        )
    for name in names:
        value = getattr(e, name, None)
        if value is not None:
            return value  # type: ignore[no-any-return]
    return e.timestamp  # type: ignore[no-any-return]


# The business-time fields each kind of event has (most have none).
_BUSINESS_TIMES: dict[type, tuple[str, ...]] = {}
