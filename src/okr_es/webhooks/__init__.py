"""Webhooks: outbound notifications of an organisation's changes (Slack, Microsoft Teams,
signed JSON per Standard Webhooks) and inbound check-ins from Slack (docs/rhythm.md).

``formats`` and ``signing`` are pure; ``store`` keeps the delivery log; ``subscriptions``
knows who wants what; ``delivery`` sends with retries and dead letters; ``sources`` feeds it
from JetStream (distributed) or the event log in-process (embedded); ``service`` puts them
together as one runnable service (``WebhookService``: ``name``, ``async run()``);
``slack_commands`` reads Slack check-ins (the endpoints are in ``api/slack.py``).
"""
