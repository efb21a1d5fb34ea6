"""compose.yaml's okr-es stack, run as plain processes against the test PostgreSQL and NATS.

Every okr-es service of the file runs with its own command and environment, in the order
its ``depends_on`` gives (the one-off service that must complete first, then the rest),
with only what Docker would provide replaced: the containers' host names point at the test
servers, a schema and a JetStream stream of the test's own keep it apart from other tests,
the API processes listen on free local ports instead of the container's port 8000, and a
read waits longer for the worker than it would on an idle machine.
What this checks is what the file promises: that these commands and settings, started in
this order, make a working distributed okr-es (a command accepted by one API process is
projected by the worker, read through the other API process, and fanned out on
JetStream). The images themselves are not built here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import nats
import nats.js.errors
import pytest
import yaml

from okr_es.application import OKRApplication
from okr_es.messaging.integration_events import decode
from okr_es.settings import Settings
from support.processes import Process

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "okr-es:local"  # the image compose.yaml builds from ./Dockerfile


def okr_services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == IMAGE
    }


def okr_es_command(command: list[str]) -> list[str]:
    """The service's command, run by the ``okr-es`` script of this environment."""
    assert command[0] == "okr-es", command
    script = Path(sys.executable).with_name("okr-es")
    return [str(script), *command[1:]]


def start_order(services: Mapping[str, dict[str, Any]]) -> list[str]:
    """The okr-es services, each after the okr-es services it depends on."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dependency in services[name].get("depends_on", {}):
            if dependency in services:
                visit(dependency)
        order.append(name)

    for name in services:
        visit(name)
    return order


def must_complete(services: Mapping[str, dict[str, Any]]) -> set[str]:
    """The services others wait for to complete successfully (one-off jobs)."""
    return {
        dependency
        for service in services.values()
        for dependency, rule in service.get("depends_on", {}).items()
        if rule.get("condition") == "service_completed_successfully"
    }


def served_locally(command: list[str]) -> list[str]:
    """An ``okr-es serve`` command listening on a free local port: mapping the container's
    port to the host's is Docker's part."""
    local = list(command)
    for option, value in (("--host", "127.0.0.1"), ("--port", "0")):
        if option in local:
            local[local.index(option) + 1] = value
        else:
            local += [option, value]
    return local


@pytest.fixture
def stream_name(nats_url: str) -> Iterator[str]:
    name = f"OKR_ES_COMPOSE_{uuid.uuid4().hex[:12]}"
    yield name

    async def delete() -> None:
        nc = await nats.connect(nats_url)
        try:
            await nc.jetstream().delete_stream(name)
        except nats.js.errors.NotFoundError:
            pass
        finally:
            await nc.close()

    asyncio.run(delete())


def test_the_compose_file_runs_api_processes_a_worker_and_a_relay_on_its_own_services() -> None:
    services = okr_services()
    commands = [service["command"][1:] for service in services.values()]
    assert sum(c[0] == "serve" for c in commands) >= 2  # several API processes
    assert ["project"] in commands and ["relay"] in commands
    for service in services.values():
        env = service["environment"]
        assert env["OKR_ES_PROJECTIONS"] == "worker"
        # Every okr-es service talks to the stack's own PostgreSQL and NATS services.
        assert urlsplit(env["OKR_ES_DATABASE_URL"]).hostname == "postgres"
        assert urlsplit(env["OKR_ES_NATS_URL"]).hostname == "nats"
        assert "postgres" in service["depends_on"]
    for name, service in services.items():
        if name not in must_complete(services):
            assert "nats" in service["depends_on"], name


def test_the_compose_stack_serves_commands_reads_and_fan_out(
    postgres_settings: Settings, nats_url: str, stream_name: str, tmp_path: Path
) -> None:
    services = okr_services()
    one_off = must_complete(services)
    assert one_off, "the tables are created once, before the processes start"
    running: list[Process] = []
    apis: dict[str, str] = {}
    prefix = f"okrcompose{stream_name[-12:].lower()}"
    try:
        for name in start_order(services):
            service = services[name]
            env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
            env.update(service["environment"])
            env.update(
                OKR_ES_DATABASE_URL=postgres_settings.database_url or "",
                OKR_ES_DATABASE_SCHEMA=postgres_settings.database_schema or "",
                OKR_ES_NATS_URL=nats_url,
                OKR_ES_NATS_STREAM=stream_name,
                OKR_ES_NATS_SUBJECT_PREFIX=prefix,
                OKR_ES_DATA_DIR=str(tmp_path / name),
                # Generous on a busy machine: how long a read waits for the worker.
                OKR_ES_READ_YOUR_WRITES_MS="20000",
            )
            command = service["command"]
            if name in one_off:
                done = subprocess.run(
                    okr_es_command(command), env=env, capture_output=True, text=True, timeout=120
                )
                assert done.returncode == 0, f"{name}: {done.stderr}"
                continue
            if command[1] == "serve":
                process = Process(name, okr_es_command(served_locally(command)), env)
                running.append(process)
                apis[name] = process.line_with("okr-es API on").split()[3]
            else:
                process = Process(name, okr_es_command(command), env)
                running.append(process)
                # The worker and the relay say when they follow the log.
                process.line_with("; following")
        for process in running:
            assert process.process.poll() is None, f"{process.name} ended early"

        first, second = sorted(apis)[:2]
        with httpx.Client(timeout=60) as http:
            registered = http.post(
                f"{apis[first]}/organizations",
                json={"name": "Compose AS", "admin_name": "Kari", "admin_email": "kari@compose.no"},
            )
            assert registered.status_code == 201, registered.text
            position = registered.json()["position"]
            token = registered.json()["token"]
            graphql = apis[second].removesuffix("/api/v1") + "/graphql"
            timeline = http.post(
                graphql,
                json={"query": "{ changeTimeline(first: 10) { edges { node { eventType } } } }"},
                headers={"Authorization": f"Bearer {token}", "X-OKR-Position": str(position)},
            )
        assert timeline.status_code == 200, timeline.text
        body = timeline.json()
        assert "errors" not in body, body  # READ_MODEL_BEHIND would mean no worker projects
        assert body["data"]["changeTimeline"]["edges"], body

        with OKRApplication(postgres_settings) as app:
            expected = [n.id for n in app.all_notifications()]
        assert asyncio.run(fanned_out(nats_url, stream_name, prefix, expected[-1])) == expected
    finally:
        codes = {process.name: process.stop() for process in running}
    for name, (code, errors) in codes.items():
        if name in apis:
            # uvicorn shuts the application down, then ends by the signal it was sent.
            assert code in (0, -signal.SIGTERM) and "Application shutdown complete" in errors
        else:
            assert code == 0, (name, errors)


async def fanned_out(url: str, stream: str, prefix: str, head: int) -> list[int]:
    """The log positions published on the stream, from its start until ``head``."""
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().subscribe(f"{prefix}.>", stream=stream, ordered_consumer=True)
        positions: list[int] = []
        while not positions or positions[-1] < head:
            positions.append(decode((await sub.next_msg(timeout=60)).data).position)
        return positions
    finally:
        await nc.close()
