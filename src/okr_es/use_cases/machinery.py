"""The shared machinery under every use case: loading and caching aggregates,
saving with conflict detection, bounded retries, store-wide locks and business-time checks.

Why each piece exists:

- **The process cache of aggregates.** Most commands read an organisation (for the acting
  member and its policy) and write one other aggregate; reading the organisation from the
  store on every command would cost a round trip each. The library's repository cache
  keeps the latest copy per process; commands get a deep copy to change (``copy=True``),
  guards that only read share the cached object. A just-saved aggregate is put back in
  the cache at once (the library refreshes it only on the next full load), so the next
  request in this process counts a new unit or owner.
- **Read after create.** Another process's cache does not know an aggregate, unit or
  member created a moment ago through this one; a miss in a cached aggregate is read
  from the store once more before it is answered as not found
  (:meth:`CommandMachinery.read_aggregate_having`).
- **Bounded retries.** Commands that commute (check-ins on different key results,
  reflections, setting objectives) retry a few times on a version conflict instead of
  refusing; after that they answer ``Conflict``.
- **Store-wide locks.** A few commands check aggregates other than the one they write
  (a cycle against its siblings, a reopen against its unit's set, a graduation against
  the organisation's KPIs); no version number makes two of them conflict, so they run
  one at a time in this process and across processes (the store's lock).
- **Business time.** Dates a command is told (``effective_at``, ``checked_in_at``,
  ``measured_at``) may lie in the past (imports, late check-ins) but not in the future
  beyond a day of clock skew.
- **Creation positions.** Lists of every aggregate of a kind come from their creation
  events, remembered with the log position read up to, so a later call reads only what
  was written since.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Notification, Recording
from eventsourcing.utils import get_topic

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OKRError,
)
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
    # The signing secret of a newly subscribed webhook; present only in that one result.
    secret: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def project_events(aggregate: Any, events: Iterable[Any]) -> Any:
    # The library's default projector checks a runtime protocol per event; our events are
    # all aggregate events, so mutate directly (several times faster replay).
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class CommandMachinery(Application[UUID]):
    """What every use case module builds on (the composition root,
    :class:`okr_es.application.OKRApplication`, sets it up)."""

    settings: Settings
    clock: Clock
    # Elapsed time (how old a token check's read of an organisation is), apart from
    # the business clock above.
    monotonic: Callable[[], float]

    def _start_machinery(self) -> None:
        # Per creation topic: the aggregates' ids with the positions of their creation
        # events (in log order), and the position read up to.
        self._created: dict[str, tuple[dict[UUID, int], int]] = {}
        self._created_lock = threading.Lock()
        # Commands that check other aggregates than the one they write (a cycle against
        # its siblings, a reopen against its unit's set, closing a set against its
        # objectives): nothing in the store makes such a pair conflict, so this process
        # runs them one at a time.
        self._cross_checks = threading.Lock()
        # When a read of each organisation from the store to authenticate a token last
        # started, and when this process last changed it (monotonic clock).
        self._organization_read_at: dict[UUID, float] = {}
        self._organization_changed_at: dict[UUID, float] = {}

    # --- reading the log ---------------------------------------------------------------------

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

    # --- loading and caching aggregates -------------------------------------------------------

    def _get(
        self, cls: type[A], aggregate_id: UUID, field: str | None = None, *, copy: bool = True
    ) -> A:
        """Load an aggregate; ``copy=False`` shares the cached object, which is then
        strictly read-only for the caller."""
        try:
            aggregate = self.repository.get(
                aggregate_id, projector_func=project_events, deepcopy_from_cache=copy
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

    def _known_member(self, organization_id: UUID, by: Any) -> UUID:
        """Members are never removed, so a member in the cached organisation is current."""
        member_id = check.identifier(by, "by")
        org = self._cached(Organization, organization_id)
        if org is None or member_id not in org.members:
            org = self._get(Organization, organization_id, "organization_id", copy=False)
        return org.member(member_id, field="by").id

    def read_aggregate_having(
        self, cls: type[A], aggregate_id: UUID, having: Callable[[A], object]
    ) -> A:
        """The shared cached aggregate (read only, as ``read_aggregate(fresh=False)``) in
        which ``having`` finds what it looks for (``lambda org: org.unit(unit_id)``).

        Read after create across processes: another process may have created the unit,
        member or cycle a moment ago, and handed its id to a caller who now names it here.
        When ``having`` raises ``NotFound`` on the cached state, the aggregate is read from
        the store once more and ``having`` asked again: only what the store does not hold
        either is answered as not found, with the same error as before.
        """
        cached = self._cached(cls, aggregate_id)
        if cached is not None:
            try:
                having(cached)
            except NotFound:
                pass
            else:
                return cached
        current = self._get(cls, aggregate_id, cls.__name__.lower(), copy=False)
        having(current)
        return current

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

    # --- locks, business time, saving and retrying ---------------------------------------------

    @contextlib.contextmanager
    def _cross_checked(self) -> Iterator[None]:
        """Run a command that checks aggregates other than the one it writes (no version
        number makes two of them conflict) alone: alone in this process, and alone among
        every process on the same event store, by the store's lock held from before its
        reads until after its save has committed (:mod:`okr_es.persistence.store_lock`)."""
        with self._cross_checks, store_wide(self.recorder):
            yield

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
            actual = self.repository.get(expected.id, projector_func=project_events).version
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


def _not_found(cls: type[Any], aggregate_id: UUID, field: str) -> NotFound:
    return NotFound(f"no {cls.__name__} {aggregate_id}", field=field)


@contextlib.contextmanager
def located(where: str) -> Iterator[None]:
    """Name the part of a command at fault: a refusal raised inside names ``where``
    before its own field (``objectives[1]`` + ``title`` = ``objectives[1].title``)."""
    try:
        yield
    except OKRError as error:
        if not isinstance(error, Conflict):
            error.field = f"{where}.{error.field}" if error.field else where
        raise
