"""The distributed stack rides out PostgreSQL and NATS restarts without a supervisor.

A PostgreSQL and a NATS of the test's own (``support.private_servers``) run under
compose.yaml's okr-es processes — two API processes, the worker and the relay, started
with the file's commands and settings as in ``test_compose_stack`` — while clients send
check-ins to both API processes. PostgreSQL is stopped and started again, then NATS.
While PostgreSQL is away, commands answer ``503 store-unavailable`` and GraphQL
``STORE_UNAVAILABLE`` (both well within a client's patience); afterwards every process is
still running, every acknowledged check-in is in the log exactly once, the read models
equal a rebuild, and the stream holds every event of the log exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_compose_stack import (
    fanned_out,
    must_complete,
    okr_es_command,
    okr_services,
    served_locally,
    start_order,
)

from okr_es.application import OKRApplication
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from support.http_api import Org, bearer, build_org
from support.private_servers import PrivateNats, PrivatePostgres
from support.processes import Process

# Generous: how long a client waits for any answer. The old behaviour (a command retried
# for up to 50 s against a server that is away) fails on it; a prompt 503 does not.
CLIENT_TIMEOUT = 15.0
DEADLINE_SECONDS = 90.0
STREAM = "OKR_ES_FAULTS"
PREFIX = "okrfaults"
KEY_RESULT_QUERY = "query ($id: UUID!) { keyResult(id: $id) { current } }"


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def nats_server() -> Iterator[PrivateNats]:
    server = PrivateNats()
    try:
        yield server
    finally:
        server.close()


def wait_until(condition: Callable[[], bool], what: str, seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.05)  # polling a condition, with a deadline


class Logged(Process):
    """A Process whose stderr is read as it comes: what it logs while a server is away
    would otherwise fill the pipe and block it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        super().__init__(name, command, env)
        self.errors: list[str] = []
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line)

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        return code, "".join(self.errors)


class Stack:
    """compose.yaml's okr-es services as processes on the private servers."""

    def __init__(self, settings: Settings, nats_url: str, tmp_path: Path) -> None:
        self.settings = settings
        self.running: list[Logged] = []
        self.apis: dict[str, str] = {}
        try:
            self._start(settings, nats_url, tmp_path)
        except BaseException:
            self.stop()
            raise

    def _start(self, settings: Settings, nats_url: str, tmp_path: Path) -> None:
        services = okr_services()
        one_off = must_complete(services)
        for name in start_order(services):
            service = services[name]
            env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
            env.update(service["environment"])
            env.update(
                OKR_ES_DATABASE_URL=settings.database_url or "",
                OKR_ES_NATS_URL=nats_url,
                OKR_ES_NATS_STREAM=STREAM,
                OKR_ES_NATS_SUBJECT_PREFIX=PREFIX,
                OKR_ES_DATA_DIR=str(tmp_path / name),
                OKR_ES_READ_YOUR_WRITES_MS="20000",
            )
            command = service["command"]
            if name in one_off:
                done = subprocess.run(
                    okr_es_command(command), env=env, capture_output=True, text=True, timeout=120
                )
                assert done.returncode == 0, f"{name}: {done.stderr}"
            elif command[1] == "serve":
                process = Logged(name, okr_es_command(served_locally(command)), env)
                self.running.append(process)
                self.apis[name] = process.line_with("okr-es API on").split()[3]
            else:
                process = Logged(name, okr_es_command(command), env)
                self.running.append(process)
                process.line_with("; following")

    def logs(self) -> str:
        """The tail of what each process logged, for a failing assertion's message."""
        return "\n".join(f"{p.name}: {''.join(p.errors[-40:])}" for p in self.running)

    def ended(self) -> dict[str, int]:
        return {p.name: code for p in self.running if (code := p.process.poll()) is not None}

    def stop(self) -> dict[str, tuple[int, str]]:
        return {process.name: process.stop() for process in self.running}


@dataclass
class Client:
    """Sends check-ins to one API process until stopped; remembers every answer."""

    api: str
    token: str
    objective: Any
    key_result: Any
    name: str
    acknowledged: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        path = f"{self.api}/objectives/{self.objective}/key-results/{self.key_result}/check-ins"
        with httpx.Client(timeout=CLIENT_TIMEOUT) as http:
            n = 0
            while not self.stopping.is_set():
                n += 1
                comment = f"{self.name}-{n}"
                body = {"value": n % 100, "status": "green", "comment": comment}
                try:
                    answer = http.post(path, json=body, headers=bearer(self.token))
                except httpx.TransportError as e:
                    # No answer in time, or none at all: the failures looked for.
                    self.statuses.append(-1)
                    self.unexpected.append(repr(e))
                    continue
                self.statuses.append(answer.status_code)
                if answer.status_code == 201:
                    self.acknowledged.append(comment)
                elif answer.status_code != 503 or "store-unavailable" not in answer.text:
                    self.unexpected.append(f"{answer.status_code} {answer.text}")

    def answered_since(self, mark: int, status: int) -> bool:
        return status in self.statuses[mark:]


def graphql(api: str, token: str, key_result: Any) -> httpx.Response:
    endpoint = api.removesuffix("/api/v1") + "/graphql"
    with httpx.Client(timeout=CLIENT_TIMEOUT) as http:
        return http.post(
            endpoint,
            json={"query": KEY_RESULT_QUERY, "variables": {"id": str(key_result)}},
            headers=bearer(token),
        )


def test_the_stack_rides_out_postgresql_and_nats_restarts_under_load(
    postgres: PrivatePostgres, nats_server: PrivateNats, tmp_path: Path
) -> None:
    settings = Settings(database_url=postgres.url, pool_size=2)
    stack = Stack(settings, nats_server.url, tmp_path)
    try:
        clients: list[Client] = []
        threads: list[threading.Thread] = []
        try:
            with OKRApplication(settings) as okr:
                org: Org = build_org(okr)
                sibling_kr = next(iter(okr.get_objective(org.sibling_objective).key_results))
            first, second = sorted(stack.apis)
            clients = [
                Client(stack.apis[first], org.tokens["owner"], org.objective, org.key_result, "a"),
                Client(
                    stack.apis[second], org.tokens["admin"], org.sibling_objective, sibling_kr, "b"
                ),
            ]
            threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
            for thread in threads:
                thread.start()
            wait_until(lambda: all(len(c.acknowledged) >= 10 for c in clients), "load under way")

            # PostgreSQL goes away: commands and reads say so promptly, and nothing ends.
            marks = [len(c.statuses) for c in clients]
            postgres.stop()
            wait_until(
                lambda: all(c.answered_since(m, 503) for c, m in zip(clients, marks, strict=True)),
                "every API process answers 503 store-unavailable while PostgreSQL is away",
            )
            read = graphql(stack.apis[first], org.tokens["owner"], org.key_result)
            assert read.status_code == 200, read.text
            error_codes = [e["extensions"]["code"] for e in read.json().get("errors", [])]
            assert error_codes, read.json()
            assert set(error_codes) == {"STORE_UNAVAILABLE"}, (read.json(), stack.logs())
            assert not [u for c in clients for u in c.unexpected]

            marks = [len(c.statuses) for c in clients]
            postgres.start()
            wait_until(
                lambda: all(c.answered_since(m, 201) for c, m in zip(clients, marks, strict=True)),
                "every API process accepts commands again",
            )

            # NATS restarts: the relay goes on publishing once it is back.
            nats_server.stop()
            with OKRApplication(settings) as okr:
                while_away = okr.position()
            nats_server.start()
            assert asyncio.run(fanned_out(nats_server.url, STREAM, PREFIX, while_away))
            wait_until(
                lambda: all(c.answered_since(len(c.statuses) - 1, 201) for c in clients),
                "commands accepted after the NATS restart",
            )
            assert not stack.ended(), (stack.ended(), stack.logs())
            assert not [u for c in clients for u in c.unexpected]
        finally:
            for client in clients:
                client.stopping.set()
            for thread in threads:
                thread.join(timeout=CLIENT_TIMEOUT + 5)

        with OKRApplication(settings) as okr:
            head = okr.position()
            log = [okr.decode(n) for n in okr.all_notifications()]
            positions = [n.id for n in okr.all_notifications()]
            runner = ProjectionRunner(okr)
            wait_until(lambda: min(runner.positions().values()) >= head, "the worker catches up")
            projected = {p.name: runner.rows(p) for p in runner.projections}

        # Every acknowledged check-in is in the log, once.
        comments = Counter(getattr(e, "comment", None) for e in log)
        acknowledged = [comment for c in clients for comment in c.acknowledged]
        assert acknowledged and all(comments[c] == 1 for c in acknowledged)
        # The stream holds every event of the log once, in log order.
        assert asyncio.run(fanned_out(nats_server.url, STREAM, PREFIX, head)) == positions

        assert not stack.ended(), (stack.ended(), stack.logs())
        # The read models the worker kept through both restarts equal a rebuild (run while
        # the worker is running, as an operator would).
        rebuilt = subprocess.run(
            okr_es_command(["okr-es", "projections", "rebuild"]),
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")},
                "OKR_ES_DATABASE_URL": postgres.url,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rebuilt.returncode == 0, rebuilt.stderr
        with OKRApplication(settings) as okr:
            runner = ProjectionRunner(okr)
            assert {p.name: runner.rows(p) for p in runner.projections} == projected
    finally:
        codes = stack.stop()
    for name, (code, errors) in codes.items():
        if name in stack.apis:
            assert code in (0, -signal.SIGTERM) and "Application shutdown complete" in errors
        else:
            assert code == 0, (name, errors)
