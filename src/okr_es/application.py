"""OKRApplication: the one write entry point. Commands in, ids and log position out.

Every entry point (CLI, HTTP, importers, the demo) calls these methods with plain values;
none of them touches aggregates or the store directly.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

import msgspec
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import IntegrityError, Mapper, Notification, Recording
from eventsourcing.utils import Environment, get_topic

from okr_es import access_tokens
from okr_es.access_tokens import Principal, TokenIndex
from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative, KeyResultRef
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.objective import ACTIVE, DROPPED, Objective
from okr_es.aggregates.organization import Organization, Policy
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OKRError,
    RuleViolation,
    Unauthenticated,
)
from okr_es.persistence.msgspec_mapper import MsgspecMapper
from okr_es.persistence.store_lock import store_wide
from okr_es.settings import Settings

A = TypeVar("A", bound=OKRAggregate)
R = TypeVar("R")

Clock = Callable[[], datetime]
# Business dates a little ahead of the server clock are clock skew; further is a mistake.
_FUTURE_SLACK = timedelta(days=1)


class CommandResult(msgspec.Struct, frozen=True):
    """What a command returns: the ids it created, where its last event sits in the log,
    and policy warnings (limits crossed in ``warn`` mode)."""

    position: int
    ids: dict[str, UUID] = msgspec.field(default_factory=dict)
    warnings: list[str] = msgspec.field(default_factory=list)
    # The plaintext of a newly issued access token; present only in that one result.
    token: str | None = None


class KeyResultSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A key result to create together with its objective."""

    title: str
    metric: str
    start: float | None = None
    target: float | None = None
    unit: str = ""


def _principal(org: Organization, token_id: UUID) -> Principal:
    stored = org.tokens.get(token_id)
    if stored is None or stored.revoked or stored.member_id not in org.members:
        raise Unauthenticated("unknown or revoked access token")
    grants = tuple(org.members[stored.member_id].grants)
    return Principal(organization_id=org.id, member_id=stored.member_id, roles=grants)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _project(aggregate: Any, events: Iterable[Any]) -> Any:
    # The library's default projector checks a runtime protocol per event; our events are
    # all aggregate events, so mutate directly (several times faster replay).
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class OKRApplication(Application[UUID]):
    """Organisations, cycles, objectives, key results, check-ins, initiatives and KPIs."""

    name = "OKRApplication"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        Objective: 50
    }
    snapshotting_projectors: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], Any]] = {
        Objective: _project
    }

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = clock
        # Elapsed time (how old a token check's read of an organisation is), apart from
        # the business clock above.
        self.monotonic = monotonic
        env = self.settings.eventsourcing_env()
        env["AGGREGATE_CACHE_MAXSIZE"] = "2000"
        super().__init__(env)
        # Per instance, so each application follows its own settings.
        self.snapshotting_intervals = {Objective: self.settings.snapshot_interval}  # type: ignore[misc]
        self._save_listeners: list[Callable[[int], None]] = []
        # Per creation topic: the aggregates' ids with the positions of their creation
        # events (in log order), and the position read up to.
        self._created: dict[str, tuple[dict[UUID, int], int]] = {}
        self._created_lock = threading.Lock()
        # Commands that check other aggregates than the one they write (a cycle against
        # its siblings, a reopen against its unit's set, closing a set against its
        # objectives): nothing in the store makes such a pair conflict, so this process
        # runs them one at a time.
        self._cross_checks = threading.Lock()
        self._token_index = TokenIndex(self.notifications, self.decode)
        # When a read of each organisation from the store to authenticate a token last
        # started, and when this process last changed it (monotonic clock).
        self._organization_read_at: dict[UUID, float] = {}
        self._organization_changed_at: dict[UUID, float] = {}

    def on_saved(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(position)`` after every save in this process (wakes followers)."""
        self._save_listeners.append(listener)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            position = recordings[-1].notification.id
            for listener in self._save_listeners:
                listener(position)

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        # Configuration comes from Settings only; never from os.environ behind its back.
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    # --- organisation ------------------------------------------------------------------------

    def register_organization(
        self, *, name: str, admin_name: str, admin_email: str, token_label: Any = None
    ) -> CommandResult:
        """Register an organisation; ``admin`` is its first member, with the admin role.

        With ``token_label``, the admin's first access token is issued in the same save and
        its plaintext returned, once, in the result's ``token``.
        """
        org_id, root_id, admin_id = uuid4(), uuid4(), uuid4()
        org = Organization.register(
            organization_id=org_id,
            name=name,
            root_unit_id=root_id,
            founder_id=admin_id,
            founder_name=admin_name,
            founder_email=admin_email,
        )
        ids = {"organization_id": org_id, "root_unit_id": root_id, "member_id": admin_id}
        if token_label is None:
            return self._saved(org, ids=ids)
        token_id, secret = uuid4(), access_tokens.new_secret()
        with _renamed("label", "token_label"):
            org.issue_token(
                token_id=token_id,
                member_id=admin_id,
                token_hash=access_tokens.secret_hash(secret),
                label=token_label,
                by=admin_id,
            )
        result = self._saved(org, ids={**ids, "token_id": token_id})
        return msgspec.structs.replace(result, token=access_tokens.token_text(token_id, secret))

    def add_unit(
        self, *, organization_id: Any, name: Any, kind: Any, parent_id: Any, by: Any
    ) -> CommandResult:
        """Add a department, team or project under a parent unit."""
        unit_id = uuid4()
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.add_unit(
                unit_id=unit_id,
                name=name,
                kind=kind,
                parent_id=check.identifier(parent_id, "parent_id"),
                by=actor,
            ),
            ids={"unit_id": unit_id},
        )

    def rename_unit(
        self, *, organization_id: Any, unit_id: Any, name: Any, by: Any
    ) -> CommandResult:
        """Give a unit a new name (unique among its siblings)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.rename_unit(
                unit_id=check.identifier(unit_id, "unit_id"), name=name, by=actor
            ),
        )

    def move_unit(
        self, *, organization_id: Any, unit_id: Any, parent_id: Any, by: Any
    ) -> CommandResult:
        """Move a unit under another parent; the tree stays a tree."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.move_unit(
                unit_id=check.identifier(unit_id, "unit_id"),
                parent_id=check.identifier(parent_id, "parent_id"),
                by=actor,
            ),
        )

    def archive_unit(
        self, *, organization_id: Any, unit_id: Any, reason: Any, by: Any
    ) -> CommandResult:
        """Archive a unit without active sub-units; its history stays."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.archive_unit(
                unit_id=check.identifier(unit_id, "unit_id"), reason=reason, by=actor
            ),
        )

    def add_member(self, *, organization_id: Any, name: Any, email: Any, by: Any) -> CommandResult:
        """Add a person (name, unique e-mail) to the organisation."""
        member_id = uuid4()
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.add_member(
                member_id=member_id, name=name, email=email, by=actor
            ),
            ids={"member_id": member_id},
        )

    def grant_role(
        self, *, organization_id: Any, member_id: Any, role: Any, unit_id: Any = None, by: Any
    ) -> CommandResult:
        """Grant admin (organisation-wide), ambassador, lead or member (in a unit)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.grant_role(
                member_id=check.identifier(member_id, "member_id"),
                role=role,
                unit_id=check.optional_identifier(unit_id, "unit_id"),
                by=actor,
            ),
        )

    def revoke_role(
        self, *, organization_id: Any, member_id: Any, role: Any, unit_id: Any = None, by: Any
    ) -> CommandResult:
        """Revoke a role; the last admin keeps theirs."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.revoke_role(
                member_id=check.identifier(member_id, "member_id"),
                role=role,
                unit_id=check.optional_identifier(unit_id, "unit_id"),
                by=actor,
            ),
        )

    def change_policy(
        self,
        *,
        organization_id: Any,
        by: Any,
        max_objectives: Any = None,
        min_key_results: Any = None,
        max_key_results: Any = None,
        warn_key_results_above: Any = None,
        mode: Any = None,
    ) -> CommandResult:
        """Change the limits; unspecified ones keep their current value.

        The limits are whole numbers: ``max_objectives`` and ``max_key_results`` from 1 to
        50, ``min_key_results`` (at most ``max_key_results``) and ``warn_key_results_above``
        from 0 to 50.

        ``mode`` ``enforce`` refuses a command that would pass ``max_objectives`` or
        ``max_key_results``, or remove a key result below ``min_key_results``; ``warn``
        accepts it with a warning. An objective may still be set with fewer than
        ``min_key_results`` key results and given the rest later (OKRs are drafted
        that way); the lint reports such an objective (``too-few-key-results``)."""

        def change(org: Organization, actor: UUID) -> None:
            p = org.policy
            org.change_policy(
                max_objectives=p.max_objectives if max_objectives is None else max_objectives,
                min_key_results=p.min_key_results if min_key_results is None else min_key_results,
                max_key_results=p.max_key_results if max_key_results is None else max_key_results,
                warn_key_results_above=(
                    p.warn_key_results_above
                    if warn_key_results_above is None
                    else warn_key_results_above
                ),
                mode=p.mode if mode is None else mode,
                by=actor,
            )

        return self._on_organization(organization_id, by, change)

    # --- access tokens ------------------------------------------------------------------------

    def issue_token(
        self, *, organization_id: Any, member_id: Any, by: Any, label: Any = ""
    ) -> CommandResult:
        """Issue a bearer token for a member; its plaintext is in ``token``, this once only."""
        token_id, secret = uuid4(), access_tokens.new_secret()
        result = self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.issue_token(
                token_id=token_id,
                member_id=check.identifier(member_id, "member_id"),
                token_hash=access_tokens.secret_hash(secret),
                label=label,
                by=actor,
            ),
            ids={"token_id": token_id},
        )
        return msgspec.structs.replace(result, token=access_tokens.token_text(token_id, secret))

    def revoke_token(self, *, organization_id: Any, token_id: Any, by: Any) -> CommandResult:
        """Stop accepting a bearer token."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.revoke_token(
                token_id=check.identifier(token_id, "token_id"), by=actor
            ),
        )

    def authenticate(self, token: str) -> Principal:
        """The member a bearer token belongs to, or Unauthenticated.

        The index finds the token's organisation without reading the log; the organisation
        itself then decides, read from the store now, so a revocation made by another
        process counts at once.
        """
        token_id, secret = access_tokens.parse(token)
        entry = self._token_index.get(token_id)
        if entry is None or entry.revoked or not access_tokens.matches(secret, entry.token_hash):
            raise Unauthenticated("unknown or revoked access token")
        started = self.monotonic()
        try:
            org = self._get(Organization, entry.organization_id, copy=False)
        except NotFound:
            raise Unauthenticated("unknown or revoked access token") from None
        self._organization_read_at[org.id] = started
        return _principal(org, token_id)

    def authenticate_cached(self, token: str) -> Principal | None:
        """:meth:`authenticate` from memory alone, never reading the store (so it may run
        on an event loop), or None when it cannot say without reading: the token is not
        in the index yet, or its organisation was last read from the store more than
        ``settings.token_recheck_seconds`` ago. Changes made through this process are in
        memory at once.
        """
        token_id, secret = access_tokens.parse(token)
        entry = self._token_index.peek(token_id)
        if entry is None:
            return None
        if entry.revoked or not access_tokens.matches(secret, entry.token_hash):
            raise Unauthenticated("unknown or revoked access token")
        read_at = self._organization_read_at.get(entry.organization_id)
        if (
            read_at is None
            or self.monotonic() - read_at > self.settings.token_recheck_seconds
            or read_at <= self._organization_changed_at.get(entry.organization_id, -1.0)
        ):
            return None
        org = self._cached(Organization, entry.organization_id)
        return None if org is None else _principal(org, token_id)

    # --- cycles ------------------------------------------------------------------------------

    def define_cycle(
        self,
        *,
        organization_id: Any,
        label: Any,
        kind: Any,
        start: Any,
        end: Any,
        parent_id: Any = None,
        by: Any,
    ) -> CommandResult:
        """Add a quarter, tertial, half-year or year; siblings may not overlap."""
        org, actor = self._organization_and_actor(organization_id, by)
        parent = None
        if parent_id is not None:
            parent = self._of_organization(Cycle, org.id, parent_id, "parent_id")
        cycle_id = uuid4()
        with self._cross_checked():
            cycle = Cycle.define(
                cycle_id=cycle_id,
                organization_id=org.id,
                label=label,
                kind=kind,
                start=start,
                end=end,
                parent=parent,
                siblings=self._sibling_cycles(org.id, None if parent is None else parent.id),
                by=actor,
            )
            return self._saved(cycle, ids={"cycle_id": cycle_id})

    def rename_cycle(self, *, cycle_id: Any, label: Any, by: Any) -> CommandResult:
        """Give a cycle a new label."""
        with self._cross_checked():
            cycle = self._get(Cycle, check.identifier(cycle_id, "cycle_id"), "cycle_id")
            _, actor = self._organization_and_actor(cycle.organization_id, by)
            cycle.rename(
                label=label,
                siblings=self._sibling_cycles(cycle.organization_id, cycle.parent_id),
                by=actor,
            )
            return self._saved(cycle)

    def cycles(self, organization_id: UUID) -> list[Cycle]:
        """The organisation's cycles, earliest first."""
        found = [c for c in self._all(Cycle) if c.organization_id == organization_id]
        return sorted(found, key=lambda c: (c.start, c.end))

    # --- objectives --------------------------------------------------------------------------

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
            owner = org.member(check.identifier(owner_id, "owner_id"), field="owner_id")
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
            owner = org.member(check.identifier(owner_id, "owner_id"), field="owner_id")
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
        checked_in_at: Any = None,
    ) -> CommandResult:
        """Report a key result's value and status. Check-ins on different key results
        commute, so a concurrent change is retried (bounded) rather than refused.

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
        expected_version: int | None = None,
    ) -> CommandResult:
        """Score an objective; key results without a given score are scored by progress."""
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
            lambda o, org, actor: o.close(scores=given, note=note, by=actor),
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

    # --- the unit's cycle --------------------------------------------------------------------

    def record_reflection(
        self,
        *,
        unit_id: Any,
        cycle_id: Any,
        by: Any,
        keep_doing: Any = "",
        stop_doing: Any = "",
        start_doing: Any = "",
        learnings: Any = "",
    ) -> CommandResult:
        """Record what the unit will keep, stop and start doing, and its learnings.
        Reflections commute, so a concurrent change is retried (bounded)."""

        def attempt() -> CommandResult:
            team_cycle, actor = self._existing_team_cycle(unit_id, cycle_id, by)
            team_cycle.record_reflection(
                keep_doing=keep_doing,
                stop_doing=stop_doing,
                start_doing=start_doing,
                learnings=learnings,
                by=actor,
            )
            return self._saved(team_cycle)

        return self._retrying(attempt, self.settings.check_in_retries, "record_reflection")

    def close_team_cycle(
        self, *, unit_id: Any, cycle_id: Any, by: Any, note: Any = ""
    ) -> CommandResult:
        """Close a unit's cycle once every objective is closed or dropped."""
        with self._cross_checked():
            team_cycle, actor = self._existing_team_cycle(unit_id, cycle_id, by)
            still_open = [
                o.title
                for o in (self._get(Objective, oid) for oid in team_cycle.objective_ids)
                if o.status == ACTIVE
            ]
            team_cycle.close(open_objective_titles=still_open, note=note, by=actor)
            return self._saved(team_cycle)

    # --- initiatives -------------------------------------------------------------------------

    def start_initiative(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        title: Any,
        owner_id: Any,
        by: Any,
        key_results: Sequence[tuple[Any, Any]] = (),
    ) -> CommandResult:
        """Start an initiative, linked to ``(objective_id, key_result_id)`` pairs."""
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.active_unit(check.identifier(unit_id, "unit_id"))
        owner = org.member(check.identifier(owner_id, "owner_id"), field="owner_id")
        initiative_id = uuid4()
        initiative = Initiative.start(
            initiative_id=initiative_id,
            organization_id=org.id,
            unit_id=unit.id,
            title=title,
            owner_id=owner.id,
            by=actor,
        )
        for index, (objective_id, kr_id) in enumerate(key_results):
            with _located(f"key_results[{index}]"):
                ref = self._key_result_ref(org.id, objective_id, kr_id)
                initiative.link(ref=ref, by=actor)
        return self._saved(initiative, ids={"initiative_id": initiative_id})

    def link_initiative(
        self, *, initiative_id: Any, objective_id: Any, key_result_id: Any, by: Any
    ) -> CommandResult:
        """Link an initiative to another key result of the organisation."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        ref = self._key_result_ref(initiative.organization_id, objective_id, key_result_id)
        initiative.link(ref=ref, by=actor)
        return self._saved(initiative)

    def record_initiative_progress(
        self, *, initiative_id: Any, percent_complete: Any, by: Any, note: Any = ""
    ) -> CommandResult:
        """Report an initiative's progress (0–100 %)."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.progress(percent_complete=percent_complete, note=note, by=actor)
        return self._saved(initiative)

    def complete_initiative(self, *, initiative_id: Any, by: Any, note: Any = "") -> CommandResult:
        """Mark an initiative as finished."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.complete(note=note, by=actor)
        return self._saved(initiative)

    def stop_initiative(self, *, initiative_id: Any, reason: Any, by: Any) -> CommandResult:
        """Stop an initiative before it is finished, with a reason."""
        initiative, actor = self._initiative_and_actor(initiative_id, by)
        initiative.stop(reason=reason, by=actor)
        return self._saved(initiative)

    # --- KPIs --------------------------------------------------------------------------------

    def define_kpi(
        self,
        *,
        organization_id: Any,
        unit_id: Any,
        name: Any,
        by: Any,
        unit: Any = "",
        lower: Any = None,
        upper: Any = None,
    ) -> CommandResult:
        """Start tracking a health metric with a corridor (lower and/or upper bound)."""
        org, actor = self._organization_and_actor(organization_id, by)
        team = org.active_unit(check.identifier(unit_id, "unit_id"))
        kpi_id = uuid4()
        kpi = Kpi.define(
            kpi_id=kpi_id,
            organization_id=org.id,
            unit_id=team.id,
            name=name,
            unit=unit,
            lower=lower,
            upper=upper,
            by=actor,
        )
        return self._saved(kpi, ids={"kpi_id": kpi_id})

    def measure_kpi(
        self, *, kpi_id: Any, value: Any, by: Any, measured_at: Any = None
    ) -> CommandResult:
        """Record a KPI measurement (business date optional)."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        when = self._business_time(measured_at, "measured_at") or self.clock()
        kpi.measure(value=value, measured_at=when, by=actor)
        return self._saved(kpi)

    def change_kpi_corridor(
        self, *, kpi_id: Any, lower: Any, upper: Any, reason: Any, by: Any
    ) -> CommandResult:
        """Change a KPI's healthy range, with a reason."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        kpi.change_corridor(lower=lower, upper=upper, reason=reason, by=actor)
        return self._saved(kpi)

    def retire_kpi(self, *, kpi_id: Any, reason: Any, by: Any) -> CommandResult:
        """Stop tracking a KPI."""
        kpi, actor = self._kpi_and_actor(kpi_id, by)
        kpi.retire(reason=reason, by=actor)
        return self._saved(kpi)

    def graduate_key_result(
        self,
        *,
        objective_id: Any,
        key_result_id: Any,
        by: Any,
        name: Any = None,
        lower: Any = None,
        upper: Any = None,
    ) -> CommandResult:
        """Turn a met key result into a KPI that keeps watching the same number.

        Without an explicit corridor, the KPI guards the level the key result reached.
        A key result graduates once (``already-graduated``).
        """
        with self._cross_checked():
            return self._graduate(objective_id, key_result_id, by, name, lower, upper)

    def _graduate(
        self, objective_id: Any, key_result_id: Any, by: Any, name: Any, lower: Any, upper: Any
    ) -> CommandResult:
        objective, org, actor = self._objective_and_actor(objective_id, by, None)
        kr = objective.active_key_result(check.identifier(key_result_id, "key_result_id"))
        if kr.progress < 1.0:
            raise RuleViolation(
                "only a key result that reached its target can graduate",
                code="key-result-not-met",
                field="key_result_id",
            )
        if lower is None and upper is None:
            lower, upper = _corridor_for(kr.metric, kr.target)
        kpi_id = uuid4()
        kpi = Kpi.define(
            kpi_id=kpi_id,
            organization_id=org.id,
            unit_id=objective.unit_id,
            name=kr.title if name is None else name,
            unit=kr.unit,
            lower=lower,
            upper=upper,
            by=actor,
        )
        kpi.graduate(
            objective_id=objective.id,
            key_result_id=kr.id,
            # Only read: the shared cached KPIs, not a copy of each.
            others=[
                k
                for k in (self.read_aggregate(Kpi, i) for i in self._created_positions(Kpi))
                if k.organization_id == org.id
            ],
            by=actor,
        )
        if kr.current is not None:
            kpi.measure(value=kr.current, measured_at=self.clock(), by=actor)
        return self._saved(kpi, ids={"kpi_id": kpi_id})

    # --- importing an OKR set (all or nothing) --------------------------------------------------

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
        titles = self._titles_in_set(team_cycle)
        built: list[Objective] = []
        ids: dict[str, UUID] = {}
        warnings: list[str] = []
        for index, raw in enumerate(objectives):
            with _located(f"objectives[{index}]"):
                if not isinstance(raw, Mapping):
                    raise InvalidInput(
                        f"objectives[{index}] must be an object", code="wrong-type", field=None
                    )
                specs = _key_result_specs(raw.get("key_results", ()))
                owner = org.member(
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
                    unit_id=unit.id,
                    cycle_id=cycle.id,
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
                    self._check_alignment(org, unit.id, parent_id, parent_kr, *_ALIGNED_TO)
                kr_ids = [uuid4() for _ in specs]
                warnings += _add_key_results(objective, kr_ids, specs, org.policy, actor)
                ids.update({f"key_result_id_{index}_{k}": i for k, i in enumerate(kr_ids)})
                warnings += team_cycle.commit(
                    objective_id=objective_id, policy=org.policy, by=actor
                )
            ids[f"objective_id_{index}"] = objective_id
            built.append(objective)
        return self._saved(team_cycle, *built, ids=ids, warnings=warnings, expected=team_cycle)

    # --- reading the log ---------------------------------------------------------------------

    def organizations(self) -> list[Organization]:
        return self._all(Organization)

    def get_organization(self, organization_id: Any) -> Organization:
        return self._get(
            Organization, check.identifier(organization_id, "organization_id"), "organization_id"
        )

    def get_objective(self, objective_id: Any, *, version: int | None = None) -> Objective:
        oid = check.identifier(objective_id, "objective_id")
        if version is None:
            return self._get(Objective, oid, "objective_id")
        try:
            aggregate = self.repository.get(oid, version=version, projector_func=_project)
        except AggregateNotFoundError:
            raise NotFound(f"no objective {oid}", field="objective_id") from None
        if not isinstance(aggregate, Objective):
            raise NotFound(f"no objective {oid}", field="objective_id")
        return aggregate

    def get_team_cycle(self, unit_id: Any, cycle_id: Any) -> TeamCycle | None:
        tc_id = team_cycle_id(
            check.identifier(unit_id, "unit_id"), check.identifier(cycle_id, "cycle_id")
        )
        try:
            return self._get(TeamCycle, tc_id)
        except NotFound:
            return None

    def read_aggregate(self, cls: type[A], aggregate_id: UUID, *, fresh: bool = True) -> A:
        """The state of an aggregate for checks that only read it: the shared cached
        object, not a copy. Callers must never change it or call its commands.

        ``fresh=False`` answers from this process's cache without asking the store when
        the aggregate is cached (a change made by another process moments ago may not be
        seen yet); otherwise the store is asked for events newer than the cached copy.
        """
        if not fresh:
            cached = self._cached(cls, aggregate_id)
            if cached is not None:
                return cached
        return self._get(cls, aggregate_id, cls.__name__.lower(), copy=False)

    def get_aggregate(self, aggregate_id: Any) -> OKRAggregate:
        aid = check.identifier(aggregate_id, "aggregate_id")
        try:
            aggregate = self.repository.get(aid, projector_func=_project)
        except AggregateNotFoundError:
            raise NotFound(f"no aggregate {aid}", field="aggregate_id") from None
        if not isinstance(aggregate, OKRAggregate):
            raise NotFound(f"no aggregate {aid}", field="aggregate_id")
        return aggregate

    def history(self, aggregate_id: Any) -> list[DomainEventProtocol[UUID]]:
        """Every event of one aggregate, oldest first."""
        aid = check.identifier(aggregate_id, "aggregate_id")
        events = list(self.events.get(aid))
        if not events:
            raise NotFound(f"no aggregate {aid}", field="aggregate_id")
        return events

    def notifications(
        self, start: int = 1, limit: int = 1000, topics: Sequence[str] = ()
    ) -> Sequence[Notification]:
        return self.recorder.select_notifications(start=start, limit=limit, topics=topics)

    def all_notifications(
        self, topics: Sequence[str] = (), page: int = 1000, start: int = 1
    ) -> Iterator[Notification]:
        """The log from ``start`` on (only ``topics``, if given), read in pages."""
        while True:
            batch = self.notifications(start, page, topics)
            yield from batch
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    def decode(self, notification: Notification) -> DomainEventProtocol[UUID]:
        return self.mapper.to_domain_event(notification)

    def position(self) -> int:
        """The id of the last event in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    # --- helpers -----------------------------------------------------------------------------

    def _get(
        self, cls: type[A], aggregate_id: UUID, field: str | None = None, *, copy: bool = True
    ) -> A:
        """Load an aggregate; ``copy=False`` shares the cached object, which is then
        strictly read-only for the caller."""
        try:
            aggregate = self.repository.get(
                aggregate_id, projector_func=_project, deepcopy_from_cache=copy
            )
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, cls):
            raise _not_found(cls, aggregate_id, field or cls.__name__.lower())
        return aggregate

    def _of_organization(self, cls: type[A], organization_id: UUID, value: Any, field: str) -> A:
        """The aggregate ``value`` names, when it belongs to the organisation. Another
        organisation's is answered exactly like an id that does not exist (status, code,
        field and message), so a request never learns what other organisations hold."""
        aggregate_id = check.identifier(value, field)
        aggregate = self._get(cls, aggregate_id, field)
        if getattr(aggregate, "organization_id", None) != organization_id:
            raise _not_found(cls, aggregate_id, field)
        return aggregate

    def _all(self, cls: type[A]) -> list[A]:
        """Every aggregate of a kind, in creation order."""
        return [self._get(cls, i) for i in self._created_positions(cls)]

    def created_position(self, cls: type[Any], aggregate_id: UUID) -> int | None:
        """The log position of the aggregate's creation event (None if there is none):
        nothing of the aggregate, nor anything created for it, is older."""
        return self._created_positions(cls).get(aggregate_id)

    def _created_positions(self, cls: type[Any]) -> dict[UUID, int]:
        """Ids of every aggregate of a kind with their creation positions, in log order.

        Found from the creation events and remembered with the log position read up to,
        so later calls only look at the part of the log written since (and none at all
        when nothing was).
        """
        topic = get_topic(getattr(cls, _CREATED_EVENT[cls]))
        with self._created_lock:
            known, seen = self._created.get(topic, ({}, 0))
            # Read before the scan: whatever is committed after it has a later position.
            top = self.position()
            if top > seen:
                fresh = list(self.all_notifications(topics=[topic], start=seen + 1))
                if fresh:
                    known = {**known, **{UUID(str(n.originator_id)): n.id for n in fresh}}
                self._created[topic] = (known, max(top, fresh[-1].id if fresh else 0))
            return known

    def _organization_and_actor(
        self, organization_id: Any, by: Any, *, for_change: bool = False
    ) -> tuple[Organization, UUID]:
        """The organisation and the acting member; unless ``for_change``, the organisation
        is the shared cached object and must only be read."""
        org = self._get(
            Organization,
            check.identifier(organization_id, "organization_id"),
            "organization_id",
            copy=for_change,
        )
        actor = org.member(check.identifier(by, "by"), field="by").id
        return org, actor

    def _known_member(self, organization_id: UUID, by: Any) -> UUID:
        """Members are never removed, so a member in the cached organisation is current."""
        member_id = check.identifier(by, "by")
        org = self._cached(Organization, organization_id)
        if org is None or member_id not in org.members:
            org = self._get(Organization, organization_id, "organization_id", copy=False)
        return org.member(member_id, field="by").id

    def _cached(self, cls: type[A], aggregate_id: UUID) -> A | None:
        cache = self.repository.cache
        try:
            aggregate = cache.get(aggregate_id) if cache is not None else None
        except KeyError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def _cached_copy(self, cls: type[A], aggregate_id: UUID) -> A | None:
        aggregate = self._cached(cls, aggregate_id)
        return None if aggregate is None else copy.deepcopy(aggregate)

    def _forget_organization_reads(self, aggregates: Sequence[OKRAggregate]) -> None:
        """After an organisation changes here, token checks read it from the store again
        until a read has started after the change (so a revocation made through this
        process counts at once)."""
        now = self.monotonic()
        for aggregate in aggregates:
            if isinstance(aggregate, Organization):
                self._organization_changed_at[aggregate.id] = now

    def _remember_newer(self, aggregate: OKRAggregate) -> None:
        """Cache a just-saved aggregate, unless a later version is cached already."""
        cached = self._cached(type(aggregate), aggregate.id)
        if cached is None or cached.version < aggregate.version:
            self._remember(aggregate)

    def _remember(self, aggregate: OKRAggregate) -> None:
        if self.repository.cache is not None:
            self.repository.cache.put(aggregate.id, aggregate)

    def _evict(self, aggregate_id: UUID) -> None:
        if self.repository.cache is not None:
            with contextlib.suppress(KeyError):
                self.repository.cache.get(aggregate_id, evict=True)

    def _on_organization(
        self,
        organization_id: Any,
        by: Any,
        change: Callable[[Organization, UUID], None],
        ids: dict[str, UUID] | None = None,
    ) -> CommandResult:
        org, actor = self._organization_and_actor(organization_id, by, for_change=True)
        change(org, actor)
        return self._saved(org, ids=ids, expected=org)

    def _objective_and_actor(
        self, objective_id: Any, by: Any, expected_version: int | None
    ) -> tuple[Objective, Organization, UUID]:
        objective = self.get_objective(objective_id)
        if expected_version is not None and expected_version != objective.version:
            raise Conflict(
                f"objective '{objective.title}' is at version {objective.version}, "
                f"not {expected_version}",
                expected_version=expected_version,
                actual_version=objective.version,
            )
        org, actor = self._organization_and_actor(objective.organization_id, by)
        return objective, org, actor

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

    def _initiative_and_actor(self, initiative_id: Any, by: Any) -> tuple[Initiative, UUID]:
        initiative = self._get(
            Initiative, check.identifier(initiative_id, "initiative_id"), "initiative_id"
        )
        _, actor = self._organization_and_actor(initiative.organization_id, by)
        return initiative, actor

    def _kpi_and_actor(self, kpi_id: Any, by: Any) -> tuple[Kpi, UUID]:
        kpi = self._get(Kpi, check.identifier(kpi_id, "kpi_id"), "kpi_id")
        _, actor = self._organization_and_actor(kpi.organization_id, by)
        return kpi, actor

    def _team_cycle(self, org_id: UUID, unit_id: UUID, cycle_id: UUID, actor: UUID) -> TeamCycle:
        try:
            return self._get(TeamCycle, team_cycle_id(unit_id, cycle_id))
        except NotFound:
            return TeamCycle.open(
                organization_id=org_id, unit_id=unit_id, cycle_id=cycle_id, by=actor
            )

    @contextlib.contextmanager
    def _cross_checked(self) -> Iterator[None]:
        """Run a command that checks aggregates other than the one it writes (no version
        number makes two of them conflict) alone: alone in this process, and alone among
        every process on the same event store, by the store's lock held from before its
        reads until after its save has committed (:mod:`okr_es.persistence.store_lock`)."""
        with self._cross_checks, store_wide(self.recorder):
            yield

    def _titles_in_set(self, team_cycle: TeamCycle, *, but: UUID | None = None) -> set[str]:
        """The titles (as :func:`~okr_es.aggregates.validation.same_text_key` compares
        them) of the objectives committed to a unit's set, ``but`` that one, as stored
        (a cached copy can lag behind a reword saved by this very process)."""
        return {
            check.same_text_key(self.read_aggregate(Objective, i).title)
            for i in team_cycle.objective_ids
            if i != but
        }

    def _existing_team_cycle(self, unit_id: Any, cycle_id: Any, by: Any) -> tuple[TeamCycle, UUID]:
        tc = self.get_team_cycle(unit_id, cycle_id)
        if tc is None:
            raise NotFound("the unit has set no objectives in that cycle", field="cycle_id")
        _, actor = self._organization_and_actor(tc.organization_id, by)
        return tc, actor

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

    def _key_result_ref(self, org_id: UUID, objective_id: Any, key_result_id: Any) -> KeyResultRef:
        objective = self._of_organization(Objective, org_id, objective_id, "objective_id")
        kr = objective.key_result_to_move(check.identifier(key_result_id, "key_result_id"))
        return KeyResultRef(objective.id, kr.id)

    def _sibling_cycles(self, org_id: UUID, parent_id: UUID | None) -> list[Cycle]:
        return [c for c in self.cycles(org_id) if c.parent_id == parent_id]

    def _business_time(self, value: Any, field: str) -> datetime | None:
        when = check.optional_instant(value, field)
        if when is not None and when > self.clock() + _FUTURE_SLACK:
            raise InvalidInput(f"{field} lies in the future", code="in-the-future", field=field)
        return when

    def _saved(
        self,
        *aggregates: OKRAggregate,
        ids: dict[str, UUID] | None = None,
        warnings: Sequence[str] = (),
        expected: OKRAggregate | None = None,
    ) -> CommandResult:
        pending_version = (
            None if expected is None else expected.version - len(expected.pending_events)
        )
        try:
            recordings: list[Recording[UUID]] = self.save(*aggregates)
        except IntegrityError:
            self._forget_organization_reads(aggregates)
            if expected is None or pending_version is None:
                # Another writer changed one of them between our read and this save.
                raise Conflict(
                    "changed meanwhile by another request; try again",
                    expected_version=-1,
                    actual_version=-1,
                ) from None
            actual = self.repository.get(expected.id, projector_func=_project).version
            raise Conflict(
                f"{type(expected).__name__} {expected.id} changed meanwhile "
                f"(version {pending_version} → {actual}); reload and try again",
                expected_version=pending_version,
                actual_version=actual,
            ) from None
        self._forget_organization_reads(aggregates)
        for aggregate in aggregates:
            # The library refreshes a cached aggregate only on the next full load; guards
            # read the cache as it is (``read_aggregate(fresh=False)``), so a new owner or
            # unit must count from the next request on.
            self._remember_newer(aggregate)
        return CommandResult(
            position=recordings[-1].notification.id if recordings else self.position(),
            ids=dict(ids or {}),
            warnings=list(warnings),
        )

    @staticmethod
    def _retrying(attempt: Callable[[], R], retries: int, command: str) -> R:
        for _ in range(retries):
            try:
                return attempt()
            except (Conflict, IntegrityError):
                continue
        try:
            return attempt()
        except IntegrityError:
            raise Conflict(
                f"{command}: too many concurrent changes; try again",
                expected_version=-1,
                actual_version=-1,
            ) from None


_CREATED_EVENT: dict[type[Any], str] = {
    Organization: "OrganizationRegistered",
    Cycle: "CycleDefined",
    TeamCycle: "TeamCycleOpened",
    Objective: "ObjectiveSet",
    Initiative: "InitiativeStarted",
    Kpi: "KpiDefined",
}


# The fields naming an alignment target when an objective is set (or imported).
_ALIGNED_TO = ("aligned_to_objective_id", "aligned_to_key_result_id")


def _not_found(cls: type[Any], aggregate_id: UUID, field: str) -> NotFound:
    return NotFound(f"no {cls.__name__} {aggregate_id}", field=field)


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
        with _located(f"key_results[{k}]"):
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


@contextlib.contextmanager
def _located(where: str) -> Iterator[None]:
    """Name the part of a command at fault: a refusal raised inside names ``where``
    before its own field (``objectives[1]`` + ``title`` = ``objectives[1].title``)."""
    try:
        yield
    except OKRError as error:
        if not isinstance(error, Conflict):
            error.field = f"{where}.{error.field}" if error.field else where
        raise


@contextlib.contextmanager
def _renamed(field: str, as_sent: str) -> Iterator[None]:
    """Name a refusal's ``field`` as the command calls it (``as_sent``), in its message
    too."""
    try:
        yield
    except OKRError as error:
        if error.field == field:
            error.field = as_sent
            if error.message.startswith(f"{field} "):
                error.message = as_sent + error.message[len(field) :]
                error.args = (error.message,)
        raise


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


def _corridor_for(metric: str, target: float | None) -> tuple[float | None, float | None]:
    if metric in ("increase", "stay_above"):
        return target, None
    if metric in ("decrease", "stay_below"):
        return None, target
    return 1.0, None
