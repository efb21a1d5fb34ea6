"""Weekly progress meetings (fremdriftsmøter) and what was said in them.

``rm_meetings`` holds one row per meeting (unit, cycle, business time, facilitator, open or
closed, attendees) with the log position of its latest event, which a meeting screen
follows live. ``rm_meeting_items`` holds the meeting's items keyed by the log position of
the event that made them: good news, decisions (with the key results they cite),
priorities (owner, due date, done), blockers (resolved or not) and check-ins made in the
meeting. A priority done or a blocker resolved later changes its item in place.

The meeting's closing note and an item's done note keep who wrote them and at which log
position (``note_by``/``note_position``, ``done_by``/``done_position``), so that erasing
the member blanks them where the organisation sealed free texts.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from okr_es.projections.base import Projection, columns, text
from okr_es.projections.erasure import blank_sealed
from okr_es.projections.sql import Sql

GOOD_NEWS, DECISION, PRIORITY, BLOCKER, CHECK_IN = (
    "good_news",
    "decision",
    "priority",
    "blocker",
    "check_in",
)
_encode = msgspec.json.Encoder().encode


class Meetings(Projection):
    name: ClassVar[str] = "meetings"
    tables: ClassVar[tuple[str, ...]] = ("rm_meetings", "rm_meeting_items")
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_meetings (meeting_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, cycle_id TEXT NOT NULL, "
        "held_at TEXT NOT NULL, facilitator_id TEXT NOT NULL, status TEXT NOT NULL, "
        "attendee_ids TEXT NOT NULL, note TEXT NOT NULL, opened_at TEXT NOT NULL, "
        "closed_at TEXT, position INTEGER NOT NULL, version INTEGER NOT NULL, "
        "note_by TEXT, note_position INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_meetings_unit ON rm_meetings (unit_id, held_at)",
        "CREATE TABLE IF NOT EXISTS rm_meeting_items (position INTEGER PRIMARY KEY, "
        "meeting_id TEXT NOT NULL, kind TEXT NOT NULL, item_id TEXT, text TEXT NOT NULL, "
        "owner_id TEXT, due TEXT, key_result_ids TEXT NOT NULL, objective_id TEXT, "
        "key_result_id TEXT, value FLOAT, status TEXT, done INTEGER NOT NULL, "
        "done_at TEXT, done_note TEXT NOT NULL, by_member TEXT NOT NULL, "
        "recorded_at TEXT NOT NULL, done_by TEXT, done_position INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_meeting_items_meeting ON rm_meeting_items "
        "(meeting_id, position)",
    )

    def upgrade(self, sql: Sql) -> None:
        # Tables made before notes kept their authors get the columns last, where the ddl
        # puts them; notes projected before have none (NULL), and only a rebuild blanks
        # them when their author is erased.
        exists = " IF NOT EXISTS" if sql.postgres else ""
        for table, added in (
            ("rm_meetings", ("note_by TEXT", "note_position INTEGER")),
            ("rm_meeting_items", ("done_by TEXT", "done_position INTEGER")),
        ):
            present = columns(sql, table)
            for column in added:
                if column.split()[0] not in present:
                    sql.run(f"ALTER TABLE {table} ADD COLUMN{exists} {column}")

    def on_MeetingOpened(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_meetings VALUES (:id, :org, :unit, :cycle, :held_at, "
            ":facilitator, 'open', '[]', '', :at, NULL, :position, :version, NULL, NULL) "
            "ON CONFLICT (meeting_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "unit": text(e.unit_id),
                "cycle": text(e.cycle_id),
                "held_at": e.held_at.isoformat(),
                "facilitator": text(e.facilitator_id),
                "at": e.timestamp.isoformat(),
                "position": position,
                "version": e.originator_version,
            },
        )

    def on_GoodNewsShared(self, sql: Sql, e: Any, position: int) -> None:
        self._item(sql, e, position, GOOD_NEWS, text=e.text)

    def on_DecisionRecorded(self, sql: Sql, e: Any, position: int) -> None:
        cited = _encode([str(k) for k in e.key_result_ids]).decode()
        self._item(sql, e, position, DECISION, text=e.text, key_result_ids=cited)

    def on_PriorityAgreed(self, sql: Sql, e: Any, position: int) -> None:
        self._item(
            sql,
            e,
            position,
            PRIORITY,
            item_id=text(e.priority_id),
            text=e.text,
            owner_id=text(e.owner_id),
            due=e.due.isoformat(),
        )

    def on_PriorityCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._done(sql, e, position, text(e.priority_id), e.note)

    def on_BlockerRaised(self, sql: Sql, e: Any, position: int) -> None:
        self._item(sql, e, position, BLOCKER, item_id=text(e.blocker_id), text=e.text)

    def on_BlockerResolved(self, sql: Sql, e: Any, position: int) -> None:
        self._done(sql, e, position, text(e.blocker_id), e.resolution)

    def on_MeetingCheckInLinked(self, sql: Sql, e: Any, position: int) -> None:
        self._item(
            sql,
            e,
            position,
            CHECK_IN,
            objective_id=text(e.objective_id),
            key_result_id=text(e.key_result_id),
            value=e.value,
            status=e.status,
        )

    def on_MeetingClosed(self, sql: Sql, e: Any, position: int) -> None:
        self._meeting(
            sql,
            e,
            position,
            status="closed",
            attendee_ids=_encode([str(a) for a in e.attendee_ids]).decode(),
            note=e.note,
            note_by=text(e.by),
            note_position=position,
            closed_at=e.timestamp.isoformat(),
        )

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        # What the member shared, decided, agreed or raised, the notes with which they
        # marked an item done and closed a meeting, while texts were sealed.
        blank_sealed(sql, e, position, "rm_meeting_items", "text", "by_member", "position")
        blank_sealed(sql, e, position, "rm_meeting_items", "done_note", "done_by", "done_position")
        blank_sealed(sql, e, position, "rm_meetings", "note", "note_by", "note_position")

    # --- helpers -------------------------------------------------------------------------

    def _item(self, sql: Sql, e: Any, position: int, kind: str, **values: Any) -> None:
        row = {
            "position": position,
            "meeting_id": text(e.originator_id),
            "kind": kind,
            "item_id": None,
            "text": "",
            "owner_id": None,
            "due": None,
            "key_result_ids": "[]",
            "objective_id": None,
            "key_result_id": None,
            "value": None,
            "status": None,
            "done": 0,
            "done_at": None,
            "done_note": "",
            "by_member": text(e.by),
            "recorded_at": e.timestamp.isoformat(),
            "done_by": None,
            "done_position": None,
            **values,
        }
        # Keyed by log position: re-applying the same event cannot add an item twice.
        sql.run(
            f"INSERT INTO rm_meeting_items ({', '.join(row)}) "
            f"VALUES ({', '.join(':' + k for k in row)}) ON CONFLICT (position) DO NOTHING",
            row,
        )
        self._meeting(sql, e, position)

    def _done(self, sql: Sql, e: Any, position: int, item_id: str | None, note: str) -> None:
        sql.run(
            "UPDATE rm_meeting_items SET done = 1, done_at = :at, done_note = :note, "
            "done_by = :by, done_position = :position "
            "WHERE meeting_id = :id AND item_id = :item",
            {
                "at": e.timestamp.isoformat(),
                "note": note,
                "by": text(e.by),
                "position": position,
                "id": text(e.originator_id),
                "item": item_id,
            },
        )
        self._meeting(sql, e, position)

    @staticmethod
    def _meeting(sql: Sql, e: Any, position: int, **changes: Any) -> None:
        """Apply column changes and stamp the position and version of the latest event."""
        assignments = "".join(f"{column} = :{column}, " for column in changes)
        sql.run(
            f"UPDATE rm_meetings SET {assignments}position = :position, version = :version "
            "WHERE meeting_id = :id",
            {
                **changes,
                "id": text(e.originator_id),
                "position": position,
                "version": e.originator_version,
            },
        )
