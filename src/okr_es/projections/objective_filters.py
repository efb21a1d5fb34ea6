"""The objectives filter's time-dependent conditions, as SQL over the okr tree's rows.

Stale, reported status, derived status and at risk depend on the day they are judged
on, so they are never stored: they are computed by the statement that lists the
objectives, from the read-model rows and ``today``, by the same rules the read API
answers them with (:mod:`okr_es.projections.pace`, :mod:`okr_es.projections.roll_up`).

* **stale** — an active objective whose cycle has begun, and on whose current key
  results nobody checked in for ``stale_after_days`` days (counted from its latest
  check-in, or from the cycle's start when there was none), judged on today or, after
  the cycle, on its last day. The read API passes the review's ``max_gap_days`` (the
  review's "long-silence" window), taken from the organisation's review policy.
* **reported status** — the worst latest reported status of the objective's current key
  results (``red`` over ``yellow`` over ``green``); none before the first check-in.
* **derived status** — the roll-up's ``derivedStatus``: the worst status of the
  objective's parts by its roll-up mode, an aligned child's own derived status included
  (:mod:`okr_es.projections.roll_up`); none for a dropped objective or one without parts.
* **at risk** — derived status ``at-risk`` or ``behind``.

Days are whole UTC days, as the read API's ``stale`` and ``expectedStatus`` count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from okr_es.projections import pace

# Statuses as SQL compares them, from best to worst (as roll_up.worst orders them), and a
# reported colour as the status it stands for (green on track, yellow at risk, red behind).
SEVERITY: dict[str, int] = {pace.ON_TRACK: 0, pace.AT_RISK: 1, pace.BEHIND: 2}
REPORTED: dict[str, int] = {"green": 0, "yellow": 1, "red": 2}


@dataclass
class Conditions:
    """WHERE conditions over ``rm_objectives o`` and the CTEs they need."""

    ctes: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def day(expression: str, postgres: bool) -> str:
    """A stored instant as a whole day number (its UTC date)."""
    if postgres:
        return (
            f"(CAST(CAST({expression} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS DATE) "
            "- DATE '1970-01-01')"
        )
    return f"CAST(julianday(date({expression})) AS INTEGER)"


def date_day(expression: str, postgres: bool) -> str:
    """A stored ISO date as a whole day number."""
    if postgres:
        return f"(CAST({expression} AS DATE) - DATE '1970-01-01')"
    return f"CAST(julianday({expression}) AS INTEGER)"


def today_day(postgres: bool) -> str:
    if postgres:
        return "(CAST(:today AS DATE) - DATE '1970-01-01')"
    return "CAST(julianday(:today) AS INTEGER)"


def add_stale(c: Conditions, stale: bool, after_days: int, today: date, postgres: bool) -> None:
    c.params.update(today=today.isoformat(), stale_days=after_days)
    start, end = date_day("c.start_date", postgres), date_day("c.end_date", postgres)
    now = today_day(postgres)
    last = day("k.last_check_in_at", postgres)
    c.ctes.append(
        "stale_objectives(objective_id) AS (SELECT o.objective_id FROM rm_objectives o "
        "JOIN rm_cycles c ON c.cycle_id = o.cycle_id "
        "LEFT JOIN rm_key_results k ON k.objective_id = o.objective_id AND k.removed = 0 "
        "WHERE o.organization_id = :org AND o.status = 'active' "
        f"GROUP BY o.objective_id, c.start_date, c.end_date HAVING {now} >= {start} AND "
        f"(CASE WHEN {now} < {end} THEN {now} ELSE {end} END) - "
        f"(CASE WHEN MAX({last}) IS NULL OR MAX({last}) < {start} THEN {start} "
        f"ELSE MAX({last}) END) >= :stale_days)"
    )
    negation = "" if stale else "NOT "
    c.where.append(f"o.objective_id {negation}IN (SELECT objective_id FROM stale_objectives)")


def add_reported(c: Conditions, status: str) -> None:
    c.params["reported"] = REPORTED[status]
    c.where.append(
        f"(SELECT MAX({_reported('k')}) FROM rm_key_results k "
        "WHERE k.objective_id = o.objective_id AND k.removed = 0) = :reported"
    )


def add_derived(
    c: Conditions, severities: list[int], today: date, postgres: bool, *, negate: bool = False
) -> None:
    """Derived status among ``severities`` (``negate``: any other, or none)."""
    if "derived(" not in " ".join(c.ctes):
        c.params["today"] = today.isoformat()
        c.ctes += _derived_ctes(postgres)
    marks = ", ".join(str(s) for s in severities)
    among = f"(SELECT objective_id FROM derived WHERE severity IN ({marks}))"
    if negate:
        c.where.append(f"(o.status = 'dropped' OR o.objective_id NOT IN {among})")
    else:
        c.where.append(f"o.status <> 'dropped' AND o.objective_id IN {among}")


def add_unaligned(c: Conditions, unaligned: bool) -> None:
    condition = (
        "(o.aligned_to_objective_id IS NULL AND o.unit_id <> "
        "(SELECT r.root_unit_id FROM rm_organizations r WHERE r.organization_id = :org))"
    )
    c.where.append(condition if unaligned else f"NOT {condition}")


def add_updated_since(c: Conditions, since: str) -> None:
    c.params["updated_since"] = since
    c.where.append("o.updated_at >= :updated_since")


# --- helpers -----------------------------------------------------------------------------

_COUNTS_CHILDREN = "('key_results_and_children', 'children')"
_COUNTS_KEY_RESULTS = "('key_results', 'key_results_and_children')"


def _reported(k: str) -> str:
    cases = " ".join(f"WHEN '{colour}' THEN {s}" for colour, s in REPORTED.items())
    return f"CASE {k}.reported_status {cases} ELSE NULL END"


def _derived_ctes(postgres: bool) -> list[str]:
    """``derived(objective_id, severity)`` for every objective of the organisation.

    The worst is a maximum, so an objective's derived status is the worst status of the
    key results counted anywhere below it: its own (when its mode counts them) and those
    of every objective it reaches through aligned, not dropped children, each counted by
    its own mode. ``reach`` is that closure (UNION stops at a loop of alignment); an
    objective reached again along a loop counts its key results, as the roll-up does."""
    start, end = date_day("c.start_date", postgres), date_day("c.end_date", postgres)
    now = today_day(postgres)
    last = day("k.last_check_in_at", postgres)
    total = f"({end} - {start})"
    elapsed = (
        f"(CASE WHEN {total} <= 0 THEN (CASE WHEN {now} >= {end} THEN 1.0 ELSE 0.0 END) "
        f"WHEN {now} <= {start} THEN 0.0 WHEN {now} >= {end} THEN 1.0 "
        f"ELSE CAST({now} - {start} AS DOUBLE PRECISION) / {total} END)"
    )
    since = f"(CASE WHEN {last} IS NULL OR {last} < {start} THEN {start} ELSE {last} END)"
    judged = f"(CASE WHEN {now} < {end} THEN {now} ELSE {end} END)"
    stale = f"({now} >= {start} AND {judged} - {since} >= {pace.STALE_AFTER_DAYS})"
    gap = f"({elapsed} - k.progress)"
    pace_severity = (
        "(CASE WHEN k.metric IN ('stay_above', 'stay_below') THEN "
        "(CASE WHEN k.progress >= 1.0 THEN 0 ELSE 2 END) "
        f"WHEN k.metric = 'milestone' THEN (CASE WHEN k.progress >= 1.0 OR {elapsed} < 0.5 "
        f"THEN 0 WHEN {elapsed} < {pace.MILESTONE_LATE!r} THEN 1 ELSE 2 END) "
        f"ELSE (CASE WHEN {gap} <= {pace.ON_TRACK_GAP!r} THEN 0 "
        f"WHEN {gap} <= {pace.AT_RISK_GAP!r} THEN 1 ELSE 2 END) END)"
    )
    expected = f"(CASE WHEN {stale} AND {pace_severity} = 0 THEN 1 ELSE {pace_severity} END)"
    reported = f"({_reported('k')})"
    severity = (
        f"(CASE WHEN {reported} IS NULL OR {reported} < {expected} THEN {expected} "
        f"ELSE {reported} END)"
    )
    edge = (
        "SELECT p.objective_id AS parent, ch.objective_id AS child FROM rm_objectives p "
        "JOIN rm_objectives ch ON ch.aligned_to_objective_id = p.objective_id "
        f"WHERE p.organization_id = :org AND p.roll_up_mode IN {_COUNTS_CHILDREN} "
        "AND ch.organization_id = :org AND ch.status <> 'dropped'"
    )
    return [
        f"edges(parent, child) AS ({edge})",
        "reach(root, node) AS (SELECT parent, child FROM edges "
        "UNION SELECT r.root, e.child FROM reach r JOIN edges e ON e.parent = r.node)",
        "nodes(root, node) AS (SELECT objective_id, objective_id FROM rm_objectives "
        "WHERE organization_id = :org UNION SELECT root, node FROM reach)",
        "derived(objective_id, severity) AS (SELECT n.root, "
        f"MAX({severity}) FROM nodes n "
        "JOIN rm_objectives x ON x.objective_id = n.node "
        "JOIN rm_cycles c ON c.cycle_id = x.cycle_id "
        "JOIN rm_key_results k ON k.objective_id = x.objective_id AND k.removed = 0 "
        f"WHERE x.roll_up_mode IN {_COUNTS_KEY_RESULTS} OR EXISTS (SELECT 1 FROM reach s "
        "WHERE s.root = x.objective_id AND s.node = x.objective_id) GROUP BY n.root)",
    ]
