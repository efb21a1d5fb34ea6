"""Which organisation and KPI events belong in a cycle's audit export.

A cycle's own aggregates (the cycle, its team cycles, objectives and linked initiatives)
go into the export whole. The organisation and the KPIs are shared with other cycles, so
only what affects the cycle's units and key results is taken from them, in the cycle's
window, plus the events that make the state the window starts from:

* **Organisation** — events about one of the cycle's units (``UnitAdded``, renamed,
  moved, archived; roles granted or revoked on it) and organisation-wide ones (roles
  without a unit, policy changes, the registration). Before the window: every event of
  the units themselves, the grants still in force when the window opens (a grant revoked
  before it is left out with its revocation), the latest organisation-wide event of each
  kind (the policy in force), and ``MemberAdded`` of every member those role events name.
  Access tokens are never exported.
* **KPIs** — those of the cycle's units not retired before the window opens, and any KPI
  a key result of the cycle graduated into. Before the window: the definition, the latest
  corridor change and the latest measurement (by its business date); a graduation from
  one of the cycle's key results whenever it happened.

An event is in the window when its time falls on one of the cycle's days (UTC, both
ends included); a measurement's time is its business date (``measured_at``), every
other event's the time it was recorded. Nothing after the window is exported, so an
export made after the cycle ended stays the same as later exports.

Pure functions over positioned events (:class:`~okr_es.vocabulary.cycle_facts.Positioned`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from okr_es.vocabulary.cycle_facts import Positioned

__all__ = ["Window", "kpi_events", "organization_events"]

_TOKEN_EVENTS = frozenset({"AccessTokenIssued", "AccessTokenRevoked"})
_ROLE_EVENTS = frozenset({"RoleGranted", "RoleRevoked"})


@dataclass(frozen=True)
class Window:
    """A cycle's days as instants: from its first day's midnight (UTC) to the midnight
    after its last day."""

    start: datetime
    end: datetime  # excluded

    @classmethod
    def of(cls, start: date, end: date) -> Window:
        return cls(
            datetime.combine(start, time(), tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
        )

    def before(self, at: datetime) -> bool:
        return _aware(at) < self.start

    def holds(self, at: datetime) -> bool:
        return self.start <= _aware(at) < self.end


def organization_events(
    events: Sequence[Positioned], units: Collection[UUID], window: Window
) -> list[Positioned]:
    """The organisation's events (in log order) that the export of a cycle whose
    objectives belong to ``units`` holds."""
    kept: dict[int, Positioned] = {}
    grants: dict[tuple[Any, ...], Positioned] = {}  # in force before the window
    latest_wide: dict[str, Positioned] = {}  # organisation-wide, before the window
    for p in events:
        e = p.event
        name = type(e).__name__
        if name in _TOKEN_EVENTS or name == "MemberAdded":
            continue
        at = e.timestamp
        if not window.before(at) and not window.holds(at):
            continue
        has_unit = hasattr(e, "unit_id")
        if has_unit and e.unit_id is not None and e.unit_id not in units:
            continue
        if window.holds(at):
            kept[p.position] = p
        elif name in _ROLE_EVENTS:
            key = (e.member_id, e.role, e.unit_id)
            if name == "RoleGranted":
                grants[key] = p
            else:
                grants.pop(key, None)
        elif has_unit and e.unit_id is not None:
            kept[p.position] = p  # the unit's own history
        else:
            latest_wide[name] = p
    for p in (*grants.values(), *latest_wide.values()):
        kept[p.position] = p
    members = {p.event.member_id for p in kept.values() if hasattr(p.event, "member_id")}
    for p in events:
        e = p.event
        if (
            type(e).__name__ == "MemberAdded"
            and e.member_id in members
            and (window.before(e.timestamp) or window.holds(e.timestamp))
        ):
            kept[p.position] = p
    return [kept[position] for position in sorted(kept)]


def kpi_events(
    histories: Iterable[Sequence[Positioned]],
    units: Collection[UUID],
    objectives: Collection[UUID],
    window: Window,
) -> list[Positioned]:
    """The events of the KPIs (each KPI's history in log order) that the export of a
    cycle holds: KPIs of ``units``, and those a key result of ``objectives`` graduated
    into. In log order."""
    kept: list[Positioned] = []
    for history in histories:
        kept += _kpi_share(history, units, objectives, window)
    return sorted(kept, key=lambda p: p.position)


def _kpi_share(
    history: Sequence[Positioned],
    units: Collection[UUID],
    objectives: Collection[UUID],
    window: Window,
) -> list[Positioned]:
    if not history:
        return []
    defined = history[0]
    graduated = [
        p
        for p in history
        if type(p.event).__name__ == "KeyResultGraduated" and p.event.objective_id in objectives
    ]
    retired_before = any(
        type(p.event).__name__ == "KpiRetired" and window.before(p.event.timestamp)
        for p in history
    )
    ours = getattr(defined.event, "unit_id", None) in units and not retired_before
    if not ours and not graduated:
        return []
    kept: dict[int, Positioned] = {defined.position: defined}
    kept.update((p.position, p) for p in graduated)
    latest_corridor: Positioned | None = None
    latest_measure: Positioned | None = None
    for p in history[1:]:
        name = type(p.event).__name__
        at = p.event.measured_at if name == "KpiMeasured" else p.event.timestamp
        if window.holds(at):
            kept[p.position] = p
        elif not window.before(at):
            continue
        elif name == "KpiCorridorChanged":
            latest_corridor = p
        elif name == "KpiMeasured" and (
            latest_measure is None or _aware(at) >= _aware(latest_measure.event.measured_at)
        ):
            latest_measure = p
    for start_state in (latest_corridor, latest_measure):
        if start_state is not None:
            kept[start_state.position] = start_state
    return [kept[position] for position in sorted(kept)]


def _aware(at: datetime) -> datetime:
    """Stored times are UTC; one without a zone is read as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
