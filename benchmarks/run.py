"""okr-es benchmarks: command throughput, replay speed and event serialisation.

Every figure is printed as a ratio against a baseline measured in the same run on the same
machine, never against an absolute threshold, so the results mean the same on a laptop and
on a server:

1. Command throughput through :class:`OKRApplication` (each command loads the aggregates it
   needs and saves its events in one transaction), against plain ``sqlite3`` / ``psycopg``
   doing one indexed SELECT, one INSERT of a row the size of a stored check-in and a COMMIT
   per command. Target: the application reaches at least 50 % of that baseline.
2. Replay: events/s to load long-lived objectives (with and without snapshots) and to read and
   decode the whole notification log, against reading the same rows without decoding.
3. Serialisation: encode + decode of real domain events with okr-es' msgspec mapper against
   the eventsourcing library's default JSON mapper.

The read side (HTTP command throughput, GraphQL latency, projection lag) is in
``benchmarks/read_side.py``, the organisation-wide learning review of a cycle in
``benchmarks/learning.py``; all three suites run by default. The scale suite (read-model
rebuild at 100k and 1M events, ``benchmarks/scale.py``) runs only when asked for, as do the
agenda, spreadsheets, Viva Goals import and webhook suites (``benchmarks/agenda.py``,
``spreadsheets.py``, ``viva.py``, ``webhooks.py``).

Run ``python -m benchmarks.run`` (``--quick``, ``--suite
write|read|learning|all|scale|agenda|spreadsheets|viva|webhooks``, ``--store
sqlite|postgres|all``, ``--json``).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import json
import os
import platform
import pstats
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol
from uuid import UUID, uuid4

import psycopg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)
from psycopg import sql

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.application import KeyResultSpec, OKRApplication
from okr_es.persistence.msgspec_mapper import MsgspecMapper
from okr_es.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql://postgres@localhost:5432/test"
COMMAND_TARGET = 0.50
PAGE = 1000

CYCLE_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
COMMENT = (
    "On track: the new onboarding flow reached two more regions this week and "
    "sign-up conversion rose again."
)
STATUSES = ("green", "green", "yellow", "green", "red")


# --- sizes and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How much work each benchmark does."""

    objectives: int  # objectives set through the application (3 key results each)
    weekly_check_ins: int  # check-ins per key result on those objectives
    long_objectives: int  # long-lived objectives for the replay benchmark
    long_check_ins: int  # check-ins per key result on each long-lived objective
    transcoder_rounds: int  # passes over the sample events per serialisation measurement
    repeats: int  # measurements per figure; the best one counts
    key_results: int = 3


DEFAULT_SIZES = Sizes(
    objectives=48, weekly_check_ins=13, long_objectives=30, long_check_ins=100,
    transcoder_rounds=200, repeats=3,
)
QUICK_SIZES = Sizes(
    objectives=6, weekly_check_ins=4, long_objectives=4, long_check_ins=40,
    transcoder_rounds=40, repeats=1,
)


@dataclass
class Result:
    """One measured figure and the baseline measured next to it."""

    section: str
    name: str
    store: str
    unit: str
    value: float
    baseline_name: str
    baseline: float
    target: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    # How the target reads: ">=" the ratio is at least the target (rates), "<=" the ratio
    # is at most the target (latencies), "value<" the value itself is below the target,
    # "value>=" the value itself is at least the target.
    rule: str = ">="

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.rule == "value<":
            return self.value < self.target
        if self.rule == "value>=":
            return self.value >= self.target
        if self.rule == "<=":
            return self.ratio <= self.target
        return self.ratio >= self.target

    def target_text(self) -> str:
        if self.target is None:
            return ""
        verdict = "met" if self.met else "MISSED"
        if self.rule == "value<":
            return f"< {fmt_value(self.target)} {self.unit}: {verdict}"
        if self.rule == "value>=":
            return f">= {fmt_value(self.target)} {self.unit}: {verdict}"
        if self.rule == "<=":
            return f"<= {self.target:.2f}x: {verdict}"
        return f">= {self.target:.0%}: {verdict}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 4), "target_met": self.met}


def best_rate(count: int, run: Callable[[], None], repeats: int) -> float:
    """``count`` operations per second of ``run``, best of ``repeats`` measurements."""
    best = float("inf")
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- stores ------------------------------------------------------------------------------------


class RawStore(Protocol):
    """The same database driven directly through its driver, for the baselines."""

    def command_baseline(self, keys: Sequence[UUID], payload: bytes) -> None: ...

    def reset(self) -> None: ...

    def read_aggregates(self, table: str, ids: Sequence[UUID]) -> int: ...

    def read_log(self, table: str) -> int: ...

    def close(self) -> None: ...


class RawSqlite:
    """``sqlite3`` on the application's database file (reads) and a file of its own
    (the command baseline), in WAL mode like the library's recorder."""

    def __init__(self, app_db: Path, baseline_db: Path) -> None:
        self.reader = sqlite3.connect(app_db, isolation_level=None)
        self.writer = sqlite3.connect(baseline_db, isolation_level=None)
        self.writer.execute("PRAGMA journal_mode=WAL")
        self.writer.execute(
            "CREATE TABLE IF NOT EXISTS raw_commands (originator_id TEXT, "
            "originator_version INTEGER, topic TEXT, state BLOB, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        self.writer.execute("DELETE FROM raw_commands")

    def command_baseline(self, keys: Sequence[UUID], payload: bytes) -> None:
        cur = self.writer.cursor()
        for key in keys:
            oid = key.hex  # as the library's SQLite recorder stores ids
            cur.execute("BEGIN")
            row = cur.execute(
                "SELECT originator_version, state FROM raw_commands WHERE originator_id = ? "
                "ORDER BY originator_version DESC LIMIT 1",
                (oid,),
            ).fetchone()
            version = 1 if row is None else row[0] + 1
            cur.execute(
                "INSERT INTO raw_commands VALUES (?, ?, ?, ?)",
                (oid, version, "bench:CheckInMade", payload),
            )
            cur.execute("COMMIT")

    def reset(self) -> None:
        self.writer.execute("DELETE FROM raw_commands")

    def read_aggregates(self, table: str, ids: Sequence[UUID]) -> int:
        count = 0
        query = (
            f"SELECT originator_id, originator_version, topic, state FROM {table} "
            "WHERE originator_id = ? ORDER BY originator_version"
        )
        for oid in ids:
            count += len(self.reader.execute(query, (oid.hex,)).fetchall())
        return count

    def read_log(self, table: str) -> int:
        count, start = 0, 1
        query = (
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
            "WHERE rowid >= ? ORDER BY rowid LIMIT ?"
        )
        while True:
            rows = self.reader.execute(query, (start, PAGE)).fetchall()
            count += len(rows)
            if len(rows) < PAGE:
                return count
            start = rows[-1][0] + 1

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


class RawPostgres:
    """``psycopg`` on the application's schema, with a table of its own for the baseline."""

    def __init__(self, url: str, schema: str) -> None:
        self.schema = schema
        self.conn = psycopg.connect(url)
        self.raw_table = sql.Identifier(schema, "raw_commands")
        self.conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, topic text, state bytea, "
                "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
            ).format(self.raw_table)
        )
        self.conn.execute(
            sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS raw_commands_nid ON {} (notification_id)")
            .format(self.raw_table)
        )
        self.conn.commit()

    def command_baseline(self, keys: Sequence[UUID], payload: bytes) -> None:
        select = sql.SQL(
            "SELECT originator_version, state FROM {} WHERE originator_id = %s "
            "ORDER BY originator_version DESC LIMIT 1"
        ).format(self.raw_table)
        insert = sql.SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)"
        ).format(self.raw_table)
        with self.conn.cursor() as cur:
            for key in keys:
                row = cur.execute(select, (key,)).fetchone()
                version = 1 if row is None else row[0] + 1
                cur.execute(insert, (key, version, "bench:CheckInMade", payload))
                self.conn.commit()

    def reset(self) -> None:
        self.conn.execute(sql.SQL("TRUNCATE {}").format(self.raw_table))
        self.conn.commit()

    def read_aggregates(self, table: str, ids: Sequence[UUID]) -> int:
        count = 0
        query = sql.SQL(
            "SELECT originator_id, originator_version, topic, state FROM {} "
            "WHERE originator_id = %s ORDER BY originator_version"
        ).format(sql.Identifier(self.schema, table))
        with self.conn.cursor() as cur:
            for oid in ids:
                count += len(cur.execute(query, (oid,)).fetchall())
        self.conn.commit()
        return count

    def read_log(self, table: str) -> int:
        count, start = 0, 1
        query = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
            "WHERE notification_id >= %s ORDER BY notification_id LIMIT %s"
        ).format(sql.Identifier(self.schema, table))
        with self.conn.cursor() as cur:
            while True:
                rows = cur.execute(query, (start, PAGE)).fetchall()
                count += len(rows)
                if len(rows) < PAGE:
                    break
                start = rows[-1][0] + 1
        self.conn.commit()
        return count

    def close(self) -> None:
        self.conn.close()


@dataclass
class Store:
    name: str
    settings: Settings
    raw: RawStore


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="okr-es-bench-") as tmp:
        settings = Settings(data_dir=str(Path(tmp) / "var"))
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        OKRApplication(settings).close()  # creates the tables
        raw = RawSqlite(settings.sqlite_path, Path(tmp) / "raw-baseline.sqlite3")
        try:
            yield Store("sqlite", settings, raw)
        finally:
            raw.close()


@contextmanager
def postgres_store(url: str) -> Iterator[Store]:
    """A schema of its own, dropped at the end whatever happens."""
    schema = f"okr_bench_{uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    raw: RawPostgres | None = None
    try:
        settings = Settings(database_url=url, database_schema=schema, pool_size=4)
        OKRApplication(settings).close()  # creates the tables
        raw = RawPostgres(url, schema)
        yield Store("postgres", settings, raw)
    finally:
        if raw is not None:
            raw.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def postgres_reachable(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.OperationalError as e:
        return str(e).strip().splitlines()[0]


# --- the workload ------------------------------------------------------------------------------


@dataclass
class Org:
    organization_id: UUID
    root_unit_id: UUID
    admin_id: UUID
    cycle_id: UUID


@dataclass
class SetObjective:
    objective_id: UUID
    key_result_ids: list[UUID]


def register_org(app: OKRApplication) -> Org:
    result = app.register_organization(
        name="Benchmark Corp", admin_name="Ada Admin", admin_email="ada@example.org"
    )
    org_id, root_id = result.ids["organization_id"], result.ids["root_unit_id"]
    admin_id = result.ids["member_id"]
    cycle = app.define_cycle(
        organization_id=org_id, label="2025 Q1", kind="quarter", start="2025-01-01",
        end="2025-03-31", by=admin_id,
    )
    return Org(org_id, root_id, admin_id, cycle.ids["cycle_id"])


def add_team(app: OKRApplication, org: Org, name: str) -> UUID:
    return app.add_unit(
        organization_id=org.organization_id, name=name, kind="team",
        parent_id=org.root_unit_id, by=org.admin_id,
    ).ids["unit_id"]


def key_result_specs(count: int) -> list[KeyResultSpec]:
    return [
        KeyResultSpec(title=f"Raise sign-up conversion in region {k + 1}", metric="increase",
                      start=10.0, target=25.0, unit="%")
        for k in range(count)
    ]


def set_objective(app: OKRApplication, org: Org, team_id: UUID, n: int, krs: int
                  ) -> SetObjective:
    result = app.set_objective(
        organization_id=org.organization_id, unit_id=team_id, cycle_id=org.cycle_id,
        title=f"Make onboarding effortless ({n})", owner_id=org.admin_id, by=org.admin_id,
        why="New customers give up before they see any value.",
        key_results=key_result_specs(krs),
    )
    kr_ids = [result.ids[f"key_result_id_{k}"] for k in range(krs)]
    return SetObjective(result.ids["objective_id"], kr_ids)


def check_in_args(week: int, k: int) -> dict[str, Any]:
    return {
        "value": 10.0 + week * 1.1 + k * 0.1,
        "status": STATUSES[(week + k) % len(STATUSES)],
        "comment": COMMENT,
        "checked_in_at": CYCLE_START + timedelta(days=7 * week, minutes=k),
    }


@dataclass
class CommandTimes:
    set_objective: float = 0.0
    check_in: float = 0.0
    raw: float = 0.0
    set_count: int = 0
    check_in_count: int = 0


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def run_commands(app: OKRApplication, org: Org, raw: RawStore, payload: bytes,
                 sizes: Sizes) -> CommandTimes:
    """Set objectives, then weekly check-ins on every key result.

    After each batch of application commands the raw baseline does the same number of
    commands on the same keys, so both see the same machine load (other processes, the
    database's background work) and a table of the same size."""
    times = CommandTimes()
    teams = [add_team(app, org, f"Team {t + 1}") for t in range((sizes.objectives + 2) // 3)]
    objectives: list[SetObjective] = []

    def set_all() -> None:
        for n in range(sizes.objectives):
            objectives.append(set_objective(app, org, teams[n // 3], n, sizes.key_results))

    times.set_objective = timed(set_all)
    times.set_count = sizes.objectives
    keys = [o.objective_id for o in objectives]
    times.raw += timed(lambda: raw.command_baseline(keys, payload))
    # The same keys, in the same order, as the check-ins of one week.
    week_keys = [o.objective_id for o in objectives for _ in o.key_result_ids]

    for week in range(sizes.weekly_check_ins):
        def check_in_week(week: int = week) -> None:
            for obj in objectives:
                for k, kr_id in enumerate(obj.key_result_ids):
                    app.check_in(objective_id=obj.objective_id, key_result_id=kr_id,
                                 by=org.admin_id, **check_in_args(week, k))

        times.check_in += timed(check_in_week)
        times.check_in_count += len(week_keys)
        times.raw += timed(lambda: raw.command_baseline(week_keys, payload))
    raw.reset()
    return times


def build_long_objectives(app: OKRApplication, org: Org, sizes: Sizes) -> list[UUID]:
    """Long-lived objectives with many check-ins each (saved weekly, snapshotted as usual)."""
    ids: list[UUID] = []
    team = org.root_unit_id
    for n in range(sizes.long_objectives):
        if n % 3 == 0:
            team = add_team(app, org, f"Long-running team {n // 3 + 1}")
        created = set_objective(app, org, team, 1000 + n, sizes.key_results)
        objective = app.get_objective(created.objective_id)
        for week in range(sizes.long_check_ins):
            for k, kr_id in enumerate(created.key_result_ids):
                objective.check_in(key_result_id=kr_id, by=org.admin_id,
                                   **check_in_args(week, k))
            app.save(objective)
        ids.append(created.objective_id)
    return ids


def sample_events(check_ins: int) -> list[DomainEventProtocol[UUID]]:
    """Real events of one objective, built through the aggregate's command methods."""
    by = uuid4()
    objective = Objective.set(
        objective_id=uuid4(), organization_id=uuid4(), unit_id=uuid4(), cycle_id=uuid4(),
        title="Make onboarding effortless", why="New customers give up before they see value.",
        owner_id=by, hypothesis="A guided first week halves early churn.", by=by,
    )
    kr_ids = [uuid4() for _ in range(3)]
    for kr_id, spec in zip(kr_ids, key_result_specs(3), strict=True):
        objective.add_key_result(key_result_id=kr_id, title=spec.title, metric=spec.metric,
                                 start=spec.start, target=spec.target, unit=spec.unit,
                                 policy=Policy(), by=by)
    for week in range(check_ins):
        for k, kr_id in enumerate(kr_ids):
            objective.check_in(key_result_id=kr_id, by=by, **check_in_args(week, k))
    return list(objective.collect_events())


def stored_check_in_size() -> int:
    check_in = next(e for e in sample_events(1) if isinstance(e, Objective.CheckInMade))
    return len(MsgspecMapper().to_stored_event(check_in).state)


def raw_row(size: int) -> bytes:
    """JSON bytes of the given size, standing in for a stored event in the baseline."""
    empty = len(json.dumps({"note": ""}).encode())
    return json.dumps({"note": "x" * max(0, size - empty)}).encode()


def events_table(app: OKRApplication) -> str:
    name: str = app.recorder.events_table_name  # type: ignore[attr-defined]
    return name


# --- the benchmarks ----------------------------------------------------------------------------


def bench_store(store: Store, sizes: Sizes, profile: bool) -> list[Result]:
    results: list[Result] = []
    payload = raw_row(stored_check_in_size())

    log(f"[{store.name}] commands: {sizes.objectives} objectives x {sizes.key_results} KRs, "
        f"{sizes.weekly_check_ins} check-ins per KR")
    app = OKRApplication(store.settings)
    try:
        org = register_org(app)
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        t = run_commands(app, org, store.raw, payload, sizes)
        if profiler:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            log(out.getvalue())
        commands = t.set_count + t.check_in_count
        raw_rate = commands / t.raw
        baseline = "raw SELECT+INSERT+COMMIT"
        results.append(Result(
            "commands", "set_objective + check_in", store.name, "commands/s",
            commands / (t.set_objective + t.check_in), baseline, raw_rate, COMMAND_TARGET,
            {"commands": commands, "row_bytes": len(payload)},
        ))
        results.append(Result(
            "commands", "check_in only", store.name, "commands/s",
            t.check_in_count / t.check_in, baseline, raw_rate, None,
            {"commands": t.check_in_count},
        ))
        results.append(Result(
            "commands", "set_objective only (5 events)", store.name, "commands/s",
            t.set_count / t.set_objective, baseline, raw_rate, None,
            {"commands": t.set_count},
        ))

        log(f"[{store.name}] replay: {sizes.long_objectives} objectives x "
            f"{sizes.key_results * sizes.long_check_ins + 1 + sizes.key_results} events")
        long_ids = build_long_objectives(app, org, sizes)
        table = events_table(app)
    finally:
        app.close()

    results += bench_replay(store, sizes, long_ids, table)
    return results


def load_objectives(settings: Settings, ids: Sequence[UUID], snapshots: bool) -> tuple[int, float]:
    """Load each objective once through a fresh application (empty cache, so every load
    reads the store); returns the events the loaded states represent and the seconds."""
    fresh = OKRApplication(settings)
    if not snapshots:
        fresh.repository.snapshot_store = None
    try:
        fresh.position()  # opens the connection outside the measurement
        started = time.perf_counter()
        events = sum(fresh.get_objective(oid).version for oid in ids)
        return events, time.perf_counter() - started
    finally:
        fresh.close()


def read_log(app: OKRApplication, decode: bool) -> int:
    """Page through the whole notification log, decoding each event if asked."""
    count, start = 0, 1
    while True:
        page = app.notifications(start, PAGE)
        if decode:
            for notification in page:
                app.decode(notification)
        count += len(page)
        if len(page) < PAGE:
            return count
        start = page[-1].id + 1


def bench_replay(store: Store, sizes: Sizes, long_ids: list[UUID], table: str) -> list[Result]:
    """Each figure is the best of ``repeats``; the measurements take turns, so a busy
    moment on the machine does not land on one figure only."""
    raw = store.raw
    best: dict[str, float] = {}
    counts: dict[str, int] = {}

    def note(name: str, count: int, seconds: float) -> None:
        counts[name] = count
        best[name] = min(best.get(name, float("inf")), seconds)

    app = OKRApplication(store.settings)
    try:
        read_log(app, decode=True)  # warm up: connection, decoders
        for _ in range(max(1, sizes.repeats)):
            started = time.perf_counter()
            note("raw aggregates", raw.read_aggregates(table, long_ids),
                 time.perf_counter() - started)
            note("snapshots", *load_objectives(store.settings, long_ids, snapshots=True))
            note("events only", *load_objectives(store.settings, long_ids, snapshots=False))
            started = time.perf_counter()
            note("raw log", raw.read_log(table), time.perf_counter() - started)
            started = time.perf_counter()
            note("log decode", read_log(app, decode=True), time.perf_counter() - started)
            started = time.perf_counter()
            note("log read", read_log(app, decode=False), time.perf_counter() - started)
    finally:
        app.close()

    def rate(name: str) -> float:
        return counts[name] / best[name]

    base = "raw read of the rows"
    aggregates = {"objectives": len(long_ids), "events": counts["snapshots"]}
    return [
        Result("replay", "load objectives, snapshots", store.name, "events/s",
               rate("snapshots"), base, rate("raw aggregates"), None, aggregates),
        Result("replay", "load objectives, events only", store.name, "events/s",
               rate("events only"), base, rate("raw aggregates"), None, aggregates),
        Result("replay", "notification log, read + decode", store.name, "events/s",
               rate("log decode"), base, rate("raw log"), None, {"events": counts["log decode"]}),
        Result("replay", "notification log, read only", store.name, "events/s",
               rate("log read"), base, rate("raw log"), None, {"events": counts["log read"]}),
    ]


def default_mapper() -> Mapper[UUID]:
    """The library's default mapper, with the transcodings ``Application`` registers."""
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DecimalAsStr())
    transcoder.register(DatetimeAsISO())
    return Mapper(transcoder=transcoder)


def bench_transcoders(sizes: Sizes) -> list[Result]:
    log("[transcoder] encode + decode of objective events")
    events = sample_events(13)
    ours: Mapper[UUID] = MsgspecMapper()
    theirs = default_mapper()
    for mapper in (ours, theirs):  # both must round-trip every event exactly
        for event in events:
            back = mapper.to_domain_event(mapper.to_stored_event(event))
            if back != event:
                msg = f"{type(mapper).__name__} does not round-trip {type(event).__name__}"
                raise AssertionError(msg)
    groups: list[tuple[str, list[DomainEventProtocol[UUID]]]] = [
        ("CheckInMade", [e for e in events if isinstance(e, Objective.CheckInMade)]),
        ("ObjectiveSet", [e for e in events if isinstance(e, Objective.ObjectiveSet)]),
        ("KeyResultAdded", [e for e in events if isinstance(e, Objective.KeyResultAdded)]),
        ("objective history (mix)", events),
    ]
    results: list[Result] = []
    for label, group in groups:
        rounds = max(1, sizes.transcoder_rounds * len(events) // len(group))

        def run(mapper: Mapper[UUID], group: list[DomainEventProtocol[UUID]] = group,
                rounds: int = rounds) -> Callable[[], None]:
            def loop() -> None:
                to_stored, to_domain = mapper.to_stored_event, mapper.to_domain_event
                for _ in range(rounds):
                    for event in group:
                        to_domain(to_stored(event))

            return loop

        count = rounds * len(group)
        ours_rate = best_rate(count, run(ours), sizes.repeats + 2)
        theirs_rate = best_rate(count, run(theirs), sizes.repeats + 2)
        size_ours = sum(len(ours.to_stored_event(e).state) for e in group) / len(group)
        size_theirs = sum(len(theirs.to_stored_event(e).state) for e in group) / len(group)
        results.append(Result(
            "transcoder", f"encode+decode {label}", "-", "events/s", ours_rate,
            "library JSON mapper", theirs_rate, None,
            {"bytes_msgspec": round(size_ours), "bytes_default": round(size_theirs)},
        ))
    return results


# --- output ------------------------------------------------------------------------------------


def fmt_value(value: float) -> str:
    """Rates as whole numbers, small values (latencies in ms) with two decimals."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(results: Sequence[Result]) -> str:
    header = ("Benchmark", "Store", "okr-es", "Baseline", "Baseline value", "Ratio", "Target")
    rows = [header]
    for r in results:
        rows.append((
            r.name, r.store, f"{fmt_value(r.value)} {r.unit}", r.baseline_name,
            fmt_value(r.baseline), f"{r.ratio:.2f}x", r.target_text(),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 4, 5}

    def line(row: Sequence[str]) -> str:
        cells = [c.rjust(w) if i in numeric else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "| " + " | ".join(cells) + " |"

    sep = "|" + "|".join(
        ("-" * (w + 1) + ":") if i in numeric else ("-" * (w + 2)) for i, w in enumerate(widths)
    ) + "|"
    return "\n".join([line(rows[0]), sep, *(line(r) for r in rows[1:])])


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "eventsourcing": metadata.version("eventsourcing"),
        "psycopg": psycopg.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run (seconds)")
    parser.add_argument("--store", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--suite",
                        choices=("write", "read", "learning", "all", "scale", "agenda",
                                 "spreadsheets", "viva", "webhooks"),
                        default="all",
                        help="write: commands, replay, serialisation; read: HTTP commands, "
                             "GraphQL latency, projection lag (benchmarks/read_side.py); "
                             "learning: every team's cycle review (benchmarks/learning.py); "
                             "scale: read-model rebuild at 100k and 1M events "
                             "(benchmarks/scale.py, not part of all); agenda: the meeting "
                             "agenda of every team of a 400-team organisation "
                             "(benchmarks/agenda.py, not part of all); spreadsheets: a "
                             "10,000-row cycle read, imported and exported "
                             "(benchmarks/spreadsheets.py, not part of all); viva: a "
                             "10,000-row Viva Goals export imported and imported again "
                             "(benchmarks/viva.py, not part of all); webhooks: webhook "
                             "fan-out from NATS at --nats-url (benchmarks/webhooks.py, "
                             "SQLite only, not part of all)")
    parser.add_argument("--learning-budget", type=float, default=60.0, metavar="SECONDS",
                        help="learning suite: time review_for team by team for at most this "
                             "long per store, then extrapolate to every team (teams are the "
                             "same size, so calls cost about the same); 0 reviews every team "
                             "(default %(default)s)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OKR_ES_BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL to benchmark on; a temporary schema is created and dropped "
             "(default: $OKR_ES_BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument(
        "--nats-url", default=os.environ.get("OKR_ES_BENCH_NATS_URL", "nats://127.0.0.1:4222"),
        help="NATS with JetStream for the scale suite's relay figure and the webhooks suite; "
             "temporary streams are "
             "created and deleted (default: $OKR_ES_BENCH_NATS_URL or %(default)s; "
             "'' skips the figure)",
    )
    parser.add_argument("--profile", action="store_true",
                        help="profile the command phase (and, in the learning suite, one "
                             "review_for and of reviews_for) with cProfile (printed to "
                             "stderr; the profiler slows the application, so ignore the ratios)")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES

    stores = ["sqlite", "postgres"] if args.store == "all" else [args.store]
    skipped: dict[str, str] = {}
    if "postgres" in stores:
        problem = postgres_reachable(args.postgres_url)
        if problem is not None:
            if args.store == "postgres":
                log(f"PostgreSQL not reachable at {args.postgres_url}: {problem}")
                return 2
            skipped["postgres"] = problem
            stores.remove("postgres")
            log(f"skipping PostgreSQL: {problem}")

    started = time.perf_counter()
    results: list[Result] = []
    if args.suite in ("write", "all"):
        for name in stores:
            context = sqlite_store() if name == "sqlite" else postgres_store(args.postgres_url)
            with context as store:
                results += bench_store(store, sizes, args.profile)
                results += load("concurrency").bench_concurrent_commands(store, sizes)
        results += bench_transcoders(sizes)
    read_side = load("read_side") if args.suite in ("read", "all") else None
    if read_side is not None:
        if "postgres" not in stores:
            log("projection lag needs PostgreSQL: not measured")
        results += read_side.bench_read(stores, args.postgres_url, args.quick,
                                        raw_row(stored_check_in_size()))
    learning = load("learning") if args.suite in ("learning", "all") else None
    if learning is not None:
        results += learning.bench_learning(stores, args.postgres_url, args.quick,
                                           args.learning_budget or None, args.profile)
    scale = load("scale") if args.suite == "scale" else None
    if scale is not None:
        results += scale.bench_scale(stores, args.postgres_url, args.quick, args.nats_url or None)
    if args.suite == "agenda":
        results += load("agenda").bench_agenda(stores, args.postgres_url, args.quick)
    if args.suite == "spreadsheets":
        results += load("spreadsheets").bench_spreadsheets(stores, args.postgres_url, args.quick)
    if args.suite == "viva":
        results += load("viva").bench_viva(stores, args.postgres_url, args.quick)
    if args.suite == "webhooks":
        if not args.nats_url:
            log("the webhooks suite needs NATS: give --nats-url")
            return 2
        results += load("webhooks").bench_webhooks(args.nats_url, args.quick)
    elapsed = time.perf_counter() - started

    checked = [r for r in results if r.target is not None]
    commands = [r for r in checked if r.section == "commands"]
    if args.json:
        report: dict[str, Any] = {
            "mode": "quick" if args.quick else "default",
            "suite": args.suite,
            "sizes": asdict(sizes),
            "environment": environment(),
            "seconds": round(elapsed, 1),
            "skipped": skipped,
            "results": [r.as_dict() for r in results],
            "targets_met": all(r.met for r in checked),
        }
        if commands:
            report["command_target"] = COMMAND_TARGET
            report["command_target_met"] = all(r.met for r in commands)
        if read_side is not None:
            report["read_sizes"] = read_side.read_sizes(args.quick)
        if learning is not None:
            report["learning_sizes"] = learning.learning_sizes(args.quick)
        if scale is not None:
            report["scale_sizes"] = scale.scale_sizes(args.quick)
        print(json.dumps(report, indent=2))
    else:
        env = environment()
        print(f"okr-es benchmarks ({'quick' if args.quick else 'default'} run, suite "
              f"{args.suite}, {elapsed:.0f} s; Python {env['python']}, {env['cpus']} CPUs, "
              f"eventsourcing {env['eventsourcing']}, SQLite {env['sqlite']})")
        print()
        print(table(results))
        print()
        for r in checked:
            verdict = "met" if r.met else "NOT met"
            print(f"Target on {r.store}: {r.name} {fmt_value(r.value)} {r.unit}, "
                  f"{r.ratio:.2f}x {r.baseline_name} (target {r.target_text().split(':')[0]}): "
                  f"{verdict}")
        for r in results:
            if r.section == "learning" and r.target is not None:
                d = r.detail
                print(f"Learning review on {r.store}: {d['teams']} teams, {d['log_events']:,} "
                      f"events in the log ({d['events_reviewed']:,} reviewed), seeded in "
                      f"{d['seed_seconds']} s; reviews_for from the read model "
                      f"{d['read_model_seconds']} s (read model caught up in "
                      f"{d['projection_seconds']} s), by replay {d['reviews_for_seconds']} s; "
                      f"after another organisation's quarter ({d['log_events_after_other']:,} "
                      f"events in the log) {d['read_model_seconds_after_other']} s and "
                      f"{d['reviews_for_seconds_after_other']} s; "
                      f"review_for (replay) {d['review_for_seconds']} s for every team "
                      f"({d['seconds_per_team']} s per team"
                      + (f", measured on {d['teams_measured']} teams" if d["extrapolated"]
                         else "") + f"); raw read + decode {d['raw_seconds']} s")
        for r in results:
            if r.section == "scale" and r.name.startswith("rebuild,"):
                d = r.detail
                print(f"Scale on {r.store}: {d['events']:,} events from {d['organizations']} "
                      f"organisations, seeded in {d['seed_seconds']} s (to this size), rebuilt "
                      f"in {d['seconds']} s ({d['cpu_seconds']} s of this process's CPU); peak "
                      f"RSS of the benchmark process {d['peak_rss_mb']} MB")
        for name, problem in skipped.items():
            print(f"{name}: skipped ({problem})")
    return 0


def load(name: str) -> ModuleType:
    """``benchmarks.<name>``, also when this file is run as a script."""
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as e:
        if e.name != "benchmarks":
            raise
        # Run as a script: the repository root is not on sys.path.
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        return importlib.import_module(f"benchmarks.{name}")


if __name__ == "__main__":
    raise SystemExit(main())
