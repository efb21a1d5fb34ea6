"""A Viva Goals export (:mod:`okr_es.spreadsheets.viva`) planned against the store and
written as one cycle import.

The plan resolves teams to units (a team not found becomes a new unit under the
organisation's root), owners to members (by e-mail or name; an unknown one is created
with ``create_members`` when the export gives an e-mail), the time period to a cycle (the
organisation's cycle of that label, or of those dates, or a new one), and leaves out
objectives the unit's set for the cycle already has: a second import of the same file
plans nothing. Writing hands the plan to :meth:`OKRApplication.import_cycle`: all of it
in one transaction, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import Organization
from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import NotFound, OKRError
from okr_es.history.analyses import member_id
from okr_es.spreadsheets.rows import Problem, SheetInvalid
from okr_es.spreadsheets.viva import VivaFile, VivaItem

__all__ = ["VivaPlan", "plan_viva_import", "write_viva_import"]

_EMAIL = re.compile(r"[^\s<>;,]+@[^\s<>;,]+\.[^\s<>;,]+")


class VivaPlan(msgspec.Struct):
    """What an import would write, as :meth:`OKRApplication.import_cycle` takes it."""

    organization_id: UUID
    cycle: dict[str, Any]
    cycle_is_new: bool
    units: list[dict[str, Any]]
    new_members: list[dict[str, Any]]
    new_units: list[dict[str, Any]]
    new_initiatives: list[dict[str, Any]]
    skipped: list[str]  # objectives already imported
    notes: list[str]
    where: dict[str, int]  # a command's field prefix → the row it came from

    def counts(self) -> dict[str, int]:
        objectives = [o for u in self.units for o in u["objectives"]]
        key_results = [kr for o in objectives for kr in o["key_results"]]
        return {
            "cycles": int(self.cycle_is_new),
            "units": len(self.new_units),
            "members": len(self.new_members),
            "objectives": len(objectives),
            "key_results": len(key_results),
            "check_ins": sum(1 for kr in key_results if kr.get("status")),
            "initiatives": len(self.new_initiatives),
            "already_imported": len(self.skipped),
        }

    def is_empty(self) -> bool:
        return not self.units


def plan_viva_import(
    app: OKRApplication, viva: VivaFile, *, organization_id: UUID, create_members: bool
) -> VivaPlan:
    """The import's plan; raises :class:`SheetInvalid` naming every row that cannot map."""
    org = app.get_organization(organization_id)
    problems: list[Problem] = []
    plan = VivaPlan(org.id, {}, False, [], [], [], [], [], list(viva.notes), {})
    cycle_id = _cycle(app, org, viva, plan, problems)
    units: dict[str, dict[str, Any]] = {}
    unit_ids: dict[str, UUID | None] = {}
    owners: dict[str, UUID | None] = {}
    titles: dict[UUID, set[str]] = {}
    # A failed look-up is not remembered: every row it fails on is reported.
    for objective in viva.objectives:
        item = objective.item
        team = check.same_text_key(item.team)
        if unit_ids.get(team) is None:
            unit_ids[team] = _unit(org, item, plan, problems)
        if owners.get(item.owner) is None:
            owners[item.owner] = _owner(org, item, plan, problems, create_members)
        unit_id, owner_id = unit_ids[team], owners[item.owner]
        if unit_id is None or owner_id is None:
            continue
        if unit_id not in titles:
            titles[unit_id] = _titles(app, unit_id, cycle_id)
        if check.same_text_key(item.title) in titles[unit_id]:
            plan.skipped.append(f"row {item.number}: {item.title!r} ({item.team})")
            continue
        if team not in units:
            units[team] = {"unit_id": unit_id, "objectives": []}
            plan.units.append(units[team])
            plan.where[f"units[{len(plan.units) - 1}]"] = item.number
        i = plan.units.index(units[team])
        j = len(units[team]["objectives"])
        plan.where[f"units[{i}].objectives[{j}]"] = item.number
        key_results = []
        for k, kr in enumerate(objective.key_results):
            plan.where[f"units[{i}].objectives[{j}].key_results[{k}]"] = kr.number
            key_results.append(_key_result(kr))
        units[team]["objectives"].append(
            {"title": item.title, "why": "", "owner_id": owner_id, "key_results": key_results}
        )
        for project in objective.projects:
            project_owner: UUID | None = owner_id
            if project.owner:
                if owners.get(project.owner) is None:
                    owners[project.owner] = _owner(org, project, plan, problems, create_members)
                project_owner = owners[project.owner]
            if project_owner is not None:
                plan.where[f"new_initiatives[{len(plan.new_initiatives)}]"] = project.number
                plan.new_initiatives.append(
                    {"unit_id": unit_id, "title": project.title, "owner_id": project_owner}
                )
    if viva.projects:
        rows = ", ".join(str(p.number) for p in viva.projects)
        plan.notes.append(
            f"{len(viva.projects)} project(s) of no objective not imported (rows {rows})"
        )
    if problems:
        raise SheetInvalid(problems)
    return plan


def write_viva_import(app: OKRApplication, plan: VivaPlan, *, by: UUID) -> CommandResult:
    """Write the plan in one transaction; raises :class:`SheetInvalid` on a refusal."""
    try:
        return app.import_cycle(
            organization_id=plan.organization_id,
            cycle=plan.cycle,
            units=plan.units,
            by=by,
            new_members=plan.new_members,
            new_units=plan.new_units,
            new_initiatives=plan.new_initiatives,
        )
    except OKRError as e:
        raise SheetInvalid([_located(e, plan.where)]) from None


def _cycle(
    app: OKRApplication, org: Organization, viva: VivaFile, plan: VivaPlan, problems: list[Problem]
) -> UUID | None:
    period = viva.period
    cycles = app.cycles(org.id)
    same = [c for c in cycles if check.same_text_key(c.label) == check.same_text_key(period.label)]
    same = same or [c for c in cycles if (c.start, c.end) == (period.start, period.end)]
    if same:
        found = same[0]
        plan.cycle = {
            "label": found.label,
            "kind": found.kind,
            "start": period.start,
            "end": period.end,
        }
        if (found.start, found.end) != (period.start, period.end):
            problems.append(
                Problem(
                    viva.objectives[0].item.number,
                    "Time period",
                    "cycle-mismatch",
                    f"cycle '{found.label}' runs {found.start} to {found.end}, "
                    f"not {period.start} to {period.end}",
                )
            )
        return found.id
    for other in cycles:
        if other.parent_id is None and period.start < other.end and other.start < period.end:
            problems.append(
                Problem(
                    viva.objectives[0].item.number,
                    "Time period",
                    "cycle-overlap",
                    f"{period.label} ({period.start} to {period.end}) overlaps cycle "
                    f"'{other.label}' ({other.start} to {other.end})",
                )
            )
    plan.cycle = {
        "label": period.label,
        "kind": period.kind,
        "start": period.start,
        "end": period.end,
    }
    plan.cycle_is_new = True
    return None


def _titles(app: OKRApplication, unit_id: UUID, cycle_id: UUID | None) -> set[str]:
    team_cycle = None if cycle_id is None else app.get_team_cycle(unit_id, cycle_id)
    if team_cycle is None:
        return set()
    return {check.same_text_key(app.get_objective(i).title) for i in team_cycle.objective_ids}


def _unit(
    org: Organization, item: VivaItem, plan: VivaPlan, problems: list[Problem]
) -> UUID | None:
    if not item.team:
        return org.root_unit_id  # an objective of the whole organisation
    key = check.same_text_key(item.team)
    found = [u for u in org.units.values() if not u.archived and check.same_text_key(u.name) == key]
    if len(found) == 1:
        return found[0].id
    if found:
        problems.append(
            Problem(
                item.number, "Team", "ambiguous", f"{len(found)} units are called {item.team!r}"
            )
        )
        return None
    unit_id = uuid4()
    plan.new_units.append({"unit_id": unit_id, "name": item.team})
    plan.where[f"new_units[{len(plan.new_units) - 1}]"] = item.number
    return unit_id


def _owner(
    org: Organization,
    item: VivaItem,
    plan: VivaPlan,
    problems: list[Problem],
    create: bool,
) -> UUID | None:
    """The member an owner cell names: by its e-mail if it has one, else by name."""
    first = item.owner.split(";")[0].strip()  # Viva Goals lists co-owners after a ';'
    email = _EMAIL.search(first)
    name = first[: email.start()].strip(" <\"'") if email else first
    try:
        return member_id(org, email.group(0) if email else first, "owner")
    except NotFound:
        pass
    except OKRError as e:
        problems.append(Problem(item.number, "Owner", e.code, e.message))
        return None
    if not create and email is not None:
        problems.append(
            Problem(
                item.number,
                "Owner",
                "unknown-member",
                f"no member {item.owner!r} in {org.name} (--create-members adds them)",
            )
        )
        return None
    if email is None:
        problems.append(
            Problem(
                item.number,
                "Owner",
                "unknown-member",
                f"no member {item.owner!r} in {org.name}, and no e-mail to add them with",
            )
        )
        return None
    new_id = uuid4()
    address = email.group(0)
    plan.new_members.append(
        {"member_id": new_id, "name": name or address.split("@")[0], "email": address}
    )
    plan.where[f"new_members[{len(plan.new_members) - 1}]"] = item.number
    return new_id


def _key_result(kr: VivaItem) -> dict[str, Any]:
    spec: dict[str, Any] = {"title": kr.title, "metric": kr.metric, "unit": ""}
    if kr.metric != "milestone":
        spec.update(start=kr.metric_start, target=kr.target)
    if kr.check_in_status is not None and kr.current is not None:
        spec.update(current=kr.current, status=kr.check_in_status)
    return spec


_PART = re.compile(
    r"^(?P<part>new_members\[\d+\]|new_units\[\d+\]|new_initiatives\[\d+\]|units\[\d+\]"
    r"(?:\.objectives\[\d+\])?(?:\.key_results\[\d+\])?)"
)
_COLUMN: Mapping[str, str] = {
    "email": "Owner",
    "name": "Owner",
    "owner_id": "Owner",
    "unit_id": "Team",
    "title": "Title",
    "start": "Metric start",
    "target": "Metric target",
    "value": "Metric current",
    "status": "Status",
}


def _located(error: OKRError, where: Mapping[str, int]) -> Problem:
    field = error.field or ""
    if field.startswith("cycle"):
        return Problem(min(where.values(), default=0), "Time period", error.code, error.message)
    match = _PART.match(field)
    if match is None:
        return Problem(0, None, error.code, error.message)
    part = match.group("part")
    rest = field[len(part) :].lstrip(".")
    column = _COLUMN.get(rest.rsplit(".", 1)[-1], "Title")
    if part.startswith("new_units"):
        column = "Team"
    return Problem(where.get(part, 0), column, error.code, error.message)
