"""Initiatives (tiltak) as they stand now: owner, status, progress, due date and linked
key results.

Dashboards and the roster ask "who owns which piece of work, and which key results does
it move"; the rows answer that without replaying an initiative. Links keep the order in
which they were made (``ordinal``), so a list of linked key results reads like the log.
``due_on`` is the day the work should be done by (NULL: none); whether it is overdue
depends on today and is worked out when asked.

The status note keeps who wrote it and at which log position (``note_by``,
``note_position``; NULL for a stop's reason, which is never sealed), so that erasing the
member blanks it where the organisation sealed free texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from okr_es.projections.base import Projection, columns, text
from okr_es.projections.erasure import blank_sealed
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
    "note_by",
    "note_position",
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
        "version INTEGER NOT NULL, due_on TEXT, note_by TEXT, note_position INTEGER)",
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
        # So do the status note's author and position, after it: notes projected before
        # have none (NULL), and only a rebuild blanks them when their author is erased.
        exists = " IF NOT EXISTS" if sql.postgres else ""
        present = columns(sql, "rm_initiatives")
        for column in ("due_on TEXT", "note_by TEXT", "note_position INTEGER"):
            if column.split()[0] not in present:
                sql.run(f"ALTER TABLE rm_initiatives ADD COLUMN{exists} {column}")

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # One read of the initiatives the batch touches, their rows changed in memory,
        # then one statement for the rows and one for the links: the rows the handlers
        # below leave, event by event.
        events = [(p, e) for p, e in batch if type(e).__name__ in _CHANGES]
        erasures = [(p, e) for p, e in batch if type(e).__name__ == "MemberErased"]
        if events:
            self._changes(sql, events)
        # An erasure blanks by position what the member wrote before it, so it may follow
        # every change of the batch, also those after it.
        for position, e in erasures:
            self.on_MemberErased(sql, e, position)

    @staticmethod
    def _changes(sql: Sql, events: Sequence[tuple[int, Any]]) -> None:
        rows: dict[str, dict[str, Any]] = {
            r[0]: dict(zip(COLUMNS, r, strict=True))
            for r in sql.all_among(
                f"SELECT {', '.join(COLUMNS)} FROM rm_initiatives WHERE initiative_id {{among}}",
                {str(e.originator_id) for _, e in events},
            )
        }
        changed: dict[str, None] = {}  # in the order first changed
        links: list[dict[str, Any]] = []
        for position, e in events:
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
            row.update(_CHANGES[kind](e, position), updated_at=e.timestamp.isoformat())
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
        self._initiative(sql, e, **_CHANGES["InitiativeDueDateChanged"](e, position))

    def on_InitiativeProgressed(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeProgressed"](e, position))

    def on_InitiativeCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeCompleted"](e, position))

    def on_InitiativeStopped(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeStopped"](e, position))

    def on_InitiativeOwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, **_CHANGES["InitiativeOwnerChanged"](e, position))

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        blank_sealed(sql, e, position, "rm_initiatives", "status_note", "note_by", "note_position")

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
        "note_by": None,
        "note_position": None,
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


def _note(e: Any, position: int) -> dict[str, Any]:
    """A status note its author may have sealed: the note, who wrote it, and where."""
    return {"status_note": e.note, "note_by": text(e.by), "note_position": position}


# Per event after the start (and its log position): the columns it changes (besides
# version and updated_at).
_CHANGES: dict[str, Any] = {
    "InitiativeStarted": lambda e, position: {},
    "InitiativeLinked": lambda e, position: {},
    "InitiativeDueDateChanged": lambda e, position: {
        "due_on": None if e.due_on is None else e.due_on.isoformat()
    },
    "InitiativeProgressed": lambda e, position: {
        "percent_complete": e.percent_complete,
        **_note(e, position),
    },
    "InitiativeCompleted": lambda e, position: {
        "status": "completed",
        "percent_complete": 100.0,
        **_note(e, position),
    },
    "InitiativeStopped": lambda e, position: {
        "status": "stopped",
        "status_note": e.reason,
        "note_by": None,
        "note_position": None,
    },
    "InitiativeOwnerChanged": lambda e, position: {"owner_id": text(e.owner_id)},
}
