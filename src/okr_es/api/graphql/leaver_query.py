# mypy: disable-error-code="untyped-decorator"
"""The root field of what leavers leave behind: ``objectivesNeedingNewOwner``, brought into
the root ``Query`` as its base :class:`LeaverQuery`.

A member deactivated by an admin or by the directory (SCIM) keeps owning their objectives,
as history; the active ones are flagged here until someone hands them on
(``transfer_ownership``) or they close.
"""

from __future__ import annotations

import strawberry

from okr_es.api.graphql.types import Info, Objective
from okr_es.projections import leaver_queries


@strawberry.type
class LeaverQuery:
    @strawberry.field(
        description="Active objectives whose owner was deactivated (left the organisation or "
        "lost access, by an admin or the directory): each needs a new owner "
        "(transfer_ownership). Oldest first."
    )
    async def objectives_needing_new_owner(self, info: Info) -> list[Objective]:
        rows = await info.context.read(leaver_queries.objectives_needing_new_owner)
        return [Objective(row=r) for r in rows]
