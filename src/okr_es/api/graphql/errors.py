"""How errors leave the GraphQL API: every error carries ``extensions.code``, mapped here.

Domain errors keep their message and stable okr-es code (``extensions.okrCode``); GraphQL's
own validation errors say so; anything unexpected is logged and answered with a message
that reveals nothing about the internals. A request that is not a GraphQL request at all
(not JSON, no query, …) is answered in the same shape, with no ``data``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from eventsourcing.persistence import PersistenceError
from graphql.error import GraphQLError
from litestar import MediaType, Response
from strawberry.exceptions import MissingQueryError

from okr_es.errors import Conflict, Forbidden, InvalidInput, NotFound, OKRError, Unauthenticated
from okr_es.projections.queries import InvalidCursor

UNAUTHENTICATED = "UNAUTHENTICATED"
TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
CONFLICT = "CONFLICT"
READ_MODEL_BEHIND = "READ_MODEL_BEHIND"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_REQUEST = "BAD_REQUEST"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
INTERNAL = "INTERNAL_SERVER_ERROR"
STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
IDENTITY_PROVIDER_UNAVAILABLE = "IDENTITY_PROVIDER_UNAVAILABLE"

# Domain error class → GraphQL code; the first matching class wins.
CODE_OF_ERROR: tuple[tuple[type[Exception], str], ...] = (
    (Unauthenticated, UNAUTHENTICATED),
    (Forbidden, FORBIDDEN),
    (NotFound, NOT_FOUND),
    (InvalidInput, BAD_USER_INPUT),
    (InvalidCursor, BAD_USER_INPUT),
    (Conflict, CONFLICT),
    (OKRError, BAD_USER_INPUT),
)

INTERNAL_MESSAGE = "the server failed to answer this part of the request"
STORE_UNAVAILABLE_MESSAGE = "the event store cannot be reached; try again"
NO_QUERY_MESSAGE = "No GraphQL query found in the request"

_log = logging.getLogger(__name__)


def graphql_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    """An error to raise from a resolver or an extension, already carrying its code."""
    return GraphQLError(message, extensions={"code": code, **extensions})


def request_error(status: int, message: str, code: str = BAD_REQUEST) -> Response[Any]:
    """The answer to a request that never reached GraphQL execution: ``errors`` only."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(body, status_code=status, media_type=MediaType.JSON)


def with_code(error: GraphQLError) -> GraphQLError:
    """The error as the client may see it: with a code, and masked when it is a bug."""
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if _VARIABLE_VALUE.match(error.message):
        # A variable that does not fit its type (e.g. a malformed UUID): the caller's input.
        return _copy(error, error.message, {"code": BAD_USER_INPUT})
    if original is None:
        # Raised by graphql-core itself: a document that fails validation or a limit.
        return _copy(error, error.message, {"code": VALIDATION_FAILED})
    if isinstance(original, GraphQLError):
        return with_code(original) if original is not error else original
    if isinstance(original, MissingQueryError):
        # An empty or absent query (over a websocket; HTTP refuses it before GraphQL).
        return _copy(error, NO_QUERY_MESSAGE, {"code": BAD_REQUEST})
    if isinstance(original, PersistenceError):
        # The database is away (as REST's 503 store-unavailable): the client may retry.
        _log.error("event store error in GraphQL field %s: %s", error.path, original)
        return _copy(error, STORE_UNAVAILABLE_MESSAGE, {"code": STORE_UNAVAILABLE})
    for cls, code in CODE_OF_ERROR:
        if isinstance(original, cls):
            extra: dict[str, Any] = {"code": code}
            if isinstance(original, OKRError):
                extra["okrCode"] = original.code
                if original.field is not None:
                    extra["field"] = original.field
            message = original.message if isinstance(original, OKRError) else str(original)
            return _copy(error, message, extra)
    if isinstance(original, ValueError) and error.path is None:
        # A scalar that could not be parsed (e.g. a malformed UUID or date-time literal).
        return _copy(error, error.message, {"code": BAD_USER_INPUT})
    _log.error("unexpected error in GraphQL field %s", error.path, exc_info=original)
    return _copy(error, INTERNAL_MESSAGE, {"code": INTERNAL})


# graphql-core's words for a variable's value that does not fit its declared type (an
# unused or undefined variable is a validation failure of the document instead).
_VARIABLE_VALUE = re.compile(
    r"Variable '\$\w+' (got invalid value|has invalid value|of (required|non-null) type)"
)


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )
