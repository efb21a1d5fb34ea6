"""A cycle's OKRs as spreadsheet rows, and spreadsheet rows written as a cycle's OKRs.

Export reads the store's aggregates (units, their sets for the cycle, the objectives);
import resolves the names in the rows (units, owners) and hands everything to
:meth:`OKRApplication.import_cycle`, which writes all of it in one transaction or
nothing. A refusal is reported as a :class:`~okr_es.spreadsheets.rows.Problem` naming
the row and column at fault.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.objective import DROPPED, Objective
from okr_es.aggregates.organization import Organization
from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import OKRError
from okr_es.history.analyses import member_id
from okr_es.spreadsheets.rows import Problem, SheetInvalid, SheetRow

__all__ = ["cycle_rows", "import_rows"]


def cycle_rows(app: OKRApplication, organization_id: UUID, cycle_id: UUID) -> list[SheetRow]:
    """One row per active key result of every unit's committed objectives in the cycle
    (one row with empty key-result cells for an objective without key results); units
    by name, objectives and key results in the order they were set."""
    org = app.get_organization(organization_id)
    cycle = app.read_aggregate(Cycle, cycle_id)
    rows: list[SheetRow] = []
    units = sorted(org.units.values(), key=lambda u: (check.same_text_key(u.name), str(u.id)))
    for unit in units:
        team_cycle = app.get_team_cycle(unit.id, cycle.id)
        for objective_id in team_cycle.objective_ids if team_cycle else []:
            objective = app.get_objective(objective_id)
            if objective.status == DROPPED:
                continue
            base: dict[str, Any] = {
                "cycle": cycle.label,
                "cycle_kind": cycle.kind,
                "cycle_start": cycle.start,
                "cycle_end": cycle.end,
                "unit": unit.name,
                "objective": objective.title,
                "why": objective.why,
                "owner": _owner_name(org, objective),
            }
            key_results = objective.active_key_results()
            if not key_results:
                rows.append(
                    SheetRow(
                        number=len(rows) + 2,
                        **base,
                        key_result="",
                        metric="",
                        start=None,
                        target=None,
                        metric_unit="",
                        current=None,
                        status="",
                    )
                )
            for kr in key_results:
                rows.append(
                    SheetRow(
                        number=len(rows) + 2,
                        **base,
                        key_result=kr.title,
                        metric=kr.metric,
                        start=kr.start,
                        target=kr.target,
                        metric_unit=kr.unit,
                        current=kr.current,
                        status=kr.status or "",
                    )
                )
    return rows


def import_rows(
    app: OKRApplication,
    rows: Sequence[SheetRow],
    *,
    organization_id: UUID,
    by: UUID,
    checked_in_at: datetime | None = None,
) -> CommandResult:
    """Write checked rows as the cycle's OKRs: all or nothing; raises :class:`SheetInvalid`."""
    org = app.get_organization(organization_id)
    problems: list[Problem] = []
    units: dict[UUID, dict[str, Any]] = {}
    objectives: dict[tuple[UUID, str], dict[str, Any]] = {}
    where: dict[str, int] = {}  # a command's field prefix → the row it came from
    owners: dict[str, UUID] = {}
    named: dict[str, list[UUID]] = {}
    for u in org.units.values():
        if not u.archived:
            named.setdefault(check.same_text_key(u.name), []).append(u.id)
    index: dict[UUID, int] = {}
    for row in rows:
        unit_id = _unit(org, named, row, problems)
        owner = owners.get(row.owner) or _owner(org, row, problems)
        if unit_id is None or owner is None:
            continue
        owners[row.owner] = owner
        i = index.setdefault(unit_id, len(index))
        unit = units.setdefault(unit_id, {"unit_id": unit_id, "objectives": []})
        key = (unit_id, check.same_text_key(row.objective))
        if key not in objectives:
            objectives[key] = {"title": row.objective, "why": row.why, "owner_id": owner}
            objectives[key]["key_results"] = []
            unit["objectives"].append(objectives[key])
            where.setdefault(f"units[{i}]", row.number)
            where[f"units[{i}].objectives[{len(unit['objectives']) - 1}]"] = row.number
        objective = objectives[key]
        if row.key_result:
            j = unit["objectives"].index(objective)
            where[f"units[{i}].objectives[{j}].key_results[{len(objective['key_results'])}]"] = (
                row.number
            )
            objective["key_results"].append(
                {
                    "title": row.key_result,
                    "metric": row.metric,
                    "start": row.start,
                    "target": row.target,
                    "unit": row.metric_unit,
                    "current": row.current,
                    "status": row.status or None,
                }
            )
    if problems:
        raise SheetInvalid(problems)
    first = rows[0]
    try:
        return app.import_cycle(
            organization_id=org.id,
            cycle={
                "label": first.cycle,
                "kind": first.cycle_kind,
                "start": first.cycle_start,
                "end": first.cycle_end,
            },
            units=list(units.values()),
            by=by,
            checked_in_at=checked_in_at,
        )
    except OKRError as e:
        raise SheetInvalid([_located(e, where, first.number)]) from None


def _owner_name(org: Organization, objective: Objective) -> str:
    """The owner's name when it leads back to them on import, else their e-mail."""
    owner = org.members.get(objective.owner_id)
    if owner is None:
        return str(objective.owner_id)
    namesakes = [m for m in org.members.values() if m.name.casefold() == owner.name.casefold()]
    return owner.name if len(namesakes) == 1 else owner.email


def _unit(
    org: Organization, named: dict[str, list[UUID]], row: SheetRow, problems: list[Problem]
) -> UUID | None:
    """The active unit of that name (as :func:`check.same_text_key` compares names)."""
    found = named.get(check.same_text_key(row.unit), [])
    if len(found) == 1:
        return found[0]
    message = f"no unit '{row.unit}' in {org.name}"
    if found:
        message = f"{len(found)} units are called '{row.unit}'; rename one to import"
    problems.append(Problem(row.number, "unit", "unknown-unit", message))
    return None


def _owner(org: Organization, row: SheetRow, problems: list[Problem]) -> UUID | None:
    try:
        return member_id(org, row.owner, "owner")
    except OKRError as e:
        problems.append(Problem(row.number, "owner", e.code, e.message))
        return None


# The command's field names → the spreadsheet's columns.
_COLUMN = {
    "label": "cycle",
    "kind": "cycle_kind",
    "start": "start",
    "end": "cycle_end",
    "unit_id": "unit",
    "title": "objective",
    "why": "why",
    "owner_id": "owner",
    "metric": "metric",
    "target": "target",
    "unit": "metric_unit",
    "value": "current",
    "status": "status",
}
_PART = re.compile(r"^(?P<part>(?:units\[\d+\])(?:\.objectives\[\d+\])?(?:\.key_results\[\d+\])?)")


def _located(error: OKRError, where: dict[str, int], first_row: int) -> Problem:
    field = error.field or ""
    if field.startswith("cycle."):
        name = field.removeprefix("cycle.")
        column = {"start": "cycle_start", "end": "cycle_end"}.get(name, _COLUMN.get(name))
        return Problem(first_row, column, error.code, error.message)
    match = _PART.match(field)
    if match is None:
        return Problem(0, None, error.code, error.message)
    part = match.group("part")
    rest = field[len(part) :].lstrip(".")
    column = _COLUMN.get(rest)
    if rest in ("title", ""):
        # A refusal of the whole part (over a limit, say) points at its title's cell.
        column = "key_result" if ".key_results[" in part else "objective"
        if rest == "" and ".objectives[" not in part:
            column = "unit"
    return Problem(where.get(part, 0), column, error.code, error.message)
