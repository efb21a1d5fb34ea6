"""Roll-up: an objective's progress and derived status from its parts, and a unit's from
its objectives.

Pure functions of read-model values, used by the read API at read time (a child's
progress changes without an event on its parent, and pace changes as days pass, so
nothing here is stored). The rules:

* **Parts of an objective** — by its roll-up mode (``Objective.roll_up_mode``):

  - ``key_results`` (the default): its current key results, each with its weight;
  - ``key_results_and_children``: those, and each aligned child objective that is not
    dropped as one more part of weight 1 (as if it were a key result);
  - ``children``: only its aligned child objectives that are not dropped, weight 1 each.

* **Progress** — the weighted mean of the parts' progress, ``Σ wᵢ·pᵢ / Σ wᵢ``; 0 without
  parts. A child's progress is its own roll-up, by its own mode. A child reached again
  along its own chain of alignment (a loop) counts only its key results.
* **A key result's status** — the worse of its reported status (green ``on-track``,
  yellow ``at-risk``, red ``behind``) and its expected status (pace against the
  elapsed share of the cycle, where a stale key result is at best ``at-risk``; see
  :mod:`okr_es.projections.pace`). Before its first check-in only pace counts.
* **Derived status of an objective** — the worst status of its parts (a child's is its
  own derived status); none without parts, and none for a dropped objective.
* **A unit's portfolio in a cycle** — the objectives that the unit and every unit below
  it set for that cycle, not dropped, each counted once: an objective aligned to another
  objective of the same portfolio whose mode counts children is counted inside that one,
  not again on its own. Progress is the mean of the counted objectives' progress (each
  weight 1); derived status the worst of theirs. No counted objective: no progress, no
  status.

The okr tree's ``rm_objectives.progress`` stays the plain mean of the current key
results, written as events arrive; the read API answers the roll-up above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from okr_es.aggregates.objective import CHILDREN, KEY_RESULTS, KEY_RESULTS_AND_CHILDREN
from okr_es.projections.pace import AT_RISK, BEHIND, ON_TRACK

# From best to worst.
_SEVERITY = {ON_TRACK: 0, AT_RISK: 1, BEHIND: 2}
_REPORTED = {"green": ON_TRACK, "yellow": AT_RISK, "red": BEHIND}


class Part(NamedTuple):
    """One thing an objective (or a portfolio) is made of: a key result or an objective."""

    progress: float
    weight: float
    status: str | None


class RollUp(NamedTuple):
    progress: float
    status: str | None


def worst(statuses: Iterable[str | None]) -> str | None:
    """The worst of the statuses (``behind`` over ``at-risk`` over ``on-track``)."""
    known = [s for s in statuses if s is not None]
    return max(known, key=_SEVERITY.__getitem__) if known else None


def key_result_status(reported: str | None, expected: str | None) -> str | None:
    """A key result's status as a part: the worse of reported and expected status."""
    return worst((_REPORTED.get(reported or ""), expected))


def counts_key_results(mode: str) -> bool:
    return mode in (KEY_RESULTS, KEY_RESULTS_AND_CHILDREN)


def counts_children(mode: str) -> bool:
    return mode in (KEY_RESULTS_AND_CHILDREN, CHILDREN)


def roll_up(mode: str, key_results: Sequence[Part], children: Sequence[RollUp]) -> RollUp:
    """An objective's progress and derived status from its key results and its aligned
    (not dropped) children's roll-ups, by its mode."""
    parts = list(key_results) if counts_key_results(mode) else []
    if counts_children(mode):
        parts += [Part(child.progress, 1.0, child.status) for child in children]
    return RollUp(weighted_progress(parts), worst(p.status for p in parts))


def weighted_progress(parts: Sequence[Part]) -> float:
    """``Σ wᵢ·pᵢ / Σ wᵢ``, or 0 without parts."""
    total = sum(p.weight for p in parts)
    if total <= 0.0:
        return 0.0
    return sum(p.progress * p.weight for p in parts) / total


def portfolio(objectives: Sequence[RollUp]) -> RollUp | None:
    """A unit's roll-up from its counted objectives' (None when there is none)."""
    if not objectives:
        return None
    parts = [Part(o.progress, 1.0, o.status) for o in objectives]
    return RollUp(weighted_progress(parts), worst(p.status for p in parts))


class Counted(NamedTuple):
    """What :func:`counted` needs of an objective."""

    objective_id: str
    aligned_to_objective_id: str | None
    status: str
    roll_up_mode: str


def counted(objectives: Sequence[Counted]) -> list[str]:
    """The ids of the portfolio's objectives counted on their own: not dropped, and not
    aligned to an objective of the portfolio that counts its children."""
    live = {o.objective_id: o for o in objectives if o.status != "dropped"}
    return [
        o.objective_id
        for o in live.values()
        if o.aligned_to_objective_id not in live
        or not counts_children(live[o.aligned_to_objective_id].roll_up_mode)
    ]
