"""Given-state builders for pure aggregate tests, and the helpers that read the 'then'.

Every builder reaches its state through the aggregates' own commands and then clears the
pending events, so a test's 'when' sees only the events its one command triggers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

import pytest

from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative, KeyResultRef
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization, Policy
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.errors import OKRError

_NS = UUID("6f1c2c1e-9a57-4f0e-8f3b-2f0d7f3c0a11")


def ident(name: str) -> UUID:
    """A stable id per name, so expected events can be written out in full."""
    return uuid5(_NS, name)


ORG = ident("org")
ROOT = ident("root")
DEPARTMENT = ident("department")
TEAM = ident("team")
SIBLING_TEAM = ident("sibling-team")
ADMIN = ident("admin")
MEMBER = ident("member")
CYCLE = ident("cycle")
OBJECTIVE = ident("objective")
KR_INCREASE = ident("kr-increase")
KR_MILESTONE = ident("kr-milestone")
INITIATIVE = ident("initiative")
KPI = ident("kpi")
WHEN = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)

_ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})

ENFORCE = Policy()
WARN = Policy(mode="warn")


# --- then ------------------------------------------------------------------------------------


def then(aggregate: OKRAggregate) -> list[tuple[str, dict[str, Any]]]:
    """The events the 'when' triggered: class name and every field except the envelope."""
    return [
        (
            type(event).__name__,
            {
                f.name: getattr(event, f.name)
                for f in dataclasses.fields(event)  # type: ignore[arg-type]
                if f.name not in _ENVELOPE
            },
        )
        for event in aggregate.collect_events()
    ]


def refused(aggregate: OKRAggregate | None, command: Callable[[], object]) -> OKRError:
    """Run a command that must be refused; it must leave no pending event behind."""
    with pytest.raises(OKRError) as raised:
        command()
    if aggregate is not None:
        assert list(aggregate.collect_events()) == []
    return raised.value


def signature(error: OKRError) -> tuple[str, str, str | None]:
    return type(error).__name__, error.code, error.field


def replayed(events: list[Any]) -> Any:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


# --- given -----------------------------------------------------------------------------------


def given_organization(*, collect: bool = True) -> Organization:
    """Root → Department → Team, and Root → Sibling team; the admin and one plain member."""
    org = Organization.register(
        organization_id=ORG, name="Digdir", root_unit_id=ROOT, founder_id=ADMIN,
        founder_name="Kari Admin", founder_email="kari@digdir.no",
    )
    org.add_unit(unit_id=DEPARTMENT, name="Department", kind="department", parent_id=ROOT,
                 by=ADMIN)
    org.add_unit(unit_id=TEAM, name="Team", kind="team", parent_id=DEPARTMENT, by=ADMIN)
    org.add_unit(unit_id=SIBLING_TEAM, name="Sibling", kind="team", parent_id=ROOT, by=ADMIN)
    org.add_member(member_id=MEMBER, name="Ola Member", email="ola@digdir.no", by=ADMIN)
    if collect:
        org.collect_events()
    return org


def given_cycle(
    *, cycle_id: UUID = CYCLE, label: str = "2026 Q1", start: date = date(2026, 1, 1),
    end: date = date(2026, 3, 31), kind: str = "quarter", parent: Cycle | None = None,
) -> Cycle:
    cycle = Cycle.define(
        cycle_id=cycle_id, organization_id=ORG, label=label, kind=kind, start=start, end=end,
        parent=parent, siblings=[], by=ADMIN,
    )
    cycle.collect_events()
    return cycle


def given_team_cycle(*objective_ids: UUID) -> TeamCycle:
    team_cycle = TeamCycle.open(organization_id=ORG, unit_id=TEAM, cycle_id=CYCLE, by=ADMIN)
    for objective_id in objective_ids:
        team_cycle.commit(objective_id=objective_id, policy=ENFORCE, by=ADMIN)
    team_cycle.collect_events()
    return team_cycle


def given_objective(
    *, objective_id: UUID = OBJECTIVE, unit_id: UUID = TEAM, key_results: bool = True
) -> Objective:
    """An active objective with an increase KR (0 → 10 %) and a milestone KR."""
    objective = Objective.set(
        objective_id=objective_id, organization_id=ORG, unit_id=unit_id, cycle_id=CYCLE,
        title="Happier users", why="They deserve it", owner_id=ADMIN, by=ADMIN,
    )
    if key_results:
        objective.add_key_result(
            key_result_id=KR_INCREASE, title="Satisfaction up", metric="increase", start=0,
            target=10, unit="percent", policy=ENFORCE, by=ADMIN,
        )
        objective.add_key_result(
            key_result_id=KR_MILESTONE, title="Survey launched", metric="milestone",
            policy=ENFORCE, by=ADMIN,
        )
    objective.collect_events()
    return objective


def add_key_results(objective: Objective, count: int, *, policy: Policy = WARN) -> None:
    """Add ``count`` more increase key results, then clear their events."""
    for i in range(count):
        objective.add_key_result(
            key_result_id=ident(f"extra-kr-{i}"), title=f"Extra {i}", metric="increase",
            start=0, target=1, policy=policy, by=ADMIN,
        )
    objective.collect_events()


def given_initiative() -> Initiative:
    initiative = Initiative.start(
        initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM, title="New survey tool",
        owner_id=MEMBER, by=ADMIN,
    )
    initiative.collect_events()
    return initiative


LINK = KeyResultRef(OBJECTIVE, KR_INCREASE)


def given_kpi(*, lower: float | None = 80.0, upper: float | None = None) -> Kpi:
    kpi = Kpi.define(
        kpi_id=KPI, organization_id=ORG, unit_id=TEAM, name="Uptime", unit="percent",
        lower=lower, upper=upper, by=ADMIN,
    )
    kpi.collect_events()
    return kpi
