"""The read API's gate: who is asking, and how fresh the answer must be.

:class:`Gate` authenticates the bearer token (once per HTTP request; websockets
authenticate on ``connection_init``) and honours ``X-OKR-Position`` (read-your-writes):
it waits, bounded, until the read models have applied that log position, and answers
anyway (with a warning) when they do not get there in time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio.to_thread
from strawberry.extensions import SchemaExtension

from okr_es.api.graphql import errors
from okr_es.api.graphql.context import GraphQLContext
from okr_es.errors import Unauthenticated

POSITION_HEADER = "x-okr-position"
_log = logging.getLogger(__name__)
_MAX_POSITION_DIGITS = 18


class Gate(SchemaExtension):
    """Authenticate, then wait for the requested read-model position."""

    def __init__(self) -> None:
        self.read_model: dict[str, int] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if not isinstance(context, GraphQLContext):  # pragma: no cover - wiring error
            raise TypeError("the GraphQL context is not a GraphQLContext")
        if context.principal is None:
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
    try:
        principal = context.application.authenticate_cached(token)
        if principal is None:
            principal = await anyio.to_thread.run_sync(context.application.authenticate, token)
    except Unauthenticated as e:
        raise errors.graphql_error(e.message, errors.UNAUTHENTICATED) from None
    except Exception:
        # Errors raised here bypass ErrorCodes: log the cause, tell the client nothing.
        _log.exception("authentication failed unexpectedly")
        raise errors.graphql_error(errors.INTERNAL_MESSAGE, errors.INTERNAL) from None
    context.authenticated(principal)


def bearer_token(context: GraphQLContext) -> str:
    """The token of ``Authorization: Bearer …`` (header, or websocket connection_init)."""
    header = _from_params(context.connection_params)
    if header is None:
        source = context.request if context.request is not None else context.websocket
        header = None if source is None else source.headers.get("authorization")
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
    if not text.isdigit() or len(text) > _MAX_POSITION_DIGITS:
        raise errors.graphql_error(
            "X-OKR-Position must be a log position: a whole number ≥ 0",
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
