"""The command path under concurrency: check-ins from many threads of one application.

A server runs each request's command in a thread of its own, so commands save concurrently.
Here ``THREADS`` threads each check in on the key results of an objective of their own
(weekly check-ins for a quarter), all at once, through one ``OKRApplication``; the figure
is commands per second over the wall-clock time of the whole round. Concurrent saves are
committed in groups (``okr_es.persistence.group_commit``): several commands' events in one
transaction, still numbered in commit order, a conflicting save failing alone.

**Baseline** (in turns with the application, on the same keys): the raw single-row commit
path of the write suite — per command one SELECT by key, one INSERT of a row the size of a
stored check-in and a COMMIT, one after the other on one connection. **Target:** at least
1.0x: under concurrency the application commits at least as fast as a single writer that
does nothing but commit single rows.
"""

from __future__ import annotations

import threading
import time
from uuid import UUID

from benchmarks.run import (
    Result,
    Sizes,
    Store,
    add_team,
    check_in_args,
    log,
    raw_row,
    register_org,
    set_objective,
    stored_check_in_size,
)
from okr_es.application import OKRApplication

THREADS = 8
CONCURRENCY_TARGET = 1.0


def bench_concurrent_commands(store: Store, sizes: Sizes) -> list[Result]:
    payload = raw_row(stored_check_in_size())
    weeks = max(sizes.weekly_check_ins, 4)
    log(f"[{store.name}] concurrent commands: {THREADS} threads x {weeks} weeks x "
        f"{sizes.key_results} KRs")
    best = raw_best = 0.0
    commands = 0
    with OKRApplication(store.settings) as app:
        org = register_org(app)
        for attempt in range(max(1, sizes.repeats)):
            objectives = [
                set_objective(app, org, add_team(app, org, f"Team {attempt}.{t}"), t,
                              sizes.key_results)
                for t in range(THREADS)
            ]
            start = threading.Barrier(THREADS + 1)
            errors: list[BaseException] = []

            def work(objective_id: UUID, kr_ids: list[UUID], start: threading.Barrier = start,
                     errors: list[BaseException] = errors) -> None:
                start.wait()
                try:
                    for week in range(weeks):
                        for k, kr_id in enumerate(kr_ids):
                            app.check_in(objective_id=objective_id, key_result_id=kr_id,
                                         by=org.admin_id, **check_in_args(week, k))
                except BaseException as e:  # reported below: a benchmark must not hide one
                    errors.append(e)

            threads = [threading.Thread(target=work, args=(o.objective_id, o.key_result_ids))
                       for o in objectives]
            for thread in threads:
                thread.start()
            start.wait()
            started = time.perf_counter()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            if errors:
                raise errors[0]
            commands = THREADS * weeks * sizes.key_results
            best = max(best, commands / seconds)
            keys = [o.objective_id for o in objectives for _ in range(weeks * sizes.key_results)]
            started = time.perf_counter()
            store.raw.command_baseline(keys, payload)
            raw_best = max(raw_best, commands / (time.perf_counter() - started))
            store.raw.reset()
    return [Result(
        "commands", f"check_in, {THREADS} threads at once", store.name, "commands/s", best,
        "raw SELECT+INSERT+COMMIT", raw_best, CONCURRENCY_TARGET,
        {"commands": commands, "threads": THREADS},
    )]
