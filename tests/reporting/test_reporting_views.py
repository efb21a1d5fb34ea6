"""The reporting star schema: views on PostgreSQL that a read-only role can read (and
nothing else), and the same tables exported as CSV and Parquet on every store."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
import pytest

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.reporting_views import TABLES, VERSION, render_tables, reporting_schema
from okr_es.projections.runner import ProjectionRunner
from okr_es.reporting.export import csv_text, report_rows, write_csv_tables, write_parquet_tables
from okr_es.settings import Settings
from support.cli_process import okr_es


def _reported(app: OKRApplication) -> ProjectionRunner:
    """The demo organisation with an initiative linked to a key result, read models current."""
    summary = seed_demo(app)
    org = app.get_organization(summary.organization_id)
    objective = next(
        o for o in (app.get_objective(i) for i in _objective_ids(app, summary.organization_id))
        if o.active_key_results() and o.status == "active"
    )
    app.start_initiative(
        organization_id=org.id, unit_id=objective.unit_id, title="Ny søknadsveiviser",
        owner_id=summary.admin_id, by=summary.admin_id,
        key_results=[(objective.id, objective.active_key_results()[0].id)],
    )  # fmt: skip
    runner = ProjectionRunner(app)
    runner.catch_up()
    return runner


def _objective_ids(app: OKRApplication, organization_id: uuid.UUID) -> list[uuid.UUID]:
    org = app.get_organization(organization_id)
    ids: list[uuid.UUID] = []
    for cycle in app.cycles(org.id):
        for unit in org.units:
            team_cycle = app.get_team_cycle(unit, cycle.id)
            ids += team_cycle.objective_ids if team_cycle else []
    return ids


@pytest.fixture
def reporting_role(postgres_settings: Settings) -> Iterator[str]:
    """A login role (its grants are the test's), dropped afterwards."""
    role = f"okr_reporting_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url(postgres_settings), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        with psycopg.connect(_url(postgres_settings), autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def _url(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url


@pytest.mark.postgres
def test_the_read_only_role_reads_every_view_and_nothing_else(
    postgres_settings: Settings, reporting_role: str
) -> None:
    with OKRApplication(postgres_settings) as app:
        runner = ProjectionRunner(app)
        seed_demo(app)
        runner.catch_up()
    schema = reporting_schema(postgres_settings.database_schema)
    with psycopg.connect(_url(postgres_settings), autocommit=True) as conn:
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {reporting_role}')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {reporting_role}')

    with psycopg.connect(_url(postgres_settings), user=reporting_role, autocommit=True) as conn:
        for table in TABLES:
            cursor = conn.execute(f'SELECT * FROM "{schema}"."{table.name}"')
            assert [d.name for d in cursor.description or []] == [c.name for c in table.columns]
            cursor.fetchall()
        assert conn.execute(f'SELECT version FROM "{schema}".schema_version').fetchone() == (
            VERSION,
        )
        app_schema = postgres_settings.database_schema
        for private in ("okrapplication_events", "okrapplication_tracking", "rm_units"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f'SELECT * FROM "{app_schema}"."{private}"')
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'CREATE VIEW "{schema}".mine AS SELECT 1')


@pytest.mark.postgres
def test_with_default_privileges_the_role_reads_the_views_a_rebuild_makes_anew(
    postgres_settings: Settings, reporting_role: str
) -> None:
    schema = reporting_schema(postgres_settings.database_schema)
    with OKRApplication(postgres_settings) as app:
        runner = ProjectionRunner(app)
        seed_demo(app)
        runner.catch_up()
        with psycopg.connect(_url(postgres_settings), autocommit=True) as conn:
            owner = conn.execute("SELECT current_user").fetchone()
            assert owner is not None
            conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {reporting_role}')
            conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {reporting_role}')
            conn.execute(
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner[0]}" IN SCHEMA "{schema}" '
                f"GRANT SELECT ON TABLES TO {reporting_role}"
            )

        runner.rebuild("okr_tree")  # drops its tables, and with them the views over them

    with psycopg.connect(_url(postgres_settings), user=reporting_role) as conn:
        count = conn.execute(f'SELECT count(*) FROM "{schema}".dim_key_result').fetchone()
    assert count is not None and count[0] > 0


@pytest.mark.postgres
def test_the_views_are_those_the_export_writes(postgres_settings: Settings) -> None:
    schema = reporting_schema(postgres_settings.database_schema)
    with OKRApplication(postgres_settings) as app:
        rows = report_rows(_reported(app))
    assert len(rows["fact_check_in"]) > 100
    assert len(rows["bridge_initiative_key_result"]) == 1
    with psycopg.connect(_url(postgres_settings)) as conn:
        for table in TABLES:
            view = conn.execute(f'SELECT * FROM "{schema}"."{table.name}"').fetchall()
            assert sorted(view, key=repr) == sorted(rows[table.name], key=repr), table.name


def test_csv_and_parquet_files_read_back_as_the_tables_rows(
    app: OKRApplication, tmp_path: Path
) -> None:
    rows = report_rows(_reported(app))

    csv_files = write_csv_tables(rows, tmp_path / "csv")
    parquet_files = write_parquet_tables(rows, tmp_path / "parquet")

    for table, csv_file, parquet_file in zip(TABLES, csv_files, parquet_files, strict=True):
        names = [c.name for c in table.columns]
        with csv_file.open(encoding="utf-8", newline="") as stream:
            read = list(csv.reader(stream))
        assert read[0] == names
        assert read[1:] == [[csv_text(v) for v in row] for row in rows[table.name]]
        back = pq.read_table(parquet_file)
        assert back.column_names == names
        assert [tuple(r.values()) for r in back.to_pylist()] == rows[table.name], table.name
    assert {len(rows[t.name]) > 0 for t in TABLES if t.name != "fact_kpi_measurement"} == {True}


@pytest.mark.postgres
def test_the_views_outlive_a_rebuild_and_a_restart(postgres_settings: Settings) -> None:
    with OKRApplication(postgres_settings) as app:
        runner = _reported(app)
        before = report_rows(runner)

        runner.rebuild()
    with OKRApplication(postgres_settings) as again:
        after = report_rows(ProjectionRunner(again))

    assert after == before


def test_report_export_writes_csv_and_explains_a_missing_pyarrow(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    with OKRApplication(sqlite_settings) as app:
        seed_demo(app)
    done = okr_es(sqlite_settings, "report", "export", str(tmp_path / "csv"))
    assert done.code == 0, done.err
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{t.name}.csv" for t in TABLES
    )
    blocked = tmp_path / "no_pyarrow"
    blocked.mkdir()
    (blocked / "pyarrow.py").write_text("raise ImportError('not installed')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env |= {"OKR_ES_DATA_DIR": sqlite_settings.data_dir, "PYTHONPATH": str(blocked)}
    without = subprocess.run(
        [sys.executable, "-m", "okr_es.cli", "report", "export", "--format", "parquet",
         str(tmp_path / "parquet")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert without.returncode == 1
    assert "pip install 'okr-es[reporting]'" in without.stderr


def test_the_documented_tables_are_the_views() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "reporting.md").read_text()
    assert render_tables().strip() in page, "docs/reporting.md: update its Tables section"
