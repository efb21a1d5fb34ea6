"""How ``/graphql`` is described in the OpenAPI document: what it really answers.

Every answer of the read API is GraphQL's own JSON (``data`` and ``errors``), refusals
of a request that never ran included; none is a problem details document. A GET that
asks for HTML (a browser) gets the GraphiQL page instead.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.enums import MediaType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, Parameter, Schema
from litestar.openapi.spec.enums import OpenAPIType

from okr_es.api.problems import OWN_ERRORS


class GraphQLErrorEntry(msgspec.Struct, kw_only=True):
    """One error: its message and ``extensions.code`` (see docs/graphql.md)."""

    message: str
    extensions: dict[str, Any] = msgspec.field(default_factory=dict)
    locations: list[dict[str, int]] | None = None
    path: list[str | int] | None = None


class GraphQLResult(msgspec.Struct, kw_only=True):
    """The result of a GraphQL request that ran."""

    data: dict[str, Any] | None = None
    errors: list[GraphQLErrorEntry] | None = None
    extensions: dict[str, Any] | None = None


class GraphQLRefusal(msgspec.Struct, kw_only=True):
    """A request refused before it ran: errors only, no ``data``."""

    errors: list[GraphQLErrorEntry]


def _json(data: type[msgspec.Struct], description: str) -> ResponseSpec:
    return ResponseSpec(data_container=data, description=description, generate_examples=False)


RAN = _json(GraphQLResult, "The request ran; field errors are in errors")
NOT_GRAPHQL = _json(GraphQLRefusal, "Not a GraphQL request: no query, not JSON, a batch, …")
GET_RESPONSES: dict[int, ResponseSpec] = {
    200: RAN,
    400: NOT_GRAPHQL,
    404: _json(GraphQLRefusal, "No query, and the server shows no GraphiQL page"),
    405: _json(GraphQLRefusal, "A mutation or subscription sent with GET"),
}
POST_RESPONSES: dict[int, ResponseSpec] = {
    200: RAN,
    400: NOT_GRAPHQL,
    413: _json(GraphQLRefusal, "The body is larger than allowed"),
    415: _json(GraphQLRefusal, "The body is not sent as application/json"),
}


@dataclass
class GetOperation(Operation):
    """GET ``/graphql``: the query in the URL, or the GraphiQL page for a browser."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        content = getattr(ok, "content", None)
        if content is not None:
            content[MediaType.HTML.value] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
        text = Schema(type=OpenAPIType.STRING)
        self.parameters = [
            Parameter(
                name="query",
                param_in="query",
                required=False,
                schema=text,
                description="The GraphQL document (a query); without it a browser "
                "(Accept: text/html) gets GraphiQL",
            ),
            Parameter(
                name="variables",
                param_in="query",
                required=False,
                schema=text,
                description="The variables, as a JSON object",
            ),
            Parameter(
                name="operationName",
                param_in="query",
                required=False,
                schema=text,
                description="Which operation of the document to run",
            ),
        ]


def documented_get(handler: HTTPRouteHandler) -> HTTPRouteHandler:
    """strawberry's GET handler, described as it answers."""
    return _documented(handler, GET_RESPONSES, GetOperation)


def documented_post(handler: HTTPRouteHandler) -> HTTPRouteHandler:
    """strawberry's POST handler, described as it answers."""
    return _documented(handler, POST_RESPONSES, Operation)


def _documented(
    handler: HTTPRouteHandler, responses: dict[int, ResponseSpec], operation: type[Operation]
) -> HTTPRouteHandler:
    described = copy(handler)
    described.responses = responses
    described.operation_class = operation
    described.opt = {**handler.opt, OWN_ERRORS: True}
    # The framework's own error format would be documented for these; none leaves as such.
    described.raises = None
    return described
