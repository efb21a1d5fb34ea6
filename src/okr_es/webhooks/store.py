"""The delivery log: one row per (change, webhook) to send, one per attempt made.

It lives beside the events (the SQLite file or the PostgreSQL schema), in two tables of its
own: ``webhook_deliveries`` (what is to be sent, its state: ``pending``, ``delivered``,
``dead``, ``dropped``) and ``webhook_attempts`` (each try: when, how long, the answer's
status code or the error). Rows are written when a change is accepted — in the same
transaction as the follower's position in embedded mode, before the JetStream ack in
distributed mode — so a crash loses nothing, and the delivery id (stable per change and
webhook) makes a second acceptance of the same change a no-op. The body stored is what is
sent; it never holds a secret (the signature is computed at each attempt).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import msgspec
from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder

from okr_es.persistence.store_lock import read_models_xact
from okr_es.projections.sql import Sql

PENDING, DELIVERED, DEAD, DROPPED = "pending", "delivered", "dead", "dropped"

_DDL = (
    "CREATE TABLE IF NOT EXISTS webhook_deliveries (delivery_id TEXT PRIMARY KEY, "
    "webhook_id TEXT NOT NULL, organization_id TEXT NOT NULL, position INTEGER NOT NULL, "
    "event_type TEXT NOT NULL, status TEXT NOT NULL, failures INTEGER NOT NULL, "
    "attempts INTEGER NOT NULL, next_attempt_at FLOAT NOT NULL, created_at TEXT NOT NULL, "
    "last_attempt_at TEXT, last_status_code INTEGER, last_error TEXT, delivered_at TEXT, "
    "payload TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries "
    "(status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries "
    "(webhook_id, position)",
    "CREATE TABLE IF NOT EXISTS webhook_attempts (delivery_id TEXT NOT NULL, "
    "attempt INTEGER NOT NULL, started_at TEXT NOT NULL, duration_ms FLOAT NOT NULL, "
    "status_code INTEGER, error TEXT, PRIMARY KEY (delivery_id, attempt))",
)


class Delivery(msgspec.Struct, frozen=True):
    """One change to send to one webhook."""

    delivery_id: str
    webhook_id: str
    organization_id: str
    position: int
    event_type: str
    status: str
    failures: int
    attempts: int
    next_attempt_at: float
    created_at: str
    last_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: str | None
    payload: str


class Outcome(msgspec.Struct, frozen=True):
    """What one try of a delivery came to, to be recorded."""

    delivery: Delivery
    started: float
    duration_ms: float
    status_code: int | None
    error: str | None
    outcome: str
    next_attempt_at: float


class Attempt(msgspec.Struct, frozen=True):
    delivery_id: str
    attempt: int
    started_at: str
    duration_ms: float
    status_code: int | None
    error: str | None


_DELIVERY_COLUMNS = ", ".join(Delivery.__struct_fields__)
_ATTEMPT_COLUMNS = ", ".join(Attempt.__struct_fields__)


def instant(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class DeliveryLog:
    """The two tables, on the application's store (created when missing)."""

    def __init__(self, tracking: TrackingRecorder) -> None:
        self.tracking = tracking
        self.postgres = isinstance(tracking, PostgresTrackingRecorder)
        with self._transaction(exclusive=True) as sql:
            for statement in _DDL:
                sql.run(statement)

    # --- writing -----------------------------------------------------------------------------

    def enqueue(self, deliveries: Sequence[Delivery], tracking: Tracking | None = None) -> None:
        """Record deliveries (a known delivery id is left as it is), and the follower's
        position in the same transaction when given."""
        with self._transaction() as sql:
            sql.many(
                f"INSERT INTO webhook_deliveries ({_DELIVERY_COLUMNS}) VALUES ("
                + ", ".join(f":{c}" for c in Delivery.__struct_fields__)
                + ") ON CONFLICT (delivery_id) DO NOTHING",
                [msgspec.structs.asdict(d) for d in deliveries],
            )
            if tracking is not None:
                recorder: Any = self.tracking
                recorder._insert_tracking(sql.cursor, tracking)

    def record_attempts(self, outcomes: Sequence[Outcome]) -> None:
        """Tries and their outcomes (delivered, pending again later, or dead), in one
        transaction."""
        attempts, updates = [], []
        for o in outcomes:
            attempt = o.delivery.attempts + 1
            attempts.append(
                {
                    "delivery_id": o.delivery.delivery_id,
                    "attempt": attempt,
                    "started_at": instant(o.started),
                    "duration_ms": o.duration_ms,
                    "status_code": o.status_code,
                    "error": o.error,
                }
            )
            updates.append(
                {
                    "status": o.outcome,
                    "failures": 0 if o.outcome == DELIVERED else o.delivery.failures + 1,
                    "attempt": attempt,
                    "next": o.next_attempt_at,
                    "started": instant(o.started),
                    "code": o.status_code,
                    "error": o.error,
                    "delivered": instant(o.started) if o.outcome == DELIVERED else None,
                    "delivery_id": o.delivery.delivery_id,
                }
            )
        with self._transaction() as sql:
            sql.many(
                f"INSERT INTO webhook_attempts ({_ATTEMPT_COLUMNS}) VALUES (:delivery_id, "
                ":attempt, :started_at, :duration_ms, :status_code, :error) "
                "ON CONFLICT (delivery_id, attempt) DO NOTHING",
                attempts,
            )
            # Only a pending delivery changes: a removed webhook's dropped ones stay dropped.
            sql.many(
                "UPDATE webhook_deliveries SET status = :status, failures = :failures, "
                "attempts = :attempt, next_attempt_at = :next, last_attempt_at = :started, "
                "last_status_code = :code, last_error = :error, delivered_at = :delivered "
                "WHERE delivery_id = :delivery_id AND status = 'pending'",
                updates,
            )

    def redrive(self, webhook_id: str, up_to_position: int, now: float) -> int:
        """Dead deliveries of the webhook (of changes up to the position) to try again."""
        with self._transaction() as sql:
            rows = sql.all(
                "SELECT delivery_id FROM webhook_deliveries WHERE webhook_id = :w "
                "AND status = 'dead' AND position <= :p",
                {"w": webhook_id, "p": up_to_position},
            )
            sql.run(
                "UPDATE webhook_deliveries SET status = 'pending', failures = 0, "
                "next_attempt_at = :now WHERE webhook_id = :w AND status = 'dead' "
                "AND position <= :p",
                {"w": webhook_id, "p": up_to_position, "now": now},
            )
        return len(rows)

    def erase(
        self, organization_id: str, texts: Sequence[str], positions: Sequence[int], erased: str
    ) -> None:
        """After a member's erasure: every ``texts`` (their names and addresses) in the
        organisation's stored bodies becomes ``erased``; the bodies of the changes at
        ``positions`` (quoting a sealed text of theirs) are replaced whole, and not sent
        if they were still to be."""
        found = "strpos(payload, :text) > 0" if self.postgres else "instr(payload, :text) > 0"
        with self._transaction() as sql:
            for text in sorted(texts, key=len, reverse=True):
                sql.run(
                    "UPDATE webhook_deliveries SET payload = replace(payload, :text, :erased) "
                    f"WHERE organization_id = :org AND {found}",
                    {"text": text, "erased": erased, "org": organization_id},
                )
            sql.many(
                "UPDATE webhook_deliveries SET payload = :body, status = CASE WHEN "
                f"status = '{PENDING}' THEN '{DROPPED}' ELSE status END "
                "WHERE organization_id = :org AND position = :position",
                [
                    {"body": msgspec.json.encode({"erased": erased}).decode(),
                     "org": organization_id, "position": position}
                    for position in positions
                ],
            )

    def positions(
        self, organization_id: str, event_types: Sequence[str], start: int, end: int
    ) -> list[int]:
        """The log positions of the organisation's deliveries of ``event_types`` (event
        names, without their aggregate's) in [start, end)."""
        with self._transaction(commit=False) as sql:
            rows = sql.all(
                "SELECT DISTINCT position, event_type FROM webhook_deliveries "
                "WHERE organization_id = :org AND position >= :start AND position < :end",
                {"org": organization_id, "start": start, "end": end},
            )
        return sorted(int(p) for p, kind in rows if kind.rpartition(".")[2] in event_types)

    def drop_pending(self, webhook_id: str) -> None:
        """A removed webhook's deliveries not yet made are not made at all."""
        with self._transaction() as sql:
            sql.run(
                "UPDATE webhook_deliveries SET status = 'dropped' WHERE webhook_id = :w "
                "AND status IN ('pending', 'dead')",
                {"w": webhook_id},
            )

    # --- reading -----------------------------------------------------------------------------

    def position(self, name: str) -> int:
        return self.tracking.max_tracking_id(name) or 0

    def due(self, now: float, limit: int, webhook_ids: Sequence[str]) -> list[Delivery]:
        """Pending deliveries whose time has come, of the given (active) webhooks, oldest
        change first."""
        if not webhook_ids:
            return []
        with self._transaction(commit=False) as sql:
            rows = sql.all_among(
                f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries WHERE status = 'pending' "
                f"AND next_attempt_at <= {float(now)!r} AND webhook_id {{among}} "
                f"ORDER BY next_attempt_at, position LIMIT {int(limit)}",
                webhook_ids,
            )
        return [Delivery(*r) for r in rows]

    def next_due(self, webhook_ids: Sequence[str]) -> float | None:
        if not webhook_ids:
            return None
        with self._transaction(commit=False) as sql:
            rows = sql.all_among(
                "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending' "
                "AND webhook_id {among}",
                webhook_ids,
            )
        return rows[0][0] if rows and rows[0][0] is not None else None

    def deliveries(
        self, webhook_id: str, *, status: str | None = None, limit: int = 50
    ) -> list[Delivery]:
        """The webhook's deliveries, newest change first."""
        where = "webhook_id = :w" + (" AND status = :s" if status else "")
        with self._transaction(commit=False) as sql:
            rows = sql.all(
                f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries WHERE {where} "
                f"ORDER BY position DESC, delivery_id LIMIT {int(limit)}",
                {"w": webhook_id, "s": status},
            )
        return [Delivery(*r) for r in rows]

    def attempts(self, delivery_ids: Sequence[str]) -> list[Attempt]:
        with self._transaction(commit=False) as sql:
            rows = sql.all_among(
                f"SELECT {_ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id {{among}} "
                "ORDER BY delivery_id, attempt",
                delivery_ids,
            )
        return [Attempt(*r) for r in rows]

    @contextmanager
    def _transaction(self, *, commit: bool = True, exclusive: bool = False) -> Iterator[Sql]:
        datastore: Any = self.tracking.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=commit) as cursor:
            sql = Sql(cursor, postgres=self.postgres)
            schema = datastore.schema if self.postgres else None
            if schema:
                # The tables live in the application's schema, beside its events.
                sql.cursor.execute(f'SET LOCAL search_path TO "{schema}"')
                if exclusive:
                    read_models_xact(sql.cursor, schema)
            yield sql


class Words(msgspec.Struct, frozen=True):
    """How the change timeline says a change, and the unit it belongs to."""

    sentence: str
    language: str
    unit_id: str | None


TIMELINE = "change_timeline"


def timeline_words(log: DeliveryLog, positions: Sequence[int]) -> dict[int, Words]:
    """The change timeline's rows for these log positions (those it has)."""
    if not positions or log.position(TIMELINE) == 0:
        return {}
    wanted = set(positions)
    with log._transaction(commit=False) as sql:
        rows = sql.all(
            "SELECT position, sentence, language, unit_id FROM rm_timeline "
            "WHERE position >= :low AND position <= :high",
            {"low": min(wanted), "high": max(wanted)},
        )
    return {int(p): Words(s, lang, u) for p, s, lang, u in rows if int(p) in wanted}


_LOGS: weakref.WeakKeyDictionary[Any, DeliveryLog] = weakref.WeakKeyDictionary()
_LOGS_LOCK = threading.Lock()


def delivery_log_of(app: Any) -> DeliveryLog:
    """One delivery log per application (readers share it; tables made on first use)."""
    with _LOGS_LOCK:
        found = _LOGS.get(app)
        if found is None:
            found = _LOGS[app] = DeliveryLog(app.factory.tracking_recorder())
        return found
