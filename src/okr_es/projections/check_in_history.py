"""Every check-in of every key result, in the order made: for charts and rhythm."""

from __future__ import annotations

from typing import Any, ClassVar

from okr_es.projections.base import Projection, columns, text
from okr_es.projections.sql import Sql


class CheckInHistory(Projection):
    name: ClassVar[str] = "check_in_history"
    tables: ClassVar[tuple[str, ...]] = ("rm_check_ins",)
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_check_ins (position INTEGER PRIMARY KEY, "
        "key_result_id TEXT NOT NULL, objective_id TEXT NOT NULL, value FLOAT NOT NULL, "
        "status TEXT NOT NULL, comment TEXT NOT NULL, blockers TEXT NOT NULL, "
        "checked_in_at TEXT NOT NULL, recorded_at TEXT NOT NULL, by_member TEXT NOT NULL, "
        "confidence INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_check_ins_key_result ON rm_check_ins "
        "(key_result_id, checked_in_at)",
    )

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        # Keyed by log position, so re-applying the same event cannot add a row twice.
        sql.run(
            "INSERT INTO rm_check_ins VALUES (:position, :kr, :objective, :value, :status, "
            ":comment, :blockers, :at, :recorded, :by, :confidence) "
            "ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "kr": text(e.key_result_id),
                "objective": text(e.originator_id),
                "value": e.value,
                "status": e.status,
                "comment": e.comment,
                "blockers": e.blockers,
                "at": e.checked_in_at.isoformat(),
                "recorded": e.timestamp.isoformat(),
                "by": text(e.by),
                "confidence": e.confidence,
            },
        )

    def upgrade(self, sql: Sql) -> None:
        # Tables made before check-ins carried a confidence get the column last, where
        # the ddl puts it; their rows are of check-ins that gave none (NULL).
        if "confidence" not in columns(sql, "rm_check_ins"):
            exists = " IF NOT EXISTS" if sql.postgres else ""
            sql.run(f"ALTER TABLE rm_check_ins ADD COLUMN{exists} confidence INTEGER")
