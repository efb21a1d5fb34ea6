"""Check-ins from Slack on each store: a signed slash command checks in (the event is in
the log); a bad signature or a replayed old request is 401 and writes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import msgspec
import pytest
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import Org, build_org

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM, USER = "T0123ABCD", "U0456EFGH"
Client = TestClient[Any]


@pytest.fixture
def slack_okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(msgspec.structs.replace(settings, slack_signing_secret=SECRET))
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def org(slack_okr: OKRApplication) -> Org:
    built = build_org(slack_okr)
    slack_okr.link_slack_user(
        organization_id=built.id,
        member_id=built.members["owner"],
        slack_team_id=TEAM,
        slack_user_id=USER,
        by=built.members["admin"],
    )
    return built


@pytest.fixture
def client(slack_okr: OKRApplication, org: Org) -> Iterator[Client]:
    with TestClient(app=create_app(application=slack_okr)) as test_client:
        yield test_client


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Headers as Slack sends them (its documented v0 scheme, written out here)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command(text: str, user: str = USER) -> bytes:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "user_id": user,
            "command": "/okr",
            "text": text,
            "response_url": "https://hooks.slack.com/commands/T/1/x",
        }
    ).encode()


def check_ins(okr: OKRApplication, org: Org) -> list[Any]:
    return [e for e in okr.history(org.objective) if type(e).__name__ == "CheckInMade"]


def test_a_signed_slash_command_checks_in_as_the_linked_member(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    body = command(f"checkin {str(org.key_result)[:8]} 64,5 gul på vei opp")
    answer = client.post("/api/v1/integrations/slack/commands", content=body, headers=signed(body))
    assert answer.status_code == 200, answer.text
    assert answer.json()["response_type"] == "ephemeral"
    assert "64.5" in answer.json()["text"]
    [made] = check_ins(slack_okr, org)
    assert (made.value, made.status, made.comment) == (64.5, "yellow", "på vei opp")
    assert made.by == org.members["owner"]


def test_a_bad_signature_is_refused_and_writes_nothing(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    body = command(f"checkin {org.key_result} 70 green")
    for headers in (
        signed(body, secret="not-the-secret"),
        {},
        {**signed(body), "X-Slack-Signature": "v0=00"},
    ):
        answer = client.post("/api/v1/integrations/slack/commands", content=body, headers=headers)
        assert answer.status_code == 401
    assert check_ins(slack_okr, org) == []


def test_a_replayed_old_request_is_refused_and_writes_nothing(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    body = command(f"checkin {org.key_result} 70 green")
    old = int(time.time()) - 6 * 60
    answer = client.post(
        "/api/v1/integrations/slack/commands", content=body, headers=signed(body, timestamp=old)
    )
    assert answer.status_code == 401
    assert check_ins(slack_okr, org) == []


def test_an_unlinked_slack_user_is_told_so_and_nothing_is_written(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    body = command(f"checkin {org.key_result} 70 green", user="U999")
    answer = client.post("/api/v1/integrations/slack/commands", content=body, headers=signed(body))
    assert answer.status_code == 200
    assert "not linked" in answer.json()["text"]
    assert check_ins(slack_okr, org) == []


def test_a_member_without_the_right_to_write_the_objective_cannot_check_in_from_slack(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    slack_okr.link_slack_user(
        organization_id=org.id,
        member_id=org.members["plain"],
        slack_team_id=TEAM,
        slack_user_id="U777",
        by=org.members["admin"],
    )
    body = command(f"checkin {org.key_result} 70 green", user="U777")
    answer = client.post("/api/v1/integrations/slack/commands", content=body, headers=signed(body))
    assert "not checked in" in answer.json()["text"]
    assert check_ins(slack_okr, org) == []


def test_a_submitted_check_in_modal_checks_in(
    client: Client, slack_okr: OKRApplication, org: Org
) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": USER, "team_id": TEAM},
        "view": {
            "private_metadata": str(org.key_result),
            "state": {
                "values": {
                    "value": {"value": {"type": "plain_text_input", "value": "71"}},
                    "status": {
                        "status": {"type": "static_select", "selected_option": {"value": "green"}}
                    },
                    "comment": {"comment": {"type": "plain_text_input", "value": "bra"}},
                }
            },
        },
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    answer = client.post(
        "/api/v1/integrations/slack/interactions", content=body, headers=signed(body)
    )
    assert answer.json() == {"response_action": "clear"}
    [made] = check_ins(slack_okr, org)
    assert (made.value, made.status, made.comment) == (71, "green", "bra")
