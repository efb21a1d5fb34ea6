"""Whatever reaches ``/graphql``, the answer is a GraphQL error body with a code, never a
500: bytes that are not a GraphQL request, documents that do not say which operation to
run, subscriptions sent over plain HTTP, instants without a timezone."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from gql_helpers import codes, graphql
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.projections.service import ProjectionService
from support.http_api import Org, build_org

Client = TestClient[Any]


@pytest.fixture
def org(okr: OKRApplication, service: ProjectionService) -> Org:
    built = build_org(okr)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    return built


def post(client: Client, org: Org, content: bytes | str, content_type: str) -> Any:
    return client.post(
        "/graphql",
        content=content,
        headers={"Authorization": f"Bearer {org.tokens['plain']}", "Content-Type": content_type},
    )


def request_error(response: Any, status: int, code: str) -> str:
    """The response is ``{"errors": [...]}`` with that status and code; its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body.get("data") is None
    assert codes(body) == [code], body
    message: str = body["errors"][0]["message"]
    return message


DEEP = '{"query": "{ viewer { name } }", "variables": {"v": ' + "[" * 1000 + "]" * 1000 + "}}"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"query": "{ viewer { name } }", "x": "caf\xe9"}', id="not-utf-8"),
        pytest.param(DEEP.encode(), id="nested-1000-deep"),
        pytest.param(
            b'{"query": "{ viewer { name } }", "variables": {"n": ' + b"1" * 5000 + b"}}",
            id="a-5000-digit-number",
        ),
        pytest.param(b'{"query": ', id="truncated"),
        pytest.param(b'"{ viewer { name } }"', id="a-string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400_with_a_code(
    client: Client, org: Org, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = post(client, org, body, "application/json")

    request_error(response, 400, "BAD_REQUEST")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param([{"query": "{ viewer { name } }"}], id="a-batch"),
        pytest.param({"query": None}, id="query-null"),
        pytest.param({}, id="no-query"),
        pytest.param({"query": ""}, id="empty-query"),
        pytest.param({"query": "{ viewer { name } }", "variables": "{}"}, id="variables-text"),
        pytest.param({"query": "{ viewer { name } }", "variables": []}, id="variables-list"),
    ],
)
def test_a_request_graphql_cannot_run_is_answered_in_the_graphql_error_shape(
    client: Client, org: Org, request_body: Any
) -> None:
    response = client.post(
        "/graphql",
        json=request_body,
        headers={"Authorization": f"Bearer {org.tokens['plain']}"},
    )

    request_error(response, 400, "BAD_REQUEST")


def test_a_body_not_sent_as_json_is_a_415(client: Client, org: Org) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = post(client, org, '{"query": "{ viewer { name } }"}', content_type)

        message = request_error(response, 415, "BAD_REQUEST")
        assert "application/json" in message


def test_an_unknown_operation_name_is_an_operation_resolution_failure(
    client: Client, org: Org
) -> None:
    response = client.post(
        "/graphql",
        json={"query": "query Mine { viewer { name } }", "operationName": "Theirs"},
        headers={"Authorization": f"Bearer {org.tokens['plain']}"},
    )

    message = request_error(response, 400, "OPERATION_RESOLUTION_FAILURE")
    assert "Theirs" in message


def test_several_operations_need_an_operation_name(client: Client, org: Org) -> None:
    document = "query Name { viewer { name } } query Id { viewer { id } }"
    headers = {"Authorization": f"Bearer {org.tokens['plain']}"}

    unnamed = client.post("/graphql", json={"query": document}, headers=headers)
    named = client.post(
        "/graphql", json={"query": document, "operationName": "Id"}, headers=headers
    )

    message = request_error(unnamed, 400, "OPERATION_RESOLUTION_FAILURE")
    assert "operationName" in message
    assert named.status_code == 200
    assert named.json() == {"data": {"viewer": {"id": str(org.members["plain"])}}}


def test_a_subscription_over_http_is_a_client_error_not_a_bug(
    client: Client, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    document = "subscription($u: UUID!) { changes(unitId: $u) { position } }"
    headers = {"Authorization": f"Bearer {org.tokens['plain']}"}

    with caplog.at_level(logging.ERROR):
        posted = client.post(
            "/graphql", json={"query": document, "variables": {"u": str(org.team)}}, headers=headers
        )
        got = client.get(
            "/graphql",
            params={"query": document, "variables": f'{{"u": "{org.team}"}}'},
            headers={**headers, "Accept": "application/json"},
        )

    for response in (posted, got):
        assert "websocket" in request_error(response, 400, "BAD_REQUEST")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_huge_position_header_is_called_too_large(client: Client, org: Org) -> None:
    body = graphql(
        client,
        "{ viewer { name } }",
        token=org.tokens["plain"],
        headers={"X-OKR-Position": "99999999999999999999999"},
    )

    assert codes(body) == ["BAD_USER_INPUT"]
    assert "too large" in body["errors"][0]["message"]


AS_OF = """query($kr: UUID!, $objective: UUID!, $asOf: DateTime!) {
    keyResult(id: $kr, asOf: $asOf) { checkIns { value } }
    objective(id: $objective, asOf: $asOf) { asOfTime } }"""


def test_an_as_of_without_a_timezone_is_read_as_utc(
    client: Client, okr: OKRApplication, service: ProjectionService, org: Org
) -> None:
    okr.check_in(
        objective_id=org.objective,
        key_result_id=org.key_result,
        value=70.0,
        status="green",
        by=org.members["owner"],
    )
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    # A date alone is the end of that day, so today's includes the check-in just made.
    today = datetime.now(UTC).date().isoformat()
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    ids = {"kr": str(org.key_result), "objective": str(org.objective)}

    answers = {
        given: graphql(client, AS_OF, {**ids, "asOf": given}, token=org.tokens["plain"])
        for given in (today, in_an_hour)
    }
    literal = graphql(
        client,
        f'{{ keyResult(id: "{org.key_result}", asOf: "{in_an_hour}") {{ checkIns {{ value }} }} }}',
        token=org.tokens["plain"],
    )

    for body in (*answers.values(), literal):
        assert "errors" not in body, body
        assert body["data"]["keyResult"]["checkIns"] == [{"value": 70.0}]
    assert answers[today]["data"]["objective"]["asOfTime"] == f"{today}T23:59:59.999999+00:00"
    assert answers[in_an_hour]["data"]["objective"]["asOfTime"] == f"{in_an_hour}000+00:00"


def test_an_as_of_with_another_offset_is_echoed_in_utc(client: Client, org: Org) -> None:
    later = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    oslo_summer = later.astimezone(timezone(timedelta(hours=2)))

    body = graphql(
        client,
        "query($id: UUID!, $asOf: DateTime!) { objective(id: $id, asOf: $asOf) { asOfTime } }",
        {"id": str(org.objective), "asOf": oslo_summer.isoformat()},
        token=org.tokens["plain"],
    )

    assert body["data"]["objective"]["asOfTime"] == later.isoformat()


def test_a_check_in_sent_with_an_offset_reads_back_in_utc(
    client: Client, okr: OKRApplication, service: ProjectionService, org: Org
) -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    okr.check_in(
        objective_id=org.objective,
        key_result_id=org.key_result,
        value=71.0,
        status="green",
        by=org.members["owner"],
        checked_in_at=earlier.astimezone(timezone(timedelta(hours=-9))).isoformat(),
    )
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()

    body = graphql(
        client,
        "query($id: UUID!) { keyResult(id: $id) { checkIns { value checkedInAt } } }",
        {"id": str(org.key_result)},
        token=org.tokens["plain"],
    )

    assert "errors" not in body, body
    assert {"value": 71.0, "checkedInAt": earlier.isoformat()} in body["data"]["keyResult"][
        "checkIns"
    ]


def test_an_unused_variable_is_a_validation_failure(client: Client, org: Org) -> None:
    body = graphql(client, "query($x: String) { viewer { name } }", {}, token=org.tokens["plain"])
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


def test_an_as_of_with_a_nul_after_it_is_refused(client: Client, org: Org) -> None:
    body = graphql(
        client,
        "query($id: UUID!, $asOf: DateTime!) { objective(id: $id, asOf: $asOf) { asOfTime } }",
        {"id": str(org.objective), "asOf": "2026-11-01T10:00:00Z\u0000"},
        token=org.tokens["plain"],
    )
    assert codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        pytest.param({"query": "{ viewer { name "}, "GRAPHQL_VALIDATION_FAILED", id="syntax"),
        pytest.param(
            {"query": "{ " + "viewer { name } " * 700 + "}"},
            "GRAPHQL_VALIDATION_FAILED",
            id="over-2000-tokens",
        ),
        pytest.param(
            {"query": "query A { viewer { name } } query B { viewer { id } }"},
            "OPERATION_RESOLUTION_FAILURE",
            id="two-operations-unnamed",
        ),
        pytest.param(
            {"query": "query A { viewer { name } }", "operationName": "B"},
            "OPERATION_RESOLUTION_FAILURE",
            id="unknown-operation-name",
        ),
        pytest.param(
            {"query": "fragment F on Member { name }"},
            "OPERATION_RESOLUTION_FAILURE",
            id="only-a-fragment",
        ),
        pytest.param({"query": ""}, "BAD_REQUEST", id="empty-query"),
        pytest.param({"query": None}, "BAD_REQUEST", id="query-null"),
        pytest.param({"variables": {}}, "BAD_REQUEST", id="no-query-key"),
    ],
)
def test_a_request_that_cannot_run_over_a_websocket_is_an_error_message_with_a_code(
    client: Client,
    org: Org,
    payload: dict[str, Any],
    code: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.ERROR),
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {org.tokens['plain']}"},
            }
        )
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        answer = ws.receive_json()
        # The socket stays usable: the next operation runs.
        ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": "{ viewer { id } }"}})
        next_answer = ws.receive_json()

    assert answer["id"] == "1" and answer["type"] == "error", answer
    assert [e["extensions"]["code"] for e in answer["payload"]] == [code]
    assert next_answer["type"] == "next"
    assert next_answer["payload"]["data"] == {"viewer": {"id": str(org.members["plain"])}}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("not json", id="not-json"),
        pytest.param('{"type": "subscribe", "id": "1", "payload": ', id="truncated-json"),
        pytest.param("[1, 2]", id="a-list"),
        pytest.param('"subscribe"', id="a-string"),
        pytest.param("null", id="null"),
        pytest.param(
            '{"type": "subscribe", "id": "1", "payload": "{ viewer { id } }"}',
            id="payload-not-an-object",
        ),
        pytest.param(
            '{"type": "subscribe", "id": 1, "payload": {"query": "{ viewer { id } }"}}',
            id="id-not-text",
        ),
        pytest.param('{"type": "subscribe", "id": "1"}', id="no-payload"),
        pytest.param('{"type": 7}', id="type-not-text"),
        pytest.param('{"type": "what"}', id="unknown-type"),
    ],
)
def test_a_message_that_is_not_a_graphql_transport_ws_message_closes_with_4400(
    client: Client, org: Org, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.ERROR),
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {org.tokens['plain']}"},
            }
        )
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_text(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()

    assert closed.value.code == 4400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE", "HEAD"])
def test_a_method_other_than_get_and_post_is_a_405_problem(
    client: Client, org: Org, method: str
) -> None:
    response = client.request(
        method, "/graphql", headers={"Authorization": f"Bearer {org.tokens['plain']}"}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"].startswith("application/problem+json")
    if method != "HEAD":
        assert response.json()["code"] == "method-not-allowed"
