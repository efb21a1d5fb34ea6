"""Given / when / then for webhook subscriptions and chat links."""

from __future__ import annotations

from typing import Any

import pytest

from okr_es.aggregates.chat_link import ChatLink, chat_link_id
from okr_es.aggregates.webhook import (
    Webhook,
    known_event_types,
    masked_url,
    subscribes_to,
)
from support.given import ADMIN, MEMBER, ORG, TEAM, ident, refused, then

HOOK = ident("webhook")


def given_webhook(**changes: Any) -> Webhook:
    args: dict[str, Any] = {
        "webhook_id": HOOK,
        "organization_id": ORG,
        "label": "#team",
        "format": "generic",
        "url": "https://example.com/hooks/okr",
        "event_types": ["Objective.CheckInMade"],
        "unit_ids": [TEAM],
        "signing_secret": "whsec_c2VjcmV0",
        "allow_http_hosts": (),
        "known_event_types": known_event_types(),
        "by": ADMIN,
    }
    args.update(changes)
    return Webhook.subscribe(**args)


def test_subscribing_records_the_url_format_filters_and_secret() -> None:
    webhook = given_webhook()
    assert then(webhook) == [
        (
            "WebhookSubscribed",
            {
                "organization_id": ORG,
                "label": "#team",
                "target_url": "https://example.com/hooks/okr",
                "format": "generic",
                "event_types": ["Objective.CheckInMade"],
                "unit_ids": [TEAM],
                "signing_secret": "whsec_c2VjcmV0",
                "by": ADMIN,
            },
        )
    ]
    assert webhook.status == "active"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com/h", "insecure-url"),
        ("ftp://example.com/h", "invalid-url"),
        ("https://u:p@example.com/h", "url-credentials"),
        ("https://example.com/h#x", "invalid-url"),
        ("https://exa mple.com/h", "invalid-url"),
        ("https:///h", "invalid-url"),
        ("https://example.com:70000/h", "invalid-url"),
    ],
)
def test_a_url_that_is_not_https_without_credentials_is_refused(url: str, code: str) -> None:
    assert refused(None, lambda: given_webhook(url=url)).code == code


def test_plain_http_is_allowed_to_the_allow_listed_hosts_only() -> None:
    webhook = given_webhook(url="http://127.0.0.1:8080/h", allow_http_hosts=("127.0.0.1",))
    assert webhook.target_url == "http://127.0.0.1:8080/h"


def test_unknown_event_types_and_formats_are_refused() -> None:
    assert refused(None, lambda: given_webhook(event_types=["Objective.Nope"])).code == (
        "invalid-choice"
    )
    assert refused(None, lambda: given_webhook(event_types=[])).code == "empty"
    assert refused(None, lambda: given_webhook(format="email")).code == "invalid-choice"


def test_pause_resume_redrive_and_remove() -> None:
    webhook = given_webhook()
    webhook.collect_events()
    webhook.pause(by=ADMIN)
    assert [name for name, _ in then(webhook)] == ["WebhookPaused"]
    assert refused(webhook, lambda: webhook.pause(by=ADMIN)).code == "no-change"
    webhook.resume(by=ADMIN)
    webhook.redrive(by=ADMIN)
    webhook.remove(by=ADMIN)
    assert [name for name, _ in then(webhook)] == [
        "WebhookResumed",
        "WebhookRedriven",
        "WebhookRemoved",
    ]
    assert refused(webhook, lambda: webhook.resume(by=ADMIN)).code == "webhook-removed"


def test_event_type_patterns_and_the_masked_url() -> None:
    assert subscribes_to(("Objective.*",), "Objective", "CheckInMade")
    assert subscribes_to(("*",), "Kpi", "KpiMeasured")
    assert not subscribes_to(("Objective.ObjectiveSet",), "Objective", "CheckInMade")
    assert masked_url("https://hooks.slack.com/services/T0/B0/secret") == (
        "https://hooks.slack.com/…"
    )
    assert masked_url("https://example.com/?token=x") == "https://example.com/…"


def test_a_chat_user_is_linked_unlinked_and_linked_again() -> None:
    link = ChatLink.link_user(
        organization_id=ORG, member_id=MEMBER, team_id="T1", user_id="U1", by=ADMIN
    )
    assert link.id == chat_link_id("slack", "T1", "U1")
    link.collect_events()
    link.unlink(by=ADMIN)
    link.relink(organization_id=ORG, member_id=ADMIN, by=ADMIN)
    assert [name for name, _ in then(link)] == ["ChatUserUnlinked", "ChatUserRelinked"]
    assert (
        refused(link, lambda: link.relink(organization_id=ORG, member_id=MEMBER, by=ADMIN)).code
        == "chat-user-linked"
    )
