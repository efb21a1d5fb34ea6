"""What handlers are given: the application and the principal behind the bearer token
(an okr access token, or a token of the configured OpenID provider)."""

from __future__ import annotations

from typing import Any, TypeAlias

import anyio.to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler

from okr_es.access_tokens import Principal, looks_like_jwt
from okr_es.api.auth_throttle import AuthThrottle
from okr_es.api.oidc.session import no_provider, principal_of_token, provider_of
from okr_es.api.scopes import require_scope
from okr_es.application import OKRApplication
from okr_es.errors import Unauthenticated

STATE_KEY = "okr"
THROTTLE_KEY = "okr_es_auth_throttle"
_PRINCIPAL_KEY = "okr_es_principal"


def provide_application(state: State) -> OKRApplication:
    application: OKRApplication = state[STATE_KEY]
    return application


async def authenticate(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: a handler that acts for a member learns who, or answers 401, before its
    body is read, so a caller without a valid token learns nothing about the body."""
    if "principal" in handler.parsed_fn_signature.parameters:
        principal = await _principal(connection)
        method = str(connection.scope.get("method", "GET"))
        require_scope(principal, handler, method, connection.url.path)
        connection.state[_PRINCIPAL_KEY] = principal


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The member whose token is in ``Authorization: Bearer …``, or 401 (as the
    :func:`authenticate` guard found it, where it ran)."""
    known: Principal | None = request.state.get(_PRINCIPAL_KEY)
    if known is None:
        known = await _principal(request)
        require_scope(known, request.route_handler, request.method, request.url.path)
    return known


async def _principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """Answered from memory on the event loop when the token's organisation was read
    recently enough (see ``Settings.token_recheck_seconds``); otherwise the store is read
    in a worker thread, never on the loop."""
    header = connection.headers.get("authorization")
    if not header:
        raise Unauthenticated("send an access token: Authorization: Bearer <token>")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must read: Bearer <token>")
    application: OKRApplication = connection.app.state[STATE_KEY]
    return await authenticate_token(connection, application, token.strip())


async def authenticate_token(
    connection: ASGIConnection[Any, Any, Any, Any], application: OKRApplication, token: str
) -> Principal:
    """The token's member, counting failures per client address (see ``auth_throttle``):
    one path for the command API, GraphQL requests and websockets. A JSON Web Token (two
    dots) is checked against the OpenID provider in a worker thread (it may fetch the
    provider's keys); a provider that cannot be reached is no failure of the caller's."""
    throttle: AuthThrottle | None = connection.app.state.get(THROTTLE_KEY)
    client = connection.client.host if connection.client else "unknown"
    if throttle is not None:
        throttle.refuse_if_blocked(client)
    principal: Principal | None
    try:
        if looks_like_jwt(token):
            provider = provider_of(connection.app.state, application)
            if provider is None:
                raise no_provider()
            principal = await anyio.to_thread.run_sync(
                principal_of_token, provider, application, token
            )
        else:
            principal = application.authenticate_cached(token)
            if principal is None:
                principal = await anyio.to_thread.run_sync(application.authenticate, token)
    except Unauthenticated:
        if throttle is not None:
            throttle.failed(client)
        raise
    return principal


DEPENDENCIES: dict[str, Provide] = {
    "okr": Provide(provide_application, sync_to_thread=False),
    "principal": Provide(provide_principal),
}

# Handler parameter types: the application, and the acting member from the token.
Okr: TypeAlias = NamedDependency[OKRApplication]
Actor: TypeAlias = NamedDependency[Principal]
