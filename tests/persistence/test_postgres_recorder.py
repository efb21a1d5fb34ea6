"""OKRPostgresApplicationRecorder against the library's own recorder test cases, and a
concurrent-writers-vs-follower test (threads and processes) that checks no id is skipped.

Each test gets a fresh schema, dropped afterwards. PostgreSQL comes from
OKR_ES_TEST_DATABASE_URL like the rest of the suite: skipped when missing on a laptop,
failed when CI=true.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import TestCase
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    OperationalError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import Factory, PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
)
from psycopg import sql

from okr_es.persistence.postgres_recorder import (
    OKRPostgresApplicationRecorder,
    OKRPostgresProcessRecorder,
    insert_function_name,
)
from okr_es.settings import Settings
from support.concurrent_saves import ConcurrentSavesCases

pytestmark = pytest.mark.postgres

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@localhost:5432/test"


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


def make_datastore(schema: str, *, pool_size: int = 12, lock_timeout: int = 0) -> PostgresDatastore:
    parts = urlsplit(postgres_url())
    return PostgresDatastore(
        dbname=unquote(parts.path.lstrip("/")) or "postgres",
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        pool_size=pool_size,
        max_overflow=pool_size,
        lock_timeout=lock_timeout,
        schema=schema,
    )


class FreshSchema:
    """Mixin: a new schema for each test, dropped (with its function) afterwards."""

    schema: str
    datastores: list[PostgresDatastore]

    def setUp(self) -> None:
        require_postgres()
        self.schema = f"okr_rec_{uuid.uuid4().hex[:12]}"
        self.datastores = []
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.schema)))
        super().setUp()  # type: ignore[misc]

    def tearDown(self) -> None:
        super().tearDown()  # type: ignore[misc]
        for datastore in self.datastores:
            datastore.close()
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema))
            )

    def datastore(self, **kwargs: Any) -> PostgresDatastore:
        datastore = make_datastore(self.schema, **kwargs)
        self.datastores.append(datastore)
        return datastore

    def okr_recorder(self, **kwargs: Any) -> OKRPostgresApplicationRecorder:
        recorder = OKRPostgresApplicationRecorder(
            self.datastore(**kwargs), events_table_name="stored_events"
        )
        recorder.create_table()
        return recorder


# The library's own test cases, run against our recorder.


class TestLibraryApplicationRecorderCases(
    FreshSchema, ApplicationRecorderTestCase[OKRPostgresApplicationRecorder]
):
    def create_recorder(self) -> OKRPostgresApplicationRecorder:
        return self.okr_recorder()

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestLibraryNonInterleavingNotificationIDs(
    FreshSchema, NonInterleavingNotificationIDsBaseCase
):
    def create_recorder(self) -> ApplicationRecorder:
        return self.okr_recorder()


class TestLibraryProcessRecorderCases(FreshSchema, ProcessRecorderTestCase):
    def create_recorder(self) -> OKRPostgresProcessRecorder:
        recorder = OKRPostgresProcessRecorder(
            self.datastore(), events_table_name="stored_events", tracking_table_name="tracking"
        )
        recorder.create_table()
        return recorder


class TestConcurrentSaves(FreshSchema, ConcurrentSavesCases, TestCase):
    """Group commit: one function call per group, a lost race fails alone."""

    ids_without_gaps = False

    def setUp(self) -> None:
        super().setUp()
        self.recorder = self.okr_recorder(pool_size=40)


# PostgreSQL specifics of this recorder.


class TestOKRRecorderSpecifics(FreshSchema, ApplicationRecorderTestCase[Any]):
    # ApplicationRecorderTestCase only for its helpers; its tests run in the class above.
    test_insert_select = None  # type: ignore[assignment]
    test_performance = None  # type: ignore[assignment]
    test_concurrent_no_conflicts = None  # type: ignore[assignment]
    test_concurrent_throughput = None  # type: ignore[assignment]

    def create_recorder(self) -> OKRPostgresApplicationRecorder:
        return self.okr_recorder()

    def event(self, originator_id: uuid.UUID, version: int) -> StoredEvent:
        return StoredEvent(originator_id, version, "topic", b"state")

    def test_function_is_created_with_the_tables_in_the_schema(self) -> None:
        self.okr_recorder()
        with psycopg.connect(postgres_url()) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = %s AND p.proname = %s",
                (self.schema, insert_function_name("stored_events")),
            ).fetchone()
        assert row == (1,)
        # Creating the tables again (another process starting) replaces it harmlessly.
        self.okr_recorder()

    def test_long_table_names_give_a_valid_function_name(self) -> None:
        name = insert_function_name("x" * 60)
        assert len(name) <= 63
        assert name != insert_function_name("x" * 59 + "y")

    def test_a_conflicting_save_raises_integrity_error_and_writes_nothing(self) -> None:
        recorder = self.okr_recorder()
        originator = uuid.uuid4()
        assert recorder.insert_events([self.event(originator, 1)]) == [1]
        with pytest.raises(IntegrityError):
            recorder.insert_events([self.event(originator, 2), self.event(originator, 1)])
        assert [n.originator_version for n in recorder.select_notifications(None, 10)] == [1]
        # The rolled-back save consumed ids 2 and 3: a gap that is never filled.
        assert recorder.insert_events([self.event(originator, 2)]) == [4]

    def test_empty_save_does_nothing(self) -> None:
        recorder = self.okr_recorder()
        assert recorder.insert_events([]) is None
        assert recorder.max_notification_id() is None

    def test_saves_wait_for_the_exclusive_table_lock(self) -> None:
        recorder = self.okr_recorder()
        done = threading.Event()
        with psycopg.connect(postgres_url()) as conn:
            conn.execute(
                sql.SQL("LOCK TABLE {}.stored_events IN EXCLUSIVE MODE").format(
                    sql.Identifier(self.schema)
                )
            )

            def save() -> None:
                recorder.insert_events([self.event(uuid.uuid4(), 1)])
                done.set()

            writer = threading.Thread(target=save)
            writer.start()
            assert not done.wait(0.5), "the save did not wait for the table lock"
            conn.rollback()
        writer.join(10)
        assert done.is_set()

    def test_lock_timeout_is_honoured(self) -> None:
        recorder = self.okr_recorder(lock_timeout=1)
        with psycopg.connect(postgres_url()) as conn:
            conn.execute(
                sql.SQL("LOCK TABLE {}.stored_events IN EXCLUSIVE MODE").format(
                    sql.Identifier(self.schema)
                )
            )
            started = time.monotonic()
            with pytest.raises(OperationalError):
                # One attempt, without the retry decorator's ten.
                recorder.insert_events.__wrapped__(  # type: ignore[attr-defined]
                    recorder, [self.event(uuid.uuid4(), 1)]
                )
            assert 0.8 < time.monotonic() - started < 5
            conn.rollback()
        # After the timeout, and with the lock released, saving works again.
        assert recorder.insert_events([self.event(uuid.uuid4(), 1)]) is not None

    def test_process_recorder_writes_tracking_in_the_same_transaction(self) -> None:
        recorder = OKRPostgresProcessRecorder(
            self.datastore(), events_table_name="stored_events", tracking_table_name="tracking"
        )
        recorder.create_table()
        originator = uuid.uuid4()
        recorder.insert_events([self.event(originator, 1)], tracking=Tracking("up", 5))
        assert recorder.max_tracking_id("up") == 5
        # Events conflict: the tracking row of the same save must not land.
        with pytest.raises(IntegrityError):
            recorder.insert_events([self.event(originator, 1)], tracking=Tracking("up", 6))
        assert recorder.max_tracking_id("up") == 5
        # Tracking conflicts (already at 5): the events of the same save must not land.
        with pytest.raises(IntegrityError):
            recorder.insert_events([self.event(originator, 2)], tracking=Tracking("up", 5))
        assert len(recorder.select_notifications(None, 10)) == 1
        # Tracking only, no events.
        recorder.insert_events([], tracking=Tracking("up", 7))
        assert recorder.max_tracking_id("up") == 7

    def test_the_settings_select_this_recorder(self) -> None:
        settings = Settings(database_url=postgres_url(), database_schema=self.schema)
        env = settings.eventsourcing_env()
        factory = Factory(env)
        try:
            recorder = factory.application_recorder()
            assert type(recorder) is OKRPostgresApplicationRecorder
        finally:
            factory.close()


# Concurrent writers (threads and processes) against a follower of the log.

WRITER_SAVES = 150


def _write(schema: str, seed: int, saves: int) -> tuple[int, int]:
    """Save `saves` times (1-3 events, some conflicting on purpose); (saved, conflicts)."""
    rng = random.Random(seed)
    datastore = make_datastore(schema, pool_size=1)
    recorder = OKRPostgresApplicationRecorder(datastore, events_table_name="stored_events")
    saved = conflicts = 0
    try:
        originator = uuid.uuid4()
        version = 0
        for _ in range(saves):
            if rng.random() < 0.3:
                originator, version = uuid.uuid4(), 0
            n = rng.randint(1, 3)
            conflict = version > 0 and rng.random() < 0.1
            start = version if conflict else version + 1  # reuse a version: unique violation
            events = [StoredEvent(originator, start + i, "topic", b"state") for i in range(n)]
            try:
                ids = recorder.insert_events(events)
            except IntegrityError:
                conflicts += 1
                continue
            assert ids is not None and len(ids) == n
            assert conflict is False
            version = start + n - 1
            saved += 1
    finally:
        datastore.close()
    return saved, conflicts


def _process_writer(schema: str, seed: int, saves: int, results: Any) -> None:
    results.put(_write(schema, seed, saves))


class TestConcurrentWritersVersusFollower(FreshSchema, ApplicationRecorderTestCase[Any]):
    test_insert_select = None  # type: ignore[assignment]
    test_performance = None  # type: ignore[assignment]
    test_concurrent_no_conflicts = None  # type: ignore[assignment]
    test_concurrent_throughput = None  # type: ignore[assignment]

    def create_recorder(self) -> OKRPostgresApplicationRecorder:
        return self.okr_recorder()

    @contextmanager
    def follower(self, recorder: PostgresApplicationRecorder) -> Iterator[list[int]]:
        """Read from the last seen id, small pages, as fast as possible, until told to stop."""
        seen: list[int] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def follow() -> None:
            last = 0
            try:
                while True:
                    stopping = stop.is_set()
                    page = recorder.select_notifications(
                        start=last, limit=7, inclusive_of_start=False
                    )
                    for notification in page:
                        assert notification.id > last, (notification.id, last)
                        seen.append(notification.id)
                        last = notification.id
                    if stopping and not page:
                        return
            except BaseException as e:
                errors.append(e)

        reader = threading.Thread(target=follow)
        reader.start()
        try:
            yield seen
        finally:
            stop.set()
            reader.join(60)
        assert not reader.is_alive()
        if errors:
            raise errors[0]

    def check_follower(self, recorder: OKRPostgresApplicationRecorder, seen: list[int]) -> None:
        all_ids = [n.id for n in recorder.select_notifications(None, 1_000_000)]
        assert len(seen) == len(set(seen)), "the follower saw an id twice"
        assert seen == sorted(seen), "the follower saw ids out of order"
        missed = sorted(set(all_ids) - set(seen))
        assert not missed, f"the follower skipped {len(missed)} ids, e.g. {missed[:10]}"
        assert seen == all_ids

    def test_threads_and_processes_writing_while_a_follower_reads(self) -> None:
        recorder = self.okr_recorder()
        reader_recorder = OKRPostgresApplicationRecorder(
            self.datastore(pool_size=1), events_table_name="stored_events"
        )
        results: list[tuple[int, int]] = []
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        with self.follower(reader_recorder) as seen:
            processes = [
                context.Process(
                    target=_process_writer, args=(self.schema, 1000 + i, WRITER_SAVES, queue)
                )
                for i in range(2)
            ]
            for process in processes:
                process.start()
            threads = [
                threading.Thread(
                    target=lambda i=i: results.append(_write(self.schema, i, WRITER_SAVES))
                )
                for i in range(6)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            for process in processes:
                results.append(queue.get(timeout=120))
                process.join(30)
                assert process.exitcode == 0
        assert len(results) == 8
        saved = sum(r[0] for r in results)
        conflicts = sum(r[1] for r in results)
        assert saved + conflicts == 8 * WRITER_SAVES
        assert conflicts > 0, "the test meant to exercise rolled-back saves (gaps)"
        self.check_follower(recorder, seen)
        assert len(seen) >= saved
