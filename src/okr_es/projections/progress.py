"""How far a rebuild of the read models has got: events done, rate and time left.

On a terminal one status line is rewritten in place; into a file or a pipe (a log, CI)
plain lines are written, at most one every few seconds, so a long rebuild leaves a short,
readable record. The last line says how many events were applied, how fast, in how long.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

# Between two plain lines (not a terminal), and between two rewrites of the status line.
LINE_EVERY_SECONDS = 5.0
REWRITE_EVERY_SECONDS = 0.2


class RebuildProgress:
    """Reports a rebuild from log position ``start`` to ``head`` on ``stream``."""

    def __init__(
        self,
        stream: TextIO,
        head: int,
        start: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.head = head
        self.start = start
        self.clock = clock
        self.tty = stream.isatty()
        self.started = clock()
        self._last_shown: float | None = None  # the first batch is always shown
        self._done = 0

    def __call__(self, position: int) -> None:
        """Hear the log position the read models reached (after each batch)."""
        self._done = max(0, position - self.start)
        now = self.clock()
        every = REWRITE_EVERY_SECONDS if self.tty else LINE_EVERY_SECONDS
        if self._last_shown is None or now - self._last_shown >= every:
            self._last_shown = now
            self._show(self.status(now))

    def status(self, now: float) -> str:
        total = max(0, self.head - self.start)
        elapsed = max(now - self.started, 1e-9)
        rate = self._done / elapsed
        left = max(0, total - self._done)
        eta = "ETA --" if rate <= 0 else f"ETA {_duration(left / rate)}"
        share = 100.0 if total == 0 else 100.0 * min(self._done, total) / total
        return (
            f"rebuild: {self._done:,} of {total:,} events ({share:.0f} %), "
            f"{rate:,.0f} events/s, {eta}"
        )

    def finish(self) -> None:
        """The closing line: how many events, how fast, in how long."""
        elapsed = max(self.clock() - self.started, 1e-9)
        line = (
            f"rebuild: {self._done:,} events in {_duration(elapsed)}, "
            f"{self._done / elapsed:,.0f} events/s"
        )
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(line + "\n")
        self.stream.flush()

    def _show(self, line: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
