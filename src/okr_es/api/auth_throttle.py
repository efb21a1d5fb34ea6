"""Slowing down token guessing: per client address, at most so many failed
authentications a minute; beyond that, requests carrying a token are refused (429) without
the token being looked at, until the oldest failure is a minute old.

Only failures count (a request without any token is not a guess), and only presented
tokens are refused, so a client that got blocked still gets 401 for a request without a
token, and every client keeps its own count. Behind a reverse proxy the address is the
proxy's unless the server is told to trust its ``X-Forwarded-For`` (uvicorn's
``--forwarded-allow-ips``); see docs/auth.md.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from okr_es.errors import TooManyAttempts

WINDOW_SECONDS = 60.0
# Addresses remembered at most; the ones with the oldest failures are forgotten first, so
# a flood of addresses cannot grow the process without bound.
MAX_CLIENTS = 10_000


class AuthThrottle:
    """Failed authentications per client address within a sliding window."""

    def __init__(
        self,
        limit: int,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        # Called from the event loop and from worker threads.
        self._lock = threading.Lock()

    def refuse_if_blocked(self, client: str) -> None:
        """Raise :class:`TooManyAttempts` when ``client`` used up its failures."""
        if self.limit <= 0:
            return
        with self._lock:
            recent = self._recent(client)
            if len(recent) < self.limit:
                return
            wait = recent[0] + self.window - self._clock()
        raise TooManyAttempts(
            "too many failed authentications from this address; try again later",
            retry_after=max(1, math.ceil(wait)),
        )

    def failed(self, client: str) -> None:
        """Count one failed authentication of ``client``."""
        if self.limit <= 0:
            return
        with self._lock:
            recent = self._recent(client)
            recent.append(self._clock())
            self._failures[client] = recent
            if len(self._failures) > MAX_CLIENTS:
                oldest = min(self._failures, key=lambda c: self._failures[c][-1])
                del self._failures[oldest]

    def _recent(self, client: str) -> deque[float]:
        recent = self._failures.get(client, deque())
        cutoff = self._clock() - self.window
        while recent and recent[0] <= cutoff:
            recent.popleft()
        if not recent:
            self._failures.pop(client, None)
        return recent
