"""Fixtures of the webhook tests: real receivers, and the delivery running in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    try:
        yield started
    finally:
        started.stop()


class Running:
    """An asyncio coroutine run in a thread of its own until stopped."""

    def __init__(self, coroutine_factory) -> None:  # type: ignore[no-untyped-def]
        self.loop = asyncio.new_event_loop()
        self._factory = coroutine_factory
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = threading.Event()
        self.error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._task = self.loop.create_task(self._factory())
        self._started.set()
        with contextlib.suppress(asyncio.CancelledError):
            try:
                self.loop.run_until_complete(self._task)
            except BaseException as e:  # reported by stop()
                self.error = e
        self.loop.close()

    def start(self) -> Running:
        self._thread.start()
        self._started.wait()
        return self

    def stop(self) -> None:
        if self._task is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(30)
        if self.error is not None and not isinstance(self.error, asyncio.CancelledError):
            raise self.error


@pytest.fixture
def okr(settings):  # type: ignore[no-untyped-def]
    """The application on each store, allowed to send webhooks to 127.0.0.1 over http,
    with its read models kept current in-process (as ``okr-es serve`` does)."""
    import msgspec

    from okr_es.application import OKRApplication
    from okr_es.projections.service import start_read_models

    application = OKRApplication(
        msgspec.structs.replace(settings, webhook_allow_http_hosts=("127.0.0.1",))
    )
    read_models = start_read_models(application)
    try:
        yield application
    finally:
        read_models.stop()
        application.close()
