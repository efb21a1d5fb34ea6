"""okr-es learning benchmark: the organisation-wide learning review of one cycle.

An organisation of 400 teams with 5 objectives each (2,000 objectives, 6,000 key results,
13 weekly check-ins per key result: about 91,000 events in one quarter) with realistic
mixes of behaviour: steady teams, teams that fall silent and catch up at the end (hockey
stick), teams that lower targets mid-cycle and report green while standing still (moved
goalposts, zombies), and teams that drop an objective. The quarter is finished: every
active objective is closed with its scores, most teams record a reflection, and every team
closes its cycle.

Measured (seeding excluded, its time reported):

* ``reviews_for``, read model: :func:`okr_es.history.analyses.reviews_for`, the
  organisation-wide review as GraphQL ``reviews`` and ``okr-es review --all`` ask it: the
  cycle's teams' rows of the reviews read model (built once beforehand, its catch-up time
  reported), replayed per team, then the pure review per team. This is the figure the
  target applies to.
* ``reviews_for (replay)``: the same with ``replay=True`` (``okr-es review --replay``):
  one read of the notification log from the cycle's start, grouping the decoded events of
  the cycle's team cycles and objectives by team. Reported.
* ``review_for``, every team: :func:`okr_es.history.analyses.review_for` once per team with
  ``replay=True`` (one unit's review, reading only that team's aggregates). Reported.
* Both organisation-wide figures again after ANOTHER organisation of the same size wrote
  its own quarter after this one's: the replay reads the log to its head and slows down,
  the read model reads the same rows. Reported.

Every review is checked to be exactly (byte for byte as JSON) the read model's.

Both as events reviewed per second, against a **baseline** in the same run: reading the
same notification log raw (plain ``sqlite3`` / ``psycopg`` SELECT of the stored events
table's rows in pages of 1,000, and ``msgspec.json.decode`` of each row's state; no
domain objects). Target: the organisation-wide review reaches at least 50 % of the raw
rate.

Run through ``python -m benchmarks.run --suite learning`` (included in ``--suite all``).
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec
from psycopg import sql

from benchmarks.run import (
    PAGE,
    RawPostgres,
    RawSqlite,
    Result,
    Store,
    events_table,
    log,
    postgres_store,
    sqlite_store,
)
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for, reviews_for
from okr_es.history.cycle_events import replay_team_cycles
from okr_es.learning.review import Review, ReviewPolicy
from okr_es.projections.reviews import Reviews
from okr_es.projections.runner import ProjectionRunner

LEARNING_TARGET = 0.50  # review events/s over raw read + decode events/s, at least

QUARTER_START = date(2025, 1, 1)
QUARTER_END = date(2025, 3, 31)
FIRST_WEEK = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)  # the first Monday of the quarter
REVIEW_DAY = date(2025, 4, 15)  # "today" for the review: the quarter is over
SAVE_CHUNK = 100  # aggregates per app.save(...) while seeding

STEADY, SILENT, LOWERED, DROPPING = "steady", "silent-then-jump", "lowered-targets", "dropped"
# Team behaviours, by team number modulo 5: two steady teams in five.
PROFILES = (STEADY, STEADY, SILENT, LOWERED, DROPPING)

COMMENTS = (
    "On track: the new onboarding flow reached two more regions this week.",
    "Slower week: the release slipped, conversion unchanged.",
    "Good progress after the campaign; support tickets are down as well.",
)
OBJECTIVE_TITLES = (
    "Make onboarding effortless",
    "Cut the time customers wait for an answer",
    "Make the self-service portal the first choice",
    "Ship reliable releases every week",
    "Understand why customers leave",
)
KEY_RESULTS = (  # (title, metric, start, target, unit)
    ("Raise sign-up conversion", "increase", 10.0, 25.0, "%"),
    ("Reduce median answer time in hours", "decrease", 48.0, 12.0, "h"),
    ("Raise weekly active self-service users", "increase", 1000.0, 4000.0, ""),
)


@dataclass(frozen=True)
class LearningSizes:
    """The organisation the learning review runs on."""

    teams: int
    objectives_per_team: int = 5
    key_results: int = 3
    weeks: int = 13  # weekly check-ins per key result
    repeats: int = 1  # measurements per figure, taking turns; the best one counts


DEFAULT_LEARNING_SIZES = LearningSizes(teams=400, repeats=3)
QUICK_LEARNING_SIZES = LearningSizes(teams=20, repeats=1)


def learning_sizes(quick: bool) -> dict[str, Any]:
    return asdict(QUICK_LEARNING_SIZES if quick else DEFAULT_LEARNING_SIZES)


# --- seeding -------------------------------------------------------------------------------


@dataclass
class Team:
    unit_id: UUID
    lead_id: UUID
    profile: str
    team_cycle: TeamCycle
    objectives: list[Objective] = field(default_factory=list)


@dataclass
class Seeded:
    organization_id: UUID
    cycle_id: UUID
    teams: list[Team]
    events: int  # in the notification log
    seconds: float
    kinds: Counter[str]


def _week_time(week: float, k: int = 0) -> datetime:
    return FIRST_WEEK + timedelta(days=7 * week, minutes=k)


def _value(start: float, target: float, share: float) -> float:
    return round(start + (target - start) * share, 2)


def _check_in_plan(profile: str, weeks: int) -> list[float]:
    """When (in weeks from the first Monday) a key result of a team with this profile is
    checked in: ``weeks`` check-ins in all, weekly, or silent and catching up at the end."""
    if profile != SILENT:
        return [float(w) for w in range(weeks)]
    # Two weekly check-ins, silence, then every remaining check-in in the last third,
    # a few per week (several per week on different days).
    early = [0.0, 1.0]
    late_weeks = max(1, weeks // 3)
    rest = weeks - len(early)
    return early + [
        (weeks - late_weeks) + (i * late_weeks) / rest for i in range(rest)
    ]


def _share_at(profile: str, i: int, count: int, k: int) -> float:
    """Share of the way to the target reported at check-in ``i`` of ``count``."""
    if profile == SILENT:
        return 0.02 * i if i < 2 else 0.1 + 0.9 * (i - 1) / (count - 1)
    if profile == LOWERED and k == 2 and 3 <= i <= 8:
        return 0.2  # green, and the same value week after week: a zombie
    return min(1.0, (i + 1) / count * (0.75 + 0.1 * k))


def _status(profile: str, i: int, k: int) -> str:
    if profile == LOWERED and k == 2:
        return "green"
    if profile == SILENT and i < 2:
        return "yellow"
    return ("green", "green", "yellow", "green", "red")[(i + k) % 5]


def seed(app: OKRApplication, sizes: LearningSizes) -> Seeded:
    """The organisation, built through the aggregates' own command methods (so the events
    are the real domain events, validated as the application validates them) and saved
    many aggregates per ``app.save``. The organisation, its policy and the cycle go through
    the application's commands."""
    started = time.perf_counter()
    reg = app.register_organization(name="Learning Corp", admin_name="Ada Admin",
                                    admin_email="ada@example.org")
    org_id, root, admin = (reg.ids["organization_id"], reg.ids["root_unit_id"],
                           reg.ids["member_id"])
    app.change_policy(organization_id=org_id, by=admin, max_objectives=sizes.objectives_per_team,
                      max_key_results=max(5, sizes.key_results))
    cycle_id = app.define_cycle(organization_id=org_id, label="2025 Q1", kind="quarter",
                                start=QUARTER_START.isoformat(), end=QUARTER_END.isoformat(),
                                by=admin).ids["cycle_id"]

    org = app.get_organization(org_id)
    assert isinstance(org, Organization)
    policy = org.policy
    teams: list[Team] = []
    for t in range(sizes.teams):
        unit_id, lead_id = uuid4(), uuid4()
        org.add_unit(unit_id=unit_id, name=f"Team {t + 1:03d}", kind="team", parent_id=root,
                     by=admin)
        org.add_member(member_id=lead_id, name=f"Lead {t + 1:03d}",
                       email=f"lead{t + 1}@example.org", by=admin)
        team_cycle = TeamCycle.open(organization_id=org_id, unit_id=unit_id, cycle_id=cycle_id,
                                    by=lead_id)
        teams.append(Team(unit_id, lead_id, PROFILES[t % len(PROFILES)], team_cycle))
    app.save(org)

    for t, team in enumerate(teams):
        for n in range(sizes.objectives_per_team):
            objective = Objective.set(
                objective_id=uuid4(), organization_id=org_id, unit_id=team.unit_id,
                cycle_id=cycle_id, title=f"{OBJECTIVE_TITLES[n % len(OBJECTIVE_TITLES)]} ({t})",
                why="Customers tell us this is what holds them back.", owner_id=team.lead_id,
                effective_at=_week_time(-0.5), by=team.lead_id,
            )
            for k in range(sizes.key_results):
                title, metric, start, target, unit = KEY_RESULTS[k % len(KEY_RESULTS)]
                objective.add_key_result(
                    key_result_id=uuid4(), title=f"{title} ({k + 1})", metric=metric,
                    start=start, target=target, unit=unit, policy=policy,
                    effective_at=_week_time(-0.5), by=team.lead_id,
                )
            team.team_cycle.commit(objective_id=objective.id, policy=policy, by=team.lead_id)
            team.objectives.append(objective)
    _save_all(app, [a for team in teams for a in (team.team_cycle, *team.objectives)])

    plans = {profile: _check_in_plan(profile, sizes.weeks) for profile in set(PROFILES)}
    for week in range(sizes.weeks):
        touched: list[Any] = []
        for team in teams:
            plan = plans[team.profile]
            for n, objective in enumerate(team.objectives):
                if objective.status != "active":
                    continue
                if team.profile == DROPPING and n == len(team.objectives) - 1 and week == 5:
                    objective.drop(reason="The platform team took this over; we focus on "
                                          "self-service.", effective_at=_week_time(week),
                                   by=team.lead_id)
                    team.team_cycle.withdraw(objective_id=objective.id,
                                             reason=objective.status_reason, by=team.lead_id)
                    touched += [objective, team.team_cycle]
                    continue
                if team.profile == LOWERED and n % 2 == 1 and week == sizes.weeks // 2:
                    kr = next(iter(objective.key_results.values()))
                    assert kr.start is not None and kr.target is not None
                    objective.adjust_key_result(
                        key_result_id=kr.id, target=_value(kr.start, kr.target, 0.6),
                        reason="The campaign budget was cut.", effective_at=_week_time(week),
                        by=team.lead_id,
                    )
                for i, when in enumerate(plan):
                    if not week <= when < week + 1:
                        continue
                    for k, kr in enumerate(objective.key_results.values()):
                        start, target = kr.start or 0.0, kr.target or 0.0
                        objective.check_in(
                            key_result_id=kr.id,
                            value=_value(start, target, _share_at(team.profile, i, len(plan), k)),
                            status=_status(team.profile, i, k),
                            comment=COMMENTS[(i + k + n) % len(COMMENTS)],
                            checked_in_at=_week_time(when, k), by=team.lead_id,
                        )
                touched.append(objective)
        _save_all(app, touched)

    closing: list[Any] = []
    for t, team in enumerate(teams):
        for objective in team.objectives:
            if objective.status == "active":
                objective.close(scores=None, note="Scored at the quarterly review.",
                                by=team.lead_id)
                closing.append(objective)
        if t % 3 != 2:
            team.team_cycle.record_reflection(
                keep_doing="Weekly check-ins on Monday.", stop_doing="Adding work mid-cycle.",
                start_doing="Setting targets with the people who do the work.",
                learnings="Conversion follows answer time more than we thought.",
                by=team.lead_id)
        team.team_cycle.close(open_objective_titles=[], note="", by=team.lead_id)
        closing.append(team.team_cycle)
    _save_all(app, closing)

    kinds: Counter[str] = Counter()
    events = 0
    for notification in app.all_notifications():
        kinds[notification.topic.rsplit(".", 1)[-1]] += 1
        events += 1
    return Seeded(org_id, cycle_id, teams, events, time.perf_counter() - started, kinds)


def _save_all(app: OKRApplication, aggregates: Sequence[Any]) -> None:
    unique = list({id(a): a for a in aggregates}.values())
    for i in range(0, len(unique), SAVE_CHUNK):
        app.save(*unique[i:i + SAVE_CHUNK])


# --- the baseline: the same log read raw ----------------------------------------------------


def settle(store: Store, table: str) -> None:
    """After the bulk load, before any clock starts: the store as it is in steady state
    (PostgreSQL vacuumed and analysed, so autovacuum does not wake up mid-measurement on
    the freshly written table; SQLite's write-ahead log checkpointed into the file)."""
    raw = store.raw
    if isinstance(raw, RawSqlite):
        raw.reader.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.reader.execute("ANALYZE")
        return
    assert isinstance(raw, RawPostgres)
    raw.conn.commit()
    raw.conn.autocommit = True
    try:
        raw.conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(raw.schema, table)))
    finally:
        raw.conn.autocommit = False



def raw_read_decode(store: Store, table: str) -> int:
    """Every row of the events table in pages of 1,000 by notification id, with
    ``msgspec.json.decode`` of each state: no notification or domain objects."""
    decode = msgspec.json.Decoder().decode
    count, start = 0, 1
    raw = store.raw
    if isinstance(raw, RawSqlite):
        query = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
                 "WHERE rowid >= ? ORDER BY rowid LIMIT ?")
        conn: sqlite3.Connection = raw.reader
        while True:
            rows = conn.execute(query, (start, PAGE)).fetchall()
            for row in rows:
                decode(row[4])
            count += len(rows)
            if len(rows) < PAGE:
                return count
            start = rows[-1][0] + 1
    assert isinstance(raw, RawPostgres)
    pg_query = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
        "WHERE notification_id >= %s ORDER BY notification_id LIMIT %s"
    ).format(sql.Identifier(raw.schema, table))
    with raw.conn.cursor() as cur:
        while True:
            rows = cur.execute(pg_query, (start, PAGE)).fetchall()
            for row in rows:
                decode(row[4])
            count += len(rows)
            if len(rows) < PAGE:
                break
            start = rows[-1][0] + 1
    raw.conn.commit()
    return count


# --- the reviews ---------------------------------------------------------------------------


@dataclass
class ReviewForRun:
    seconds: float  # for every team (extrapolated when the budget ran out)
    measured_seconds: float
    teams_reviewed: int
    reviews: dict[UUID, Review]

    @property
    def extrapolated(self) -> bool:
        return self.seconds != self.measured_seconds


def reviews_review_for(app: OKRApplication, cycle_id: UUID, unit_ids: Sequence[UUID],
                       policy: ReviewPolicy, today: date, budget: float | None
                       ) -> ReviewForRun:
    """``review_for`` once per team. With a ``budget`` (seconds), stops once it is spent
    and extrapolates the remaining teams from the mean time per team (every team has about
    the same number of events, so each call costs about the same)."""
    reviews: dict[UUID, Review] = {}
    started = time.perf_counter()
    elapsed = 0.0
    for unit_id in unit_ids:
        reviews[unit_id] = review_for(app, unit_id, cycle_id, policy, today=today, replay=True)
        elapsed = time.perf_counter() - started
        if budget is not None and elapsed > budget:
            break
    total = elapsed * len(unit_ids) / len(reviews)
    return ReviewForRun(total, elapsed, len(reviews), reviews)


class _Count:
    """A replay that only counts the events it is given."""

    def __init__(self) -> None:
        self.events = 0

    def add(self, event: Any) -> None:
        self.events += 1

    def add_check_ins(self, check_ins: Sequence[Any]) -> None:
        self.events += len(check_ins)


def _same(a: Review, b: Review) -> bool:
    return msgspec.json.encode(a) == msgspec.json.encode(b)


def _profile(label: str, run: Callable[[], Any], lines: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(12)
    return f"--- cProfile: {label} ---\n{out.getvalue()}"


# --- the benchmark -------------------------------------------------------------------------


@contextmanager
def _store(name: str, url: str) -> Iterator[Store]:
    with (sqlite_store() if name == "sqlite" else postgres_store(url)) as store:
        yield store


def bench_learning_store(store: Store, sizes: LearningSizes, budget: float | None,
                         profile: bool) -> list[Result]:
    log(f"[{store.name}] learning: seeding {sizes.teams} teams x {sizes.objectives_per_team} "
        f"objectives x {sizes.key_results} KRs, {sizes.weeks} check-ins per KR")
    app = OKRApplication(store.settings)
    try:
        seeded = seed(app, sizes)
        table = events_table(app)
    finally:
        app.close()
    log(f"[{store.name}] learning: seeded {seeded.events:,} events in {seeded.seconds:.1f} s")
    projected = _project(store)
    log(f"[{store.name}] learning: reviews read model caught up in {projected:.1f} s")
    settle(store, table)
    units = [team.unit_id for team in seeded.teams]
    # The seeding's aggregates (every objective with its check-ins) are not what a review
    # process holds: measured with them alive, every figure reads through a heap several
    # times larger than the review's own.
    seeded.teams.clear()
    gc.collect()
    policy = ReviewPolicy()

    best: dict[str, float] = {}
    raw_count = 0
    org_wide: dict[UUID, Review] = {}
    # A fresh application per figure, as a separate review process would start: empty
    # aggregate cache, the connection opened before the clock starts.
    fresh = OKRApplication(store.settings)
    try:
        fresh.position()
        raw_read_decode(store, table)  # warm up: the database's cache, the driver
        for _ in range(max(1, sizes.repeats)):
            started = time.perf_counter()
            raw_count = raw_read_decode(store, table)
            best["raw"] = min(best.get("raw", float("inf")), time.perf_counter() - started)
            for name, replay in (("reviews_for", True), ("read_model", False)):
                took, got = _org_wide(store, seeded, units, policy, replay)
                best[name] = min(best.get(name, float("inf")), took)
                if replay:
                    org_wide = got
                elif not all(_same(r, org_wide[u]) for u, r in got.items()):
                    raise AssertionError("the read model's reviews differ from the replay's")
        log(f"[{store.name}] learning: review_for for each of {len(units)} teams"
            + (f" (budget {budget:.0f} s, then extrapolated)" if budget else ""))
        run = reviews_review_for(fresh, seeded.cycle_id, units, policy, REVIEW_DAY, budget)
        # The events the reviews cover (the cycle's team cycles and objectives), counted
        # outside the clock.
        counted = replay_team_cycles(fresh, [seeded.cycle_id], _Count)
        reviewed = sum(c.events for c in counted.values())
    finally:
        fresh.close()

    differing = [u for u, r in run.reviews.items() if not _same(r, org_wide[u])]
    if differing:
        raise AssertionError(f"reviews_for differs from review_for for {len(differing)} teams")

    # Another organisation writes its own quarter after this one's.
    log(f"[{store.name}] learning: another organisation writes a quarter")
    app = OKRApplication(store.settings)
    try:
        other = seed(app, sizes)
    finally:
        app.close()
    log(f"[{store.name}] learning: reviews read model caught up in {_project(store):.1f} s")
    settle(store, table)
    gc.collect()
    crowded: dict[str, float] = {}
    for _ in range(max(1, sizes.repeats)):
        for name, replay in (("reviews_for", True), ("read_model", False)):
            took, got = _org_wide(store, seeded, units, policy, replay)
            crowded[name] = min(crowded.get(name, float("inf")), took)
            if not all(_same(r, org_wide[u]) for u, r in got.items()):
                raise AssertionError("another organisation's events changed the reviews")
    flags: Counter[str] = Counter(f.code for r in org_wide.values() for f in r.flags)

    if profile:
        profile_app = OKRApplication(store.settings)
        try:
            log(_profile(f"review_for, one team ({store.name})", lambda: review_for(
                profile_app, units[0], seeded.cycle_id, policy, today=REVIEW_DAY)))
            log(_profile(f"reviews_for, {len(units)} teams ({store.name})",
                         lambda: reviews_for(profile_app, seeded.organization_id,
                                             seeded.cycle_id, policy, today=REVIEW_DAY,
                                             unit_ids=units)))
        finally:
            profile_app.close()

    raw_rate = raw_count / best["raw"]
    base = "raw SELECT + msgspec decode"
    common = {
        "teams": len(units), "log_events": seeded.events, "events_reviewed": reviewed,
        "seed_seconds": round(seeded.seconds, 1), "raw_seconds": round(best["raw"], 3),
        "flags": dict(sorted(flags.items())),
        "reviews_for_seconds": round(best["reviews_for"], 3),
        "read_model_seconds": round(best["read_model"], 3),
        "projection_seconds": round(projected, 1),
        "log_events_after_other": other.events,
        "reviews_for_seconds_after_other": round(crowded["reviews_for"], 3),
        "read_model_seconds_after_other": round(crowded["read_model"], 3),
        "review_for_seconds": round(run.seconds, 2),
        "review_for_measured_seconds": round(run.measured_seconds, 2),
        "teams_measured": run.teams_reviewed, "extrapolated": run.extrapolated,
        "seconds_per_team": round(run.measured_seconds / run.teams_reviewed, 4),
    }
    extrapolated = f", extrapolated from {run.teams_reviewed}" if run.extrapolated else ""
    after = f", after another organisation's {other.events - seeded.events:,} events"
    return [
        Result(
            "learning", f"reviews_for, read model x {len(units)} teams", store.name,
            "events/s", reviewed / best["read_model"], base, raw_rate, LEARNING_TARGET,
            {**common, "seconds": round(best["read_model"], 3)},
        ),
        Result(
            "learning", f"reviews_for (replay, one pass) x {len(units)} teams", store.name,
            "events/s", reviewed / best["reviews_for"], base, raw_rate, None,
            {**common, "seconds": round(best["reviews_for"], 3)},
        ),
        Result(
            "learning", f"reviews_for, read model{after}", store.name,
            "events/s", reviewed / crowded["read_model"], base, raw_rate, None,
            {**common, "seconds": round(crowded["read_model"], 3)},
        ),
        Result(
            "learning", f"reviews_for (replay){after}", store.name,
            "events/s", reviewed / crowded["reviews_for"], base, raw_rate, None,
            {**common, "seconds": round(crowded["reviews_for"], 3)},
        ),
        Result(
            "learning", f"review_for x {len(units)} teams{extrapolated}", store.name,
            "events/s", reviewed / run.seconds, base, raw_rate, None,
            {**common, "seconds": round(run.seconds, 2)},
        ),
    ]


def _project(store: Store) -> float:
    """Bring the reviews read model up to the head of the log; the seconds it took."""
    app = OKRApplication(store.settings)
    try:
        started = time.perf_counter()
        ProjectionRunner(app, [Reviews()]).catch_up(batch_size=2000)
        return time.perf_counter() - started
    finally:
        app.close()


def _org_wide(store: Store, seeded: Seeded, units: Sequence[UUID], policy: ReviewPolicy,
              replay: bool) -> tuple[float, dict[UUID, Review]]:
    """One organisation-wide review by a fresh application (as a separate review process
    would start: empty aggregate cache, the connection opened before the clock starts)."""
    app = OKRApplication(store.settings)
    try:
        app.position()
        started = time.perf_counter()
        reviews = reviews_for(app, seeded.organization_id, seeded.cycle_id, policy,
                              today=REVIEW_DAY, unit_ids=units, replay=replay)
        return time.perf_counter() - started, reviews
    finally:
        app.close()


def bench_learning(stores: Sequence[str], url: str, quick: bool, budget: float | None,
                   profile: bool) -> list[Result]:
    sizes = QUICK_LEARNING_SIZES if quick else DEFAULT_LEARNING_SIZES
    results: list[Result] = []
    for name in stores:
        with _store(name, url) as store:
            results += bench_learning_store(store, sizes, budget, profile)
    return results
