"""The review and lint policies in effect for the reader's organisation, as the read API
shows them: every threshold, stored or default."""

from __future__ import annotations

from typing import Any

import msgspec

from okr_es.api.graphql.context import GraphQLContext
from okr_es.learning.lint_policy import LIMITS, stored_lint_policy
from okr_es.learning.review_policy import ReviewPolicy, load_review_policy
from okr_es.projections import queries
from okr_es.projections.saved_view_queries import organization_policies


async def review_policy(context: GraphQLContext) -> dict[str, Any]:
    stored = (await context.read(organization_policies)).review_policy
    return _every_field(ReviewPolicy() if stored is None else load_review_policy(stored))


async def lint_policy(context: GraphQLContext) -> dict[str, Any]:
    stored = (await context.read(organization_policies)).lint_policy
    org = await context.read(queries.organization)
    limits = {} if org is None else {name: getattr(org, name) for name in LIMITS}
    return _every_field(stored_lint_policy(stored, limits))


def _every_field(policy: msgspec.Struct) -> dict[str, Any]:
    # The structs leave defaults out when encoded; a reader sees every value in effect.
    values = {name: getattr(policy, name) for name in policy.__struct_fields__}
    plain: dict[str, Any] = msgspec.to_builtins(values)
    return {k: sorted(v) if k == "disabled" else v for k, v in plain.items()}
