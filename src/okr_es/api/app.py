"""The litestar application factory: routes, error mapping, OpenAPI and the lifespan.

``create_app`` builds everything from its arguments; nothing is opened at import time.
The OKRApplication is opened when the server starts and closed when it stops (unless the
caller passed one in, which then stays the caller's to close).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio.to_thread
from litestar import Litestar, Router
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import PluginProtocol
from litestar.types import ControllerRouterHandler

from okr_es.api.auth_throttle import AuthThrottle
from okr_es.api.bodies import JSONRequest, require_json
from okr_es.api.commands import COMMAND_HANDLERS
from okr_es.api.dependencies import DEPENDENCIES, STATE_KEY, THROTTLE_KEY, authenticate
from okr_es.api.oidc.browser import auth_router
from okr_es.api.problems import EXCEPTION_HANDLERS, document_problems
from okr_es.api.scim.controller import scim_router
from okr_es.api.security_headers import secure_html
from okr_es.api.slack import slack_router
from okr_es.api.strict_structs import StrictStructSchemaPlugin
from okr_es.api.ui_assets import SWAGGER_UI, static_files_router
from okr_es.application import OKRApplication
from okr_es.projections.service import ReadModelFollower, start_read_models
from okr_es.settings import Settings
from okr_es.webhooks.service import WebhookService

_log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
READ_MODELS_KEY = "projections"
# Command bodies are small; anything bigger is refused before it is decoded.
MAX_BODY_BYTES = 64 * 1024


def create_app(
    settings: Settings | None = None,
    application: OKRApplication | None = None,
    *,
    route_handlers: Sequence[ControllerRouterHandler] = (),
    plugins: Sequence[PluginProtocol] = (),
    read_models: ReadModelFollower | None = None,
    lifespans: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = (),
    webhooks: bool = False,
) -> Litestar:
    """The HTTP app: the command API under ``/api/v1`` and its OpenAPI at ``/schema``.

    ``route_handlers`` and ``plugins`` mount further parts (e.g. the GraphQL read API)
    beside the command API, sharing its dependencies, error mapping and lifespan.
    Read models are kept current by a follower started in the lifespan (in-process, or
    listening to ``okr-es project`` workers, per ``Settings.projections``) unless the
    caller passes its own ``read_models``, which then stays the caller's to stop.
    ``lifespans`` run inside the application's (e.g. the embedded notify services).
    ``webhooks`` delivers webhooks from this process (tests; a server delivers them through
    the notify services, see docs/rhythm.md).
    """

    @asynccontextmanager
    async def open_application(app: Litestar) -> AsyncIterator[None]:
        okr = (
            application
            if application is not None
            else await anyio.to_thread.run_sync(_open_application, settings)
        )
        app.state[STATE_KEY] = okr
        app.state[THROTTLE_KEY] = AuthThrottle(okr.settings.auth_failures_per_minute)
        follower: ReadModelFollower | None = read_models
        if follower is None and app.state.get(READ_MODELS_KEY) is None:
            follower = await anyio.to_thread.run_sync(start_read_models, okr)
            owned = True
        else:
            owned = False
        if follower is not None:
            app.state[READ_MODELS_KEY] = follower
        delivery = (
            asyncio.create_task(WebhookService(okr, embedded=True).run()) if webhooks else None
        )
        if delivery is not None:
            delivery.add_done_callback(_report_failure)
        try:
            yield
        finally:
            if delivery is not None:
                delivery.cancel()
                # A failure was reported when it happened; stopping the server goes on.
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await delivery
            if owned and follower is not None:
                await anyio.to_thread.run_sync(follower.stop)
            if application is None:
                await anyio.to_thread.run_sync(okr.close)

    commands = Router(
        path=API_PREFIX,
        route_handlers=list(COMMAND_HANDLERS),
        guards=[authenticate],
        before_request=require_json,
    )
    app = Litestar(
        route_handlers=[
            commands,
            scim_router(),
            slack_router,
            auth_router(),
            static_files_router(),
            *route_handlers,
        ],
        plugins=[StrictStructSchemaPlugin(), *plugins],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[open_application, *lifespans],
        request_max_body_size=MAX_BODY_BYTES,
        request_class=JSONRequest,
        openapi_config=_openapi(),
        after_request=secure_html,
    )
    document_problems(app)
    return app


def _report_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("webhook delivery stopped", exc_info=task.exception())


def _open_application(settings: Settings | None) -> OKRApplication:
    return OKRApplication(settings)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="okr-es",
        version="1",
        description=(
            "Event-sourced OKRs. Every command answers with the log position it wrote "
            "(body and X-OKR-Position header); errors are RFC 9457 problem details."
        ),
        path="/schema",
        render_plugins=[_swagger(), JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An access token: okr_<token id>_<secret>",
                )
            }
        ),
    )


def _swagger() -> SwaggerRenderPlugin:
    # litestar's defaults load Swagger UI and the favicon from CDNs: blank on a closed network.
    return SwaggerRenderPlugin(
        path="/swagger",
        js_url=SWAGGER_UI.url("swagger-ui-bundle.js"),
        css_url=SWAGGER_UI.url("swagger-ui.css"),
        standalone_preset_js_url=SWAGGER_UI.url("swagger-ui-standalone-preset.js"),
        favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_UI.url('favicon-32x32.png')}'>",
    )
