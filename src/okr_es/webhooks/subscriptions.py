"""Which webhooks want which changes: the subscriptions as the delivery needs them.

Read from the store (the Webhook aggregates, with their URL and secret) when the delivery
starts, and again for one webhook whenever one of its events passes by, so a pause, a
resume or a removal counts from that point of the log on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from okr_es.aggregates.webhook import (
    ACTIVE,
    PAUSED,
    REMOVED,
    Webhook,
    masked_url,
    subscribes_to,
)
from okr_es.application import OKRApplication


class Subscription(msgspec.Struct, frozen=True):
    webhook_id: UUID
    organization_id: UUID
    url: str
    format: str
    event_types: tuple[str, ...]
    unit_ids: tuple[UUID, ...]
    secret: str
    status: str
    # The log position of its subscription: earlier changes are never sent to it.
    since: int

    def __repr__(self) -> str:
        # Never the URL's token or the secret, also not in a traceback or a log line.
        return f"Subscription({self.webhook_id}, {self.format}, {masked_url(self.url)})"

    __str__ = __repr__

    def wants(self, organization_id: UUID, aggregate: str, event: str) -> bool:
        return (
            self.status == ACTIVE
            and organization_id == self.organization_id
            and subscribes_to(self.event_types, aggregate, event)
        )

    def wants_unit(self, unit_id: UUID | None) -> bool:
        """No unit filter: every change; with one: changes of those units only."""
        return not self.unit_ids or (unit_id is not None and unit_id in self.unit_ids)


def subscription(webhook: Webhook, since: int) -> Subscription:
    return Subscription(
        webhook_id=webhook.id,
        organization_id=webhook.organization_id,
        url=webhook.target_url,
        format=webhook.format,
        event_types=tuple(webhook.event_types),
        unit_ids=tuple(webhook.unit_ids),
        secret=webhook.signing_secret,
        status=webhook.status,
        since=since,
    )


_STATUS_AFTER = {
    "WebhookSubscribed": ACTIVE,
    "WebhookPaused": PAUSED,
    "WebhookResumed": ACTIVE,
    "WebhookRemoved": REMOVED,
}


class Subscriptions:
    """Every webhook of every organisation, kept current from the log (thread-safe)."""

    def __init__(self, app: OKRApplication) -> None:
        self.app = app
        self._by_id: dict[UUID, Subscription] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        topic = get_topic(Webhook.WebhookSubscribed)
        for notification in self.app.all_notifications(topics=(topic,)):
            self.refresh(self.app.decode(notification).originator_id, notification.id)

    def refresh(self, webhook_id: UUID, position: int, event: str | None = None) -> Subscription:
        """Read the webhook again; ``position`` is where one of its events is in the log
        (the first one seen is its subscription). Its status is the one that ``event``
        (the webhook's event there) leaves, so the changes after it in the same batch are
        judged by the status they were made under, not by a later pause or resume."""
        webhook = self.app.read_aggregate(Webhook, webhook_id)
        with self._lock:
            known = self._by_id.get(webhook_id)
            found = subscription(webhook, known.since if known is not None else position)
            status = _STATUS_AFTER.get(event or "", known.status if known else found.status)
            found = msgspec.structs.replace(found, status=status)
            self._by_id[webhook_id] = found
        return found

    def get(self, webhook_id: UUID) -> Subscription | None:
        with self._lock:
            return self._by_id.get(webhook_id)

    def all(self) -> list[Subscription]:
        with self._lock:
            return list(self._by_id.values())

    def active_ids(self) -> list[str]:
        return [str(s.webhook_id) for s in self.all() if s.status == ACTIVE]

    def wanting(self, organization_id: UUID, aggregate: str, event: str) -> Iterable[Subscription]:
        return [s for s in self.all() if s.wants(organization_id, aggregate, event)]
