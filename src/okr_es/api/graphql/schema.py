"""The read API's schema: root types, limits and caches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.utils.aio import aclosing

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

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        """Run an operation over a stream (a websocket), answering a request that
        cannot run with its coded errors, as over HTTP.

        strawberry lets an error raised while the document is parsed or checked (a
        syntax error, the token limit, an operation that cannot be chosen) escape
        the stream: the client would get a bare ``complete`` and the server a
        traceback. Here it becomes the stream's only result, a
        :class:`PreExecutionError`, which the websocket sends as an ``error``."""
        source = await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )
        return self._answered(source)

    async def _answered(self, source: StreamResult) -> StreamResult:
        answered = False
        try:
            async with aclosing(source):
                async for result in source:
                    answered = True
                    yield result
        except Exception as error:
            if answered:
                raise  # pragma: no cover - strawberry answers errors of a running stream
            errors = [
                error
                if isinstance(error, GraphQLError)
                else GraphQLError(str(error), original_error=error)
            ]
            self.process_errors(errors)
            yield PreExecutionError(data=None, errors=errors)


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
