"""Helpers of the GraphQL read API tests: the app with the read API, and posting documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.api.graphql import PROJECTIONS_KEY, graphql_handlers
from okr_es.application import OKRApplication
from okr_es.projections.service import ProjectionService

TODAY = date(2026, 11, 23)


def issue(okr: OKRApplication, organization_id: Any, member_id: Any) -> str:
    return (
        okr.issue_token(
            organization_id=organization_id, member_id=member_id, by=member_id, label="graphql"
        ).token
        or ""
    )


def read_api(okr: OKRApplication, service: ProjectionService, **options: Any) -> Litestar:
    """The whole app (commands and read API) with the running projection service."""
    app = create_app(application=okr, route_handlers=graphql_handlers(**options))
    app.state[PROJECTIONS_KEY] = service
    return app


def graphql(
    client: TestClient[Any],
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a GraphQL document; returns the response body (asserting a 200)."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
