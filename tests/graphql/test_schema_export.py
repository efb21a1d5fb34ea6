"""The checked-in schema (docs/schema.graphql) is the schema the server serves."""

from __future__ import annotations

from pathlib import Path

from okr_es.api.graphql.export import main, schema_sdl

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"


def test_the_checked_in_schema_is_current() -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == schema_sdl(), (
        "docs/schema.graphql is stale: run python -m okr_es.api.graphql.export docs/schema.graphql"
    )


def test_the_export_writes_the_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"

    assert main([str(target)]) == 0

    text = target.read_text(encoding="utf-8")
    assert "type Query" in text and "type Subscription" in text
