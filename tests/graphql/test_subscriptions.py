"""Live subscriptions over graphql-transport-ws: check-ins and changes of a unit."""

from __future__ import annotations

import pytest
from gql_helpers import issue, read_api
from litestar.testing import TestClient

from okr_es.api.graphql import FEED_KEY
from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

PROTOCOL = "graphql-transport-ws"
CHECK_INS = """subscription($unit: UUID!) { checkIns(unitId: $unit) {
    value status comment by { name } keyResult { title } } }"""
CHANGES = """subscription($unit: UUID!) { changes(unitId: $unit) {
    eventType sentence unit { name } } }"""


def test_a_subscriber_receives_check_ins_and_changes_made_after_subscribing(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    department = str(demo.units["Digitalisering"])
    objective_id, kr_id = key_result_of_team(service, demo, "Team Data")
    app = read_api(okr, service)
    with (
        TestClient(app=app) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        for sub_id, query in (("1", CHECK_INS), ("2", CHANGES)):
            ws.send_json(
                {
                    "id": sub_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"unit": department}},
                }
            )
        assert app.state[FEED_KEY].wait_until_following(2, timeout=10)

        okr.check_in(
            objective_id=objective_id,
            key_result_id=kr_id,
            value=3.0,
            status="red",
            comment="live",
            by=demo.admin_id,
        )
        received = {m["id"]: m for m in (ws.receive_json(), ws.receive_json())}

    assert received["1"]["type"] == "next"
    check_in = received["1"]["payload"]["data"]["checkIns"]
    assert check_in["value"] == 3.0 and check_in["comment"] == "live"
    assert check_in["by"] == {"name": "Ingrid Berg"} and check_in["keyResult"]["title"]
    change = received["2"]["payload"]["data"]["changes"]
    assert change["eventType"] == "CheckInMade" and change["unit"] == {"name": "Team Data"}


def test_a_subscription_to_another_organisations_unit_is_not_found(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary
) -> None:
    from support.http_api import build_org

    other = build_org(okr, "Another agency")
    with (
        TestClient(app=read_api(okr, service)) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {other.tokens['plain']}"},
            }
        )
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": CHECK_INS,
                    "variables": {"unit": str(demo.units["Team Data"])},
                },
            }
        )
        message = ws.receive_json()

    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


def test_a_websocket_without_a_valid_token_is_refused(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary
) -> None:
    with (
        TestClient(app=read_api(okr, service)) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})
        with pytest.raises(Exception) as closed:
            ws.receive_json()

    assert "4403" in repr(closed.value) or "Forbidden" in repr(closed.value)


def key_result_of_team(service: ProjectionService, demo: DemoSummary, team: str) -> tuple[str, str]:
    rows = service.runner.views.query(
        "SELECT o.objective_id, k.key_result_id FROM rm_objectives o "
        "JOIN rm_key_results k ON k.objective_id = o.objective_id "
        "WHERE o.unit_id = :unit AND o.cycle_id = :cycle AND o.status = 'active' "
        "ORDER BY o.objective_id, k.ordinal",
        {"unit": str(demo.units[team]), "cycle": str(demo.cycles["2026 Q4"])},
    )
    return rows[0][0], rows[0][1]


def test_a_revoked_token_ends_its_subscriptions_and_runs_no_new_operation(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    objective_id, kr_id = key_result_of_team(service, demo, "Team Data")
    doomed = issue(okr, demo.organization_id, demo.admin_id)
    doomed_id = doomed.split("_")[1]
    app = read_api(okr, service)
    with (
        TestClient(app=app) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {doomed}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": CHANGES, "variables": {"unit": str(demo.units["Team Data"])}},
            }
        )
        assert app.state[FEED_KEY].wait_until_following(1, timeout=10)

        revoked = client.post(
            f"/api/v1/organizations/{demo.organization_id}/tokens/{doomed_id}/revoke",
            json={},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert revoked.status_code < 300, revoked.text
        okr.check_in(
            objective_id=objective_id,
            key_result_id=kr_id,
            value=3.0,
            status="red",
            comment="after the revocation",
            by=demo.admin_id,
        )
        # Not the check-in made after the revocation: the end of the subscription.
        ended = ws.receive_json()
        assert ended["id"] == "1" and ended["type"] == "next", ended
        assert ended["payload"]["data"] is None
        assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["UNAUTHENTICATED"]
        assert ws.receive_json() == {"id": "1", "type": "complete"}

        # A new operation on the same socket checks the token again, as a request does.
        ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": "{ viewer { name } }"}})
        refused = ws.receive_json()
        assert refused["id"] == "2" and refused["type"] == "error", refused
        assert [e["extensions"]["code"] for e in refused["payload"]] == ["UNAUTHENTICATED"]


def test_an_operation_on_an_open_socket_is_refused_once_its_token_is_revoked(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary
) -> None:
    doomed = issue(okr, demo.organization_id, demo.admin_id)
    with (
        TestClient(app=read_api(okr, service)) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {doomed}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        okr.revoke_token(
            organization_id=demo.organization_id,
            token_id=doomed.split("_")[1],
            by=demo.admin_id,
        )
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { name } }"}})
        refused = ws.receive_json()

    assert refused["id"] == "1" and refused["type"] == "error", refused
    assert [e["extensions"]["code"] for e in refused["payload"]] == ["UNAUTHENTICATED"]
