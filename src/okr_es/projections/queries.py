"""Read-side queries: what the read API asks the read-model tables, one statement each.

Every function takes the views (a :class:`~okr_es.projections.recorder.ViewRecorder` or
anything with its ``query(sql, params)``) and the reader's organisation id, and never
returns a row of another organisation. Functions named ``…_by_…`` take many keys at once
(for per-request batch loaders), so a page of fifty objectives costs one statement per
kind of row, not one per row. Rows are returned as small frozen structs.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import msgspec

from okr_es.projections import objective_filters as filters


class Views(Protocol):
    def query(
        self, statement: str, params: dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]: ...


class OrganizationRow(msgspec.Struct, frozen=True):
    organization_id: str
    name: str
    root_unit_id: str
    max_objectives: int
    min_key_results: int
    max_key_results: int
    warn_key_results_above: int
    policy_mode: str


class UnitRow(msgspec.Struct, frozen=True):
    unit_id: str
    organization_id: str
    name: str
    kind: str
    parent_id: str | None
    archived: int


class MemberRow(msgspec.Struct, frozen=True):
    member_id: str
    organization_id: str
    name: str
    email: str
    active: bool = True


class CycleRow(msgspec.Struct, frozen=True):
    cycle_id: str
    organization_id: str
    label: str
    kind: str
    start_date: str
    end_date: str
    parent_id: str | None


class ObjectiveRow(msgspec.Struct, frozen=True):
    objective_id: str
    organization_id: str
    unit_id: str
    cycle_id: str
    title: str
    why: str
    owner_id: str
    status: str
    status_reason: str
    aligned_to_objective_id: str | None
    aligned_to_key_result_id: str | None
    carried_over_from: str | None
    carry_over_reason: str
    progress: float
    set_at: str
    effective_at: str | None
    updated_at: str
    version: int
    roll_up_mode: str = "key_results"


class KeyResultRow(msgspec.Struct, frozen=True):
    key_result_id: str
    objective_id: str
    ordinal: int
    title: str
    metric: str
    start_value: float | None
    target: float | None
    unit: str
    current_value: float | None
    progress: float
    reported_status: str | None
    last_check_in_at: str | None
    check_in_count: int
    removed: int
    score: float | None
    weight: float = 1.0


class CheckInRow(msgspec.Struct, frozen=True):
    position: int
    key_result_id: str
    objective_id: str
    value: float
    status: str
    comment: str
    blockers: str
    checked_in_at: str
    recorded_at: str
    by_member: str
    confidence: int | None


class TimelineRow(msgspec.Struct, frozen=True):
    position: int
    organization_id: str
    unit_id: str | None
    cycle_id: str | None
    aggregate_id: str
    aggregate_type: str
    event_type: str
    by_member: str | None
    by_name: str | None
    recorded_at: str
    effective_at: str | None
    language: str | None
    sentence: str
    objective_id: str | None
    key_result_id: str | None


class KpiRow(msgspec.Struct, frozen=True):
    kpi_id: str
    organization_id: str
    unit_id: str
    name: str
    unit: str
    lower: float | None
    upper: float | None
    value: float | None
    measured_at: str | None
    healthy: int | None
    retired: int
    graduated_from_objective_id: str | None
    graduated_from_key_result_id: str | None
    updated_at: str


class KpiMeasurementRow(msgspec.Struct, frozen=True):
    position: int
    kpi_id: str
    value: float
    measured_at: str
    healthy: int | None


class InitiativeRow(msgspec.Struct, frozen=True):
    initiative_id: str
    organization_id: str
    unit_id: str
    title: str
    owner_id: str
    status: str
    percent_complete: float
    status_note: str
    started_at: str
    updated_at: str
    version: int
    due_on: str | None = None


class InitiativeLinkRow(msgspec.Struct, frozen=True):
    initiative_id: str
    key_result_id: str
    objective_id: str
    ordinal: int


class RoleGrantRow(msgspec.Struct, frozen=True):
    member_id: str
    role: str
    unit_id: str | None
    granted_at: str


class HypothesisRow(msgspec.Struct, frozen=True):
    objective_id: str
    hypothesis: str


class InitiativeFilter(msgspec.Struct, frozen=True, kw_only=True):
    unit_id: str | None = None
    include_descendants: bool = False
    cycle_id: str | None = None
    owner_id: str | None = None
    status: str | None = None


class ObjectiveFilter(msgspec.Struct, frozen=True, kw_only=True):
    unit_id: str | None = None
    include_descendants: bool = False
    cycle_id: str | None = None
    owner_id: str | None = None
    status: str | None = None
    level: str | None = None
    # Judged on ``today`` (see projections.objective_filters for each rule).
    stale: bool | None = None
    stale_after_days: int = 21
    reported_status: str | None = None
    derived_status: str | None = None
    at_risk: bool | None = None
    unaligned: bool | None = None
    updated_since: str | None = None  # an ISO instant in UTC
    today: date | None = None
    # "oldest-first" (by set time) or "recently-updated" (latest change first).
    sort: str = "oldest-first"


class InvalidCursor(ValueError):
    """A pagination cursor this API did not hand out."""


# --- organisation, units, members, cycles ------------------------------------------------


def organization(views: Views, org: str) -> OrganizationRow | None:
    rows = views.query(
        f"SELECT {_cols(OrganizationRow)} FROM rm_organizations WHERE organization_id = :org",
        {"org": org},
    )
    return OrganizationRow(*rows[0]) if rows else None


def units(views: Views, org: str) -> list[UnitRow]:
    rows = views.query(
        f"SELECT {_cols(UnitRow)} FROM rm_units WHERE organization_id = :org "
        "ORDER BY name, unit_id",
        {"org": org},
    )
    return [UnitRow(*r) for r in rows]


def units_by_id(views: Views, org: str, ids: Sequence[str]) -> list[UnitRow]:
    return [UnitRow(*r) for r in _by_keys(views, UnitRow, "rm_units", "unit_id", org, ids)]


def members(views: Views, org: str) -> list[MemberRow]:
    rows = views.query(
        f"SELECT {_cols(MemberRow)} FROM rm_members WHERE organization_id = :org "
        "ORDER BY name, member_id",
        {"org": org},
    )
    return [MemberRow(*r) for r in rows]


def members_by_id(views: Views, org: str, ids: Sequence[str]) -> list[MemberRow]:
    rows = _by_keys(views, MemberRow, "rm_members", "member_id", org, ids)
    return [MemberRow(*r) for r in rows]


def cycles(views: Views, org: str) -> list[CycleRow]:
    rows = views.query(
        f"SELECT {_cols(CycleRow)} FROM rm_cycles WHERE organization_id = :org "
        "ORDER BY start_date, label",
        {"org": org},
    )
    return [CycleRow(*r) for r in rows]


def cycles_by_id(views: Views, org: str, ids: Sequence[str]) -> list[CycleRow]:
    return [CycleRow(*r) for r in _by_keys(views, CycleRow, "rm_cycles", "cycle_id", org, ids)]


def subtree_ids(views: Views, org: str, unit_id: str) -> list[str]:
    """The unit and all its descendants (empty when the unit is not the organisation's)."""
    rows = views.query(_SUBTREE + "SELECT unit_id FROM subtree", {"org": org, "unit": unit_id})
    return [r[0] for r in rows]


# --- objectives and key results ----------------------------------------------------------


def objectives_page(
    views: Views, org: str, where: ObjectiveFilter, first: int, after: str | None
) -> list[ObjectiveRow]:
    """Up to ``first + 1`` objectives after the cursor, in the filter's order (the extra
    row tells the caller there is a next page)."""
    params: dict[str, Any] = {"org": org, "limit": first + 1}
    conditions = ["o.organization_id = :org"]
    ctes: list[str] = []
    if where.unit_id is not None:
        params["unit"] = where.unit_id
        if where.include_descendants:
            ctes.append(_SUBTREE_CTE)
            conditions.append("o.unit_id IN (SELECT unit_id FROM subtree)")
        else:
            conditions.append("o.unit_id = :unit")
    for column, value in (
        ("o.cycle_id", where.cycle_id),
        ("o.owner_id", where.owner_id),
        ("o.status", where.status),
        ("u.kind", where.level),
    ):
        if value is not None:
            name = column.split(".")[1]
            params[name] = value
            conditions.append(f"{column} = :{name}")
    judged = _judged_conditions(views, where)
    ctes += judged.ctes
    conditions += judged.where
    params.update(judged.params)
    recent = where.sort == RECENTLY_UPDATED
    if after is not None:
        if recent:
            at, objective_id = _objective_after(after, "objective-updated")
            params.update(after_at=at, after_id=objective_id)
            conditions.append(
                "(o.updated_at < :after_at "
                "OR (o.updated_at = :after_at AND o.objective_id < :after_id))"
            )
        else:
            set_at, objective_id = _objective_after(after)
            params.update(after_at=set_at, after_id=objective_id)
            conditions.append(
                "(o.set_at > :after_at OR (o.set_at = :after_at AND o.objective_id > :after_id))"
            )
    order = "o.updated_at DESC, o.objective_id DESC" if recent else "o.set_at, o.objective_id"
    prefix = f"WITH RECURSIVE {', '.join(ctes)} " if ctes else ""
    rows = views.query(
        f"{prefix}SELECT {_cols(ObjectiveRow, 'o')} FROM rm_objectives o "
        "JOIN rm_units u ON u.unit_id = o.unit_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT :limit",
        params,
    )
    return [ObjectiveRow(*r) for r in rows]


OLDEST_FIRST = "oldest-first"
RECENTLY_UPDATED = "recently-updated"
OBJECTIVE_SORTS: tuple[str, ...] = (OLDEST_FIRST, RECENTLY_UPDATED)


def objective_cursor(row: ObjectiveRow, sort: str = OLDEST_FIRST) -> str:
    if sort == RECENTLY_UPDATED:
        return encode_cursor("objective-updated", row.updated_at, row.objective_id)
    return encode_cursor("objective", row.set_at, row.objective_id)


def _judged_conditions(views: Views, where: ObjectiveFilter) -> filters.Conditions:
    """The filter's conditions that depend on the day (stale, statuses, at risk) and on
    other rows (unaligned), by the rules of :mod:`okr_es.projections.objective_filters`."""
    found = filters.Conditions()
    postgres = bool(getattr(views, "postgres", False))
    today = where.today or datetime.now(UTC).date()
    if where.stale is not None:
        filters.add_stale(found, where.stale, where.stale_after_days, today, postgres)
    if where.reported_status is not None:
        filters.add_reported(found, where.reported_status)
    if where.derived_status is not None:
        severity = filters.SEVERITY[where.derived_status]
        filters.add_derived(found, [severity], today, postgres)
    if where.at_risk is not None:
        filters.add_derived(found, [1, 2], today, postgres, negate=not where.at_risk)
    if where.unaligned is not None:
        filters.add_unaligned(found, where.unaligned)
    if where.updated_since is not None:
        filters.add_updated_since(found, where.updated_since)
    return found


def objectives_by_id(views: Views, org: str, ids: Sequence[str]) -> list[ObjectiveRow]:
    rows = _by_keys(views, ObjectiveRow, "rm_objectives", "objective_id", org, ids)
    return [ObjectiveRow(*r) for r in rows]


def key_results_by_objective(
    views: Views, org: str, objective_ids: Sequence[str]
) -> list[KeyResultRow]:
    """The current (not removed) key results of the objectives, in their order."""
    if not objective_ids:
        return []
    marks, params = _in_list("o", objective_ids)
    rows = views.query(
        f"SELECT {_cols(KeyResultRow, 'k')} FROM rm_key_results k "
        "JOIN rm_objectives o ON o.objective_id = k.objective_id "
        f"WHERE o.organization_id = :org AND k.removed = 0 AND k.objective_id IN ({marks}) "
        "ORDER BY k.objective_id, k.ordinal",
        {**params, "org": org},
    )
    return [KeyResultRow(*r) for r in rows]


def key_results_by_id(views: Views, org: str, ids: Sequence[str]) -> list[KeyResultRow]:
    if not ids:
        return []
    marks, params = _in_list("k", ids)
    rows = views.query(
        f"SELECT {_cols(KeyResultRow, 'k')} FROM rm_key_results k "
        "JOIN rm_objectives o ON o.objective_id = k.objective_id "
        f"WHERE o.organization_id = :org AND k.key_result_id IN ({marks})",
        {**params, "org": org},
    )
    return [KeyResultRow(*r) for r in rows]


def aligned_children_by_parent(
    views: Views, org: str, parent_ids: Sequence[str]
) -> list[ObjectiveRow]:
    """The objectives aligned to each of the parents (the downward edge of alignment),
    dropped ones included, oldest first."""
    if not parent_ids:
        return []
    marks, params = _in_list("p", parent_ids)
    rows = views.query(
        f"SELECT {_cols(ObjectiveRow)} FROM rm_objectives WHERE organization_id = :org "
        f"AND aligned_to_objective_id IN ({marks}) ORDER BY set_at, objective_id",
        {**params, "org": org},
    )
    return [ObjectiveRow(*r) for r in rows]


def objectives_by_cycle(views: Views, org: str, cycle_ids: Sequence[str]) -> list[ObjectiveRow]:
    """Every objective of the cycles, of every unit (for per-unit portfolios)."""
    if not cycle_ids:
        return []
    marks, params = _in_list("c", cycle_ids)
    rows = views.query(
        f"SELECT {_cols(ObjectiveRow)} FROM rm_objectives WHERE organization_id = :org "
        f"AND cycle_id IN ({marks}) ORDER BY set_at, objective_id",
        {**params, "org": org},
    )
    return [ObjectiveRow(*r) for r in rows]


# --- check-ins ---------------------------------------------------------------------------


def check_ins_by_key_result(views: Views, org: str, kr_ids: Sequence[str]) -> list[CheckInRow]:
    """Every check-in of the key results, in the order they were made."""
    if not kr_ids:
        return []
    marks, params = _in_list("k", kr_ids)
    rows = views.query(
        f"SELECT {_cols(CheckInRow, 'c')} FROM rm_check_ins c "
        "JOIN rm_objectives o ON o.objective_id = c.objective_id "
        f"WHERE o.organization_id = :org AND c.key_result_id IN ({marks}) "
        "ORDER BY c.position",
        {**params, "org": org},
    )
    return [CheckInRow(*r) for r in rows]


def check_ins_after(
    views: Views, org: str, unit_ids: Sequence[str], after: int, limit: int = 500
) -> list[CheckInRow]:
    """Check-ins past a log position on objectives of the given units (for live streams)."""
    if not unit_ids:
        return []
    marks, params = _in_list("u", unit_ids)
    rows = views.query(
        f"SELECT {_cols(CheckInRow, 'c')} FROM rm_check_ins c "
        "JOIN rm_objectives o ON o.objective_id = c.objective_id "
        f"WHERE o.organization_id = :org AND o.unit_id IN ({marks}) AND c.position > :after "
        "ORDER BY c.position LIMIT :limit",
        {**params, "org": org, "after": after, "limit": limit},
    )
    return [CheckInRow(*r) for r in rows]


def last_position(views: Views, table: str) -> int:
    """The highest log position stored in a position-keyed table (0 when empty)."""
    if table not in _POSITION_TABLES:
        raise ValueError(f"not a position-keyed read model: {table}")
    rows = views.query(f"SELECT MAX(position) FROM {table}")
    return int(rows[0][0] or 0) if rows else 0


# --- change timeline ---------------------------------------------------------------------


def timeline_page(
    views: Views,
    org: str,
    *,
    unit_ids: Sequence[str] | None,
    cycle_id: str | None,
    first: int,
    after: str | None,
) -> list[TimelineRow]:
    """Up to ``first + 1`` timeline entries after the cursor, in log order."""
    params: dict[str, Any] = {"org": org, "limit": first + 1}
    conditions = ["organization_id = :org"]
    if unit_ids is not None:
        if not unit_ids:
            return []
        marks, unit_params = _in_list("u", unit_ids)
        params.update(unit_params)
        conditions.append(f"unit_id IN ({marks})")
    if cycle_id is not None:
        params["cycle"] = cycle_id
        conditions.append("cycle_id = :cycle")
    if after is not None:
        params["after"] = _timeline_after(after)
        conditions.append("position > :after")
    rows = views.query(
        f"SELECT {_cols(TimelineRow)} FROM rm_timeline WHERE {' AND '.join(conditions)} "
        "ORDER BY position LIMIT :limit",
        params,
    )
    return [TimelineRow(*r) for r in rows]


def timeline_cursor(row: TimelineRow) -> str:
    return encode_cursor("timeline", str(row.position))


def timeline_after(
    views: Views, org: str, unit_ids: Sequence[str], after: int, limit: int = 500
) -> list[TimelineRow]:
    """Timeline entries past a log position for the given units (for live streams)."""
    return timeline_page(
        views,
        org,
        unit_ids=unit_ids,
        cycle_id=None,
        first=limit - 1,
        after=encode_cursor("timeline", str(after)),
    )


# --- KPIs --------------------------------------------------------------------------------


def kpis(
    views: Views, org: str, unit_ids: Sequence[str] | None, *, include_retired: bool = False
) -> list[KpiRow]:
    params: dict[str, Any] = {"org": org}
    conditions = ["organization_id = :org"]
    if unit_ids is not None:
        if not unit_ids:
            return []
        marks, unit_params = _in_list("u", unit_ids)
        params.update(unit_params)
        conditions.append(f"unit_id IN ({marks})")
    if not include_retired:
        conditions.append("retired = 0")
    rows = views.query(
        f"SELECT {_cols(KpiRow)} FROM rm_kpis WHERE {' AND '.join(conditions)} "
        "ORDER BY name, kpi_id",
        params,
    )
    return [KpiRow(*r) for r in rows]


def kpi_measurements_by_kpi(
    views: Views, org: str, kpi_ids: Sequence[str]
) -> list[KpiMeasurementRow]:
    if not kpi_ids:
        return []
    marks, params = _in_list("k", kpi_ids)
    rows = views.query(
        f"SELECT {_cols(KpiMeasurementRow, 'm')} FROM rm_kpi_measurements m "
        "JOIN rm_kpis k ON k.kpi_id = m.kpi_id "
        f"WHERE k.organization_id = :org AND m.kpi_id IN ({marks}) ORDER BY m.position",
        {**params, "org": org},
    )
    return [KpiMeasurementRow(*r) for r in rows]


# --- initiatives ---------------------------------------------------------------------------


def initiatives_page(
    views: Views, org: str, where: InitiativeFilter, first: int, after: str | None
) -> list[InitiativeRow]:
    """Up to ``first + 1`` initiatives after the cursor, oldest first. An initiative
    belongs to a cycle when it is linked to a key result of an objective of that cycle."""
    params: dict[str, Any] = {"org": org, "limit": first + 1}
    conditions = ["i.organization_id = :org"]
    prefix = ""
    if where.unit_id is not None:
        params["unit"] = where.unit_id
        if where.include_descendants:
            prefix = _SUBTREE
            conditions.append("i.unit_id IN (SELECT unit_id FROM subtree)")
        else:
            conditions.append("i.unit_id = :unit")
    if where.owner_id is not None:
        params["owner"] = where.owner_id
        conditions.append("i.owner_id = :owner")
    if where.status is not None:
        params["status"] = where.status
        conditions.append("i.status = :status")
    if where.cycle_id is not None:
        params["cycle"] = where.cycle_id
        conditions.append(
            "EXISTS (SELECT 1 FROM rm_initiative_links l "
            "JOIN rm_objectives o ON o.objective_id = l.objective_id "
            "WHERE l.initiative_id = i.initiative_id AND o.cycle_id = :cycle)"
        )
    if after is not None:
        started_at, initiative_id = _initiative_after(after)
        params.update(after_at=started_at, after_id=initiative_id)
        conditions.append(
            "(i.started_at > :after_at OR "
            "(i.started_at = :after_at AND i.initiative_id > :after_id))"
        )
    rows = views.query(
        f"{prefix}SELECT {_cols(InitiativeRow, 'i')} FROM rm_initiatives i "
        f"WHERE {' AND '.join(conditions)} ORDER BY i.started_at, i.initiative_id "
        "LIMIT :limit",
        params,
    )
    return [InitiativeRow(*r) for r in rows]


def initiative_cursor(row: InitiativeRow) -> str:
    return encode_cursor("initiative", row.started_at, row.initiative_id)


def initiatives_by_id(views: Views, org: str, ids: Sequence[str]) -> list[InitiativeRow]:
    rows = _by_keys(views, InitiativeRow, "rm_initiatives", "initiative_id", org, ids)
    return [InitiativeRow(*r) for r in rows]


def initiatives_by_unit(views: Views, org: str, unit_ids: Sequence[str]) -> list[InitiativeRow]:
    return _initiatives_where(views, org, "i.unit_id", unit_ids)


def initiatives_by_owner(views: Views, org: str, member_ids: Sequence[str]) -> list[InitiativeRow]:
    return _initiatives_where(views, org, "i.owner_id", member_ids)


def initiative_links_by_initiative(
    views: Views, org: str, initiative_ids: Sequence[str]
) -> list[InitiativeLinkRow]:
    """The key results each initiative is linked to, in the order they were linked."""
    return _links_where(views, org, "l.initiative_id", initiative_ids)


def initiative_links_by_key_result(
    views: Views, org: str, kr_ids: Sequence[str]
) -> list[InitiativeLinkRow]:
    """The initiatives linked to each key result, in the order they were linked."""
    return _links_where(views, org, "l.key_result_id", kr_ids)


def initiative_owners_by_objective(
    views: Views, org: str, objective_ids: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(objective, initiative, owner) for every initiative linked to a key result of the
    objectives (an initiative once per objective however many of its key results)."""
    if not objective_ids:
        return []
    marks, params = _in_list("v", objective_ids)
    rows = views.query(
        "SELECT DISTINCT l.objective_id, i.initiative_id, i.owner_id FROM rm_initiative_links l "
        "JOIN rm_initiatives i ON i.initiative_id = l.initiative_id "
        f"WHERE i.organization_id = :org AND l.objective_id IN ({marks}) "
        "ORDER BY l.objective_id, i.initiative_id",
        {**params, "org": org},
    )
    return [(str(o), str(i), str(m)) for o, i, m in rows]


# --- rosters and hypotheses ----------------------------------------------------------------


def members_holding(
    views: Views, org: str, unit_ids: Sequence[str], roles: Sequence[str]
) -> list[tuple[str, str]]:
    """(unit, member) for every member holding one of ``roles`` in one of the units."""
    if not unit_ids or not roles:
        return []
    marks, params = _in_list("v", unit_ids)
    role_marks, role_params = _in_list("r", roles)
    rows = views.query(
        "SELECT DISTINCT g.unit_id, g.member_id FROM rm_role_grants g "
        f"WHERE g.organization_id = :org AND g.unit_id IN ({marks}) "
        f"AND g.role IN ({role_marks}) ORDER BY g.unit_id, g.member_id",
        {**params, **role_params, "org": org},
    )
    return [(str(u), str(m)) for u, m in rows]


def role_grants_by_unit(views: Views, org: str, unit_ids: Sequence[str]) -> list[RoleGrantRow]:
    """Every role held in the units, by member name (the unit's roster)."""
    return _grants_where(views, org, "g.unit_id", unit_ids)


def role_grants_by_member(
    views: Views, org: str, member_ids: Sequence[str]
) -> list[RoleGrantRow]:
    """Every role the members hold, organisation-wide ones included."""
    return _grants_where(views, org, "g.member_id", member_ids)


def hypotheses_by_objective(
    views: Views, org: str, objective_ids: Sequence[str]
) -> list[HypothesisRow]:
    rows = _by_keys(views, HypothesisRow, "rm_hypotheses", "objective_id", org, objective_ids)
    return [HypothesisRow(*r) for r in rows]


# --- cursors -----------------------------------------------------------------------------


def encode_cursor(kind: str, *parts: str) -> str:
    return base64.urlsafe_b64encode("|".join((kind, *parts)).encode()).decode()


def decode_cursor(cursor: str, kind: str, parts: int = 1) -> tuple[str, ...]:
    """The ``parts`` parts of a cursor of this kind, or :class:`InvalidCursor`.

    Only a cursor exactly as :func:`encode_cursor` writes it is taken: base64 that
    decodes leniently (stray characters, missing padding) or a hand-made one with more
    or fewer parts is refused, not read as some other position."""
    invalid = InvalidCursor(f"not a {kind} cursor")
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid from None
    found, *values = text.split("|")
    if found != kind or len(values) != parts or encode_cursor(kind, *values) != cursor:
        raise invalid
    return tuple(values)


def _objective_after(cursor: str, kind: str = "objective") -> tuple[str, str]:
    """The set (or update) time and id an objectives cursor points past, as the read
    model holds them."""
    set_at, objective_id = decode_cursor(cursor, kind, 2)
    try:
        when = datetime.fromisoformat(set_at)
        canonical = (
            when.isoformat() == set_at
            and when.utcoffset() == timedelta(0)  # the read model holds UTC times
            and str(UUID(objective_id)) == objective_id
        )
    except ValueError:
        canonical = False
    if not canonical:
        raise InvalidCursor("not an objective cursor")
    return set_at, objective_id


def _initiative_after(cursor: str) -> tuple[str, str]:
    """The start time and id an initiatives cursor points past."""
    started_at, initiative_id = decode_cursor(cursor, "initiative", 2)
    try:
        when = datetime.fromisoformat(started_at)
        canonical = (
            when.isoformat() == started_at
            and when.utcoffset() == timedelta(0)
            and str(UUID(initiative_id)) == initiative_id
        )
    except ValueError:
        canonical = False
    if not canonical:
        raise InvalidCursor("not an initiative cursor")
    return started_at, initiative_id


# A log position: plain ASCII digits, within SQL's 64-bit integers.
_POSITION = re.compile(r"(0|[1-9][0-9]{0,17})")


def _timeline_after(cursor: str) -> int:
    (position,) = decode_cursor(cursor, "timeline")
    if not _POSITION.fullmatch(position):
        raise InvalidCursor("not a timeline cursor")
    return int(position)


# --- reviews (the facts a learning review is computed from) ----------------------------


class ReviewCycleRow(msgspec.Struct, frozen=True):
    cycle_id: str
    label: str
    start_date: str
    end_date: str


class ReviewTeamRow(msgspec.Struct, frozen=True):
    unit_id: str
    cycle_id: str


class ReviewFactRow(msgspec.Struct, frozen=True):
    unit_id: str
    aggregate_id: str
    kind: str
    data: str


def review_cycles(views: Views, org: str) -> list[ReviewCycleRow]:
    """The organisation's cycles, earliest first (ties in the order they were defined)."""
    rows = views.query(
        f"SELECT {_cols(ReviewCycleRow)} FROM rm_review_cycles WHERE organization_id = :org "
        "ORDER BY start_date, end_date, position",
        {"org": org},
    )
    return [ReviewCycleRow(*r) for r in rows]


def review_teams(views: Views, org: str, unit_id: str | None = None) -> list[ReviewTeamRow]:
    """Which units set OKRs in which cycles: the organisation's, or one unit's."""
    where = "organization_id = :org" + ("" if unit_id is None else " AND unit_id = :unit")
    rows = views.query(
        f"SELECT {_cols(ReviewTeamRow)} FROM rm_review_teams WHERE {where}",
        {"org": org, "unit": unit_id},
    )
    return [ReviewTeamRow(*r) for r in rows]


def review_facts(
    views: Views, org: str, cycle_id: str, unit_id: str | None = None
) -> list[ReviewFactRow]:
    """The review facts of a cycle's teams (or of one unit's), by unit, in log order."""
    where = "cycle_id = :cycle AND organization_id = :org"
    if unit_id is not None:
        where += " AND unit_id = :unit"
    rows = views.query(
        f"SELECT {_cols(ReviewFactRow)} FROM rm_review_facts WHERE {where} "
        "ORDER BY unit_id, position",
        {"org": org, "cycle": cycle_id, "unit": unit_id},
    )
    return [ReviewFactRow(*r) for r in rows]


# --- helpers -----------------------------------------------------------------------------

_POSITION_TABLES = frozenset({"rm_check_ins", "rm_timeline", "rm_kpi_measurements"})

# The unit :unit (if it is the organisation's) and every unit below it.
_SUBTREE_CTE = (
    "subtree(unit_id) AS ("
    "SELECT unit_id FROM rm_units WHERE unit_id = :unit AND organization_id = :org "
    "UNION ALL SELECT c.unit_id FROM rm_units c JOIN subtree s ON c.parent_id = s.unit_id)"
)
_SUBTREE = f"WITH RECURSIVE {_SUBTREE_CTE} "


def _cols(row: type[msgspec.Struct], alias: str | None = None) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name for name in row.__struct_fields__)


def _by_keys(
    views: Views, row: type[msgspec.Struct], table: str, key: str, org: str, ids: Sequence[str]
) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    marks, params = _in_list("id", ids)
    return views.query(
        f"SELECT {_cols(row)} FROM {table} WHERE organization_id = :org AND {key} IN ({marks})",
        {**params, "org": org},
    )


def _in_list(name: str, values: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Placeholders for an IN list, padded to a power of two (repeating the last value)
    so that only a handful of distinct statements ever reach the statement caches."""
    unique = list(dict.fromkeys(values))
    size = 1 << (len(unique) - 1).bit_length()
    padded = unique + [unique[-1]] * (size - len(unique))
    marks = ", ".join(f":{name}{i}" for i in range(size))
    return marks, {f"{name}{i}": value for i, value in enumerate(padded)}


def _initiatives_where(
    views: Views, org: str, column: str, values: Sequence[str]
) -> list[InitiativeRow]:
    if not values:
        return []
    marks, params = _in_list("v", values)
    rows = views.query(
        f"SELECT {_cols(InitiativeRow, 'i')} FROM rm_initiatives i "
        f"WHERE i.organization_id = :org AND {column} IN ({marks}) "
        "ORDER BY i.started_at, i.initiative_id",
        {**params, "org": org},
    )
    return [InitiativeRow(*r) for r in rows]


def _links_where(
    views: Views, org: str, column: str, values: Sequence[str]
) -> list[InitiativeLinkRow]:
    if not values:
        return []
    marks, params = _in_list("v", values)
    rows = views.query(
        f"SELECT {_cols(InitiativeLinkRow, 'l')} FROM rm_initiative_links l "
        "JOIN rm_initiatives i ON i.initiative_id = l.initiative_id "
        f"WHERE i.organization_id = :org AND {column} IN ({marks}) "
        "ORDER BY i.started_at, l.initiative_id, l.ordinal",
        {**params, "org": org},
    )
    return [InitiativeLinkRow(*r) for r in rows]


def _grants_where(
    views: Views, org: str, column: str, values: Sequence[str]
) -> list[RoleGrantRow]:
    if not values:
        return []
    marks, params = _in_list("v", values)
    rows = views.query(
        f"SELECT {_cols(RoleGrantRow, 'g')} FROM rm_role_grants g "
        "JOIN rm_members m ON m.member_id = g.member_id "
        f"WHERE g.organization_id = :org AND {column} IN ({marks}) "
        "ORDER BY m.name, g.member_id, g.role, COALESCE(g.unit_id, '')",
        {**params, "org": org},
    )
    return [RoleGrantRow(*r) for r in rows]
