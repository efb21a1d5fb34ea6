"""The demo organisation's check-in reminders: its policies and a plausible history.

Fjordby reminds every team on Monday at 09:00 (Europe/Oslo) and skips owners who checked
in during the last six days; Team Platform prefers every second Thursday after lunch, and
nobody is reminded during the winter, Easter and summer holidays. The history is what the
scheduler would have sent in the running cycle up to yesterday, given the demo's check-ins
(by their business dates, as they were back-dated): the same pure schedule decides.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from okr_es.aggregates.objective import ACTIVE
from okr_es.application import OKRApplication
from okr_es.learning.reminder_schedule import (
    CycleWindow,
    KeyResultFacts,
    SentReminder,
    UnitFacts,
    due_reminders,
)
from okr_es.notify.reminder_facts import leads_of


def seed_demo_reminders(
    app: OKRApplication, organization_id: UUID, admin: UUID, today: date
) -> int:
    """Set the demo's reminder policies and record its reminder history; how many sent."""
    year = today.year
    holidays = [
        {"start": f"{year}-02-23", "end": f"{year}-02-27", "label": "vinterferie"},
        {"start": f"{year}-03-30", "end": f"{year}-04-06", "label": "påske"},
        {"start": f"{year}-07-01", "end": f"{year}-08-07", "label": "fellesferie"},
        {"start": f"{year}-12-21", "end": f"{year + 1}-01-01", "label": "jul"},
    ]
    app.set_reminder_default(
        organization_id=organization_id, by=admin, policy={"holidays": holidays}
    )
    org = app.get_organization(organization_id)
    platform = next(u.id for u in org.units.values() if u.name == "Team Platform")
    app.set_unit_reminder_policy(
        organization_id=organization_id,
        unit_id=platform,
        by=admin,
        policy={
            "cadence": "fortnightly",
            "weekday": "thursday",
            "time_of_day": "13:00",
            "skip_scope": "team",
            "holidays": holidays,
        },
    )
    settings = app.reminder_settings(organization_id)
    assert settings is not None
    running = [c for c in app.cycles(organization_id) if c.start <= today <= c.end]
    sent = 0
    for cycle in running:
        for unit_id in org.units:
            team_cycle = app.get_team_cycle(unit_id, cycle.id)
            if team_cycle is None or team_cycle.closed:
                continue
            policy = settings.effective(unit_id, org.ancestors(unit_id))
            facts = UnitFacts(
                organization_id=organization_id,
                unit_id=unit_id,
                policy=policy,
                key_results=_key_results(app, team_cycle.objective_ids),
                cycles=(CycleWindow(cycle.id, cycle.start, cycle.end),),
                leads=leads_of(org, unit_id),
            )
            sent += _history(app, facts, cycle.start, today)
    return sent


def _key_results(app: OKRApplication, objective_ids: list[UUID]) -> tuple[KeyResultFacts, ...]:
    found: list[KeyResultFacts] = []
    for objective_id in objective_ids:
        objective = app.get_objective(objective_id)
        if objective.status != ACTIVE:
            continue
        made: dict[UUID, list[tuple[datetime, UUID]]] = {}
        for e in app.history(objective_id):
            if type(e).__name__ == "CheckInMade":
                made.setdefault(e.key_result_id, []).append(  # type: ignore[attr-defined]
                    (e.checked_in_at, e.by)  # type: ignore[attr-defined]
                )
        for kr in objective.key_results.values():
            if kr.removed:
                continue
            check_ins = made.get(kr.id, [])
            found.append(
                KeyResultFacts(
                    key_result_id=kr.id,
                    objective_id=objective_id,
                    cycle_id=objective.cycle_id,
                    owner_id=objective.owner_id,
                    check_ins=tuple(at for at, _ in check_ins),
                    check_in_by=tuple(by for _, by in check_ins),
                )
            )
    return tuple(found)


def _history(app: OKRApplication, facts: UnitFacts, start: date, today: date) -> int:
    """Run the schedule day by day from the cycle's start to yesterday, as if at 18:00 UTC
    (after every reminder time of the day), recording what it finds due."""
    sent: dict[tuple[UUID, UUID, date], SentReminder] = {}
    day = start
    while day < today:
        # Only check-ins made by then count (the demo back-dates them).
        now = datetime.combine(day, time(18), UTC)
        known = UnitFacts(
            facts.organization_id,
            facts.unit_id,
            facts.policy,
            tuple(_until(kr, now) for kr in facts.key_results),
            facts.cycles,
            facts.leads,
        )
        for due in due_reminders(known, sent, now):
            app.record_reminder(
                organization_id=due.organization_id,
                unit_id=due.unit_id,
                member_id=due.member_id,
                cycle_id=due.cycle_id,
                period=due.period,
                due_at=due.due_at,
                key_result_ids=list(due.key_result_ids),
                escalated_to=list(due.escalated_to),
                missed_periods=due.missed_periods,
                helped_within_days=due.helped_within_days,
            )
            sent[(due.unit_id, due.member_id, due.period)] = SentReminder(
                due.unit_id, due.member_id, due.period, due.due_at, due.key_result_ids
            )
        day += timedelta(days=1)
    return len(sent)


def _until(kr: KeyResultFacts, now: datetime) -> KeyResultFacts:
    kept = [(at, by) for at, by in zip(kr.check_ins, kr.check_in_by, strict=True) if at <= now]
    return KeyResultFacts(
        kr.key_result_id,
        kr.objective_id,
        kr.cycle_id,
        kr.owner_id,
        tuple(at for at, _ in kept),
        tuple(by for _, by in kept),
    )
