"""The scale suite's figures on a running system, measured on the large PostgreSQL store.

* ``review``: the organisation-wide review (``reviews_for``, from the reviews read model) of
  the oldest and of the newest organisation, by a fresh application, at each size. Baseline:
  the same review at the small size; a review reads only its own organisation's history, so
  the time should not grow with the log (target: at most 1.5x).
* ``projection lag`` p50/p99 at 200 check-ins/s, in-process and through an ``okr-es
  project`` worker, against a raw psycopg NOTIFY follower paced the same way
  (``benchmarks.read_side.bench_lag``). Target: p99 < 50 ms.
* ``HTTP check-ins, two API processes``: two ``okr-es serve`` processes (read models in one
  ``okr-es project`` worker) each driven by a load client with half the clients, against
  one ``okr-es serve`` driven by the same clients (two load clients on one server).
  Target: at least 1.6x.
* ``server RSS``: the resident memory of an ``okr-es serve`` process after that load at the
  large size, against the same process started on an empty store. Target: < 200 MB.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from benchmarks.read_side import (
    ReadSizes,
    bench_lag,
    build_workload,
    check_in_plan,
    postgres_settings,
    project_worker,
    run_load,
)
from benchmarks.run import Result, log, raw_row, stored_check_in_size
from okr_es.application import OKRApplication
from okr_es.history.analyses import reviews_for
from okr_es.learning.review import ReviewPolicy
from okr_es.settings import Settings

REVIEW_DAY = date(2025, 4, 15)
REVIEW_GROWTH_TARGET = 1.5
LAG_TARGET_MS = 50.0
TWO_PROCESSES_TARGET = 1.6
RSS_TARGET_MB = 200.0
LAG_RATE = 200.0


@dataclass(frozen=True)
class SeededOrganization:
    organization_id: UUID
    cycle_id: UUID
    unit_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class LiveSizes:
    lag_seconds: float
    http_clients: int
    http_requests: int  # per measurement, all clients together
    http_repeats: int


QUICK_LIVE_SIZES = LiveSizes(lag_seconds=2.0, http_clients=8, http_requests=240,
                             http_repeats=1)
DEFAULT_LIVE_SIZES = LiveSizes(lag_seconds=10.0, http_clients=16, http_requests=1600,
                               http_repeats=2)


# --- reviews -----------------------------------------------------------------------------


def review_seconds(settings: Settings, seeded: SeededOrganization) -> float:
    """One organisation-wide review by a fresh application (connection opened first)."""
    app = OKRApplication(settings)
    try:
        app.position()
        started = time.perf_counter()
        reviews_for(app, seeded.organization_id, seeded.cycle_id, ReviewPolicy(),
                    today=REVIEW_DAY, unit_ids=list(seeded.unit_ids))
        return time.perf_counter() - started
    finally:
        app.close()


def review_results(store: str, label: str, at_small: dict[str, float],
                   now: dict[str, float], events: int) -> list[Result]:
    return [
        Result("scale", f"review of the {which} organisation, {label} events", store, "s",
               now[which], "the same review at the small size", at_small[which],
               REVIEW_GROWTH_TARGET, {"events": events}, rule="<=")
        for which in ("oldest", "newest") if which in now and which in at_small
    ]


# --- projection lag at 200 commands/s -------------------------------------------------------


def lag_results(settings: Settings, sizes: LiveSizes) -> list[Result]:
    read_sizes = ReadSizes(http_requests=0, http_clients=1, http_clients_few=None,
                           http_repeats=1, graphql_requests=0, lag_seconds=sizes.lag_seconds,
                           lag_worker=True, lag_rate=LAG_RATE)
    results = bench_lag(settings, read_sizes, raw_row(stored_check_in_size()))
    for result in results:
        result.section = "scale"
        result.name = f"{result.name} at {LAG_RATE:.0f} commands/s"
        if result.target is not None:
            result.target = LAG_TARGET_MS
    return results


# --- API processes -----------------------------------------------------------------------


@contextmanager
def api_process(settings: Settings) -> Iterator[tuple[str, int]]:
    """``okr-es serve`` on a free port, read models in a worker; (base URL, pid)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(OKR_ES_DATABASE_URL=settings.database_url or "",
               OKR_ES_DATABASE_SCHEMA=settings.database_schema or "",
               OKR_ES_PROJECTIONS="worker")
    process = subprocess.Popen(
        [sys.executable, "-m", "okr_es.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/graphql", line)
        if found is None:
            raise RuntimeError(f"okr-es serve did not start: {line!r}")
        # The rest of the banner must not fill the pipe while the server runs.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{found.group(1)}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _load_all(servers: Sequence[str], token: str, plans: list[list[list[Any]]],
              warmup: int) -> float:
    """Half the clients on each of two load processes, spread over ``servers``."""
    halves = [plans[0::2], plans[1::2]]
    outcomes: list[dict[str, Any]] = []

    def drive(url: str, clients: list[list[list[Any]]]) -> None:
        outcomes.append(run_load(url, token, clients, warmup))

    threads = [threading.Thread(target=drive, args=(servers[i % len(servers)], half))
               for i, half in enumerate(halves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(outcomes) != len(halves):
        raise RuntimeError("a load client failed")
    return sum(o["count"] for o in outcomes) / max(o["seconds"] for o in outcomes)


def api_results(settings: Settings, sizes: LiveSizes, events: int) -> list[Result]:
    log(f"[scale:postgres] HTTP check-ins, one and two API processes, {sizes.http_clients} "
        "clients, read models in okr-es project")
    worker_settings = msgspec.structs.replace(settings, projections="worker")
    with OKRApplication(worker_settings) as okr:
        work = build_workload(okr, objectives=3 * sizes.http_clients)
    warmup = 9
    per_client = sizes.http_requests // sizes.http_clients
    best = {1: 0.0, 2: 0.0}
    rss = float("nan")
    with project_worker(worker_settings):
        for _ in range(max(1, sizes.http_repeats)):
            for count in (1, 2):
                with ExitStack() as stack:
                    servers = [stack.enter_context(api_process(worker_settings))
                               for _ in range(count)]
                    plans = check_in_plan(work, sizes.http_clients, warmup + per_client)
                    rate = _load_all([url for url, _ in servers], work.token, plans, warmup)
                    best[count] = max(best[count], rate)
                    if count == 1:
                        rss = rss_mb(servers[0][1])
    with postgres_settings(settings.database_url or "") as empty, api_process(empty) as (_, pid):
        empty_rss = rss_mb(pid)
    detail = {"clients": sizes.http_clients, "requests": per_client * sizes.http_clients,
              "events": events}
    return [
        Result("scale", "HTTP check-ins, two API processes", "postgres", "requests/s",
               best[2], "one API process", best[1], TWO_PROCESSES_TARGET, detail),
        Result("scale", "server RSS after the load", "postgres", "MB", rss,
               "okr-es serve on an empty store", empty_rss, RSS_TARGET_MB, detail,
               rule="value<"),
    ]
