"""What every resolver is given: the reader, the read models and per-request loaders.

A context is made per HTTP request (per connection for websockets). The loaders batch
every ``load(id)`` made while one level of the query resolves into one statement, and
cache by id for the rest of the request, so a dashboard of fifty objectives costs a
fixed handful of statements.

Time travel (``asOf`` / ``effectiveAsOf`` on a root field) reads the read models of that
instant (:mod:`okr_es.history.as_of`) with the same queries and types: the root field
calls :meth:`GraphQLContext.travel`, and everything resolved below it (the field's
sub-tree, which graphql-core completes in the root field's task, each sibling root field
in a task of its own) reads ``views``, ``batch`` and ``today()`` of that instant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import anyio.to_thread
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from okr_es.access_tokens import Principal
from okr_es.application import OKRApplication
from okr_es.history.as_of import Moment, past_read_models
from okr_es.projections import meeting_queries, queries
from okr_es.projections.queries import MemberRow, UnitRow, Views
from okr_es.projections.service import ProjectionService

R = TypeVar("R")

# The instant the part of the query being resolved reads (None: now); see the docstring.
_MOMENT: ContextVar[Moment | None] = ContextVar("okr_es_graphql_moment", default=None)


class GraphQLContext(BaseContext, kw_only=True):
    """The request's context (a msgspec struct, as strawberry's litestar view wants)."""

    okr: Any  # OKRApplication
    service: Any  # ProjectionService
    wait_timeout: float
    principal: Any = None  # Principal, once authenticated
    loaders: Any = None  # Loaders, once authenticated
    connection_params: Any = None  # the websocket's connection_init payload
    feed: Any = None  # LiveFeed, for subscriptions
    past_loaders: Any = None  # Loaders of each past instant read, by (position, effective)

    @property
    def application(self) -> OKRApplication:
        okr: OKRApplication = self.okr
        return okr

    @property
    def projections(self) -> ProjectionService:
        service: ProjectionService = self.service
        return service

    @property
    def views(self) -> Views:
        """The read models this part of the query reads: now, or of its instant."""
        moment = _MOMENT.get()
        return self.projections.runner.views if moment is None else moment.views

    @property
    def moment(self) -> Moment | None:
        """The instant this part of the query reads (None: now)."""
        return _MOMENT.get()

    async def travel(
        self, as_of: datetime | None, effective_as_of: datetime | None
    ) -> Moment | None:
        """Make the calling root field, and everything below it, read the organisation as
        known at ``as_of`` with its events effective by ``effective_as_of`` (both None:
        now). Returns the instant read, None for now."""
        moment = None
        if as_of is not None or effective_as_of is not None:
            past = past_read_models(self.application)
            moment = await anyio.to_thread.run_sync(
                past.moment,
                self.projections.runner.views,
                self.reader.organization_id,
                as_of,
                effective_as_of,
            )
        _MOMENT.set(moment)
        return moment

    def authenticated(self, principal: Principal) -> None:
        self.principal = principal
        self.loaders = Loaders(self.views, str(principal.organization_id))

    @property
    def reader(self) -> Principal:
        principal: Principal = self.principal
        return principal

    @property
    def org(self) -> str:
        return str(self.reader.organization_id)

    @property
    def batch(self) -> Loaders:
        moment = _MOMENT.get()
        if moment is None:
            loaders: Loaders = self.loaders
            return loaders
        if self.past_loaders is None:
            self.past_loaders = {}
        key = (moment.position, moment.effective_as_of)
        found: Loaders | None = self.past_loaders.get(key)
        if found is None:
            found = self.past_loaders[key] = Loaders(moment.views, self.org)
        return found

    def today(self) -> date:
        moment = _MOMENT.get()
        if moment is not None and moment.day is not None:
            return moment.day
        now = self.application.clock()
        return now.astimezone(UTC).date() if isinstance(now, datetime) else date.today()

    async def read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run one read-side query in a worker thread, scoped to the reader's organisation."""
        views, org = self.views, self.org
        return await anyio.to_thread.run_sync(lambda: fn(views, org, *args, **kwargs))


class Loaders:
    """Per-request batch loaders, all scoped to one organisation."""

    def __init__(self, views: Views, org: str) -> None:
        self.views = views
        self.org = org
        self.unit = self._one(queries.units_by_id, lambda r: r.unit_id)
        self.member = self._one(queries.members_by_id, lambda r: r.member_id)
        self.cycle = self._one(queries.cycles_by_id, lambda r: r.cycle_id)
        self.objective = self._one(queries.objectives_by_id, lambda r: r.objective_id)
        self.key_result = self._one(queries.key_results_by_id, lambda r: r.key_result_id)
        self.key_results_of_objective = self._many(
            queries.key_results_by_objective, lambda r: r.objective_id
        )
        self.check_ins_of_key_result = self._many(
            queries.check_ins_by_key_result, lambda r: r.key_result_id
        )
        # Roll-up (roll_ups.py): the downward edge of alignment, and a cycle's objectives.
        self.aligned_children = self._many(
            queries.aligned_children_by_parent, lambda r: r.aligned_to_objective_id or ""
        )
        self.objectives_of_cycle = self._many(queries.objectives_by_cycle, lambda r: r.cycle_id)
        # Whole lists of the organisation, loaded at most once per request.
        self.all_units: DataLoader[str, list[UnitRow]] = DataLoader(
            load_fn=self._whole(queries.units)
        )
        self.all_members: DataLoader[str, list[MemberRow]] = DataLoader(
            load_fn=self._whole(queries.members)
        )
        self.measurements_of_kpi = self._many(queries.kpi_measurements_by_kpi, lambda r: r.kpi_id)
        # Initiatives, rosters and hypotheses (initiative_types).
        self.initiative = self._one(queries.initiatives_by_id, lambda r: r.initiative_id)
        self.initiatives_of_unit = self._many(queries.initiatives_by_unit, lambda r: r.unit_id)
        self.initiatives_of_owner = self._many(queries.initiatives_by_owner, lambda r: r.owner_id)
        self.links_of_initiative = self._many(
            queries.initiative_links_by_initiative, lambda r: r.initiative_id
        )
        self.links_of_key_result = self._many(
            queries.initiative_links_by_key_result, lambda r: r.key_result_id
        )
        self.grants_of_unit = self._many(queries.role_grants_by_unit, lambda r: r.unit_id or "")
        self.grants_of_member = self._many(queries.role_grants_by_member, lambda r: r.member_id)
        self.hypothesis = self._one(queries.hypotheses_by_objective, lambda r: r.objective_id)
        self.meeting = self._one(meeting_queries.meetings_by_id, lambda r: r.meeting_id)
        self.items_of_meeting = self._many(meeting_queries.items_by_meeting, lambda r: r.meeting_id)

    def clear(self) -> None:
        """Forget cached rows (between events of a live subscription)."""
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()

    def _whole(
        self, fn: Callable[[Views, str], list[R]]
    ) -> Callable[[list[str]], Awaitable[list[list[R]]]]:
        async def load(orgs: list[str]) -> list[list[R]]:
            rows = await anyio.to_thread.run_sync(fn, self.views, self.org)
            return [rows if org == self.org else [] for org in orgs]

        return load

    def _fetch(
        self, fn: Callable[[Views, str, Sequence[str]], list[R]]
    ) -> Callable[[Sequence[str]], Awaitable[list[R]]]:
        async def fetch(keys: Sequence[str]) -> list[R]:
            return await anyio.to_thread.run_sync(fn, self.views, self.org, list(keys))

        return fetch

    def _one(
        self, fn: Callable[[Views, str, Sequence[str]], list[R]], key: Callable[[R], str]
    ) -> DataLoader[str, R | None]:
        fetch = self._fetch(fn)

        async def load(keys: list[str]) -> list[R | None]:
            found = {key(row): row for row in await fetch(keys)}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    def _many(
        self, fn: Callable[[Views, str, Sequence[str]], list[R]], key: Callable[[R], str]
    ) -> DataLoader[str, list[R]]:
        fetch = self._fetch(fn)

        async def load(keys: list[str]) -> list[list[R]]:
            groups: dict[str, list[R]] = defaultdict(list)
            for row in await fetch(keys):
                groups[key(row)].append(row)
            return [groups.get(k, []) for k in keys]

        return DataLoader(load_fn=load)
