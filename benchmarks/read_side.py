"""okr-es read-side benchmarks: the HTTP command path, GraphQL latency, projection lag.

Each figure is compared with a baseline measured in the same run on the same machine:

1. HTTP command throughput: check-ins/s through ``POST /api/v1/objectives/{id}/key-results/
   {kr}/check-ins`` of the real server (``create_server_app``: command API, GraphQL and the
   in-process projection service) under uvicorn on a socket, driven by concurrent keep-alive
   httpx clients in a separate process, against a trivial litestar ``@post`` endpoint (same
   path shape, decodes a same-shaped msgspec body, returns a small JSON) served by uvicorn
   the same way. Target: the command path reaches at least 40 % of the trivial endpoint's rate.
2. GraphQL team-dashboard latency (p50/p99) over the socket on the demo organisation, against
   ``graphql.graphql_sync`` executing the same document on a schema built from
   ``docs/schema.graphql`` with resolvers over in-memory dicts holding the same data.
   Target: p50 at most 2x the graphql-core baseline.
3. Projection lag (p50/p99) on PostgreSQL under a steady load of check-ins paced at
   100 commands/s on a monotonic-clock schedule: from a command's ``CommandResult`` returning
   to the read models reporting its position (``ProjectionService.on_applied`` in-process; in
   the default run also through an ``okr-es project`` worker and ``RemoteReadModels``).
   Baseline: a raw psycopg writer (INSERT + NOTIFY + COMMIT) and a LISTENing follower that
   reads the new rows and commits a tracking row, paced the same way. Target: p99 < 100 ms.

Run through ``python -m benchmarks.run --suite read`` (``--suite all`` is the default).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import msgspec
import psycopg
import uvicorn
from litestar import Litestar, post
from psycopg import sql

from benchmarks._http_load import no_delay_transport
from benchmarks.run import Result, log
from graphql import GraphQLSchema, build_schema, graphql_sync
from okr_es.api.graphql import PROJECTIONS_KEY
from okr_es.api.server import create_server_app
from okr_es.application import KeyResultSpec, OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.service import ProjectionService, ReadModelFollower
from okr_es.projections.worker import RemoteReadModels
from okr_es.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_SDL = ROOT / "docs" / "schema.graphql"
LOAD_CLIENT = Path(__file__).resolve().with_name("_http_load.py")

HTTP_TARGET = 0.40  # command path / trivial endpoint, at least
GRAPHQL_TARGET = 2.0  # dashboard p50 / graphql-core p50, at most
LAG_TARGET_MS = 100.0  # projection lag p99, below

COMMENT = (
    "On track: the new onboarding flow reached two more regions this week and "
    "sign-up conversion rose again."
)
STATUSES = ("green", "green", "yellow", "green", "red")
DASHBOARD_TEAM = "Team Selvbetjening"

DASHBOARD = """
query TeamDashboard($unit: UUID!) {
  objectives(filter: {unitId: $unit}, first: 20) {
    edges {
      cursor
      node {
        id title status progress
        owner { id name } unit { id name } cycle { id label end }
        keyResults {
          id title metric start target current unit progress
          reportedStatus expectedStatus stale lastCheckInAt
          checkIns { value status comment checkedInAt by { id name } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@dataclass(frozen=True)
class ReadSizes:
    """How much work each read-side benchmark does."""

    http_requests: int  # requests per throughput measurement (all clients together)
    # Concurrent keep-alive clients: the throughput figure (with the target) is measured
    # with enough requests in flight to keep both servers busy; a command waits for the
    # disk on commit, and a server that waits idles unless other requests are in flight.
    http_clients: int
    # Also measured with this few clients (no target): throughput when latency bounds it.
    http_clients_few: int | None
    http_repeats: int  # measurements per figure, taking turns; the best one counts
    graphql_requests: int  # dashboard latency samples over the socket (and baseline runs)
    lag_seconds: float  # length of each paced load
    lag_worker: bool  # also measure through an `okr-es project` worker
    lag_rate: float = 100.0  # commands/s of the paced load


DEFAULT_READ_SIZES = ReadSizes(
    http_requests=1600, http_clients=16, http_clients_few=4, http_repeats=2,
    graphql_requests=300,
    lag_seconds=10.0, lag_worker=True,
)
QUICK_READ_SIZES = ReadSizes(
    http_requests=240, http_clients=16, http_clients_few=None, http_repeats=1,
    graphql_requests=30,
    lag_seconds=1.5, lag_worker=False,
)


# --- stores and servers ------------------------------------------------------------------------


@contextmanager
def sqlite_settings() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="okr-es-bench-read-") as tmp:
        settings = Settings(data_dir=str(Path(tmp) / "var"))
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        yield settings


@contextmanager
def postgres_settings(url: str) -> Iterator[Settings]:
    """A schema of its own, dropped at the end whatever happens."""
    schema = f"okr_bench_{uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield Settings(database_url=url, database_schema=schema, pool_size=4)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def store_settings(store: str, url: str) -> Any:
    return sqlite_settings() if store == "sqlite" else postgres_settings(url)


def tcp_listener() -> socket.socket:
    """A listening socket on a free port of 127.0.0.1, created with ``IPPROTO_TCP``.

    Not ``socket.create_server``: its socket has ``proto`` 0, connections accepted from it
    inherit that, and asyncio only sets ``TCP_NODELAY`` on sockets whose ``proto`` is
    ``IPPROTO_TCP``. Without it uvicorn's response body (written after the headers) waits
    for the client's delayed ACK: about 40 ms per request."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


@contextmanager
def serve(app: Litestar) -> Iterator[str]:
    """uvicorn serving ``app`` in a thread on a real socket (as the API tests do)."""
    sock = tcp_listener()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:  # the lifespan (opening the application) has finished
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by the nearest-rank method."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- 1. HTTP command throughput ----------------------------------------------------------------


class CheckInBody(msgspec.Struct, forbid_unknown_fields=True):
    """The shape of the command API's check-in body."""

    value: float
    status: str
    comment: str = ""
    blockers: str = ""
    checked_in_at: datetime | None = None


class Accepted(msgspec.Struct):
    position: int
    ids: dict[str, str]
    warnings: list[str]


@post("/api/v1/objectives/{objective_id:uuid}/key-results/{key_result_id:uuid}/check-ins",
      status_code=201)
async def trivial_check_in(objective_id: UUID, key_result_id: UUID, data: CheckInBody
                           ) -> Accepted:
    return Accepted(position=1, ids={}, warnings=[])


def trivial_app() -> Litestar:
    return Litestar(route_handlers=[trivial_check_in])


@dataclass
class Workload:
    token: str
    member_id: UUID
    key_results: list[tuple[UUID, UUID]] = field(default_factory=list)  # (objective, kr)


def build_workload(okr: OKRApplication, objectives: int) -> Workload:
    """An organisation with a cycle around today and ``objectives`` objectives (three key
    results each), one team per three objectives, and the admin's access token."""
    reg = okr.register_organization(name="Benchmark Corp", admin_name="Ada Admin",
                                    admin_email="ada@example.org", token_label="bench")
    org, root, admin = reg.ids["organization_id"], reg.ids["root_unit_id"], reg.ids["member_id"]
    today = datetime.now(UTC).date()
    cycle = okr.define_cycle(organization_id=org, label="Benchmark quarter", kind="quarter",
                             start=today - timedelta(days=30), end=today + timedelta(days=60),
                             by=admin).ids["cycle_id"]
    work = Workload(token=reg.token or "", member_id=admin)
    team = root
    for n in range(objectives):
        if n % 3 == 0:
            team = okr.add_unit(organization_id=org, name=f"Team {n // 3 + 1}", kind="team",
                                parent_id=root, by=admin).ids["unit_id"]
        specs = [KeyResultSpec(title=f"Raise sign-up conversion in region {k + 1}",
                               metric="increase", start=10.0, target=25.0, unit="%")
                 for k in range(3)]
        result = okr.set_objective(organization_id=org, unit_id=team, cycle_id=cycle,
                                   title=f"Make onboarding effortless ({n})", owner_id=admin,
                                   by=admin, key_results=specs)
        work.key_results += [(result.ids["objective_id"], result.ids[f"key_result_id_{k}"])
                             for k in range(3)]
    return work


def check_in_plan(work: Workload, clients: int, per_client: int) -> list[list[list[Any]]]:
    """Each client checks in on key results of its own objectives (no write conflicts)."""
    plans: list[list[list[Any]]] = []
    for c in range(clients):
        mine = work.key_results[c::clients]
        plan: list[list[Any]] = []
        for i in range(per_client):
            objective_id, kr_id = mine[i % len(mine)]
            body = {"value": 10.0 + (i % 150) * 0.1, "status": STATUSES[i % len(STATUSES)],
                    "comment": COMMENT}
            plan.append([f"/api/v1/objectives/{objective_id}/key-results/{kr_id}/check-ins",
                         body])
        plans.append(plan)
    return plans


def run_load(base_url: str, token: str, plans: list[list[list[Any]]], warmup: int
             ) -> dict[str, Any]:
    plan = {"base_url": base_url, "headers": {"Authorization": f"Bearer {token}"},
            "clients": plans, "warmup": warmup}
    done = subprocess.run([sys.executable, str(LOAD_CLIENT)], input=json.dumps(plan),
                          capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"load client failed: {done.stderr.strip()[-2000:]}")
    outcome: dict[str, Any] = json.loads(done.stdout)
    if outcome["errors"]:
        raise RuntimeError(f"{outcome['errors']} requests failed: {outcome['statuses']}")
    return outcome


def bench_http(store: str, settings: Settings, sizes: ReadSizes) -> list[Result]:
    results = [_bench_http(store, settings, sizes, sizes.http_clients, worker=False)]
    if sizes.http_clients_few is not None:
        results.append(
            _bench_http(store, settings, sizes, sizes.http_clients_few, worker=False, target=None)
        )
    if settings.database_url is not None:
        # The distributed configuration: read models kept by an `okr-es project` process.
        worker_settings = msgspec.structs.replace(settings, projections="worker")
        with project_worker(worker_settings):
            results.append(
                _bench_http(store, worker_settings, sizes, sizes.http_clients, worker=True)
            )
    return results


def _bench_http(store: str, settings: Settings, sizes: ReadSizes, clients: int, *,
                worker: bool, target: float | None = HTTP_TARGET) -> Result:
    where = ", read models in okr-es project" if worker else ""
    log(f"[{store}] HTTP check-ins{where}: {clients} keep-alive clients, "
        f"{sizes.http_requests} requests per measurement, best of {sizes.http_repeats}")
    okr = OKRApplication(settings)
    try:
        work = build_workload(okr, objectives=3 * clients)
        warmup = 3 * 3  # a check-in on each of the client's key results
        per_client = sizes.http_requests // clients
        best: dict[str, float] = {}
        with serve(create_server_app(settings, okr)) as real, serve(trivial_app()) as trivial:
            for _ in range(max(1, sizes.http_repeats)):
                for name, url in (("trivial", trivial), ("command", real)):
                    plans = check_in_plan(work, clients, warmup + per_client)
                    outcome = run_load(url, work.token, plans, warmup)
                    rate = outcome["count"] / outcome["seconds"]
                    best[name] = max(best.get(name, 0.0), rate)
    finally:
        okr.close()
    return Result(
        "http", f"HTTP check-in, {clients} clients{where}", store, "requests/s",
        best["command"], "trivial litestar @post", best["trivial"], target,
        {"requests": per_client * clients, "clients": clients, "worker": worker},
    )


# --- 2. GraphQL dashboard latency --------------------------------------------------------------


def baseline_schema(data: dict[str, Any]) -> GraphQLSchema:
    """``docs/schema.graphql`` with resolvers over in-memory dicts holding ``data`` (a
    dashboard answer of the server), normalised into tables keyed by id as a store would
    hold them."""
    schema = build_schema(SCHEMA_SDL.read_text(encoding="utf-8"))
    members: dict[str, dict[str, Any]] = {}
    units: dict[str, dict[str, Any]] = {}
    cycles: dict[str, dict[str, Any]] = {}
    objectives: list[dict[str, Any]] = []
    key_results: dict[str, list[dict[str, Any]]] = {}
    check_ins: dict[str, list[dict[str, Any]]] = {}
    for edge in data["objectives"]["edges"]:
        node = dict(edge["node"])
        owner, unit, cycle = node.pop("owner"), node.pop("unit"), node.pop("cycle")
        members[owner["id"]], units[unit["id"]], cycles[cycle["id"]] = owner, unit, cycle
        node.update(ownerId=owner["id"], unitId=unit["id"], cycleId=cycle["id"],
                    cursor=edge["cursor"])
        krs = []
        for kr in node.pop("keyResults"):
            row = dict(kr)
            rows = []
            for ci in row.pop("checkIns"):
                by = ci["by"]
                members[by["id"]] = by
                rows.append({**{k: v for k, v in ci.items() if k != "by"}, "byId": by["id"]})
            check_ins[row["id"]] = rows
            krs.append(row)
        key_results[node["id"]] = krs
        objectives.append(node)
    page_info = data["objectives"]["pageInfo"]

    def resolve_objectives(_root: Any, _info: Any, filter: dict[str, Any] | None = None,
                           first: int = 20, after: str | None = None,
                           **_time_travel: Any) -> dict[str, Any]:
        # ``asOf`` / ``effectiveAsOf`` (null in the dashboard) arrive as their defaults.
        unit_id = str((filter or {}).get("unitId"))
        chosen = [o for o in objectives if o["unitId"] == unit_id][:first]
        return {"edges": [{"cursor": o["cursor"], "node": o} for o in chosen],
                "nodes": chosen, "pageInfo": page_info}

    def by_key(table: dict[str, Any], key: str) -> Callable[..., Any]:
        return lambda row, _info: table.get(row[key])

    fields = schema.type_map
    fields["Query"].fields["objectives"].resolve = resolve_objectives  # type: ignore[union-attr]
    objective = fields["Objective"].fields  # type: ignore[union-attr]
    objective["owner"].resolve = by_key(members, "ownerId")
    objective["unit"].resolve = by_key(units, "unitId")
    objective["cycle"].resolve = by_key(cycles, "cycleId")
    objective["keyResults"].resolve = by_key(key_results, "id")
    fields["KeyResult"].fields["checkIns"].resolve = by_key(check_ins, "id")  # type: ignore[union-attr]
    fields["CheckIn"].fields["by"].resolve = by_key(members, "byId")  # type: ignore[union-attr]
    return schema


def bench_graphql(store: str, settings: Settings, sizes: ReadSizes) -> list[Result]:
    log(f"[{store}] GraphQL dashboard: demo organisation, {sizes.graphql_requests} requests")
    okr = OKRApplication(settings)
    service = ProjectionService(okr).start()
    try:
        summary = seed_demo(okr)
        if service.wait_for(summary.position, timeout=60) < summary.position:
            raise RuntimeError("the read models did not catch up with the demo")
        token = okr.issue_token(organization_id=summary.organization_id,
                                member_id=summary.admin_id, by=summary.admin_id,
                                label="bench").token or ""
        variables = {"unit": str(summary.units[DASHBOARD_TEAM])}
        body = {"query": DASHBOARD, "variables": variables}
        app = create_server_app(settings, okr)
        app.state[PROJECTIONS_KEY] = service
        server: list[float] = []
        with serve(app) as url, httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30,
            transport=no_delay_transport(),
        ) as http:
            first = http.post("/graphql", json=body)
            answer: dict[str, Any] = first.json()
            if first.status_code != 200 or answer.get("errors"):
                raise RuntimeError(f"dashboard query failed: {first.text[:2000]}")
            for _ in range(20):  # warm up: caches, loaders, connections
                http.post("/graphql", json=body)
            for _ in range(sizes.graphql_requests):
                started = time.perf_counter()
                response = http.post("/graphql", json=body)
                server.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"dashboard query failed: {response.text[:2000]}")
            as_of = as_of_dashboard(http, variables, sizes)
    finally:
        service.stop()
        okr.close()

    data = answer["data"]
    schema = baseline_schema(data)
    check = graphql_sync(schema, DASHBOARD, variable_values=variables)
    if check.errors or check.data != data:
        raise AssertionError(f"the graphql-core baseline answers differently: {check.errors}")
    core: list[float] = []
    for _ in range(20):
        graphql_sync(schema, DASHBOARD, variable_values=variables)
    for _ in range(sizes.graphql_requests):
        started = time.perf_counter()
        graphql_sync(schema, DASHBOARD, variable_values=variables)
        core.append((time.perf_counter() - started) * 1000)

    edges = data["objectives"]["edges"]
    krs = [kr for edge in edges for kr in edge["node"]["keyResults"]]
    detail = {"objectives": len(edges), "key_results": len(krs),
              "check_ins": sum(len(kr["checkIns"]) for kr in krs),
              "response_bytes": len(json.dumps(answer)), "requests": len(server)}
    base = "graphql-core graphql_sync"
    now = percentile(server, 0.50)
    cold, warm = as_of
    return [
        Result("graphql", "GraphQL dashboard p50", store, "ms", percentile(server, 0.50),
               base, percentile(core, 0.50), GRAPHQL_TARGET, detail, rule="<="),
        # No target: what asOf costs next to the same dashboard now. Cold: the instant's
        # read models are built (the organisation's events replayed into memory); warm:
        # they are cached (every asOf between two of the organisation's events).
        Result("graphql", "GraphQL dashboard asOf p50, first ask of an instant", store, "ms",
               percentile(cold, 0.50), "the same dashboard now, p50", now, None,
               {"instants": len(cold)}, rule="<="),
        Result("graphql", "GraphQL dashboard asOf p50, instant asked before", store, "ms",
               percentile(warm, 0.50), "the same dashboard now, p50", now, None,
               {"requests": len(warm)}, rule="<="),
        Result("graphql", "GraphQL dashboard p99", store, "ms", percentile(server, 0.99),
               base, percentile(core, 0.99), None, detail, rule="<="),
    ]


AS_OF_DASHBOARD = DASHBOARD.replace(
    "query TeamDashboard($unit: UUID!)", "query TeamDashboard($unit: UUID!, $asOf: DateTime)"
).replace("first: 20)", "first: 20, asOf: $asOf)")


def as_of_dashboard(http: httpx.Client, variables: dict[str, Any], sizes: ReadSizes
                    ) -> tuple[list[float], list[float]]:
    """Latencies (ms) of the dashboard as of days of the previous quarter (the demo is
    recorded over its quarters), each asked first (cold: its read models are built), and
    as of a moment ago (the same answer as now) once built (warm)."""
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    instants = [today - timedelta(days=60 + 7 * week) for week in range(5)]

    def ask(instant: datetime) -> float:
        started = time.perf_counter()
        response = http.post("/graphql", json={"query": AS_OF_DASHBOARD, "variables": {
            **variables, "asOf": instant.isoformat()}})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or response.json().get("errors"):
            raise RuntimeError(f"asOf dashboard query failed: {response.text[:2000]}")
        return elapsed

    cold = [ask(instant) for instant in instants]
    # Warm: an instant after the demo, so the answer holds what the dashboard now holds.
    latest = datetime.now(UTC) - timedelta(seconds=1)
    ask(latest)
    warm = [ask(latest) for _ in range(sizes.graphql_requests)]
    return cold, warm


# --- 3. projection lag -------------------------------------------------------------------------


@dataclass
class LagSamples:
    lags_ms: list[float]
    late_ms: float  # how far behind its schedule the load fell at worst
    unapplied: int  # commands the read models never reported (within the final wait)


def paced(rate: float, seconds: float, command: Callable[[int], int]) -> tuple[
        list[tuple[int, float]], float]:
    """Run ``command(i)`` (returning the log position it wrote) on a fixed monotonic
    schedule of ``rate`` per second; returns (position, time it returned) per command and
    the worst lateness against the schedule in ms."""
    count = max(1, round(rate * seconds))
    commits: list[tuple[int, float]] = []
    late = 0.0
    start = time.monotonic() + 0.05
    for i in range(count):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            late = max(late, -delay * 1000)
        position = command(i)
        commits.append((position, time.monotonic()))
    return commits, late


def lags(commits: list[tuple[int, float]], applied: list[tuple[int, float]]) -> tuple[
        list[float], int]:
    """For each command, the time until the first report of a position at or beyond it."""
    result: list[float] = []
    missing = 0
    ordered = sorted(applied)
    j = 0
    for position, committed in sorted(commits):
        while j < len(ordered) and ordered[j][0] < position:
            j += 1
        if j == len(ordered):
            missing += 1
            continue
        # The follower may report before the command returns: no lag, then.
        reached = min(t for p, t in ordered[j:j + 64] if p >= position)
        result.append(max(0.0, (reached - committed) * 1000))
    return result, missing


def okr_lag(okr: OKRApplication, follower: ReadModelFollower, work: Workload,
            sizes: ReadSizes) -> LagSamples:
    applied: list[tuple[int, float]] = []
    follower.on_applied(lambda position: applied.append((position, time.monotonic())))

    def check_in(i: int) -> int:
        objective_id, kr_id = work.key_results[i % len(work.key_results)]
        return okr.check_in(objective_id=objective_id, key_result_id=kr_id,
                            value=10.0 + (i % 150) * 0.1, status=STATUSES[i % len(STATUSES)],
                            comment=COMMENT, by=work.member_id).position

    # Warm up: every objective in this process's cache, the follower caught up.
    warm = max(check_in(i) for i in range(len(work.key_results)))
    follower.wait_for(warm, timeout=30)
    commits, late = paced(sizes.lag_rate, sizes.lag_seconds, check_in)
    follower.wait_for(max(p for p, _ in commits), timeout=10)
    samples, missing = lags(commits, list(applied))
    return LagSamples(samples, late, missing)


class RawFollower:
    """The baseline: psycopg only. A writer inserts a row, NOTIFYs and commits; a follower
    LISTENs, reads the new rows and commits its position in a tracking table."""

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.table = sql.Identifier(schema, "lag_raw")
        self.tracking = sql.Identifier(schema, "lag_raw_tracking")
        self.channel = sql.Identifier(f"lag_raw_{schema}"[:63])
        self.applied: list[tuple[int, float]] = []
        self.stopping = threading.Event()
        self.ready = threading.Event()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE TABLE {} (id bigserial PRIMARY KEY, state bytea)")
                         .format(self.table))
            conn.execute(sql.SQL("CREATE TABLE {} (name text PRIMARY KEY, position bigint)")
                         .format(self.tracking))
        self.thread = threading.Thread(target=self._follow, daemon=True)

    def _follow(self) -> None:
        position = 0
        select = sql.SQL("SELECT id, state FROM {} WHERE id > %s ORDER BY id LIMIT 500"
                         ).format(self.table)
        track = sql.SQL(
            "INSERT INTO {} (name, position) VALUES ('raw', %s) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
        ).format(self.tracking)
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(self.channel))
            self.ready.set()
            while not self.stopping.is_set():
                for _ in conn.notifies(timeout=0.5, stop_after=1):
                    pass
                while True:
                    with conn.transaction():
                        rows = conn.execute(select, (position,)).fetchall()
                        if rows:
                            position = rows[-1][0]
                            conn.execute(track, (position,))
                    if rows:
                        self.applied.append((position, time.monotonic()))
                    if len(rows) < 500:
                        break

    def run(self, sizes: ReadSizes, payload: bytes) -> LagSamples:
        self.thread.start()
        self.ready.wait(10)
        insert = sql.SQL("INSERT INTO {} (state) VALUES (%s) RETURNING id").format(self.table)
        notify = sql.SQL("NOTIFY {}").format(self.channel)
        with psycopg.connect(self.url) as conn:

            def command(_: int) -> int:
                row = conn.execute(insert, (payload,)).fetchone()
                conn.execute(notify)
                conn.commit()
                return int(row[0]) if row else 0

            for i in range(20):
                command(i)
            commits, late = paced(sizes.lag_rate, sizes.lag_seconds, command)
        deadline = time.monotonic() + 10
        last = max(p for p, _ in commits)
        while (not self.applied or self.applied[-1][0] < last) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.stopping.set()
        self.thread.join(timeout=5)
        samples, missing = lags(commits, list(self.applied))
        return LagSamples(samples, late, missing)


@contextmanager
def project_worker(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    """``okr-es project`` in a process of its own, ready (caught up) when yielded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(OKR_ES_DATABASE_URL=settings.database_url or "",
               OKR_ES_DATABASE_SCHEMA=settings.database_schema or "",
               OKR_ES_PROJECTIONS="worker")
    process = subprocess.Popen([sys.executable, "-m", "okr_es.cli", "project"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "read models at position" not in line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"okr-es project did not start: {line}{err[-2000:]}")
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def lag_results(name: str, store: str, ours: LagSamples, raw: LagSamples, rate: float
                ) -> list[Result]:
    base = "raw psycopg NOTIFY follower"
    detail = {"commands": len(ours.lags_ms), "rate": rate, "unapplied": ours.unapplied,
              "schedule_late_ms": round(ours.late_ms, 1),
              "baseline_unapplied": raw.unapplied}
    return [
        Result("lag", f"{name} p50", store, "ms", percentile(ours.lags_ms, 0.50), base,
               percentile(raw.lags_ms, 0.50), None, detail, rule="value<"),
        Result("lag", f"{name} p99", store, "ms", percentile(ours.lags_ms, 0.99), base,
               percentile(raw.lags_ms, 0.99), LAG_TARGET_MS, detail, rule="value<"),
    ]


def bench_lag(settings: Settings, sizes: ReadSizes, payload: bytes) -> list[Result]:
    log(f"[postgres] projection lag: {sizes.lag_rate:.0f} check-ins/s for "
        f"{sizes.lag_seconds:.0f} s each (in-process"
        f"{', worker' if sizes.lag_worker else ''}, raw baseline)")
    okr = OKRApplication(settings)
    service = ProjectionService(okr).start()
    try:
        work = build_workload(okr, objectives=12)
        inline = okr_lag(okr, service, work, sizes)
    finally:
        service.stop()
        okr.close()
    raw = RawFollower(settings.database_url or "", settings.database_schema or "public").run(
        sizes, payload)
    results = lag_results("projection lag, in-process", "postgres", inline, raw,
                          sizes.lag_rate)
    if sizes.lag_worker:
        worker_settings = msgspec.structs.replace(settings, projections="worker")
        with project_worker(worker_settings):
            okr = OKRApplication(worker_settings)
            remote = RemoteReadModels(okr).start()
            try:
                remote_lag = okr_lag(okr, remote, work, sizes)
            finally:
                remote.stop()
                okr.close()
        results += lag_results("projection lag, okr-es project", "postgres", remote_lag, raw,
                               sizes.lag_rate)
    return results


# --- the suite ---------------------------------------------------------------------------------


def bench_read(stores: Sequence[str], postgres_url: str, quick: bool,
               payload: bytes) -> list[Result]:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request
    sizes = QUICK_READ_SIZES if quick else DEFAULT_READ_SIZES
    results: list[Result] = []
    for store in stores:
        with store_settings(store, postgres_url) as settings:
            results += bench_http(store, settings, sizes)
        with store_settings(store, postgres_url) as settings:
            results += bench_graphql(store, settings, sizes)
    if "postgres" in stores:
        with postgres_settings(postgres_url) as settings:
            results += bench_lag(settings, sizes, payload)
    return results


def read_sizes(quick: bool) -> dict[str, Any]:
    return asdict(QUICK_READ_SIZES if quick else DEFAULT_READ_SIZES)
