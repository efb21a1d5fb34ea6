"""Webhook endpoints (admin): subscribe, pause, resume, remove, re-drive dead letters;
and the links of Slack users to members, for check-ins from Slack."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import POSITION_HEADER, command_response
from okr_es.api.schemas import Body, CommandResponse


class WebhookCreate(Body):
    organization_id: UUID
    url: str
    format: str
    event_types: list[str]
    unit_ids: list[UUID] = msgspec.field(default_factory=list)
    label: str = ""


class WebhookCreated(CommandResponse, kw_only=True):
    """A subscribed webhook. ``secret`` (generic format only) is shown this once."""

    secret: str | None


class SlackUserLink(Body):
    member_id: UUID
    slack_team_id: str
    slack_user_id: str


class SlackUserUnlink(Body):
    slack_team_id: str
    slack_user_id: str


class WebhookCommands(Controller):
    path = "/webhooks"
    tags = ["webhooks"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def subscribe_webhook(
        self, data: JSONBody[WebhookCreate], okr: Okr, principal: Actor
    ) -> Response[WebhookCreated]:
        """Subscribe a URL to the organisation's changes (admin). Formats: ``slack``,
        ``teams``, ``generic`` (signed; its secret is in this answer only)."""
        access.administer(okr, principal, data.organization_id)
        result = okr.subscribe_webhook(by=principal.member_id, **msgspec.structs.asdict(data))
        body = WebhookCreated(
            position=result.position,
            ids=result.ids,
            warnings=result.warnings,
            secret=result.secret,
        )
        return Response(body, status_code=201, headers={POSITION_HEADER: str(result.position)})

    @post("/{webhook_id:uuid}/pause", status_code=200, sync_to_thread=True)
    def pause_webhook(
        self, webhook_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Stop sending to the webhook for now; changes meanwhile are not sent later."""
        access.webhook(okr, principal, webhook_id)
        return command_response(okr.pause_webhook(webhook_id=webhook_id, by=principal.member_id))

    @post("/{webhook_id:uuid}/resume", status_code=200, sync_to_thread=True)
    def resume_webhook(
        self, webhook_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Send to a paused webhook again, from the next change on."""
        access.webhook(okr, principal, webhook_id)
        return command_response(okr.resume_webhook(webhook_id=webhook_id, by=principal.member_id))

    @post("/{webhook_id:uuid}/remove", status_code=200, sync_to_thread=True)
    def remove_webhook(
        self, webhook_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Remove the webhook for good; deliveries still pending are dropped."""
        access.webhook(okr, principal, webhook_id)
        return command_response(okr.remove_webhook(webhook_id=webhook_id, by=principal.member_id))

    @post("/{webhook_id:uuid}/redrive", status_code=200, sync_to_thread=True)
    def redrive_webhook(
        self, webhook_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Try the webhook's dead-lettered deliveries again, from their first attempt."""
        access.webhook(okr, principal, webhook_id)
        return command_response(okr.redrive_webhook(webhook_id=webhook_id, by=principal.member_id))


class SlackUserCommands(Controller):
    path = "/organizations/{organization_id:uuid}/slack-users"
    tags = ["webhooks"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def link_slack_user(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[SlackUserLink],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Link a Slack user (workspace id ``T…``, user id ``U…``) to a member, so that
        member can check in from Slack (the member, or an admin)."""
        access.tokens_of(okr, principal, organization_id, data.member_id)
        result = okr.link_slack_user(
            organization_id=organization_id,
            by=principal.member_id,
            **msgspec.structs.asdict(data),
        )
        return command_response(result, 201)

    @post("/unlink", status_code=200, sync_to_thread=True)
    def unlink_slack_user(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[SlackUserUnlink],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Forget which member a Slack user is (admin)."""
        access.administer(okr, principal, organization_id)
        result = okr.unlink_slack_user(
            organization_id=organization_id,
            by=principal.member_id,
            **msgspec.structs.asdict(data),
        )
        return command_response(result)
