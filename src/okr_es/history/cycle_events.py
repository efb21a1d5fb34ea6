"""Collecting a cycle's events from the store for the review, replay and audit analyses.

With :mod:`~okr_es.history.event_records`, this is where the learning analyses read
the store; everything it returns is plain data (decoded events with their log positions,
or records; names, cycle dates), so the analyses themselves stay pure functions. Events
are returned in log order, which keeps the order in which things were committed across
aggregates: replay and the audit export show and hash it, and the review lists objectives
and dropped objectives in it. One unit's events are read per aggregate through the events
table's primary key; only the organisation-wide review reads the log
(:func:`replay_team_cycles`), from where its oldest cycle begins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.reminders import Reminder
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.history.event_records import (
    EventRows,
    RecordDecoders,
    State,
    event_classes,
    state_bytes,
    unreadable,
)
from okr_es.learning.audit_scope import Window, kpi_events, organization_events
from okr_es.vocabulary.cycle_facts import CycleInfo, Positioned

__all__ = [
    "CycleInfo",
    "Positioned",
    "UnitCycleEvents",
    "collect_cycle",
    "collect_unit_cycle",
    "cycle_info",
    "earlier_cycles",
    "meetings_of",
    "member_names",
    "names_as_of",
    "positioned_events",
    "replay_team_cycles",
    "resolve_cycle",
    "resolve_unit",
]


@dataclass(frozen=True)
class UnitCycleEvents:
    """Everything one unit recorded in one cycle: its team cycle and its objectives."""

    organization_id: UUID
    unit_id: UUID
    unit_name: str
    cycle: CycleInfo
    # Positioned domain events, or records (see collect_unit_cycle).
    events: list[Any]
    # Members, units and cycles by id, for naming who did what.
    names: dict[UUID, str] = field(default_factory=dict)


def resolve_unit(
    app: OKRApplication, text: str, organization: Organization | None = None
) -> tuple[Organization, UUID]:
    """A unit given by id or by (case-insensitive, unique) name, with its organisation;
    looked for only in ``organization`` when one is given."""
    wanted = text.strip()
    matches: list[tuple[Organization, UUID]] = []
    for org in app.organizations() if organization is None else [organization]:
        for unit in org.units.values():
            if str(unit.id) == wanted.lower() or unit.name.casefold() == wanted.casefold():
                matches.append((org, unit.id))
    if not matches:
        where = "" if organization is None else f" in {organization.name} ({organization.id})"
        raise NotFound(f"no unit {text!r}{where}", field="unit")
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
    records: bool = False,
) -> UnitCycleEvents:
    """The unit's team cycle and every objective it committed to (dropped ones too).

    Read per aggregate (the team cycle, then its objectives' events with their log
    positions), not by scanning the log. ``cycles`` (the organisation's, as
    ``app.cycles`` returns them) and ``names`` (as :func:`member_names` returns them) may
    be passed by a caller that collects several cycles of the same organisation.
    ``records``: the events as :mod:`~okr_es.history.event_records` records (what the
    review reads, with the reminders sent to the unit for the cycle), not as positioned
    domain events."""
    cycle = _read_cycle(app, cycle_id)
    org = app.read_aggregate(Organization, cycle.organization_id)  # shared: only read here
    if unit_id not in org.units:
        raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    team_cycle = _read_team_cycle(app, unit_id, cycle_id)
    ids: set[UUID] = set()
    if team_cycle is not None:
        ids = {team_cycle.id, *team_cycle.objective_ids, *team_cycle.withdrawn_ids}
        if records:  # the review's input: also the reminders sent (not the timeline's)
            ids |= _reminders_of(app, unit_id, cycle)
    ids |= meetings_of(app, cycle, unit_id)
    if names is None:
        names = member_names(app, org.id, cycles=cycles)
    events: list[Any]
    if records:
        decoders = _review_decoders(app)
        events = []
        for _, originator_id, _, topic, state in EventRows(app).of(ids):
            record = decoders.decode(topic, state)
            record.originator_id = originator_id
            events.append(record)
    else:
        events = positioned_events(app, ids)
    return UnitCycleEvents(
        organization_id=org.id,
        unit_id=unit_id,
        unit_name=org.units[unit_id].name,
        cycle=cycle_info(cycle),
        events=events,
        names=dict(names),
    )


def meetings_of(app: OKRApplication, cycle: Cycle, unit_id: UUID | None = None) -> set[UUID]:
    """The meetings held for the cycle (by one unit, if given): found from their opening
    events, read from where the cycle was defined (nothing of it is older)."""
    start = app.created_position(Cycle, cycle.id) or 1
    return {
        event.originator_id
        for event in _decoded(app, Meeting.MeetingOpened, start)
        if event.cycle_id == cycle.id and unit_id in (None, event.unit_id)
    }


def collect_cycle(
    app: OKRApplication, cycle_id: UUID, unit_id: UUID | None = None
) -> list[Positioned]:
    """Every event of the aggregates a cycle touches, in log order.

    That is the cycle itself, the team cycles opened for it, the objectives set in it and
    the initiatives linked to its key results and the units' meetings in it; with
    ``unit_id`` only that unit's. From the organisation and the KPIs, what affects the
    cycle's units and key results (see :mod:`~okr_es.learning.audit_scope`).
    """
    cycle = app.get_aggregate(cycle_id)
    if not isinstance(cycle, Cycle):
        raise NotFound(f"no cycle {cycle_id}", field="cycle")
    ids: set[UUID] = {cycle.id}
    units: set[UUID] = set() if unit_id is None else {unit_id}
    # Nothing of the cycle is older than its definition.
    start = app.created_position(Cycle, cycle.id) or 1
    for event in _decoded(app, TeamCycle.TeamCycleOpened, start):
        if event.cycle_id == cycle.id and unit_id in (None, event.unit_id):
            ids.add(event.originator_id)
            units.add(event.unit_id)
    objectives: set[UUID] = set()
    for event in _decoded(app, Objective.ObjectiveSet, start):
        if event.cycle_id == cycle.id and unit_id in (None, event.unit_id):
            objectives.add(event.originator_id)
            units.add(event.unit_id)
    ids |= objectives
    for event in _decoded(app, Initiative.InitiativeLinked, start):
        if event.objective_id in objectives:
            ids.add(event.originator_id)
    ids |= meetings_of(app, cycle, unit_id)
    window = Window.of(cycle.start, cycle.end)
    shared = organization_events(
        positioned_events(app, [cycle.organization_id]), units, window
    )
    # KPIs may be older than the cycle: their definitions are looked for in the whole log.
    kpis = {
        e.originator_id
        for e in _decoded(app, Kpi.KpiDefined)
        if e.organization_id == cycle.organization_id and e.unit_id in units
    }
    kpis |= {
        e.originator_id
        for e in _decoded(app, Kpi.KeyResultGraduated, start)
        if e.objective_id in objectives
    }
    histories: dict[UUID, list[Positioned]] = {k: [] for k in kpis}
    for p in positioned_events(app, kpis):
        histories[p.event.originator_id].append(p)
    shared += kpi_events(histories.values(), units, objectives, window)
    return sorted([*positioned_events(app, ids), *shared], key=lambda p: p.position)


class Replay(Protocol):
    """What :func:`replay_team_cycles` feeds: one unit's cycle, in log order."""

    def add(self, event: Any) -> None:
        """One more event (a record)."""

    def add_check_ins(self, check_ins: Sequence[Any]) -> None:
        """Check-ins (``CheckInMade`` records, without ``originator_id``) that follow each
        other in one objective's history, in log order: as if each was :meth:`add`-ed."""


R = TypeVar("R", bound=Replay)

# Check-ins of one objective held back at most, to be decoded in one go.
_CHECK_IN_BATCH = 256


def replay_team_cycles(
    app: OKRApplication, cycle_ids: Iterable[UUID], replay: Callable[[], R]
) -> dict[tuple[UUID, UUID], R]:
    """Every team cycle of these cycles, with its objectives, replayed from ONE pass over
    the log since the oldest of the cycles was defined: by (unit, cycle), a ``replay()``
    that was given, in log order, the records of what :func:`collect_unit_cycle` collects.

    A team cycle, objective or meeting is recognised by its first event
    (``TeamCycleOpened``, ``ObjectiveSet``, ``MeetingOpened``), which names its unit and
    cycle: an objective (or meeting) belongs to the team cycle of its unit and cycle for
    good, and is committed to it in the transaction that sets it. Only the events of
    recognised aggregates are decoded, and only into records (see
    :mod:`~okr_es.history.event_records`), and they are handed on as they are read, except
    check-ins: an objective's check-ins are held back, undecoded, until another event of
    the objective comes (so each replay still sees its objective's history in order), a
    batch is full, or the log ends, and are then decoded in one go (most of a cycle's
    events are check-ins, and a decode per event would cost more than the rest of the
    review)."""
    wanted = set(cycle_ids)
    if not wanted:
        return {}
    wanted_text = {str(c) for c in wanted}  # as records carry ids
    start = min(app.created_position(Cycle, c) or 1 for c in wanted)
    decoders = _review_decoders(app)
    decode = decoders.by_topic
    opened = get_topic(TeamCycle.TeamCycleOpened)
    objective_set = get_topic(Objective.ObjectiveSet)
    meeting_opened = get_topic(Meeting.MeetingOpened)
    check_in = get_topic(Objective.CheckInMade)
    reminder_sent = get_topic(Reminder.ReminderSent)
    replays: dict[tuple[str, str], R] = {}  # by (unit, cycle) as records carry them
    # Aggregate id (as the driver returns it) -> its unit's replay.
    of: dict[Any, R] = {}
    # Objective id -> its check-ins' states not handed on yet.
    held: dict[Any, list[State]] = {}

    def hand_on(originator_id: Any, states: list[State]) -> None:
        of[originator_id].add_check_ins(decoders.decode_many(check_in, states))
        states.clear()

    for page in EventRows(app).log(start):
        for originator_id, topic, state in zip(
            page.originator_ids, page.topics, page.states, strict=True
        ):
            if topic == check_in:
                states = held.get(originator_id)
                if states is not None:
                    states.append(state)
                    if len(states) == _CHECK_IN_BATCH:
                        hand_on(originator_id, states)
                continue
            target = of.get(originator_id)
            if target is None and topic == reminder_sent:
                # A reminder names its unit and cycle; it comes after the team cycle opened.
                record = decoders.decode(topic, state)
                found = replays.get((record.unit_id, record.cycle_id))
                if found is not None:
                    record.originator_id = originator_id
                    found.add(record)
                continue
            if target is None:
                if topic != opened and topic != objective_set and topic != meeting_opened:
                    continue
                record = decoders.decode(topic, state)
                if record.cycle_id not in wanted_text:
                    continue
                key = (record.unit_id, record.cycle_id)
                target = replays.get(key)
                if target is None:
                    target = replays[key] = replay()
                of[originator_id] = target
                if topic == objective_set:
                    held[originator_id] = []
            else:
                decode_one = decode.get(topic)
                if decode_one is None:
                    continue
                try:  # RecordDecoders.decode, inlined: this runs for every event
                    record = decode_one(state)
                except msgspec.ValidationError:
                    record = decoders.upcast(topic, state)
                except msgspec.DecodeError as e:
                    raise unreadable(topic, e) from e
                states = held.get(originator_id)
                if states:
                    hand_on(originator_id, states)
            record.originator_id = originator_id
            target.add(record)
    for originator_id, states in held.items():
        if states:
            hand_on(originator_id, states)
    return {(UUID(unit), UUID(cycle)): r for (unit, cycle), r in replays.items()}


def _reminders_of(app: OKRApplication, unit_id: UUID, cycle: Cycle) -> set[UUID]:
    """The reminders sent to the unit's members for the cycle (none is older than it)."""
    start = app.created_position(Cycle, cycle.id) or 1
    return {
        e.originator_id
        for e in _decoded(app, Reminder.ReminderSent, start)
        if e.unit_id == unit_id and e.cycle_id == cycle.id
    }


def _review_decoders(app: OKRApplication) -> RecordDecoders:
    """Record decoders for every event of the team cycles and objectives; check-ins (most
    of a cycle's events) keep only the fields the review reads."""
    return RecordDecoders(
        app.mapper,
        [
            *event_classes(TeamCycle),
            *event_classes(Objective),
            *event_classes(Meeting),
            *event_classes(Reminder),
        ],
        only={Objective.CheckInMade: _CHECK_IN_FIELDS},
    )


_CHECK_IN_FIELDS = (
    "key_result_id",
    "value",
    "status",
    "confidence",
    "checked_in_at",
    "timestamp",
    "by",
)


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
    found = [
        c
        for c in org_cycles
        if app.created_position(TeamCycle, team_cycle_id(unit_id, c.id)) is not None
    ]
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


def names_as_of(app: OKRApplication, got: UnitCycleEvents, as_of: datetime) -> UnitCycleEvents:
    """The unit's cycle named as it was at ``as_of`` (units, members and the cycle label
    as they stood then), counting the organisation's and cycle's events by the rule
    replay counts events by (:func:`~okr_es.learning.replay.known_count`)."""
    names = dict(got.names)
    unit_name, info = got.unit_name, got.cycle
    org_then = _as_known_at(app, got.organization_id, as_of)
    if isinstance(org_then, Organization):
        names[org_then.id] = org_then.name
        names.update({m.id: m.name for m in org_then.members.values()})
        names.update({u.id: u.name for u in org_then.units.values()})
        if got.unit_id in org_then.units:
            unit_name = org_then.units[got.unit_id].name
    cycle_then = _as_known_at(app, got.cycle.id, as_of)
    if isinstance(cycle_then, Cycle):
        names[cycle_then.id] = cycle_then.label
        info = dataclasses.replace(info, label=cycle_then.label)
    return dataclasses.replace(got, names=names, unit_name=unit_name, cycle=info)


def _as_known_at(app: OKRApplication, aggregate_id: UUID, as_of: datetime) -> object | None:
    """The aggregate as it stood at ``as_of`` (None if it did not exist yet)."""
    from okr_es.learning.replay import known_count  # replay builds on this module

    history: list[Any] = app.history(aggregate_id)
    known = known_count((e.timestamp for e in history), as_of)
    if not known:
        return None
    then: object = app.repository.get(aggregate_id, version=history[known - 1].originator_version)
    return then


def _decoded(app: OKRApplication, event_class: type[Any], start: int = 1) -> Iterable[Any]:
    for notification in app.all_notifications(topics=[get_topic(event_class)], start=start):
        yield app.decode(notification)


def positioned_events(app: OKRApplication, ids: Iterable[UUID]) -> list[Positioned]:
    """The events of ``ids`` in log order, each with its position.

    Aggregate histories alone (``select_events``) would lose the commit order across
    aggregates, and the library's recorders return no positions per aggregate, so the
    rows come from :meth:`EventRows.of` (an index lookup per aggregate)."""
    decode = app.mapper.to_domain_event
    return [
        Positioned(
            position, decode(StoredEvent(originator_id, version, topic, bytes(state_bytes(state))))
        )
        for position, originator_id, version, topic, state in EventRows(app).of(ids)
    ]
