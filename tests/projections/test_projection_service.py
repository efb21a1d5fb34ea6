"""The background follower: wakes on saves, and readers can wait for their own write."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okr_es.application import OKRApplication
from okr_es.projections.service import ProjectionService


@pytest.fixture
def service(app: OKRApplication) -> Iterator[ProjectionService]:
    running = ProjectionService(app).start()
    try:
        yield running
    finally:
        running.stop()


def test_a_reader_waiting_for_its_write_sees_it_in_the_read_model(
    app: OKRApplication, service: ProjectionService
) -> None:
    result = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")

    reached = service.wait_for(result.position, timeout=10)

    assert reached >= result.position
    rows = service.runner.views.query("SELECT name FROM rm_organizations")
    assert rows == [("Org",)]


def test_waiting_for_a_position_not_yet_written_times_out_with_the_position_reached(
    app: OKRApplication, service: ProjectionService
) -> None:
    written = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    service.wait_for(written.position, timeout=10)

    reached = service.wait_for(written.position + 1000, timeout=0.05)

    assert reached == written.position


def test_listeners_hear_each_applied_position(
    app: OKRApplication, service: ProjectionService
) -> None:
    heard: list[int] = []
    service.on_applied(heard.append)
    written = app.register_organization(name="Org", admin_name="A", admin_email="a@x.no")
    service.wait_for(written.position, timeout=10)
    assert heard and heard[-1] >= written.position
