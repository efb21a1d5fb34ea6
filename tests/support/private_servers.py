"""A PostgreSQL and a NATS JetStream server of a test's own, to stop and start at will.

Fault tests restart the servers under running okr-es processes; the machine's shared
servers are never touched. PostgreSQL runs from a fresh ``initdb`` data directory (as the
``postgres`` user when the tests run as root, since PostgreSQL refuses to run as root),
NATS from ``nats-server -js`` with a store directory of its own; both on free local ports.
A missing binary skips the test on a laptop and fails it under CI=true.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def binary(name: str, *candidates: str) -> str:
    """The path of a server binary, or fail (CI) / skip (elsewhere) when it is missing."""
    found = shutil.which(name) or next(
        (path for pattern in candidates for path in sorted(glob.glob(pattern)) if path), None
    )
    if found and os.access(found, os.X_OK):
        return found
    message = f"{name} is not installed (looked on PATH and in {', '.join(candidates)})"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)  # allowed outside CI only


class PrivatePostgres:
    """``initdb`` + ``pg_ctl`` on a temporary data directory and a free port."""

    def __init__(self) -> None:
        self.bin = Path(binary("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")).parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="okr-es-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            # initdb and postgres refuse root: the directory belongs to postgres instead.
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            str(STARTUP_SECONDS),
            "start",
        )
        self.wait_until_ready()

    def stop(self) -> None:
        """A fast shutdown: every client connection is ended, as in a server restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # polling for the server, with a deadline

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr}{done.stdout}\n{log}")


class PrivateNats:
    """``nats-server -js`` with its own store directory on a free port."""

    def __init__(self) -> None:
        self.binary = binary("nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server")
        self.port = free_port()
        self.store = Path(tempfile.mkdtemp(prefix="okr-es-nats-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-js", "-sd", str(self.store), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        asyncio.run(self._wait_until_ready())

    def stop(self) -> None:
        """Shut the server down (its store stays, as across a restart)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STARTUP_SECONDS)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.store, ignore_errors=True)

    async def _wait_until_ready(self) -> None:
        import nats
        import nats.errors

        async def quiet(error: Exception) -> None:
            pass

        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                nc = await nats.connect(
                    self.url, connect_timeout=1, max_reconnect_attempts=1, error_cb=quiet
                )
                try:
                    await nc.jetstream().account_info()
                    return
                finally:
                    await nc.close()
            except (nats.errors.Error, OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
