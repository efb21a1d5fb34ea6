"""Use cases of saved views: named objectives filters, a member's own or everyone's."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from okr_es.aggregates import validation as check
from okr_es.aggregates.saved_view import SavedView
from okr_es.errors import InvalidInput
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class SavedViewCommands(AggregateReads):
    """Save, rename, refilter and delete views of the objectives."""

    def create_saved_view(
        self,
        *,
        organization_id: Any,
        name: Any,
        filter: Any,
        by: Any,
        sort: Any = "oldest-first",
        shared: Any = False,
    ) -> CommandResult:
        """Save a named objectives filter: the acting member's own, or with ``shared``
        the organisation's, which every member sees (the HTTP API lets only admins save
        one). ``filter`` holds the fields of the read API's objectives filter in
        snake_case (``{"cycle_id": …, "at_risk": true}``); an unknown field or a value
        that does not fit is refused and nothing is saved. ``sort``: ``oldest-first``
        (by when each objective was set) or ``recently-updated``."""
        org, actor = self._organization_and_actor(organization_id, by)
        if not isinstance(shared, bool):
            raise InvalidInput(
                "shared must be true or false", code="wrong-type", field="shared"
            )
        view_id = uuid4()
        view = SavedView.create(
            view_id=view_id,
            organization_id=org.id,
            owner_id=None if shared else actor,
            name=name,
            filter=filter,
            sort=sort,
            by=actor,
        )
        return self._saved(view, ids={"view_id": view_id})

    def rename_saved_view(self, *, view_id: Any, name: Any, by: Any) -> CommandResult:
        """Give a saved view a new name."""
        view, actor = self._view_and_actor(view_id, by)
        view.rename(name=name, by=actor)
        return self._saved(view)

    def change_saved_view_filter(
        self, *, view_id: Any, filter: Any, by: Any, sort: Any = None
    ) -> CommandResult:
        """Replace a saved view's filter (and its sort, when given), checked as when saved."""
        view, actor = self._view_and_actor(view_id, by)
        view.change_filter(filter=filter, sort=sort, by=actor)
        return self._saved(view)

    def delete_saved_view(self, *, view_id: Any, by: Any) -> CommandResult:
        """Delete a saved view; it no longer lists or answers."""
        view, actor = self._view_and_actor(view_id, by)
        view.delete(by=actor)
        return self._saved(view)

    def _view_and_actor(self, view_id: Any, by: Any) -> tuple[SavedView, UUID]:
        view = self._get(SavedView, check.identifier(view_id, "view_id"), "view_id")
        _, actor = self._organization_and_actor(view.organization_id, by)
        return view, actor
