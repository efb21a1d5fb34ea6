"""The reviews read model: a review read from it equals the full replay's, and reads only
the unit's and cycle's own rows.

The default path of `review_for` / `reviews_for` (GraphQL `review`/`reviews`, `okr-es
review`) reads the reviews projection; `replay=True` (`okr-es review --replay`) replays
the store. Both must give the same review (byte for byte as JSON) for the demo and for
generated histories with target changes, removed key results, drops, closes and reopens,
back-dated check-ins, reflections and renames, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.errors import NotFound, OKRError
from okr_es.history.analyses import review_for, reviews_for
from okr_es.history.event_records import event_classes
from okr_es.history.review_facts import current_review_views
from okr_es.learning.review import Review, ReviewPolicy
from okr_es.projections.queries import Views
from okr_es.projections.reviews import Reviews
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings

TODAY = date(2026, 11, 23)
POLICIES = [ReviewPolicy(), ReviewPolicy(sandbagging_cycles=2), ReviewPolicy(sandbagging_cycles=1)]


def _json(r: Review | dict[UUID, Review]) -> bytes:
    return msgspec.json.encode(r)


def _assert_same_reviews(
    app: OKRApplication, org: UUID, units: list[UUID], cycles: list[UUID], todays: list[date]
) -> int:
    """Read model against replay for every unit, cycle, policy and day; how many compared."""
    compared = 0
    for cycle in cycles:
        for policy in POLICIES:
            for today in todays:
                for unit in units:
                    read = review_for(app, unit, cycle, policy, today=today)
                    replayed = review_for(app, unit, cycle, policy, today=today, replay=True)
                    assert _json(read) == _json(replayed), (unit, cycle, policy, today)
                    compared += 1
                every = reviews_for(app, org, cycle, policy, today=today)
                every_replayed = reviews_for(app, org, cycle, policy, today=today, replay=True)
                assert _json(every) == _json(every_replayed)
                named = reviews_for(app, org, cycle, policy, today=today, unit_ids=units)
                assert _json(named) == _json(
                    reviews_for(app, org, cycle, policy, today=today, unit_ids=units, replay=True)
                )
    return compared


def test_the_demo_s_reviews_from_the_read_model_equal_the_replayed_ones(
    app: OKRApplication,
) -> None:
    demo = seed_demo(app, today=TODAY)
    units = list(app.get_organization(demo.organization_id).units)
    compared = _assert_same_reviews(
        app, demo.organization_id, units, list(demo.cycles.values()), [TODAY]
    )
    assert compared == len(units) * len(demo.cycles) * len(POLICIES)
    # Not vacuous: the demo's reviews find things.
    found = [
        r
        for cycle in demo.cycles.values()
        for r in reviews_for(app, demo.organization_id, cycle, today=TODAY).values()
    ]
    assert any(r.flags for r in found) and any(r.dropped for r in found)
    assert any(r.moved_goalposts for r in found) and any(r.reflections for r in found)


# --- generated histories ------------------------------------------------------------------

NOW = datetime.now(UTC).replace(microsecond=0)
KEY_RESULTS: list[dict[str, Any]] = [
    {"title": "Satisfaction up", "metric": "increase", "start": 10, "target": 80, "unit": "%"},
    {"title": "Waiting time down", "metric": "decrease", "start": 40, "target": 10, "unit": "d"},
    {"title": "Uptime held", "metric": "stay_above", "target": 99, "unit": "%"},
    {"title": "Survey launched", "metric": "milestone"},
]


class _History:
    """One organisation with three cycles (two past, one running), written by random
    commands; refused commands are part of the game (they write nothing)."""

    def __init__(self, app: OKRApplication, rng: random.Random) -> None:
        self.app, self.rng = app, rng
        ids = app.register_organization(
            name=f"Org {rng.random()}", admin_name="Ada Admin", admin_email="ada@example.org"
        ).ids
        self.org, self.admin = ids["organization_id"], ids["member_id"]
        self.units = [ids["root_unit_id"]] + [
            app.add_unit(
                organization_id=self.org, name=f"Team {n}", kind="team",
                parent_id=ids["root_unit_id"], by=self.admin,
            ).ids["unit_id"]
            for n in range(3)
        ]  # fmt: skip
        self.members = [self.admin] + [
            app.add_member(
                organization_id=self.org, name=f"Member {n}", email=f"m{n}@example.org",
                by=self.admin,
            ).ids["member_id"]
            for n in range(2)
        ]  # fmt: skip
        today = NOW.date()
        spans = [(-300, -210), (-200, -110), (-100, 30)]
        self.cycles: dict[UUID, tuple[date, date]] = {}
        for n, (start, end) in enumerate(spans):
            first, last = today + timedelta(days=start), today + timedelta(days=end)
            cycle = app.define_cycle(
                organization_id=self.org, label=f"Cycle {n}", kind="custom",
                start=first.isoformat(), end=last.isoformat(), by=self.admin,
            ).ids["cycle_id"]  # fmt: skip
            self.cycles[cycle] = (first, last)
        # objective id -> (unit, cycle, key result ids)
        self.objectives: dict[UUID, tuple[UUID, UUID, list[UUID]]] = {}

    def when(self, cycle: UUID) -> datetime:
        """A business time in the cycle, not in the future."""
        first, last = self.cycles[cycle]
        days = self.rng.randint(0, (min(last, NOW.date()) - first).days)
        moment = datetime.combine(first, datetime.min.time(), UTC) + timedelta(
            days=days, hours=self.rng.randint(0, 23)
        )
        return min(moment, NOW)

    def step(self) -> None:
        rng, app = self.rng, self.app
        by = rng.choice(self.members)
        op = rng.randrange(18)
        if op <= 1 or not self.objectives:
            unit, cycle = rng.choice(self.units[1:]), rng.choice(list(self.cycles))
            specs = rng.sample(KEY_RESULTS, rng.randint(2, 3))
            ids = app.set_objective(
                organization_id=self.org, unit_id=unit, cycle_id=cycle,
                title=f"Objective {rng.randrange(10**6)}", owner_id=by, by=by,
                why=rng.choice(["", "Users ask for it.", "Brukerne ber om det."]),
                key_results=specs,
                effective_at=rng.choice([None, self.when(cycle)]),
            ).ids  # fmt: skip
            krs = [ids[f"key_result_id_{i}"] for i in range(len(specs))]
            self.objectives[ids["objective_id"]] = (unit, cycle, krs)
            return
        objective = rng.choice(list(self.objectives))
        unit, cycle, krs = self.objectives[objective]
        kr = rng.choice(krs)
        if op <= 10:
            for _ in range(rng.randint(1, 4)):
                app.check_in(
                    objective_id=objective, key_result_id=kr,
                    value=rng.choice([0, 10, 25, 25, 40, 60, 80, 99, 100]),
                    status=rng.choice(["green", "green", "yellow", "red"]), by=by,
                    checked_in_at=rng.choice([None, self.when(cycle), self.when(cycle)]),
                    confidence=rng.choice([None, 1, 2, 5, 9, 10, 10]),
                )  # fmt: skip
        elif op == 11:
            app.adjust_key_result(
                objective_id=objective, key_result_id=kr, reason="Budget cut", by=by,
                target=rng.choice([15, 30, 50, 70, 90]), effective_at=self.when(cycle),
            )  # fmt: skip
        elif op == 12:
            choice = rng.randrange(4)
            if choice == 0:
                app.drop_objective(
                    objective_id=objective, reason="Another team took it over", by=by,
                    effective_at=rng.choice([None, self.when(cycle)]),
                )  # fmt: skip
            elif choice == 1:
                app.remove_key_result(
                    objective_id=objective, key_result_id=kr, reason="Not measurable", by=by
                )
            elif choice == 2:
                app.reword_objective(
                    objective_id=objective, title=f"Reworded {rng.randrange(1000)}", why="",
                    by=by,
                )  # fmt: skip
            else:
                app.rename_unit(
                    organization_id=self.org, unit_id=unit, name=f"Team {rng.random()}",
                    by=self.admin,
                )  # fmt: skip
        elif op == 13:
            scores = rng.choice([None, {k: rng.choice([0.3, 0.7, 0.9, 1.0]) for k in krs}])
            app.close_objective(objective_id=objective, by=by, note="Scored", scores=scores)
        elif op in (14, 15, 16):
            if rng.random() < 0.6:
                app.reopen_objective(objective_id=objective, reason="Late check-in", by=by)
            else:
                app.record_reflection(
                    unit_id=unit, cycle_id=cycle, by=by, keep_doing="Weekly check-ins",
                    learnings=rng.choice(["", "Targets need data first"]),
                )  # fmt: skip
        else:
            for o, (u, c, _) in list(self.objectives.items()):
                if (u, c) == (unit, cycle):
                    app.close_objective(objective_id=o, by=by, note="End of cycle")
            app.close_team_cycle(unit_id=unit, cycle_id=cycle, by=by)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(5, 70))
def test_generated_histories_review_the_same_from_the_read_model_and_by_replay(
    app: OKRApplication, seed: int, steps: int
) -> None:
    # Each example writes a new organisation into the same store: the others' rows are
    # there too, and must never reach this organisation's reviews.
    history = _History(app, random.Random(seed))
    for _ in range(steps):
        with contextlib.suppress(OKRError):
            history.step()
    todays = [NOW.date() - timedelta(days=150), NOW.date(), NOW.date() + timedelta(days=60)]
    _assert_same_reviews(app, history.org, history.units, list(history.cycles), todays)


# --- the read model itself ----------------------------------------------------------------


def test_every_event_of_a_team_cycle_or_objective_is_kept_for_the_review() -> None:
    # The replay counts every one of them (an event's business time bounds a running
    # cycle's review), so a new event class needs its handler here too.
    projection = Reviews()
    classes = [*event_classes(TeamCycle), *event_classes(Objective)]
    named = [c for c in classes if c.__name__ not in ("Event", "Created", "Snapshot")]
    assert len(named) >= 15
    for cls in named:
        assert hasattr(projection, f"on_{cls.__name__}"), cls.__name__


def test_the_reviews_read_model_rebuilt_from_the_log_has_the_same_rows(
    app: OKRApplication,
) -> None:
    seed_demo(app, today=TODAY)
    runner = ProjectionRunner(app, [Reviews()])
    runner.catch_up()
    before = runner.rows(Reviews())
    assert len(before["rm_review_facts"]) > 500 and before["rm_review_teams"]

    runner.rebuild("reviews")

    assert runner.rows(Reviews()) == before


class _Counting:
    """The views, passed through, remembering every statement and how many rows it gave."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.asked: list[tuple[str, dict[str, Any] | None, int]] = []

    def query(self, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        rows = self.views.query(statement, params)
        self.asked.append((statement, params, len(rows)))
        return rows


def test_a_review_reads_its_own_rows_through_indexes_however_much_others_write(
    sqlite_settings: Settings,
) -> None:
    app = OKRApplication(sqlite_settings)
    try:
        demo = seed_demo(app, today=TODAY)
        unit, cycle = demo.units["Team Saksbehandling"], demo.cycles["2026 Q4"]
        views = current_review_views(app)

        def read(which: str) -> list[tuple[str, dict[str, Any] | None, int]]:
            counting = _Counting(current_review_views(app))
            if which == "unit":
                review_for(app, unit, cycle, today=TODAY, views=counting)
            else:
                reviews_for(app, demo.organization_id, cycle, today=TODAY, views=counting)
            return counting.asked

        alone = {which: read(which) for which in ("unit", "organisation")}
        # Another organisation writes a whole demo of its own (thousands of events).
        seed_demo(app, today=TODAY)
        crowded = {which: read(which) for which in ("unit", "organisation")}

        # The same statements, each giving the same rows: nothing of the other
        # organisation is read.
        assert crowded == alone
        for asked in alone.values():
            assert asked
            for statement, params, _ in asked:
                plan = views.query("EXPLAIN QUERY PLAN " + statement, params)
                details = [str(row[-1]) for row in plan]
                # Every table is searched by an index, none scanned whole.
                assert all(not d.startswith("SCAN") for d in details), (statement, details)
                assert any("USING" in d and "INDEX" in d for d in details), details
        facts = [n for s, _, n in alone["unit"] if "rm_review_facts" in s]
        assert sum(facts) > 20
    finally:
        app.close()


def test_the_read_model_path_refuses_foreign_and_unknown_ids_like_the_replay(
    app: OKRApplication,
) -> None:
    demo = seed_demo(app, today=TODAY)
    other = app.register_organization(
        name="Other", admin_name="Ola", admin_email="ola@example.org"
    ).ids["organization_id"]
    for replay in (False, True):
        with pytest.raises(NotFound):
            reviews_for(app, other, demo.cycles["2026 Q4"], today=TODAY, replay=replay)
        with pytest.raises(NotFound):
            reviews_for(
                app, demo.organization_id, demo.cycles["2026 Q4"], today=TODAY,
                unit_ids=[other], replay=replay,
            )  # fmt: skip
        with pytest.raises(NotFound):
            review_for(app, other, demo.cycles["2026 Q4"], today=TODAY, replay=replay)
        with pytest.raises(NotFound):
            review_for(app, demo.units["Team Platform"], other, today=TODAY, replay=replay)
