"""Initiatives (tiltak) as they stand now: owner, status, progress, due date and linked
key results.

Dashboards and the roster ask "who owns which piece of work, and which key results does
it move"; the rows answer that without replaying an initiative. Links keep the order in
which they were made (``ordinal``), so a list of linked key results reads like the log.
``due_on`` is the day the work should be done by (NULL: none); whether it is overdue
depends on today and is worked out when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from okr_es.projections.base import Projection, columns, text
from okr_es.projections.sql import Sql

# rm_initiatives' columns, in the table's order.
COLUMNS = (
    "initiative_id",
    "organization_id",
    "unit_id",
    "title",
    "owner_id",
    "status",
    "percent_complete",
    "status_note",
    "started_at",
    "updated_at",
    "version",
    "due_on",
)


class Initiatives(Projection):
    name: ClassVar[str] = "initiatives"
    tables: ClassVar[tuple[str, ...]] = ("rm_initiatives", "rm_initiative_links")
    read_indexes: ClassVar[tuple[str, ...]] = (
        "rm_initiatives_unit",
        "rm_initiatives_owner",
        "rm_initiative_links_kr",
        "rm_initiative_links_objective",
    )
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_initiatives (initiative_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, title TEXT NOT NULL, "
        "owner_id TEXT NOT NULL, status TEXT NOT NULL, percent_complete FLOAT NOT NULL, "
        "status_note TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
        "version INTEGER NOT NULL, due_on TEXT)",
        "CREATE INDEX IF NOT EXISTS rm_initiatives_unit ON rm_initiatives (unit_id)",
        "CREATE INDEX IF NOT EXISTS rm_initiatives_owner ON rm_initiatives (owner_id)",
        "CREATE TABLE IF NOT EXISTS rm_initiative_links (initiative_id TEXT NOT NULL, "
        "key_result_id TEXT NOT NULL, objective_id TEXT NOT NULL, ordinal INTEGER NOT NULL, "
        "PRIMARY KEY (initiative_id, key_result_id))",
        "CREATE INDEX IF NOT EXISTS rm_initiative_links_kr ON rm_initiative_links (key_result_id)",
        # The review's "member without an initiative" reads the links of its objectives.
        "CREATE INDEX IF NOT EXISTS rm_initiative_links_objective ON rm_initiative_links "
        "(objective_id)",
    )

    def upgrade(self, sql: Sql) -> None:
        # Tables made before initiatives had due dates get the column last, where the ddl
        # puts it; their initiatives have none (NULL).
        if "due_on" not in columns(sql, "rm_initiatives"):
            exists = " IF NOT EXISTS" if sql.postgres else ""
            sql.run(f"ALTER TABLE rm_initiatives ADD COLUMN{exists} due_on TEXT")

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # One read of the initiatives the batch touches, their rows changed in memory,
        # then one statement for the rows and one for the links: the rows the handlers
        # below leave, event by event.
        events = [e for _, e in batch if type(e).__name__ in _CHANGES]
        if not events:
            return
        rows: dict[str, dict[str, Any]] = {
            r[0]: dict(zip(COLUMNS, r, strict=True))
            for r in sql.all_among(
                f"SELECT {', '.join(COLUMNS)} FROM rm_initiatives WHERE initiative_id {{among}}",
                {str(e.originator_id) for e in events},
            )
        }
        changed: dict[str, None] = {}  # in the order first changed
        links: list[dict[str, Any]] = []
        for e in events:
            initiative = str(text(e.originator_id))
            kind = type(e).__name__
            if kind == "InitiativeStarted":
                if initiative not in rows:  # as ON CONFLICT DO NOTHING
                    rows[initiative] = _started(e)
                    changed[initiative] = None
                continue
            row = rows.get(initiative)
            if row is None:
                continue  # as an UPDATE that finds no row
            if kind == "InitiativeLinked":
                links.append(_link(e))
            row.update(_CHANGES[kind](e), updated_at=e.timestamp.isoformat())
            row["version"] = e.originator_version
            changed[initiative] = None
        sql.insert_rows(
            "rm_initiative_links", links, "ON CONFLICT (initiative_id, key_result_id) DO NOTHING"
        )
        sql.insert_rows(
            "rm_initiatives",
            [rows[i] for i in changed],
            "ON CONFLICT (initiative_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:]),
        )

    def on_InitiativeStarted(self, sql: Sql, e: Any, position: int) -> None:
        sql.insert_rows("rm_initiatives", [_started(e)], "ON CONFLICT (initiative_id) DO NOTHING")

    def on_InitiativeLinked(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_initiative_links VALUES (:initiative_id, :key_result_id, "
            ":objective_id, :ordinal) ON CONFLICT (initiative_id, key_result_id) DO NOTHING",
            _link(e),
        )
        self._initiative(sql, e)

    def on_InitiativeDueDateChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeDueDateChanged"](e))

    def on_InitiativeProgressed(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeProgressed"](e))

    def on_InitiativeCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeCompleted"](e))

    def on_InitiativeStopped(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeStopped"](e))

    def on_InitiativeOwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeOwnerChanged"](e))

    @staticmethod
    def _initiative(sql: Sql, e: Any, **changes: Any) -> None:
        """Apply column changes and stamp version and time."""
        assignments = "".join(f"{column} = :{column}, " for column in changes)
        sql.run(
            f"UPDATE rm_initiatives SET {assignments}updated_at = :at, version = :version "
            "WHERE initiative_id = :id",
            {
                **changes,
                "id": text(e.originator_id),
                "at": e.timestamp.isoformat(),
                "version": e.originator_version,
            },
        )


def _started(e: Any) -> dict[str, Any]:
    at = e.timestamp.isoformat()
    return {
        "initiative_id": text(e.originator_id),
        "organization_id": text(e.organization_id),
        "unit_id": text(e.unit_id),
        "title": e.title,
        "owner_id": text(e.owner_id),
        "status": "running",
        "percent_complete": 0.0,
        "status_note": "",
        "started_at": at,
        "updated_at": at,
        "version": e.originator_version,
        "due_on": None if e.due_on is None else e.due_on.isoformat(),
    }


def _link(e: Any) -> dict[str, Any]:
    # The initiative's version numbers its events, so the order of links survives a
    # rebuild however the log is batched.
    return {
        "initiative_id": text(e.originator_id),
        "key_result_id": text(e.key_result_id),
        "objective_id": text(e.objective_id),
        "ordinal": e.originator_version,
    }


# Per event after the start: the columns it changes (besides version and updated_at).
_CHANGES: dict[str, Any] = {
    "InitiativeStarted": lambda e: {},
    "InitiativeLinked": lambda e: {},
    "InitiativeDueDateChanged": lambda e: {
        "due_on": None if e.due_on is None else e.due_on.isoformat()
    },
    "InitiativeProgressed": lambda e: {
        "percent_complete": e.percent_complete,
        "status_note": e.note,
    },
    "InitiativeCompleted": lambda e: {
        "status": "completed",
        "percent_complete": 100.0,
        "status_note": e.note,
    },
    "InitiativeStopped": lambda e: {"status": "stopped", "status_note": e.reason},
    "InitiativeOwnerChanged": lambda e: {"owner_id": text(e.owner_id)},
}
