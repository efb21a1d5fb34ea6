"""Read-side queries of saved views and stored policies (one statement each), scoped to
the reader's organisation like those of :mod:`okr_es.projections.queries`."""

from __future__ import annotations

import msgspec

from okr_es.projections.queries import Views, _cols


class SavedViewRow(msgspec.Struct, frozen=True):
    view_id: str
    organization_id: str
    owner_id: str | None
    name: str
    filter: str
    sort: str
    created_at: str
    updated_at: str
    version: int


class PoliciesRow(msgspec.Struct, frozen=True):
    review_policy: str | None
    lint_policy: str | None


def saved_views(views: Views, org: str, member_id: str) -> list[SavedViewRow]:
    """The member's own views and the organisation's, by name (own first on a tie)."""
    rows = views.query(
        f"SELECT {_cols(SavedViewRow)} FROM rm_saved_views WHERE organization_id = :org "
        "AND (owner_id IS NULL OR owner_id = :member) "
        "ORDER BY name, CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END, view_id",
        {"org": org, "member": member_id},
    )
    return [SavedViewRow(*r) for r in rows]


def saved_view(views: Views, org: str, member_id: str, view_id: str) -> SavedViewRow | None:
    """One view the member may read (their own or the organisation's), or None."""
    rows = views.query(
        f"SELECT {_cols(SavedViewRow)} FROM rm_saved_views WHERE organization_id = :org "
        "AND view_id = :id AND (owner_id IS NULL OR owner_id = :member)",
        {"org": org, "member": member_id, "id": view_id},
    )
    return SavedViewRow(*rows[0]) if rows else None


def organization_policies(views: Views, org: str) -> PoliciesRow:
    """The stored review and lint policies (None: the defaults hold)."""
    rows = views.query(
        f"SELECT {_cols(PoliciesRow)} FROM rm_organization_policies WHERE organization_id = :org",
        {"org": org},
    )
    return PoliciesRow(*rows[0]) if rows else PoliciesRow(None, None)
