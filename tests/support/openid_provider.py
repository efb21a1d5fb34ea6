"""For the sign-in tests: a real OpenID provider (oauth2-mock-server, run by Node) and
okr-es served over a real socket, configured to accept the provider's tokens.

The provider lives in tests/oidc_provider (package.json, package-lock.json, start.mjs);
``npm ci`` installs it when node_modules is missing. Without node and npm the tests are
skipped on a laptop and fail under CI=true.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import msgspec
import pytest
import uvicorn

from okr_es.api.server import create_server_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.private_servers import free_port
from support.processes import Process

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "okr-es-graphiql"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed: the OpenID sign-in tests need Node.js and npm"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)  # allowed outside CI only


@dataclass
class Provider:
    """The running provider: its issuer URL, and its control API."""

    issuer: str
    control: str

    def token(
        self, claims: dict[str, Any], *, expires_in: int = 3600, kid: str | None = None
    ) -> str:
        body: dict[str, Any] = {"claims": claims, "expires_in": expires_in}
        if kid is not None:
            body["kid"] = kid
        answer = httpx.post(f"{self.control}/token", json=body, timeout=30)
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token

    def signs_in(self, claims: dict[str, Any]) -> None:
        """Who the provider signs in at its /authorize next."""
        httpx.post(f"{self.control}/person", json=claims, timeout=30).raise_for_status()

    def rotate(self) -> str:
        answer = httpx.post(f"{self.control}/rotate", json={}, timeout=30)
        answer.raise_for_status()
        kid: str = answer.json()["kid"]
        return kid

    def jwks(self) -> dict[str, Any]:
        keys: dict[str, Any] = httpx.get(f"{self.issuer}/jwks", timeout=30).json()
        return keys


@contextmanager
def running_provider() -> Iterator[Provider]:
    node, npm = _tool("node"), _tool("npm")
    if not (PROVIDER_DIR / "node_modules" / "oauth2-mock-server").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True,
            capture_output=True, timeout=600,
        )
    port, control = free_port(), free_port()
    process = Process(
        "oidc provider",
        [node, str(PROVIDER_DIR / "start.mjs"), str(port), str(control)],
        {k: v for k, v in os.environ.items() if not k.startswith("NODE_OPTIONS")},
    )
    try:
        ready = process.line_with("ready ", timeout=60)
        yield Provider(issuer=ready.split("ready ", 1)[1].strip(),
                       control=f"http://127.0.0.1:{control}")
    finally:
        process.stop()


class ReadyServer(uvicorn.Server):
    """A uvicorn server that says when it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@dataclass
class Served:
    """okr-es over a socket, its application, and the organisation people sign in to."""

    base_url: str
    okr: OKRApplication
    organization_id: UUID
    admin_id: UUID

    def graphql(self, query: str, **headers: str) -> httpx.Response:
        position = str(self.okr.recorder.max_notification_id() or 0)
        return httpx.post(
            f"{self.base_url}/graphql",
            json={"query": query},
            headers={"X-OKR-Position": position, **headers},
            timeout=30,
        )

    def viewer(self, token: str) -> httpx.Response:
        return self.graphql("{ viewer { id email } }", Authorization=f"Bearer {token}")


def oidc_settings(settings: Settings, provider: Provider, organization_id: UUID,
                  **changes: Any) -> Settings:
    return msgspec.structs.replace(
        settings,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_organization_id=organization_id,
        **{
            # Every unknown key id fetches the key set again: rotation shows at once.
            "oidc_jwks_refetch_seconds": 0.0,
            **changes,
        },
    )


@contextmanager
def serving(okr: OKRApplication) -> Iterator[str]:
    """The server app (command API, GraphQL, sign-in) of ``okr`` on a free local port."""
    app = create_server_app(okr.settings, okr)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = ReadyServer(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(timeout=60), "the server did not start"
        host, port = sock.getsockname()
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextmanager
def served_organization(settings: Settings, provider: Provider) -> Iterator[Served]:
    """An organisation (admin Kari) whose members sign in with the provider, served."""
    okr = OKRApplication(settings)
    try:
        ids = okr.register_organization(
            name="Digdir", admin_name="Kari Admin", admin_email="kari@example.no"
        ).ids
        # The organisation exists only now: the sign-in settings name it.
        okr.settings = oidc_settings(settings, provider, ids["organization_id"])
        with serving(okr) as base_url:
            yield Served(base_url, okr, ids["organization_id"], ids["member_id"])
    finally:
        okr.close()
