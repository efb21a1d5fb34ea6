"""Mounting the read API: ``graphql_handlers()`` gives the route handlers for
``create_app(route_handlers=...)`` (POST/GET ``/graphql``, GraphiQL on GET, websocket
subscriptions over graphql-transport-ws).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cross_web import HTTPException as RequestRefused
from graphql.error import GraphQLError
from litestar import HttpMethod, Request, Response, route
from litestar.datastructures import State
from litestar.exceptions import HTTPException, MethodNotAllowedException
from litestar.types import ControllerRouterHandler
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.types.unset import UNSET, UnsetType

from okr_es.api.bodies import JSON_CONTENT_TYPE, malformed, media_type
from okr_es.api.dependencies import STATE_KEY
from okr_es.api.graphql import errors, openapi, websocket
from okr_es.api.graphql.context import GraphQLContext
from okr_es.api.graphql.extensions import authenticate
from okr_es.api.graphql.ide import graphiql_page
from okr_es.api.graphql.live import LiveFeed
from okr_es.api.graphql.schema import MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_TOKENS, build_schema
from okr_es.projections.service import ProjectionService

PROJECTIONS_KEY = "projections"
FEED_KEY = "graphql_live_feed"
DEFAULT_WAIT_TIMEOUT = 2.0
ALLOWED_METHODS = "GET, POST"
# Every other method gets a 405 (litestar would answer OPTIONS itself, with a 204).
REFUSED_METHODS = [
    HttpMethod.OPTIONS,
    HttpMethod.HEAD,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
    HttpMethod.TRACE,
]

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
    max_cost: int = MAX_COST,
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
        build_schema(
            max_depth=max_depth, max_tokens=max_tokens, max_aliases=max_aliases, max_cost=max_cost
        ),
        path=path,
        graphql_ide="graphiql" if graphiql else None,
        context_getter=context_getter,
    )

    class GraphQLController(base):  # type: ignore[misc]
        """The read API (queries over HTTP, subscriptions over websockets)."""

        websocket_adapter_class = websocket.WebSocketAdapter
        graphql_transport_ws_handler_class = websocket.TransportWSHandler

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
            # strawberry's own page loads GraphiQL from a CDN: blank on a closed network.
            return Response(graphiql_page(), media_type="text/html")

        @route(http_method=REFUSED_METHODS, include_in_schema=False, sync_to_thread=False)
        def refuse_method(self) -> None:
            raise MethodNotAllowedException(
                f"{path} answers GET and POST (and websockets)",
                headers={"Allow": ALLOWED_METHODS},
            )

        # strawberry's own handlers, documented as they answer.
        handle_http_get = openapi.documented_get(base.handle_http_get)
        handle_http_post = openapi.documented_post(base.handle_http_post)

        async def execute_request(
            self, request: Request[Any, Any, Any], context: Any, root_value: Any
        ) -> Response[Any]:
            # strawberry reads any body whose type merely contains "application/json"
            # and refuses the rest as a 400; a wrong type is what 415 is for.
            content_type = media_type(request.headers.get("content-type"))
            if request.method == "POST" and content_type != JSON_CONTENT_TYPE:
                return errors.request_error(
                    415, f"send the GraphQL request as JSON, with Content-Type: {JSON_CONTENT_TYPE}"
                )
            try:
                response: Response[Any] = await self.run(
                    request, context=context, root_value=root_value
                )
            except RequestRefused as e:
                # strawberry's refusals of a request it cannot run (not JSON, a batch, no
                # query, variables that are no object) would leave as plain text.
                return errors.request_error(e.status_code, e.reason)
            except HTTPException as e:
                if e.status_code >= 500:
                    raise
                # The body is read through litestar, which refuses one over its limit.
                return errors.request_error(e.status_code, e.detail)
            return response

        async def parse_http_body(self, request: Any) -> Any:
            if request.method == "POST":
                body: bytes = await request.get_body()
                start = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]
                # strawberry reads any JSON value and then looks up "query" in it, which
                # crashes on a string, a number, true or null.
                if start not in (b"{", b"["):
                    raise RequestRefused(
                        400, 'a GraphQL request is a JSON object: {"query": "…", "variables": {…}}'
                    )
            return await super().parse_http_body(request)

        def decode_json(self, data: str | bytes) -> object:
            try:
                return json.loads(data)
            except (ValueError, RecursionError) as error:
                # Only JSONDecodeError would become a 400 by itself: bytes that are not
                # UTF-8, deep nesting or a huge integer would escape as a 500.
                raise RequestRefused(400, malformed(error, data, "the request") or "") from None

        async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
            # A websocket authenticates with its connection_init payload
            # ({"Authorization": "Bearer …"}) or its handshake's Authorization header;
            # Gate checks that token again for every operation sent on it.
            try:
                await authenticate(context)
            except GraphQLError as e:
                raise ConnectionRejectionError(
                    {"code": "UNAUTHENTICATED", "message": e.message}
                ) from None
            no_payload: UnsetType = UNSET
            return no_payload

    return [GraphQLController]
