"""How reviews collect their events: per aggregate for one unit (`review_for`), one pass
over the log for a whole organisation (`reviews_for`). Both must give exactly the reviews
of a straightforward reference that reads the whole notification log for every review
(what `review_for` did before), on the demo organisation on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
import pytest
from eventsourcing.utils import get_topic

from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.reminders import Reminder
from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.errors import NotFound
from okr_es.history.analyses import review_for, reviews_for
from okr_es.history.cycle_events import (
    Positioned,
    collect_cycle,
    collect_unit_cycle,
    cycle_info,
    replay_team_cycles,
)
from okr_es.learning.review import Review, ReviewPolicy, review

TODAY = date(2026, 11, 23)
MeetingOpened = Meeting.MeetingOpened
ReminderSent = Reminder.ReminderSent
POLICIES = [ReviewPolicy(), ReviewPolicy(sandbagging_cycles=2), ReviewPolicy(sandbagging_cycles=1)]


@pytest.fixture
def demo(app: OKRApplication) -> DemoSummary:
    return seed_demo(app, today=TODAY)


# --- the reference: the whole log read for every review ---------------------------------------


def _log_events(app: OKRApplication, ids: set[UUID]) -> list[Positioned]:
    wanted = {str(i) for i in ids}
    return [
        Positioned(n.id, app.decode(n))
        for n in app.all_notifications()
        if str(n.originator_id) in wanted
    ]


def _unit_cycle_events(
    app: OKRApplication, unit_id: UUID, cycle_id: UUID, *, reminders: bool = False
) -> list[Positioned]:
    team_cycle = app.get_team_cycle(unit_id, cycle_id)
    ids: set[UUID] = set()
    if team_cycle is not None:
        ids = {team_cycle.id, *team_cycle.objective_ids, *team_cycle.withdrawn_ids}
        if reminders:  # a review also reads the reminders sent to the unit's members
            sent = [app.decode(n) for n in app.all_notifications(topics=[get_topic(ReminderSent)])]
            ids |= {e.originator_id for e in sent if (e.unit_id, e.cycle_id) == (unit_id, cycle_id)}
    # The unit's meetings in the cycle belong to its review too.
    opened = [app.decode(n) for n in app.all_notifications(topics=[get_topic(MeetingOpened)])]
    ids |= {e.originator_id for e in opened if (e.unit_id, e.cycle_id) == (unit_id, cycle_id)}
    return _log_events(app, ids) if ids else []


def _names(app: OKRApplication, organization_id: UUID) -> dict[UUID, str]:
    org = app.get_organization(organization_id)
    names: dict[UUID, str] = {org.id: org.name}
    names.update({m.id: m.name for m in org.members.values()})
    names.update({u.id: u.name for u in org.units.values()})
    names.update({c.id: c.label for c in app.cycles(org.id)})
    return names


def _reference(app: OKRApplication, unit_id: UUID, cycle_id: UUID, policy: ReviewPolicy) -> Review:
    cycle: Any = app.get_aggregate(cycle_id)
    org = app.get_organization(cycle.organization_id)
    names = _names(app, org.id)
    earlier = [
        c
        for c in app.cycles(org.id)
        if c.end < cycle.start and app.get_team_cycle(unit_id, c.id) is not None
    ]
    earlier.sort(key=lambda c: (c.end, c.start), reverse=True)
    history = earlier[: max(0, policy.sandbagging_cycles - 1)][:8]
    previous: Review | None = None
    for past in reversed(history):
        previous = review(
            _unit_cycle_events(app, unit_id, past.id, reminders=True),
            cycle_info(past),
            policy,
            unit=org.units[unit_id].name,
            unit_id=unit_id,
            names=names,
            previous=previous,
        )
    return review(
        _unit_cycle_events(app, unit_id, cycle_id, reminders=True),
        cycle_info(cycle),
        policy,
        unit=org.units[unit_id].name,
        unit_id=unit_id,
        names=names,
        today=TODAY,
        previous=previous,
    )


def _json(r: Review) -> bytes:
    return msgspec.json.encode(r)


# --- the tests ---------------------------------------------------------------------------


def test_review_for_matches_the_whole_log_reference_for_every_unit_and_cycle(
    app: OKRApplication, demo: DemoSummary
) -> None:
    compared = 0
    for policy in POLICIES:
        for cycle_id in demo.cycles.values():
            for unit_id in demo.units.values():
                got = review_for(app, unit_id, cycle_id, policy, today=TODAY)
                assert _json(got) == _json(_reference(app, unit_id, cycle_id, policy))
                compared += 1
    assert compared >= len(POLICIES) * 2 * 4


def test_collect_unit_cycle_keeps_log_order_and_positions(
    app: OKRApplication, demo: DemoSummary
) -> None:
    for cycle_id in demo.cycles.values():
        for unit_id in demo.units.values():
            got = collect_unit_cycle(app, unit_id, cycle_id)
            expected = _unit_cycle_events(app, unit_id, cycle_id)
            assert [p.position for p in got.events] == [p.position for p in expected]
            assert [p.event for p in got.events] == [p.event for p in expected]


def test_collect_cycle_positions_are_the_log_positions(
    app: OKRApplication, demo: DemoSummary
) -> None:
    for cycle_id in demo.cycles.values():
        got = collect_cycle(app, cycle_id)
        # The organisation and KPIs are shared with other cycles: only part of their
        # events belong to this one, each at its own position.
        shared = {demo.organization_id} | {
            p.event.originator_id for p in got if type(p.event).__qualname__.startswith("Kpi.")
        }
        ids = {p.event.originator_id for p in got} - shared
        log = {p.position: p.event for p in _log_events(app, ids | shared)}
        assert [p.position for p in got if p.event.originator_id in ids] == [
            p.position for p in _log_events(app, ids)
        ]
        assert all(log[p.position] == p.event for p in got)
        assert [p.position for p in got] == sorted({p.position for p in got})


def test_reviews_for_gives_every_team_what_review_for_gives(
    app: OKRApplication, demo: DemoSummary
) -> None:
    for policy in POLICIES:
        for cycle_id in demo.cycles.values():
            reviews = reviews_for(app, demo.organization_id, cycle_id, policy, today=TODAY)
            teams = [u for u in demo.units.values() if app.get_team_cycle(u, cycle_id) is not None]
            assert teams and sorted(reviews) == sorted(teams)
            for unit_id in teams:
                expected = review_for(app, unit_id, cycle_id, policy, today=TODAY)
                assert _json(reviews[unit_id]) == _json(expected)


def test_reviews_for_named_units_include_units_without_okrs(
    app: OKRApplication, demo: DemoSummary
) -> None:
    cycle_id = demo.cycles["2026 Q4"]
    units = list(demo.units.values())
    reviews = reviews_for(app, demo.organization_id, cycle_id, today=TODAY, unit_ids=units)
    assert list(reviews) == units
    for unit_id in units:
        expected = review_for(app, unit_id, cycle_id, today=TODAY)
        assert _json(reviews[unit_id]) == _json(expected)


class _Collected(list[Any]):
    def add(self, event: Any) -> None:
        self.append(event)

    def add_check_ins(self, check_ins: Sequence[Any]) -> None:
        self.extend(check_ins)


def _by_aggregate(records: Sequence[Any]) -> dict[Any, list[Any]]:
    """Each aggregate's records in the order given, check-ins (which may come without
    their objective's id) placed by their key result's objective; ids as UUIDs."""
    objective_of: dict[str, Any] = {}
    out: dict[Any, list[Any]] = {}
    for r in records:
        kind = type(r).__name__
        if kind == "KeyResultAdded":
            objective_of[r.key_result_id] = UUID(str(r.originator_id))
        aggregate = (
            objective_of[r.key_result_id]
            if kind == "CheckInMade"
            else UUID(str(r.originator_id))
        )
        out.setdefault(aggregate, []).append(msgspec.structs.replace(r, originator_id=None))
    return out


def test_one_pass_replays_what_collect_unit_cycle_collects(
    app: OKRApplication, demo: DemoSummary
) -> None:
    """Each aggregate's events in order; other than check-ins, in log order across
    aggregates too (an objective's check-ins may be handed on later, in one go, but
    before its next other event)."""
    replayed = replay_team_cycles(app, demo.cycles.values(), _Collected)
    for cycle_id in demo.cycles.values():
        for unit_id in demo.units.values():
            got = replayed.get((unit_id, cycle_id), [])
            expected = collect_unit_cycle(app, unit_id, cycle_id, records=True).events
            assert _by_aggregate(got) == _by_aggregate(expected)
            assert [r for r in got if type(r).__name__ != "CheckInMade"] == [
                r for r in expected if type(r).__name__ != "CheckInMade"
            ]
            # The positioned collection (the timeline's) leaves out the reminders sent.
            positioned = collect_unit_cycle(app, unit_id, cycle_id).events
            assert sorted(type(r).__name__ for r in got if type(r).__name__ != "ReminderSent") == (
                sorted(type(p.event).__name__ for p in positioned)
            )


def test_reviews_for_rejects_foreign_cycles_and_units(
    app: OKRApplication, demo: DemoSummary
) -> None:
    other = app.register_organization(
        name="Other", admin_name="Olga", admin_email="olga@example.org"
    ).ids["organization_id"]
    with pytest.raises(NotFound):
        reviews_for(app, other, demo.cycles["2026 Q4"], today=TODAY)
    with pytest.raises(NotFound):
        reviews_for(
            app, demo.organization_id, demo.cycles["2026 Q4"], today=TODAY, unit_ids=[other]
        )
    with pytest.raises(NotFound):
        review_for(app, demo.units["Team Platform"], other, today=TODAY)
