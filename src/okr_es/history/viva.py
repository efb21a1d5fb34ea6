"""A Viva Goals export (:mod:`okr_es.spreadsheets.viva`) planned against the store and
written as one import.

The plan resolves teams to units (a team not found becomes a new unit under the
organisation's root), owners to members (by e-mail or name; an unknown one is created
with ``create_members`` when the export gives an e-mail), each time period to a cycle
(the one an earlier import made of it, else the organisation's cycle of that label or of
those dates, else a new one), and compares every item with what the organisation's
import mapping says earlier imports made of it: a new item is made, a key result whose
title or numbers changed is adjusted, an objective renamed, handed over or realigned is
reworded, given its owner or aligned (an initiative handed over too), a check-in not
seen before is recorded back-dated to its day, an objective closed since is closed with
its scores. What okr-es cannot apply without guessing — an item moved to another team,
period or objective, one no longer in the export — is a note. A second import of the
same file plans nothing. Writing hands the plan to :meth:`OKRApplication._import_from_source`:
all of it and the new mapping in one transaction, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID, uuid4

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.import_mapping import VIVA_GOALS
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import ACTIVE, CLOSED, Objective
from okr_es.aggregates.organization import Organization
from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import NotFound, OKRError
from okr_es.history.analyses import member_id
from okr_es.spreadsheets.rows import MAX_PROBLEMS, Problem, SheetInvalid
from okr_es.spreadsheets.viva import (
    ObjectiveIndex,
    VivaCheckIn,
    VivaFile,
    VivaItem,
    VivaObjective,
)
from okr_es.spreadsheets.viva_values import Period

__all__ = ["VivaPlan", "plan_viva_import", "write_viva_import"]

_EMAIL = re.compile(r"[^\s<>;,]+@[^\s<>;,]+\.[^\s<>;,]+")
_CHANGED = "changed in Viva Goals"
# The parts of a plan, in the order they are written (and counted).
PARTS = (
    "cycles", "rewordings", "objectives", "owner_changes", "alignments", "key_results",
    "adjustments", "check_ins", "closings", "initiatives", "initiative_owners",
)  # fmt: skip


class VivaPlan(msgspec.Struct):
    """What an import would write, as :meth:`OKRApplication._import_from_source` takes it."""

    organization_id: UUID
    labels: list[str]  # the export's time periods
    new_members: list[dict[str, Any]] = msgspec.field(default_factory=list)
    new_units: list[dict[str, Any]] = msgspec.field(default_factory=list)
    cycles: list[dict[str, Any]] = msgspec.field(default_factory=list)
    objectives: list[dict[str, Any]] = msgspec.field(default_factory=list)
    rewordings: list[dict[str, Any]] = msgspec.field(default_factory=list)
    owner_changes: list[dict[str, Any]] = msgspec.field(default_factory=list)
    alignments: list[dict[str, Any]] = msgspec.field(default_factory=list)
    key_results: list[dict[str, Any]] = msgspec.field(default_factory=list)
    adjustments: list[dict[str, Any]] = msgspec.field(default_factory=list)
    check_ins: list[dict[str, Any]] = msgspec.field(default_factory=list)
    closings: list[dict[str, Any]] = msgspec.field(default_factory=list)
    initiatives: list[dict[str, Any]] = msgspec.field(default_factory=list)
    initiative_owners: list[dict[str, Any]] = msgspec.field(default_factory=list)
    adopted: dict[str, UUID] = msgspec.field(default_factory=dict)
    skipped: list[str] = msgspec.field(default_factory=list)  # objectives already imported
    notes: list[str] = msgspec.field(default_factory=list)
    # A part's field prefix (``check_ins[3]``) → its row and the prefix of its columns.
    where: dict[str, tuple[int, str]] = msgspec.field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "cycles": len(self.cycles),
            "units": len(self.new_units),
            "members": len(self.new_members),
            "objectives": len(self.objectives),
            "key_results": len(self.key_results),
            "changed_targets": len(self.adjustments),
            "renamed": len(self.rewordings),
            "new_owners": len(self.owner_changes) + len(self.initiative_owners),
            "realigned": len(self.alignments),
            "check_ins": len(self.check_ins),
            "closed": len(self.closings),
            "initiatives": len(self.initiatives),
            "already_imported": len(self.skipped),
        }

    def is_empty(self) -> bool:
        parts = (self.new_members, self.new_units, self.adopted)
        return not any(parts) and not any(getattr(self, p) for p in PARTS)

    def described(self) -> list[str]:
        """What the import would make or change, one line per item, by row."""
        verbs = {
            "cycles": "new cycle", "objectives": "new objective", "key_results": "new key result",
            "adjustments": "change key result", "check_ins": "check-in of", "closings": "close",
            "initiatives": "new initiative", "new_units": "new unit", "new_members": "new member",
            "rewordings": "rename objective", "owner_changes": "new owner of objective",
            "alignments": "align objective", "initiative_owners": "new owner of initiative",
        }  # fmt: skip
        lines = []
        for part in ("new_units", "new_members", *PARTS):
            for i, spec in enumerate(getattr(self, part)):
                row, prefix = self.where.get(f"{part}[{i}]", (0, ""))
                name = spec.get("title") or spec.get("label") or spec.get("name") or ""
                name = name or str(spec.get("key_result") or spec.get("objective") or "")
                sheet = f" ({prefix.rstrip(': ')} sheet)" if prefix else ""
                if "was" in spec:  # a change of something imported before
                    change = f"{spec['was']} → {spec['now']}"
                    if spec["was"] != repr(spec["subject"]):  # not a rename only
                        change = f"{spec['subject']!r}: {change}"
                    lines.append(f"row {row}{sheet}: {verbs[part]} {change}")
                    continue
                extra = ""
                if part == "check_ins":
                    day = spec["checked_in_at"].date() if spec["checked_in_at"] else "today"
                    extra = f": {spec['value']:g} {spec['status']} on {day}"
                lines.append(f"row {row}{sheet}: {verbs[part]} {name!r}{extra}")
        return lines

    def add(self, part: str, spec: dict[str, Any], row: int, prefix: str = "") -> None:
        items: list[dict[str, Any]] = getattr(self, part)
        self.where[f"{part}[{len(items)}]"] = (row, prefix)
        items.append(spec)


class _Context(msgspec.Struct):
    org: Organization
    mapping: dict[str, UUID]
    plan: VivaPlan
    problems: list[Problem]
    create_members: bool
    now: datetime
    unit_ids: dict[str, UUID | None] = msgspec.field(default_factory=dict)
    owners: dict[str, UUID | None] = msgspec.field(default_factory=dict)
    planned: set[str] = msgspec.field(default_factory=set)  # check-ins in the plan
    index: ObjectiveIndex = msgspec.field(default_factory=ObjectiveIndex)
    loaded: dict[UUID, Objective] = msgspec.field(default_factory=dict)  # imported before
    # The stored cycles: label, start, end.
    cycles: dict[UUID, tuple[str, date | None, date | None]] = msgspec.field(default_factory=dict)


def plan_viva_import(
    app: OKRApplication, viva: VivaFile, *, organization_id: UUID, create_members: bool
) -> VivaPlan:
    """The import's plan; raises :class:`SheetInvalid` naming every row that cannot map."""
    org = app.get_organization(organization_id)
    plan = VivaPlan(org.id, [p.label for p in viva.periods], notes=list(viva.notes))
    ctx = _Context(
        org,
        app.import_mapping(org.id, VIVA_GOALS),
        plan,
        [],
        create_members,
        app.clock(),
        index=ObjectiveIndex(viva.objectives),
    )
    cycles = _cycles(app, viva, ctx)
    history: dict[str, list[VivaCheckIn]] = {}
    for reading in viva.check_ins:
        history.setdefault(reading.key_result, []).append(reading)
    titles: dict[tuple[UUID, Any], dict[str, UUID]] = {}
    for objective in _parents_first(viva.objectives, ctx.index):
        item = objective.item
        cycle = cycles.get(check.same_text_key(viva.period_of(item).label))
        existing = _mapped(app, item.key, ctx)
        if existing is not None:
            # Imported before: okr-es keeps it in its unit and cycle, whatever Viva says.
            unit_id: UUID | None = existing.unit_id
            _compare(app, objective, existing, viva.period_of(item), ctx)
        else:
            unit_id = _unit_of(item, ctx)
            existing = _existing(app, objective, unit_id, cycle, titles, ctx)
        if existing is None:
            owner_id = _owner_of(item, ctx)
            if unit_id is None or owner_id is None or cycle is None:
                continue
            _new_objective(app, objective, viva, unit_id, owner_id, cycle, ctx)
        else:
            ctx.loaded[existing.id] = existing
            plan.skipped.append(f"row {item.number}: {item.title!r} ({item.team or org.name})")
        open_ = existing is None or existing.status == ACTIVE
        since = item.start_date or viva.period_of(item).start
        for kr in objective.key_results:
            readings = history.get(kr.key, [])
            _key_result(kr, objective, existing, open_, since, readings, ctx)
        if item.closed and open_:
            _closing(objective, viva.period_of(item), ctx)
        for project in objective.projects:
            _project(app, project, objective, unit_id, open_, ctx)
    _missing(app, viva, ctx)
    if viva.projects:
        rows = ", ".join(str(p.number) for p in viva.projects)
        plan.notes.append(
            f"{len(viva.projects)} project(s) of no objective not imported (rows {rows})"
        )
    if ctx.problems:
        raise SheetInvalid(ctx.problems[:MAX_PROBLEMS])
    return plan


def write_viva_import(app: OKRApplication, plan: VivaPlan, *, by: UUID) -> CommandResult:
    """Write the plan in one transaction; raises :class:`SheetInvalid` on a refusal."""
    try:
        return app._import_from_source(
            organization_id=plan.organization_id,
            source=VIVA_GOALS,
            by=by,
            new_members=plan.new_members,
            new_units=plan.new_units,
            adopted=plan.adopted,
            **{part: getattr(plan, part) for part in PARTS},
        )
    except OKRError as e:
        raise SheetInvalid([_located(e, plan.where)]) from None


def _cycles(app: OKRApplication, viva: VivaFile, ctx: _Context) -> dict[str, UUID | str]:
    """Each period's cycle: its id, or the key of the new cycle the plan defines."""
    stored = app.cycles(ctx.org.id)
    ctx.cycles = {c.id: (c.label, c.start, c.end) for c in stored}
    found: dict[str, UUID | str] = {}
    for period in viva.periods:
        label = check.same_text_key(period.label)
        # An objective imported before stays in its cycle: a period of only those needs none.
        rows = (
            o.item.number
            for o in viva.objectives
            if _same(o.item.period, period.label) and o.item.key not in ctx.mapping
        )
        row = next(rows, None)
        if row is None:  # only key results or projects (under an earlier objective) name it
            continue
        key = f"c:{label}"
        mapped = ctx.mapping.get(key)
        if mapped is not None and any(c.id == mapped for c in stored):
            found[label] = mapped
            continue
        same = [c for c in stored if _same(c.label, period.label)]
        same = same or [c for c in stored if (c.start, c.end) == (period.start, period.end)]
        if same:
            if (same[0].start, same[0].end) != (period.start, period.end):
                ctx.problems.append(
                    Problem(
                        row,
                        "Time period",
                        "cycle-mismatch",
                        f"cycle '{same[0].label}' runs {same[0].start} to {same[0].end}, "
                        f"not {period.start} to {period.end} as {period.label}",
                    )
                )
            ctx.plan.adopted[key] = found[label] = same[0].id
            continue
        others = [(c.label, c.start, c.end) for c in stored if c.parent_id is None]
        others += [(c["label"], c["start"], c["end"]) for c in ctx.plan.cycles]
        for name, start, end in others:
            if period.start <= end and start <= period.end:
                ctx.problems.append(
                    Problem(
                        row,
                        "Time period",
                        "cycle-overlap",
                        f"{period.label} ({period.start} to {period.end}) overlaps cycle "
                        f"'{name}' ({start} to {end})",
                    )
                )
        spec = {
            "key": key,
            "label": period.label,
            "kind": period.kind,
            "start": period.start,
            "end": period.end,
        }
        ctx.plan.add("cycles", spec, row)
        found[label] = key
    return found


def _parents_first(
    objectives: Sequence[VivaObjective], index: ObjectiveIndex
) -> list[VivaObjective]:
    """The objectives with every one aligned to within the file before its children."""
    placed: list[VivaObjective] = []
    done: set[str] = set()

    def place(objective: VivaObjective, seen: frozenset[str]) -> None:
        if objective.item.key in done or objective.item.key in seen:
            return
        parent = index.named(objective.item)
        if parent is not None:
            place(parent, seen | {objective.item.key})
        done.add(objective.item.key)
        placed.append(objective)

    for objective in objectives:
        place(objective, frozenset())
    return placed


def _mapped(app: OKRApplication, key: str, ctx: _Context) -> Objective | None:
    """The objective an earlier import made of the item of this source key."""
    mapped = ctx.mapping.get(key)
    if mapped is None:
        return None
    try:
        return app.get_objective(mapped)
    except NotFound:
        return None


def _compare(
    app: OKRApplication,
    objective: VivaObjective,
    existing: Objective,
    period: Period,
    ctx: _Context,
) -> None:
    """What changed in Viva Goals since the objective was imported: a new title, owner or
    alignment is planned; a move to another team or period is noted, not made (okr-es
    cannot tell what should become of its check-ins, children and the sets it left)."""
    item = objective.item
    plan = ctx.plan
    here = ctx.org.units.get(existing.unit_id)
    if item.team and here is not None and not _same(here.name, item.team):
        plan.notes.append(
            f"row {item.number}: {item.title!r} moved from {here.name} to {item.team} in "
            f"Viva Goals; okr-es keeps it in {here.name} — move it by hand"
        )
    was, start, end = ctx.cycles.get(existing.cycle_id, ("its cycle", None, None))
    if item.period and (start, end) != (period.start, period.end):
        plan.notes.append(
            f"row {item.number}: {item.title!r} moved from {was} to {item.period} in "
            f"Viva Goals; okr-es keeps it in {was} — move it by hand"
        )
    owner_id = _owner_if_known(item, ctx) if item.owner else existing.owner_id
    changed = item.title != existing.title or owner_id not in (None, existing.owner_id)
    if existing.status == CLOSED and not item.closed:
        plan.notes.append(
            f"row {item.number}: {item.title!r} is open in Viva Goals, closed in okr-es: "
            "left closed — reopen it by hand"
        )
    if existing.status != ACTIVE:
        if changed:
            plan.notes.append(
                f"row {item.number}: {item.title!r} changed in Viva Goals, but is "
                f"{existing.status} in okr-es: not applied"
            )
        return
    if item.title != existing.title:
        spec: dict[str, Any] = {
            "objective": item.key,
            "title": item.title,
            "subject": existing.title,
            "was": repr(existing.title),
            "now": repr(item.title),
        }
        plan.add("rewordings", spec, item.number)
    if owner_id is not None and owner_id != existing.owner_id:
        spec = {
            "objective": item.key,
            "owner_id": owner_id,
            "subject": item.title,
            "was": _member_name(ctx, existing.owner_id),
            "now": _member_name(ctx, owner_id, item.owner),
        }
        plan.add("owner_changes", spec, item.number)
    _realign(app, item, existing, ctx)


def _realign(app: OKRApplication, item: VivaItem, existing: Objective, ctx: _Context) -> None:
    """Plan aligning an imported objective to the parent Viva Goals now names."""
    parent = ctx.index.named(item)
    parent_id: UUID | None = None
    if parent is not None:
        key, title = parent.item.key, parent.item.title
        parent_id = ctx.mapping.get(key) or ctx.plan.adopted.get(key)
        if parent_id is None:
            if not any(o["key"] == key for o in ctx.plan.objectives):
                return  # not imported: its own row says why
            parent_unit = _unit_of(parent.item, ctx, quiet=True)
        else:
            parent_unit = _objective_unit(app, parent_id, ctx)
    elif item.parent_id and f"o:id:{item.parent_id}" in ctx.mapping:
        key = f"o:id:{item.parent_id}"  # an objective of an earlier export
        parent_id, title = ctx.mapping[key], item.parent or item.parent_id
        parent_unit = _objective_unit(app, parent_id, ctx)
    else:
        if existing.aligned_to_objective_id is not None and not (item.parent or item.parent_id):
            ctx.plan.notes.append(
                f"row {item.number}: {item.title!r} is aligned to nothing in Viva Goals; "
                "okr-es keeps its alignment — take it away by hand"
            )
        return
    if parent_id is not None and parent_id == existing.aligned_to_objective_id:
        return
    if parent_unit is None or parent_unit not in _ancestors(ctx, existing.unit_id):
        ctx.plan.notes.append(
            f"row {item.number}: alignment to {title!r} not imported: not an objective "
            "of a parent unit"
        )
        return
    was = existing.aligned_to_objective_id
    spec = {
        "objective": item.key,
        "aligned_to": key,
        "subject": item.title,
        "was": "nothing" if was is None else repr(_objective_title(app, was, ctx)),
        "now": repr(title),
    }
    ctx.plan.add("alignments", spec, item.number)


def _objective_unit(app: OKRApplication, objective_id: UUID, ctx: _Context) -> UUID | None:
    try:
        found = ctx.loaded.get(objective_id) or app.get_objective(objective_id)
    except NotFound:
        return None
    return found.unit_id


def _objective_title(app: OKRApplication, objective_id: UUID, ctx: _Context) -> str:
    try:
        return (ctx.loaded.get(objective_id) or app.get_objective(objective_id)).title
    except NotFound:
        return str(objective_id)


def _member_name(ctx: _Context, member_id: UUID, fallback: str = "") -> str:
    member = ctx.org.members.get(member_id)
    if member is not None:
        return member.name
    return next((m["name"] for m in ctx.plan.new_members if m["member_id"] == member_id), fallback)


# The key of a reading: its key result's key, @, its day (or "current"), value and status.
_READING_KEY = re.compile(r"@(\d{4}-\d{2}-\d{2}|current)\|[^|]*\|[a-z]+$")


def _missing(app: OKRApplication, viva: VivaFile, ctx: _Context) -> None:
    """Note what an earlier import made of items this export no longer has: Viva Goals
    may have deleted them, or they may have been left out of the export; either way
    okr-es leaves them as they are."""
    seen = {p.key for p in viva.projects}
    for objective in viva.objectives:
        seen.add(objective.item.key)
        seen.update(kr.key for kr in objective.key_results)
        seen.update(p.key for p in objective.projects)
    key_results = {kr.id: (kr, o) for o in ctx.loaded.values() for kr in o.key_results.values()}
    for key, value in ctx.mapping.items():
        if key in seen or _READING_KEY.search(key):
            continue
        kind = key.split(":", 1)[0]
        name = ""
        if kind == "o":
            try:
                name = f"objective {app.get_objective(value).title!r}"
            except NotFound:
                continue
        elif kind == "p":
            try:
                name = f"initiative {app.read_aggregate(Initiative, value).title!r}"
            except NotFound:
                continue
        elif kind == "k" and value in key_results:
            kr, parent = key_results[value]
            if kr.removed:
                continue
            name = f"key result {kr.title!r} of {parent.title!r}"
        if not name:  # a key result of an objective noted itself
            continue
        source = f" (Viva Goals id {key.split(':id:', 1)[1]})" if ":id:" in key else ""
        ctx.plan.notes.append(f"in the last import, not in this one: {name}{source}: left as is")


def _existing(
    app: OKRApplication,
    objective: VivaObjective,
    unit_id: UUID | None,
    cycle: UUID | str | None,
    titles: dict[tuple[UUID, Any], dict[str, UUID]],
    ctx: _Context,
) -> Objective | None:
    """The objective an import from before mappings made of this one: the unit's
    objective of the same title in the same cycle."""
    if unit_id is None or not isinstance(cycle, UUID):
        return None
    if (unit_id, cycle) not in titles:
        team_cycle = app.get_team_cycle(unit_id, cycle)
        ids = team_cycle.objective_ids if team_cycle else []
        titles[(unit_id, cycle)] = {check.same_text_key(app.get_objective(i).title): i for i in ids}
    found = titles[(unit_id, cycle)].get(check.same_text_key(objective.item.title))
    if found is None:
        return None
    ctx.plan.adopted[objective.item.key] = found
    existing = app.get_objective(found)
    for kr in objective.key_results:
        same = [k for k in existing.active_key_results() if _same(k.title, kr.title)]
        if same:
            ctx.plan.adopted[kr.key] = same[0].id
    return existing


def _new_objective(
    app: OKRApplication,
    objective: VivaObjective,
    viva: VivaFile,
    unit_id: UUID,
    owner_id: UUID,
    cycle: UUID | str,
    ctx: _Context,
) -> None:
    item = objective.item
    aligned_to: str | None = None
    parent = ctx.index.named(item)
    named = item.parent or item.parent_id
    if parent is not None:
        parent_unit = _unit_of(parent.item, ctx, quiet=True)
        if parent_unit is not None and parent_unit in _ancestors(ctx, unit_id):
            aligned_to = parent.item.key
        else:
            ctx.plan.notes.append(
                f"row {item.number}: alignment to {named!r} not imported: "
                f"{parent.item.team or 'its team'} is not a parent unit of "
                f"{item.team or 'the organisation'}"
            )
    elif item.parent_id and f"o:id:{item.parent_id}" in ctx.mapping:
        try:  # an objective of an earlier export
            earlier = app.get_objective(ctx.mapping[f"o:id:{item.parent_id}"])
        except NotFound:
            earlier = None
        if earlier is not None and earlier.unit_id in _ancestors(ctx, unit_id):
            aligned_to = f"o:id:{item.parent_id}"
        else:
            ctx.plan.notes.append(
                f"row {item.number}: alignment to {named!r} not imported: not an objective "
                "of a parent unit"
            )
    elif named:
        ctx.plan.notes.append(
            f"row {item.number}: alignment to {named!r} not imported: no such objective "
            "in the export or imported before"
        )
    spec = {
        "key": item.key,
        "unit_id": unit_id,
        "cycle": cycle,
        "title": item.title,
        "owner_id": owner_id,
        "aligned_to": aligned_to,
        "effective_at": _past(item.start_date or viva.period_of(item).start, ctx),
    }
    ctx.plan.add("objectives", spec, item.number)


def _ancestors(ctx: _Context, unit_id: UUID) -> list[UUID]:
    if unit_id in ctx.org.units:
        return ctx.org.ancestors(unit_id)
    return [ctx.org.root_unit_id]  # a new unit is put under the root


def _key_result(
    kr: VivaItem,
    objective: VivaObjective,
    existing: Objective | None,
    open_: bool,
    since: date,
    history: Sequence[VivaCheckIn],
    ctx: _Context,
) -> None:
    plan = ctx.plan
    kr_id = ctx.mapping.get(kr.key) or plan.adopted.get(kr.key)
    if kr_id is not None and (existing is None or kr_id not in existing.key_results):
        plan.notes.append(
            f"row {kr.number}: {kr.title!r} moved to objective {objective.item.title!r} in "
            "Viva Goals; okr-es keeps it under the objective it was imported to — move it "
            "by hand"
        )
        return
    stored = None if existing is None or kr_id is None else existing.key_results.get(kr_id)
    if stored is not None and stored.removed and kr.key in ctx.mapping:
        plan.notes.append(f"row {kr.number}: {kr.title!r} was removed in okr-es: not added again")
        return
    if stored is None or stored.removed:
        if not open_:
            plan.notes.append(f"row {kr.number}: {kr.title!r} not added to a closed objective")
            return
        spec: dict[str, Any] = {
            "key": kr.key,
            "objective": objective.item.key,
            "title": kr.title,
            "metric": kr.metric,
            # From its objective's start, unless it has its own: its history is then.
            "effective_at": _past(kr.start_date or since, ctx),
        }
        if kr.metric != "milestone":
            spec.update(start=kr.metric_start, target=kr.target)
        plan.add("key_results", spec, kr.number)
    else:
        numbers = kr.metric != "milestone" and (stored.start, stored.target) != (
            kr.metric_start,
            kr.target,
        )
        if (numbers or kr.title != stored.title) and not open_:
            plan.notes.append(f"row {kr.number}: {kr.title!r} changed, its objective is closed")
            return
        if numbers or kr.title != stored.title:
            before: list[str] = []
            after: list[str] = []
            if kr.title != stored.title:
                before.append(repr(stored.title))
                after.append(repr(kr.title))
            if numbers:
                before.append(f"{_number(stored.start)} to {_number(stored.target)}")
                after.append(f"{_number(kr.metric_start)} to {_number(kr.target)}")
            change = {
                "objective": objective.item.key,
                "key_result": kr.key,
                "title": kr.title,
                "start": kr.metric_start if numbers else None,
                "target": kr.target if numbers else None,
                "reason": _CHANGED,
                "subject": stored.title,  # for the dry run's list
                "was": ", ".join(before),
                "now": ", ".join(after),
            }
            plan.add("adjustments", change, kr.number, "")
    if not open_:
        return
    readings = sorted(history, key=lambda r: r.on)
    for reading in readings:
        _check_in(reading.key, reading, objective, kr, ctx)
    if kr.check_in_status is not None and kr.current is not None and not kr.closed:
        last = readings[-1] if readings else None
        now = (kr.current, kr.check_in_status)
        # The row's own reading, unless the history or the store already ends with it.
        seen = last is not None and (last.value, last.status) == now
        if not seen and (stored is None or (stored.current, stored.status) != now):
            on = kr.check_in_date
            day = on.isoformat() if on else "current"
            key = f"{kr.key}@{day}|{kr.current:g}|{kr.check_in_status}"
            row = VivaCheckIn(
                kr.number, "", kr.key, on or ctx.now.date(), kr.current, kr.check_in_status,
                kr.check_in_note, kr.check_in_by,
            )  # fmt: skip
            _check_in(key, row, objective, kr, ctx, dated=on is not None)
    elif kr.current is not None and not kr.closed and not history:
        plan.notes.append(
            f"row {kr.number}: current value {kr.current:g} not recorded "
            f"(status {kr.status or 'empty'}: no check-in)"
        )


def _check_in(
    key: str,
    reading: VivaCheckIn,
    objective: VivaObjective,
    kr: VivaItem,
    ctx: _Context,
    *,
    dated: bool = True,
) -> None:
    if key in ctx.mapping or key in ctx.planned:
        return
    ctx.planned.add(key)
    when = _day(reading.on) if dated else None
    if when is not None and when > ctx.now:
        column = reading.column_prefix + (
            "Check-in date" if reading.column_prefix else "Last check-in"
        )
        ctx.problems.append(
            Problem(reading.number, column, "in-the-future", f"{reading.on} is in the future")
        )
        return
    spec = {
        "title": kr.title,  # for the dry run's list
        "key": key,
        "objective": objective.item.key,
        "key_result": kr.key,
        "value": reading.value,
        "status": reading.status,
        "comment": reading.note,
        "checked_in_at": when,
    }
    ctx.plan.add("check_ins", spec, reading.number, reading.column_prefix)


def _closing(objective: VivaObjective, period: Period, ctx: _Context) -> None:
    item = objective.item
    scores: dict[str, float] = {}
    for kr in objective.key_results:
        if kr.score is None:
            continue
        score = kr.score / 100 if kr.score > 1 else kr.score  # a percentage
        if not 0 <= score <= 1:
            ctx.problems.append(
                Problem(
                    kr.number, "Score", "out-of-range", "a score lies from 0 to 1 (or 0 % to 100 %)"
                )
            )
            continue
        scores[kr.key] = score
    spec = {
        "title": item.title,  # for the dry run's list
        "objective": item.key,
        "scores": scores,
        "note": item.closing_note,
        "effective_at": _past(item.due or period.end, ctx),
    }
    ctx.plan.add("closings", spec, item.number)


def _project(
    app: OKRApplication,
    project: VivaItem,
    objective: VivaObjective,
    unit_id: UUID | None,
    open_: bool,
    ctx: _Context,
) -> None:
    if project.key in ctx.mapping:
        _project_changes(app, project, objective, ctx)
        return
    if unit_id is None:
        return
    owner_id = _owner_of(project, ctx) if project.owner else _owner_of(objective.item, ctx)
    if owner_id is None:
        return
    named = [kr for kr in objective.key_results if _same(kr.title, project.parent)]
    # Work toward an objective moves its key results; one named as parent, that one.
    links = (
        [] if not open_ else [[objective.item.key, kr.key] for kr in named or objective.key_results]
    )
    spec = {
        "key": project.key,
        "unit_id": unit_id,
        "title": project.title,
        "owner_id": owner_id,
        "due_on": project.due,
        "links": links,
    }
    ctx.plan.add("initiatives", spec, project.number)


def _project_changes(
    app: OKRApplication, project: VivaItem, objective: VivaObjective, ctx: _Context
) -> None:
    """A new owner of an initiative imported before is planned; a new title is noted:
    an initiative keeps the title it was started with."""
    try:
        initiative = app.read_aggregate(Initiative, ctx.mapping[project.key])
    except NotFound:
        return
    if project.title != initiative.title:
        ctx.plan.notes.append(
            f"row {project.number}: initiative {initiative.title!r} is called "
            f"{project.title!r} in Viva Goals; okr-es keeps its title"
        )
    named = project if project.owner else objective.item
    owner_id = _owner_if_known(named, ctx)
    if owner_id is not None and owner_id != initiative.owner_id:
        spec = {
            "initiative": project.key,
            "owner_id": owner_id,
            "subject": initiative.title,
            "was": _member_name(ctx, initiative.owner_id),
            "now": _member_name(ctx, owner_id, project.owner),
        }
        ctx.plan.add("initiative_owners", spec, project.number)


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _unit_of(item: VivaItem, ctx: _Context, *, quiet: bool = False) -> UUID | None:
    team = check.same_text_key(item.team)
    if ctx.unit_ids.get(team) is None:
        if quiet and team not in ctx.unit_ids:
            return None
        # A failed look-up is not remembered: every row it fails on is reported.
        ctx.unit_ids[team] = _unit(ctx.org, item, ctx.plan, ctx.problems)
    return ctx.unit_ids[team]


def _owner_of(item: VivaItem, ctx: _Context) -> UUID | None:
    if ctx.owners.get(item.owner) is None:
        ctx.owners[item.owner] = _owner(ctx.org, item, ctx.plan, ctx.problems, ctx.create_members)
    return ctx.owners[item.owner]


def _owner_if_known(item: VivaItem, ctx: _Context) -> UUID | None:
    """The member an owner cell names, else ``None`` and a note: a new owner of something
    imported before is not worth refusing the whole import over."""
    if ctx.owners.get(item.owner) is None:
        problems: list[Problem] = []
        found = _owner(ctx.org, item, ctx.plan, problems, ctx.create_members)
        if found is None:
            reason = problems[0].message if problems else "not found"
            ctx.plan.notes.append(f"row {item.number}: owner not changed: {reason}")
            return None
        ctx.owners[item.owner] = found
    return ctx.owners[item.owner]


def _same(a: str, b: str) -> bool:
    return check.same_text_key(a) == check.same_text_key(b)


def _day(on: date) -> datetime:
    return datetime.combine(on, time(), tzinfo=UTC)


def _past(on: date | None, ctx: _Context) -> datetime | None:
    """A business time of the export, unless it lies ahead (a due date): then none."""
    if on is None:
        return None
    when = _day(on)
    return when if when <= ctx.now else None


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
    plan.add("new_units", {"unit_id": unit_id, "name": item.team}, item.number)
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
    plan.add(
        "new_members",
        {"member_id": new_id, "name": name or address.split("@")[0], "email": address},
        item.number,
    )
    return new_id


_PART = re.compile(r"^(?P<part>[a-z_]+\[\d+\])")
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
    "checked_in_at": "Check-in date",
    "comment": "Check-in note",
    "scores": "Score",
    "note": "Closing note",
    "aligned_to": "Aligned parent",
    "links": "Aligned parent",
    "parent_objective_id": "Aligned parent",
    "objective": "Title",
    "initiative": "Title",
    "due_on": "Due",
    "effective_at": "Due",
}
# The column a part is named by when its field says nothing more.
_PART_COLUMN = {"cycles": "Time period", "new_units": "Team", "new_members": "Owner"}


def _located(error: OKRError, where: Mapping[str, tuple[int, str]]) -> Problem:
    match = _PART.match(error.field or "")
    if match is None:
        return Problem(0, None, error.code, error.message)
    part = match.group("part")
    rest = (error.field or "")[len(part) :].lstrip(".")
    row, prefix = where.get(part, (0, ""))
    kind = part.split("[", 1)[0]
    column = _PART_COLUMN.get(kind) or _COLUMN.get(rest.split(".", 1)[0], "Title")
    return Problem(row, prefix + column, error.code, error.message)
