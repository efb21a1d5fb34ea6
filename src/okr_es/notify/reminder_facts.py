"""What the reminder schedule needs to know, read from the store and the read models.

The organisation, its reminder settings, cycles, units' OKR sets (closed or not) and the
reminders sent come from the event store (aggregates with known ids); objectives, key
results and check-ins from the read models (``rm_objectives``, ``rm_key_results``,
``rm_check_ins``), as the server or ``okr-es project`` keeps them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from uuid import UUID

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.reminders import ReminderPolicy, ReminderSettings
from okr_es.application import OKRApplication
from okr_es.learning.reminder_schedule import (
    CycleWindow,
    KeyResultFacts,
    SentReminder,
    UnitFacts,
    latest_period,
    previous_periods,
)
from okr_es.projections import queries
from okr_es.projections.queries import Views

ACTIVE = "active"
_MARGIN = timedelta(days=2)


def units_to_remind(
    app: OKRApplication, views: Views, org: Organization, settings: ReminderSettings, now: datetime
) -> Iterator[tuple[UnitFacts, dict[tuple[UUID, UUID, date], SentReminder]]]:
    """Per unit with key results in a cycle around now: its facts and the reminders sent
    to its owners for the current and the earlier periods escalation looks at."""
    cycles = {c.id: c for c in app.cycles(org.id)}
    # Cycles the current period can lie in (the schedule checks exactly which).
    today = now.date()
    around = [c for c in cycles.values() if c.start - _MARGIN <= today <= c.end + _MARGIN]
    objectives = [
        o
        for o in queries.objectives_by_cycle(views, str(org.id), [str(c.id) for c in around])
        if o.status == ACTIVE
    ]
    by_unit: dict[str, list[queries.ObjectiveRow]] = {}
    for objective in objectives:
        by_unit.setdefault(objective.unit_id, []).append(objective)
    for unit_text, unit_objectives in by_unit.items():
        unit_id = UUID(unit_text)
        unit = org.units.get(unit_id)
        if unit is None or unit.archived:
            continue
        policy = settings.effective(unit_id, org.ancestors(unit_id))
        if policy is None or not policy.enabled:
            continue
        facts = _unit_facts(app, views, org, unit_id, policy, unit_objectives, cycles)
        yield facts, _sent(app, facts, policy, now)


def leads_of(org: Organization, unit_id: UUID) -> tuple[tuple[UUID, ...], ...]:
    """Who an escalation may go to, nearest first: the unit's leads, each ancestor's leads
    up to the root, then the organisation's admins (levels without anyone left out)."""
    levels: list[tuple[UUID, ...]] = []
    for candidate in (unit_id, *org.ancestors(unit_id)):
        leads = [
            m.id
            for m in org.members.values()
            if any(g.role == "lead" and g.unit_id == candidate for g in m.grants)
        ]
        if leads:
            levels.append(tuple(sorted(leads, key=str)))
    levels.append(tuple(sorted((m.id for m in org.admins()), key=str)))
    return tuple(levels)


def _unit_facts(
    app: OKRApplication,
    views: Views,
    org: Organization,
    unit_id: UUID,
    policy: ReminderPolicy,
    objectives: list[queries.ObjectiveRow],
    cycles: dict[UUID, Cycle],
) -> UnitFacts:
    owners = {o.objective_id: o for o in objectives}
    krs = queries.key_results_by_objective(views, str(org.id), list(owners))
    check_ins: dict[str, list[queries.CheckInRow]] = {}
    for row in queries.check_ins_by_key_result(views, str(org.id), [k.key_result_id for k in krs]):
        check_ins.setdefault(row.key_result_id, []).append(row)
    key_results = tuple(
        KeyResultFacts(
            key_result_id=UUID(k.key_result_id),
            objective_id=UUID(k.objective_id),
            cycle_id=UUID(owners[k.objective_id].cycle_id),
            owner_id=UUID(owners[k.objective_id].owner_id),
            check_ins=tuple(
                datetime.fromisoformat(c.recorded_at) for c in check_ins.get(k.key_result_id, [])
            ),
            check_in_by=tuple(UUID(c.by_member) for c in check_ins.get(k.key_result_id, [])),
        )
        for k in krs
    )
    windows = [
        _window(app, unit_id, cycles[cycle_id])
        for cycle_id in sorted({kr.cycle_id for kr in key_results}, key=str)
    ]
    return UnitFacts(
        organization_id=org.id,
        unit_id=unit_id,
        policy=policy,
        key_results=key_results,
        cycles=tuple(windows),
        leads=leads_of(org, unit_id),
    )


def _window(app: OKRApplication, unit_id: UUID, cycle: Cycle) -> CycleWindow:
    team_cycle = app.get_team_cycle(unit_id, cycle.id)
    closed = team_cycle is None or team_cycle.closed
    return CycleWindow(cycle.id, cycle.start, cycle.end, closed=closed)


def _sent(
    app: OKRApplication, facts: UnitFacts, policy: ReminderPolicy, now: datetime
) -> dict[tuple[UUID, UUID, date], SentReminder]:
    latest = latest_period(policy, now)
    if latest is None:
        return {}
    period = latest[0]
    periods = [period, *previous_periods(policy, period, policy.escalate_after_missed)]
    sent: dict[tuple[UUID, UUID, date], SentReminder] = {}
    for owner in {kr.owner_id for kr in facts.key_results}:
        for day in periods:
            reminder = app.sent_reminder(facts.unit_id, owner, day)
            if reminder is None:
                continue
            sent[(facts.unit_id, owner, day)] = SentReminder(
                unit_id=facts.unit_id,
                member_id=owner,
                period=day,
                sent_at=reminder.due_at,
                key_result_ids=tuple(reminder.key_result_ids),
            )
    return sent
