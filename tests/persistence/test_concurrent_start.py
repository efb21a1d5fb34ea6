"""Many okr-es processes started at the same moment on one PostgreSQL schema all start.

Each start prepares the schema (tables, the insert function, read-model tables); done by
several processes at once that work must not collide (PostgreSQL's ``tuple concurrently
updated`` on the insert function killed API processes and the relay of a stack whose
containers all started together). They run on a PostgreSQL of the test's own, whose
connection limit they cannot exhaust for anyone else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from okr_es.settings import Settings
from support.cli_process import okr_es
from support.private_servers import PrivatePostgres

PROCESSES = 16

# Each process imports okr-es, then waits for the same file to appear before it runs the
# command, so their start-up work overlaps instead of being spread by import times.
_SYNCHRONISED = """
import sys, time
from pathlib import Path
from okr_es.cli import main
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
raise SystemExit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    postgres = PrivatePostgres()
    try:
        yield postgres
    finally:
        postgres.close()


@pytest.fixture
def postgres_settings(server: PrivatePostgres) -> Settings:
    schema = f"okr_start_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return Settings(database_url=server.url, database_schema=schema)


def _started_together(settings: Settings, tmp: str, *args: str) -> list[tuple[int, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATABASE_URL"] = settings.database_url or ""
    env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    env["OKR_ES_POOL_SIZE"] = "1"
    os.makedirs(tmp, exist_ok=True)
    go = os.path.join(tmp, "go")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _SYNCHRONISED, go, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        # The processes have imported okr-es and poll for this file: it releases them at once.
        open(go, "w").close()
        return [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_processes_started_together_on_an_initialised_store_all_start(
    postgres_settings: Settings, tmp_path: Path
) -> None:
    init = okr_es(postgres_settings, "db", "init")
    assert init.code == 0, init.err

    # Twice: a collision needs two starts within milliseconds of each other.
    results = [
        result
        for round in ("first", "second")
        for result in _started_together(
            postgres_settings, str(tmp_path / round), "projections", "status"
        )
    ]

    failed = [err for code, err in results if code != 0]
    assert not failed, failed[0]


def test_processes_started_together_on_an_empty_schema_all_start(
    postgres_settings: Settings, tmp_path: object
) -> None:
    results = _started_together(postgres_settings, str(tmp_path), "projections", "status")

    failed = [err for code, err in results if code != 0]
    assert not failed, failed[0]
    again = okr_es(postgres_settings, "projections", "status")
    assert again.code == 0 and "okr_tree" in again.out, again.err
