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

from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec

from okr_es.aggregates.personal_data import ERASED
from okr_es.projections.base import Projection, id_text, text
from okr_es.projections.erasure import FREE_TEXTS, sealed_periods
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
    # The handlers find streams and cycles by their keys; these serve the reviews.
    read_indexes: ClassVar[tuple[str, ...]] = (
        "rm_review_cycles_org",
        "rm_review_teams_org",
        "rm_review_facts_team",
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

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # A review's rows are mostly facts (check-ins above all): the batch is applied in
        # memory (see _Batch) and written with one statement per table, leaving the rows
        # the handlers below leave, event by event.
        events = [(p, e) for p, e in batch if type(e).__name__ in _HANDLED]
        if events:
            _Batch.load(sql, events).write(sql)
        # After the batch's facts are written, so an erasure finds them all.
        for position, e in events:
            if type(e).__name__ == "MemberErased":
                self.on_MemberErased(sql, e, position)

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

    # --- erasure -------------------------------------------------------------------------

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        """The free texts the member wrote while they were sealed read as the placeholder
        (as the review replayed from the log reads them)."""
        member = str(e.member_id)
        changed = []
        for start, end in sealed_periods(e, position):
            for at, kind, data in sql.all(
                "SELECT position, kind, data FROM rm_review_facts "
                "WHERE position >= :start AND position < :end",
                {"start": start, "end": end},
            ):
                fields = FREE_TEXTS.get(kind)
                if not fields:
                    continue
                fact = msgspec.json.decode(data)
                if fact.get("by") != member:
                    continue
                for field in fields:
                    if fact.get(field):
                        fact[field] = ERASED
                changed.append({"position": at, "data": _encode(fact).decode()})
        sql.many("UPDATE rm_review_facts SET data = :data WHERE position = :position", changed)

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


# The events this projection keeps something of (every on_<Event> handler above).
_HANDLED = frozenset(name[3:] for name in vars(Reviews) if name.startswith("on_"))
# Events that open a stream: what follows on their aggregate belongs to their team's cycle.
_STREAM_OPENERS = frozenset({"TeamCycleOpened", "ObjectiveSet", "MeetingOpened"})


class _Batch:
    """A batch of the reviews read model in memory: the streams and cycles it touches, read
    with one statement each, and the rows it adds or changes, written with one each."""

    def __init__(
        self, streams: dict[str, tuple[str, str, str]], cycles: dict[str, dict[str, Any]]
    ) -> None:
        # Aggregate id -> (organisation, cycle, unit) of its team, as rm_review_streams.
        self.streams = streams
        self.cycles = cycles  # rm_review_cycles rows the batch touches, by cycle id
        self.changed_cycles: dict[str, None] = {}
        self.teams: list[dict[str, Any]] = []
        self.new_streams: list[dict[str, Any]] = []
        self.facts: list[dict[str, Any]] = []

    @classmethod
    def load(cls, sql: Sql, events: Sequence[tuple[int, Any]]) -> _Batch:
        ids = {id_text(e.originator_id) for _, e in events}
        streams = {
            row[0]: (row[1], row[2], row[3])
            for row in sql.all_among(
                "SELECT aggregate_id, organization_id, cycle_id, unit_id FROM rm_review_streams "
                "WHERE aggregate_id {among}",
                ids,
            )
        }
        cycle_ids = {
            str(e.originator_id) for _, e in events if type(e).__name__.startswith("Cycle")
        }
        cycles = {
            row[0]: dict(zip(_CYCLE_COLUMNS, row, strict=True))
            for row in sql.all_among(
                f"SELECT {', '.join(_CYCLE_COLUMNS)} FROM rm_review_cycles "
                "WHERE cycle_id {among}",
                cycle_ids,
            )
        }
        batch = cls(streams, cycles)
        for position, e in events:
            batch.apply(position, e)
        return batch

    def apply(self, position: int, e: Any) -> None:
        kind = type(e).__name__
        if kind == "CycleDefined":
            cycle = str(text(e.originator_id))
            if cycle not in self.cycles:  # as ON CONFLICT DO NOTHING
                self.cycles[cycle] = {
                    "cycle_id": cycle,
                    "organization_id": text(e.organization_id),
                    "label": e.label,
                    "start_date": e.start.isoformat(),
                    "end_date": e.end.isoformat(),
                    "position": position,
                }
                self.changed_cycles[cycle] = None
            return
        if kind == "CycleRenamed":
            row = self.cycles.get(str(text(e.originator_id)))
            if row is not None:  # as an UPDATE that finds no row
                row["label"] = e.label
                self.changed_cycles[row["cycle_id"]] = None
            return
        aggregate = str(text(e.originator_id))
        if kind == "ReminderSent":  # names its team itself, as on_ReminderSent
            data = {name: value for name, value in vars(e).items() if name not in _COLUMNS}
            self.facts.append(
                {
                    "position": position,
                    "organization_id": text(e.organization_id),
                    "cycle_id": text(e.cycle_id),
                    "unit_id": text(e.unit_id),
                    "aggregate_id": aggregate,
                    "kind": kind,
                    "data": _encode(data).decode(),
                }
            )
            return
        if kind in _STREAM_OPENERS and aggregate not in self.streams:
            team = (text(e.organization_id), text(e.cycle_id), text(e.unit_id))
            self.streams[aggregate] = team  # type: ignore[assignment]
            row = dict(zip(_STREAM_COLUMNS, (aggregate, *team), strict=True))
            self.new_streams.append(row)
            if kind == "TeamCycleOpened":
                self.teams.append({**row, "position": position})
        stream = self.streams.get(aggregate)
        if stream is None:
            return  # as the handlers' INSERT … SELECT that finds no stream
        if kind == "CheckInMade":
            data = {name: getattr(e, name) for name in CHECK_IN_FIELDS}
            data["class_version"] = type(e).class_version
        else:
            data = {name: value for name, value in vars(e).items() if name not in _COLUMNS}
            version = getattr(type(e), "class_version", 1)
            if version > 1:
                data["class_version"] = version
        organization, cycle, unit = stream
        self.facts.append(
            {
                "position": position,
                "organization_id": organization,
                "cycle_id": cycle,
                "unit_id": unit,
                "aggregate_id": aggregate,
                "kind": kind,
                "data": _encode(data).decode(),
            }
        )

    def write(self, sql: Sql) -> None:
        sql.insert_rows(
            "rm_review_cycles",
            [self.cycles[c] for c in self.changed_cycles],
            "ON CONFLICT (cycle_id) DO UPDATE SET label = excluded.label",
        )
        sql.insert_rows(
            "rm_review_teams",
            [
                {
                    "team_cycle_id": t["aggregate_id"],
                    "organization_id": t["organization_id"],
                    "cycle_id": t["cycle_id"],
                    "unit_id": t["unit_id"],
                    "position": t["position"],
                }
                for t in self.teams
            ],
            "ON CONFLICT (team_cycle_id) DO NOTHING",
        )
        sql.insert_rows(
            "rm_review_streams", self.new_streams, "ON CONFLICT (aggregate_id) DO NOTHING"
        )
        sql.insert_rows("rm_review_facts", self.facts, "ON CONFLICT (position) DO NOTHING")


_CYCLE_COLUMNS = ("cycle_id", "organization_id", "label", "start_date", "end_date", "position")
_STREAM_COLUMNS = ("aggregate_id", "organization_id", "cycle_id", "unit_id")
