"""Fixtures of the HTTP API tests: the real app over an application on each store.

Every test here runs on SQLite and on PostgreSQL (the ``settings`` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from okr_es.api import create_app
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.http_api import Org, build_org


@pytest.fixture
def okr(settings: Settings) -> Iterator[OKRApplication]:
    application = OKRApplication(settings)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def client(okr: OKRApplication) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(application=okr)) as test_client:
        yield test_client


@pytest.fixture
def org(okr: OKRApplication) -> Org:
    return build_org(okr)


@pytest.fixture
def other_org(okr: OKRApplication) -> Org:
    return build_org(okr, "Another agency")
