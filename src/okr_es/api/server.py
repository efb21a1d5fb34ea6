"""The app ``okr-es serve`` runs: the command API plus the GraphQL read API."""

from __future__ import annotations

from litestar import Litestar

from okr_es.api.app import create_app
from okr_es.api.embedded_notify import embedded_notify
from okr_es.api.graphql import graphql_handlers
from okr_es.application import OKRApplication
from okr_es.settings import Settings


def create_server_app(
    settings: Settings | None = None,
    application: OKRApplication | None = None,
    *,
    webhooks: bool = False,
) -> Litestar:
    """In embedded mode (no PostgreSQL, no NATS) the server runs the notify services
    itself: reminders and webhook delivery; otherwise ``okr-es notify`` does, one process
    active at a time. ``webhooks``: also deliver webhooks from this app (tests)."""
    timeout = (settings or Settings()).read_your_writes_timeout
    return create_app(
        settings,
        application,
        route_handlers=graphql_handlers(wait_timeout=timeout),
        lifespans=[embedded_notify],
        webhooks=webhooks,
    )
