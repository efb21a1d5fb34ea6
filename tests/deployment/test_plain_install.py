"""okr-es as a user installs it: the wheel, without extras, in a fresh virtual environment.

The wheel is built from what the Dockerfile copies into the image and installed as the
Dockerfile installs it (``pip install -c constraints.txt``, no extras) into a venv of its
own, shared by this module's tests; its
``okr-es serve --demo`` then has to do over real sockets what the test extra would
otherwise hide: answer a GraphQL subscription over a websocket (uvicorn needs a websocket
library for that) and serve GraphiQL's and Swagger UI's files from the installed package.
Slow (a build and an install), so marked ``deployment``; it runs in the normal suite.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import AsyncGenerator, Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from okr_es.api.ui_assets import RELEASES, STATIC_PATH
from support.demo_server import DemoServer, check_in, check_in_target, demo_server

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
MINE = "plain install #"
CHECK_INS = """subscription($unit: UUID!) { checkIns(unitId: $unit) { comment } }"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    context = image_context(tmp_path_factory.mktemp("context"))
    wheels = tmp_path_factory.mktemp("wheels")
    pip(sys.executable, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(context))
    (built,) = wheels.glob("okr_es-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``okr-es`` script of a fresh venv holding the wheel and its dependencies only."""
    env_dir = tmp_path_factory.mktemp("plain") / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    pip(python, "install", "-c", str(ROOT / "constraints.txt"), str(wheel))
    listed = pip(python, "list", "--format=freeze").lower()
    # Nothing of the test extra came along: what works below works without it.
    assert "gql==" not in listed and "pytest==" not in listed, listed
    return env_dir / "bin" / "okr-es"


@pytest.fixture(scope="module")
def server(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(installed, tmp_path_factory.mktemp("plain-data") / "var") as running:
        yield running


def test_a_plain_install_exports_reports_as_csv_and_says_how_to_get_parquet(
    installed: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "OKR_ES_DATA_DIR": str(tmp_path / "var")}
    env = {k: v for k, v in env.items() if k not in ("OKR_ES_DATABASE_URL", "PYTHONPATH")}
    run = functools.partial(
        subprocess.run, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    as_csv = run([str(installed), "report", "export", str(tmp_path / "csv")])
    as_parquet = run(
        [str(installed), "report", "export", "--format", "parquet", str(tmp_path / "pq")]
    )

    assert as_csv.returncode == 0, as_csv.stderr
    assert (tmp_path / "csv" / "fact_check_in.csv").exists()
    assert as_parquet.returncode == 1
    assert "pip install 'okr-es[reporting]'" in as_parquet.stderr


def test_the_wheel_ships_the_ui_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())

    for release in RELEASES:
        for inside in release.files:
            name = f"okr_es/api/static/{release.directory}/{PurePosixPath(inside).name}"
            assert name in names, name


def test_a_plain_install_answers_a_subscription_over_a_websocket(server: DemoServer) -> None:
    target = check_in_target(server)

    async def own_check_in() -> dict[str, Any]:
        transport = WebsocketsTransport(
            url=server.base_url.replace("http://", "ws://") + "/graphql",
            init_payload=server.auth,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            stream = session.subscribe(
                GraphQLRequest(CHECK_INS, variable_values={"unit": target.unit_id})
            )
            try:
                return await first_own(stream, lambda n: check_in(server, target, f"{MINE}{n}"))
            finally:
                await stream.aclose()

    received = asyncio.run(own_check_in())

    assert received["checkIns"]["comment"].startswith(MINE)


def test_a_plain_install_serves_the_ui_files_it_ships(server: DemoServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        page = http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql.min.js" in page.text, page.text
        for release in RELEASES:
            for inside, digest in release.files.items():
                path = f"{STATIC_PATH}/{release.directory}/{PurePosixPath(inside).name}"
                served = http.get(path)
                assert served.status_code == 200, path
                assert hashlib.sha256(served.content).hexdigest() == digest, path


async def first_own(
    stream: AsyncGenerator[dict[str, Any], None], send: Callable[[int], None]
) -> dict[str, Any]:
    """The first check-in of this test that the subscription delivers.

    The subscription starts listening at some moment after it was sent, so check-ins go in
    (``send``) until one comes out, a bounded number of times; check-ins of the demo that
    the server was still projecting may come first and are passed over.
    """
    pending = asyncio.ensure_future(anext(stream))
    try:
        for attempt in range(20):
            await asyncio.to_thread(send, attempt)
            while True:
                done, _ = await asyncio.wait({pending}, timeout=3)
                if not done:
                    break
                received = pending.result()
                if received["checkIns"]["comment"].startswith(MINE):
                    return received
                pending = asyncio.ensure_future(anext(stream))
    finally:
        pending.cancel()
    raise AssertionError("the subscription delivered none of the test's check-ins")


def image_context(into: Path) -> Path:
    """The files the Dockerfile's COPY lines take from the checkout, copied to ``into``."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # What this module installs is what the image installs.
    assert "pip install --no-cache-dir -c constraints.txt ." in dockerfile, dockerfile
    for line in dockerfile.splitlines():
        words = line.split()
        if words[:1] != ["COPY"]:
            continue
        for source in (word for word in words[1:-1] if not word.startswith("--")):
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, into / source)
            else:
                shutil.copy2(origin, into / source)
    return into


def pip(python: str, *args: str) -> str:
    result = subprocess.run(
        [python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
