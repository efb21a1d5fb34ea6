"""Schemathesis against the OpenAPI document: generated requests to every operation over a
real socket. No answer may be a 5xx, and every answer must match the documented schema."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from okr_es.api import create_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import build_org

# Building the app opens nothing, so the schema can be read at collection time.
SCHEMA = schemathesis.openapi.from_dict(create_app().openapi_schema.to_schema())


class Server:
    def __init__(self, base_url: str, headers: dict[str, str], okr: OKRApplication) -> None:
        self.base_url = base_url
        self.headers = headers
        self.okr = okr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    okr = OKRApplication(Settings(data_dir=str(data_dir)))
    org = build_org(okr)
    sock = socket.create_server(("127.0.0.1", 0))
    app = create_app(application=okr)
    runner = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Server(
            f"http://127.0.0.1:{sock.getsockname()[1]}",
            {"Authorization": f"Bearer {org.tokens['admin']}"},
            okr,
        )
    finally:
        runner.should_exit = True
        thread.join(timeout=30)
        sock.close()
        okr.close()


@SCHEMA.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_requests_get_documented_answers_and_never_a_5xx(
    case: Any, server: Server
) -> None:
    response = case.call(base_url=server.base_url, headers=server.headers)
    assert response.status_code < 500, response.text
    # The domain refuses many schema-valid bodies (unknown ids, empty-after-trim titles,
    # target below start …) with 404/409/422 on purpose, so "accepted" is not checked;
    # every other check — status codes, content types, bodies, headers — is.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
