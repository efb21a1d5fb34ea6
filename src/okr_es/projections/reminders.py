"""The reminders read model: each organisation's reminder policies and the reminders sent.

``rm_reminder_settings`` maps a settings aggregate to its organisation (its later events do
not name it); ``rm_reminder_policies`` holds the organisation's default (``unit_id`` '')
and each unit's own policy as JSON; ``rm_reminders_sent`` one row per ``ReminderSent``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql

DEFAULT_UNIT = ""
_encode = msgspec.json.Encoder().encode


class Reminders(Projection):
    name: ClassVar[str] = "reminders"
    tables: ClassVar[tuple[str, ...]] = (
        "rm_reminder_settings",
        "rm_reminder_policies",
        "rm_reminders_sent",
    )
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_reminder_settings (settings_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_reminder_policies (organization_id TEXT NOT NULL, "
        "unit_id TEXT NOT NULL, policy TEXT NOT NULL, position INTEGER NOT NULL, "
        "PRIMARY KEY (organization_id, unit_id))",
        "CREATE TABLE IF NOT EXISTS rm_reminders_sent (position INTEGER PRIMARY KEY, "
        "reminder_id TEXT NOT NULL, organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
        "member_id TEXT NOT NULL, cycle_id TEXT NOT NULL, period TEXT NOT NULL, "
        "due_at TEXT NOT NULL, key_result_ids TEXT NOT NULL, escalated INTEGER NOT NULL, "
        "escalated_to TEXT NOT NULL, missed_periods INTEGER NOT NULL, "
        "recorded_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_reminders_sent_unit ON rm_reminders_sent "
        "(organization_id, unit_id, period)",
    )

    def on_ReminderSettingsStarted(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_reminder_settings VALUES (:id, :org) "
            "ON CONFLICT (settings_id) DO NOTHING",
            {"id": text(e.originator_id), "org": text(e.organization_id)},
        )

    def on_ReminderDefaultChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._policy(sql, e, DEFAULT_UNIT, position)

    def on_UnitReminderPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        self._policy(sql, e, text(e.unit_id) or DEFAULT_UNIT, position)

    def on_UnitReminderPolicyCleared(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "DELETE FROM rm_reminder_policies WHERE unit_id = :unit AND organization_id = "
            "(SELECT organization_id FROM rm_reminder_settings WHERE settings_id = :id)",
            {"unit": text(e.unit_id), "id": text(e.originator_id)},
        )

    def on_ReminderSent(self, sql: Sql, e: Any, position: int) -> None:
        # Keyed by log position: re-applying the same event cannot add a row twice.
        sql.run(
            "INSERT INTO rm_reminders_sent VALUES (:position, :id, :org, :unit, :member, "
            ":cycle, :period, :due_at, :krs, :escalated, :escalated_to, :missed, :at) "
            "ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "unit": text(e.unit_id),
                "member": text(e.member_id),
                "cycle": text(e.cycle_id),
                "period": e.period.isoformat(),
                "due_at": e.due_at.isoformat(),
                "krs": _encode(e.key_result_ids).decode(),
                "escalated": int(e.escalated),
                "escalated_to": _encode(e.escalated_to).decode(),
                "missed": e.missed_periods,
                "at": e.timestamp.isoformat(),
            },
        )

    @staticmethod
    def _policy(sql: Sql, e: Any, unit: str, position: int) -> None:
        sql.run(
            "INSERT INTO rm_reminder_policies (organization_id, unit_id, policy, position) "
            "SELECT organization_id, :unit, :policy, :position FROM rm_reminder_settings "
            "WHERE settings_id = :id ON CONFLICT (organization_id, unit_id) DO UPDATE SET "
            "policy = excluded.policy, position = excluded.position",
            {
                "unit": unit,
                "policy": _encode(e.policy).decode(),
                "position": position,
                "id": text(e.originator_id),
            },
        )
