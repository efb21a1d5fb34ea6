"""Unit rosters: which member holds which role where, as granted and revoked.

A member belongs to a unit by holding a role in it (``member``, ``lead``, …); roles
granted organisation-wide (``admin``, an ambassador without a unit) have no unit. The
okr tree keeps members and units; this read model keeps the grants between them, so
"who is in Team Data" and "where does Per work" are one indexed read each.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    read_indexes: ClassVar[tuple[str, ...]] = ("rm_role_grants_unit", "rm_role_grants_member")

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # One read of the grants the batch touches, the grants and revocations applied in
        # memory, then one statement for the rows that go and one for those that come.
        events = [e for _, e in batch if type(e).__name__ in ("RoleGranted", "RoleRevoked")]
        if not events:
            return
        before: dict[str, dict[str, Any]] = {
            row[0]: dict(zip(_COLUMNS, row, strict=True))
            for row in sql.all_among(
                f"SELECT {', '.join(_COLUMNS)} FROM rm_role_grants WHERE grant_key {{among}}",
                {grant_key(e) for e in events},
            )
        }
        after: dict[str, dict[str, Any] | None] = dict(before)
        for e in events:
            key = grant_key(e)
            if type(e).__name__ == "RoleRevoked":
                after[key] = None
            elif after.get(key) is None:  # as ON CONFLICT DO NOTHING
                after[key] = _row(e)
        sql.many(
            "DELETE FROM rm_role_grants WHERE grant_key = :grant_key",
            [{"grant_key": k} for k, row in after.items() if row is None and k in before],
        )
        sql.insert_rows(
            "rm_role_grants",
            [row for k, row in after.items() if row is not None and row != before.get(k)],
            "ON CONFLICT (grant_key) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:]),
        )

    def on_RoleGranted(self, sql: Sql, e: Any, position: int) -> None:
        sql.insert_rows("rm_role_grants", [_row(e)], "ON CONFLICT (grant_key) DO NOTHING")

    def on_RoleRevoked(self, sql: Sql, e: Any, position: int) -> None:
        sql.run("DELETE FROM rm_role_grants WHERE grant_key = :key", {"key": grant_key(e)})


def grant_key(e: Any) -> str:
    return f"{e.member_id}|{e.role}|{text(e.unit_id) or ''}"


_COLUMNS = ("grant_key", "organization_id", "member_id", "role", "unit_id", "granted_at")


def _row(e: Any) -> dict[str, Any]:
    return {
        "grant_key": grant_key(e),
        "organization_id": text(e.originator_id),
        "member_id": text(e.member_id),
        "role": e.role,
        "unit_id": text(e.unit_id),
        "granted_at": e.timestamp.isoformat(),
    }
