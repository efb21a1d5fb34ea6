"""The app ``okr-es serve`` runs: the command API plus the GraphQL read API."""

from __future__ import annotations

from litestar import Litestar

from okr_es.api.app import create_app
from okr_es.api.graphql import graphql_handlers
from okr_es.application import OKRApplication
from okr_es.settings import Settings


def create_server_app(
    settings: Settings | None = None,
    application: OKRApplication | None = None,
    *,
    webhooks: bool | None = None,
) -> Litestar:
    """``webhooks``: deliver them in-process; by default when the server opens its own
    application, no NATS is configured and it keeps its read models itself (one process,
    embedded); otherwise ``python -m okr_es.webhooks`` delivers them (docs/rhythm.md)."""
    chosen = settings or Settings()
    if webhooks is None:
        webhooks = (
            application is None and chosen.nats_url is None and chosen.projections == "inline"
        )
    return create_app(
        settings,
        application,
        route_handlers=graphql_handlers(wait_timeout=chosen.read_your_writes_timeout),
        webhooks=webhooks,
    )
