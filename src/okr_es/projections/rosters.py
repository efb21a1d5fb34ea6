"""Unit rosters: which member holds which role where, as granted and revoked.

A member belongs to a unit by holding a role in it (``member``, ``lead``, …); roles
granted organisation-wide (``admin``, an ambassador without a unit) have no unit. The
okr tree keeps members and units; this read model keeps the grants between them, so
"who is in Team Data" and "where does Per work" are one indexed read each.
"""

from __future__ import annotations

from typing import Any, ClassVar

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


class Rosters(Projection):
    name: ClassVar[str] = "rosters"
    tables: ClassVar[tuple[str, ...]] = ("rm_role_grants",)
    ddl: ClassVar[tuple[str, ...]] = (
        # A grant is one (member, role, unit) triple; the unit may be absent, and a key
        # with NULL in it would not stop a duplicate, so the triple is spelt into one key.
        "CREATE TABLE IF NOT EXISTS rm_role_grants (grant_key TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, member_id TEXT NOT NULL, role TEXT NOT NULL, "
        "unit_id TEXT, granted_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_role_grants_unit ON rm_role_grants (unit_id)",
        "CREATE INDEX IF NOT EXISTS rm_role_grants_member ON rm_role_grants (member_id)",
    )

    def on_RoleGranted(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_role_grants VALUES (:key, :org, :member, :role, :unit, :at) "
            "ON CONFLICT (grant_key) DO NOTHING",
            {
                "key": grant_key(e),
                "org": text(e.originator_id),
                "member": text(e.member_id),
                "role": e.role,
                "unit": text(e.unit_id),
                "at": e.timestamp.isoformat(),
            },
        )

    def on_RoleRevoked(self, sql: Sql, e: Any, position: int) -> None:
        sql.run("DELETE FROM rm_role_grants WHERE grant_key = :key", {"key": grant_key(e)})


def grant_key(e: Any) -> str:
    return f"{e.member_id}|{e.role}|{text(e.unit_id) or ''}"
