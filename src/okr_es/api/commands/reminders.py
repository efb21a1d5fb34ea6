"""Check-in reminder policies: the organisation's default and a unit's own (admins)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import Body, CommandResponse


class HolidayBody(Body):
    start: str
    end: str
    label: str = ""


class ReminderPolicyBody(Body):
    """A reminder policy; omitted fields take their defaults (see docs/rhythm.md)."""

    enabled: bool | None = None
    cadence: str | None = None
    weekday: str | None = None
    day_of_month: int | None = None
    time_of_day: str | None = None
    time_zone: str | None = None
    skip_if_checked_in_within_days: int | None = None
    skip_scope: str | None = None
    escalate_after_missed: int | None = None
    helped_within_days: int | None = None
    holidays: list[HolidayBody] | None = None


def _policy(data: ReminderPolicyBody) -> dict[str, Any]:
    return msgspec.to_builtins(data)  # type: ignore[no-any-return]


class ReminderCommands(Controller):
    path = "/organizations/{organization_id:uuid}"
    tags = ["reminders"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/reminder-policy", status_code=200, sync_to_thread=True)
    def set_reminder_default(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[ReminderPolicyBody],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Set the organisation's default check-in reminder policy (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.set_reminder_default(
                organization_id=organization_id, by=principal.member_id, policy=_policy(data)
            )
        )

    @post("/units/{unit_id:uuid}/reminder-policy", status_code=200, sync_to_thread=True)
    def set_unit_reminder_policy(
        self,
        organization_id: FromPath[UUID],
        unit_id: FromPath[UUID],
        data: JSONBody[ReminderPolicyBody],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Give a unit and its sub-units their own check-in reminder policy (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.set_unit_reminder_policy(
                organization_id=organization_id,
                unit_id=unit_id,
                by=principal.member_id,
                policy=_policy(data),
            )
        )

    @post("/units/{unit_id:uuid}/reminder-policy/clear", status_code=200, sync_to_thread=True)
    def clear_unit_reminder_policy(
        self, organization_id: FromPath[UUID], unit_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Let a unit follow its parent's or the organisation's reminder policy (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.clear_unit_reminder_policy(
                organization_id=organization_id, unit_id=unit_id, by=principal.member_id
            )
        )
