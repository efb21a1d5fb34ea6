"""The reviews read model: per team and cycle, the facts a learning review is computed from.

A review replays what one unit recorded in one cycle: its team cycle and its objectives, in
log order (target changes, check-ins with their business and recorded times, drops with
reasons, closes and scores, reflections; its meetings' decisions and priorities). This
projection keeps exactly those events as compact rows keyed by organisation, cycle and unit
(``rm_review_facts``), so a review reads its own rows through an index instead of the log.
Each row holds the event's fields as the stored event holds them (plain JSON, ids as text; a
check-in keeps only the fields a review reads, not its comment and blockers), so the
review's replay is fed the same records on both paths (see
:mod:`okr_es.history.review_facts`). The findings are not stored: they depend on ``today``
and the policy, and are computed when asked.

``rm_review_teams`` says which units set OKRs in which cycle (the units an organisation-wide
review covers, and the earlier cycles the sandbagging streak looks back through);
``rm_review_cycles`` holds the organisation's cycles with their dates and labels;
``rm_review_streams`` maps each team cycle and objective to its team, so an event that does
not name its team (a check-in) lands in the right rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql

# What a review reads of a check-in (most of a cycle's events): comment and blockers not.
CHECK_IN_FIELDS = (
    "key_result_id",
    "value",
    "status",
    "confidence",
    "checked_in_at",
    "timestamp",
    "by",
)
_COLUMNS = frozenset({"originator_id", "originator_version"})
_encode = msgspec.json.Encoder().encode


class Reviews(Projection):
    name: ClassVar[str] = "reviews"
    tables: ClassVar[tuple[str, ...]] = (
        "rm_review_cycles",
        "rm_review_teams",
        "rm_review_streams",
        "rm_review_facts",
    )
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_review_cycles (cycle_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, label TEXT NOT NULL, start_date TEXT NOT NULL, "
        "end_date TEXT NOT NULL, position INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_review_cycles_org ON rm_review_cycles (organization_id)",
        "CREATE TABLE IF NOT EXISTS rm_review_teams (team_cycle_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, cycle_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
        "position INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_review_teams_org ON rm_review_teams "
        "(organization_id, unit_id)",
        "CREATE TABLE IF NOT EXISTS rm_review_streams (aggregate_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, cycle_id TEXT NOT NULL, unit_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_review_facts (position INTEGER PRIMARY KEY, "
        "organization_id TEXT NOT NULL, cycle_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
        "aggregate_id TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_review_facts_team ON rm_review_facts "
        "(cycle_id, unit_id, position)",
    )

    # --- cycles --------------------------------------------------------------------------

    def on_CycleDefined(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_review_cycles VALUES (:id, :org, :label, :start, :end, :position) "
            "ON CONFLICT (cycle_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "label": e.label,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "position": position,
            },
        )

    def on_CycleRenamed(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_review_cycles SET label = :label WHERE cycle_id = :id",
            {"label": e.label, "id": text(e.originator_id)},
        )

    # --- team cycles ---------------------------------------------------------------------

    def on_TeamCycleOpened(self, sql: Sql, e: Any, position: int) -> None:
        team = {
            "id": text(e.originator_id),
            "org": text(e.organization_id),
            "cycle": text(e.cycle_id),
            "unit": text(e.unit_id),
        }
        sql.run(
            "INSERT INTO rm_review_teams VALUES (:id, :org, :cycle, :unit, :position) "
            "ON CONFLICT (team_cycle_id) DO NOTHING",
            {**team, "position": position},
        )
        self._stream(sql, team)
        self._fact(sql, e, position)

    def on_ObjectiveCommitted(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_ObjectiveWithdrawn(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_ReflectionRecorded(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_TeamCycleClosed(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    # --- objectives ----------------------------------------------------------------------

    def on_ObjectiveSet(self, sql: Sql, e: Any, position: int) -> None:
        # An objective belongs to its unit's team cycle of its cycle for good.
        self._stream(
            sql,
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "cycle": text(e.cycle_id),
                "unit": text(e.unit_id),
            },
        )
        self._fact(sql, e, position)

    def on_ObjectiveReworded(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_OwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_ObjectiveAligned(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_KeyResultAdded(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_KeyResultAdjusted(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_KeyResultRemoved(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_KeyResultWeighted(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_RollUpModeChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        data = {name: getattr(e, name) for name in CHECK_IN_FIELDS}
        data["class_version"] = type(e).class_version
        self._insert(sql, e, position, _encode(data))

    def on_ObjectiveDropped(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_ObjectiveClosed(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_ObjectiveReopened(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    # --- meetings ------------------------------------------------------------------------

    def on_MeetingOpened(self, sql: Sql, e: Any, position: int) -> None:
        # A meeting belongs to its unit's cycle for good, like an objective.
        self._stream(
            sql,
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "cycle": text(e.cycle_id),
                "unit": text(e.unit_id),
            },
        )
        self._fact(sql, e, position)

    def on_DecisionRecorded(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_PriorityAgreed(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_PriorityCompleted(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)

    def on_MeetingClosed(self, sql: Sql, e: Any, position: int) -> None:
        self._fact(sql, e, position)
    # --- reminders -----------------------------------------------------------------------

    def on_ReminderSent(self, sql: Sql, e: Any, position: int) -> None:
        # A reminder names its team itself (it is in no team cycle's or objective's stream).
        data = {name: value for name, value in vars(e).items() if name not in _COLUMNS}
        sql.run(
            "INSERT INTO rm_review_facts (position, organization_id, cycle_id, unit_id, "
            "aggregate_id, kind, data) VALUES (:position, :org, :cycle, :unit, :id, :kind, "
            ":data) ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "org": text(e.organization_id),
                "cycle": text(e.cycle_id),
                "unit": text(e.unit_id),
                "id": text(e.originator_id),
                "kind": type(e).__name__,
                "data": _encode(data).decode(),
            },
        )

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _stream(sql: Sql, team: dict[str, Any]) -> None:
        sql.run(
            "INSERT INTO rm_review_streams VALUES (:id, :org, :cycle, :unit) "
            "ON CONFLICT (aggregate_id) DO NOTHING",
            team,
        )

    def _fact(self, sql: Sql, e: Any, position: int) -> None:
        """The event's fields as its stored state holds them (what a review replays)."""
        data = {name: value for name, value in vars(e).items() if name not in _COLUMNS}
        version = getattr(type(e), "class_version", 1)
        if version > 1:
            data["class_version"] = version
        self._insert(sql, e, position, _encode(data))

    @staticmethod
    def _insert(sql: Sql, e: Any, position: int, data: bytes) -> None:
        # Keyed by log position: re-applying the same event cannot add a row twice. The
        # team comes from the aggregate's stream (a team cycle or objective seen before).
        sql.run(
            "INSERT INTO rm_review_facts (position, organization_id, cycle_id, unit_id, "
            "aggregate_id, kind, data) SELECT :position, organization_id, cycle_id, unit_id, "
            "aggregate_id, :kind, :data FROM rm_review_streams WHERE aggregate_id = :id "
            "ON CONFLICT (position) DO NOTHING",
            {
                "position": position,
                "kind": type(e).__name__,
                "data": data.decode(),
                "id": text(e.originator_id),
            },
        )
