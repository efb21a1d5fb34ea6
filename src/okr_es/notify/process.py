"""The notify process: run every outbound service, one process active at a time.

A service is anything with a ``name`` and an ``async run()`` that works until cancelled
(:class:`NotifyService`); the list comes from :func:`okr_es.notify.services.notify_services`.
``okr-es notify`` (distributed mode, PostgreSQL) runs them only while it holds the
store's notify lock (:mod:`okr_es.notify.single_active`): a second process waits as a
standby and takes over when the first one dies. ``okr-es serve`` in embedded mode runs
them in its lifespan (:mod:`okr_es.notify.embedded`), without a lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from eventsourcing.persistence import PersistenceError

from okr_es.notify.single_active import SingleActive
from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff

log = logging.getLogger(__name__)

# A service that fails is restarted after this long, so one broken service neither stops
# the others nor spins.
RESTART_SECONDS = 5.0
_STORE_AWAY: tuple[type[Exception], ...] = (PersistenceError, *CONNECTION_LOST)


class NotifyService(Protocol):
    """An outbound service: runs until cancelled."""

    name: str

    async def run(self) -> None: ...


async def run_services(services: Sequence[NotifyService]) -> None:
    """Run every service until cancelled; a service that raises is logged and restarted."""
    async with asyncio.TaskGroup() as group:
        for service in services:
            group.create_task(_supervised(service), name=f"notify:{service.name}")


async def run_notify(
    lock: SingleActive,
    services: Callable[[], Sequence[NotifyService]],
    *,
    on_active: Callable[[], None] = lambda: None,
    on_standby: Callable[[], None] = lambda: None,
) -> None:
    """Wait for the lock, then run the services while it is held; when the lock's
    connection is lost, stop them and wait for the lock again. Until cancelled."""
    backoff = Backoff()
    while True:
        on_standby()
        await lock.acquire()
        try:
            # Building the services opens their read models: the store, which may be
            # restarting at this moment. Not on the event loop.
            built = await asyncio.to_thread(services)
        except _STORE_AWAY as e:
            wait = backoff.next()
            log.warning("notify: the services cannot start (%s); retrying in %.2f s", e, wait)
            await lock.release()
            await asyncio.sleep(wait)
            continue
        backoff.reset()
        on_active()
        running = asyncio.create_task(run_services(built))
        lost = asyncio.create_task(lock.wait_lost())
        try:
            await asyncio.wait({running, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (running, lost):
                task.cancel()
            await asyncio.gather(running, lost, return_exceptions=True)
            await lock.release()
        log.warning("notify: lost the notify lock; standing by")


async def _supervised(service: NotifyService) -> None:
    while True:
        try:
            await service.run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notify: service %s failed; restarting it", service.name)
            await asyncio.sleep(RESTART_SECONDS)
