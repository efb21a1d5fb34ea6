"""A small organisation built through OKRApplication, for the store-backed tests.

Root ("Digdir") → Department → Team, and Root → Sibling team; an admin, a team member
and an outsider-ish second member; a previous and a current cycle around today.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec
import pytest

from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import OKRError


class World(msgspec.Struct, frozen=True, kw_only=True):
    org: UUID
    root: UUID
    department: UUID
    team: UUID
    sibling_team: UUID
    admin: UUID
    member: UUID
    colleague: UUID
    previous_cycle: UUID
    cycle: UUID


def build_world(app: OKRApplication) -> World:
    org = app.register_organization(name="Digdir", admin_name="Kari Admin",
                                    admin_email="kari@digdir.no").ids
    org_id, root, admin = org["organization_id"], org["root_unit_id"], org["member_id"]
    department = app.add_unit(organization_id=org_id, name="Department", kind="department",
                              parent_id=root, by=admin).ids["unit_id"]
    team = app.add_unit(organization_id=org_id, name="Team", kind="team",
                        parent_id=department, by=admin).ids["unit_id"]
    sibling = app.add_unit(organization_id=org_id, name="Sibling", kind="team",
                           parent_id=root, by=admin).ids["unit_id"]
    member = app.add_member(organization_id=org_id, name="Ola Member", email="ola@digdir.no",
                            by=admin).ids["member_id"]
    colleague = app.add_member(organization_id=org_id, name="Per Colleague",
                               email="per@digdir.no", by=admin).ids["member_id"]
    today = date.today()
    previous = app.define_cycle(organization_id=org_id, label="Previous", kind="custom",
                                start=today - timedelta(days=120),
                                end=today - timedelta(days=31), by=admin).ids["cycle_id"]
    cycle = app.define_cycle(organization_id=org_id, label="Current", kind="custom",
                             start=today - timedelta(days=30), end=today + timedelta(days=60),
                             by=admin).ids["cycle_id"]
    return World(org=org_id, root=root, department=department, team=team,
                 sibling_team=sibling, admin=admin, member=member, colleague=colleague,
                 previous_cycle=previous, cycle=cycle)


TWO_KEY_RESULTS: list[dict[str, Any]] = [
    {"title": "Satisfaction up", "metric": "increase", "start": 60, "target": 80,
     "unit": "percent"},
    {"title": "Survey launched", "metric": "milestone"},
]


def set_objective(
    app: OKRApplication, world: World, *, title: str = "Happier users",
    unit: UUID | None = None, cycle: UUID | None = None, **extra: Any,
) -> CommandResult:
    """Set an objective with two key results (increase 60 → 80 %, and a milestone)."""
    args: dict[str, Any] = {"key_results": TWO_KEY_RESULTS}
    args.update(extra)
    return app.set_objective(
        organization_id=world.org, unit_id=unit or world.team, cycle_id=cycle or world.cycle,
        title=title, owner_id=world.member, by=world.admin, **args,
    )


def event_names(app: OKRApplication, aggregate_id: UUID) -> list[str]:
    return [type(e).__name__ for e in app.history(aggregate_id)]


def written(
    app: OKRApplication, command: Callable[[], CommandResult], *,
    aggregate_id: UUID | None = None, id_key: str | None = None,
) -> tuple[CommandResult, list[str]]:
    """Run a command that must succeed; return its result and the aggregate's new events.

    The aggregate is ``aggregate_id`` or, for a creation, the id the result names ``id_key``.
    Checks the position moved forward and is the log's last event.
    """
    before_position = app.position()
    seen = 0 if aggregate_id is None else len(app.history(aggregate_id))
    result = command()
    assert before_position < result.position == app.position()
    target = aggregate_id if aggregate_id is not None else result.ids[id_key or ""]
    return result, event_names(app, target)[seen:]


def refused_by(app: OKRApplication, command: Callable[[], object]) -> OKRError:
    """Run a command that must be refused with a domain error and must write nothing."""
    before = app.position()
    with pytest.raises(OKRError) as raised:
        command()
    assert app.position() == before
    return raised.value


def signature(error: OKRError) -> tuple[str, str, str | None]:
    return type(error).__name__, error.code, error.field


def committed(app: OKRApplication, unit: UUID, cycle: UUID) -> list[UUID]:
    """The objectives counting toward a unit's set in a cycle (none before the first)."""
    team_cycle = app.get_team_cycle(unit, cycle)
    return [] if team_cycle is None else list(team_cycle.objective_ids)
