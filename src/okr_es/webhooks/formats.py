"""The bodies okr-es posts to webhooks, one pure function per format.

Each takes the integration event (:mod:`okr_es.messaging.integration_events`) and the
change said in words — the change timeline's sentence for that log position (Norwegian or
English, as the timeline chose), or :func:`fallback_sentence` — and returns the JSON body:

- ``slack``: a Slack incoming-webhook message, Block Kit ``blocks`` plus ``text`` (what
  notifications show);
- ``teams``: a Teams Workflows message (the "Post to a channel when a webhook request is
  received" template) carrying one Adaptive Card;
- ``generic``: a Standard Webhooks payload ``{"type", "timestamp", "data"}`` whose
  ``data`` is the integration event itself, plus the sentence; it is signed on sending
  (:mod:`okr_es.webhooks.signing`).
"""

from __future__ import annotations

from typing import Any

import msgspec

from okr_es.aggregates.webhook import GENERIC, SLACK, TEAMS
from okr_es.messaging.integration_events import IntegrationEvent

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_VERSION = "1.4"
# Slack refuses a section text longer than 3000 characters.
_SLACK_TEXT_MAX = 3000


class Change(msgspec.Struct, frozen=True):
    """One change to announce: the event, and how it reads."""

    event: IntegrationEvent
    sentence: str
    language: str = "en"


def render(format: str, change: Change) -> bytes:
    """The body for one webhook format."""
    if format == SLACK:
        return msgspec.json.encode(slack_message(change))
    if format == TEAMS:
        return msgspec.json.encode(teams_message(change))
    if format == GENERIC:
        return msgspec.json.encode(generic_payload(change))
    raise ValueError(f"unknown webhook format {format!r}")


def event_type(event: IntegrationEvent) -> str:
    """``Objective.CheckInMade``: the name subscriptions use."""
    return f"{event.aggregate}.{event.event}"


def slack_message(change: Change) -> dict[str, Any]:
    text = _shortened(change.sentence, _SLACK_TEXT_MAX)
    context = f"okr-es · {event_type(change.event)} · #{change.event.position}"
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escaped(text)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }


def teams_message(change: Change) -> dict[str, Any]:
    nb = change.language == "nb"
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": [
            {
                "type": "TextBlock",
                "text": "Endring i OKR-ene" if nb else "OKR change",
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": change.sentence, "wrap": True},
            {
                "type": "FactSet",
                "facts": [
                    {"title": "Hendelse" if nb else "Event", "value": event_type(change.event)},
                    {
                        "title": "Registrert" if nb else "Recorded",
                        "value": change.event.recorded_at.isoformat(timespec="seconds"),
                    },
                ],
            },
        ],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }


def generic_payload(change: Change) -> dict[str, Any]:
    event = change.event
    return {
        "type": event_type(event),
        "timestamp": event.recorded_at.isoformat().replace("+00:00", "Z"),
        "data": {
            **msgspec.to_builtins(event),
            "sentence": change.sentence,
            "language": change.language,
        },
    }


def fallback_sentence(event: IntegrationEvent, language: str = "en") -> str:
    """Words for a change the change timeline has no sentence for."""
    shown = ", ".join(f"{k}={v}" for k, v in event.data.items() if v not in (None, "", [], {}))
    head = (
        f"{event_type(event)} (posisjon {event.position})"
        if language == "nb"
        else f"{event_type(event)} (position {event.position})"
    )
    return f"{head}: {shown}" if shown else head


def _slack_escaped(text: str) -> str:
    # The three characters Slack's mrkdwn reads as markup of its own.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
