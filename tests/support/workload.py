"""Generated everyday work on top of the demo organisation, through the application."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from okr_es.application import OKRApplication
from okr_es.projections.runner import ProjectionRunner

STATUSES = ("green", "yellow", "red")


def generate_work(app: OKRApplication, runner: ProjectionRunner, rounds: int, seed: int) -> int:
    """Check-ins on the active key results (read from the tree), some back-dated, with
    target changes in between; returns how many commands ran."""
    rng = random.Random(seed)
    key_results: list[tuple[Any, ...]] = runner.views.query(
        "SELECT o.objective_id, k.key_result_id, k.metric, k.start_value, o.owner_id, k.target "
        "FROM rm_key_results k JOIN rm_objectives o ON o.objective_id = k.objective_id "
        "WHERE o.status = 'active' AND k.removed = 0 ORDER BY k.key_result_id"
    )
    assert key_results, "the demo has active key results"
    # Each key result's target as the workload leaves it: a new one must differ from it.
    targets = {row[1]: row[5] for row in key_results}
    commands = 0
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for i in range(rounds):
        objective, kr, metric, start, owner, _ = rng.choice(key_results)
        value = 1.0 if metric == "milestone" else round(rng.uniform(0, 100), 2)
        back = timedelta(days=rng.choice((0, 0, 0, 3))) - timedelta(minutes=i)
        app.check_in(
            objective_id=objective, key_result_id=kr, value=value,
            status=rng.choice(STATUSES), comment=f"Uke {i}", by=owner,
            checked_in_at=(now - back).isoformat(),
        )
        commands += 1
        if i % 25 == 7 and metric in ("increase", "decrease") and start:
            share = rng.uniform(1.1, 2) if metric == "increase" else rng.uniform(0.2, 0.9)
            target = round(start * share, 2)
            if target == targets[kr]:
                continue
            targets[kr] = target
            app.adjust_key_result(
                objective_id=objective, key_result_id=kr, target=target,
                reason="Nytt mål etter budsjett", by=owner,
            )
            commands += 1
    return commands
