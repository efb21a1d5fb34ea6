"""``okr-es relay`` whose NATS server goes away: it says which server it lost (never as an
unreadable file, never with credentials), keeps running, and publishes what was written
meanwhile once the server is back (a private NATS server this test starts, kills and
starts again).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import nats
import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.messaging.integration_events import decode
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


async def last_published(url: str, head: int, seconds: float = 120) -> int:
    """The last log position on the relay's stream, once it reaches ``head`` (or the time
    runs out)."""
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().subscribe("okr.>", stream="OKR_ES", ordered_consumer=True)
        position = 0
        deadline = time.monotonic() + seconds
        while position < head and time.monotonic() < deadline:
            position = decode((await sub.next_msg(timeout=seconds)).data).position
        return position
    finally:
        await nc.close()


def start_nats(port: int, store: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("nats-server")
    if binary is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("nats-server is not installed")
        pytest.skip("nats-server is not installed")  # allowed outside CI only
    server = subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_listening(port)
    return server


def stop(server: subprocess.Popen[bytes]) -> None:
    server.kill()
    server.wait(timeout=30)


@pytest.mark.postgres
def test_a_relay_that_loses_nats_says_so_and_carries_on_when_it_is_back(
    postgres_settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    store = tmp_path / "js"
    server = start_nats(port, store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(
        OKR_ES_DATABASE_URL=postgres_settings.database_url or "",
        OKR_ES_DATABASE_SCHEMA=postgres_settings.database_schema or "",
        OKR_ES_NATS_URL=f"nats://okr:secret-password@127.0.0.1:{port}",
    )
    relay = Process("relay", [sys.executable, "-m", "okr_es.cli", "relay"], env)
    try:
        relay.line_with("okr-es relay: published up to position 0")
        stop(server)
        # Events to publish, with nowhere to publish them.
        with OKRApplication(postgres_settings) as app:
            seed_demo(app, today=TODAY)
            head = app.position()
        server = start_nats(port, store)
        published = asyncio.run(last_published(f"nats://127.0.0.1:{port}", head))
        assert published == head
        assert relay.process.poll() is None
    finally:
        code, errors = relay.stop()
        stop(server)

    assert code == 0, errors
    assert f"NATS: disconnected from 127.0.0.1:{port}; reconnecting" in errors, errors
    assert "secret-password" not in errors
    assert "unreadable-file" not in errors and "Traceback" not in errors
