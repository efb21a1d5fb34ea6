"""End to end over a real socket: an external GraphQL client (gql) against uvicorn,
querying over HTTP and subscribing over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport
from gql.transport.websockets import WebsocketsTransport
from gql_helpers import read_api
from litestar import Litestar

from okr_es.api.graphql import FEED_KEY
from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService


class ReadyServer(uvicorn.Server):
    """A uvicorn server that says when it listens (no polling, no sleeps)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@pytest.fixture
def served(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary
) -> Iterator[tuple[str, Litestar]]:
    app = read_api(okr, service)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = ReadyServer(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(timeout=30), "the server did not start"
        host, port = sock.getsockname()
        yield f"{host}:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_an_external_client_queries_and_subscribes_over_a_real_socket(
    served: tuple[str, Litestar], demo: DemoSummary, token: str
) -> None:
    address, app = served
    auth = {"Authorization": f"Bearer {token}"}
    team = str(demo.units["Team Selvbetjening"])

    with Client(transport=HTTPXTransport(url=f"http://{address}/graphql", headers=auth)) as s:
        result = s.execute(
            GraphQLRequest(
                """query($unit: UUID!) { objectives(filter: {unitId: $unit}, first: 5) {
                     edges { node { id keyResults { id title expectedStatus } } } } }""",
                variable_values={"unit": team},
            )
        )
    node = result["objectives"]["edges"][-1]["node"]
    objective_id, kr = node["id"], node["keyResults"][0]

    async def subscribe_and_check_in() -> dict[str, Any]:
        transport = WebsocketsTransport(
            url=f"ws://{address}/graphql",
            init_payload=auth,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            stream = session.subscribe(
                GraphQLRequest(
                    """subscription($unit: UUID!) { checkIns(unitId: $unit) {
                         value comment keyResult { id } } }""",
                    variable_values={"unit": team},
                )
            )
            first = asyncio.ensure_future(anext(stream))
            following = await asyncio.to_thread(app.state[FEED_KEY].wait_until_following, 1, 10)
            assert following
            async with httpx.AsyncClient(base_url=f"http://{address}", headers=auth) as http:
                posted = await http.post(
                    f"/api/v1/objectives/{objective_id}/key-results/{kr['id']}/check-ins",
                    json={"value": 1.0, "status": "green", "comment": "over the wire"},
                )
                assert posted.status_code == 201, posted.text
            received: dict[str, Any] = await asyncio.wait_for(first, timeout=10)
            await stream.aclose()
            return received

    received = asyncio.run(subscribe_and_check_in())

    assert received["checkIns"] == {
        "value": 1.0,
        "comment": "over the wire",
        "keyResult": {"id": kr["id"]},
    }
