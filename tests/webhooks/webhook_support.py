"""A real HTTP receiver for webhook tests: a server in a thread that records every request
and answers as the test says (a status code, or hanging until released)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import nats

from okr_es.application import OKRApplication
from okr_es.messaging.relay import NatsRelay


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers ``status`` (200 by default); ``hang`` makes it wait until released."""

    status: int = 200
    hang: threading.Event | None = None
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, port: int = 0) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                if receiver.hang is not None:
                    receiver.hang.wait(30)
                self.send_response(receiver.status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def requests(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def delivery_ids(self) -> set[str]:
        return {r.headers["webhook-id"] for r in self.requests()}


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll ``condition`` until true, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


class Running:
    """An asyncio coroutine run in a thread of its own until stopped."""

    def __init__(self, coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
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


async def run_relay(app: OKRApplication) -> None:
    """The NATS relay of ``app`` (its settings' stream and prefix), woken by its saves."""
    nc = await nats.connect(app.settings.nats_url or "")
    try:
        relay = NatsRelay(
            app,
            nc.jetstream(),
            stream=app.settings.nats_stream,
            subject_prefix=app.settings.nats_subject_prefix,
            idle_wake_seconds=0.2,
        )
        relay.follow_saves()
        await relay.run()
    finally:
        await nc.close()
