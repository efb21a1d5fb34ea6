"""Fixtures of the GraphQL read API tests: the demo organisation on each store, its
projections running in the background, and the real app with the read API mounted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gql_helpers import TODAY, issue, read_api
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.projections.service import ProjectionService
from okr_es.settings import Settings


@pytest.fixture
def okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(settings)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def service(okr: OKRApplication) -> Iterator[ProjectionService]:
    running = ProjectionService(okr).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def demo(okr: OKRApplication, service: ProjectionService) -> DemoSummary:
    summary = seed_demo(okr, today=TODAY)
    assert service.wait_for(summary.position, timeout=60) >= summary.position
    return summary


@pytest.fixture
def token(okr: OKRApplication, demo: DemoSummary) -> str:
    return issue(okr, demo.organization_id, demo.admin_id)


@pytest.fixture
def client(okr: OKRApplication, service: ProjectionService) -> Iterator[TestClient[Any]]:
    with TestClient(app=read_api(okr, service)) as test_client:
        yield test_client
