"""Units' rosters and the owners of their initiatives in a cycle, for the analyses that
ask whether everyone owns an initiative (:mod:`okr_es.learning.initiative_ownership`).

The roster is the organisation's as it stands (members holding ``member`` or ``lead`` in
the unit); the initiatives are those linked to a key result of the unit's objectives in
the cycle. Given the read models (``views``), both are read from them by index (the
rosters and initiatives read models); without them (the ``--replay`` path, for
auditors) the roster comes from the organisation and the initiatives from the log's
``InitiativeLinked`` events since the cycle was defined (no objective of the cycle, and
so no link to one, is older).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from okr_es.learning.initiative_ownership import (
    ROSTER_ROLES,
    DueInitiative,
    Roster,
    RosterMember,
)
from okr_es.projections import queries
from okr_es.projections.queries import Views

__all__ = ["roster_members", "rosters_for"]


def roster_members(org: Organization, unit_id: UUID) -> list[RosterMember]:
    """The members holding a roster role in the unit, by name."""
    on_roster = [
        m
        for m in org.members.values()
        if any(g.unit_id == unit_id and g.role in ROSTER_ROLES for g in m.grants)
    ]
    on_roster.sort(key=lambda m: (m.name.casefold(), str(m.id)))
    return [RosterMember(m.id, m.name) for m in on_roster]


def rosters_for(
    app: OKRApplication,
    org: Organization,
    cycle_id: UUID,
    objectives_of_unit: Mapping[UUID, Iterable[UUID]],
    views: Views | None = None,
    until: int | None = None,
) -> dict[UUID, Roster]:
    """Each unit's roster, with the owners of the initiatives linked to its objectives;
    from the read models when ``views`` are given (those of a past instant, for ``asOf``),
    else from the organisation and the log (``until``: linked up to that position only)."""
    if views is not None:
        return _rosters_from_views(views, org, objectives_of_unit)
    unit_of: dict[UUID, UUID] = {
        objective: unit
        for unit, objectives in objectives_of_unit.items()
        for objective in objectives
    }
    linked: dict[UUID, set[UUID]] = {unit: set() for unit in objectives_of_unit}
    if unit_of:
        start = app.created_position(Cycle, cycle_id) or 1
        topic = get_topic(Initiative.InitiativeLinked)
        for notification in app.all_notifications(topics=[topic], start=start):
            if until is not None and notification.id > until:
                break
            link: Any = app.decode(notification)
            unit = unit_of.get(link.objective_id)
            if unit is not None:
                linked[unit].add(link.originator_id)
    rosters: dict[UUID, Roster] = {}
    for unit, initiatives in linked.items():
        read = [app.read_aggregate(Initiative, i) for i in initiatives]
        due = [
            DueInitiative(
                i.id, i.title, i.status, i.due_on, tuple(x.key_result_id for x in i.links)
            )
            for i in read
            if i.due_on is not None
        ]
        owners = {i.owner_id for i in read}
        rosters[unit] = Roster.of(roster_members(org, unit), owners, len(initiatives), due)
    return rosters


def _rosters_from_views(
    views: Views, org: Organization, objectives_of_unit: Mapping[UUID, Iterable[UUID]]
) -> dict[UUID, Roster]:
    org_id = str(org.id)
    unit_of = {
        str(objective): unit
        for unit, objectives in objectives_of_unit.items()
        for objective in objectives
    }
    owners: dict[UUID, dict[str, UUID]] = {unit: {} for unit in objectives_of_unit}
    for objective, initiative, owner in queries.initiative_owners_by_objective(
        views, org_id, list(unit_of)
    ):
        owners[unit_of[objective]][initiative] = UUID(owner)
    due_rows = {
        r.initiative_id: r
        for r in queries.initiatives_by_id(
            views, org_id, sorted({i for by in owners.values() for i in by})
        )
        if r.due_on is not None
    }
    links: dict[str, list[UUID]] = {}
    for link in queries.initiative_links_by_initiative(views, org_id, sorted(due_rows)):
        links.setdefault(link.initiative_id, []).append(UUID(link.key_result_id))
    held: dict[UUID, set[UUID]] = {unit: set() for unit in objectives_of_unit}
    for unit_text, member in queries.members_holding(
        views, org_id, [str(u) for u in objectives_of_unit], sorted(ROSTER_ROLES)
    ):
        held[UUID(unit_text)].add(UUID(member))
    rosters: dict[UUID, Roster] = {}
    for unit, by_initiative in owners.items():
        on_roster = [org.members[m] for m in held[unit] if m in org.members]
        on_roster.sort(key=lambda m: (m.name.casefold(), str(m.id)))
        members = [RosterMember(m.id, m.name) for m in on_roster]
        due = [
            DueInitiative(
                UUID(r.initiative_id),
                r.title,
                r.status,
                date.fromisoformat(r.due_on),
                tuple(links.get(r.initiative_id, ())),
            )
            for i in by_initiative
            if (r := due_rows.get(i)) is not None and r.due_on is not None
        ]
        rosters[unit] = Roster.of(members, by_initiative.values(), len(by_initiative), due)
    return rosters
