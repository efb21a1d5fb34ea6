"""The read API's gates: which operation runs, who is asking, how fresh the answer must be.

:class:`OneOperation` settles which operation of the document runs, as the GraphQL spec
asks, before anything else looks at it. :class:`Gate` authenticates the bearer token
for every operation (an HTTP request's, or each one sent over a websocket, which also
authenticates on ``connection_init``: a token revoked since is refused) and honours
``X-OKR-Position`` (read-your-writes): it waits, bounded, until the read models have
applied that log position, and answers anyway (with a warning) when they do not get
there in time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, NoReturn

import anyio.to_thread
from eventsourcing.persistence import PersistenceError
from graphql.language import DocumentNode, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension

from okr_es.api.dependencies import authenticate_token
from okr_es.api.graphql import errors
from okr_es.api.graphql.context import GraphQLContext
from okr_es.api.oidc.session import SESSION_COOKIE
from okr_es.errors import ProviderUnavailable, TooManyAttempts, Unauthenticated

POSITION_HEADER = "x-okr-position"
_log = logging.getLogger(__name__)
_MAX_POSITION_DIGITS = 18


class OneOperation(SchemaExtension):
    """Exactly one operation runs: the one ``operationName`` names, or the document's
    only one; and a subscription only over a websocket, since plain HTTP cannot stream it.

    strawberry itself would run the first of several operations when none is named, and
    execute a subscription sent over HTTP as if it were a query (which then fails as a
    bug). Over HTTP these refusals are answered with status 400, like any request that
    cannot be run."""

    def __init__(self) -> None:
        self.requested: str | None = None

    def on_operation(self) -> Iterator[None]:
        # Until the document is parsed this is the name the request gave; afterwards
        # strawberry answers the first operation's name when none was given.
        self.requested = self.execution_context.operation_name
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is None:
            return  # it did not parse: that error is answered already
        operation = self._chosen(document)
        if operation.operation == OperationType.SUBSCRIPTION and self._over_http():
            self._refuse(
                "a subscription streams its events over a websocket (protocol "
                "graphql-transport-ws on this path); plain HTTP cannot carry it",
                errors.BAD_REQUEST,
            )

    def _chosen(self, document: DocumentNode) -> OperationDefinitionNode:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if self.requested is not None:
            for operation in operations:
                if operation.name is not None and operation.name.value == self.requested:
                    return operation
            self._refuse(
                f'the document has no operation named "{self.requested}"',
                errors.OPERATION_RESOLUTION_FAILURE,
            )
        if len(operations) == 1:
            return operations[0]
        if not operations:
            self._refuse(
                "the document has no operation to run", errors.OPERATION_RESOLUTION_FAILURE
            )
        self._refuse(
            f"the document has {len(operations)} operations: name the one to run in operationName",
            errors.OPERATION_RESOLUTION_FAILURE,
        )

    def _over_http(self) -> bool:
        context = self.execution_context.context
        return isinstance(context, GraphQLContext) and context.request is not None

    def _refuse(self, message: str, code: str) -> NoReturn:
        context = self.execution_context.context
        if isinstance(context, GraphQLContext) and context.response is not None:
            # The answer carries no data: the request as a whole could not be run.
            context.response.status_code = 400
        raise errors.graphql_error(message, code)


class Gate(SchemaExtension):
    """Authenticate, then wait for the requested read-model position."""

    def __init__(self) -> None:
        self.read_model: dict[str, int] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if not isinstance(context, GraphQLContext):  # pragma: no cover - wiring error
            raise TypeError("the GraphQL context is not a GraphQLContext")
        # Every operation, also each one on an open websocket: a revoked token stops
        # working at once, as it does for HTTP requests.
        await authenticate(context)
        requested = requested_position(context)
        if requested is not None:
            reached = await anyio.to_thread.run_sync(
                context.projections.wait_for, requested, context.wait_timeout
            )
            self.read_model = {
                "position": reached,
                "requested": requested,
                "behind": max(0, requested - reached),
            }
        yield
        if self.read_model and self.read_model["behind"]:
            result: Any = self.execution_context.result
            if result is not None:
                behind = errors.graphql_error(
                    f"the read models are behind: they reached position "
                    f"{self.read_model['position']}, not {requested}; this answer may not "
                    "include your latest writes",
                    errors.READ_MODEL_BEHIND,
                )
                result.errors = [*(result.errors or []), behind]

    def get_results(self) -> dict[str, Any]:
        return {"readModel": self.read_model} if self.read_model else {}


async def authenticate(context: GraphQLContext) -> None:
    """Find the reader from the bearer token, or raise an UNAUTHENTICATED error."""
    token = bearer_token(context)
    connection = context.request if context.request is not None else context.websocket
    try:
        if connection is None:  # pragma: no cover - every operation arrives on one
            raise Unauthenticated("no connection to authenticate")
        principal = await authenticate_token(connection, context.application, token)
    except Unauthenticated as e:
        raise errors.graphql_error(e.message, errors.UNAUTHENTICATED) from None
    except TooManyAttempts as e:
        raise errors.graphql_error(
            e.message, errors.TOO_MANY_ATTEMPTS, retryAfter=e.retry_after
        ) from None
    except ProviderUnavailable as e:
        _log.error("authentication could not reach the OpenID provider: %s", e.message)
        raise errors.graphql_error(e.message, errors.IDENTITY_PROVIDER_UNAVAILABLE) from None
    except PersistenceError as e:
        _log.error("authentication could not reach the event store: %s", e)
        raise errors.graphql_error(
            errors.STORE_UNAVAILABLE_MESSAGE, errors.STORE_UNAVAILABLE
        ) from None
    except Exception:
        # Errors raised here bypass ErrorCodes: log the cause, tell the client nothing.
        _log.exception("authentication failed unexpectedly")
        raise errors.graphql_error(errors.INTERNAL_MESSAGE, errors.INTERNAL) from None
    context.authenticated(principal)


def bearer_token(context: GraphQLContext) -> str:
    """The token of ``Authorization: Bearer …`` (header, or websocket connection_init)."""
    header = _from_params(context.connection_params)
    source = context.request if context.request is not None else context.websocket
    if header is None:
        header = None if source is None else source.headers.get("authorization")
    if not header and source is not None:
        # A browser signed in at /auth/login: its ID token, kept in an HttpOnly cookie.
        session = source.cookies.get(SESSION_COOKIE)
        if session:
            return session
    if not header:
        raise errors.graphql_error(
            "send an access token: Authorization: Bearer <token>", errors.UNAUTHENTICATED
        )
    scheme, _, token = str(header).strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.graphql_error(
            "the Authorization header must read: Bearer <token>", errors.UNAUTHENTICATED
        )
    return token.strip()


def requested_position(context: GraphQLContext) -> int | None:
    """The ``X-OKR-Position`` the client wants to read (None: no header)."""
    if context.request is None:
        return None
    raw = context.request.headers.get(POSITION_HEADER)
    if raw is None:
        return None
    text = raw.strip()
    # isdigit() alone also accepts digits int() does not read, such as "²".
    if not (text.isascii() and text.isdigit()):
        raise errors.graphql_error(
            "X-OKR-Position must be a log position: a whole number ≥ 0",
            errors.BAD_USER_INPUT,
            field="X-OKR-Position",
        )
    if len(text.lstrip("0")) > _MAX_POSITION_DIGITS:
        raise errors.graphql_error(
            f"X-OKR-Position is too large: a log position has at most "
            f"{_MAX_POSITION_DIGITS} digits",
            errors.BAD_USER_INPUT,
            field="X-OKR-Position",
        )
    return int(text)


def _from_params(params: Any) -> str | None:
    if not isinstance(params, Mapping):
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str):
            return value
    token = params.get("token")
    return f"Bearer {token}" if isinstance(token, str) else None
