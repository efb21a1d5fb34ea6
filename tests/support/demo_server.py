"""``okr-es serve --demo`` as a real process on a free local port, with its admin token."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.processes import Process


@dataclass(frozen=True)
class DemoServer:
    base_url: str  # http://127.0.0.1:<port>
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def demo_server(okr_es: Path, data_dir: Path) -> Iterator[DemoServer]:
    """Run ``okr-es serve --demo`` of the given ``okr-es`` script on SQLite in ``data_dir``."""
    # Only the data directory is the test's: no store or broker setting of the caller leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OKR_ES_", "PYTHON"))}
    env["OKR_ES_DATA_DIR"] = str(data_dir)
    process = Process(
        "okr-es serve", [str(okr_es), "serve", "--demo", "--host", "127.0.0.1", "--port", "0"], env
    )
    try:
        api = process.line_with("okr-es API on ", timeout=120)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/api/v1", api)
        assert found, api
        bearer = process.line_with("Authorization: Bearer ", timeout=120)
        token = bearer.split("Bearer ", 1)[1].strip()
        yield DemoServer(base_url=found.group(1), token=token)
    finally:
        code, errors = process.stop()
        # uvicorn shuts the application down, then ends by the signal it was sent (as does a
        # server stopped before uvicorn took over its signals).
        assert code in (0, -signal.SIGTERM), f"okr-es serve exited with {code}: {errors}"


@dataclass(frozen=True)
class CheckInTarget:
    """A key result of an active demo objective, and the unit whose check-ins show it."""

    unit_id: str
    objective_id: str
    key_result_id: str


def check_in_target(server: DemoServer, timeout: float = 60) -> CheckInTarget:
    """The first active objective with a key result, once the read models show one (the
    server projects the seeded demo after it has started listening)."""
    query = """{ objectives(filter: {status: "active"}, first: 1) {
                   edges { node { id unit { id } keyResults { id } } } } }"""
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.post(
            f"{server.base_url}/graphql", json={"query": query}, headers=server.auth, timeout=30
        )
        assert answer.status_code == 200, answer.text
        edges = answer.json()["data"]["objectives"]["edges"]
        if edges and edges[0]["node"]["keyResults"]:
            node = edges[0]["node"]
            return CheckInTarget(node["unit"]["id"], node["id"], node["keyResults"][0]["id"])
        assert time.monotonic() < deadline, f"no active objective within {timeout}s"
        time.sleep(0.2)  # the read models are catching up; polled up to the deadline


def check_in(server: DemoServer, target: CheckInTarget, comment: str) -> None:
    posted = httpx.post(
        f"{server.base_url}/api/v1/objectives/{target.objective_id}"
        f"/key-results/{target.key_result_id}/check-ins",
        json={"value": 1.0, "status": "green", "comment": comment},
        headers=server.auth,
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
