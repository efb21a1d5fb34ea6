"""For the HTTP API tests: an organisation with one member per role, and assertions.

The organisation is built through OKRApplication; the tests then act only through HTTP.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
import msgspec

from okr_es.application import OKRApplication

KEY_RESULTS: list[dict[str, Any]] = [
    {"title": "Satisfaction up", "metric": "increase", "start": 60, "target": 80, "unit": "%"},
    {"title": "Survey launched", "metric": "milestone"},
]


class Org(msgspec.Struct, kw_only=True):
    """Ids and tokens of one organisation (root → department → team; root → sibling)."""

    id: UUID
    root: UUID
    department: UUID
    team: UUID
    sibling: UUID
    cycle: UUID
    members: dict[str, UUID]
    tokens: dict[str, str]
    objective: UUID  # in the team, owned by "owner"
    key_result: UUID
    sibling_objective: UUID  # in the sibling team, owned by "admin"


def build_org(okr: OKRApplication, name: str = "Digdir") -> Org:
    reg = okr.register_organization(
        name=name, admin_name="Kari Admin", admin_email="kari@example.no"
    ).ids
    org, root, admin = reg["organization_id"], reg["root_unit_id"], reg["member_id"]

    def unit(unit_name: str, kind: str, parent: UUID) -> UUID:
        return okr.add_unit(
            organization_id=org, name=unit_name, kind=kind, parent_id=parent, by=admin
        ).ids["unit_id"]

    department = unit("Department", "department", root)
    team = unit("Team", "team", department)
    sibling = unit("Sibling", "team", root)
    members = {"admin": admin}
    grants: dict[str, tuple[str, UUID | None] | None] = {
        "ambassador": ("ambassador", None),
        "department_ambassador": ("ambassador", department),
        "lead": ("lead", team),
        "team_member": ("member", team),
        "department_member": ("member", department),
        "owner": None,
        "plain": None,
    }
    for who, grant in grants.items():
        mid = okr.add_member(
            organization_id=org, name=who.title(), email=f"{who}@example.no", by=admin
        ).ids["member_id"]
        members[who] = mid
        if grant is not None:
            okr.grant_role(
                organization_id=org, member_id=mid, role=grant[0], unit_id=grant[1], by=admin
            )
    today = date.today()
    cycle = okr.define_cycle(
        organization_id=org,
        label="Current",
        kind="custom",
        start=today - timedelta(days=30),
        end=today + timedelta(days=60),
        by=admin,
    ).ids["cycle_id"]
    objective = okr.set_objective(
        organization_id=org,
        unit_id=team,
        cycle_id=cycle,
        title="Happier users",
        owner_id=members["owner"],
        key_results=KEY_RESULTS,
        by=admin,
    ).ids
    sibling_objective = okr.set_objective(
        organization_id=org,
        unit_id=sibling,
        cycle_id=cycle,
        title="Faster answers",
        owner_id=admin,
        key_results=KEY_RESULTS,
        by=admin,
    ).ids["objective_id"]
    tokens = {
        who: okr.issue_token(organization_id=org, member_id=mid, label="test", by=mid).token or ""
        for who, mid in members.items()
    }
    kr = okr.get_objective(objective["objective_id"]).key_results
    return Org(
        id=org,
        root=root,
        department=department,
        team=team,
        sibling=sibling,
        cycle=cycle,
        members=members,
        tokens=tokens,
        objective=objective["objective_id"],
        key_result=next(iter(kr)),
        sibling_objective=sibling_objective,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def is_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status (and code); return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body
