"""``okr-es relay`` as a real process: ready line, follows the log, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import date

import pytest
from relay_support import Stream, connected, positions_up_to

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.settings import Settings

TODAY = date(2026, 11, 23)


def relay_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env.update(values)
    return env


@pytest.mark.nats
@pytest.mark.postgres
def test_the_relay_command_publishes_what_is_saved_until_sigterm(
    postgres_settings: Settings, stream: Stream
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "okr_es.cli", "relay"],
        env=relay_env(
            OKR_ES_DATABASE_URL=postgres_settings.database_url or "",
            OKR_ES_DATABASE_SCHEMA=postgres_settings.database_schema or "",
            OKR_ES_NATS_URL=stream.url,
            OKR_ES_NATS_STREAM=stream.name,
            OKR_ES_NATS_SUBJECT_PREFIX=stream.prefix,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        ready = lines.get(timeout=60)
        assert ready.startswith("okr-es relay: published up to position 0;")
        assert stream.name in ready
        with OKRApplication(postgres_settings) as app:
            seed_demo(app, today=TODAY)
            head = app.position()
            expected = [n.id for n in app.all_notifications()]

        async def read_back() -> list[int]:
            async with connected(stream) as nc:
                return await positions_up_to(nc, stream, head, timeout=60)

        assert asyncio.run(read_back()) == expected
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0, process.stderr.read() if process.stderr else ""


def test_the_relay_command_without_a_nats_url_says_so_and_exits_1(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "okr_es.cli", "relay"],
        env=relay_env(OKR_ES_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "OKR_ES_NATS_URL" in result.stderr
    assert result.stdout == ""
