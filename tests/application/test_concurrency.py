"""Concurrent commands on one shared OKRApplication (it is thread-safe on both stores).

Threads meet at a Barrier so their commands really race; no sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID

from okr_es.aggregates.team_cycle import team_cycle_id
from okr_es.application import OKRApplication
from okr_es.errors import Conflict, LimitExceeded
from okr_es.settings import Settings
from support.world import World, build_world, committed, event_names, set_objective


def _race(count: int, command: Callable[[int], object]) -> list[object]:
    """Run ``command(i)`` in ``count`` threads released together; return results or errors."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = command(i)
        except Exception as error:  # collected and asserted on by the test
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_concurrent_commits_cannot_exceed_the_objective_limit(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, title="First")
    set_objective(app, w, title="Second")

    outcomes = _race(2, lambda i: set_objective(app, w, title=f"Racer {i}"))

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1, outcomes
    assert isinstance(errors[0], (LimitExceeded, Conflict)), errors[0]
    assert len(committed(app, w.team, w.cycle)) == 3
    objectives_set = [n for n in app.all_notifications() if n.topic.endswith(".ObjectiveSet")]
    assert len(objectives_set) == 3


def test_concurrent_check_ins_on_different_key_results_all_land(app: OKRApplication) -> None:
    w = build_world(app)
    threads, rounds = 4, 5
    specs = [{"title": f"KR {i}", "metric": "increase", "start": 0, "target": 100}
             for i in range(threads)]
    ids = set_objective(app, w, key_results=specs).ids
    objective = ids["objective_id"]

    for round_ in range(rounds):

        def check_in(i: int, base: int = round_ * 10) -> object:
            return app.check_in(objective_id=objective, key_result_id=ids[f"key_result_id_{i}"],
                                value=base + i, status="green", by=w.member)

        outcomes = _race(threads, check_in)
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes

    check_ins = [e for e in app.history(objective) if type(e).__name__ == "CheckInMade"]
    assert len(check_ins) == threads * rounds
    assert sorted(e.value for e in check_ins) == sorted(  # type: ignore[attr-defined]
        float(r * 10 + i) for r in range(rounds) for i in range(threads))
    final = app.get_objective(objective).key_results
    assert [final[ids[f"key_result_id_{i}"]].check_in_count for i in range(threads)] == (
        [rounds] * threads)
    assert event_names(app, objective).count("CheckInMade") == threads * rounds


def test_commits_racing_from_separate_application_instances_respect_the_limit(
    app: OKRApplication, settings: Settings
) -> None:
    w = build_world(app)
    set_objective(app, w, title="First")
    set_objective(app, w, title="Second")
    others = [OKRApplication(settings) for _ in range(3)]
    try:
        outcomes = _race(3, lambda i: set_objective(others[i], w, title=f"Racer {i}"))
    finally:
        for other in others:
            other.close()

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 2, outcomes
    assert all(isinstance(e, (LimitExceeded, Conflict)) for e in errors), errors
    assert len(committed(app, w.team, w.cycle)) == 3


def test_concurrent_definitions_of_one_cycle_define_it_once(app: OKRApplication) -> None:
    w = build_world(app)
    outcomes = _race(8, lambda i: app.define_cycle(
        organization_id=w.org, label="2040 Q1", kind="quarter", start="2040-01-01",
        end="2040-03-31", by=w.admin))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert [c.label for c in app.cycles(w.org)].count("2040 Q1") == 1


def test_definitions_racing_from_separate_processes_define_a_cycle_once(
    settings: Settings,
) -> None:
    # Separate application instances stand for separate processes on one store (API
    # processes on PostgreSQL; a CLI command beside the server on the SQLite file): each
    # has its own in-process lock, so only the store's lock can keep them apart.
    apps = [OKRApplication(settings) for _ in range(4)]
    try:
        w = build_world(apps[0])
        for year in (2041, 2042):
            label = f"{year} Q1"

            def define(i: int, label: str = label, year: int = year) -> object:
                return apps[i % 4].define_cycle(
                    organization_id=w.org, label=label, kind="quarter", start=f"{year}-01-01",
                    end=f"{year}-03-31", by=w.admin)  # fmt: skip

            outcomes = _race(8, define)
            assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
            assert [c.label for c in apps[0].cycles(w.org)].count(label) == 1
    finally:
        for each in apps:
            each.close()


def test_a_reopen_racing_the_close_of_its_set_leaves_no_open_objective_in_a_closed_set(
    app: OKRApplication,
) -> None:
    for _ in range(5):
        w = build_world(app)
        objective = set_objective(app, w).ids["objective_id"]
        app.close_objective(objective_id=objective, by=w.admin)
        _race(2, _reopen_or_close_the_set(app, w, objective))
        closed = app.get_team_cycle(w.team, w.cycle)
        assert closed is not None
        assert not (closed.closed and app.get_objective(objective).status == "active")


def _reopen_or_close_the_set(
    app: OKRApplication, w: World, objective: UUID
) -> Callable[[int], object]:
    def command(i: int) -> object:
        if i == 0:
            return app.reopen_objective(objective_id=objective, reason="fix", by=w.admin)
        return app.close_team_cycle(unit_id=w.team, cycle_id=w.cycle, by=w.admin)

    return command


def test_concurrent_reflections_all_land(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w)
    outcomes = _race(6, lambda i: app.record_reflection(
        unit_id=w.team, cycle_id=w.cycle, learnings=f"learning {i}", by=w.admin))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert event_names(app, team_cycle_id(w.team, w.cycle)).count("ReflectionRecorded") == 6
