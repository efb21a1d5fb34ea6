"""A saved view: a named objectives filter and sort, a member's own or the organisation's.

A member keeps views for the screens they open every week ("my team's stale
objectives"); an admin keeps views every member sees ("everything at risk this
quarter"). The filter is stored as the read API's objectives filter, field for field,
and run by ``savedView(id) { objectives }``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import InvalidInput, NotFound, RuleViolation

Sort = Literal["oldest-first", "recently-updated"]
SORTS: frozenset[str] = frozenset({"oldest-first", "recently-updated"})


class ViewFilter(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    """Which objectives a view lists; every condition given must hold (see
    docs/graphql.md, "Saved views and filters", for what each means)."""

    unit_id: UUID | None = None
    include_descendants: bool = False
    cycle_id: UUID | None = None
    owner_id: UUID | None = None
    status: Literal["active", "closed", "dropped"] | None = None
    level: Literal["organisation", "department", "team", "project"] | None = None
    stale: bool | None = None
    reported_status: Literal["green", "yellow", "red"] | None = None
    derived_status: Literal["on-track", "at-risk", "behind"] | None = None
    at_risk: bool | None = None
    unaligned: bool | None = None
    updated_since: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


def view_filter(value: Any) -> ViewFilter:
    """A filter from plain values (a JSON object's), or a clear refusal naming the field."""
    if isinstance(value, ViewFilter):
        return value
    try:
        return msgspec.convert(value, ViewFilter, str_keys=True)
    except msgspec.ValidationError as error:
        raise InvalidInput(
            f"invalid filter: {error}", code="invalid-filter", field="filter"
        ) from None


class SavedView(OKRAggregate):
    """A named objectives filter of one organisation; ``owner_id`` None: everyone's."""

    class SavedViewCreated(OKRAggregate.Created):
        """A view was saved, for its owner alone or (no owner) for the whole organisation."""

        organization_id: UUID
        owner_id: UUID | None
        name: str
        filter: ViewFilter
        sort: str

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.owner_id = self.owner_id
            aggregate.name = self.name
            aggregate.filter = self.filter
            aggregate.sort = self.sort
            aggregate.deleted = False

    class SavedViewRenamed(OKRAggregate.Event):
        """A saved view got a new name."""

        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name

    class SavedViewFilterChanged(OKRAggregate.Event):
        """A saved view's filter or sort changed."""

        filter: ViewFilter
        sort: str

        def apply(self, aggregate: Any) -> None:
            aggregate.filter = self.filter
            aggregate.sort = self.sort

    class SavedViewDeleted(OKRAggregate.Event):
        """A saved view was deleted."""

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    if TYPE_CHECKING:
        organization_id: UUID
        owner_id: UUID | None
        name: str
        filter: ViewFilter
        sort: str
        deleted: bool

    @classmethod
    def create(
        cls,
        *,
        view_id: UUID,
        organization_id: UUID,
        owner_id: UUID | None,
        name: Any,
        filter: Any,
        sort: Any,
        by: UUID,
    ) -> SavedView:
        """Save a view; the owner is the member it belongs to (None: the organisation's)."""
        name = check.line(name, "name", max_length=check.NAME_MAX)
        found = view_filter(filter)
        sort = check.choice(sort, "sort", SORTS)
        return cls._create(
            cls.SavedViewCreated,
            id=view_id,
            organization_id=organization_id,
            owner_id=owner_id,
            name=name,
            filter=found,
            sort=sort,
            by=by,
        )

    def rename(self, *, name: Any, by: UUID) -> None:
        self._check_live()
        name = check.line(name, "name", max_length=check.NAME_MAX)
        if name == self.name:
            raise RuleViolation("the view already has that name", code="no-change", field="name")
        self.trigger_event(self.SavedViewRenamed, name=name, by=by)

    def change_filter(self, *, filter: Any, sort: Any, by: UUID) -> None:
        """Replace the filter (and the sort, when given)."""
        self._check_live()
        found = view_filter(filter)
        sort = self.sort if sort is None else check.choice(sort, "sort", SORTS)
        if found == self.filter and sort == self.sort:
            raise RuleViolation("the view already filters and sorts like that", code="no-change")
        self.trigger_event(self.SavedViewFilterChanged, filter=found, sort=sort, by=by)

    def delete(self, *, by: UUID) -> None:
        self._check_live()
        self.trigger_event(self.SavedViewDeleted, by=by)

    def _check_live(self) -> None:
        if self.deleted:
            # A deleted view is gone for its readers; commands answer as for an unknown id.
            raise NotFound(f"no SavedView {self.id}", field="view_id")
