"""okr-es commands run as real processes, their standard output read line by line."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence


class Process:
    """A long-running command (``okr-es project``, ``relay``, ``serve``) and its output."""

    def __init__(self, name: str, command: Sequence[str], env: Mapping[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            list(command),
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def next_line(self, timeout: float = 60) -> str:
        return self.lines.get(timeout=timeout)

    def line_with(self, text: str, timeout: float = 60) -> str:
        """The first line from here on that holds ``text``."""
        seen: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"{self.name} never printed {text!r}: {seen}") from None
            seen.append(line)
            if text in line:
                return line

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``sig`` (unless it ended already): the exit code and what went to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, errors = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return self.process.returncode, errors
