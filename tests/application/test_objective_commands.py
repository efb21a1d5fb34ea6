"""Objective commands through OKRApplication, on every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from okr_es.aggregates.team_cycle import team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import Conflict, LimitExceeded
from okr_es.settings import Settings
from support.world import (
    TWO_KEY_RESULTS,
    World,
    build_world,
    committed,
    event_names,
    refused_by,
    set_objective,
    signature,
    written,
)


def _objective(app: OKRApplication, w: World, **extra: Any) -> tuple[UUID, UUID, UUID]:
    ids = set_objective(app, w, **extra).ids
    return ids["objective_id"], ids["key_result_id_0"], ids["key_result_id_1"]


# --- setting ---------------------------------------------------------------------------------


def test_setting_an_objective_saves_it_and_the_team_cycle_in_one_go(app: OKRApplication) -> None:
    w = build_world(app)
    before = app.position()
    result = set_objective(app, w)
    objective_id = result.ids["objective_id"]
    assert event_names(app, objective_id) == ["ObjectiveSet", "KeyResultAdded", "KeyResultAdded"]
    assert event_names(app, team_cycle_id(w.team, w.cycle)) == ["TeamCycleOpened",
                                                                "ObjectiveCommitted"]
    assert result.position == app.position() == before + 5
    assert committed(app, w.team, w.cycle) == [objective_id]


def test_a_second_objective_only_commits_to_the_existing_team_cycle(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    set_objective(app, w)
    result, new = written(app, lambda: set_objective(app, w, title="Faster answers"),
                          aggregate_id=team_cycle_id(w.team, w.cycle))
    assert new == ["ObjectiveCommitted"]
    assert result.warnings == []


def test_a_fourth_objective_is_refused_and_nothing_is_written(app: OKRApplication) -> None:
    w = build_world(app)
    for i in range(3):
        set_objective(app, w, title=f"Objective {i}")
    error = refused_by(app, lambda: set_objective(app, w, title="One too many"))
    assert isinstance(error, LimitExceeded)
    assert error.code == "too-many-objectives"
    assert len(committed(app, w.team, w.cycle)) == 3


def test_a_fourth_objective_is_accepted_with_a_warning_in_warn_mode(app: OKRApplication) -> None:
    w = build_world(app)
    app.change_policy(organization_id=w.org, mode="warn", by=w.admin)
    for i in range(3):
        set_objective(app, w, title=f"Objective {i}")
    result = set_objective(app, w, title="Fourth")
    assert result.warnings == ["too-many-objectives"]


def test_dropping_an_objective_frees_a_slot_for_another(app: OKRApplication) -> None:
    w = build_world(app)
    ids = [set_objective(app, w, title=f"Objective {i}").ids["objective_id"] for i in range(3)]
    result, new = written(app, lambda: app.drop_objective(objective_id=ids[1],
                                                          reason="reorganised", by=w.admin),
                          aggregate_id=ids[1])
    assert new == ["ObjectiveDropped"]
    assert event_names(app, team_cycle_id(w.team, w.cycle))[-1] == "ObjectiveWithdrawn"
    fourth = set_objective(app, w, title="Replacement").ids["objective_id"]
    assert committed(app, w.team, w.cycle) == [ids[0], ids[2], fourth]
    assert result.position < app.position()


def test_an_objective_with_too_many_key_results_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    specs = [{"title": f"KR {i}", "metric": "milestone"} for i in range(6)]
    error = refused_by(app, lambda: set_objective(app, w, key_results=specs))
    assert error.code == "too-many-key-results"
    assert app.get_team_cycle(w.team, w.cycle) is None


def test_an_objective_with_a_business_date_in_the_future_writes_nothing(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    later = datetime.now(UTC) + timedelta(days=3)
    error = refused_by(app, lambda: set_objective(app, w, effective_at=later.isoformat()))
    assert signature(error) == ("InvalidInput", "in-the-future", "effective_at")


def test_an_objective_owned_by_a_stranger_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.set_objective(
        organization_id=w.org, unit_id=w.team, cycle_id=w.cycle, title="X",
        owner_id=w.cycle, by=w.admin))
    assert signature(error) == ("NotFound", "not-found", "owner_id")


def test_an_objective_in_an_archived_unit_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    app.archive_unit(organization_id=w.org, unit_id=w.sibling_team, reason="x", by=w.admin)
    error = refused_by(app, lambda: set_objective(app, w, unit=w.sibling_team))
    assert signature(error) == ("RuleViolation", "unit-archived", "unit_id")


# --- alignment -------------------------------------------------------------------------------


def test_an_objective_aligns_to_a_key_result_of_its_department(app: OKRApplication) -> None:
    w = build_world(app)
    parent, parent_kr, _ = _objective(app, w, unit=w.department, title="Department goal")
    result = set_objective(app, w, aligned_to_objective_id=parent,
                           aligned_to_key_result_id=parent_kr)
    objective = app.get_objective(result.ids["objective_id"])
    assert (objective.aligned_to_objective_id, objective.aligned_to_key_result_id) == (
        parent, parent_kr)


def test_an_objective_aligns_to_the_organisations_objective(app: OKRApplication) -> None:
    w = build_world(app)
    parent, _, _ = _objective(app, w, unit=w.root, title="Organisation goal")
    child, _, _ = _objective(app, w)
    _, new = written(app, lambda: app.align_objective(objective_id=child,
                                                      parent_objective_id=parent, by=w.admin),
                     aggregate_id=child)
    assert new == ["ObjectiveAligned"]


def test_aligning_to_a_sibling_teams_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    sibling, _, _ = _objective(app, w, unit=w.sibling_team, title="Sibling goal")
    error = refused_by(app, lambda: set_objective(app, w, aligned_to_objective_id=sibling))
    assert signature(error) == ("RuleViolation", "alignment-not-ancestor",
                                "aligned_to_objective_id")


def test_aligning_later_to_a_sibling_teams_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    sibling, _, _ = _objective(app, w, unit=w.sibling_team, title="Sibling goal")
    child, _, _ = _objective(app, w)
    error = refused_by(app, lambda: app.align_objective(objective_id=child,
                                                        parent_objective_id=sibling,
                                                        by=w.admin))
    assert error.code == "alignment-not-ancestor"


def test_aligning_to_an_objective_of_the_same_unit_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    peer, _, _ = _objective(app, w, title="Peer goal")
    error = refused_by(app, lambda: set_objective(app, w, aligned_to_objective_id=peer))
    assert error.code == "alignment-not-ancestor"


def test_a_department_cannot_align_down_to_its_team(app: OKRApplication) -> None:
    w = build_world(app)
    team_goal, _, _ = _objective(app, w)
    error = refused_by(app, lambda: set_objective(app, w, unit=w.department,
                                                  aligned_to_objective_id=team_goal))
    assert error.code == "alignment-not-ancestor"


def test_aligning_to_a_dropped_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    parent, _, _ = _objective(app, w, unit=w.department, title="Department goal")
    app.drop_objective(objective_id=parent, reason="gone", by=w.admin)
    error = refused_by(app, lambda: set_objective(app, w, aligned_to_objective_id=parent))
    assert signature(error) == ("RuleViolation", "objective-dropped", "aligned_to_objective_id")


def test_aligning_to_an_unknown_key_result_of_the_parent_writes_nothing(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    parent, _, _ = _objective(app, w, unit=w.department, title="Department goal")
    error = refused_by(app, lambda: set_objective(app, w, aligned_to_objective_id=parent,
                                                  aligned_to_key_result_id=w.team))
    assert signature(error) == ("NotFound", "not-found", "aligned_to_key_result_id")


# --- carry-over ------------------------------------------------------------------------------


def test_an_objective_is_carried_over_from_an_earlier_cycle_of_the_same_unit(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    earlier, _, _ = _objective(app, w, cycle=w.previous_cycle)
    result = set_objective(app, w, carried_over_from=earlier,
                           carry_over_reason="halfway; the pilot showed it works")
    assert app.get_objective(result.ids["objective_id"]).carried_over_from == earlier


def test_carrying_over_from_the_same_cycle_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    same, _, _ = _objective(app, w)
    error = refused_by(app, lambda: set_objective(app, w, title="Again",
                                                  carried_over_from=same,
                                                  carry_over_reason="why not"))
    assert signature(error) == ("RuleViolation", "carry-over-not-earlier", "carried_over_from")


def test_carrying_over_from_a_later_cycle_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    later, _, _ = _objective(app, w)
    error = refused_by(app, lambda: set_objective(app, w, cycle=w.previous_cycle,
                                                  carried_over_from=later,
                                                  carry_over_reason="time travel"))
    assert error.code == "carry-over-not-earlier"


def test_carrying_over_another_units_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    theirs, _, _ = _objective(app, w, unit=w.sibling_team, cycle=w.previous_cycle)
    error = refused_by(app, lambda: set_objective(app, w, carried_over_from=theirs,
                                                  carry_over_reason="we liked it"))
    assert signature(error) == ("RuleViolation", "carry-over-other-unit", "carried_over_from")


def test_carrying_over_another_organisations_objective_is_answered_as_unknown(
    app: OKRApplication,
) -> None:
    w, other = build_world(app), build_world(app)
    theirs, _, _ = _objective(app, other, cycle=other.previous_cycle)
    foreign = refused_by(app, lambda: set_objective(app, w, carried_over_from=theirs,
                                                    carry_over_reason="we liked it"))
    unknown = refused_by(app, lambda: set_objective(app, w, carried_over_from=uuid4(),
                                                    carry_over_reason="we liked it"))
    assert signature(foreign) == signature(unknown) == (
        "NotFound", "not-found", "carried_over_from")


def test_carrying_over_without_a_reason_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    earlier, _, _ = _objective(app, w, cycle=w.previous_cycle)
    error = refused_by(app, lambda: set_objective(app, w, carried_over_from=earlier))
    assert error.code == "carry-over-needs-reason"


# --- changing an objective -------------------------------------------------------------------


def test_rewording_writes_objective_reworded(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    _, new = written(app, lambda: app.reword_objective(objective_id=objective,
                                                       title="Delighted users", by=w.member),
                     aggregate_id=objective)
    assert new == ["ObjectiveReworded"]


def test_changing_the_owner_writes_owner_changed(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    _, new = written(app, lambda: app.change_owner(objective_id=objective, owner_id=w.colleague,
                                                   by=w.admin), aggregate_id=objective)
    assert new == ["OwnerChanged"]
    assert app.get_objective(objective).owner_id == w.colleague


def test_adding_a_key_result_writes_key_result_added(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    result, new = written(app, lambda: app.add_key_result(
        objective_id=objective, title="Response time down", metric="decrease", start=20,
        target=10, unit="days", by=w.member), aggregate_id=objective)
    assert new == ["KeyResultAdded"]
    kr = app.get_objective(objective).key_results[result.ids["key_result_id"]]
    assert (kr.metric, kr.start, kr.target, kr.unit) == ("decrease", 20.0, 10.0, "days")


def test_a_fourth_key_result_is_added_with_a_soft_warning(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    app.add_key_result(objective_id=objective, title="Third", metric="milestone", by=w.admin)
    result = app.add_key_result(objective_id=objective, title="Fourth", metric="milestone",
                                by=w.admin)
    assert result.warnings == ["many-key-results"]


def test_adjusting_a_key_result_writes_key_result_adjusted(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    _, new = written(app, lambda: app.adjust_key_result(
        objective_id=objective, key_result_id=kr, target=75, reason="budget cut", by=w.admin),
        aggregate_id=objective)
    assert new == ["KeyResultAdjusted"]
    assert app.get_objective(objective).key_results[kr].target == 75.0


def test_removing_a_key_result_below_the_minimum_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    error = refused_by(app, lambda: app.remove_key_result(objective_id=objective,
                                                          key_result_id=kr, reason="x",
                                                          by=w.admin))
    assert signature(error) == ("LimitExceeded", "too-few-key-results", None)


def test_removing_a_key_result_writes_key_result_removed(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    app.add_key_result(objective_id=objective, title="Third", metric="milestone", by=w.admin)
    _, new = written(app, lambda: app.remove_key_result(objective_id=objective,
                                                        key_result_id=kr, reason="output",
                                                        by=w.admin), aggregate_id=objective)
    assert new == ["KeyResultRemoved"]


def test_a_check_in_writes_check_in_made_with_its_business_date(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    monday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    _, new = written(app, lambda: app.check_in(
        objective_id=objective, key_result_id=kr, value=70, status="yellow", comment="ok",
        blockers="legal review", checked_in_at=monday.isoformat(), by=w.member),
        aggregate_id=objective)
    assert new == ["CheckInMade"]
    event = app.history(objective)[-1]
    assert (event.value, event.blockers, event.checked_in_at) == (  # type: ignore[attr-defined]
        70.0, "legal review", monday)
    assert app.get_objective(objective).key_results[kr].progress == pytest.approx(0.5)


def test_a_check_in_on_a_dropped_objective_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    app.drop_objective(objective_id=objective, reason="reorg", by=w.admin)
    error = refused_by(app, lambda: app.check_in(objective_id=objective, key_result_id=kr,
                                                 value=70, status="green", by=w.member))
    assert error.code == "objective-dropped"


def test_a_check_in_after_a_reopen_made_by_this_process_is_written(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    app.check_in(objective_id=objective, key_result_id=kr, value=60, status="green",
                 by=w.member)
    app.close_objective(objective_id=objective, by=w.admin)
    app.reopen_objective(objective_id=objective, reason="correct the last check-in",
                         by=w.admin)
    _, new = written(app, lambda: app.check_in(objective_id=objective, key_result_id=kr,
                                               value=65, status="green", by=w.member),
                     aggregate_id=objective)
    assert new == ["CheckInMade"]


def test_a_check_in_on_a_key_result_just_added_by_this_process_is_written(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    app.check_in(objective_id=objective, key_result_id=kr, value=60, status="green",
                 by=w.member)
    added = app.add_key_result(objective_id=objective, title="Answers within a day",
                               metric="increase", start=0, target=9, unit="%",
                               by=w.admin).ids["key_result_id"]
    _, new = written(app, lambda: app.check_in(objective_id=objective, key_result_id=added,
                                               value=1, status="green", by=w.member),
                     aggregate_id=objective)
    assert new == ["CheckInMade"]


def test_a_back_dated_check_in_does_not_replace_a_later_value(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, _ = _objective(app, w)
    now = datetime.now(UTC).replace(microsecond=0)
    app.check_in(objective_id=objective, key_result_id=kr, value=75, status="green",
                 checked_in_at=(now - timedelta(days=1)).isoformat(), by=w.member)
    app.check_in(objective_id=objective, key_result_id=kr, value=62, status="red",
                 checked_in_at=(now - timedelta(days=20)).isoformat(), by=w.member)
    key_result = app.get_objective(objective).key_results[kr]
    assert (key_result.current, key_result.status, key_result.check_in_count) == (
        75.0, "green", 2)
    assert key_result.last_check_in_at == now - timedelta(days=1)
    app.close_objective(objective_id=objective, by=w.admin)
    assert app.get_objective(objective).scores[kr] == pytest.approx(0.75)


def test_closing_an_objective_writes_its_scores(app: OKRApplication) -> None:
    w = build_world(app)
    objective, kr, milestone = _objective(app, w)
    app.check_in(objective_id=objective, key_result_id=kr, value=75, status="green",
                 by=w.member)
    _, new = written(app, lambda: app.close_objective(
        objective_id=objective, scores={str(milestone): 1}, note="good", by=w.admin),
        aggregate_id=objective)
    assert new == ["ObjectiveClosed"]
    assert app.get_objective(objective).scores == {kr: 0.75, milestone: 1.0}


def test_reopening_a_closed_objective_writes_objective_reopened(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    app.close_objective(objective_id=objective, by=w.admin)
    _, new = written(app, lambda: app.reopen_objective(objective_id=objective,
                                                       reason="wrong final value",
                                                       by=w.admin), aggregate_id=objective)
    assert new == ["ObjectiveReopened"]
    assert app.get_objective(objective).status == "active"


def test_a_change_against_a_stale_version_raises_a_conflict(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    seen = app.get_objective(objective).version
    app.reword_objective(objective_id=objective, title="Someone else's words", by=w.member)
    error = refused_by(app, lambda: app.reword_objective(
        objective_id=objective, title="My words", by=w.admin, expected_version=seen))
    assert isinstance(error, Conflict)
    assert (error.code, error.expected_version, error.actual_version) == (
        "version-conflict", seen, seen + 1)


def test_a_change_against_the_current_version_is_written(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    version = app.get_objective(objective).version
    _, new = written(app, lambda: app.reword_objective(
        objective_id=objective, title="My words", by=w.admin, expected_version=version),
        aggregate_id=objective)
    assert new == ["ObjectiveReworded"]


def test_an_objective_can_be_read_as_of_an_earlier_version(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    app.reword_objective(objective_id=objective, title="Later words", by=w.admin)
    assert app.get_objective(objective, version=1).title == "Happier users"
    assert app.get_objective(objective).title == "Later words"


def test_an_import_of_no_objectives_writes_nothing(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: app.import_objectives(
        organization_id=w.org, unit_id=w.team, cycle_id=w.cycle, objectives=[], by=w.admin))
    assert signature(error) == ("InvalidInput", "empty", "objectives")
    assert app.get_team_cycle(w.team, w.cycle) is None


# --- one objective of a title per set ---------------------------------------------------------


def test_a_second_objective_of_the_same_title_is_refused(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, title="Happier users")
    error = refused_by(app, lambda: set_objective(app, w, title="  HAPPIER users "))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "title")
    # Another unit's set may hold the same title.
    written(app, lambda: set_objective(app, w, title="Happier users", unit=w.sibling_team),
            id_key="objective_id")


def test_titles_that_only_look_different_are_the_same_title(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, title="Reduce churn")
    for same in ("Re\u00adduce churn", "reduce   churn", "Ｒeduce churn",
                 "\u2066Reduce churn\u2069"):
        error = refused_by(app, lambda t=same: set_objective(app, w, title=t))
        assert signature(error) == ("RuleViolation", "duplicate-objective", "title")


def test_a_dropped_objectives_title_may_be_set_again(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)
    app.drop_objective(objective_id=objective, reason="Wrong focus", by=w.admin)
    _, new = written(app, lambda: set_objective(app, w), id_key="objective_id")
    assert new[0] == "ObjectiveSet"


def test_a_reworded_title_is_taken_at_once(app: OKRApplication) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w, title="Alpha")
    set_objective(app, w, title="Beta")
    app.reword_objective(objective_id=objective, title="Gamma", by=w.admin)
    for title in ("gamma", "GAMMA "):
        error = refused_by(app, lambda t=title: set_objective(app, w, title=t))
        assert signature(error) == ("RuleViolation", "duplicate-objective", "title")
    beta = committed(app, w.team, w.cycle)[1]
    error = refused_by(app, lambda: app.reword_objective(
        objective_id=beta, title="Gamma", by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "title")
    written(app, lambda: set_objective(app, w, title="Alpha"), id_key="objective_id")


def test_set_objective_names_the_key_result_at_fault(app: OKRApplication) -> None:
    w = build_world(app)
    bad = {"title": "Fewer calls", "metric": "decrease", "start": 1, "target": 5}
    error = refused_by(app, lambda: set_objective(
        app, w, key_results=[TWO_KEY_RESULTS[0], bad]))
    assert signature(error) == ("InvalidInput", "metric-mismatch", "key_results[1].target")
    error = refused_by(app, lambda: set_objective(
        app, w, key_results=[TWO_KEY_RESULTS[0], TWO_KEY_RESULTS[0]]))
    assert signature(error) == ("RuleViolation", "duplicate-key-result", "key_results[1].title")


def test_a_title_another_process_reworded_away_is_free(
    app: OKRApplication, settings: Settings
) -> None:
    w = build_world(app)
    objective, _, _ = _objective(app, w)  # cached by this process as "Happier users"
    with OKRApplication(settings) as other:
        other.reword_objective(objective_id=objective, title="Calmer users", by=w.admin)
    _, new = written(app, lambda: set_objective(app, w), id_key="objective_id")
    assert new[0] == "ObjectiveSet"
    error = refused_by(app, lambda: set_objective(app, w, title="calmer USERS"))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "title")


def _import(app: OKRApplication, w: World, *objectives: dict[str, Any]) -> Any:
    return app.import_objectives(
        organization_id=w.org, unit_id=w.team, cycle_id=w.cycle, objectives=list(objectives),
        by=w.admin,
    )


def _entry(w: World, title: str, changed: dict[str, Any] | None = None) -> dict[str, Any]:
    """An import's objective: the title, the world's member as owner, two key results."""
    entry = {"title": title, "owner_id": w.member, "key_results": TWO_KEY_RESULTS}
    return {**entry, **(changed or {})}


def test_an_import_run_twice_is_refused_the_second_time(app: OKRApplication) -> None:
    w = build_world(app)
    _import(app, w, _entry(w, "Happier users"))
    error = refused_by(app, lambda: _import(app, w, _entry(w, "Happier users")))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "objectives[0].title")


def test_an_import_that_names_one_objective_twice_is_refused(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: _import(
        app, w, _entry(w, "Happier users"), _entry(w, "Happier Users")))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "objectives[1].title")
    assert app.get_team_cycle(w.team, w.cycle) is None


KR = TWO_KEY_RESULTS[0]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ({"title": ""}, ("InvalidInput", "empty", "objectives[1].title")),
        ({"owner_id": "not-an-id"}, ("InvalidInput", "invalid-id", "objectives[1].owner_id")),
        ({"key_results": [KR, {"title": "Fewer calls", "metric": "decrease", "start": 1,
                               "target": 5}]},
         ("InvalidInput", "metric-mismatch", "objectives[1].key_results[1].target")),
        ({"key_results": [KR, KR]},
         ("RuleViolation", "duplicate-key-result", "objectives[1].key_results[1].title")),
        ({"key_results": [KR, {"title": 5}]},
         ("InvalidInput", "wrong-type", "objectives[1].key_results[1]")),
        ({"key_results": "many"}, ("InvalidInput", "wrong-type", "objectives[1].key_results")),
    ],
)
def test_an_import_names_the_objective_and_key_result_at_fault(
    app: OKRApplication, changed: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: _import(
        app, w, _entry(w, "Happier users"), _entry(w, "Faster answers", changed)))
    assert signature(error) == expected
    assert app.get_team_cycle(w.team, w.cycle) is None


def test_an_import_names_the_objective_over_the_limit(app: OKRApplication) -> None:
    w = build_world(app)
    error = refused_by(app, lambda: _import(
        app, w, *(_entry(w, f"Objective {i}") for i in range(4))))
    assert signature(error) == ("LimitExceeded", "too-many-objectives", "objectives[3]")


def test_an_objective_is_not_reworded_to_another_objectives_title(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, title="Happier users")
    objective, _, _ = _objective(app, w, title="Faster answers")
    error = refused_by(app, lambda: app.reword_objective(
        objective_id=objective, title="happier users", by=w.admin))
    assert signature(error) == ("RuleViolation", "duplicate-objective", "title")
    # Its own title in other letters is a change like any other.
    _, new = written(app, lambda: app.reword_objective(
        objective_id=objective, title="FASTER answers", by=w.admin), aggregate_id=objective)
    assert new == ["ObjectiveReworded"]
