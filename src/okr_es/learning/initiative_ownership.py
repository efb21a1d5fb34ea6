"""Does everyone on a unit's roster own an initiative (tiltak) this cycle?

The sources agree that OKRs only take hold when every member of the team formally owns at
least one piece of the work that should move the key results (seed 003). The finding
``member-without-initiative`` names each member of the unit's roster who owns none of the
initiatives linked to the unit's key results in the cycle.

It is judged only on data that can answer it: a unit with a roster (members holding the
``member`` or ``lead`` role in it) that records its work as initiatives in the cycle (at
least one linked to its key results). An OKR set document, or a unit that keeps its work
elsewhere, has no such finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

import msgspec

__all__ = [
    "CODE",
    "OVERDUE_CODE",
    "ROSTER_ROLES",
    "DueInitiative",
    "Roster",
    "RosterMember",
    "members_without_initiative",
]

CODE = "member-without-initiative"
# An initiative past its due date while a key result it should move is behind pace.
OVERDUE_CODE = "overdue-initiative"

# The roles that put a member on a unit's roster; an ambassador coaches the unit and an
# admin runs the organisation, neither is expected to own the unit's work.
ROSTER_ROLES: frozenset[str] = frozenset({"member", "lead"})


class RosterMember(msgspec.Struct, frozen=True):
    id: UUID
    name: str


class DueInitiative(msgspec.Struct, frozen=True):
    """An initiative of the unit's cycle that has a due date, as it stands now."""

    id: UUID
    title: str
    status: str
    due_on: date
    key_result_ids: tuple[UUID, ...]


class Roster(msgspec.Struct, frozen=True):
    """A unit's members, and the owners of its initiatives in one cycle."""

    members: tuple[RosterMember, ...]
    # Owners of the initiatives linked to a key result of the unit's objectives in the cycle.
    initiative_owners: frozenset[UUID]
    # How many such initiatives there are (0: the unit keeps its work elsewhere).
    initiatives: int
    # Those of them that have a due date.
    due: tuple[DueInitiative, ...] = ()

    @classmethod
    def of(
        cls,
        members: Iterable[RosterMember],
        owners: Iterable[UUID],
        initiatives: int,
        due: Iterable[DueInitiative] = (),
    ) -> Roster:
        ordered = sorted(due, key=lambda d: (d.due_on, d.title, str(d.id)))
        return cls(tuple(members), frozenset(owners), initiatives, tuple(ordered))


def members_without_initiative(roster: Roster | None) -> list[RosterMember]:
    """The roster's members who own no initiative, in roster order (none to judge: [])."""
    if roster is None or roster.initiatives == 0:
        return []
    return [m for m in roster.members if m.id not in roster.initiative_owners]

