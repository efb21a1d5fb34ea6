"""Collecting a cycle's events from the store for the review, replay and audit analyses.

This is the only module of the learning package that reads the store; everything it
returns is plain data (decoded events with their log positions, names, cycle dates), so
the analyses themselves stay pure functions. Reading by log position (rather than one
aggregate's history at a time) keeps the order in which things were committed, which
replay and the audit export show and hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound

__all__ = [
    "CycleInfo",
    "Positioned",
    "UnitCycleEvents",
    "collect_cycle",
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


def member_names(app: OKRApplication, organization_id: UUID) -> dict[UUID, str]:
    """Names of the organisation's members, units and cycles by id."""
    org = app.get_organization(organization_id)
    names: dict[UUID, str] = {org.id: org.name}
    names.update({m.id: m.name for m in org.members.values()})
    names.update({u.id: u.name for u in org.units.values()})
    names.update({c.id: c.label for c in app.cycles(org.id)})
    return names


def collect_unit_cycle(app: OKRApplication, unit_id: UUID, cycle_id: UUID) -> UnitCycleEvents:
    """The unit's team cycle and every objective it committed to (dropped ones too)."""
    cycle = app.get_aggregate(cycle_id)
    if not isinstance(cycle, Cycle):
        raise NotFound(f"no cycle {cycle_id}", field="cycle")
    org = app.get_organization(cycle.organization_id)
    if unit_id not in org.units:
        raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    team_cycle = app.get_team_cycle(unit_id, cycle_id)
    ids: set[UUID] = set()
    if team_cycle is not None:
        ids = {team_cycle.id, *team_cycle.objective_ids, *team_cycle.withdrawn_ids}
    return UnitCycleEvents(
        organization_id=org.id,
        unit_id=unit_id,
        unit_name=org.units[unit_id].name,
        cycle=cycle_info(cycle),
        events=_scan(app, ids),
        names=member_names(app, org.id),
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
    return _scan(app, ids)


def earlier_cycles(app: OKRApplication, unit_id: UUID, cycle: CycleInfo) -> list[CycleInfo]:
    """Cycles before ``cycle`` (ending before it starts) in which the unit set OKRs,
    latest first."""
    org_cycles = [c for c in _organization_cycles(app, cycle.id) if c.end < cycle.start]
    found = [c for c in org_cycles if app.get_team_cycle(unit_id, c.id) is not None]
    return [cycle_info(c) for c in sorted(found, key=lambda c: (c.end, c.start), reverse=True)]


def _organization_cycles(app: OKRApplication, cycle_id: UUID) -> Sequence[Cycle]:
    cycle = app.get_aggregate(cycle_id)
    if not isinstance(cycle, Cycle):
        raise NotFound(f"no cycle {cycle_id}", field="cycle")
    return app.cycles(cycle.organization_id)


def _decoded(app: OKRApplication, event_class: type[Any]) -> Iterable[Any]:
    for notification in app.all_notifications(topics=[get_topic(event_class)]):
        yield app.decode(notification)


def _scan(app: OKRApplication, ids: set[UUID]) -> list[Positioned]:
    """The events of ``ids`` in log order. One pass over the log, decoding only the
    matching events; aggregate histories alone would lose the commit order."""
    if not ids:
        return []
    wanted = {str(i) for i in ids}
    out: list[Positioned] = []
    for notification in app.all_notifications():
        if str(notification.originator_id) in wanted:
            out.append(Positioned(notification.id, app.decode(notification)))
    return out
