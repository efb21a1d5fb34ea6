"""What handlers are given: the application and the principal behind the bearer token."""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from okr_es.access_tokens import Principal
from okr_es.application import OKRApplication
from okr_es.errors import Unauthenticated

STATE_KEY = "okr"


def provide_application(state: State) -> OKRApplication:
    application: OKRApplication = state[STATE_KEY]
    return application


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The member whose token is in ``Authorization: Bearer …``, or 401."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("send an access token: Authorization: Bearer <token>")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must read: Bearer <token>")
    application: OKRApplication = request.app.state[STATE_KEY]
    return application.authenticate(token.strip())


DEPENDENCIES: dict[str, Provide] = {
    "okr": Provide(provide_application, sync_to_thread=False),
    # Authentication may read the store (an unknown token makes the index catch up).
    "principal": Provide(provide_principal, sync_to_thread=True),
}

# Handler parameter types: the application, and the acting member from the token.
Okr: TypeAlias = NamedDependency[OKRApplication]
Actor: TypeAlias = NamedDependency[Principal]
