"""The agenda of a weekly progress meeting, made from read-model rows at the meeting's time.

A pure function of the rows :func:`okr_es.projections.meeting_queries.agenda_rows` reads
and the instant: nothing here reads the database or the clock. The six points of the
sources (seeds 002–004) in their order:

1. **Good news** — key results that met their target, initiatives completed since the
   last meeting.
2. **OKR status** — every key result of the unit in the running cycle with its pace;
   stale ones first (nobody checked in for two weeks), then behind, at risk, on track.
3. **KPI review** — KPIs outside their corridor.
4. **Initiatives** — running initiatives and their progress, and those completed since
   the last meeting.
5. **Blockers and decisions** — blockers of the latest check-ins (their text, or a red
   status) and blockers raised in earlier meetings not resolved yet.
6. **Priorities** — last meeting's agreed priorities, and whether each is done.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import msgspec

from okr_es.projections import pace
from okr_es.projections.meeting_queries import AgendaRows, MeetingItemRow, MeetingRow
from okr_es.projections.queries import (
    CheckInRow,
    CycleRow,
    InitiativeRow,
    KeyResultRow,
    KpiRow,
    ObjectiveRow,
)

# Stale first, then the worst pace first.
_ORDER = {pace.BEHIND: 0, pace.AT_RISK: 1, pace.ON_TRACK: 2}


class AgendaKeyResult(msgspec.Struct, frozen=True):
    key_result: KeyResultRow
    objective: ObjectiveRow
    pace: str
    stale: bool
    last_check_in: CheckInRow | None


class GoodNews(msgspec.Struct, frozen=True):
    # key-result-met or initiative-completed
    kind: str
    text: str
    key_result_id: str | None = None
    initiative_id: str | None = None


class Blocker(msgspec.Struct, frozen=True):
    # check-in (the latest check-in names a blocker or is red) or meeting (raised earlier)
    source: str
    text: str
    key_result_id: str | None = None
    status: str | None = None
    meeting_id: str | None = None
    blocker_id: str | None = None
    raised_at: str | None = None


class Agenda(msgspec.Struct, frozen=True):
    unit_id: str
    at: datetime
    cycle: CycleRow | None
    good_news: list[GoodNews]
    key_results: list[AgendaKeyResult]
    kpis_outside_corridor: list[KpiRow]
    initiatives: list[InitiativeRow]
    blockers: list[Blocker]
    last_meeting: MeetingRow | None
    last_priorities: list[MeetingItemRow]


def agendas(rows: AgendaRows, unit_ids: list[str], at: datetime) -> dict[str, Agenda]:
    """The agenda of each unit at ``at``, by unit id."""
    at = at.astimezone(UTC)
    today = at.date()
    objectives = defaultdict(list)
    for o in rows.objectives:
        objectives[o.unit_id].append(o)
    key_results = defaultdict(list)
    for kr in rows.key_results:
        key_results[kr.objective_id].append(kr)
    latest = {c.key_result_id: c for c in rows.latest_check_ins}
    kpis = defaultdict(list)
    for k in rows.kpis:
        kpis[k.unit_id].append(k)
    initiatives = defaultdict(list)
    for i in rows.initiatives:
        initiatives[i.unit_id].append(i)
    last = {m.unit_id: m for m in rows.last_meetings}
    priorities = defaultdict(list)
    for p in rows.last_priorities:
        priorities[p.meeting_id].append(p)
    open_blockers = defaultdict(list)
    for unit_id, item in rows.open_blockers:
        open_blockers[unit_id].append(item)
    cycles = {c.cycle_id: c for c in rows.cycles}
    return {
        unit_id: _agenda(
            unit_id,
            at,
            today,
            _cycle_of(objectives[unit_id], cycles, rows.cycles),
            objectives[unit_id],
            key_results,
            latest,
            kpis[unit_id],
            initiatives[unit_id],
            last.get(unit_id),
            priorities,
            open_blockers[unit_id],
        )
        for unit_id in unit_ids
    }


def _agenda(
    unit_id: str,
    at: datetime,
    today: date,
    cycle: CycleRow | None,
    objectives: list[ObjectiveRow],
    key_results: dict[str, list[KeyResultRow]],
    latest: dict[str, CheckInRow],
    kpis: list[KpiRow],
    initiatives: list[InitiativeRow],
    last_meeting: MeetingRow | None,
    priorities: dict[str, list[MeetingItemRow]],
    open_blockers: list[MeetingItemRow],
) -> Agenda:
    since = None if last_meeting is None else last_meeting.held_at
    status: list[AgendaKeyResult] = []
    good: list[GoodNews] = []
    blockers: list[Blocker] = []
    for objective in objectives:
        if cycle is None or objective.cycle_id != cycle.cycle_id or objective.status != "active":
            continue
        start, end = date.fromisoformat(cycle.start_date), date.fromisoformat(cycle.end_date)
        elapsed = pace.elapsed_share(start, end, today)
        for kr in key_results.get(objective.objective_id, []):
            check_in = latest.get(kr.key_result_id)
            last_day = None if check_in is None else _day(check_in.checked_in_at)
            stale = pace.is_stale(last_day, start, end, today)
            status.append(
                AgendaKeyResult(
                    key_result=kr,
                    objective=objective,
                    pace=pace.expected_status(kr.metric, kr.progress, elapsed, stale=stale),
                    stale=stale,
                    last_check_in=check_in,
                )
            )
            if kr.progress >= 1.0:
                good.append(GoodNews("key-result-met", kr.title, key_result_id=kr.key_result_id))
            if check_in is not None and (check_in.blockers.strip() or check_in.status == "red"):
                blockers.append(
                    Blocker(
                        "check-in",
                        check_in.blockers.strip() or check_in.comment.strip() or kr.title,
                        key_result_id=kr.key_result_id,
                        status=check_in.status,
                        raised_at=check_in.checked_in_at,
                    )
                )
    status.sort(key=lambda k: (not k.stale, _ORDER[k.pace], k.key_result.progress))
    shown = []
    for initiative in initiatives:
        if initiative.status == "running":
            shown.append(initiative)
        elif since is None or initiative.updated_at > since:
            shown.append(initiative)
            good.append(
                GoodNews(
                    "initiative-completed", initiative.title, initiative_id=initiative.initiative_id
                )
            )
    for item in open_blockers:
        blockers.append(
            Blocker(
                "meeting",
                item.text,
                meeting_id=item.meeting_id,
                blocker_id=item.item_id,
                raised_at=item.recorded_at,
            )
        )
    return Agenda(
        unit_id=unit_id,
        at=at,
        cycle=cycle,
        good_news=good,
        key_results=status,
        kpis_outside_corridor=[k for k in kpis if k.healthy == 0],
        initiatives=shown,
        blockers=blockers,
        last_meeting=last_meeting,
        last_priorities=[] if last_meeting is None else priorities[last_meeting.meeting_id],
    )


def _cycle_of(
    objectives: list[ObjectiveRow], by_id: dict[str, CycleRow], running: list[CycleRow]
) -> CycleRow | None:
    """The running cycle the unit set objectives in (the shortest, if several: a quarter
    within its year); the shortest running cycle when it set none."""
    own = [by_id[o.cycle_id] for o in objectives if o.cycle_id in by_id]
    candidates = own or running
    if not candidates:
        return None
    return min(candidates, key=lambda c: (_length(c), c.start_date, c.cycle_id))


def _length(c: CycleRow) -> int:
    return (date.fromisoformat(c.end_date) - date.fromisoformat(c.start_date)).days


def _day(instant: str) -> date:
    return datetime.fromisoformat(instant).astimezone(UTC).date()
