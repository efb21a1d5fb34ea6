"""Use cases of importing OKRs at once: a whole cycle's (e.g. from a spreadsheet), the
cycle itself when it is new, every unit's objectives and key results, and each key
result's current reading; and what an export of another tool (Viva Goals) adds to what
earlier imports of it made, with the map of its items to okr-es ids. Each all in one
transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.import_mapping import ImportMapping, import_mapping_id
from okr_es.aggregates.initiative import Initiative, KeyResultRef
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.errors import InvalidInput, NotFound, RuleViolation
from okr_es.use_cases.machinery import CommandResult, located
from okr_es.use_cases.reads import AggregateReads

# What a key result of an imported cycle may carry besides its definition: its reading.
_READING = ("current", "status")


class CycleImportCommands(AggregateReads):
    """Import a cycle's OKRs across units."""

    if TYPE_CHECKING:  # provided by ObjectiveCommands, beside which the application has this

        def _imported(
            self,
            org: Organization,
            actor: UUID,
            unit_id: UUID,
            cycle_id: UUID,
            team_cycle: TeamCycle,
            objectives: Sequence[Mapping[str, Any]],
        ) -> tuple[list[Objective], dict[str, UUID], list[str]]: ...

        def _team_cycle(
            self, org_id: UUID, unit_id: UUID, cycle_id: UUID, actor: UUID
        ) -> TeamCycle: ...

        def _titles_in_set(self, team_cycle: TeamCycle, *, but: UUID | None = None) -> set[str]: ...

    def import_cycle(
        self,
        *,
        organization_id: Any,
        cycle: Mapping[str, Any],
        units: Sequence[Mapping[str, Any]],
        by: Any,
        checked_in_at: Any = None,
        new_members: Sequence[Mapping[str, Any]] = (),
        new_units: Sequence[Mapping[str, Any]] = (),
        new_initiatives: Sequence[Mapping[str, Any]] = (),
    ) -> CommandResult:
        """Set the objectives of several units for one cycle at once: all or nothing.

        ``cycle`` holds ``label``, ``kind``, ``start`` and ``end``: a cycle of the
        organisation with that label is used when its dates are the same (else
        ``cycle-mismatch``), otherwise it is defined (top-level; it may not overlap
        another). ``units`` is a list of ``{"unit_id", "objectives"}``, the objectives as
        for ``import_objectives``; a key result may also carry its ``current`` value and
        ``status`` (green, yellow, red), recorded as a check-in at ``checked_in_at``
        (default: now). Every objective passes the checks of ``set_objective``; the new
        cycle, the units' sets, the objectives and their check-ins are saved in one
        transaction. A refusal's field names the part at fault, 0-based:
        ``units[1].objectives[0].key_results[2].target``, ``cycle.start``.
        """
        # new_members ({"member_id", "name", "email"}) and new_units ({"unit_id", "name"},
        # teams under the root unit) are added to the organisation first, in the same
        # transaction: an import from another tool (Viva Goals) brings its people and
        # teams along; new_initiatives ({"unit_id", "title", "owner_id"}) are started, not
        # linked. Not offered over HTTP: adding members is a command of its own there.
        when = self._business_time(checked_in_at, "checked_in_at")
        if isinstance(units, (str, bytes, Mapping)) or not isinstance(units, Sequence):
            raise InvalidInput("units must be a list", code="wrong-type", field="units")
        if not units:
            raise InvalidInput("units is empty", code="empty", field="units")
        if not isinstance(cycle, Mapping):
            raise InvalidInput("cycle must be an object", code="wrong-type", field="cycle")
        with self._cross_checked():
            org, actor = self._organization_and_actor(
                organization_id, by, for_change=bool(new_members or new_units)
            )
            _add_members_and_units(org, actor, new_members, new_units)
            with located("cycle"):
                target, created = self._cycle_to_fill(org, actor, cycle)
            saved: list[OKRAggregate] = [target] if created else []
            if new_members or new_units:
                saved.insert(0, org)
            ids: dict[str, UUID] = {"cycle_id": target.id}
            warnings: list[str] = []
            seen: set[UUID] = set()
            for i, entry in enumerate(units):
                with located(f"units[{i}]"):
                    if not isinstance(entry, Mapping):
                        raise InvalidInput("must be an object", code="wrong-type", field=None)
                    unit = org.active_unit(check.identifier(entry.get("unit_id"), "unit_id"))
                    if unit.id in seen:
                        raise InvalidInput(
                            f"unit '{unit.name}' is given twice",
                            code="duplicate-unit",
                            field="unit_id",
                        )
                    seen.add(unit.id)
                    objectives, readings = _split_readings(entry.get("objectives"))
                    # A new cycle has no unit sets yet: none to look for in the store.
                    team_cycle = (
                        TeamCycle.open(
                            organization_id=org.id, unit_id=unit.id, cycle_id=target.id, by=actor
                        )
                        if created
                        else self._team_cycle(org.id, unit.id, target.id, actor)
                    )
                    built, built_ids, more = self._imported(
                        org, actor, unit.id, target.id, team_cycle, objectives
                    )
                    for (j, k), (value, status) in readings.items():
                        with located(f"objectives[{j}].key_results[{k}]"):
                            built[j].check_in(
                                key_result_id=built_ids[f"key_result_id_{j}_{k}"],
                                value=value,
                                status=status,
                                checked_in_at=when or self.clock(),
                                by=actor,
                            )
                saved += [team_cycle, *built]
                warnings += more
                ids.update({f"{key}_{i}": value for key, value in built_ids.items()})
            for i, spec in enumerate(new_initiatives):
                with located(f"new_initiatives[{i}]"):
                    initiative_id = uuid4()
                    saved.append(
                        Initiative.start(
                            initiative_id=initiative_id,
                            organization_id=org.id,
                            unit_id=org.active_unit(
                                check.identifier(spec.get("unit_id"), "unit_id")
                            ).id,
                            title=spec.get("title"),
                            owner_id=org.active_member(
                                check.identifier(spec.get("owner_id"), "owner_id"),
                                field="owner_id",
                            ).id,
                            by=actor,
                        )
                    )
                    ids[f"initiative_id_{i}"] = initiative_id
            return self._saved(*saved, ids=ids, warnings=warnings)

    def _import_from_source(
        self,
        *,
        organization_id: Any,
        source: str,
        by: Any,
        new_members: Sequence[Mapping[str, Any]] = (),
        new_units: Sequence[Mapping[str, Any]] = (),
        adopted: Mapping[str, UUID] | None = None,
        cycles: Sequence[Mapping[str, Any]] = (),
        objectives: Sequence[Mapping[str, Any]] = (),
        rewordings: Sequence[Mapping[str, Any]] = (),
        owner_changes: Sequence[Mapping[str, Any]] = (),
        alignments: Sequence[Mapping[str, Any]] = (),
        key_results: Sequence[Mapping[str, Any]] = (),
        adjustments: Sequence[Mapping[str, Any]] = (),
        check_ins: Sequence[Mapping[str, Any]] = (),
        closings: Sequence[Mapping[str, Any]] = (),
        initiatives: Sequence[Mapping[str, Any]] = (),
        initiative_owners: Sequence[Mapping[str, Any]] = (),
    ) -> CommandResult:
        """Write what an export of another tool (``source``) adds, all or nothing, and
        record in the organisation's :class:`ImportMapping` which source item became
        which okr-es object: a later export's items already mapped are not made again.

        The parts name each other by source key (``key``): one made by this import, or
        one an earlier import mapped; an existing object may also be named by its id.
        ``cycles``: ``{key, label, kind, start, end}``, new top-level cycles.
        ``objectives``: ``{key, unit_id, cycle, title, owner_id, aligned_to,
        effective_at}`` (an objective aligned to comes before its children; it is one of
        an ancestor unit). ``rewordings``: ``{objective, title}``, ``owner_changes``:
        ``{objective, owner_id}`` and ``alignments``: ``{objective, aligned_to}``, what
        changed in the source since an objective was imported. ``key_results``: ``{key,
        objective, title, metric, start, target, effective_at}``. ``adjustments``:
        ``{objective, key_result, title, start, target, reason, effective_at}`` (an
        unspecified field keeps its value). ``check_ins``: ``{key, objective, key_result,
        value, status, comment, checked_in_at}``, back-dated by their business time.
        ``closings``: ``{objective, scores: {key result: score}, note, effective_at}``.
        ``initiatives``: ``{key, unit_id, title, owner_id, due_on, links: [[objective,
        key result]]}``; ``initiative_owners``: ``{initiative, owner_id}``. ``adopted``:
        source keys of objects already in the store (made before the mapping existed) to
        map as they are. A refusal's field names the part
        at fault, 0-based: ``key_results[3].target``. The result's ids name what was made
        by part and index: ``objective_id_0``, ``key_result_id_2``, ``initiative_id_0``.

        Not a command of its own: it is reached through an import of a tool's export (the
        Viva Goals import, on the command line and over HTTP), which plans these parts.
        """
        with self._cross_checked():
            org, actor = self._organization_and_actor(
                organization_id, by, for_change=bool(new_members or new_units)
            )
            _add_members_and_units(org, actor, new_members, new_units)
            mapping = self._mapping(org.id, source, actor)
            made: dict[str, UUID] = {
                check.line(key, "adopted", max_length=2000): check.identifier(value, "adopted")
                for key, value in (adopted or {}).items()
            }

            def ref(value: Any, field: str) -> UUID:
                if isinstance(value, UUID):
                    return value
                found = made.get(value) if isinstance(value, str) else None
                found = found or (mapping.ids.get(value) if isinstance(value, str) else None)
                if found is None:
                    raise NotFound(f"no imported item {value!r}", field=field)
                return found

            touched: dict[UUID, OKRAggregate] = {}

            def objective(value: Any, field: str) -> Objective:
                objective_id = ref(value, field)
                if objective_id not in touched:
                    touched[objective_id] = self._of_organization(
                        Objective, org.id, objective_id, field
                    )
                found = touched[objective_id]
                assert isinstance(found, Objective)
                return found

            warnings: list[str] = []
            siblings = [c for c in self._all(Cycle) if c.organization_id == org.id]
            siblings = [c for c in siblings if c.parent_id is None]
            for i, spec in enumerate(cycles):
                with located(f"cycles[{i}]"):
                    cycle = Cycle.define(
                        cycle_id=uuid4(),
                        organization_id=org.id,
                        label=check.line(spec.get("label"), "label", max_length=check.NAME_MAX),
                        kind=str(spec.get("kind") or ""),
                        start=spec.get("start"),
                        end=spec.get("end"),
                        parent=None,
                        siblings=siblings,
                        by=actor,
                    )
                    siblings.append(cycle)
                    touched[cycle.id] = cycle
                    made[_key(spec)] = cycle.id
            titles: dict[UUID, set[str]] = {}
            # Before the new objectives: one may take the title another had.
            for i, spec in enumerate(rewordings):
                with located(f"rewordings[{i}]"):
                    target = objective(spec.get("objective"), "objective")
                    team_cycle = self._team_cycle_of(
                        touched, org.id, target.unit_id, target.cycle_id, actor
                    )
                    if team_cycle.id not in titles:
                        titles[team_cycle.id] = self._titles_in_set(team_cycle)
                    titles[team_cycle.id].discard(check.same_text_key(target.title))
                    target.reword(title=spec.get("title"), why=None, by=actor)
                    title = check.same_text_key(target.title)
                    if title in titles[team_cycle.id]:
                        raise RuleViolation(
                            "the unit's set for this cycle already has an objective "
                            f"'{target.title}'",
                            code="duplicate-objective",
                            field="title",
                        )
                    titles[team_cycle.id].add(title)
            for i, spec in enumerate(objectives):
                with located(f"objectives[{i}]"):
                    unit = org.active_unit(check.identifier(spec.get("unit_id"), "unit_id"))
                    cycle_id = ref(spec.get("cycle"), "cycle")
                    owner = org.active_member(
                        check.identifier(spec.get("owner_id"), "owner_id"), field="owner_id"
                    )
                    parent = None
                    if spec.get("aligned_to") is not None:
                        parent = objective(spec["aligned_to"], "aligned_to")
                        if parent.unit_id not in org.ancestors(unit.id):
                            raise RuleViolation(
                                "align to an objective of a parent unit",
                                code="alignment-not-ancestor",
                                field="aligned_to",
                            )
                    new = Objective.set(
                        objective_id=uuid4(),
                        organization_id=org.id,
                        unit_id=unit.id,
                        cycle_id=cycle_id,
                        title=spec.get("title"),
                        why="",
                        owner_id=owner.id,
                        aligned_to_objective_id=None if parent is None else parent.id,
                        effective_at=_instant(spec.get("effective_at")),
                        by=actor,
                    )
                    team_cycle = self._team_cycle_of(touched, org.id, unit.id, cycle_id, actor)
                    if team_cycle.id not in titles:
                        titles[team_cycle.id] = self._titles_in_set(team_cycle)
                    title = check.same_text_key(new.title)
                    if title in titles[team_cycle.id]:
                        raise RuleViolation(
                            f"the unit's set for this cycle already has an objective '{new.title}'",
                            code="duplicate-objective",
                            field="title",
                        )
                    titles[team_cycle.id].add(title)
                    warnings += team_cycle.commit(objective_id=new.id, policy=org.policy, by=actor)
                    touched[new.id] = new
                    made[_key(spec)] = new.id
            for i, spec in enumerate(owner_changes):
                with located(f"owner_changes[{i}]"):
                    owner = org.active_member(
                        check.identifier(spec.get("owner_id"), "owner_id"), field="owner_id"
                    )
                    objective(spec.get("objective"), "objective").change_owner(
                        owner_id=owner.id, by=actor
                    )
            for i, spec in enumerate(alignments):
                with located(f"alignments[{i}]"):
                    child = objective(spec.get("objective"), "objective")
                    parent = objective(spec.get("aligned_to"), "aligned_to")
                    if parent.unit_id not in org.ancestors(child.unit_id):
                        raise RuleViolation(
                            "align to an objective of a parent unit",
                            code="alignment-not-ancestor",
                            field="aligned_to",
                        )
                    child.align(parent=parent, key_result_id=None, by=actor)
            for i, spec in enumerate(key_results):
                with located(f"key_results[{i}]"):
                    target = objective(spec.get("objective"), "objective")
                    kr_id = uuid4()
                    warnings += target.add_key_result(
                        key_result_id=kr_id,
                        title=spec.get("title"),
                        metric=spec.get("metric"),
                        start=spec.get("start"),
                        target=spec.get("target"),
                        policy=org.policy,
                        effective_at=_instant(spec.get("effective_at")),
                        by=actor,
                    )
                    made[_key(spec)] = kr_id
            for i, spec in enumerate(adjustments):
                with located(f"adjustments[{i}]"):
                    objective(spec.get("objective"), "objective").adjust_key_result(
                        key_result_id=ref(spec.get("key_result"), "key_result"),
                        title=spec.get("title"),
                        start=spec.get("start"),
                        target=spec.get("target"),
                        reason=spec.get("reason"),
                        effective_at=_instant(spec.get("effective_at")),
                        by=actor,
                    )
            for i, spec in enumerate(check_ins):
                with located(f"check_ins[{i}]"):
                    kr_id = ref(spec.get("key_result"), "key_result")
                    when = self._business_time(spec.get("checked_in_at"), "checked_in_at")
                    objective(spec.get("objective"), "objective").check_in(
                        key_result_id=kr_id,
                        value=spec.get("value"),
                        status=spec.get("status"),
                        comment=spec.get("comment", ""),
                        checked_in_at=when or self.clock(),
                        by=actor,
                    )
                    made[_key(spec)] = kr_id
            for i, spec in enumerate(closings):
                with located(f"closings[{i}]"):
                    scores = {
                        ref(kr, "scores"): score
                        for kr, score in dict(spec.get("scores") or {}).items()
                    }
                    objective(spec.get("objective"), "objective").close(
                        scores=scores,
                        note=spec.get("note", ""),
                        effective_at=_instant(spec.get("effective_at")),
                        by=actor,
                    )
            for i, spec in enumerate(initiatives):
                with located(f"initiatives[{i}]"):
                    initiative = Initiative.start(
                        initiative_id=uuid4(),
                        organization_id=org.id,
                        unit_id=org.active_unit(
                            check.identifier(spec.get("unit_id"), "unit_id")
                        ).id,
                        title=spec.get("title"),
                        owner_id=org.active_member(
                            check.identifier(spec.get("owner_id"), "owner_id"), field="owner_id"
                        ).id,
                        due_on=spec.get("due_on"),
                        by=actor,
                    )
                    for objective_ref, kr_ref in spec.get("links", ()):
                        linked = objective(objective_ref, "links")
                        kr = linked.key_result_to_move(ref(kr_ref, "links"))
                        initiative.link(ref=KeyResultRef(linked.id, kr.id), by=actor)
                    touched[initiative.id] = initiative
                    made[_key(spec)] = initiative.id
            for i, spec in enumerate(initiative_owners):
                with located(f"initiative_owners[{i}]"):
                    initiative_id = ref(spec.get("initiative"), "initiative")
                    if initiative_id not in touched:
                        touched[initiative_id] = self._of_organization(
                            Initiative, org.id, initiative_id, "initiative"
                        )
                    owner = org.active_member(
                        check.identifier(spec.get("owner_id"), "owner_id"), field="owner_id"
                    )
                    handed = touched[initiative_id]
                    assert isinstance(handed, Initiative)
                    handed.change_owner(owner_id=owner.id, by=actor)
            mapping.map(ids=made, by=actor)
            saved: list[OKRAggregate] = [org] if new_members or new_units else []
            saved += [a for a in touched.values() if a.pending_events]
            saved.append(mapping)
            ids = {"import_mapping_id": mapping.id}
            for part, name in (
                (cycles, "cycle_id"),
                (objectives, "objective_id"),
                (key_results, "key_result_id"),
                (initiatives, "initiative_id"),
            ):
                ids.update({f"{name}_{i}": made[_key(spec)] for i, spec in enumerate(part)})
            return self._saved(*saved, ids=ids, warnings=warnings)

    def import_mapping(self, organization_id: UUID, source: str) -> dict[str, UUID]:
        """Source key → okr-es id of what earlier imports from ``source`` made."""
        try:
            return dict(self._get(ImportMapping, import_mapping_id(organization_id, source)).ids)
        except NotFound:
            return {}

    def _mapping(self, org_id: UUID, source: str, actor: UUID) -> ImportMapping:
        try:
            return self._get(ImportMapping, import_mapping_id(org_id, source))
        except NotFound:
            return ImportMapping.start(organization_id=org_id, source=source, by=actor)

    def _team_cycle_of(
        self,
        touched: dict[UUID, OKRAggregate],
        org_id: UUID,
        unit_id: UUID,
        cycle_id: UUID,
        actor: UUID,
    ) -> TeamCycle:
        known = touched.get(team_cycle_id(unit_id, cycle_id))
        if isinstance(known, TeamCycle):
            return known
        team_cycle = self._team_cycle(org_id, unit_id, cycle_id, actor)
        touched[team_cycle.id] = team_cycle
        return team_cycle

    def _cycle_to_fill(
        self, org: Organization, actor: UUID, wanted: Mapping[str, Any]
    ) -> tuple[Cycle, bool]:
        """The organisation's cycle of that label (same dates), or a new one: (cycle, new)."""
        label = check.line(wanted.get("label"), "label", max_length=check.NAME_MAX)
        start = check.day(wanted.get("start"), "start")
        end = check.day(wanted.get("end"), "end")
        cycles = [c for c in self._all(Cycle) if c.organization_id == org.id]
        for existing in cycles:
            if check.same_text_key(existing.label) != check.same_text_key(label):
                continue
            for field, have, given in (
                ("start", existing.start, start),
                ("end", existing.end, end),
            ):
                if have != given:
                    raise RuleViolation(
                        f"cycle '{existing.label}' has {field} {have}, not {given}",
                        code="cycle-mismatch",
                        field=field,
                    )
            return existing, False
        new = Cycle.define(
            cycle_id=uuid4(),
            organization_id=org.id,
            label=label,
            kind=str(wanted.get("kind") or ""),
            start=start,
            end=end,
            parent=None,
            siblings=[c for c in cycles if c.parent_id is None],
            by=actor,
        )
        return new, True


def _add_members_and_units(
    org: Organization,
    actor: UUID,
    members: Sequence[Mapping[str, Any]],
    units: Sequence[Mapping[str, Any]],
) -> None:
    for i, member in enumerate(members):
        with located(f"new_members[{i}]"):
            org.add_member(
                member_id=check.identifier(member.get("member_id"), "member_id"),
                name=member.get("name"),  # type: ignore[arg-type]  # checked by add_member
                email=member.get("email"),  # type: ignore[arg-type]
                by=actor,
            )
    for i, unit in enumerate(units):
        with located(f"new_units[{i}]"):
            org.add_unit(
                unit_id=check.identifier(unit.get("unit_id"), "unit_id"),
                name=unit.get("name"),  # type: ignore[arg-type]
                kind="team",
                parent_id=org.root_unit_id,
                by=actor,
            )


def _key(spec: Mapping[str, Any]) -> str:
    """The source key of an imported part."""
    return check.line(spec.get("key"), "key", max_length=2000)


def _instant(value: Any) -> datetime | None:
    return check.optional_instant(value, "effective_at")


def _split_readings(
    raw: Any,
) -> tuple[list[Any], dict[tuple[int, int], tuple[Any, Any]]]:
    """The objectives without their key results' readings, and the readings by
    (objective, key result) index. Anything malformed is left for the checks to refuse."""
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence):
        raise InvalidInput("objectives must be a list", code="wrong-type", field="objectives")
    if not raw:
        raise InvalidInput("objectives is empty", code="empty", field="objectives")
    objectives: list[Any] = []
    readings: dict[tuple[int, int], tuple[Any, Any]] = {}
    for j, objective in enumerate(raw):
        krs = objective.get("key_results", ()) if isinstance(objective, Mapping) else None
        if not isinstance(krs, Sequence) or isinstance(krs, (str, bytes)):
            objectives.append(objective)
            continue
        plain = []
        for k, kr in enumerate(krs):
            if isinstance(kr, Mapping) and any(key in kr for key in _READING):
                if kr.get("current") is not None or kr.get("status") is not None:
                    readings[(j, k)] = (kr.get("current"), kr.get("status"))
                kr = {key: value for key, value in kr.items() if key not in _READING}
            plain.append(kr)
        objectives.append({**objective, "key_results": plain})
    return objectives, readings
