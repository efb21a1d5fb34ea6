"""The reporting schema: a star schema of SQL views over the read models, for Power BI
and other BI tools (documented in docs/reporting.md).

Each table is one SELECT that both stores run alike. On PostgreSQL it becomes a view in
its own schema (``reporting``, or ``<schema>_reporting`` beside an application schema
other than ``public``), typed by casts and commented column by column, created or
replaced whenever the read-model tables are (at start, after a rebuild's reset), under
the read-model lock. The views read read-model tables only: never the event store, the
tracking table or anything about access tokens. ``okr-es report export`` writes the same
tables as files, on either store. Column names are a contract: a change raises
:data:`VERSION` (shown by the ``schema_version`` view) and is noted in the docs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from okr_es.projections.sql import Sql

__all__ = [
    "TABLES",
    "VERSION",
    "Column",
    "ReportTable",
    "create_reporting_views",
    "render_tables",
    "reporting_schema",
]

VERSION = 1
ColumnType = Literal["text", "integer", "float", "date", "timestamp", "boolean"]
_PG_TYPE: dict[ColumnType, str] = {
    "text": "text",
    "integer": "bigint",
    "float": "double precision",
    "date": "date",
    "timestamp": "timestamptz",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str


@dataclass(frozen=True)
class ReportTable:
    """A dimension, fact or bridge table of the star schema."""

    name: str
    description: str
    columns: tuple[Column, ...]
    select: str  # its columns in order, named as ``columns``; both stores' SQL
    sources: tuple[str, ...]  # read-model tables it reads

    @property
    def order_by(self) -> str:
        return self.columns[0].name


def _c(name: str, kind: ColumnType, description: str) -> Column:
    return Column(name, kind, description)


_ORG = _c("organization_id", "text", "the organisation (UUID)")
_UNIT = _c("unit_id", "text", "the unit (team, department …) → dim_unit")
_CYCLE = _c("cycle_id", "text", "the cycle → dim_cycle")
_OBJECTIVE = _c("objective_id", "text", "the objective → dim_objective")
_KEY_RESULT = _c("key_result_id", "text", "the key result → dim_key_result")

TABLES: tuple[ReportTable, ...] = (
    ReportTable(
        "dim_unit",
        "Units of the organisations: the organisation's root, departments, teams, projects.",
        (
            _c("unit_id", "text", "the unit (UUID)"),
            _ORG,
            _c("organization_name", "text", "the organisation's name"),
            _c("unit_name", "text", "the unit's current name"),
            _c("unit_kind", "text", "organization, department, team or project"),
            _c("parent_unit_id", "text", "the unit above (empty for the root)"),
            _c("archived", "boolean", "true once the unit is archived"),
        ),
        "SELECT u.unit_id, u.organization_id, o.name, u.name, u.kind, u.parent_id, u.archived "
        "FROM rm_units u JOIN rm_organizations o ON o.organization_id = u.organization_id",
        ("rm_units", "rm_organizations"),
    ),
    ReportTable(
        "dim_member",
        "Members (people) of the organisations, by name (e-mail addresses are left out).",
        (
            _c("member_id", "text", "the member (UUID)"),
            _ORG,
            _c("member_name", "text", "the member's name"),
        ),
        "SELECT member_id, organization_id, name FROM rm_members",
        ("rm_members",),
    ),
    ReportTable(
        "dim_cycle",
        "Cycles (quarters, tertials, half-years, years).",
        (
            _c("cycle_id", "text", "the cycle (UUID)"),
            _ORG,
            _c("cycle_label", "text", "the cycle's label, e.g. 2027 Q1"),
            _c("cycle_kind", "text", "quarter, tertial, half_year, year or custom"),
            _c("start_date", "date", "first day"),
            _c("end_date", "date", "last day"),
            _c("parent_cycle_id", "text", "the cycle it lies within (e.g. the year)"),
        ),
        "SELECT cycle_id, organization_id, label, kind, start_date, end_date, parent_id "
        "FROM rm_cycles",
        ("rm_cycles",),
    ),
    ReportTable(
        "dim_objective",
        "Objectives with their current state.",
        (
            _c("objective_id", "text", "the objective (UUID)"),
            _ORG,
            _UNIT,
            _CYCLE,
            _c("owner_id", "text", "the accountable owner → dim_member"),
            _c("title", "text", "what the objective says"),
            _c("why", "text", "why it matters"),
            _c("status", "text", "active, dropped or closed"),
            _c("status_reason", "text", "why it was dropped (or the closing note)"),
            _c("aligned_to_objective_id", "text", "the parent unit's objective it supports"),
            _c("carried_over_from", "text", "the earlier cycle's objective it continues"),
            _c("progress", "float", "0–1, rolled up from its key results"),
            _c("set_at", "timestamp", "when it was recorded"),
            _c("updated_at", "timestamp", "when it last changed"),
        ),
        "SELECT objective_id, organization_id, unit_id, cycle_id, owner_id, title, why, status, "
        "status_reason, aligned_to_objective_id, carried_over_from, progress, set_at, "
        "updated_at FROM rm_objectives",
        ("rm_objectives",),
    ),
    ReportTable(
        "dim_key_result",
        "Key results with their metric and latest reading.",
        (
            _c("key_result_id", "text", "the key result (UUID)"),
            _OBJECTIVE,
            _ORG,
            _UNIT,
            _CYCLE,
            _c("ordinal", "integer", "its place among the objective's key results"),
            _c("title", "text", "what is measured"),
            _c("metric", "text", "increase, decrease, stay_above, stay_below or milestone"),
            _c("metric_unit", "text", "percent, count, days, currency:NOK …"),
            _c("start_value", "float", "where it started"),
            _c("target_value", "float", "where it should end (the threshold)"),
            _c("current_value", "float", "the latest check-in's value"),
            _c("progress", "float", "0–1"),
            _c("reported_status", "text", "green, yellow or red as last reported"),
            _c("last_check_in_at", "timestamp", "business time of the latest check-in"),
            _c("check_in_count", "integer", "check-ins so far"),
            _c("weight", "float", "its share of the objective's progress"),
            _c("removed", "boolean", "true once removed from the objective"),
        ),
        "SELECT k.key_result_id, k.objective_id, o.organization_id, o.unit_id, o.cycle_id, "
        "k.ordinal, k.title, k.metric, k.unit, k.start_value, k.target, k.current_value, "
        "k.progress, k.reported_status, k.last_check_in_at, k.check_in_count, k.weight, "
        "k.removed FROM rm_key_results k "
        "JOIN rm_objectives o ON o.objective_id = k.objective_id",
        ("rm_key_results", "rm_objectives"),
    ),
    ReportTable(
        "fact_check_in",
        "Every check-in: one row per reported value, with its business and recorded time.",
        (
            _c("check_in_id", "integer", "the check-in's position in the event log"),
            _KEY_RESULT,
            _OBJECTIVE,
            _ORG,
            _UNIT,
            _CYCLE,
            _c("member_id", "text", "who checked in → dim_member"),
            _c("value", "float", "the reported value"),
            _c("status", "text", "green, yellow or red"),
            _c("confidence", "integer", "0–10, when given"),
            _c("comment", "text", "the comment"),
            _c("checked_in_at", "timestamp", "business time: when the value was true"),
            _c("checked_in_date", "date", "its day (UTC), to join a date table"),
            _c("recorded_at", "timestamp", "when okr-es recorded it"),
            _c("recorded_date", "date", "its day (UTC)"),
        ),
        "SELECT c.position, c.key_result_id, c.objective_id, o.organization_id, o.unit_id, "
        "o.cycle_id, c.by_member, c.value, c.status, c.confidence, c.comment, c.checked_in_at, "
        "substr(c.checked_in_at, 1, 10), c.recorded_at, substr(c.recorded_at, 1, 10) "
        "FROM rm_check_ins c JOIN rm_objectives o ON o.objective_id = c.objective_id",
        ("rm_check_ins", "rm_objectives"),
    ),
    ReportTable(
        "fact_review_score",
        "Final scores of key results of closed objectives (the cycle's review).",
        (
            _KEY_RESULT,
            _OBJECTIVE,
            _ORG,
            _UNIT,
            _CYCLE,
            _c("score", "float", "the score given at closing, 0–1"),
            _c("progress", "float", "the progress measured at closing, 0–1"),
        ),
        "SELECT k.key_result_id, k.objective_id, o.organization_id, o.unit_id, o.cycle_id, "
        "k.score, k.progress FROM rm_key_results k "
        "JOIN rm_objectives o ON o.objective_id = k.objective_id WHERE k.score IS NOT NULL",
        ("rm_key_results", "rm_objectives"),
    ),
    ReportTable(
        "dim_kpi",
        "KPIs (health metrics of stable operations) with their corridor and latest value.",
        (
            _c("kpi_id", "text", "the KPI (UUID)"),
            _ORG,
            _UNIT,
            _c("kpi_name", "text", "its name"),
            _c("kpi_unit", "text", "its unit"),
            _c("lower_bound", "float", "the corridor's lower bound (if any)"),
            _c("upper_bound", "float", "the corridor's upper bound (if any)"),
            _c("latest_value", "float", "the latest measurement"),
            _c("measured_at", "timestamp", "when it was measured"),
            _c("healthy", "boolean", "the latest value lies in the corridor"),
            _c("retired", "boolean", "no longer measured"),
            _c("graduated_from_key_result_id", "text", "the key result it graduated from"),
        ),
        "SELECT kpi_id, organization_id, unit_id, name, unit, lower, upper, value, measured_at, "
        "healthy, retired, graduated_from_key_result_id FROM rm_kpis",
        ("rm_kpis",),
    ),
    ReportTable(
        "fact_kpi_measurement",
        "Every KPI measurement.",
        (
            _c("measurement_id", "integer", "the measurement's position in the event log"),
            _c("kpi_id", "text", "the KPI → dim_kpi"),
            _ORG,
            _UNIT,
            _c("value", "float", "the measured value"),
            _c("healthy", "boolean", "in the corridor as it was then"),
            _c("measured_at", "timestamp", "business time of the measurement"),
            _c("measured_date", "date", "its day (UTC)"),
        ),
        "SELECT m.position, m.kpi_id, k.organization_id, k.unit_id, m.value, m.healthy, "
        "m.measured_at, substr(m.measured_at, 1, 10) FROM rm_kpi_measurements m "
        "JOIN rm_kpis k ON k.kpi_id = m.kpi_id",
        ("rm_kpi_measurements", "rm_kpis"),
    ),
    ReportTable(
        "dim_initiative",
        "Initiatives: the work meant to move key results.",
        (
            _c("initiative_id", "text", "the initiative (UUID)"),
            _ORG,
            _UNIT,
            _c("owner_id", "text", "its owner → dim_member"),
            _c("title", "text", "what is done"),
            _c("status", "text", "running, completed or stopped"),
            _c("percent_complete", "float", "0–100 as last reported"),
            _c("started_at", "timestamp", "when it was started"),
            _c("updated_at", "timestamp", "when it last changed"),
        ),
        "SELECT initiative_id, organization_id, unit_id, owner_id, title, status, "
        "percent_complete, started_at, updated_at FROM rm_initiatives",
        ("rm_initiatives",),
    ),
    ReportTable(
        "bridge_initiative_key_result",
        "Which initiatives are linked to which key results (many to many).",
        (
            _c("initiative_id", "text", "→ dim_initiative"),
            _KEY_RESULT,
            _OBJECTIVE,
        ),
        "SELECT initiative_id, key_result_id, objective_id FROM rm_initiative_links",
        ("rm_initiative_links",),
    ),
)


def reporting_schema(application_schema: str | None) -> str:
    """``reporting`` beside the default schema; ``<schema>_reporting`` beside another."""
    if not application_schema or application_schema == "public":
        return "reporting"
    return f"{application_schema}_reporting"


def create_reporting_views(sql: Sql, schema: str, tables: Sequence[ReportTable] = TABLES) -> None:
    """Create or replace the views (PostgreSQL; the caller's search path finds the read
    models). Views whose read-model tables are missing (a runner of fewer projections)
    are left out; a store made by another version of the views has them replaced."""
    sql.run(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    sql.run(
        f'COMMENT ON SCHEMA "{schema}" IS \'okr-es reporting views, version {VERSION} '
        "(docs/reporting.md); read-only'"
    )
    found = sql.one(
        "SELECT count(*) FROM information_schema.views WHERE table_schema = :schema "
        "AND table_name = 'schema_version'",
        {"schema": schema},
    )
    if found and found[0]:
        stored = sql.one(f'SELECT max(version) FROM "{schema}".schema_version')
        if stored is None or stored[0] != VERSION:
            for table in tables:
                sql.run(f'DROP VIEW IF EXISTS "{schema}"."{table.name}" CASCADE')
    present = {
        row[0]
        for row in sql.all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    for table in tables:
        if not set(table.sources) <= present:
            continue
        casts = ", ".join(
            f"CAST(s.c{i} AS {_PG_TYPE[c.type]}) AS {c.name}" for i, c in enumerate(table.columns)
        )
        names = ", ".join(f"c{i}" for i in range(len(table.columns)))
        view = f'"{schema}"."{table.name}"'
        sql.run(
            f"CREATE OR REPLACE VIEW {view} AS SELECT {casts} FROM ({table.select}) AS s({names})"
        )
        sql.run(f"COMMENT ON VIEW {view} IS {_literal(table.description)}")
        for column in table.columns:
            sql.run(f"COMMENT ON COLUMN {view}.{column.name} IS {_literal(column.description)}")
    sql.run(
        f'CREATE OR REPLACE VIEW "{schema}".schema_version AS SELECT {VERSION} AS version, '
        "'okr-es reporting views (docs/reporting.md)'::text AS description"
    )


def render_tables(tables: Sequence[ReportTable] = TABLES) -> str:
    """The tables as docs/reporting.md lists them (a test keeps the page in step)."""
    lines: list[str] = []
    for table in tables:
        lines += [f"### `{table.name}`", "", table.description, ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
