"""The meeting screen, live: a subscriber to a meeting receives it again after each change."""

from __future__ import annotations

from gql_helpers import read_api
from litestar.testing import TestClient

from okr_es.api.graphql import FEED_KEY
from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

PROTOCOL = "graphql-transport-ws"
MEETING = """subscription($id: UUID!) { meeting(id: $id) {
    id status items { kind text by { name } } } }"""


def test_a_meeting_screen_receives_the_meeting_after_each_change(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    lead = demo.members["Per Johansen"]
    meeting = okr.open_meeting(
        organization_id=demo.organization_id, unit_id=demo.units["Team Data"],
        cycle_id=demo.cycles["2026 Q4"], facilitator_id=lead, by=lead,
    ).ids["meeting_id"]
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    app = read_api(okr, service)
    with (
        TestClient(app=app) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe",
                      "payload": {"query": MEETING, "variables": {"id": str(meeting)}}})
        assert app.state[FEED_KEY].wait_until_following(1, timeout=10)

        okr.share_good_news(meeting_id=meeting, text="Første hundre brukere", by=lead)
        first = ws.receive_json()
        okr.close_meeting(meeting_id=meeting, attendee_ids=[lead], by=lead)
        second = ws.receive_json()

    assert first["type"] == "next", first
    shown = first["payload"]["data"]["meeting"]
    assert shown["status"] == "open"
    assert shown["items"] == [
        {"kind": "good_news", "text": "Første hundre brukere", "by": {"name": "Per Johansen"}}
    ]
    assert second["payload"]["data"]["meeting"]["status"] == "closed"


def test_a_subscription_to_an_unknown_meeting_is_not_found(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    with (
        TestClient(app=read_api(okr, service)) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {
            "query": MEETING, "variables": {"id": str(demo.organization_id)}}})
        message = ws.receive_json()

    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
