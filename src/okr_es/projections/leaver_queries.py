"""Read-side query of what leavers leave behind: the active objectives whose owner was
deactivated (left the organisation or lost access, e.g. disabled in the directory), each
needing a new owner. Read from the okr tree's tables, scoped to one organisation."""

from __future__ import annotations

from okr_es.projections.queries import ObjectiveRow, Views

_COLUMNS = ", ".join(f"o.{name}" for name in ObjectiveRow.__struct_fields__)


def objectives_needing_new_owner(views: Views, org: str) -> list[ObjectiveRow]:
    """Active objectives owned by a deactivated member, oldest first."""
    rows = views.query(
        f"SELECT {_COLUMNS} FROM rm_members m JOIN rm_objectives o "
        "ON o.owner_id = m.member_id AND o.organization_id = m.organization_id "
        "WHERE m.organization_id = :org AND m.active = 0 AND o.status = 'active' "
        "ORDER BY o.set_at, o.objective_id",
        {"org": org},
    )
    return [ObjectiveRow(*r) for r in rows]
