"""Time travel: an objective and its key results as they were recorded at an instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

OBJECTIVE = """query($id: UUID!, $asOf: DateTime) { objective(id: $id, asOf: $asOf) {
    id title version asOfTime keyResults { id current checkIns { value } } } }"""
KEY_RESULT = """query($id: UUID!, $asOf: DateTime) { keyResult(id: $id, asOf: $asOf) {
    current reportedStatus checkIns { value } } }"""


def test_as_of_answers_with_the_state_recorded_at_that_instant(
    client: TestClient[Any],
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    first = graphql(
        client,
        """{ objectives(filter: {status: "active"}, first: 1) { edges { node {
             id version keyResults { id current checkIns { value } } } } } }""",
        token=token,
    )["data"]["objectives"]["edges"][0]["node"]
    kr = first["keyResults"][0]
    before = datetime.now(UTC)
    written = okr.check_in(
        objective_id=first["id"],
        key_result_id=kr["id"],
        value=42.0,
        status="green",
        by=demo.admin_id,
    )
    service.wait_for(written.position, timeout=10)

    now = graphql(client, OBJECTIVE, {"id": first["id"]}, token=token)["data"]["objective"]
    then = graphql(client, OBJECTIVE, {"id": first["id"], "asOf": before.isoformat()}, token=token)[
        "data"
    ]["objective"]
    kr_then = graphql(
        client, KEY_RESULT, {"id": kr["id"], "asOf": before.isoformat()}, token=token
    )["data"]["keyResult"]
    never = graphql(
        client,
        OBJECTIVE,
        {"id": first["id"], "asOf": (before - timedelta(days=3650)).isoformat()},
        token=token,
    )["data"]["objective"]

    assert now["keyResults"][0]["current"] == 42.0
    assert then["version"] == first["version"] == now["version"] - 1
    assert then["asOfTime"] is not None
    assert then["keyResults"][0]["current"] == kr["current"]
    assert then["keyResults"][0]["checkIns"] == kr["checkIns"]
    assert kr_then["current"] == kr["current"]
    assert len(kr_then["checkIns"]) == len(kr["checkIns"])
    assert never is None


def test_as_of_never_shows_half_a_save(
    client: TestClient[Any],
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    # The objective, its two key results and the unit's ObjectiveCommitted: one save.
    written = okr.set_objective(
        organization_id=demo.organization_id,
        unit_id=demo.units["Team Data"],
        cycle_id=demo.cycles["2026 Q4"],
        title="Saved all at once",
        owner_id=demo.members["Emil Strand"],
        key_results=[
            {"title": "Rate", "metric": "increase", "start": 0, "target": 10},
            {"title": "Launch", "metric": "milestone"},
        ],
        by=demo.admin_id,
    )
    service.wait_for(written.position, timeout=10)
    objective_id = str(written.ids["objective_id"])
    kr_id = str(written.ids["key_result_id_0"])
    now = graphql(client, OBJECTIVE, {"id": objective_id}, token=token)["data"]["objective"]
    recorded = graphql(
        client,
        "query($id: UUID!) { history(aggregateId: $id) { recordedAt } }",
        {"id": objective_id},
        token=token,
    )["data"]["history"]
    assert now["version"] == len(recorded) == 3

    # At each instant the save's events were stamped with, it is all there or not yet.
    for instant in [entry["recordedAt"] for entry in recorded]:
        then = graphql(client, OBJECTIVE, {"id": objective_id, "asOf": instant}, token=token)
        kr_then = graphql(client, KEY_RESULT, {"id": kr_id, "asOf": instant}, token=token)
        assert "errors" not in then and "errors" not in kr_then, (then, kr_then)
        objective = then["data"]["objective"]
        if objective is not None:
            assert objective["version"] == 3, (instant, objective)
            assert len(objective["keyResults"]) == 2
        assert (kr_then["data"]["keyResult"] is None) == (objective is None)

    later = datetime.now(UTC).isoformat()
    whole = graphql(client, OBJECTIVE, {"id": objective_id, "asOf": later}, token=token)
    assert whole["data"]["objective"]["version"] == 3
    assert len(whole["data"]["objective"]["keyResults"]) == 2
