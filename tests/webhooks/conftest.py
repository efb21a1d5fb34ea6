"""Fixtures of the webhook tests: real receivers, and the delivery running in a thread."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from webhook_support import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def okr(settings):  # type: ignore[no-untyped-def]
    """The application on each store, allowed to send webhooks to 127.0.0.1 over http,
    with its read models kept current in-process (as ``okr-es serve`` does)."""
    import msgspec

    from okr_es.application import OKRApplication
    from okr_es.projections.service import start_read_models

    application = OKRApplication(
        msgspec.structs.replace(settings, webhook_allow_http_hosts=("127.0.0.1",))
    )
    read_models = start_read_models(application)
    try:
        yield application
    finally:
        read_models.stop()
        application.close()
