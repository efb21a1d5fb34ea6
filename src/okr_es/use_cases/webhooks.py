"""Use cases of integrations: webhook subscriptions and links of chat users to members."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

import msgspec
from eventsourcing.utils import get_topic

from okr_es.aggregates import validation as check
from okr_es.aggregates.chat_link import SLACK, ChatLink, chat_link_id
from okr_es.aggregates.webhook import GENERIC, Webhook, known_event_types
from okr_es.errors import InvalidInput, NotFound
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookCommands(AggregateReads):
    """Subscribe, pause, resume, remove and re-drive webhooks; link chat users."""

    def subscribe_webhook(
        self,
        *,
        organization_id: Any,
        url: Any,
        format: Any,
        event_types: Any,
        by: Any,
        unit_ids: Sequence[Any] = (),
        label: Any = "",
    ) -> CommandResult:
        """Subscribe a URL; a generic webhook's signing secret is in ``secret``, this once."""
        org, actor = self._organization_and_actor(organization_id, by)
        if not isinstance(unit_ids, (list, tuple)):
            raise InvalidInput("unit_ids is a list of ids", code="wrong-type", field="unit_ids")
        units = [org.unit(check.identifier(u, f"unit_ids[{i}]")).id for i, u in enumerate(unit_ids)]
        secret = new_signing_secret() if format == GENERIC else ""
        webhook_id = uuid4()
        webhook = Webhook.subscribe(
            webhook_id=webhook_id,
            organization_id=org.id,
            label=label,
            url=url,
            format=format,
            event_types=event_types,
            unit_ids=units,
            signing_secret=secret,
            allow_http_hosts=self.settings.webhook_allow_http_hosts,
            known_event_types=known_event_types(),
            by=actor,
        )
        result = self._saved(webhook, ids={"webhook_id": webhook_id})
        return msgspec.structs.replace(result, secret=secret or None)

    def pause_webhook(self, *, webhook_id: Any, by: Any) -> CommandResult:
        """Stop sending to the webhook for now (changes meanwhile are not sent later)."""
        webhook, actor = self._webhook_and_actor(webhook_id, by)
        webhook.pause(by=actor)
        return self._saved(webhook)

    def resume_webhook(self, *, webhook_id: Any, by: Any) -> CommandResult:
        """Send to a paused webhook again, from the next change on."""
        webhook, actor = self._webhook_and_actor(webhook_id, by)
        webhook.resume(by=actor)
        return self._saved(webhook)

    def remove_webhook(self, *, webhook_id: Any, by: Any) -> CommandResult:
        """Remove the webhook for good."""
        webhook, actor = self._webhook_and_actor(webhook_id, by)
        webhook.remove(by=actor)
        return self._saved(webhook)

    def redrive_webhook(self, *, webhook_id: Any, by: Any) -> CommandResult:
        """Try the webhook's dead-lettered deliveries again."""
        webhook, actor = self._webhook_and_actor(webhook_id, by)
        webhook.redrive(by=actor)
        return self._saved(webhook)

    def webhooks_of(self, organization_id: UUID) -> list[Webhook]:
        """The organisation's webhooks (removed ones too), oldest first."""
        found: list[Webhook] = []
        topic = get_topic(Webhook.WebhookSubscribed)
        for notification in self.all_notifications(topics=(topic,)):
            event = self.decode(notification)
            if getattr(event, "organization_id", None) == organization_id:
                found.append(self._get(Webhook, event.originator_id, copy=False))
        return found

    def link_slack_user(
        self,
        *,
        organization_id: Any,
        member_id: Any,
        slack_team_id: Any,
        slack_user_id: Any,
        by: Any,
    ) -> CommandResult:
        """Link a Slack user (workspace and user id) to a member, for chat check-ins."""
        org, actor = self._organization_and_actor(organization_id, by)
        member = org.member(check.identifier(member_id, "member_id"), field="member_id")
        team = check.line(slack_team_id, "slack_team_id", max_length=40)
        user = check.line(slack_user_id, "slack_user_id", max_length=40)
        link_id = chat_link_id(SLACK, team, user)
        try:
            link = self._get(ChatLink, link_id)
        except NotFound:
            link = ChatLink.link_user(
                organization_id=org.id, member_id=member.id, team_id=team, user_id=user, by=actor
            )
        else:
            link.relink(organization_id=org.id, member_id=member.id, by=actor)
        return self._saved(link, ids={"chat_link_id": link_id})

    def unlink_slack_user(
        self, *, organization_id: Any, slack_team_id: Any, slack_user_id: Any, by: Any
    ) -> CommandResult:
        """Forget which member a Slack user is."""
        org, actor = self._organization_and_actor(organization_id, by)
        link = self.slack_link(slack_team_id, slack_user_id, org.id)
        link.unlink(by=actor)
        return self._saved(link)

    def slack_link(
        self, team_id: Any, user_id: Any, organization_id: UUID | None = None
    ) -> ChatLink:
        """The (linked or unlinked) link of a Slack user; NotFound if none, or another
        organisation's when ``organization_id`` is given."""
        team = check.line(team_id, "slack_team_id", max_length=40)
        user = check.line(user_id, "slack_user_id", max_length=40)
        link = self._get(ChatLink, chat_link_id(SLACK, team, user), "slack_user_id")
        if organization_id is not None and link.organization_id != organization_id:
            raise NotFound("no such Slack user is linked", field="slack_user_id")
        return link

    def _webhook_and_actor(self, webhook_id: Any, by: Any) -> tuple[Webhook, UUID]:
        webhook = self._get(Webhook, check.identifier(webhook_id, "webhook_id"), "webhook_id")
        _, actor = self._organization_and_actor(webhook.organization_id, by)
        return webhook, actor
