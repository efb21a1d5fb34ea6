"""Roll-ups for the read API: an objective's progress and derived status from its key
results and aligned children, and a unit's portfolio, by the rules of
:mod:`okr_es.projections.roll_up`.

Everything is read through the request's batch loaders, so a page of objectives costs
one statement per kind of row and per level of alignment, however many objectives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime

import strawberry

from okr_es.aggregates.objective import KEY_RESULTS
from okr_es.api.graphql.context import GraphQLContext
from okr_es.api.graphql.scalars import as_utc
from okr_es.projections import pace
from okr_es.projections.queries import CycleRow, KeyResultRow, ObjectiveRow
from okr_es.projections.roll_up import (
    Counted,
    Part,
    RollUp,
    counted,
    counts_children,
    key_result_status,
    portfolio,
    roll_up,
)

Info = strawberry.Info[GraphQLContext, None]


async def objective_roll_up(
    info: Info,
    row: ObjectiveRow,
    *,
    key_result_rows: Sequence[KeyResultRow] | None = None,
    as_of: datetime | None = None,
    path: frozenset[str] = frozenset(),
) -> RollUp:
    """The objective's roll-up. As of an instant only its key results count (its
    children are not replayed); along a loop of alignment, too."""
    batch = info.context.batch
    krs = key_result_rows
    if krs is None:
        krs = await batch.key_results_of_objective.load(row.objective_id)
    found = await batch.cycle.load(row.cycle_id)
    today = as_of.date() if as_of is not None else info.context.today()
    parts = [
        Part(kr.progress, kr.weight, key_result_status(kr.reported_status, expected))
        for kr in krs
        for expected in (_expected(kr, found, today),)
    ]
    mode = row.roll_up_mode
    if as_of is not None or row.objective_id in path:
        mode = KEY_RESULTS
    children: list[RollUp] = []
    if counts_children(mode):
        rows = await batch.aligned_children.load(row.objective_id)
        inner = path | {row.objective_id}
        children = list(
            await asyncio.gather(
                *(objective_roll_up(info, c, path=inner) for c in rows if c.status != "dropped")
            )
        )
    result = roll_up(mode, parts, children)
    if row.status == "dropped":
        return RollUp(result.progress, None)
    return result


async def unit_roll_up(info: Info, unit_id: str, cycle_id: str) -> RollUp | None:
    """The portfolio of the unit and every unit below it in the cycle."""
    batch = info.context.batch
    units = await batch.all_units.load(info.context.org)
    below: dict[str | None, list[str]] = {}
    for u in units:
        below.setdefault(u.parent_id, []).append(u.unit_id)
    subtree, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in subtree:
            subtree.add(current)
            todo += below.get(current, [])
    rows = [r for r in await batch.objectives_of_cycle.load(cycle_id) if r.unit_id in subtree]
    ids = set(
        counted(
            [
                Counted(r.objective_id, r.aligned_to_objective_id, r.status, r.roll_up_mode)
                for r in rows
            ]
        )
    )
    chosen = [r for r in rows if r.objective_id in ids]
    return portfolio(list(await asyncio.gather(*(objective_roll_up(info, r) for r in chosen))))


def _expected(kr: KeyResultRow, cycle: CycleRow | None, today: date) -> str | None:
    """The key result's expected status (pace, staleness) on ``today``, as
    ``KeyResult.expectedStatus`` answers it."""
    if cycle is None:
        return None
    start, end = date.fromisoformat(cycle.start_date), date.fromisoformat(cycle.end_date)
    last = kr.last_check_in_at
    last_day = None if last is None else as_utc(datetime.fromisoformat(last)).date()
    stale = pace.is_stale(last_day, start, end, today)
    elapsed = pace.elapsed_share(start, end, today)
    return pace.expected_status(kr.metric, kr.progress, elapsed, stale=stale)
