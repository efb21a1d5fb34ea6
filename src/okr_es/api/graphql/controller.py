"""Mounting the read API: ``graphql_handlers()`` gives the route handlers for
``create_app(route_handlers=...)`` (POST/GET ``/graphql``, GraphiQL on GET, websocket
subscriptions over graphql-transport-ws).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql.error import GraphQLError
from litestar.datastructures import State
from litestar.types import ControllerRouterHandler
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.types.unset import UNSET, UnsetType

from okr_es.api.dependencies import STATE_KEY
from okr_es.api.graphql.context import GraphQLContext
from okr_es.api.graphql.extensions import authenticate
from okr_es.api.graphql.live import LiveFeed
from okr_es.api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, build_schema
from okr_es.projections.service import ProjectionService

PROJECTIONS_KEY = "projections"
FEED_KEY = "graphql_live_feed"
DEFAULT_WAIT_TIMEOUT = 2.0

ServiceProvider = Callable[[State], ProjectionService]


def projections_from_state(state: State) -> ProjectionService:
    """The ProjectionService the server started (``app.state["projections"]``)."""
    service: ProjectionService = state[PROJECTIONS_KEY]
    return service


def graphql_handlers(
    service_provider: ServiceProvider = projections_from_state,
    *,
    path: str = "/graphql",
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    max_depth: int = MAX_DEPTH,
    max_tokens: int = MAX_TOKENS,
    max_aliases: int = MAX_ALIASES,
    graphiql: bool = True,
) -> list[ControllerRouterHandler]:
    """The GraphQL read API's handlers.

    ``service_provider`` finds the running ProjectionService in the app state;
    ``wait_timeout`` bounds how long a request with ``X-OKR-Position`` waits for it.
    """

    async def context_getter(state: State) -> GraphQLContext:
        service = service_provider(state)
        feed = state.get(FEED_KEY)
        if not isinstance(feed, LiveFeed) or feed.service is not service:
            feed = state[FEED_KEY] = LiveFeed(service)
        return GraphQLContext(
            okr=state[STATE_KEY], service=service, wait_timeout=wait_timeout, feed=feed
        )

    base: Any = make_graphql_controller(
        build_schema(max_depth=max_depth, max_tokens=max_tokens, max_aliases=max_aliases),
        path=path,
        graphql_ide="graphiql" if graphiql else None,
        context_getter=context_getter,
    )

    class GraphQLController(base):  # type: ignore[misc]
        """The read API (queries over HTTP, subscriptions over websockets)."""

        async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
            # A websocket authenticates once, with its connection_init payload
            # ({"Authorization": "Bearer …"}) or its handshake's Authorization header.
            try:
                await authenticate(context)
            except GraphQLError as e:
                raise ConnectionRejectionError(
                    {"code": "UNAUTHENTICATED", "message": e.message}
                ) from None
            no_payload: UnsetType = UNSET
            return no_payload

    return [GraphQLController]
