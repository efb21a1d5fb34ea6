"""Every check-in of every key result, in the order made: for charts and rhythm."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from okr_es.aggregates.personal_data import ERASED
from okr_es.projections.base import Projection, columns, text
from okr_es.projections.erasure import sealed_periods
from okr_es.projections.sql import Sql


class CheckInHistory(Projection):
    name: ClassVar[str] = "check_in_history"
    tables: ClassVar[tuple[str, ...]] = ("rm_check_ins",)
    read_indexes: ClassVar[tuple[str, ...]] = ("rm_check_ins_key_result",)
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_check_ins (position INTEGER PRIMARY KEY, "
        "key_result_id TEXT NOT NULL, objective_id TEXT NOT NULL, value FLOAT NOT NULL, "
        "status TEXT NOT NULL, comment TEXT NOT NULL, blockers TEXT NOT NULL, "
        "checked_in_at TEXT NOT NULL, recorded_at TEXT NOT NULL, by_member TEXT NOT NULL, "
        "confidence INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_check_ins_key_result ON rm_check_ins "
        "(key_result_id, checked_in_at)",
    )

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # One statement for the whole batch: check-ins are most of the log.
        sql.insert_rows(
            "rm_check_ins",
            [_row(e, position) for position, e in batch if type(e).__name__ == "CheckInMade"],
            "ON CONFLICT (position) DO NOTHING",
        )
        for position, e in batch:
            if type(e).__name__ == "MemberErased":
                self.on_MemberErased(sql, e, position)

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(INSERT, _row(e, position))

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        # The comments and blockers the member wrote while they were sealed.
        for start, end in sealed_periods(e, position):
            sql.run(
                "UPDATE rm_check_ins SET "
                "comment = CASE WHEN comment = '' THEN '' ELSE :erased END, "
                "blockers = CASE WHEN blockers = '' THEN '' ELSE :erased END "
                "WHERE by_member = :member AND position >= :start AND position < :end",
                {"erased": ERASED, "member": text(e.member_id), "start": start, "end": end},
            )

    def upgrade(self, sql: Sql) -> None:
        # Tables made before check-ins carried a confidence get the column last, where
        # the ddl puts it; their rows are of check-ins that gave none (NULL).
        if "confidence" not in columns(sql, "rm_check_ins"):
            exists = " IF NOT EXISTS" if sql.postgres else ""
            sql.run(f"ALTER TABLE rm_check_ins ADD COLUMN{exists} confidence INTEGER")


# Keyed by log position, so re-applying the same event cannot add a row twice.
INSERT = (
    "INSERT INTO rm_check_ins VALUES (:position, :key_result_id, :objective_id, :value, "
    ":status, :comment, :blockers, :checked_in_at, :recorded_at, :by_member, :confidence) "
    "ON CONFLICT (position) DO NOTHING"
)


def _row(e: Any, position: int) -> dict[str, Any]:
    """The row by column, in the table's order."""
    return {
        "position": position,
        "key_result_id": text(e.key_result_id),
        "objective_id": text(e.originator_id),
        "value": e.value,
        "status": e.status,
        "comment": e.comment,
        "blockers": e.blockers,
        "checked_in_at": e.checked_in_at.isoformat(),
        "recorded_at": e.timestamp.isoformat(),
        "by_member": text(e.by),
        "confidence": e.confidence,
    }
