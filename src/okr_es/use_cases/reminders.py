"""Use cases of check-in reminders: the organisation's default and the units' policies,
and recording a reminder as sent (at most once per unit, member and period)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError

from okr_es.aggregates import validation as check
from okr_es.aggregates.reminders import (
    Reminder,
    ReminderPolicy,
    ReminderSettings,
    reminder_id,
    reminder_settings_id,
)
from okr_es.errors import Conflict, InvalidInput
from okr_es.use_cases.machinery import CommandResult, project_events
from okr_es.use_cases.reads import AggregateReads

S = TypeVar("S", ReminderSettings, Reminder)
POLICY_FIELDS: frozenset[str] = frozenset(f.name for f in msgspec.structs.fields(ReminderPolicy))
_HH_MM = re.compile(r"\d{2}:\d{2}")
_AT = re.compile(r"at `\$\.?([^`]*)`")


class ReminderCommands(AggregateReads):
    """Set reminder policies; record reminders sent."""

    def set_reminder_default(
        self, *, organization_id: Any, by: Any, policy: Mapping[str, Any]
    ) -> CommandResult:
        """Set the organisation's default reminder policy (every unit without one of its
        own follows it). Omitted fields take their defaults: weekly on Monday at 09:00
        Europe/Oslo, skip owners who checked in within 6 days, escalate to the unit's
        leads after 2 missed periods, no holidays. Until a default or a unit policy is
        set, the organisation gets no reminders."""
        chosen = policy_of(policy)
        org, actor = self._organization_and_actor(organization_id, by)
        settings = self._settings_or_new(org.id, actor)
        settings.change_default(policy=chosen, by=actor)
        return self._saved(settings, expected=settings)

    def set_unit_reminder_policy(
        self, *, organization_id: Any, unit_id: Any, by: Any, policy: Mapping[str, Any]
    ) -> CommandResult:
        """Give a unit (and its sub-units without their own) its own reminder policy;
        fields as for ``set_reminder_default``."""
        chosen = policy_of(policy)
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.active_unit(check.identifier(unit_id, "unit_id"))
        settings = self._settings_or_new(org.id, actor)
        settings.set_unit_policy(unit_id=unit.id, policy=chosen, by=actor)
        return self._saved(settings, expected=settings)

    def clear_unit_reminder_policy(
        self, *, organization_id: Any, unit_id: Any, by: Any
    ) -> CommandResult:
        """Let a unit follow its parent's or the organisation's reminder policy again."""
        org, actor = self._organization_and_actor(organization_id, by)
        unit = org.unit(check.identifier(unit_id, "unit_id"))
        settings = self._settings_or_new(org.id, actor)
        settings.clear_unit_policy(unit_id=unit.id, by=actor)
        return self._saved(settings, expected=settings)

    def record_reminder(
        self,
        *,
        organization_id: UUID,
        unit_id: UUID,
        member_id: UUID,
        cycle_id: UUID,
        period: date,
        due_at: datetime,
        key_result_ids: list[UUID],
        escalated_to: list[UUID],
        missed_periods: int,
        helped_within_days: int,
    ) -> CommandResult | None:
        """Record a reminder as sent; None when it was recorded before (by this process
        before a restart, or by another scheduler): the store refuses a second one."""
        reminder = Reminder.send(
            organization_id=organization_id,
            unit_id=unit_id,
            member_id=member_id,
            cycle_id=cycle_id,
            period=period,
            due_at=due_at,
            key_result_ids=key_result_ids,
            escalated_to=escalated_to,
            missed_periods=missed_periods,
            helped_within_days=helped_within_days,
        )
        try:
            return self._saved(reminder)
        except Conflict:
            return None

    def reminder_settings(self, organization_id: UUID) -> ReminderSettings | None:
        """The organisation's reminder settings as stored now (None: never set)."""
        return self._stored(ReminderSettings, reminder_settings_id(organization_id))

    def sent_reminder(self, unit_id: UUID, member_id: UUID, period: date) -> Reminder | None:
        """The reminder sent to the member of the unit for the period, if one was."""
        return self._stored(Reminder, reminder_id(unit_id, member_id, period))

    def _settings_or_new(self, organization_id: UUID, actor: UUID) -> ReminderSettings:
        settings = self._stored(ReminderSettings, reminder_settings_id(organization_id))
        return settings or ReminderSettings.start(organization_id=organization_id, by=actor)

    def _stored(self, cls: type[S], aggregate_id: UUID) -> S | None:
        try:
            found = self.repository.get(aggregate_id, projector_func=project_events)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None


def policy_of(values: Mapping[str, Any]) -> ReminderPolicy:
    """A policy from plain values (as JSON gives them); omitted or null fields take their
    defaults."""
    if not isinstance(values, Mapping):
        raise InvalidInput("the policy must be an object", field="policy")
    unknown = sorted(set(values) - POLICY_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown policy field {unknown[0]}", field=unknown[0])
    given = {k: v for k, v in values.items() if v is not None}
    clock = given.get("time_of_day")
    if isinstance(clock, str) and _HH_MM.fullmatch(clock.strip()):
        given["time_of_day"] = clock.strip() + ":00"
    try:
        return msgspec.convert(given, ReminderPolicy)
    except msgspec.ValidationError as e:
        found = _AT.search(str(e))
        field = found.group(1) if found else None
        raise InvalidInput(str(e).split(" - at ")[0], field=field or None) from None
