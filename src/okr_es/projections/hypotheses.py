"""Each objective's hypothesis: the bet behind it ("faster answers make happier users").

Set once with the objective and never changed by a later event, so it lives in a table of
its own rather than in the okr tree's objective rows: adding a read model needs no change
to a table an existing database already holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


class Hypotheses(Projection):
    name: ClassVar[str] = "hypotheses"
    tables: ClassVar[tuple[str, ...]] = ("rm_hypotheses",)
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_hypotheses (objective_id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, hypothesis TEXT NOT NULL)",
    )

    def apply_batch(self, sql: Sql, batch: Sequence[tuple[int, Any]]) -> None:
        # One statement per batch: every row comes from one ObjectiveSet.
        sql.insert_rows(
            "rm_hypotheses",
            [_row(e) for _, e in batch if type(e).__name__ == "ObjectiveSet" and e.hypothesis],
            "ON CONFLICT (objective_id) DO NOTHING",
        )

    def on_ObjectiveSet(self, sql: Sql, e: Any, position: int) -> None:
        if not e.hypothesis:
            return  # no row is the empty hypothesis
        sql.insert_rows("rm_hypotheses", [_row(e)], "ON CONFLICT (objective_id) DO NOTHING")


def _row(e: Any) -> dict[str, Any]:
    return {
        "objective_id": text(e.originator_id),
        "organization_id": text(e.organization_id),
        "hypothesis": e.hypothesis,
    }
