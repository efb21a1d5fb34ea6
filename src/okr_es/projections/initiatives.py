"""Initiatives (tiltak) as they stand now: owner, status, progress and linked key results.

Dashboards and the roster ask "who owns which piece of work, and which key results does
it move"; the rows answer that without replaying an initiative. Links keep the order in
which they were made (``ordinal``), so a list of linked key results reads like the log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


class Initiatives(Projection):
    name: ClassVar[str] = "initiatives"
    tables: ClassVar[tuple[str, ...]] = ("rm_initiatives", "rm_initiative_links")
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_initiatives (initiative_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, title TEXT NOT NULL, "
        "owner_id TEXT NOT NULL, status TEXT NOT NULL, percent_complete FLOAT NOT NULL, "
        "status_note TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
        "version INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_initiatives_unit ON rm_initiatives (unit_id)",
        "CREATE INDEX IF NOT EXISTS rm_initiatives_owner ON rm_initiatives (owner_id)",
        "CREATE TABLE IF NOT EXISTS rm_initiative_links (initiative_id TEXT NOT NULL, "
        "key_result_id TEXT NOT NULL, objective_id TEXT NOT NULL, ordinal INTEGER NOT NULL, "
        "PRIMARY KEY (initiative_id, key_result_id))",
        "CREATE INDEX IF NOT EXISTS rm_initiative_links_kr ON rm_initiative_links "
        "(key_result_id)",
    )

    def on_InitiativeStarted(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_initiatives VALUES (:id, :org, :unit, :title, :owner, 'running', "
            "0, '', :at, :at, :version) ON CONFLICT (initiative_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "unit": text(e.unit_id),
                "title": e.title,
                "owner": text(e.owner_id),
                "at": e.timestamp.isoformat(),
                "version": e.originator_version,
            },
        )

    def on_InitiativeLinked(self, sql: Sql, e: Any, position: int) -> None:
        initiative = text(e.originator_id)
        # The initiative's version numbers its events, so the order of links survives a
        # rebuild however the log is batched.
        sql.run(
            "INSERT INTO rm_initiative_links VALUES (:id, :kr, :objective, :ordinal) "
            "ON CONFLICT (initiative_id, key_result_id) DO NOTHING",
            {
                "id": initiative,
                "kr": text(e.key_result_id),
                "objective": text(e.objective_id),
                "ordinal": e.originator_version,
            },
        )
        self._initiative(sql, e)

    def on_InitiativeProgressed(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, percent_complete=e.percent_complete, status_note=e.note)

    def on_InitiativeCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, status="completed", percent_complete=100.0, status_note=e.note)

    def on_InitiativeStopped(self, sql: Sql, e: Any, position: int) -> None:
        self._initiative(sql, e, status="stopped", status_note=e.reason)

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
