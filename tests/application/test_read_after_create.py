"""Read after create across processes: two applications on one store, each with its own
cache of aggregates (as two API processes behind a load balancer). An id one of them has
just returned is found by the other at once; an id that exists nowhere is still not found.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.testing import TestClient

from okr_es.aggregates.organization import Organization
from okr_es.api.app import create_app
from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import NotFound
from okr_es.settings import Settings
from support.http_api import KEY_RESULTS, Org, bearer, build_org


@pytest.fixture
def first(app: OKRApplication) -> OKRApplication:
    return app


@pytest.fixture
def second(settings: Settings) -> Iterator[OKRApplication]:
    """Another process on the same store: its own cache of aggregates."""
    with closing(OKRApplication(settings)) as application:
        yield application


@pytest.fixture
def org(first: OKRApplication) -> Org:
    return build_org(first)


def _objective_body(org: Org, unit: UUID | str, title: str = "Faster answers") -> dict[str, Any]:
    return {
        "organization_id": str(org.id),
        "unit_id": str(unit),
        "cycle_id": str(org.cycle),
        "title": title,
        "owner_id": str(org.members["admin"]),
        "key_results": KEY_RESULTS,
    }


def _set_objective(application: OKRApplication, org: Org, unit: UUID) -> CommandResult:
    admin = org.members["admin"]
    return application.set_objective(
        organization_id=org.id,
        unit_id=unit,
        cycle_id=org.cycle,
        title="Faster answers",
        owner_id=admin,
        by=admin,
    )


def test_a_unit_created_through_one_application_takes_objectives_through_another(
    first: OKRApplication, second: OKRApplication, org: Org
) -> None:
    second.get_organization(org.id)  # the second process has the organisation cached
    unit = first.add_unit(
        organization_id=org.id,
        name="New team",
        kind="team",
        parent_id=org.root,
        by=org.members["admin"],
    ).ids["unit_id"]

    result = _set_objective(second, org, unit)

    assert first.get_objective(result.ids["objective_id"]).unit_id == unit


def test_a_member_added_through_one_application_acts_through_another_at_once(
    first: OKRApplication, second: OKRApplication, org: Org
) -> None:
    second.read_aggregate(Organization, org.id, fresh=False)  # cached in the second
    member = first.add_member(
        organization_id=org.id, name="Nina Ny", email="nina@example.no", by=org.members["admin"]
    ).ids["member_id"]

    found = second.read_aggregate_having(Organization, org.id, lambda o: o.member(member))

    assert member in found.members
    with pytest.raises(NotFound) as refused:
        second.read_aggregate_having(Organization, org.id, lambda o: o.member(uuid4()))
    assert refused.value.field == "member_id"


def test_an_id_that_exists_nowhere_is_not_found_on_either_application(
    first: OKRApplication, second: OKRApplication, org: Org
) -> None:
    second.get_organization(org.id)
    unknown = uuid4()
    refusals = []
    for application in (first, second):
        with pytest.raises(NotFound) as refused:
            _set_objective(application, org, unknown)
        refusals.append((refused.value.code, refused.value.field, refused.value.message))
    assert refusals[0] == refusals[1]
    assert refusals[0][1] == "unit_id"


def test_over_http_a_unit_just_created_by_one_process_is_found_by_the_other(
    first: OKRApplication, second: OKRApplication, org: Org
) -> None:
    admin = bearer(org.tokens["admin"])
    with (
        TestClient(app=create_app(application=first)) as one,
        TestClient(app=create_app(application=second)) as other,
    ):
        # The second process reads the organisation for this token now; within the
        # token recheck interval it answers from memory.
        warm = other.post(
            "/api/v1/objectives", json=_objective_body(org, org.team, "Warm"), headers=admin
        )
        assert warm.status_code == 201, warm.text
        created = one.post(
            f"/api/v1/organizations/{org.id}/units",
            json={"name": "New team", "kind": "team", "parent_id": str(org.root)},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        unit = created.json()["ids"]["unit_id"]

        response = other.post("/api/v1/objectives", json=_objective_body(org, unit), headers=admin)

        assert response.status_code == 201, response.text
        assert first.get_objective(response.json()["ids"]["objective_id"]).unit_id == UUID(unit)


def test_over_http_an_unknown_unit_is_answered_alike_by_both_processes(
    first: OKRApplication, second: OKRApplication, org: Org
) -> None:
    admin = bearer(org.tokens["admin"])
    unknown = uuid4()
    with (
        TestClient(app=create_app(application=first)) as one,
        TestClient(app=create_app(application=second)) as other,
    ):
        answers = [
            client.post("/api/v1/objectives", json=_objective_body(org, unknown), headers=admin)
            for client in (one, other)
        ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
