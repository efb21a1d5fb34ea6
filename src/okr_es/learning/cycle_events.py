"""Collecting a cycle's events from the store for the review, replay and audit analyses.

This is the only module of the learning package that reads the store; everything it
returns is plain data (decoded events with their log positions, names, cycle dates), so
the analyses themselves stay pure functions. Events are returned in log order (by their
notification id), which keeps the order in which things were committed across aggregates:
replay and the audit export show and hash it, and the review lists objectives and dropped
objectives in it. They are read per aggregate through the events table's primary key
(with each event's notification id, see :func:`_positioned`), never by scanning the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound

__all__ = [
    "CycleInfo",
    "Positioned",
    "UnitCycleEvents",
    "collect_cycle",
    "collect_team_cycles",
    "collect_unit_cycle",
    "cycle_info",
    "earlier_cycles",
    "member_names",
    "resolve_cycle",
    "resolve_unit",
]


@dataclass(frozen=True)
class CycleInfo:
    """The period a review or replay is about."""

    id: UUID
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Positioned:
    """A decoded event and its position in the log (1, 2, …)."""

    position: int
    event: Any


@dataclass(frozen=True)
class UnitCycleEvents:
    """Everything one unit recorded in one cycle: its team cycle and its objectives."""

    organization_id: UUID
    unit_id: UUID
    unit_name: str
    cycle: CycleInfo
    events: list[Positioned]
    # Members, units and cycles by id, for naming who did what.
    names: dict[UUID, str] = field(default_factory=dict)


def resolve_unit(app: OKRApplication, text: str) -> tuple[Organization, UUID]:
    """A unit given by id or by (case-insensitive, unique) name, with its organisation."""
    wanted = text.strip()
    matches: list[tuple[Organization, UUID]] = []
    for org in app.organizations():
        for unit in org.units.values():
            if str(unit.id) == wanted.lower() or unit.name.casefold() == wanted.casefold():
                matches.append((org, unit.id))
    if not matches:
        raise NotFound(f"no unit {text!r}", field="unit")
    if len(matches) > 1:
        raise InvalidInput(
            f"{len(matches)} units are called {text!r}; give the unit id",
            code="ambiguous",
            field="unit",
        )
    return matches[0]


def resolve_cycle(app: OKRApplication, organization_id: UUID, text: str) -> Cycle:
    """A cycle of the organisation given by id or by (case-insensitive) label."""
    wanted = text.strip()
    for cycle in app.cycles(organization_id):
        if str(cycle.id) == wanted.lower() or cycle.label.casefold() == wanted.casefold():
            return cycle
    raise NotFound(f"no cycle {text!r} in this organisation", field="cycle")


def cycle_info(cycle: Cycle) -> CycleInfo:
    return CycleInfo(id=cycle.id, label=cycle.label, start=cycle.start, end=cycle.end)


def member_names(
    app: OKRApplication, organization_id: UUID, *, cycles: Sequence[Cycle] | None = None
) -> dict[UUID, str]:
    """Names of the organisation's members, units and cycles by id.

    ``cycles``: the organisation's cycles (``app.cycles(organization_id)``) when the caller
    has them already; reading them scans the log for their creation events."""
    org = app.read_aggregate(Organization, organization_id)  # shared: only read here
    names: dict[UUID, str] = {org.id: org.name}
    names.update({m.id: m.name for m in org.members.values()})
    names.update({u.id: u.name for u in org.units.values()})
    names.update({c.id: c.label for c in (app.cycles(org.id) if cycles is None else cycles)})
    return names


def collect_unit_cycle(
    app: OKRApplication,
    unit_id: UUID,
    cycle_id: UUID,
    *,
    cycles: Sequence[Cycle] | None = None,
    names: dict[UUID, str] | None = None,
) -> UnitCycleEvents:
    """The unit's team cycle and every objective it committed to (dropped ones too).

    Read per aggregate (the team cycle, then its objectives' events with their log
    positions), not by scanning the log. ``cycles`` (the organisation's, as
    ``app.cycles`` returns them) and ``names`` (as :func:`member_names` returns them) may
    be passed by a caller that collects several cycles of the same organisation."""
    cycle = _read_cycle(app, cycle_id)
    org = app.read_aggregate(Organization, cycle.organization_id)  # shared: only read here
    if unit_id not in org.units:
        raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    team_cycle = _read_team_cycle(app, unit_id, cycle_id)
    ids: set[UUID] = set()
    if team_cycle is not None:
        ids = {team_cycle.id, *team_cycle.objective_ids, *team_cycle.withdrawn_ids}
    if names is None:
        names = member_names(app, org.id, cycles=cycles)
    return UnitCycleEvents(
        organization_id=org.id,
        unit_id=unit_id,
        unit_name=org.units[unit_id].name,
        cycle=cycle_info(cycle),
        events=_positioned(app, ids),
        names=dict(names),
    )


def collect_cycle(
    app: OKRApplication, cycle_id: UUID, unit_id: UUID | None = None
) -> list[Positioned]:
    """Every event of the aggregates a cycle touches, in log order.

    That is the cycle itself, the team cycles opened for it, the objectives set in it and
    the initiatives linked to its key results; with ``unit_id`` only that unit's.
    """
    cycle = app.get_aggregate(cycle_id)
    if not isinstance(cycle, Cycle):
        raise NotFound(f"no cycle {cycle_id}", field="cycle")
    ids: set[UUID] = {cycle.id}
    for event in _decoded(app, TeamCycle.TeamCycleOpened):
        if event.cycle_id == cycle.id and unit_id in (None, event.unit_id):
            ids.add(event.originator_id)
    objectives: set[UUID] = set()
    for event in _decoded(app, Objective.ObjectiveSet):
        if event.cycle_id == cycle.id and unit_id in (None, event.unit_id):
            objectives.add(event.originator_id)
    ids |= objectives
    for event in _decoded(app, Initiative.InitiativeLinked):
        if event.objective_id in objectives:
            ids.add(event.originator_id)
    return _positioned(app, ids)


def collect_team_cycles(
    app: OKRApplication, cycle_ids: Iterable[UUID]
) -> dict[tuple[UUID, UUID], list[Positioned]]:
    """Every team cycle of these cycles with its objectives' events, from ONE pass over
    the log: by (unit, cycle), what :func:`collect_unit_cycle` gives as ``events``.

    A team cycle or objective is recognised by its first event (``TeamCycleOpened``,
    ``ObjectiveSet``, which name the cycle); only the events of recognised aggregates are
    decoded. A team cycle's objectives are then, as in :func:`collect_unit_cycle`, the
    ones its own events committed (withdrawn ones too), in log order."""
    wanted = set(cycle_ids)
    opened = get_topic(TeamCycle.TeamCycleOpened)
    objective_set = get_topic(Objective.ObjectiveSet)
    of: dict[Any, list[Positioned]] = {}  # aggregate id (as the recorder returns it)
    team_cycles: list[list[Positioned]] = []
    decode = app.decode
    for notification in app.all_notifications():
        events = of.get(notification.originator_id)
        if events is None:
            if notification.topic != opened and notification.topic != objective_set:
                continue
            event: Any = decode(notification)
            if event.cycle_id not in wanted:
                continue
            events = of[notification.originator_id] = []
            if notification.topic == opened:
                team_cycles.append(events)
        else:
            event = decode(notification)
        events.append(Positioned(notification.id, event))
    grouped: dict[tuple[UUID, UUID], list[Positioned]] = {}
    for tc_events in team_cycles:
        team_cycle: Any = None
        for p in tc_events:
            team_cycle = p.event.mutate(team_cycle)
        objective_ids = {*team_cycle.objective_ids, *team_cycle.withdrawn_ids}
        found = [p for i in objective_ids if (e := of.get(i)) is not None for p in e]
        missing = {i for i in objective_ids if i not in of}
        merged = [*tc_events, *found, *_positioned(app, missing)]
        merged.sort(key=lambda p: p.position)
        grouped[(team_cycle.unit_id, team_cycle.cycle_id)] = merged
    return grouped


def earlier_cycles(
    app: OKRApplication,
    unit_id: UUID,
    cycle: CycleInfo,
    *,
    cycles: Sequence[Cycle] | None = None,
) -> list[CycleInfo]:
    """Cycles before ``cycle`` (ending before it starts) in which the unit set OKRs,
    latest first. ``cycles``: the organisation's cycles when the caller has them."""
    if cycles is None:
        cycles = _organization_cycles(app, cycle.id)
    org_cycles = [c for c in cycles if c.end < cycle.start]
    found = [c for c in org_cycles if _read_team_cycle(app, unit_id, c.id) is not None]
    return [cycle_info(c) for c in sorted(found, key=lambda c: (c.end, c.start), reverse=True)]


def _organization_cycles(app: OKRApplication, cycle_id: UUID) -> Sequence[Cycle]:
    return app.cycles(_read_cycle(app, cycle_id).organization_id)


def _read_cycle(app: OKRApplication, cycle_id: UUID) -> Cycle:
    """The cycle, shared from the cache: only read it."""
    try:
        return app.read_aggregate(Cycle, cycle_id)
    except NotFound:
        raise NotFound(f"no cycle {cycle_id}", field="cycle") from None


def _read_team_cycle(app: OKRApplication, unit_id: UUID, cycle_id: UUID) -> TeamCycle | None:
    """The unit's team cycle of a cycle (None if it set no OKRs), shared: only read it."""
    try:
        return app.read_aggregate(TeamCycle, team_cycle_id(unit_id, cycle_id))
    except NotFound:
        return None


def _decoded(app: OKRApplication, event_class: type[Any]) -> Iterable[Any]:
    for notification in app.all_notifications(topics=[get_topic(event_class)]):
        yield app.decode(notification)


_CHUNK = 500  # aggregate ids per query (SQLite allows 999 parameters by default)


def _positioned(app: OKRApplication, ids: set[UUID]) -> list[Positioned]:
    """The events of ``ids`` in log order, each with its notification id.

    Aggregate histories alone (``select_events``) would lose the commit order across
    aggregates, and the library's recorders return no notification ids per aggregate. So
    this asks the events table directly, by the primary key's ``originator_id`` (an index
    lookup per aggregate, not a scan), for the same columns ``select_notifications``
    reads: ``rowid`` is the notification id on SQLite, ``notification_id`` on PostgreSQL.
    Any other recorder falls back to one pass over the log."""
    if not ids:
        return []
    notifications = _select_by_originator(app.recorder, sorted(ids))
    if notifications is None:
        return _scan(app, ids)
    notifications.sort(key=lambda n: n.id)
    decode = app.decode
    return [Positioned(n.id, decode(n)) for n in notifications]


def _select_by_originator(
    recorder: ApplicationRecorder, ids: Sequence[UUID]
) -> list[Notification] | None:
    """The notifications of these aggregates (any order), or None for a recorder this
    does not know how to ask."""
    out: list[Notification] = []
    if isinstance(recorder, SQLiteApplicationRecorder):
        table = recorder.events_table_name
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            statement = (
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE originator_id IN ({','.join('?' * len(chunk))})"
            )
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(statement, [u.hex for u in chunk])
                out += [
                    Notification(
                        id=row["rowid"],
                        originator_id=recorder.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                ]
        return out
    if isinstance(recorder, PostgresApplicationRecorder):
        datastore = recorder.datastore
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} WHERE originator_id = ANY(%s)"
        ).format(schema=Identifier(datastore.schema), table=Identifier(recorder.events_table_name))
        keys: list[Any] = (
            list(ids) if datastore.originator_id_type == "uuid" else [str(u) for u in ids]
        )
        with datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(query, [keys])
            out += [
                Notification(
                    id=row["notification_id"],
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]
        return out
    return None


def _scan(app: OKRApplication, ids: set[UUID]) -> list[Positioned]:
    """The events of ``ids`` in log order: one pass over the log, decoding only the
    matching events (the fallback of :func:`_positioned`)."""
    if not ids:
        return []
    wanted = {str(i) for i in ids}
    out: list[Positioned] = []
    for notification in app.all_notifications():
        if str(notification.originator_id) in wanted:
            out.append(Positioned(notification.id, app.decode(notification)))
    return out
