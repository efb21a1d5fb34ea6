"""The pure parts: each format's shape, Standard Webhooks and Slack signatures, backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from uuid import uuid4

import msgspec
import pytest

from okr_es.messaging.integration_events import SCHEMA, IntegrationEvent
from okr_es.webhooks.delivery import backoff_seconds
from okr_es.webhooks.formats import Change, fallback_sentence, render
from okr_es.webhooks.signing import (
    InvalidSignature,
    slack_signature,
    standard_headers,
    verify_slack,
    verify_standard,
)

EVENT = IntegrationEvent(
    schema=SCHEMA,
    position=12,
    event="CheckInMade",
    aggregate="Objective",
    aggregate_id=uuid4(),
    aggregate_version=3,
    organization_id=uuid4(),
    recorded_at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
    by=uuid4(),
    data={"value": 64.0, "status": "green", "comment": "<b>&"},
)
CHANGE = Change(event=EVENT, sentence="Kari sjekket inn «A & <B>»: 64 (grønn)", language="nb")
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_795_446_842


def test_slack_gets_block_kit_with_its_markup_characters_escaped() -> None:
    body = msgspec.json.decode(render("slack", CHANGE))
    assert body["text"] == CHANGE.sentence
    assert body["blocks"][0]["text"] == {
        "type": "mrkdwn",
        "text": "Kari sjekket inn «A &amp; &lt;B&gt;»: 64 (grønn)",
    }
    assert "Objective.CheckInMade" in body["blocks"][1]["elements"][0]["text"]


def test_teams_gets_one_adaptive_card_in_a_message() -> None:
    body = msgspec.json.decode(render("teams", CHANGE))
    [attachment] = body["attachments"]
    card = attachment["content"]
    assert (body["type"], attachment["contentType"]) == (
        "message",
        "application/vnd.microsoft.card.adaptive",
    )
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][1] == {"type": "TextBlock", "text": CHANGE.sentence, "wrap": True}


def test_the_generic_payload_carries_the_integration_event() -> None:
    body = msgspec.json.decode(render("generic", CHANGE))
    assert body["type"] == "Objective.CheckInMade"
    assert body["timestamp"] == "2026-11-23T15:00:00Z"
    assert body["data"]["position"] == 12
    assert body["data"]["sentence"] == CHANGE.sentence


def test_a_standard_webhooks_signature_verifies_and_a_tampered_body_does_not() -> None:
    body = render("generic", CHANGE)
    headers = standard_headers(SECRET, "msg_12_x", NOW, body)
    verify_standard(SECRET, headers, body, now=NOW + 10)
    with pytest.raises(InvalidSignature):
        verify_standard(SECRET, headers, body + b" ", now=NOW)
    with pytest.raises(InvalidSignature):
        verify_standard(SECRET, headers, body, now=NOW + 301)
    rotated = {**headers, "webhook-signature": "v1,bm9wZQ== " + headers["webhook-signature"]}
    verify_standard(SECRET, rotated, body, now=NOW)


def test_slack_signatures_verify_and_old_ones_are_refused() -> None:
    body = b"token=x&team_id=T1&text=checkin"
    signature = slack_signature("s3cret", str(NOW), body)
    verify_slack("s3cret", str(NOW), signature, body, now=NOW + 299)
    for args in (
        ("s3cret", str(NOW), signature, body, NOW + 301),
        ("other", str(NOW), signature, body, NOW),
        ("s3cret", None, signature, body, NOW),
        ("s3cret", "soon", signature, body, NOW),
    ):
        with pytest.raises(InvalidSignature):
            verify_slack(*args)  # type: ignore[arg-type]


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(1)
    waits = [backoff_seconds(n, 2.0, 30.0, rng) for n in range(1, 8)]
    assert all(lo / 2 <= w <= lo for w, lo in zip(waits, [2, 4, 8, 16, 30, 30, 30], strict=True))


def test_a_change_without_a_sentence_is_said_from_its_data() -> None:
    assert fallback_sentence(EVENT) == (
        "Objective.CheckInMade (position 12): value=64.0, status=green, comment=<b>&"
    )
