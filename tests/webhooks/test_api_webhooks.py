"""Webhooks over HTTP on each store: admin-only commands, secrets never echoed, URL checks,
the delivery log in GraphQL, and a hanging receiver that never holds a command up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from webhook_support import Receiver, wait_until

from okr_es.api import create_app
from okr_es.api.graphql import graphql_handlers
from okr_es.application import OKRApplication
from okr_es.event_log import record
from okr_es.learning.audit import export_lines
from okr_es.settings import Settings
from support.http_api import Org, build_org

Client = TestClient[Any]


@pytest.fixture
def api_okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(
        msgspec.structs.replace(settings, webhook_allow_http_hosts=("127.0.0.1",))
    )
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def client(api_okr: OKRApplication) -> Iterator[Client]:
    app = create_app(application=api_okr, route_handlers=graphql_handlers(), webhooks=True)
    with TestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def org(api_okr: OKRApplication) -> Org:
    return build_org(api_okr)


def auth(org: Org, who: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {org.tokens[who]}"}


def subscribe(
    client: Client, org: Org, url: str, format: str = "generic", who: str = "admin", **extra: Any
) -> Any:
    body = {
        "organization_id": str(org.id),
        "url": url,
        "format": format,
        "event_types": ["Objective.CheckInMade"],
        **extra,
    }
    return client.post("/api/v1/webhooks", json=body, headers=auth(org, who))


def check_in(client: Client, org: Org, value: float) -> Any:
    return client.post(
        f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins",
        json={"value": value, "status": "green", "comment": "ok"},
        headers=auth(org, "owner"),
    )


def gql(client: Client, org: Org, query: str, who: str = "admin") -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query}, headers=auth(org, who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_secret_is_in_the_create_answer_only(
    client: Client, org: Org, api_okr: OKRApplication, receiver: Receiver
) -> None:
    created = subscribe(client, org, receiver.url + "/T000/B000/XXXXtoken")
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    webhook_id = created.json()["ids"]["webhook_id"]

    listed = gql(client, org, "{ webhooks { id url format status secretSet eventTypes } }")
    assert listed["data"]["webhooks"] == [
        {
            "id": webhook_id,
            "url": f"http://127.0.0.1:{receiver.port}/…",
            "format": "generic",
            "status": "active",
            "secretSet": True,
            "eventTypes": ["Objective.CheckInMade"],
        }
    ]
    history = gql(client, org, f'{{ history(aggregateId: "{webhook_id}") {{ type data }} }}')
    events = [record(e) for e in api_okr.history(webhook_id)]
    exported = "\n".join(export_lines(events, {"webhook": webhook_id}))
    paused = client.post(f"/api/v1/webhooks/{webhook_id}/pause", headers=auth(org))
    for shown in (str(history), str(events), exported, paused.text, str(listed)):
        assert secret not in shown and secret.removeprefix("whsec_") not in shown
        assert "XXXXtoken" not in shown


def test_only_an_admin_manages_webhooks(client: Client, org: Org, receiver: Receiver) -> None:
    refused = subscribe(client, org, receiver.url, who="lead")
    assert refused.status_code == 403
    webhook_id = subscribe(client, org, receiver.url).json()["ids"]["webhook_id"]
    assert (
        client.post(f"/api/v1/webhooks/{webhook_id}/remove", headers=auth(org, "lead")).status_code
        == 403
    )
    answer = gql(client, org, "{ webhooks { id } }", who="lead")
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://127.0.0.1/hook", "invalid-url"),
        ("javascript:alert(1)", "invalid-url"),
        ("http://example.com/hook", "insecure-url"),
        ("https://user:password@example.com/hook", "url-credentials"),
        ("https:///no-host", "invalid-url"),
        ("https://example.com:99999/hook", "invalid-url"),
        ("not a url", "invalid-url"),
    ],
)
def test_a_url_that_is_not_https_or_carries_credentials_is_refused(
    client: Client, org: Org, url: str, code: str
) -> None:
    answer = subscribe(client, org, url)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code


def test_an_unknown_event_type_or_format_is_refused(client: Client, org: Org) -> None:
    bad_type = subscribe(client, org, "https://example.com/h", event_types=["Objective.Nope"])
    assert (bad_type.status_code, bad_type.json()["code"]) == (422, "invalid-choice")
    bad_format = subscribe(client, org, "https://example.com/h", format="email")
    assert (bad_format.status_code, bad_format.json()["code"]) == (422, "invalid-choice")


def test_a_hanging_receiver_does_not_hold_up_commands(
    client: Client, org: Org, receiver: Receiver
) -> None:
    receiver.hang = threading.Event()
    try:
        assert subscribe(client, org, receiver.url).status_code == 201
        assert check_in(client, org, 61).status_code == 201
        wait_until(lambda: len(receiver.requests()) >= 1, what="the receiver to be reached")
        # The receiver has not answered: commands go on regardless.
        for value in (62, 63, 64, 65):
            assert check_in(client, org, value).status_code == 201
        assert not receiver.hang.is_set()
    finally:
        receiver.hang.set()


def test_the_delivery_log_is_readable_in_graphql(
    client: Client, org: Org, receiver: Receiver
) -> None:
    webhook_id = subscribe(client, org, receiver.url).json()["ids"]["webhook_id"]
    position = check_in(client, org, 66).json()["position"]
    query = (
        f'{{ webhook(id: "{webhook_id}") {{ deliveries {{ id position eventType status '
        "attempts lastStatusCode attemptLog { attempt statusCode durationMs } } } }"
    )
    wait_until(
        lambda: (
            [d["status"] for d in gql(client, org, query)["data"]["webhook"]["deliveries"]]
            == ["delivered"]
        ),
        what="a delivered delivery",
    )
    [delivery] = gql(client, org, query)["data"]["webhook"]["deliveries"]
    assert delivery["position"] == position
    assert delivery["eventType"] == "Objective.CheckInMade"
    assert delivery["id"] == receiver.requests()[0].headers["webhook-id"]
    assert [a["statusCode"] for a in delivery["attemptLog"]] == [200]
