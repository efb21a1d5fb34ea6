"""Saved views as they stand now: name, owner (none: the organisation's), filter, sort.

``savedViews`` lists a reader's own views and the organisation's from these rows, and
``savedView(id) { objectives }`` runs the stored filter over the okr tree. A deleted view
loses its row. The filter is kept as the JSON the event carries.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


class SavedViews(Projection):
    name: ClassVar[str] = "saved_views"
    tables: ClassVar[tuple[str, ...]] = ("rm_saved_views",)
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_saved_views (view_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, owner_id TEXT, name TEXT NOT NULL, "
        "filter TEXT NOT NULL, sort TEXT NOT NULL, created_at TEXT NOT NULL, "
        "updated_at TEXT NOT NULL, version INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_saved_views_org ON rm_saved_views (organization_id)",
    )

    def on_SavedViewCreated(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "INSERT INTO rm_saved_views VALUES (:id, :org, :owner, :name, :filter, :sort, "
            ":at, :at, :version) ON CONFLICT (view_id) DO NOTHING",
            {
                "id": text(e.originator_id),
                "org": text(e.organization_id),
                "owner": text(e.owner_id),
                "name": e.name,
                "filter": _json(e.filter),
                "sort": e.sort,
                "at": e.timestamp.isoformat(),
                "version": e.originator_version,
            },
        )

    def on_SavedViewRenamed(self, sql: Sql, e: Any, position: int) -> None:
        self._update(sql, e, name=e.name)

    def on_SavedViewFilterChanged(self, sql: Sql, e: Any, position: int) -> None:
        self._update(sql, e, filter=_json(e.filter), sort=e.sort)

    def on_SavedViewDeleted(self, sql: Sql, e: Any, position: int) -> None:
        sql.run(
            "DELETE FROM rm_saved_views WHERE view_id = :id", {"id": text(e.originator_id)}
        )

    @staticmethod
    def _update(sql: Sql, e: Any, **changes: Any) -> None:
        assignments = "".join(f"{column} = :{column}, " for column in changes)
        sql.run(
            f"UPDATE rm_saved_views SET {assignments}updated_at = :at, version = :version "
            "WHERE view_id = :id",
            {
                **changes,
                "id": text(e.originator_id),
                "at": e.timestamp.isoformat(),
                "version": e.originator_version,
            },
        )


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()
