"""``okr-es relay`` whose NATS server goes away: it says NATS was lost and exits non-zero,
so a supervisor restarts it (the NATS server is a private one this test starts and kills).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.settings import Settings
from support.processes import Process

TODAY = date(2026, 11, 23)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A NATS server of this test's own, with JetStream, on a free port."""
    binary = shutil.which("nats-server")
    if binary is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("nats-server is not installed")
        pytest.skip("nats-server is not installed")  # allowed outside CI only
    port = free_port()
    server = subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(tmp_path / "js")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port)
        yield f"nats://127.0.0.1:{port}", server
    finally:
        server.kill()
        server.wait(timeout=30)


@pytest.mark.postgres
def test_a_relay_that_loses_nats_says_so_and_exits_non_zero(
    postgres_settings: Settings, private_nats: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, nats_server = private_nats
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(
        OKR_ES_DATABASE_URL=postgres_settings.database_url or "",
        OKR_ES_DATABASE_SCHEMA=postgres_settings.database_schema or "",
        OKR_ES_NATS_URL=url,
    )
    relay = Process("relay", [sys.executable, "-m", "okr_es.cli", "relay"], env)
    try:
        relay.line_with("okr-es relay: published up to position 0")
        nats_server.kill()
        nats_server.wait(timeout=30)
        # Events to publish, with nowhere to publish them.
        with OKRApplication(postgres_settings) as app:
            seed_demo(app, today=TODAY)
        relay.process.wait(timeout=120)
    finally:
        code, errors = relay.stop()

    assert code != 0
    assert "[nats-unavailable]" in errors and "lost the connection to NATS at" in errors, errors
    assert url.removeprefix("nats://") in errors
    assert "unreadable-file" not in errors and "Traceback" not in errors
