# mypy: disable-error-code="untyped-decorator"
"""The root fields of webhooks (admins only): ``webhooks`` and ``webhook(id)``, each with
its delivery log; brought into the root ``Query`` as its base :class:`WebhookQuery`.

A webhook's URL is shown masked (its path may hold a token) and its signing secret never:
only whether it has one.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import anyio.to_thread
import strawberry

from okr_es import authorization as rule
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.webhook import Webhook as WebhookAggregate
from okr_es.aggregates.webhook import masked_url
from okr_es.api.graphql.types import Info
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.webhooks.store import Attempt, Delivery, delivery_log_of, instant

MAX_DELIVERIES = 200


@strawberry.type(description="One try to deliver a change: when, how long, the answer.")
class WebhookAttempt:
    attempt: int
    started_at: str
    duration_ms: float
    status_code: int | None = strawberry.field(description="None: no answer (see error).")
    error: str | None


@strawberry.type(description="One change to send to one webhook, and how it went.")
class WebhookDelivery:
    row: strawberry.Private[Delivery]

    @strawberry.field(description="Stable per change and webhook: the webhook-id header.")
    def id(self) -> str:
        return self.row.delivery_id

    @strawberry.field(description="The change's position in the event log.")
    def position(self) -> int:
        return self.row.position

    @strawberry.field(description="e.g. Objective.CheckInMade")
    def event_type(self) -> str:
        return self.row.event_type

    @strawberry.field(description="pending, delivered, dead (dead letter), dropped")
    def status(self) -> str:
        return self.row.status

    @strawberry.field(description="Attempts made in all.")
    def attempts(self) -> int:
        return self.row.attempts

    @strawberry.field(description="Failed attempts in a row (since the last re-drive).")
    def failures(self) -> int:
        return self.row.failures

    @strawberry.field
    def created_at(self) -> str:
        return self.row.created_at

    @strawberry.field(description="When a pending delivery is tried next.")
    def next_attempt_at(self) -> str | None:
        return instant(self.row.next_attempt_at) if self.row.status == "pending" else None

    @strawberry.field
    def last_status_code(self) -> int | None:
        return self.row.last_status_code

    @strawberry.field
    def last_error(self) -> str | None:
        return self.row.last_error

    @strawberry.field
    def delivered_at(self) -> str | None:
        return self.row.delivered_at

    @strawberry.field(description="Every attempt, first first.")
    async def attempt_log(self, info: Info) -> list[WebhookAttempt]:
        log = delivery_log_of(info.context.application)
        rows = await anyio.to_thread.run_sync(log.attempts, [self.row.delivery_id])
        return [_attempt(a) for a in rows]


@strawberry.type(description="A webhook subscription; its secrets are never shown.")
class Webhook:
    aggregate: strawberry.Private[WebhookAggregate]

    @strawberry.field
    def id(self) -> UUID:
        return self.aggregate.id

    @strawberry.field
    def label(self) -> str:
        return self.aggregate.label

    @strawberry.field(description="Scheme and host only: the rest may hold a token.")
    def url(self) -> str:
        return masked_url(self.aggregate.target_url)

    @strawberry.field(description="slack, teams or generic")
    def format(self) -> str:
        return self.aggregate.format

    @strawberry.field
    def event_types(self) -> list[str]:
        return list(self.aggregate.event_types)

    @strawberry.field(description="Only these units' changes; empty: all.")
    def unit_ids(self) -> list[UUID]:
        return list(self.aggregate.unit_ids)

    @strawberry.field(description="active, paused or removed")
    def status(self) -> str:
        return self.aggregate.status

    @strawberry.field(description="Whether deliveries are signed (generic format).")
    def secret_set(self) -> bool:
        return bool(self.aggregate.signing_secret)

    @strawberry.field
    def subscribed_at(self) -> datetime:
        return self.aggregate.created_on

    @strawberry.field(description="Its deliveries, newest change first.")
    async def deliveries(
        self, info: Info, status: str | None = None, first: int = 50
    ) -> list[WebhookDelivery]:
        if not 1 <= first <= MAX_DELIVERIES:
            raise InvalidInput(f"first lies between 1 and {MAX_DELIVERIES}", field="first")
        log = delivery_log_of(info.context.application)
        rows = await anyio.to_thread.run_sync(
            lambda: log.deliveries(str(self.aggregate.id), status=status, limit=first)
        )
        return [WebhookDelivery(row=r) for r in rows]


@strawberry.type
class WebhookQuery:
    """The root fields of webhooks; a base of the root ``Query``."""

    @strawberry.field(description="The organisation's webhooks, oldest first (admins).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        found = await anyio.to_thread.run_sync(_webhooks, info)
        return [Webhook(aggregate=w) for w in found]

    @strawberry.field(description="One of the organisation's webhooks (admins).")
    async def webhook(self, info: Info, id: UUID) -> Webhook | None:
        found = await anyio.to_thread.run_sync(_webhook, info, id)
        return None if found is None else Webhook(aggregate=found)


def _admin(info: Info) -> OKRApplication:
    okr = info.context.application
    reader = info.context.reader
    org = okr.read_aggregate(Organization, reader.organization_id, fresh=False)
    rule.require(rule.may_administer(org, reader.member_id), "read the webhooks")
    return okr


def _webhooks(info: Info) -> list[WebhookAggregate]:
    return _admin(info).webhooks_of(info.context.reader.organization_id)


def _webhook(info: Info, webhook_id: UUID) -> WebhookAggregate | None:
    okr = _admin(info)
    try:
        found = okr.read_aggregate(WebhookAggregate, webhook_id)
    except NotFound:
        return None
    return found if found.organization_id == info.context.reader.organization_id else None


def _attempt(row: Attempt) -> WebhookAttempt:
    return WebhookAttempt(
        attempt=row.attempt,
        started_at=row.started_at,
        duration_ms=row.duration_ms,
        status_code=row.status_code,
        error=row.error,
    )
