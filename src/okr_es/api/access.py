"""Guards for the command endpoints: find what a command targets, then ask authorization.

Another organisation's ids answer exactly like ids that do not exist (404), so a request
never learns what other organisations hold. Guards read this process's cached state: the
organisation was refreshed by the request's authentication, and a target changed by
another process a moment ago is at worst judged by its previous owner and unit. The
decision itself is made by the pure functions in :mod:`okr_es.authorization`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from okr_es import authorization as rule
from okr_es.access_tokens import Principal
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.webhook import Webhook
from okr_es.application import OKRApplication
from okr_es.errors import NotFound

A = TypeVar("A", bound=OKRAggregate)


def organization(
    okr: OKRApplication,
    principal: Principal,
    organization_id: UUID,
    having: Callable[[Organization], object] = lambda _: None,
) -> Organization:
    """The principal's own organisation, when that is the one named; 404 otherwise.
    ``having`` looks up what the request names in it (a unit, member or token another
    process may have created a moment ago: read from the store again before a 404)."""
    if organization_id != principal.organization_id:
        raise NotFound(f"no Organization {organization_id}", field="organization_id")
    # The request's authentication has just brought this organisation up to date.
    return okr.read_aggregate_having(Organization, organization_id, having)


def administer(okr: OKRApplication, principal: Principal, organization_id: UUID) -> None:
    org = organization(okr, principal, organization_id)
    rule.require(rule.may_administer(org, principal.member_id), "change the organisation")


def unit_content(
    okr: OKRApplication, principal: Principal, organization_id: UUID, unit_id: UUID
) -> None:
    """Write OKR content (objectives, initiatives, KPIs, reflections) of a unit."""
    org = organization(okr, principal, organization_id, lambda o: o.unit(unit_id))
    rule.require(rule.may_write_okrs(org, principal.member_id, unit_id), "write OKRs of this unit")


def objective(okr: OKRApplication, principal: Principal, objective_id: UUID) -> None:
    target = _owned(okr, principal, Objective, objective_id, "objective_id")
    org = okr.read_aggregate(Organization, target.organization_id, fresh=False)
    rule.require(
        rule.may_write_okrs(org, principal.member_id, target.unit_id, target.owner_id),
        "change this objective",
    )


def initiative(okr: OKRApplication, principal: Principal, initiative_id: UUID) -> None:
    target = _owned(okr, principal, Initiative, initiative_id, "initiative_id")
    org = okr.read_aggregate(Organization, target.organization_id, fresh=False)
    rule.require(
        rule.may_write_okrs(org, principal.member_id, target.unit_id, target.owner_id),
        "change this initiative",
    )


def kpi(okr: OKRApplication, principal: Principal, kpi_id: UUID) -> None:
    target = _owned(okr, principal, Kpi, kpi_id, "kpi_id")
    org = okr.read_aggregate(Organization, target.organization_id, fresh=False)
    rule.require(rule.may_write_okrs(org, principal.member_id, target.unit_id), "change this KPI")


def meeting(
    okr: OKRApplication, principal: Principal, meeting_id: UUID, priority_id: UUID | None = None
) -> None:
    """A unit's meeting: the unit's writers; for a priority, its owner too."""
    target = _owned(okr, principal, Meeting, meeting_id, "meeting_id")
    org = okr.read_aggregate(Organization, target.organization_id, fresh=False)
    agreed = None if priority_id is None else target.priorities.get(priority_id)
    owner = None if agreed is None else agreed.owner_id
    rule.require(
        rule.may_write_okrs(org, principal.member_id, target.unit_id, owner),
        "change this meeting",
    )


def cycle(okr: OKRApplication, principal: Principal, cycle_id: UUID) -> None:
    target = _owned(okr, principal, Cycle, cycle_id, "cycle_id")
    administer(okr, principal, target.organization_id)


def webhook(okr: OKRApplication, principal: Principal, webhook_id: UUID) -> None:
    target = _owned(okr, principal, Webhook, webhook_id, "webhook_id")
    administer(okr, principal, target.organization_id)


def tokens_of(
    okr: OKRApplication, principal: Principal, organization_id: UUID, member_id: UUID
) -> None:
    org = organization(okr, principal, organization_id, lambda o: o.member(member_id))
    rule.require(
        rule.may_manage_tokens(org, principal.member_id, member_id),
        "manage another member's tokens",
    )


def token(okr: OKRApplication, principal: Principal, organization_id: UUID, token_id: UUID) -> None:
    org = organization(okr, principal, organization_id, lambda o: o.token(token_id))
    owner = org.token(token_id).member_id
    rule.require(
        rule.may_manage_tokens(org, principal.member_id, owner), "manage another member's tokens"
    )


def _owned(
    okr: OKRApplication, principal: Principal, cls: type[A], aggregate_id: UUID, field: str
) -> A:
    """An aggregate of the principal's organisation; anything else is 'not found'."""
    missing = NotFound(f"no {cls.__name__} {aggregate_id}", field=field)
    try:
        # Guards only read: the shared cached state, without the copy a command needs.
        found = okr.read_aggregate(cls, aggregate_id, fresh=False)
    except NotFound:
        raise missing from None
    if getattr(found, "organization_id", None) != principal.organization_id:
        raise missing
    return found
