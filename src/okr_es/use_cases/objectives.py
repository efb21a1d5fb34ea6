"""Use cases of objectives and their key results: setting (one or an imported set),
rewording, aligning, key results, check-ins, dropping, closing and reopening."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import msgspec
from eventsourcing.persistence import IntegrityError

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.objective import DROPPED, Objective
from okr_es.aggregates.organization import Organization, Policy
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.errors import (
    InvalidInput,
    NotFound,
    OKRError,
    RuleViolation,
)
from okr_es.use_cases.machinery import CommandResult, located
from okr_es.use_cases.reads import AggregateReads


class KeyResultSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A key result to create together with its objective."""

    title: str
    metric: str
    start: float | None = None
    target: float | None = None
    unit: str = ""


class ObjectiveCommands(AggregateReads):
    """Objectives, key results and check-ins."""

    def set_objective(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        cycle_id: Any,
        title: Any,
        owner_id: Any,
        by: Any,
        why: Any = "",
        key_results: Sequence[KeyResultSpec | Mapping[str, Any]] = (),
        aligned_to_objective_id: Any = None,
        aligned_to_key_result_id: Any = None,
        carried_over_from: Any = None,
        carry_over_reason: Any = "",
        hypothesis: Any = "",
        effective_at: Any = None,
    ) -> CommandResult:
        """Set an objective (with its first key results) and commit it to the unit's cycle.

        The objective and the unit's OKR set are saved in one transaction, so the policy's
        objective limit holds even when two people commit at the same moment. A title
        already in the unit's set for the cycle (case aside) is refused
        (``duplicate-objective``); a dropped objective's title is free again.
        """
        specs = _key_result_specs(key_results)
        objective_id = uuid4()
        kr_ids = [uuid4() for _ in specs]
        when = self._business_time(effective_at, "effective_at")

        def attempt() -> CommandResult:
            org, actor = self._organization_and_actor(organization_id, by)
            unit = org.active_unit(check.identifier(unit_id, "unit_id"))
            owner = org.active_member(check.identifier(owner_id, "owner_id"), field="owner_id")
            cycle = self._of_organization(Cycle, org.id, cycle_id, "cycle_id")
            parent_id = check.optional_identifier(
                aligned_to_objective_id, "aligned_to_objective_id"
            )
            parent_kr = check.optional_identifier(
                aligned_to_key_result_id, "aligned_to_key_result_id"
            )
            source_id = check.optional_identifier(carried_over_from, "carried_over_from")
            objective = Objective.set(
                objective_id=objective_id,
                organization_id=org.id,
                unit_id=unit.id,
                cycle_id=cycle.id,
                title=title,
                why=why,
                owner_id=owner.id,
                aligned_to_objective_id=parent_id,
                aligned_to_key_result_id=parent_kr,
                carried_over_from=source_id,
                carry_over_reason=carry_over_reason,
                hypothesis=hypothesis,
                effective_at=when,
                by=actor,
            )
            if parent_id is not None:
                self._check_alignment(org, unit.id, parent_id, parent_kr, *_ALIGNED_TO)
            if source_id is not None:
                self._check_carry_over(org.id, unit.id, cycle, source_id)
            warnings = _add_key_results(objective, kr_ids, specs, org.policy, actor, when)
            team_cycle = self._team_cycle(org.id, unit.id, cycle.id, actor)
            _check_new_title(objective, self._titles_in_set(team_cycle))
            warnings += team_cycle.commit(objective_id=objective_id, policy=org.policy, by=actor)
            ids = {"objective_id": objective_id}
            ids.update({f"key_result_id_{i}": kr for i, kr in enumerate(kr_ids)})
            return self._saved(team_cycle, objective, ids=ids, warnings=warnings)

        return self._retrying(attempt, self.settings.check_in_retries, "set_objective")

    def reword_objective(
        self,
        *,
        objective_id: Any,
        title: Any,
        why: Any = None,
        by: Any,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Rewrite an objective's title and, optionally, its why (not to the title of
        another objective in the unit's set: ``duplicate-objective``)."""

        def reword(o: Objective, org: Organization, actor: UUID) -> None:
            o.reword(title=title, why=why, by=actor)
            team_cycle = self.get_team_cycle(o.unit_id, o.cycle_id)
            if team_cycle is not None:
                _check_new_title(o, self._titles_in_set(team_cycle, but=o.id))

        return self._on_objective(objective_id, by, expected_version, reword)

    def change_owner(
        self, *, objective_id: Any, owner_id: Any, by: Any, expected_version: int | None = None
    ) -> CommandResult:
        """Make another member the objective's one accountable owner."""

        def change(o: Objective, org: Organization, actor: UUID) -> None:
            owner = org.active_member(check.identifier(owner_id, "owner_id"), field="owner_id")
            o.change_owner(owner_id=owner.id, by=actor)

        return self._on_objective(objective_id, by, expected_version, change)

    def align_objective(
        self,
        *,
        objective_id: Any,
        parent_objective_id: Any,
        parent_key_result_id: Any = None,
        by: Any,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Link an objective to an objective (or key result) of an ancestor unit."""

        def align(o: Objective, org: Organization, actor: UUID) -> None:
            parent_id = check.identifier(parent_objective_id, "parent_objective_id")
            kr_id = check.optional_identifier(parent_key_result_id, "parent_key_result_id")
            parent = self._check_alignment(
                org, o.unit_id, parent_id, kr_id, "parent_objective_id", "parent_key_result_id"
            )
            o.align(parent=parent, key_result_id=kr_id, by=actor)

        return self._on_objective(objective_id, by, expected_version, align)

    def add_key_result(
        self,
        *,
        objective_id: Any,
        title: Any,
        metric: Any,
        start: Any = None,
        target: Any = None,
        unit: Any = "",
        by: Any,
        effective_at: Any = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Add a key result; its numbers must fit its metric."""
        kr_id = uuid4()
        when = self._business_time(effective_at, "effective_at")
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.add_key_result(
                key_result_id=kr_id,
                title=title,
                metric=metric,
                start=start,
                target=target,
                unit=unit,
                policy=org.policy,
                effective_at=when,
                by=actor,
            ),
            ids={"key_result_id": kr_id},
        )

    def adjust_key_result(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        reason: Any,
        by: Any,
        title: Any = None,
        start: Any = None,
        target: Any = None,
        unit: Any = None,
        effective_at: Any = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Change a key result's title, start, target or unit, with a reason."""
        when = self._business_time(effective_at, "effective_at")
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.adjust_key_result(
                key_result_id=check.identifier(key_result_id, "key_result_id"),
                title=title,
                start=start,
                target=target,
                unit=unit,
                reason=reason,
                effective_at=when,
                by=actor,
            ),
        )

    def remove_key_result(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        reason: Any,
        by: Any,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Remove a key result (not below the policy's minimum in enforce mode)."""
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.remove_key_result(
                key_result_id=check.identifier(key_result_id, "key_result_id"),
                reason=reason,
                policy=org.policy,
                by=actor,
            ),
        )

    def weight_key_result(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        weight: Any,
        by: Any,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Give a key result its weight in the objective's progress: a number above 0 (at
        most 1000), relative to the other key results' (each starts at 1, equal shares)."""
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.weight_key_result(
                key_result_id=check.identifier(key_result_id, "key_result_id"),
                weight=weight,
                by=actor,
            ),
        )

    def change_roll_up_mode(
        self, *, objective_id: Any, mode: Any, by: Any, expected_version: int | None = None
    ) -> CommandResult:
        """Choose what the objective's progress and derived status are made of:
        ``key_results`` (the default), ``key_results_and_children`` (each aligned child
        objective counts as one more part of weight 1) or ``children`` (only they count)."""
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.change_roll_up_mode(mode=mode, by=actor),
        )

    def check_in(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        value: Any,
        status: Any,
        by: Any,
        comment: Any = "",
        blockers: Any = "",
        confidence: Any = None,
        checked_in_at: Any = None,
    ) -> CommandResult:
        """Report a key result's value and status. Check-ins on different key results
        commute, so a concurrent change is retried (bounded) rather than refused.

        ``confidence`` (optional) is how sure the team is that the key result will be met,
        a whole number from 0 to 10 ("confidence 7/10"), reported apart from the status.

        ``checked_in_at`` (default: now) may lie before the cycle starts or after it ends:
        teams take a first reading in the planning weeks and a last one after the
        quarter. Only the future is refused (more than a day ahead); the review's check-in
        rhythm counts the check-ins inside the cycle."""
        when = self._business_time(checked_in_at, "checked_in_at")
        kr_id = check.identifier(key_result_id, "key_result_id")

        oid = check.identifier(objective_id, "objective_id")

        def attempt(from_cache: bool = True) -> CommandResult:
            # The hot path: start from this process's cached objective without asking the
            # store. If another writer got there first, the insert conflicts on the version
            # number, the stale copy is evicted and the attempt is retried on fresh state.
            cached = self._cached_copy(Objective, oid) if from_cache else None
            objective = cached or self.get_objective(oid)
            actor = self._known_member(objective.organization_id, by)
            try:
                objective.check_in(
                    key_result_id=kr_id,
                    value=value,
                    status=status,
                    comment=comment,
                    blockers=blockers,
                    confidence=confidence,
                    checked_in_at=when or self.clock(),
                    by=actor,
                )
            except OKRError:
                if cached is None:
                    raise
                # Other commands save without updating the cached copy: a refusal is only
                # given on the objective as the store has it (a reopened objective, a key
                # result just added).
                self._evict(oid)
                return attempt(from_cache=False)
            try:
                recordings = self.save(objective)
            except IntegrityError:
                self._evict(objective.id)
                raise
            self._remember(objective)
            return CommandResult(position=recordings[-1].notification.id)

        return self._retrying(attempt, self.settings.check_in_retries, "check_in")

    def drop_objective(
        self,
        *,
        objective_id: Any,
        reason: Any,
        by: Any,
        effective_at: Any = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Drop an objective; it leaves the unit's set (freeing a slot) in the same save."""
        objective, _, actor = self._objective_and_actor(objective_id, by, expected_version)
        when = self._business_time(effective_at, "effective_at")
        objective.drop(reason=reason, effective_at=when, by=actor)
        team_cycle = self._get(TeamCycle, team_cycle_id(objective.unit_id, objective.cycle_id))
        team_cycle.withdraw(objective_id=objective.id, reason=objective.status_reason, by=actor)
        return self._saved(objective, team_cycle, expected=objective)

    def close_objective(
        self,
        *,
        objective_id: Any,
        by: Any,
        note: Any = "",
        scores: Mapping[Any, Any] | None = None,
        effective_at: Any = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Score an objective; key results without a given score are scored by progress
        (``effective_at``: when it was closed, if not now)."""
        when = self._business_time(effective_at, "effective_at")
        given: dict[UUID, Any] | None = None
        if scores is not None:
            if not isinstance(scores, Mapping):
                raise InvalidInput(
                    "scores map key result ids to numbers", code="wrong-type", field="scores"
                )
            given = {check.identifier(k, f"scores.{k}"): v for k, v in scores.items()}
        return self._on_objective(
            objective_id,
            by,
            expected_version,
            lambda o, org, actor: o.close(scores=given, note=note, effective_at=when, by=actor),
        )

    def reopen_objective(
        self, *, objective_id: Any, reason: Any, by: Any, expected_version: int | None = None
    ) -> CommandResult:
        """Reopen a closed objective, e.g. to correct its last check-in."""
        with self._cross_checked():
            objective, _, actor = self._objective_and_actor(objective_id, by, expected_version)
            team_cycle = self._get(TeamCycle, team_cycle_id(objective.unit_id, objective.cycle_id))
            if team_cycle.closed:
                raise RuleViolation("the unit's cycle is closed", code="team-cycle-closed")
            objective.reopen(reason=reason, by=actor)
            return self._saved(objective, expected=objective)

    def import_objectives(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        cycle_id: Any,
        objectives: Sequence[Mapping[str, Any]],
        by: Any,
    ) -> CommandResult:
        """Set several objectives, with their key results, for one unit and cycle at once.

        All or nothing: each objective passes exactly the checks of ``set_objective`` (on
        aggregates in memory, committed one after the other to the unit's set under the
        policy), and only when every one has passed are they saved, together with the
        unit's set, in one save: one transaction. Any refusal raises before anything is
        written; a concurrent change to the unit's set makes the save fail as a whole.
        Each mapping holds ``title``, ``owner_id`` and optionally ``why``,
        ``aligned_to_objective_id``, ``aligned_to_key_result_id``, ``hypothesis`` and
        ``key_results`` (as for ``set_objective``). A refusal's field names the part at
        fault, 0-based: ``objectives[1].title``, ``objectives[0].key_results[2].target``.
        A title already in the unit's set, or given twice, is refused
        (``duplicate-objective``), so an import sent twice writes nothing the second time.
        """
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.active_unit(check.identifier(unit_id, "unit_id"))
        cycle = self._of_organization(Cycle, org.id, cycle_id, "cycle_id")
        if isinstance(objectives, (str, bytes, Mapping)) or not isinstance(objectives, Sequence):
            raise InvalidInput("objectives must be a list", code="wrong-type", field="objectives")
        if not objectives:
            # Nothing to set would still open the unit's set for the cycle.
            raise InvalidInput("objectives is empty", code="empty", field="objectives")
        team_cycle = self._team_cycle(org.id, unit.id, cycle.id, actor)
        built, ids, warnings = self._imported(org, actor, unit.id, cycle.id, team_cycle, objectives)
        return self._saved(team_cycle, *built, ids=ids, warnings=warnings, expected=team_cycle)

    def _imported(
        self,
        org: Organization,
        actor: UUID,
        unit_id: UUID,
        cycle_id: UUID,
        team_cycle: TeamCycle,
        objectives: Sequence[Mapping[str, Any]],
    ) -> tuple[list[Objective], dict[str, UUID], list[str]]:
        """Objectives built in memory and committed to the unit's set, not saved: every
        check of ``set_objective``; a refusal names the part at fault (``objectives[1]``)."""
        titles = self._titles_in_set(team_cycle)
        built: list[Objective] = []
        ids: dict[str, UUID] = {}
        warnings: list[str] = []
        for index, raw in enumerate(objectives):
            with located(f"objectives[{index}]"):
                if not isinstance(raw, Mapping):
                    raise InvalidInput(
                        f"objectives[{index}] must be an object", code="wrong-type", field=None
                    )
                specs = _key_result_specs(raw.get("key_results", ()))
                owner = org.active_member(
                    check.identifier(raw.get("owner_id"), "owner_id"), field="owner_id"
                )
                parent_id = check.optional_identifier(
                    raw.get("aligned_to_objective_id"), "aligned_to_objective_id"
                )
                parent_kr = check.optional_identifier(
                    raw.get("aligned_to_key_result_id"), "aligned_to_key_result_id"
                )
                objective_id = uuid4()
                objective = Objective.set(
                    objective_id=objective_id,
                    organization_id=org.id,
                    unit_id=unit_id,
                    cycle_id=cycle_id,
                    title=raw.get("title"),
                    why=raw.get("why", ""),
                    owner_id=owner.id,
                    aligned_to_objective_id=parent_id,
                    aligned_to_key_result_id=parent_kr,
                    hypothesis=raw.get("hypothesis", ""),
                    by=actor,
                )
                _check_new_title(objective, titles)
                titles.add(check.same_text_key(objective.title))
                if parent_id is not None:
                    self._check_alignment(org, unit_id, parent_id, parent_kr, *_ALIGNED_TO)
                kr_ids = [uuid4() for _ in specs]
                warnings += _add_key_results(objective, kr_ids, specs, org.policy, actor)
                ids.update({f"key_result_id_{index}_{k}": i for k, i in enumerate(kr_ids)})
                warnings += team_cycle.commit(
                    objective_id=objective_id, policy=org.policy, by=actor
                )
            ids[f"objective_id_{index}"] = objective_id
            built.append(objective)
        return built, ids, warnings

    def _on_objective(
        self,
        objective_id: Any,
        by: Any,
        expected_version: int | None,
        change: Callable[[Objective, Organization, UUID], Any],
        ids: dict[str, UUID] | None = None,
    ) -> CommandResult:
        objective, org, actor = self._objective_and_actor(objective_id, by, expected_version)
        outcome = change(objective, org, actor)
        warnings = list(outcome) if isinstance(outcome, list) else []
        return self._saved(objective, ids=ids, warnings=warnings, expected=objective)

    def _team_cycle(self, org_id: UUID, unit_id: UUID, cycle_id: UUID, actor: UUID) -> TeamCycle:
        try:
            return self._get(TeamCycle, team_cycle_id(unit_id, cycle_id))
        except NotFound:
            return TeamCycle.open(
                organization_id=org_id, unit_id=unit_id, cycle_id=cycle_id, by=actor
            )

    def _titles_in_set(self, team_cycle: TeamCycle, *, but: UUID | None = None) -> set[str]:
        """The titles (as :func:`~okr_es.aggregates.validation.same_text_key` compares
        them) of the objectives committed to a unit's set, ``but`` that one, as stored
        (a cached copy can lag behind a reword saved by this very process)."""
        return {
            check.same_text_key(self.read_aggregate(Objective, i).title)
            for i in team_cycle.objective_ids
            if i != but
        }

    def _check_alignment(
        self,
        org: Organization,
        unit_id: UUID,
        parent_id: UUID,
        key_result_id: UUID | None,
        objective_field: str,
        key_result_field: str,
    ) -> Objective:
        """Alignment points up the tree: to an objective (or its KR) of an ancestor unit.
        Refusals name the command's own fields for the objective and the key result."""
        parent = self._of_organization(Objective, org.id, parent_id, objective_field)
        if parent.unit_id not in org.ancestors(unit_id):
            raise RuleViolation(
                "align to an objective of a parent unit (department or organisation)",
                code="alignment-not-ancestor",
                field=objective_field,
            )
        if parent.status == DROPPED:
            raise RuleViolation(
                "cannot align to a dropped objective",
                code="objective-dropped",
                field=objective_field,
            )
        if key_result_id is not None:
            parent.active_key_result(key_result_id, field=key_result_field)
        return parent

    def _check_carry_over(self, org_id: UUID, unit_id: UUID, cycle: Cycle, source_id: UUID) -> None:
        source = self._of_organization(Objective, org_id, source_id, "carried_over_from")
        if source.unit_id != unit_id:
            raise RuleViolation(
                "a unit carries over its own objectives",
                code="carry-over-other-unit",
                field="carried_over_from",
            )
        source_cycle = self._get(Cycle, source.cycle_id)
        if not source_cycle.start < cycle.start:
            raise RuleViolation(
                "carry over from an earlier cycle",
                code="carry-over-not-earlier",
                field="carried_over_from",
            )


# The fields naming an alignment target when an objective is set (or imported).
_ALIGNED_TO = ("aligned_to_objective_id", "aligned_to_key_result_id")


def _check_new_title(objective: Objective, taken: set[str]) -> None:
    """A unit's set holds one objective of a title: a second is a double submission or
    an import run twice, not a new objective."""
    if check.same_text_key(objective.title) in taken:
        raise RuleViolation(
            f"the unit's set for this cycle already has an objective '{objective.title}'",
            code="duplicate-objective",
            field="title",
        )


def _add_key_results(
    objective: Objective,
    ids: Sequence[UUID],
    specs: Sequence[KeyResultSpec],
    policy: Policy,
    by: UUID,
    effective_at: datetime | None = None,
) -> list[str]:
    """Add the key results in order; a refusal names the one at fault (``key_results[1]``).
    Returns the policy's warnings."""
    warnings: list[str] = []
    for k, (kr_id, spec) in enumerate(zip(ids, specs, strict=True)):
        with located(f"key_results[{k}]"):
            warnings += objective.add_key_result(
                key_result_id=kr_id,
                title=spec.title,
                metric=spec.metric,
                start=spec.start,
                target=spec.target,
                unit=spec.unit,
                policy=policy,
                effective_at=effective_at,
                by=by,
            )
    return warnings


def _key_result_specs(raw: Sequence[KeyResultSpec | Mapping[str, Any]]) -> list[KeyResultSpec]:
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        raise InvalidInput("key_results must be a list", code="wrong-type", field="key_results")
    specs: list[KeyResultSpec] = []
    for i, item in enumerate(raw):
        if isinstance(item, KeyResultSpec):
            specs.append(item)
            continue
        try:
            specs.append(msgspec.convert(item, KeyResultSpec))
        except msgspec.ValidationError as e:
            raise InvalidInput(
                f"key_results[{i}]: {e}", code="wrong-type", field=f"key_results[{i}]"
            ) from None
    return specs
