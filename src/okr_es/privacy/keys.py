"""Each person's data key, kept in its own table outside the event log.

The table (``okr_es_person_keys``) sits in the same database as the events, so every
process of a deployment shares it, but apart from them: it is backed up on its own
schedule and retention (docs/privacy.md). A row holds a subject's random AES-256 key;
erasing the subject overwrites the row with a tombstone (no key, the time of erasure), so
a value sealed for them never opens again and nothing new is sealed for them.

Keys are cached in this process. Another process's erasure counts here as soon as this
process reads the ``MemberErased`` event, and at the latest after
:data:`KEY_RECHECK_SECONDS`, when a cached key is read from the table again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg.sql import SQL, Identifier

from okr_es.persistence.store_lock import schema_work
from okr_es.privacy.scrub import pragma
from okr_es.privacy.sealing import new_key

__all__ = ["KEY_RECHECK_SECONDS", "KEY_TABLE", "PersonKeys"]

KEY_TABLE = "okr_es_person_keys"
# How long a key cached in this process is used before the table is asked again.
KEY_RECHECK_SECONDS = 30.0


class PersonKeys:
    """The data keys of the people whose personal data the log holds."""

    def __init__(self, datastore: Any, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._datastore = datastore
        self._monotonic = monotonic
        # Subject → (key, or None once erased; when it was read).
        self._cache: dict[UUID, tuple[bytes | None, float]] = {}
        self._lock = threading.Lock()
        self._created = False
        # A store without a database (in memory): the keys live in this process only.
        self._memory: dict[UUID, bytes | None] = {}

    # --- reading and creating ------------------------------------------------------------

    def key(self, subject: UUID) -> bytes | None:
        """The subject's key; None once they are erased, or when they have none."""
        cached = self._cache.get(subject)
        now = self._monotonic()
        if cached is not None and (cached[0] is None or now - cached[1] < KEY_RECHECK_SECONDS):
            return cached[0]
        found = self._read(subject)
        key = found[0] if found is not None else None
        if found is not None:
            self._cache[subject] = (key, now)
        return key

    def key_for_sealing(self, subject: UUID) -> bytes | None:
        """The subject's key, created on first use; None once they are erased (what is
        written for them then is the placeholder, never their data)."""
        key = self.key(subject)
        if key is not None or self._known_erased(subject):
            return key
        with self._lock:
            self._insert(subject, new_key())
            found = self._read(subject)
        key = found[0] if found is not None else None
        self._cache[subject] = (key, self._monotonic())
        return key

    def _known_erased(self, subject: UUID) -> bool:
        cached = self._cache.get(subject)
        return cached is not None and cached[0] is None

    def forget(self, subject: UUID) -> None:
        """Drop the cached key (its subject was erased, perhaps by another process)."""
        self._cache.pop(subject, None)

    def erased_subjects(self) -> set[UUID]:
        """Every subject whose key was destroyed."""
        if isinstance(self._datastore, SQLiteDatastore):
            with self._sqlite(commit=False) as c:
                c.execute(f"SELECT subject FROM {KEY_TABLE} WHERE data_key IS NULL")
                return {UUID(row[0]) for row in c.fetchall()}
        if isinstance(self._datastore, PostgresDatastore):
            with self._postgres() as c:
                c.execute(SQL("SELECT subject FROM {} WHERE data_key IS NULL").format(self._pg))
                return {row["subject"] for row in c.fetchall()}
        return {s for s, k in self._memory.items() if k is None}

    # --- erasing -------------------------------------------------------------------------

    def destroy(self, subject: UUID) -> None:
        """Destroy the subject's key for good: the row is deleted with its bytes
        overwritten and a tombstone written in its place."""
        erased_at = datetime.now(UTC)
        if isinstance(self._datastore, SQLiteDatastore):
            with self._datastore.get_connection(commit=True) as conn:
                # Deleted rows are overwritten with zeros, not just unlinked.
                pragma(conn, "PRAGMA secure_delete=ON")
                with conn.transaction(commit=True) as c:
                    self._create_sqlite(c)
                    c.execute(f"DELETE FROM {KEY_TABLE} WHERE subject = ?", (str(subject),))
                    c.execute(
                        f"INSERT INTO {KEY_TABLE} (subject, data_key, erased_at) "
                        "VALUES (?, NULL, ?)",
                        (str(subject), erased_at.isoformat()),
                    )
                # Old page images holding the key must not linger in the write-ahead log.
                pragma(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
        elif isinstance(self._datastore, PostgresDatastore):
            with self._postgres(commit=True) as c:
                c.execute(
                    SQL(
                        "INSERT INTO {} (subject, data_key, erased_at) VALUES (%s, NULL, %s) "
                        "ON CONFLICT (subject) DO UPDATE SET data_key = NULL, "
                        "erased_at = EXCLUDED.erased_at"
                    ).format(self._pg),
                    (subject, erased_at),
                )
            # The old row version (with the key) stays in the table's pages as a dead
            # tuple until the table is rewritten; it is tiny, so rewrite it at once.
            with self._datastore.get_connection() as conn:
                conn.execute(SQL("VACUUM FULL {}").format(self._pg))
        else:
            self._memory[subject] = None
        self._cache[subject] = (None, self._monotonic())

    # --- the table -----------------------------------------------------------------------

    def create_table(self) -> None:
        if self._created:
            return
        if isinstance(self._datastore, SQLiteDatastore):
            with self._sqlite(commit=True) as c:
                self._create_sqlite(c)
        elif isinstance(self._datastore, PostgresDatastore):
            with schema_work(self._datastore), self._postgres(commit=True) as c:
                c.execute(
                    SQL(
                        "CREATE TABLE IF NOT EXISTS {} (subject uuid PRIMARY KEY, "
                        "data_key bytea, erased_at timestamptz)"
                    ).format(self._pg)
                )
        self._created = True

    @staticmethod
    def _create_sqlite(c: Any) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (subject TEXT PRIMARY KEY, "
            "data_key BLOB, erased_at TEXT)"
        )

    @property
    def _pg(self) -> Any:
        return Identifier(self._datastore.schema, KEY_TABLE)

    def _read(self, subject: UUID) -> tuple[bytes | None] | None:
        """(key or None) when the subject has a row; None when they have none."""
        self.create_table()
        if isinstance(self._datastore, SQLiteDatastore):
            with self._sqlite(commit=False) as c:
                c.execute(
                    f"SELECT data_key FROM {KEY_TABLE} WHERE subject = ?", (str(subject),)
                )
                row = c.fetchone()
            return None if row is None else (None if row[0] is None else bytes(row[0]),)
        if isinstance(self._datastore, PostgresDatastore):
            with self._postgres() as c:
                c.execute(
                    SQL("SELECT data_key FROM {} WHERE subject = %s").format(self._pg),
                    (subject,),
                )
                found = c.fetchone()
            if found is None:
                return None
            return (None if found["data_key"] is None else bytes(found["data_key"]),)
        if subject not in self._memory:
            return None
        return (self._memory[subject],)

    def _insert(self, subject: UUID, key: bytes) -> None:
        """Store a new key unless the subject has a row already (another process's key,
        or a tombstone)."""
        self.create_table()
        if isinstance(self._datastore, SQLiteDatastore):
            with self._sqlite(commit=True) as c:
                c.execute(
                    f"INSERT INTO {KEY_TABLE} (subject, data_key) VALUES (?, ?) "
                    "ON CONFLICT (subject) DO NOTHING",
                    (str(subject), key),
                )
        elif isinstance(self._datastore, PostgresDatastore):
            with self._postgres(commit=True) as c:
                c.execute(
                    SQL(
                        "INSERT INTO {} (subject, data_key) VALUES (%s, %s) "
                        "ON CONFLICT (subject) DO NOTHING"
                    ).format(self._pg),
                    (subject, key),
                )
        else:
            self._memory.setdefault(subject, key)

    @contextmanager
    def _sqlite(self, *, commit: bool) -> Iterator[Any]:
        with self._datastore.transaction(commit=commit) as c:
            yield c

    @contextmanager
    def _postgres(self, *, commit: bool = False) -> Iterator[Any]:
        with self._datastore.transaction(commit=commit) as c:
            yield c
