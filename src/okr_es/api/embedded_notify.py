"""Embedded mode: ``okr-es serve`` on SQLite runs the notify services itself.

In distributed mode (PostgreSQL or NATS configured) a separate ``okr-es notify`` process
runs them, one active at a time; the API processes do not.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import anyio.to_thread
from litestar import Litestar

from okr_es.api.dependencies import STATE_KEY
from okr_es.application import OKRApplication
from okr_es.notify.process import run_services
from okr_es.notify.services import notify_services
from okr_es.settings import Settings

# Where the lifespan leaves the running services, for whoever wants to look (tests).
SERVICES_KEY = "notify_services"


def embedded(settings: Settings) -> bool:
    """Does ``okr-es serve`` run the notify services (no PostgreSQL, no NATS)?"""
    return not settings.uses_postgres and settings.nats_url is None


@contextlib.asynccontextmanager
async def embedded_notify(app: Litestar) -> AsyncIterator[None]:
    """A litestar lifespan: the notify services run while the server does."""
    okr: OKRApplication = app.state[STATE_KEY]
    if not embedded(okr.settings):
        yield
        return
    # Opening the read models' tables touches the store: not on the event loop.
    services = await anyio.to_thread.run_sync(notify_services, okr, okr.settings)
    app.state[SERVICES_KEY] = services
    task = asyncio.create_task(run_services(services), name="notify")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
