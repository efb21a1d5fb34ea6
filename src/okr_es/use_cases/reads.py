"""Reading aggregates as they are now (or at a version): for the edges (audit, time
travel, the learning analyses on stored data) and for the commands that build on them."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.errors import (
    Conflict,
    NotFound,
)
from okr_es.use_cases.machinery import CommandMachinery, project_events

A = TypeVar("A", bound=OKRAggregate)


class AggregateReads(CommandMachinery):
    """The organisation, objective, unit's set or any aggregate by id; every one of a kind."""

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
            aggregate = self.repository.get(oid, version=version, projector_func=project_events)
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
            aggregate = self.repository.get(aid, projector_func=project_events)
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
