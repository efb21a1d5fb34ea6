"""The API over a real socket: uvicorn serving create_app, and ``okr-es serve --demo``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from okr_es.api import create_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    # Listening before uvicorn starts: connections wait in the backlog, no polling needed.
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), lifespan="on", log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_a_command_round_trip_over_a_real_socket(base_url: str, settings: Settings) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        registered = http.post(
            "/api/v1/organizations",
            json={"name": "Socket AS", "admin_name": "Siri", "admin_email": "siri@socket.no"},
        )
        assert registered.status_code == 201, registered.text
        body = registered.json()
        org = body["ids"]["organization_id"]
        added = http.post(
            f"/api/v1/organizations/{org}/members",
            json={"name": "Ola", "email": "ola@socket.no"},
            headers={"Authorization": f"Bearer {body['token']}"},
        )
        assert added.status_code == 201
        assert int(added.headers["x-okr-position"]) == added.json()["position"]
        refused = http.post(f"/api/v1/organizations/{org}/members", json={"name": "X"})
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
    with OKRApplication(settings) as okr:
        assert okr.position() == added.json()["position"]


DASHBOARD = """
query Dashboard($unit: UUID!) {
  objectives(filter: {unitId: $unit}, first: 20) {
    edges { node { title status keyResults { title progress reportedStatus expectedStatus } } }
  }
}
"""


def test_serve_demo_prints_the_url_and_a_working_admin_token(tmp_path: Path) -> None:
    env = {**os.environ, "OKR_ES_DATA_DIR": str(tmp_path / "var")}
    # Generous on a busy machine: the server catches its read models up on start.
    env["OKR_ES_READ_YOUR_WRITES_MS"] = "20000"
    env.pop("OKR_ES_DATABASE_URL", None)
    command = [sys.executable, "-m", "okr_es.cli", "serve", "--demo", "--port", "0"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            lines: list[str] = []
            while not any("Bearer " in line for line in lines):
                line = process.stdout.readline()
                assert line, f"serve ended early after: {lines}"
                lines.append(line)
            url = next(line for line in lines if "API on" in line).split()[3]
            graphql_url = next(line for line in lines if "GraphQL on" in line).split()[3]
            token = lines[-1].split("Bearer ")[1].strip()
            with OKRApplication(Settings(data_dir=str(tmp_path / "var"))) as okr:
                org = okr.organizations()[0]
            with httpx.Client(timeout=30) as http:
                response = http.post(
                    f"{url}/organizations/{org.id}/members",
                    json={"name": "Demo Guest", "email": "guest@fjordby.no"},
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert response.status_code == 201, response.text
            team = next(u for u in org.units.values() if u.name == "Team Selvbetjening")
            with httpx.Client(timeout=30) as http:
                dashboard = http.post(
                    graphql_url,
                    json={"query": DASHBOARD, "variables": {"unit": str(team.id)}},
                    # Read the read models as of our own write (the demo seeded before it).
                    headers={
                        "Authorization": f"Bearer {token}",
                        "X-OKR-Position": str(response.json()["position"]),
                    },
                )
            assert dashboard.status_code == 200, dashboard.text
            objectives = dashboard.json()["data"]["objectives"]["edges"]
            assert objectives, dashboard.text
            key_results = [kr for edge in objectives for kr in edge["node"]["keyResults"]]
            assert all(0 <= kr["progress"] <= 1 for kr in key_results)
            assert {kr["expectedStatus"] for kr in key_results} <= {
                "ON_TRACK",
                "AT_RISK",
                "BEHIND",
                None,
            }
        finally:
            process.terminate()
            process.wait(timeout=30)
