"""Reading the reminders read model: effective policies per unit and reminders sent."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from okr_es.aggregates.reminders import ReminderPolicy
from okr_es.projections.queries import Views, units
from okr_es.projections.reminders import DEFAULT_UNIT

_policy = msgspec.json.Decoder(ReminderPolicy)


class EffectivePolicy(msgspec.Struct, frozen=True):
    """A unit's reminder policy, and where it comes from (its own unit, an ancestor, or
    the organisation's default: ``from_unit_id`` None)."""

    policy: ReminderPolicy
    from_unit_id: str | None


class ReminderSentRow(msgspec.Struct, frozen=True):
    position: int
    reminder_id: str
    organization_id: str
    unit_id: str
    member_id: str
    cycle_id: str
    period: str
    due_at: str
    key_result_ids: str
    escalated: int
    escalated_to: str
    missed_periods: int
    recorded_at: str


def effective_policies(views: Views, org: str) -> dict[str, EffectivePolicy]:
    """Per unit of the organisation (and '' for the default), the policy it follows;
    units that follow none are left out."""
    rows = views.query(
        "SELECT unit_id, policy FROM rm_reminder_policies WHERE organization_id = :org",
        {"org": org},
    )
    own = {str(unit): _policy.decode(policy) for unit, policy in rows}
    found: dict[str, EffectivePolicy] = {}
    if DEFAULT_UNIT in own:
        found[DEFAULT_UNIT] = EffectivePolicy(own[DEFAULT_UNIT], None)
    parents = {u.unit_id: u.parent_id for u in units(views, org)}
    for unit_id in parents:
        candidate: str | None = unit_id
        while candidate is not None and candidate not in own:
            candidate = parents.get(candidate)
        if candidate is not None:
            found[unit_id] = EffectivePolicy(own[candidate], candidate)
        elif DEFAULT_UNIT in own:
            found[unit_id] = found[DEFAULT_UNIT]
    return found


def reminders_sent(
    views: Views,
    org: str,
    *,
    unit_ids: Sequence[str] = (),
    member_id: str | None = None,
    limit: int = 100,
) -> list[ReminderSentRow]:
    """Reminders sent in the organisation, latest first (only to the units / member)."""
    where = ["organization_id = :org"]
    params: dict[str, object] = {"org": org, "limit": limit}
    if unit_ids:
        marks = ", ".join(f":u{i}" for i in range(len(unit_ids)))
        where.append(f"unit_id IN ({marks})")
        params.update({f"u{i}": u for i, u in enumerate(unit_ids)})
    if member_id is not None:
        where.append("member_id = :member")
        params["member"] = member_id
    names = ", ".join(f.name for f in msgspec.structs.fields(ReminderSentRow))
    rows = views.query(
        f"SELECT {names} FROM rm_reminders_sent WHERE {' AND '.join(where)} "
        "ORDER BY position DESC LIMIT :limit",
        params,
    )
    return [ReminderSentRow(*r) for r in rows]
