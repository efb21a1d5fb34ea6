"""Replaying an aggregate's events from nothing rebuilds exactly the live aggregate's state."""

from __future__ import annotations

from datetime import date

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative, KeyResultRef
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from support.given import (
    ADMIN,
    CYCLE,
    DEPARTMENT,
    ENFORCE,
    INITIATIVE,
    KPI,
    KR_INCREASE,
    KR_MILESTONE,
    MEMBER,
    OBJECTIVE,
    ORG,
    SIBLING_TEAM,
    TEAM,
    WARN,
    WHEN,
    given_organization,
    ident,
    replayed,
)


def test_a_replayed_organisation_equals_the_live_one() -> None:
    org = given_organization(collect=False)
    org.rename_unit(unit_id=TEAM, name="Team Rocket", by=ADMIN)
    org.move_unit(unit_id=SIBLING_TEAM, parent_id=DEPARTMENT, by=ADMIN)
    org.grant_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    org.grant_role(member_id=MEMBER, role="ambassador", unit_id=None, by=ADMIN)
    org.revoke_role(member_id=MEMBER, role="lead", unit_id=TEAM, by=ADMIN)
    org.archive_unit(unit_id=SIBLING_TEAM, reason="merged", by=ADMIN)
    org.change_policy(max_objectives=2, min_key_results=1, max_key_results=4,
                      warn_key_results_above=3, mode="warn", by=ADMIN)

    copy = replayed(list(org.collect_events()))

    assert isinstance(copy, Organization)
    assert copy == org
    assert copy.version == org.version == 14


def test_a_replayed_cycle_equals_the_live_one() -> None:
    cycle = Cycle.define(cycle_id=CYCLE, organization_id=ORG, label="Q1", kind="quarter",
                         start=date(2026, 1, 1), end=date(2026, 3, 31), parent=None,
                         siblings=[], by=ADMIN)
    cycle.rename(label="2026 Q1", siblings=[], by=ADMIN)
    assert replayed(list(cycle.collect_events())) == cycle


def test_a_replayed_team_cycle_equals_the_live_one() -> None:
    first, second = ident("objective-1"), ident("objective-2")
    team_cycle = TeamCycle.open(organization_id=ORG, unit_id=TEAM, cycle_id=CYCLE, by=ADMIN)
    team_cycle.commit(objective_id=first, policy=ENFORCE, by=ADMIN)
    team_cycle.commit(objective_id=second, policy=ENFORCE, by=ADMIN)
    team_cycle.withdraw(objective_id=first, reason="dropped", by=ADMIN)
    team_cycle.record_reflection(keep_doing="a", stop_doing="b", start_doing="c",
                                 learnings="d", by=ADMIN)
    team_cycle.close(open_objective_titles=[], note="done", by=ADMIN)
    copy = replayed(list(team_cycle.collect_events()))
    assert copy == team_cycle
    assert (copy.objective_ids, copy.withdrawn_ids, copy.closed) == ([second], [first], True)


def test_a_replayed_objective_equals_the_live_one() -> None:
    parent = Objective.set(objective_id=ident("parent"), organization_id=ORG,
                           unit_id=DEPARTMENT, cycle_id=CYCLE, title="Parent", why="",
                           owner_id=ADMIN, by=ADMIN)
    objective = Objective.set(objective_id=OBJECTIVE, organization_id=ORG, unit_id=TEAM,
                              cycle_id=CYCLE, title="Happier users", why="", owner_id=ADMIN,
                              effective_at=WHEN, by=ADMIN)
    objective.reword(title="Delighted users", why="because", by=ADMIN)
    objective.change_owner(owner_id=MEMBER, by=ADMIN)
    objective.align(parent=parent, key_result_id=None, by=ADMIN)
    objective.add_key_result(key_result_id=KR_INCREASE, title="Up", metric="increase", start=0,
                             target=10, policy=ENFORCE, by=ADMIN)
    objective.add_key_result(key_result_id=KR_MILESTONE, title="Done", metric="milestone",
                             policy=ENFORCE, by=ADMIN)
    objective.add_key_result(key_result_id=ident("kr-3"), title="Below", metric="stay_below",
                             target=3, policy=ENFORCE, by=ADMIN)
    objective.adjust_key_result(key_result_id=KR_INCREASE, target=8, reason="budget", by=ADMIN)
    objective.remove_key_result(key_result_id=ident("kr-3"), reason="task", policy=WARN,
                                by=ADMIN)
    objective.check_in(key_result_id=KR_INCREASE, value=6, status="yellow", comment="c",
                       blockers="b", checked_in_at=WHEN, by=MEMBER)
    objective.check_in(key_result_id=KR_MILESTONE, value=1, status="green", checked_in_at=WHEN,
                       by=MEMBER)
    objective.close(scores=None, note="ok", by=ADMIN)
    objective.reopen(reason="typo", by=ADMIN)
    objective.drop(reason="reorg", by=ADMIN)

    copy = replayed(list(objective.collect_events()))

    assert copy == objective
    assert (copy.status, copy.version) == ("dropped", 14)
    assert copy.key_results[KR_INCREASE].check_in_count == 1


def test_a_replayed_closed_objective_keeps_its_scores() -> None:
    objective = Objective.set(objective_id=OBJECTIVE, organization_id=ORG, unit_id=TEAM,
                              cycle_id=CYCLE, title="Happier users", why="", owner_id=ADMIN,
                              by=ADMIN)
    objective.add_key_result(key_result_id=KR_INCREASE, title="Up", metric="increase", start=0,
                             target=10, policy=ENFORCE, by=ADMIN)
    objective.check_in(key_result_id=KR_INCREASE, value=5, status="green", checked_in_at=WHEN,
                       by=ADMIN)
    objective.close(scores=None, note="half", by=ADMIN)
    copy = replayed(list(objective.collect_events()))
    assert copy == objective
    assert copy.scores == {KR_INCREASE: 0.5}


def test_a_replayed_initiative_equals_the_live_one() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title="Tool", owner_id=MEMBER, by=ADMIN)
    initiative.link(ref=KeyResultRef(OBJECTIVE, KR_INCREASE), by=ADMIN)
    initiative.progress(percent_complete=30, note="", by=MEMBER)
    initiative.complete(note="shipped", by=MEMBER)
    assert replayed(list(initiative.collect_events())) == initiative


def test_a_replayed_stopped_initiative_equals_the_live_one() -> None:
    initiative = Initiative.start(initiative_id=INITIATIVE, organization_id=ORG, unit_id=TEAM,
                                  title="Tool", owner_id=MEMBER, by=ADMIN)
    initiative.stop(reason="no budget", by=ADMIN)
    assert replayed(list(initiative.collect_events())) == initiative


def test_a_replayed_kpi_equals_the_live_one() -> None:
    kpi = Kpi.define(kpi_id=KPI, organization_id=ORG, unit_id=TEAM, name="Uptime",
                     unit="percent", lower=99, upper=None, by=ADMIN)
    kpi.graduate(objective_id=OBJECTIVE, key_result_id=KR_INCREASE, by=ADMIN)
    kpi.measure(value=99.9, measured_at=WHEN, by=ADMIN)
    kpi.change_corridor(lower=99.5, upper=100, reason="SLA", by=ADMIN)
    kpi.retire(reason="gone", by=ADMIN)
    assert replayed(list(kpi.collect_events())) == kpi
