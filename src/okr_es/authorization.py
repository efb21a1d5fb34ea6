"""Who may write what: pure decisions over an organisation's grants and unit tree.

Reading is open to every member of the organisation (transparency is an OKR principle);
writing needs a role that reaches the target:

* ``admin`` — everything in the organisation (structure, members, roles, policy, cycles,
  anyone's tokens, all OKR content);
* ``ambassador`` — OKR content in the unit's subtree, or everywhere when granted unscoped;
* ``lead`` / ``member`` of a unit — OKR content of that unit and its subtree;
* the owner of an objective or initiative — that objective or initiative;
* every member — their own access tokens.

OKR content is objectives, key results, check-ins, reflections, a unit's cycle,
initiatives and KPIs. Entry points resolve the target (its unit, its owner) and ask here;
nothing in this module reads the store.
"""

from __future__ import annotations

from uuid import UUID

from okr_es.aggregates.organization import Organization
from okr_es.errors import Forbidden

# Roles whose grant on a unit reaches that unit's OKR content and its subtree's.
CONTENT_ROLES: frozenset[str] = frozenset({"ambassador", "lead", "member"})


def is_admin(org: Organization, member_id: UUID) -> bool:
    member = org.members.get(member_id)
    return member is not None and any(g.role == "admin" for g in member.grants)


def may_administer(org: Organization, member_id: UUID) -> bool:
    """Structure, members, roles, policy and cycles: admins only."""
    return is_admin(org, member_id)


def may_write_okrs(
    org: Organization, member_id: UUID, unit_id: UUID, owner_id: UUID | None = None
) -> bool:
    """OKR content of ``unit_id``; ``owner_id`` is the owner of the objective or initiative."""
    member = org.members.get(member_id)
    if member is None:
        return False
    if owner_id is not None and owner_id == member_id:
        return True
    if is_admin(org, member_id):
        return True
    if unit_id not in org.units:
        return False
    reach = {unit_id, *org.ancestors(unit_id)}
    for grant in member.grants:
        if grant.role not in CONTENT_ROLES:
            continue
        if grant.unit_id is None and grant.role == "ambassador":
            return True
        if grant.unit_id in reach:
            return True
    return False


def may_manage_tokens(org: Organization, member_id: UUID, token_owner_id: UUID) -> bool:
    """Issue or revoke a token of ``token_owner_id``: that member or an admin."""
    return member_id in org.members and (member_id == token_owner_id or is_admin(org, member_id))


def require(allowed: bool, action: str) -> None:
    """Raise Forbidden unless ``allowed``; ``action`` says what was refused."""
    if not allowed:
        raise Forbidden(f"your roles do not allow you to {action}")
