"""PostgreSQL ends every connection okr-es holds (a server restart, a failover, an idle
timeout in a proxy): the next requests still answer, on fresh connections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from okr_es.api.server import create_server_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import build_org

pytestmark = pytest.mark.postgres

KEY_RESULT_QUERY = "query ($id: UUID!) { keyResult(id: $id) { current checkIns { value } } }"


def end_connections_opened_since(settings: Settings, since: datetime) -> int:
    """What a restart does to okr-es: every server process of its connections ends."""
    with psycopg.connect(settings.database_url or "", autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_start >= %s",
            (since,),
        ).fetchone()
    assert ended is not None
    return int(ended[0])


def test_commands_and_reads_go_on_after_postgresql_ends_every_connection(
    postgres_settings: Settings,
) -> None:
    since = datetime.now(UTC)
    with OKRApplication(postgres_settings) as okr:
        org = build_org(okr)
        client: TestClient[Any]
        with TestClient(app=create_server_app(postgres_settings, okr)) as client:
            owner = {"Authorization": f"Bearer {org.tokens['owner']}"}
            path = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}/check-ins"
            first = client.post(path, json={"value": 65, "status": "green"}, headers=owner)
            assert first.status_code == 201, first.text

            assert end_connections_opened_since(postgres_settings, since) > 0

            second = client.post(path, json={"value": 70, "status": "yellow"}, headers=owner)
            assert second.status_code == 201, second.text
            read = client.post(
                "/graphql",
                json={"query": KEY_RESULT_QUERY, "variables": {"id": str(org.key_result)}},
                headers={**owner, "X-OKR-Position": str(second.json()["position"])},
            )
            assert read.status_code == 200, read.text
            assert "errors" not in read.json(), read.json()
            key_result = read.json()["data"]["keyResult"]
            assert key_result["current"] == 70
            assert [c["value"] for c in key_result["checkIns"]][-2:] == [65, 70]
