"""OKRSQLiteApplicationRecorder (group commit) against the library's own recorder test
cases, and concurrent saves: conflicts fail alone, everything else commits, nothing is
numbered twice or skipped, and the application configured with it keeps its invariants."""

from __future__ import annotations

import os
import tempfile
import threading
from unittest import TestCase

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from okr_es.application import OKRApplication
from okr_es.persistence.sqlite_recorder import OKRSQLiteApplicationRecorder
from okr_es.settings import Settings
from support.concurrent_saves import ConcurrentSavesCases


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


class TestConcurrentSaves(FreshFile, ConcurrentSavesCases, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.recorder = self.okr_recorder()


def test_the_embedded_application_saves_through_the_group_committing_recorder(
    tmp_path: object,
) -> None:
    with OKRApplication(Settings(data_dir=str(tmp_path))) as app:
        assert isinstance(app.recorder, OKRSQLiteApplicationRecorder)
        registered = app.register_organization(
            name="Kommune", admin_name="Kari", admin_email="kari@kommune.no"
        )
        assert registered.position == app.position() > 0
