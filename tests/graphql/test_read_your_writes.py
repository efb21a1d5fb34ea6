"""Read-your-writes: a query sent with ``X-OKR-Position`` sees the write at that position,
and says so when the read models could not get there in time."""

from __future__ import annotations

from typing import Any

from gql_helpers import codes, graphql, read_api
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

Client = TestClient[Any]

KEY_RESULT = """query($id: UUID!) { keyResult(id: $id) {
    current reportedStatus checkIns { value comment } } }"""


def an_objective_with_key_result(client: Client, token: str) -> tuple[str, str]:
    body = graphql(
        client,
        """{ objectives(filter: {status: "active"}, first: 1) {
             edges { node { id keyResults { id } } } } }""",
        token=token,
    )
    node = body["data"]["objectives"]["edges"][0]["node"]
    return node["id"], node["keyResults"][0]["id"]


def test_a_check_in_posted_through_the_command_api_is_seen_with_its_position(
    client: Client, demo: DemoSummary, token: str
) -> None:
    objective_id, kr_id = an_objective_with_key_result(client, token)

    posted = client.post(
        f"/api/v1/objectives/{objective_id}/key-results/{kr_id}/check-ins",
        json={"value": 17.5, "status": "yellow", "comment": "read your writes"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert posted.status_code == 201, posted.text
    position = posted.headers["X-OKR-Position"]

    body = graphql(
        client, KEY_RESULT, {"id": kr_id}, token=token, headers={"X-OKR-Position": position}
    )

    assert "errors" not in body, body
    kr = body["data"]["keyResult"]
    assert kr["current"] == 17.5 and kr["reportedStatus"] == "yellow"
    assert kr["checkIns"][-1] == {"value": 17.5, "comment": "read your writes"}
    read_model = body["extensions"]["readModel"]
    assert read_model["requested"] == int(position) and read_model["behind"] == 0


def test_a_position_the_read_models_do_not_reach_in_time_is_answered_with_a_warning(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    ahead = okr.position() + 1000
    with TestClient(app=read_api(okr, service, wait_timeout=0.05)) as client:
        body = graphql(
            client,
            "{ organization { name } }",
            token=token,
            headers={"X-OKR-Position": str(ahead)},
        )

    assert body["data"] == {"organization": {"name": "Fjordby kommune"}}
    assert codes(body) == ["READ_MODEL_BEHIND"]
    read_model = body["extensions"]["readModel"]
    assert read_model["requested"] == ahead
    assert read_model["behind"] == ahead - read_model["position"] > 0


def test_a_malformed_position_header_is_a_graphql_error(
    client: Client, demo: DemoSummary, token: str
) -> None:
    for bad in ("abc", "-1", "1.5", "9" * 40):
        body = graphql(
            client, "{ organization { name } }", token=token, headers={"X-OKR-Position": bad}
        )

        assert body["data"] is None
        assert codes(body) == ["BAD_USER_INPUT"]
