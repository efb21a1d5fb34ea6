"""Shared fixtures: every store-backed test runs on SQLite and on a real PostgreSQL.

PostgreSQL is found at OKR_ES_TEST_DATABASE_URL (default: the local server's ``test``
database). Each test gets its own schema, dropped afterwards. When the server is missing
the PostgreSQL variants are skipped on a laptop, and fail when CI=true. NATS (for the
relay's tests, fixture ``nats_url``) is found at OKR_ES_TEST_NATS_URL and treated alike.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from okr_es.application import OKRApplication
from okr_es.settings import Settings

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@localhost:5432/test"
DEFAULT_TEST_NATS_URL = "nats://127.0.0.1:4222"


def postgres_url() -> str:
    return os.environ.get("OKR_ES_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def require_postgres() -> None:
    """Fail under CI (a missing service is a broken build), skip elsewhere."""
    try:
        with psycopg.connect(postgres_url(), connect_timeout=3):
            return
    except psycopg.OperationalError as e:
        message = f"PostgreSQL not reachable at {postgres_url()}: {e}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)  # allowed outside CI only


def nats_test_url() -> str:
    return os.environ.get("OKR_ES_TEST_NATS_URL", DEFAULT_TEST_NATS_URL)


def require_nats() -> None:
    """Like require_postgres: NATS with JetStream must answer, or fail under CI / skip."""
    import asyncio

    import nats
    import nats.errors

    async def probe() -> None:
        async def quiet(error: Exception) -> None:
            pass  # the failure is reported once, below

        # max_reconnect_attempts=0 would mean "forever" to nats-py.
        nc = await nats.connect(
            nats_test_url(), connect_timeout=3, max_reconnect_attempts=1, error_cb=quiet
        )
        try:
            await nc.jetstream().account_info()
        finally:
            await nc.close()

    try:
        asyncio.run(probe())
    except (nats.errors.Error, OSError, TimeoutError) as e:
        message = f"NATS JetStream not reachable at {nats_test_url()}: {e!r}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)  # allowed outside CI only


@pytest.fixture
def nats_url() -> str:
    """The test NATS server's URL; the test needs NATS with JetStream (see require_nats)."""
    require_nats()
    return nats_test_url()


@pytest.fixture
def postgres_settings() -> Iterator[Settings]:
    require_postgres()
    schema = f"okr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Settings(database_url=postgres_url(), database_schema=schema, pool_size=4)
    finally:
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_reporting" CASCADE')


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=str(tmp_path / "var"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest) -> Settings:
    """Settings for one store; tests using it run once per store."""
    name = "sqlite_settings" if request.param == "sqlite" else "postgres_settings"
    result: Settings = request.getfixturevalue(name)
    return result


@pytest.fixture
def app(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(settings)
    try:
        yield application
    finally:
        application.close()
