"""okr-es scale benchmark: rebuilding the read models of a store of 100,000 and 1,000,000 events.

The store is built as many organisations use one server: organisations of 40 teams, each
team with 5 objectives of 3 key results checked in weekly for a quarter, then closed
(about 9,000 events per organisation, 86 % of them check-ins). The events are real domain
events: made through the aggregates' own command methods (as the application makes them)
and saved many aggregates per ``app.save``; each organisation, its policy and its cycle go
through the application's commands. The store is built to the small size, measured, then
grown to the large size and measured again.

Measured at each size (seeding excluded, its time reported):

* ``rebuild``: :meth:`okr_es.projections.runner.ProjectionRunner.rebuild` of every read
  model from position 0, in events per second (the fastest of two rebuilds, three with
  ``--quick``, each after a read of the baseline), against a **baseline** in the same run:
  reading the same notification log raw (plain ``sqlite3`` / ``psycopg`` pages of 1,000
  rows and ``msgspec.json.decode`` of each row's state; no domain objects, no writes).
  Target: at least 25,000 events/s.
* ``relay`` (at the large size, when NATS answers): ``okr-es relay``'s publishing from
  position 0, in events per second, against raw JetStream async publishing of the same
  messages (see ``benchmarks/relay.py``). Target: at least 5,000 events/s.
* ``review``, ``projection lag`` at 200 commands/s, ``HTTP check-ins, two API processes``
  and ``server RSS`` (PostgreSQL; the review on both stores): see ``benchmarks/scale_live.py``.
* ``rebuild cost per event``: microseconds per event at the large size against the small
  size. Target: at most 1.2x (a constant cost per event: no lookup that grows with the store).

Run through ``python -m benchmarks.run --suite scale`` (not part of ``--suite all``: at
full size it writes a million events per store). ``--quick`` uses 10,000 and 50,000 events.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from benchmarks.learning import raw_read_decode, settle
from benchmarks.relay import relay_result
from benchmarks.run import Result, Store, events_table, log, postgres_store, sqlite_store
from benchmarks.scale_live import (
    DEFAULT_LIVE_SIZES,
    QUICK_LIVE_SIZES,
    SeededOrganization,
    api_results,
    lag_results,
    review_results,
    review_seconds,
)
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.projections.runner import ProjectionRunner

REBUILD_TARGET = 25_000.0  # events/s, at every size
COST_GROWTH_TARGET = 1.2  # cost per event at the large size over the small size, at most

QUARTER_START = date(2025, 1, 1)
QUARTER_END = date(2025, 3, 31)
FIRST_WEEK = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
SAVE_CHUNK = 100  # aggregates per app.save(...) while seeding
STATUSES = ("green", "green", "yellow", "green", "red")
KEY_RESULTS = (  # (title, metric, start, target, unit)
    ("Raise sign-up conversion", "increase", 10.0, 25.0, "%"),
    ("Reduce median answer time in hours", "decrease", 48.0, 12.0, "h"),
    ("Raise weekly active self-service users", "increase", 1000.0, 4000.0, ""),
)


@dataclass(frozen=True)
class ScaleSizes:
    """The two store sizes, and the shape of each organisation."""

    small: int  # events in the log at the first measurement (at least)
    large: int  # events at the second
    teams: int = 40  # per organisation
    objectives_per_team: int = 5
    key_results: int = 3
    weeks: int = 13
    repeats: int = 2  # rebuilds per size; the fastest counts (the machine may be shared)


DEFAULT_SCALE_SIZES = ScaleSizes(small=100_000, large=1_000_000)
QUICK_SCALE_SIZES = ScaleSizes(small=10_000, large=50_000, teams=10, repeats=3)


def scale_sizes(quick: bool) -> dict[str, Any]:
    return asdict(QUICK_SCALE_SIZES if quick else DEFAULT_SCALE_SIZES)


# --- seeding -------------------------------------------------------------------------------


def seed_organization(app: OKRApplication, sizes: ScaleSizes, n: int) -> SeededOrganization:
    """One organisation's finished quarter (see the module docstring)."""
    reg = app.register_organization(name=f"Scale Corp {n + 1}", admin_name="Ada Admin",
                                    admin_email=f"ada{n + 1}@example.org")
    org_id, root, admin = (reg.ids["organization_id"], reg.ids["root_unit_id"],
                           reg.ids["member_id"])
    app.change_policy(organization_id=org_id, by=admin, max_objectives=sizes.objectives_per_team,
                      max_key_results=max(5, sizes.key_results))
    cycle_id = app.define_cycle(organization_id=org_id, label="2025 Q1", kind="quarter",
                                start=QUARTER_START.isoformat(), end=QUARTER_END.isoformat(),
                                by=admin).ids["cycle_id"]
    org = app.get_organization(org_id)
    assert isinstance(org, Organization)
    teams: list[tuple[Any, Any, TeamCycle]] = []
    for t in range(sizes.teams):
        unit_id, lead_id = uuid4(), uuid4()
        org.add_unit(unit_id=unit_id, name=f"Team {t + 1:03d}", kind="team", parent_id=root,
                     by=admin)
        org.add_member(member_id=lead_id, name=f"Lead {n + 1}-{t + 1:03d}",
                       email=f"lead{n + 1}-{t + 1}@example.org", by=admin)
        team_cycle = TeamCycle.open(organization_id=org_id, unit_id=unit_id, cycle_id=cycle_id,
                                    by=lead_id)
        teams.append((unit_id, lead_id, team_cycle))
    app.save(org)

    objectives: list[tuple[Any, Objective]] = []
    for t, (unit_id, lead_id, team_cycle) in enumerate(teams):
        for o in range(sizes.objectives_per_team):
            objective = Objective.set(
                objective_id=uuid4(), organization_id=org_id, unit_id=unit_id,
                cycle_id=cycle_id, title=f"Make onboarding effortless ({t}.{o})",
                why="Customers tell us this is what holds them back.", owner_id=lead_id,
                effective_at=FIRST_WEEK - timedelta(days=3), by=lead_id,
            )
            for k in range(sizes.key_results):
                title, metric, start, target, unit = KEY_RESULTS[k % len(KEY_RESULTS)]
                objective.add_key_result(
                    key_result_id=uuid4(), title=f"{title} ({k + 1})", metric=metric,
                    start=start, target=target, unit=unit, policy=org.policy,
                    effective_at=FIRST_WEEK - timedelta(days=3), by=lead_id,
                )
            team_cycle.commit(objective_id=objective.id, policy=org.policy, by=lead_id)
            objectives.append((lead_id, objective))
    _save_all(app, [tc for _, _, tc in teams] + [o for _, o in objectives])

    for week in range(sizes.weeks):
        for i, (lead_id, objective) in enumerate(objectives):
            for k, kr in enumerate(objective.key_results.values()):
                start, target = kr.start or 0.0, kr.target or 0.0
                share = (week + 1) / sizes.weeks * (0.7 + 0.1 * ((i + k) % 4))
                objective.check_in(
                    key_result_id=kr.id, value=round(start + (target - start) * share, 2),
                    status=STATUSES[(week + i + k) % len(STATUSES)],
                    comment="On track: the new flow reached two more regions this week.",
                    checked_in_at=FIRST_WEEK + timedelta(weeks=week, hours=k), by=lead_id,
                )
        _save_all(app, [o for _, o in objectives])

    for lead_id, objective in objectives:
        objective.close(scores=None, note="Scored at the quarterly review.", by=lead_id)
    for _, lead_id, team_cycle in teams:
        team_cycle.close(open_objective_titles=[], note="", by=lead_id)
    _save_all(app, [o for _, o in objectives] + [tc for _, _, tc in teams])
    return SeededOrganization(org_id, cycle_id, tuple(unit_id for unit_id, _, _ in teams))


def _save_all(app: OKRApplication, aggregates: Sequence[Any]) -> None:
    for i in range(0, len(aggregates), SAVE_CHUNK):
        app.save(*aggregates[i:i + SAVE_CHUNK])


def grow(app: OKRApplication, sizes: ScaleSizes, events: int,
         organizations: list[SeededOrganization]) -> None:
    """Add organisations until the log holds at least ``events``."""
    while app.position() < events:
        organizations.append(seed_organization(app, sizes, len(organizations)))
        log(f"[scale] {app.position():,} events ({len(organizations)} organisations)")


# --- measuring ---------------------------------------------------------------------------


@dataclass
class Rebuild:
    events: int
    seconds: float
    raw_events: int
    raw_seconds: float
    seed_seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # of this process during the fastest rebuild (not the database's)

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def raw_rate(self) -> float:
        return self.raw_events / self.raw_seconds


def measure(store: Store, app: OKRApplication, seed_seconds: float, repeats: int) -> Rebuild:
    """The fastest of ``repeats`` rebuilds, each after the baseline's read (taking turns)."""
    table = events_table(app)
    settle(store, table)
    raw_seconds = seconds = cpu_seconds = float("inf")
    raw = events = 0
    runner = ProjectionRunner(app)
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        raw = raw_read_decode(store, table)
        raw_seconds = min(raw_seconds, time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        events = runner.rebuild()
        took = time.perf_counter() - started
        if took < seconds:
            seconds, cpu_seconds = took, time.process_time() - cpu
        assert events == app.position(), (events, app.position())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return Rebuild(events, seconds, raw, raw_seconds, seed_seconds, round(peak, 1),
                   round(cpu_seconds, 2))


@contextmanager
def _store(name: str, url: str) -> Iterator[Store]:
    with sqlite_store() if name == "sqlite" else postgres_store(url) as store:
        yield store


def bench_scale_store(store: Store, sizes: ScaleSizes, nats_url: str | None) -> list[Result]:
    base = "raw read + decode"
    results: list[Result] = []
    runs: list[Rebuild] = []
    reviews: list[dict[str, float]] = []
    organizations: list[SeededOrganization] = []
    with OKRApplication(store.settings) as app:
        for size in (sizes.small, sizes.large):
            started = time.perf_counter()
            grow(app, sizes, size, organizations)
            seeded = time.perf_counter() - started
            log(f"[scale:{store.name}] rebuild of {app.position():,} events")
            run = measure(store, app, round(seeded, 1), sizes.repeats)
            runs.append(run)
            detail = {"events": run.events, "organizations": len(organizations),
                      "seconds": round(run.seconds, 2), "seed_seconds": run.seed_seconds,
                      "cpu_seconds": run.cpu_seconds, "peak_rss_mb": run.peak_rss_mb}
            results.append(Result(
                "scale", f"rebuild, {_count(size)} events", store.name, "events/s", run.rate,
                base, run.raw_rate, REBUILD_TARGET, detail, rule="value>=",
            ))
            log(f"[scale:{store.name}] reviews of the oldest and newest organisation")
            reviews.append({"oldest": review_seconds(store.settings, organizations[0]),
                            "newest": review_seconds(store.settings, organizations[-1])})
        if nats_url is not None:
            results.append(relay_result(store.name, _count(sizes.large), app, nats_url))
        events = app.position()
    small, large = runs
    results.append(Result(
        "scale", f"rebuild cost per event, {_count(sizes.large)} vs {_count(sizes.small)}",
        store.name, "us/event", 1e6 / large.rate, f"at {_count(sizes.small)}",
        1e6 / small.rate, COST_GROWTH_TARGET,
        {"events": [small.events, large.events]}, rule="<=",
    ))
    results += review_results(store.name, _count(sizes.large), reviews[0], reviews[1], events)
    if store.name == "postgres":
        live = QUICK_LIVE_SIZES if sizes == QUICK_SCALE_SIZES else DEFAULT_LIVE_SIZES
        results += lag_results(store.settings, live)
        results += api_results(store.settings, live, events)
    return results


def _count(events: int) -> str:
    return f"{events // 1_000_000}M" if events % 1_000_000 == 0 else f"{events // 1000}k"


def bench_scale(
    stores: Sequence[str], url: str, quick: bool, nats_url: str | None = None
) -> list[Result]:
    sizes = QUICK_SCALE_SIZES if quick else DEFAULT_SCALE_SIZES
    results: list[Result] = []
    for name in stores:
        with _store(name, url) as store:
            results += bench_scale_store(store, sizes, nats_url)
    return results
