"""An import mapping: which okr-es objects the items of another tool's exports became.

One per organisation and source tool (its id derived from both, :func:`import_mapping_id`),
so a later export of the same tool finds what an earlier import made of each item (by the
tool's own id, or a stable key where the export has none) and adds only what is new. It is
saved in the same transaction as the import it records: both or neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate

VIVA_GOALS = "viva-goals"
SOURCES = (VIVA_GOALS,)
_NAMESPACE = UUID("5b8e6f0e-2b7c-4a61-9d0f-3c1e7a9b4d22")
# A source key is the tool's id or a key made of an item's kind, period, team and title.
_KEY_MAX = 2000


def import_mapping_id(organization_id: UUID, source: str) -> UUID:
    return uuid5(_NAMESPACE, f"{organization_id}:{source}")


class ImportMapping(OKRAggregate):
    """Source keys of one tool's items → the okr-es ids they were imported as."""

    class ImportMappingStarted(OKRAggregate.Created):
        """An organisation imported from another tool for the first time."""

        organization_id: UUID
        source: str

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.source = self.source
            aggregate.ids = {}

    class SourceItemsMapped(OKRAggregate.Event):
        """An import made okr-es objects (cycles, objectives, key results, check-ins,
        initiatives) of these source items: source key → okr-es id."""

        ids: dict[str, UUID]

        def apply(self, aggregate: Any) -> None:
            aggregate.ids.update(self.ids)

    if TYPE_CHECKING:
        organization_id: UUID
        source: str
        ids: dict[str, UUID]

    @classmethod
    def start(cls, *, organization_id: UUID, source: Any, by: UUID) -> ImportMapping:
        source = check.choice(source, "source", SOURCES)
        return cls._create(
            cls.ImportMappingStarted,
            id=import_mapping_id(organization_id, source),
            organization_id=organization_id,
            source=source,
            by=by,
        )

    def map(self, *, ids: Mapping[str, UUID], by: UUID) -> None:
        """Record new source items; a key already mapped keeps its first id."""
        new = {
            check.line(key, "key", max_length=_KEY_MAX): value
            for key, value in ids.items()
            if key not in self.ids
        }
        if new:
            self.trigger_event(self.SourceItemsMapped, ids=new, by=by)
