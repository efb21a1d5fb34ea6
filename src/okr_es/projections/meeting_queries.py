"""Read-side queries of meetings and of a meeting's agenda: one statement each.

Like :mod:`okr_es.projections.queries`: every function takes the views and the reader's
organisation and never returns another organisation's rows. :func:`agenda_rows` reads
everything the agendas of many units need at one instant in a fixed handful of
statements (one per kind of row, whatever the number of units), which
:func:`okr_es.projections.agenda.agendas` then turns into agendas.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from okr_es.projections.queries import (
    CheckInRow,
    CycleRow,
    InitiativeRow,
    KeyResultRow,
    KpiRow,
    ObjectiveRow,
    Views,
    _cols,
    _in_list,
)


class MeetingRow(msgspec.Struct, frozen=True):
    meeting_id: str
    organization_id: str
    unit_id: str
    cycle_id: str
    held_at: str
    facilitator_id: str
    status: str
    attendee_ids: str
    note: str
    opened_at: str
    closed_at: str | None
    position: int
    version: int


class MeetingItemRow(msgspec.Struct, frozen=True):
    position: int
    meeting_id: str
    kind: str
    item_id: str | None
    text: str
    owner_id: str | None
    due: str | None
    key_result_ids: str
    objective_id: str | None
    key_result_id: str | None
    value: float | None
    status: str | None
    done: int
    done_at: str | None
    done_note: str
    by_member: str
    recorded_at: str


class AgendaRows(msgspec.Struct, frozen=True, kw_only=True):
    """What the agendas of some units at one instant are made from."""

    cycles: list[CycleRow]
    objectives: list[ObjectiveRow]
    key_results: list[KeyResultRow]
    latest_check_ins: list[CheckInRow]
    kpis: list[KpiRow]
    initiatives: list[InitiativeRow]
    # Each unit's latest meeting held before the instant, and its priorities.
    last_meetings: list[MeetingRow]
    last_priorities: list[MeetingItemRow]
    # Blockers raised in the units' earlier meetings and not resolved (by meeting).
    open_blockers: list[tuple[str, MeetingItemRow]]


def meetings_by_id(views: Views, org: str, ids: Sequence[str]) -> list[MeetingRow]:
    if not ids:
        return []
    marks, params = _in_list("id", ids)
    rows = views.query(
        f"SELECT {_cols(MeetingRow)} FROM rm_meetings "
        f"WHERE organization_id = :org AND meeting_id IN ({marks})",
        {**params, "org": org},
    )
    return [MeetingRow(*r) for r in rows]


def meetings_of(
    views: Views, org: str, unit_id: str, cycle_id: str | None = None, limit: int = 100
) -> list[MeetingRow]:
    """A unit's meetings (in a cycle, if given), the latest first."""
    where = "organization_id = :org AND unit_id = :unit"
    if cycle_id is not None:
        where += " AND cycle_id = :cycle"
    rows = views.query(
        f"SELECT {_cols(MeetingRow)} FROM rm_meetings WHERE {where} "
        "ORDER BY held_at DESC, position DESC LIMIT :limit",
        {"org": org, "unit": unit_id, "cycle": cycle_id, "limit": limit},
    )
    return [MeetingRow(*r) for r in rows]


def items_by_meeting(views: Views, org: str, meeting_ids: Sequence[str]) -> list[MeetingItemRow]:
    """The items of the meetings, in the order they were recorded."""
    if not meeting_ids:
        return []
    marks, params = _in_list("m", meeting_ids)
    rows = views.query(
        f"SELECT {_cols(MeetingItemRow, 'i')} FROM rm_meeting_items i "
        "JOIN rm_meetings m ON m.meeting_id = i.meeting_id "
        f"WHERE m.organization_id = :org AND i.meeting_id IN ({marks}) ORDER BY i.position",
        {**params, "org": org},
    )
    return [MeetingItemRow(*r) for r in rows]


def agenda_rows(views: Views, org: str, unit_ids: Sequence[str], at: datetime) -> AgendaRows:
    """Everything the agendas of ``unit_ids`` at ``at`` need: the units' objectives in the
    cycles running on that day with their key results and latest check-ins, the units'
    KPIs and initiatives, their latest meetings before ``at`` with those meetings'
    priorities, and the blockers of their meetings not resolved yet."""
    empty = AgendaRows(
        cycles=[],
        objectives=[],
        key_results=[],
        latest_check_ins=[],
        kpis=[],
        initiatives=[],
        last_meetings=[],
        last_priorities=[],
        open_blockers=[],
    )
    if not unit_ids:
        return empty
    marks, units = _in_list("u", unit_ids)
    day = at.date().isoformat()
    params = {**units, "org": org, "day": day, "at": at.isoformat()}
    running = (
        "JOIN rm_cycles c ON c.cycle_id = o.cycle_id "
        f"WHERE o.organization_id = :org AND o.unit_id IN ({marks}) "
        "AND c.start_date <= :day AND c.end_date >= :day"
    )
    cycles = views.query(
        f"SELECT {_cols(CycleRow)} FROM rm_cycles WHERE organization_id = :org "
        "AND start_date <= :day AND end_date >= :day ORDER BY start_date, cycle_id",
        params,
    )
    objectives = views.query(
        f"SELECT {_cols(ObjectiveRow, 'o')} FROM rm_objectives o {running} "
        "ORDER BY o.set_at, o.objective_id",
        params,
    )
    key_results = views.query(
        f"SELECT {_cols(KeyResultRow, 'k')} FROM rm_key_results k "
        f"JOIN rm_objectives o ON o.objective_id = k.objective_id {running} "
        "AND k.removed = 0 ORDER BY k.objective_id, k.ordinal",
        params,
    )
    # Through the key results (indexed by objective, check-ins by key result): only the
    # units' own check-ins are read, however many the organisation has.
    check_ins = views.query(
        f"SELECT {_cols(CheckInRow)} FROM (SELECT {_cols(CheckInRow, 'h')}, ROW_NUMBER() "
        "OVER (PARTITION BY h.key_result_id ORDER BY h.checked_in_at DESC, h.position DESC) "
        "AS latest FROM rm_objectives o JOIN rm_key_results k ON k.objective_id = o.objective_id "
        "JOIN rm_check_ins h ON h.key_result_id = k.key_result_id "
        f"{running} AND k.removed = 0 AND h.checked_in_at <= :at) x WHERE latest = 1",
        params,
    )
    kpis = views.query(
        f"SELECT {_cols(KpiRow)} FROM rm_kpis WHERE organization_id = :org "
        f"AND unit_id IN ({marks}) AND retired = 0 ORDER BY name, kpi_id",
        params,
    )
    initiatives = views.query(
        f"SELECT {_cols(InitiativeRow)} FROM rm_initiatives WHERE organization_id = :org "
        f"AND unit_id IN ({marks}) AND status <> 'stopped' ORDER BY started_at, initiative_id",
        params,
    )
    last = views.query(
        f"SELECT {_cols(MeetingRow)} FROM (SELECT {_cols(MeetingRow)}, ROW_NUMBER() OVER "
        "(PARTITION BY unit_id ORDER BY held_at DESC, position DESC) AS latest "
        f"FROM rm_meetings WHERE organization_id = :org AND unit_id IN ({marks}) "
        "AND held_at < :at) x WHERE latest = 1",
        params,
    )
    last_meetings = [MeetingRow(*r) for r in last]
    priorities: list[MeetingItemRow] = []
    if last_meetings:
        priorities = [
            i
            for i in items_by_meeting(views, org, [m.meeting_id for m in last_meetings])
            if i.kind == "priority"
        ]
    blockers = views.query(
        f"SELECT m.unit_id, {_cols(MeetingItemRow, 'i')} FROM rm_meeting_items i "
        "JOIN rm_meetings m ON m.meeting_id = i.meeting_id "
        f"WHERE m.organization_id = :org AND m.unit_id IN ({marks}) AND m.held_at < :at "
        "AND i.kind = 'blocker' AND i.done = 0 ORDER BY i.position",
        params,
    )
    return AgendaRows(
        cycles=[CycleRow(*r) for r in cycles],
        objectives=[ObjectiveRow(*r) for r in objectives],
        key_results=[KeyResultRow(*r) for r in key_results],
        latest_check_ins=[CheckInRow(*r) for r in check_ins],
        kpis=[KpiRow(*r) for r in kpis],
        initiatives=[InitiativeRow(*r) for r in initiatives],
        last_meetings=last_meetings,
        last_priorities=priorities,
        open_blockers=[(str(r[0]), MeetingItemRow(*r[1:])) for r in blockers],
    )
