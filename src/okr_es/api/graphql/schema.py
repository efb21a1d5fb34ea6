"""The read API's schema: root types, limits and caches."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from okr_es.api.graphql.document_limits import MAX_COST, DocumentLimits, QueryCost
from okr_es.api.graphql.errors import with_code
from okr_es.api.graphql.extensions import Gate, OneOperation
from okr_es.api.graphql.live import Subscription
from okr_es.api.graphql.query import Query
from okr_es.api.graphql.scalars import UTC_DATETIME

__all__ = ["MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_TOKENS", "ReadSchema", "build_schema"]

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 15
CACHE_SIZE = 256


class ReadSchema(strawberry.Schema):
    """A schema whose every error leaves with ``extensions.code`` (bugs masked)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Called on every error list before it is returned (parse, validation, execution,
        # each subscription event); rewritten in place, since that list is what is sent.
        errors[:] = [with_code(error) for error in errors]


def build_schema(
    *,
    max_depth: int = MAX_DEPTH,
    max_tokens: int = MAX_TOKENS,
    max_aliases: int = MAX_ALIASES,
    max_cost: int = MAX_COST,
) -> strawberry.Schema:
    """The schema with its protections: token, depth, alias and cost limits (checked
    before anything runs), parser and validation caches, one operation per request,
    authentication, error codes, and instants read as UTC."""
    return ReadSchema(
        query=Query,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={datetime: UTC_DATETIME}),
        extensions=[
            partial(MaxTokensLimiter, max_token_count=max_tokens),
            partial(ParserCache, maxsize=CACHE_SIZE),
            partial(ValidationCache, maxsize=CACHE_SIZE),
            # Instead of strawberry's depth and alias limiters, which walk every spread
            # of every fragment again.
            partial(DocumentLimits, max_depth=max_depth, max_aliases=max_aliases),
            OneOperation,
            partial(QueryCost, max_cost=max_cost),
            Gate,
        ],
    )
