"""A webhook subscription: where an organisation wants its changes sent, and in what form.

One aggregate per subscription. Its URL and signing secret are secrets (a Slack or Teams
URL carries its own token): they are stored in the event log, which only okr-es reads, and
every place that shows events masks them (see :data:`SECRET_FIELDS`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import InvalidInput, RuleViolation

ACTIVE, PAUSED, REMOVED = "active", "paused", "removed"
SLACK, TEAMS, GENERIC = "slack", "teams", "generic"
FORMATS = (SLACK, TEAMS, GENERIC)
# Event fields never shown as stored: event listings, the audit export and GraphQL mask them.
SECRET_FIELDS = frozenset({"target_url", "signing_secret"})
URL_MAX = 2000
MAX_EVENT_TYPES = 100
MAX_UNITS = 100
# The aggregates whose events a webhook may subscribe to (their event classes, by name).
SUBSCRIBABLE_AGGREGATES = ("Organization", "Cycle", "TeamCycle", "Objective", "Initiative", "Kpi")


class Webhook(OKRAggregate):
    """Where to send an organisation's changes, which ones, in which format."""

    class WebhookSubscribed(OKRAggregate.Created):
        """An admin subscribed a URL to the organisation's changes."""

        organization_id: UUID
        label: str
        target_url: str
        format: str
        event_types: list[str]
        unit_ids: list[UUID]
        signing_secret: str

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.label = self.label
            aggregate.target_url = self.target_url
            aggregate.format = self.format
            aggregate.event_types = tuple(self.event_types)
            aggregate.unit_ids = tuple(self.unit_ids)
            aggregate.signing_secret = self.signing_secret
            aggregate.status = ACTIVE
            aggregate.redriven = 0

    class WebhookPaused(OKRAggregate.Event):
        """Deliveries to the webhook were paused; changes meanwhile are not sent."""

        def apply(self, aggregate: Any) -> None:
            aggregate.status = PAUSED

    class WebhookResumed(OKRAggregate.Event):
        """Deliveries to a paused webhook resumed."""

        def apply(self, aggregate: Any) -> None:
            aggregate.status = ACTIVE

    class WebhookRemoved(OKRAggregate.Event):
        """The webhook was removed for good."""

        def apply(self, aggregate: Any) -> None:
            aggregate.status = REMOVED

    class WebhookRedriven(OKRAggregate.Event):
        """An admin asked for the webhook's dead-lettered deliveries to be tried again."""

        def apply(self, aggregate: Any) -> None:
            aggregate.redriven += 1

    if TYPE_CHECKING:
        organization_id: UUID
        label: str
        target_url: str
        format: str
        event_types: tuple[str, ...]
        unit_ids: tuple[UUID, ...]
        signing_secret: str
        status: str
        redriven: int

    @classmethod
    def subscribe(
        cls,
        *,
        webhook_id: UUID,
        organization_id: UUID,
        label: Any,
        url: Any,
        format: Any,
        event_types: Any,
        unit_ids: Sequence[UUID],
        signing_secret: str,
        allow_http_hosts: Collection[str],
        known_event_types: Collection[str],
        by: UUID,
    ) -> Webhook:
        """Subscribe ``url``; the caller has checked the units belong to the organisation
        and generated the secret (empty for Slack and Teams, whose URL is the secret)."""
        chosen = check.choice(format, "format", FORMATS)
        if len(set(unit_ids)) > MAX_UNITS:
            raise InvalidInput(f"at most {MAX_UNITS} units", code="out-of-range", field="unit_ids")
        return cls._create(
            cls.WebhookSubscribed,
            id=webhook_id,
            organization_id=organization_id,
            label=check.line(label, "label", required=False),
            target_url=valid_url(url, allow_http_hosts),
            format=chosen,
            event_types=list(valid_event_types(event_types, known_event_types)),
            unit_ids=list(dict.fromkeys(unit_ids)),
            signing_secret=signing_secret,
            by=by,
        )

    def pause(self, *, by: UUID) -> None:
        self._check_not_removed()
        if self.status == PAUSED:
            raise RuleViolation("the webhook is already paused", code="no-change")
        self.trigger_event(self.WebhookPaused, by=by)

    def resume(self, *, by: UUID) -> None:
        self._check_not_removed()
        if self.status == ACTIVE:
            raise RuleViolation("the webhook is not paused", code="no-change")
        self.trigger_event(self.WebhookResumed, by=by)

    def remove(self, *, by: UUID) -> None:
        self._check_not_removed()
        self.trigger_event(self.WebhookRemoved, by=by)

    def redrive(self, *, by: UUID) -> None:
        self._check_not_removed()
        self.trigger_event(self.WebhookRedriven, by=by)

    def _check_not_removed(self) -> None:
        if self.status == REMOVED:
            raise RuleViolation("the webhook was removed", code="webhook-removed")


def valid_url(value: Any, allow_http_hosts: Collection[str]) -> str:
    """An absolute https URL without credentials (http only to the allow-listed hosts)."""
    url = check.line(value, "url", max_length=URL_MAX)
    if any(c.isspace() for c in url):
        raise InvalidInput("a URL holds no spaces", code="invalid-url", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").lower()
    except ValueError:
        raise InvalidInput("the URL cannot be read", code="invalid-url", field="url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidInput("only https URLs can receive webhooks", code="invalid-url", field="url")
    if not host:
        raise InvalidInput("the URL names no host", code="invalid-url", field="url")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(
            "a webhook URL carries no user name or password", code="url-credentials", field="url"
        )
    if parts.fragment:
        raise InvalidInput("a webhook URL has no #fragment", code="invalid-url", field="url")
    if scheme == "http" and host not in {h.lower() for h in allow_http_hosts}:
        raise InvalidInput(
            "webhooks are sent over https only (http only to the hosts in "
            "OKR_ES_WEBHOOK_ALLOW_HTTP_HOSTS)",
            code="insecure-url",
            field="url",
        )
    del port  # read only so that a malformed port is refused here
    return url


def valid_event_types(value: Any, known: Collection[str]) -> tuple[str, ...]:
    """``Aggregate.EventName``, ``Aggregate.*`` or ``*``; at least one, each known."""
    if not isinstance(value, (list, tuple)) or not value:
        raise InvalidInput(
            "event_types lists at least one event type, e.g. Objective.CheckInMade",
            code="empty",
            field="event_types",
        )
    if len(value) > MAX_EVENT_TYPES:
        raise InvalidInput(
            f"at most {MAX_EVENT_TYPES} event types", code="out-of-range", field="event_types"
        )
    chosen: list[str] = []
    for index, item in enumerate(value):
        field = f"event_types[{index}]"
        name = check.line(item, field, max_length=100)
        aggregate, _, _ = name.partition(".")
        if (
            name != "*"
            and name not in known
            and not (name.endswith(".*") and aggregate in SUBSCRIBABLE_AGGREGATES)
        ):
            raise InvalidInput(
                f"unknown event type {name!r} (e.g. Objective.CheckInMade, Objective.*, *)",
                code="invalid-choice",
                field=field,
            )
        chosen.append(name)
    return tuple(dict.fromkeys(chosen))


def masked_url(url: str) -> str:
    """What may be shown of a webhook URL: scheme and host; the path may hold a token."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    shown = f"{parts.scheme}://{parts.hostname}{port}/"
    return shown if parts.path in ("", "/") and not parts.query else shown + "…"


def subscribes_to(event_types: Collection[str], aggregate: str, event: str) -> bool:
    return (
        "*" in event_types
        or f"{aggregate}.*" in event_types
        or (f"{aggregate}.{event}" in event_types)
    )


def known_event_types() -> frozenset[str]:
    """``Aggregate.EventName`` of every event a webhook may subscribe to."""
    from okr_es.aggregates.cycle import Cycle
    from okr_es.aggregates.initiative import Initiative
    from okr_es.aggregates.kpi import Kpi
    from okr_es.aggregates.objective import Objective
    from okr_es.aggregates.organization import Organization
    from okr_es.aggregates.team_cycle import TeamCycle

    names: set[str] = set()
    for cls in (Organization, Cycle, TeamCycle, Objective, Initiative, Kpi):
        for name, value in vars(cls).items():
            if isinstance(value, type) and issubclass(value, OKRAggregate.Event):
                names.add(f"{cls.__name__}.{name}")
    return frozenset(names)
