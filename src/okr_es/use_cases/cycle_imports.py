"""Use case of importing a whole cycle's OKRs at once (e.g. from a spreadsheet): the cycle
itself when it is new, every unit's objectives and key results, and each key result's
current reading, all in one transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.errors import InvalidInput, RuleViolation
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
