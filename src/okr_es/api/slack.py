"""Check-ins from Slack: the slash command ``/okr checkin …`` and the check-in modal.

Slack signs every request with the app's signing secret (``OKR_ES_SLACK_SIGNING_SECRET``):
a missing or wrong signature, or one made more than 5 minutes ago (a replay), is refused
with 401 before anything is read or written. The Slack user must be linked to a member
(``POST /api/v1/organizations/{id}/slack-users``); the check-in is then that member's,
through the same ``check_in`` command, rules and permissions as over the REST API.
Answers are in Slack's format (an ephemeral message; for a modal, a ``response_action``).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

import anyio.to_thread
from litestar import Request, Response, Router, post

from okr_es.access_tokens import Principal
from okr_es.aggregates.organization import Organization
from okr_es.api import access
from okr_es.api.dependencies import STATE_KEY
from okr_es.application import OKRApplication
from okr_es.errors import NotFound, OKRError
from okr_es.webhooks import slack_commands as slack
from okr_es.webhooks.signing import InvalidSignature, verify_slack

PATH = "/api/v1/integrations/slack"


@post("/commands", status_code=200, include_in_schema=False)
async def slash_command(request: Request[Any, Any, Any]) -> Response[Any]:
    """``/okr checkin <key result> <value> [status] [comment]``."""
    form = await _verified_form(request)
    if isinstance(form, Response):
        return form
    field = {k: v[0] for k, v in form.items() if v}
    try:
        wanted = slack.parse_command(field.get("text", ""))
    except slack.Unreadable as e:
        return Response(slack.reply(str(e)))
    answer = await anyio.to_thread.run_sync(
        _check_in, request, field.get("team_id", ""), field.get("user_id", ""), wanted
    )
    return Response(answer if isinstance(answer, dict) else slack.reply(answer))


@post("/interactions", status_code=200, include_in_schema=False)
async def interaction(request: Request[Any, Any, Any]) -> Response[Any]:
    """A submitted check-in modal (``view_submission``); other interactions are acknowledged."""
    form = await _verified_form(request)
    if isinstance(form, Response):
        return form
    try:
        payload = json.loads(form.get("payload", ["{}"])[0])
    except ValueError:
        return Response({"error": "payload is not JSON"}, status_code=400)
    if not isinstance(payload, dict) or payload.get("type") != "view_submission":
        return Response(None)
    try:
        wanted = slack.parse_submission(payload)
    except slack.Unreadable as e:
        return Response({"response_action": "errors", "errors": {"value": str(e)}})
    user = payload.get("user") or {}
    team = (payload.get("team") or {}).get("id") or user.get("team_id") or ""
    answer = await anyio.to_thread.run_sync(
        _check_in, request, str(team), str(user.get("id") or ""), wanted
    )
    if isinstance(answer, dict):
        return Response({"response_action": "clear"})
    return Response({"response_action": "errors", "errors": {"value": answer}})


async def _verified_form(request: Request[Any, Any, Any]) -> dict[str, list[str]] | Response[Any]:
    okr: OKRApplication = request.app.state[STATE_KEY]
    secret = okr.settings.slack_signing_secret
    if secret is None:
        return _problem(404, "slack-not-configured", "Slack check-ins are not set up here")
    body = await request.body()
    try:
        verify_slack(
            secret,
            request.headers.get("x-slack-request-timestamp"),
            request.headers.get("x-slack-signature"),
            body,
            time.time(),
        )
    except InvalidSignature as e:
        return _problem(401, "invalid-signature", str(e))
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _check_in(
    request: Request[Any, Any, Any], team_id: str, user_id: str, wanted: slack.CheckInRequest
) -> dict[str, Any] | str:
    """The check-in, as the linked member; a dict to show on success, else why not."""
    okr: OKRApplication = request.app.state[STATE_KEY]
    try:
        link = okr.slack_link(team_id, user_id)
    except OKRError:
        link = None
    if link is None or not link.linked:
        return (
            f"Slack-brukeren din er ikke koblet til okr-es / your Slack user is not linked "
            f"to okr-es: ask an admin to link {user_id} (workspace {team_id})."
        )
    org = okr.read_aggregate(Organization, link.organization_id)
    principal = Principal(
        organization_id=org.id,
        member_id=link.member_id,
        roles=tuple(org.members[link.member_id].grants),
    )
    read_models = request.app.state["projections"]
    # A key result made a moment ago is found too (bounded, like read-your-writes).
    read_models.wait_for(okr.position(), okr.settings.read_your_writes_timeout)
    views = read_models.runner.views
    found = slack.key_result(views, str(org.id), wanted.ref)
    if found is None:
        return f"Fant ikke / no key result `{wanted.ref}`."
    if isinstance(found, list):
        return "Flere treff / several key results: " + "; ".join(found) + ". Give more of the id."
    status = wanted.status or found.reported_status
    if status is None:
        return "Oppgi status / give a status: green, yellow or red (grønn, gul, rød)."
    try:
        access.objective(okr, principal, UUID(found.objective_id))
        result = okr.check_in(
            objective_id=found.objective_id,
            key_result_id=found.key_result_id,
            value=wanted.value,
            status=status,
            comment=wanted.comment,
            by=link.member_id,
        )
    except NotFound:
        return f"Fant ikke / no key result `{wanted.ref}`."
    except OKRError as e:
        return f"Ikke registrert / not checked in: {e.message}"
    return slack.checked_in(found.title, wanted.value, status, result.position)


def _problem(status: int, code: str, detail: str) -> Response[Any]:
    return Response(
        {"type": "about:blank", "title": detail, "status": status, "code": code},
        status_code=status,
        media_type="application/problem+json",
    )


slack_router = Router(path=PATH, route_handlers=[slash_command, interaction])
