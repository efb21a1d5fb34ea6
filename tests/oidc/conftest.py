"""Fixtures of the sign-in tests: the OpenID provider (once per run) and an organisation
served over a real socket whose members sign in with it (on each store)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okr_es.settings import Settings
from support.openid_provider import Provider, Served, running_provider, served_organization


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def served(settings: Settings, provider: Provider) -> Iterator[Served]:
    with served_organization(settings, provider) as served_org:
        yield served_org
