"""The review and lint policies each organisation stores, as the JSON documents set.

The read API shows them (``organization { reviewPolicy lintPolicy }``) and reads the
review's staleness window from them for the objectives filter. No row, or a null
column: the defaults hold.
"""

from __future__ import annotations

from typing import Any, ClassVar

from okr_es.projections.base import Projection, text
from okr_es.projections.sql import Sql


class OrganizationPolicies(Projection):
    name: ClassVar[str] = "organization_policies"
    tables: ClassVar[tuple[str, ...]] = ("rm_organization_policies",)
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rm_organization_policies (organization_id TEXT PRIMARY KEY, "
        "review_policy TEXT, lint_policy TEXT)",
    )

    def on_ReviewPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        self._set(sql, text(e.originator_id), "review_policy", e.policy)

    def on_LintPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        self._set(sql, text(e.originator_id), "lint_policy", e.policy)

    @staticmethod
    def _set(sql: Sql, org: str | None, column: str, policy: str) -> None:
        sql.run(
            "INSERT INTO rm_organization_policies (organization_id) VALUES (:org) "
            "ON CONFLICT (organization_id) DO NOTHING",
            {"org": org},
        )
        sql.run(
            f"UPDATE rm_organization_policies SET {column} = :policy WHERE organization_id = :org",
            {"policy": policy, "org": org},
        )
