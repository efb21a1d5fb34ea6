"""OKRSQLiteApplicationRecorder (group commit) against the library's own recorder test
cases, and concurrent saves: conflicts fail alone, everything else commits, nothing is
numbered twice or skipped, and the application configured with it keeps its invariants."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Sequence
from unittest import TestCase

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from okr_es.application import OKRApplication
from okr_es.persistence.sqlite_recorder import OKRSQLiteApplicationRecorder
from okr_es.settings import Settings


class FreshFile:
    """Mixin: a new SQLite file (in WAL mode, as the application uses it) per test."""

    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="okr-es-sqlite-")
        self.datastores: list[SQLiteDatastore] = []
        self.threads_before = set(threading.enumerate())
        super().setUp()  # type: ignore[misc]

    def tearDown(self) -> None:
        super().tearDown()  # type: ignore[misc]
        # The library's test_concurrent_no_conflicts tells its reader threads to stop but
        # does not wait for them; closing a SQLite connection a reader is still executing
        # on crashes the interpreter. (These recorders start no threads that live on.)
        for thread in set(threading.enumerate()) - self.threads_before:
            thread.join(timeout=30)
        for datastore in self.datastores:
            datastore.close()
        self.directory.cleanup()

    def okr_recorder(self) -> OKRSQLiteApplicationRecorder:
        datastore = SQLiteDatastore(db_name=os.path.join(self.directory.name, "events.db"))
        self.datastores.append(datastore)
        recorder = OKRSQLiteApplicationRecorder(datastore)
        recorder.create_table()
        return recorder


class TestLibraryApplicationRecorderCases(
    FreshFile, ApplicationRecorderTestCase[OKRSQLiteApplicationRecorder]
):
    def create_recorder(self) -> OKRSQLiteApplicationRecorder:
        return self.okr_recorder()


class TestLibraryNonInterleavingNotificationIDs(
    FreshFile, NonInterleavingNotificationIDsBaseCase
):
    def create_recorder(self) -> ApplicationRecorder:
        return self.okr_recorder()


def _event(originator: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, "topic", f"{originator}:{version}".encode())


def _save_all(
    recorder: OKRSQLiteApplicationRecorder, saves: Sequence[Sequence[StoredEvent]]
) -> list[object]:
    """Every save from its own thread, all released at once; each one's ids or error."""
    outcomes: list[object] = [None] * len(saves)
    start = threading.Barrier(len(saves))

    def save(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = recorder.insert_events(list(saves[i]))
        except IntegrityError as e:
            outcomes[i] = e

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


class TestConcurrentSaves(FreshFile, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.recorder = self.okr_recorder()

    def test_a_conflicting_save_fails_alone_and_the_others_commit(self) -> None:
        contested = uuid.uuid4()
        free = [uuid.uuid4() for _ in range(24)]
        # Eight saves race for version 1 of one aggregate; 24 others have theirs to
        # themselves, two events each.
        saves = [[_event(contested, 1)] for _ in range(8)]
        saves += [[_event(f, 1), _event(f, 2)] for f in free]
        for _ in range(3):  # several rounds, so groups form in different shapes
            outcomes = _save_all(self.recorder, saves)
            winners = [o for o in outcomes[:8] if not isinstance(o, IntegrityError)]
            assert len(winners) == 1  # the first one written; the others conflict
            assert all(not isinstance(o, IntegrityError) for o in outcomes[8:])
            contested = uuid.uuid4()
            free = [uuid.uuid4() for _ in range(24)]
            saves = [[_event(contested, 1)] for _ in range(8)]
            saves += [[_event(f, 1), _event(f, 2)] for f in free]
        notifications = self.recorder.select_notifications(start=1, limit=10_000)
        ids = [n.id for n in notifications]
        assert ids == list(range(1, len(ids) + 1))  # none skipped, none twice
        by_aggregate: dict[str, list[int]] = {}
        for n in notifications:
            by_aggregate.setdefault(str(n.originator_id), []).append(n.originator_version)
        # Every free aggregate got both its events, and every contested one exactly one.
        assert sorted(len(v) for v in by_aggregate.values()).count(2) == 3 * 24
        assert sorted(len(v) for v in by_aggregate.values()).count(1) == 3

    def test_each_save_gets_the_positions_of_its_own_events(self) -> None:
        originators = [uuid.uuid4() for _ in range(16)]
        outcomes = _save_all(
            self.recorder, [[_event(o, 1), _event(o, 2), _event(o, 3)] for o in originators]
        )
        notifications = {
            n.id: n for n in self.recorder.select_notifications(start=1, limit=1000)
        }
        for originator, ids in zip(originators, outcomes, strict=True):
            assert isinstance(ids, list) and len(ids) == 3
            got = [notifications[i] for i in ids]
            assert [(uuid.UUID(str(n.originator_id)), n.originator_version) for n in got] == [
                (originator, 1),
                (originator, 2),
                (originator, 3),
            ]


def test_the_embedded_application_saves_through_the_group_committing_recorder(
    tmp_path: object,
) -> None:
    with OKRApplication(Settings(data_dir=str(tmp_path))) as app:
        assert isinstance(app.recorder, OKRSQLiteApplicationRecorder)
        registered = app.register_organization(
            name="Kommune", admin_name="Kari", admin_email="kari@kommune.no"
        )
        assert registered.position == app.position() > 0
