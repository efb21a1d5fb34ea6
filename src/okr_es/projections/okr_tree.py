"""The OKR tree: organisations → units → objectives → key results, as they stand now.

Dashboards read this: each key result's current value, progress and reported status, and
each objective's owner, status and mean progress. Time-dependent judgements (expected
pace, staleness) are derived at read time from these rows and the cycle's dates.

An objective's closing note (``status_reason``) keeps who wrote it and at which log
position (``note_by``, ``note_position``; NULL for a drop's or reopening's reason, which
is never sealed), so that erasing the member blanks it where the organisation sealed free
texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from okr_es.aggregates.key_result import progress
from okr_es.aggregates.personal_data import ERASED, ERASED_EMAIL
from okr_es.projections.base import Projection, columns, id_text, text
from okr_es.projections.erasure import blank_sealed
from okr_es.projections.sql import Sql


class OkrTree(Projection):
    name: ClassVar[str] = "okr_tree"
    tables: ClassVar[tuple[str, ...]] = (
        "rm_organizations",
        "rm_units",
        "rm_members",
        "rm_cycles",
        "rm_objectives",
        "rm_key_results",
    )
    read_indexes: ClassVar[tuple[str, ...]] = (
        "rm_units_org",
        "rm_objectives_unit_cycle",
        "rm_objectives_aligned",
        "rm_objectives_cycle",
        "rm_objectives_org_updated",
    )
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_organizations (organization_id TEXT PRIMARY KEY, "
        "name TEXT NOT NULL, root_unit_id TEXT NOT NULL, max_objectives INTEGER NOT NULL, "
        "min_key_results INTEGER NOT NULL, max_key_results INTEGER NOT NULL, "
        "warn_key_results_above INTEGER NOT NULL, policy_mode TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_units (unit_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, "
        "parent_id TEXT, archived INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS rm_units_org ON rm_units (organization_id)",
        "CREATE TABLE IF NOT EXISTS rm_members (member_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, "
        "active INTEGER NOT NULL DEFAULT 1)",
        "CREATE TABLE IF NOT EXISTS rm_cycles (cycle_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL, "
        "start_date TEXT NOT NULL, end_date TEXT NOT NULL, parent_id TEXT)",
        "CREATE TABLE IF NOT EXISTS rm_objectives (objective_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, unit_id TEXT NOT NULL, cycle_id TEXT NOT NULL, "
        "title TEXT NOT NULL, why TEXT NOT NULL, owner_id TEXT NOT NULL, "
        "status TEXT NOT NULL, status_reason TEXT NOT NULL, aligned_to_objective_id TEXT, "
        "aligned_to_key_result_id TEXT, carried_over_from TEXT, "
        "carry_over_reason TEXT NOT NULL, progress FLOAT NOT NULL, set_at TEXT NOT NULL, "
        "effective_at TEXT, updated_at TEXT NOT NULL, version INTEGER NOT NULL, "
        "roll_up_mode TEXT NOT NULL DEFAULT 'key_results', note_by TEXT, note_position INTEGER)",
        "CREATE INDEX IF NOT EXISTS rm_objectives_unit_cycle ON rm_objectives (unit_id, cycle_id)",
        # For roll-up reads: the objectives aligned to one, and a cycle's objectives.
        "CREATE INDEX IF NOT EXISTS rm_objectives_aligned ON rm_objectives "
        "(aligned_to_objective_id)",
        "CREATE INDEX IF NOT EXISTS rm_objectives_cycle ON rm_objectives (cycle_id)",
        # For the objectives filter's updatedSince and a saved view's recently-updated sort.
        "CREATE INDEX IF NOT EXISTS rm_objectives_org_updated ON rm_objectives "
        "(organization_id, updated_at)",
        "CREATE TABLE IF NOT EXISTS rm_key_results (key_result_id TEXT PRIMARY KEY, "
        "objective_id TEXT NOT NULL, ordinal INTEGER NOT NULL, title TEXT NOT NULL, "
        "metric TEXT NOT NULL, start_value FLOAT, target FLOAT, unit TEXT NOT NULL, "
        "current_value FLOAT, progress FLOAT NOT NULL, reported_status TEXT, "
        "last_check_in_at TEXT, check_in_count INTEGER NOT NULL, removed INTEGER NOT NULL, "
        "score FLOAT, weight FLOAT NOT NULL DEFAULT 1)",
        "CREATE INDEX IF NOT EXISTS rm_key_results_objective ON rm_key_results (objective_id)",
    )

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # Objectives set, key results added and check-ins are most of the log: a run of
        # them is applied in memory and written with a few statements (see _Run); any
        # other event this projection handles first writes the run out, so every handler
        # below reads and writes the tables as they stand in log order.
        run: list[tuple[int, Any]] = []
        for position, event in batch:
            kind = type(event).__name__
            if kind in _Run.KINDS:
                run.append((position, event))
            elif hasattr(self, "on_" + kind):
                _Run.apply(sql, run)
                run = []
                self.apply(sql, event, position)
        _Run.apply(sql, run)

    # --- organisation --------------------------------------------------------------------

    def on_OrganizationRegistered(self, sql: Sql, e: Any, position: int) -> None:
        org = text(e.originator_id)
        sql.run(
            "INSERT INTO rm_organizations VALUES (:org, :name, :root, 3, 2, 5, 3, 'enforce') "
            "ON CONFLICT (organization_id) DO NOTHING",
            {"org": org, "name": e.name, "root": text(e.root_unit_id)},
        )
        self._unit(sql, org, e.root_unit_id, e.name, "organisation", None)

    def on_UnitAdded(self, sql: Sql, e: Any, position: int) -> None:
        self._unit(sql, text(e.originator_id), e.unit_id, e.name, e.kind, e.parent_id)

    def on_UnitRenamed(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_units SET name = :name WHERE unit_id = :id",
            {"name": e.name, "id": text(e.unit_id)},
        )

    def on_UnitMoved(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_units SET parent_id = :parent WHERE unit_id = :id",
            {"parent": text(e.parent_id), "id": text(e.unit_id)},
        )

    def on_UnitArchived(self, sql: Sql, e: Any, position: int) -> None:
        sql.run("UPDATE rm_units SET archived = 1 WHERE unit_id = :id", {"id": text(e.unit_id)})

    def on_MemberAdded(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_members (member_id, organization_id, name, email) "
            "VALUES (:id, :org, :name, :email) "
            "ON CONFLICT (member_id) DO UPDATE SET name = :name, email = :email",
            {
                "id": text(e.member_id),
                "org": text(e.originator_id),
                "name": e.name,
                "email": e.email,
            },
        )

    def on_MemberRenamed(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_members SET name = :name WHERE member_id = :id",
            {"name": e.name, "id": text(e.member_id)},
        )

    def on_MemberEmailChanged(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_members SET email = :email WHERE member_id = :id",
            {"email": e.email, "id": text(e.member_id)},
        )

    def on_MemberDeactivated(self, sql: Sql, e: Any, position: int) -> None:
        sql.run("UPDATE rm_members SET active = 0 WHERE member_id = :id", {"id": text(e.member_id)})

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_members SET name = :name, email = :email, active = 0 WHERE member_id = :id",
            {"name": ERASED, "email": ERASED_EMAIL, "id": text(e.member_id)},
        )
        blank_sealed(sql, e, position, "rm_objectives", "status_reason", "note_by", "note_position")

    def on_MemberReactivated(self, sql: Sql, e: Any, position: int) -> None:
        sql.run("UPDATE rm_members SET active = 1 WHERE member_id = :id", {"id": text(e.member_id)})

    def on_PolicyChanged(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_organizations SET max_objectives = :a, min_key_results = :b, "
            "max_key_results = :c, warn_key_results_above = :d, policy_mode = :m "
            "WHERE organization_id = :org",
            {
                "a": e.max_objectives,
                "b": e.min_key_results,
                "c": e.max_key_results,
                "d": e.warn_key_results_above,
                "m": e.mode,
                "org": text(e.originator_id),
            },
        )

    # --- cycles --------------------------------------------------------------------------

    def on_CycleDefined(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_cycles VALUES (:id, :org, :label, :kind, :start, :end, :parent) "
            "ON CONFLICT (cycle_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "label": e.label,
                "kind": e.kind,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "parent": text(e.parent_id),
            },
        )

    def on_CycleRenamed(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_cycles SET label = :label WHERE cycle_id = :id",
            {"label": e.label, "id": text(e.originator_id)},
        )

    def upgrade(self, sql: Sql) -> None:
        # Tables made before key results had weights and objectives roll-up modes get the
        # columns with their defaults, which is what every earlier event meant.
        exists = " IF NOT EXISTS" if sql.postgres else ""
        if "roll_up_mode" not in columns(sql, "rm_objectives"):
            sql.run(
                f"ALTER TABLE rm_objectives ADD COLUMN{exists} "
                "roll_up_mode TEXT NOT NULL DEFAULT 'key_results'"
            )
        if "weight" not in columns(sql, "rm_key_results"):
            sql.run(
                f"ALTER TABLE rm_key_results ADD COLUMN{exists} weight FLOAT NOT NULL DEFAULT 1"
            )
        if "active" not in columns(sql, "rm_members"):
            # Every member was active before members could be deactivated.
            sql.run(f"ALTER TABLE rm_members ADD COLUMN{exists} active INTEGER NOT NULL DEFAULT 1")
        # Closing notes projected before their authors were recorded have none (NULL):
        # only a rebuild blanks them when their author is erased.
        present = columns(sql, "rm_objectives")
        for column in ("note_by TEXT", "note_position INTEGER"):
            if column.split()[0] not in present:
                sql.run(f"ALTER TABLE rm_objectives ADD COLUMN{exists} {column}")

    # --- objectives ----------------------------------------------------------------------

    def on_ObjectiveSet(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(INSERT_OBJECTIVE, _objective_row(e))

    def on_ObjectiveReworded(self, sql: Sql, e: Any, position: int) -> None:
        self._objective(sql, e, title=e.title, why=e.why)

    def on_OwnerChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._objective(sql, e, owner_id=text(e.owner_id))

    def on_ObjectiveAligned(self, sql: Sql, e: Any, position: int) -> None:
        self._objective(
            sql,
            e,
            aligned_to_objective_id=text(e.objective_id),
            aligned_to_key_result_id=text(e.key_result_id),
        )

    def on_ObjectiveDropped(self, sql: Sql, e: Any, position: int) -> None:
        self._objective(
            sql, e, status="dropped", status_reason=e.reason, note_by=None, note_position=None
        )

    def on_ObjectiveClosed(self, sql: Sql, e: Any, position: int) -> None:
        for kr_id, score in e.scores.items():
            sql.run(
                "UPDATE rm_key_results SET score = :score WHERE key_result_id = :id",
                {"score": score, "id": text(kr_id)},
            )
        self._objective(
            sql,
            e,
            status="closed",
            status_reason=e.note,
            note_by=text(e.by),
            note_position=position,
        )

    def on_ObjectiveReopened(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_key_results SET score = NULL WHERE objective_id = :id",
            {"id": text(e.originator_id)},
        )
        self._objective(
            sql, e, status="active", status_reason=e.reason, note_by=None, note_position=None
        )

    # --- key results ---------------------------------------------------------------------

    def on_KeyResultAdded(self, sql: Sql, e: Any, position: int) -> None:
        objective = text(e.originator_id)
        row = sql.one(
            "SELECT COUNT(*) FROM rm_key_results WHERE objective_id = :id", {"id": objective}
        )
        sql.run(
            "INSERT INTO rm_key_results VALUES (:id, :objective, :ordinal, :title, :metric, "
            ":start, :target, :unit, NULL, 0, NULL, NULL, 0, 0, NULL, 1) "
            "ON CONFLICT (key_result_id) DO NOTHING",
            {
                "id": text(e.key_result_id),
                "objective": objective,
                "ordinal": row[0] if row else 0,
                "title": e.title,
                "metric": e.metric,
                "start": e.start,
                "target": e.target,
                "unit": e.unit,
            },
        )
        self._objective(sql, e)

    def on_KeyResultAdjusted(self, sql: Sql, e: Any, position: int) -> None:
        row = sql.one(
            "SELECT metric, current_value FROM rm_key_results WHERE key_result_id = :id",
            {"id": text(e.key_result_id)},
        )
        metric, current = row if row else ("increase", None)
        sql.run(
            "UPDATE rm_key_results SET title = :title, start_value = :start, target = :target, "
            "unit = :unit, progress = :progress WHERE key_result_id = :id",
            {
                "title": e.title,
                "start": e.start,
                "target": e.target,
                "unit": e.unit,
                "progress": progress(metric, e.start, e.target, current),
                "id": text(e.key_result_id),
            },
        )
        self._objective(sql, e)

    def on_KeyResultRemoved(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_key_results SET removed = 1 WHERE key_result_id = :id",
            {"id": text(e.key_result_id)},
        )
        self._objective(sql, e)

    def on_KeyResultWeighted(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "UPDATE rm_key_results SET weight = :weight WHERE key_result_id = :id",
            {"weight": e.weight, "id": text(e.key_result_id)},
        )
        self._objective(sql, e)

    def on_RollUpModeChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._objective(sql, e, roll_up_mode=e.mode)

    def on_CheckInMade(self, sql: Sql, e: Any, position: int) -> None:
        row = sql.one(
            "SELECT metric, start_value, target, last_check_in_at FROM rm_key_results "
            "WHERE key_result_id = :id",
            {"id": text(e.key_result_id)},
        )
        if row is None:
            return
        metric, start, target, latest = row
        if latest is not None and e.checked_in_at < datetime.fromisoformat(latest):
            # Back-dated: counted, but the current value is the latest in business time.
            sql.run(
                "UPDATE rm_key_results SET check_in_count = check_in_count + 1 "
                "WHERE key_result_id = :id",
                {"id": text(e.key_result_id)},
            )
            self._objective(sql, e)
            return
        sql.run(
            "UPDATE rm_key_results SET current_value = :value, progress = :progress, "
            "reported_status = :status, last_check_in_at = :at, "
            "check_in_count = check_in_count + 1 WHERE key_result_id = :id",
            {
                "value": e.value,
                "progress": progress(metric, start, target, e.value),
                "status": e.status,
                "at": e.checked_in_at.isoformat(),
                "id": text(e.key_result_id),
            },
        )
        self._objective(sql, e)

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _unit(sql: Sql, org: str | None, unit_id: Any, name: str, kind: str, parent: Any) -> None:
        sql.run(
            "INSERT INTO rm_units VALUES (:id, :org, :name, :kind, :parent, 0) "
            "ON CONFLICT (unit_id) DO NOTHING",
            {"id": text(unit_id), "org": org, "name": name, "kind": kind, "parent": text(parent)},
        )

    @staticmethod
    def _objective(sql: Sql, e: Any, **changes: Any) -> None:
        """Apply column changes, refresh mean progress, and stamp version and time."""
        assignments = "".join(f"{column} = :{column}, " for column in changes)
        sql.run(
            f"UPDATE rm_objectives SET {assignments}"
            "progress = COALESCE((SELECT AVG(progress) FROM rm_key_results k "
            "WHERE k.objective_id = :id AND k.removed = 0), 0), "
            "updated_at = :at, version = :version WHERE objective_id = :id",
            {
                **changes,
                "id": text(e.originator_id),
                "at": e.timestamp.isoformat(),
                "version": e.originator_version,
            },
        )


INSERT_OBJECTIVE = (
    "INSERT INTO rm_objectives VALUES (:id, :org, :unit, :cycle, :title, :why, :owner, "
    "'active', '', :aligned_o, :aligned_kr, :carried, :carry_reason, 0, :at, "
    ":effective, :at, :version, 'key_results', NULL, NULL) ON CONFLICT (objective_id) DO NOTHING"
)


def _objective_row(e: Any) -> dict[str, Any]:
    return {
        "id": text(e.originator_id),
        "org": text(e.organization_id),
        "unit": text(e.unit_id),
        "cycle": text(e.cycle_id),
        "title": e.title,
        "why": e.why,
        "owner": text(e.owner_id),
        "aligned_o": text(e.aligned_to_objective_id),
        "aligned_kr": text(e.aligned_to_key_result_id),
        "carried": text(e.carried_over_from),
        "carry_reason": e.carry_over_reason,
        "at": e.timestamp.isoformat(),
        "effective": None if e.effective_at is None else e.effective_at.isoformat(),
        "version": e.originator_version,
    }


@dataclass
class _KeyResult:
    """What a check-in reads and changes of a key result's row."""

    metric: str
    start: float | None
    target: float | None
    latest: datetime | None
    value: float | None
    progress: float
    status: str | None
    count: int


@dataclass
class _Run:
    """A run of objectives set, key results added and check-ins: one read of the key
    results checked in and of how many key results each objective has, changes in memory,
    then one statement per kind of write (statements per run, not per event), leaving the
    rows as the handlers would, event by event."""

    KINDS: ClassVar[frozenset[str]] = frozenset(
        {"ObjectiveSet", "KeyResultAdded", "CheckInMade", "ObjectiveClosed"}
    )

    key_results: dict[str, _KeyResult | None]
    counts: dict[str, int]
    objectives_set: list[dict[str, Any]] = field(default_factory=list)
    added: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    objectives: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    # Per objective closed: its note, who wrote it and at which position.
    closed: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    @classmethod
    def apply(cls, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        if not batch:
            return
        of_kind: dict[str, list[Any]] = {kind: [] for kind in cls.KINDS}
        for _, e in batch:
            of_kind[type(e).__name__].append(e)
        new_objectives = {id_text(e.originator_id) for e in of_kind["ObjectiveSet"]}
        adding = of_kind["KeyResultAdded"]
        new_key_results = {id_text(e.key_result_id) for e in adding}
        checked = {id_text(e.key_result_id) for e in of_kind["CheckInMade"]} - new_key_results
        known: dict[str, _KeyResult | None] = dict.fromkeys(checked)
        for kr_id, metric, start, target, latest, value, done, status, count in sql.all_among(
            "SELECT key_result_id, metric, start_value, target, last_check_in_at, "
            "current_value, progress, reported_status, check_in_count FROM rm_key_results "
            "WHERE key_result_id {among}",
            checked,
        ):
            at = None if latest is None else datetime.fromisoformat(latest)
            known[kr_id] = _KeyResult(metric, start, target, at, value, done, status, count)
        # A key result's ordinal is how many its objective had before it.
        counts: dict[str, int] = dict(
            sql.all_among(
                "SELECT objective_id, COUNT(*) FROM rm_key_results "
                "WHERE objective_id {among} GROUP BY objective_id",
                {id_text(e.originator_id) for e in adding} - new_objectives,
            )
        )
        run = cls(known, counts)
        for position, e in batch:
            kind = type(e).__name__
            if kind == "CheckInMade":
                run.check_in(e)
            elif kind == "KeyResultAdded":
                run.add_key_result(e)
            elif kind == "ObjectiveClosed":
                run.close(e, position)
            else:
                run.objectives_set.append(_objective_row(e))
        run.write(sql)

    def add_key_result(self, e: Any) -> None:
        objective, kr_id = id_text(e.originator_id), id_text(e.key_result_id)
        ordinal = self.counts.get(objective, 0)
        self.counts[objective] = ordinal + 1
        self.key_results[kr_id] = _KeyResult(e.metric, e.start, e.target, None, None, 0, None, 0)
        self.added[kr_id] = {
            "id": kr_id,
            "objective": objective,
            "ordinal": ordinal,
            "title": e.title,
            "metric": e.metric,
            "start": e.start,
            "target": e.target,
            "unit": e.unit,
        }
        self.objectives[objective] = (e.timestamp, e.originator_version)

    def close(self, e: Any, position: int) -> None:
        for kr_id, score in e.scores.items():
            self.scores[str(text(kr_id))] = score
        objective = id_text(e.originator_id)
        self.closed[objective] = (e.note, id_text(e.by), position)
        self.objectives[objective] = (e.timestamp, e.originator_version)

    def check_in(self, e: Any) -> None:
        kr_id = id_text(e.key_result_id)
        kr = self.key_results.get(kr_id)
        if kr is None:
            return
        kr.count += 1
        # Back-dated: counted, but the current value is the latest in business time.
        if kr.latest is None or e.checked_in_at >= kr.latest:
            kr.value, kr.status, kr.latest = e.value, e.status, e.checked_in_at
            kr.progress = progress(kr.metric, kr.start, kr.target, e.value)
        self.changed.add(kr_id)
        self.objectives[id_text(e.originator_id)] = (e.timestamp, e.originator_version)

    def write(self, sql: Sql) -> None:
        sql.many(INSERT_OBJECTIVE, self.objectives_set)
        sql.many(
            "INSERT INTO rm_key_results VALUES (:id, :objective, :ordinal, :title, :metric, "
            ":start, :target, :unit, :value, :progress, :status, :at, :count, 0, NULL, 1) "
            "ON CONFLICT (key_result_id) DO NOTHING",
            [{**row, **self._state(kr_id)} for kr_id, row in self.added.items()],
        )
        changed = []
        for kr_id in self.changed - self.added.keys():
            state = self._state(kr_id)
            changed.append(
                {
                    "key_result_id": kr_id,
                    "current_value": state["value"],
                    "progress": state["progress"],
                    "reported_status": state["status"],
                    "last_check_in_at": state["at"],
                    "check_in_count": state["count"],
                }
            )
        sql.update_rows("rm_key_results", "key_result_id", changed)
        sql.update_rows(
            "rm_key_results",
            "key_result_id",
            [{"key_result_id": kr_id, "score": score} for kr_id, score in self.scores.items()],
        )
        sql.update_rows(
            "rm_objectives",
            "objective_id",
            [
                {
                    "objective_id": objective,
                    "status": "closed",
                    "status_reason": note,
                    "note_by": by,
                    "note_position": at,
                }
                for objective, (note, by, at) in self.closed.items()
            ],
        )
        sql.update_rows(
            "rm_objectives",
            "objective_id",
            [
                {"objective_id": objective, "updated_at": at.isoformat(), "version": version}
                for objective, (at, version) in self.objectives.items()
            ],
            extra="progress = COALESCE((SELECT AVG(k.progress) FROM rm_key_results k "
            "WHERE k.objective_id = t.objective_id AND k.removed = 0), 0)",
        )

    def _state(self, kr_id: str) -> dict[str, Any]:
        kr = self.key_results[kr_id]
        assert kr is not None
        return {
            "value": kr.value,
            "progress": kr.progress,
            "status": kr.status,
            "at": None if kr.latest is None else kr.latest.isoformat(),
            "count": kr.count,
        }
