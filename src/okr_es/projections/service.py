"""Keeps the read models current in the background and lets readers wait for a position.

In embedded mode the service runs inside the server: every save in the process wakes it,
and it applies the new events at once (no polling). A reader that wrote at position N and
wants to read its own write calls :meth:`ProjectionService.wait_for` with N; it returns as
soon as every read model has applied N, or when the bounded timeout passes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from okr_es.application import OKRApplication
from okr_es.projections.runner import ProjectionRunner

log = logging.getLogger(__name__)

Listener = Callable[[int], None]

# Between two catch-ups the service waits this many times the processor time the last one
# took (at most MAX_GATHER_SECONDS), gathering the saves made meanwhile into one batch: at
# most a fifth of the processor goes to applying, and the more saves, the larger and
# cheaper the batches. Time spent waiting on the database does not count, so a quiet log
# or a remote database adds little delay; a reader waiting for a position
# (read-your-writes) never waits for the gathering. The cap keeps the gathering within
# less than half of the lag a follower is allowed (50 ms at 200 commands/s) when a busy
# processor makes each catch-up dearer.
GATHER_FACTOR = 4.0
MAX_GATHER_SECONDS = 0.02


class ReadModelFollower(Protocol):
    """What readers need from whoever keeps the read models current in this process."""

    @property
    def position(self) -> int: ...

    def wait_for(self, position: int, timeout: float) -> int: ...

    def on_applied(self, listener: Listener) -> None: ...

    def stop(self) -> None: ...


def start_read_models(app: OKRApplication) -> ReadModelFollower:
    """Follow the log in this process (``inline``), or hear a worker's progress (``worker``)."""
    if app.settings.projections == "worker":
        from okr_es.projections.worker import RemoteReadModels

        return RemoteReadModels(app).start()
    return ProjectionService(app).start()


class ProjectionService:
    """A background follower of the log for one process's read models."""

    def __init__(
        self,
        app: OKRApplication,
        runner: ProjectionRunner | None = None,
        *,
        max_gather_seconds: float = MAX_GATHER_SECONDS,
    ) -> None:
        self.app = app
        self.max_gather_seconds = max_gather_seconds
        self._urgent = False
        self._gather_until = 0.0
        self.runner = runner or ProjectionRunner(app)
        self._changed = threading.Condition()
        self._wanted = 0
        self._applied = min(self.runner.positions().values(), default=0)
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._listeners: list[Listener] = []
        self.failures = 0

    @property
    def position(self) -> int:
        """The log position every read model has applied."""
        return self._applied

    def start(self) -> ProjectionService:
        self.app.on_saved(self.wake)
        self.wake(self.app.position())
        self._thread = threading.Thread(target=self._run, name="okr-es-projections", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wake(self, position: int) -> None:
        """Tell the service the log has reached ``position`` (called after each save)."""
        with self._changed:
            self._wanted = max(self._wanted, position)
            self._changed.notify_all()

    def on_applied(self, listener: Listener) -> None:
        """Call ``listener(position)`` after each batch is applied (for live subscriptions)."""
        self._listeners.append(listener)

    def wait_for(self, position: int, timeout: float) -> int:
        """Block until the read models reach ``position`` or ``timeout`` seconds pass;
        returns the position reached."""
        deadline = time.monotonic() + timeout
        with self._changed:
            if position > self._applied:
                # Someone waits: catch up now, without gathering more saves first.
                self._urgent = True
                # A position written by another process: make sure we go and look.
                self._wanted = max(self._wanted, position)
                self._changed.notify_all()
            while self._applied < position and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self._applied

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._applied >= self._wanted and not self._stopping:
                    self._changed.wait()
                while not self._urgent and not self._stopping:
                    remaining = self._gather_until - time.monotonic()
                    if remaining <= 0:
                        break
                    self._changed.wait(remaining)
                self._urgent = False
                if self._stopping:
                    return
            started = time.thread_time()
            try:
                self.runner.catch_up()
                reached = self.runner.applied()
            except Exception:  # keep serving reads; the next save retries the catch-up
                self.failures += 1
                log.exception("read models could not catch up; retrying on the next save")
                with self._changed:
                    self._changed.wait(1.0)
                continue
            took = time.thread_time() - started
            self._gather_until = time.monotonic() + min(
                self.max_gather_seconds, GATHER_FACTOR * took
            )
            # Listeners first: whoever waits for this position then also finds it published.
            for listener in self._listeners:
                listener(reached)
            with self._changed:
                self._applied = reached
                self._wanted = max(self._wanted, reached)
                self._changed.notify_all()
