"""Roll-up in the read API, on every store: weighted objective progress, roll-up modes,
derived status, the downward edge of alignment and per-unit portfolios."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import ORGANIZATION_NAME, DemoSummary
from okr_es.projections.service import ProjectionService

Client = TestClient[Any]
SEVERITY = {"ON_TRACK": 0, "AT_RISK": 1, "BEHIND": 2}
REPORTED = {"green": "ON_TRACK", "yellow": "AT_RISK", "red": "BEHIND"}

OBJECTIVE = """query($id: UUID!) { objective(id: $id) {
  title status progress derivedStatus rollUpMode
  keyResults { weight progress reportedStatus expectedStatus }
  alignedChildren { id title status progress derivedStatus rollUpMode
    keyResults { weight progress reportedStatus expectedStatus } }
} }"""

PORTFOLIO = """query($cycle: UUID!) { units { name kind
  progress(cycleId: $cycle) derivedStatus(cycleId: $cycle) } }"""

OBJECTIVES = """query($unit: UUID!, $cycle: UUID!) {
  objectives(filter: {unitId: $unit, includeDescendants: true, cycleId: $cycle}, first: 100) {
    nodes { id status progress derivedStatus rollUpMode alignedToObjectiveId } } }"""


def worst(statuses: list[str | None]) -> str | None:
    known = [s for s in statuses if s is not None]
    return max(known, key=SEVERITY.__getitem__) if known else None


def key_result_status(kr: dict[str, Any]) -> str | None:
    return worst([REPORTED.get(kr["reportedStatus"] or ""), kr["expectedStatus"]])


def objective(client: Client, token: str, objective_id: Any) -> dict[str, Any]:
    body = graphql(client, OBJECTIVE, {"id": str(objective_id)}, token=token)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["objective"]
    return found


def organisation_goal(okr: OKRApplication, demo: DemoSummary) -> UUID:
    team_cycle = okr.get_team_cycle(demo.units[ORGANIZATION_NAME], demo.cycles["2026 Q4"])
    assert team_cycle is not None
    (goal,) = team_cycle.objective_ids
    return goal


def new_objective(
    okr: OKRApplication, demo: DemoSummary, title: str, **kwargs: Any
) -> tuple[UUID, list[UUID]]:
    result = okr.set_objective(
        organization_id=demo.organization_id,
        unit_id=demo.units["Digitalisering"],
        cycle_id=demo.cycles["2026 Q4"],
        title=title,
        owner_id=demo.admin_id,
        by=demo.admin_id,
        key_results=[
            {"title": "Rate up", "metric": "increase", "start": 0, "target": 10},
            {"title": "Backlog down", "metric": "decrease", "start": 100, "target": 0},
        ],
        **kwargs,
    )
    ids = result.ids
    return ids["objective_id"], [ids["key_result_id_0"], ids["key_result_id_1"]]


def settle(okr: OKRApplication, service: ProjectionService) -> None:
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()


def test_the_demo_organisation_objective_rolls_up_its_four_aligned_team_objectives(
    client: Client, okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    found = objective(client, token, organisation_goal(okr, demo))

    children = found["alignedChildren"]
    assert found["rollUpMode"] == "CHILDREN"
    assert len(children) == 4
    assert {c["status"] for c in children} == {"active"}
    assert found["progress"] > 0.0
    assert found["progress"] == pytest.approx(sum(c["progress"] for c in children) / 4)
    for child in children:
        krs = child["keyResults"]
        assert child["rollUpMode"] == "KEY_RESULTS"
        assert child["progress"] == pytest.approx(sum(k["progress"] for k in krs) / len(krs))
        assert child["derivedStatus"] == worst([key_result_status(k) for k in krs])
    assert found["derivedStatus"] == worst([c["derivedStatus"] for c in children])
    # Its own key results, never checked in, no longer drag it to 0 and BEHIND.
    assert [k["progress"] for k in found["keyResults"]] == [0.0, 0.0]


def test_a_weighted_key_result_counts_by_its_weight_in_the_objective_progress(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    goal, (rate, _) = new_objective(okr, demo, "Weighted goal")
    okr.check_in(objective_id=goal, key_result_id=rate, value=8, status="green", by=demo.admin_id)
    okr.weight_key_result(objective_id=goal, key_result_id=rate, weight=3, by=demo.admin_id)
    settle(okr, service)

    found = objective(client, token, goal)

    assert [k["weight"] for k in found["keyResults"]] == [3.0, 1.0]
    assert found["progress"] == pytest.approx((3 * 0.8 + 1 * 0.0) / 4)
    assert found["derivedStatus"] == worst([key_result_status(k) for k in found["keyResults"]])


def test_an_objective_counting_key_results_and_children_takes_each_child_as_one_part(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    goal = organisation_goal(okr, demo)
    okr.change_roll_up_mode(objective_id=goal, mode="key_results_and_children", by=demo.admin_id)
    settle(okr, service)

    found = objective(client, token, goal)

    parts = [k["progress"] for k in found["keyResults"]] + [
        c["progress"] for c in found["alignedChildren"]
    ]
    assert found["rollUpMode"] == "KEY_RESULTS_AND_CHILDREN"
    assert len(parts) == 6
    assert found["progress"] == pytest.approx(sum(parts) / 6)
    statuses = [key_result_status(k) for k in found["keyResults"]]
    statuses += [c["derivedStatus"] for c in found["alignedChildren"]]
    assert found["derivedStatus"] == worst(statuses)


def test_a_dropped_child_is_listed_but_not_counted_and_has_no_derived_status(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    goal = organisation_goal(okr, demo)
    child, (rate, _) = new_objective(okr, demo, "Soon dropped", aligned_to_objective_id=goal)
    okr.check_in(objective_id=child, key_result_id=rate, value=10, status="green", by=demo.admin_id)
    settle(okr, service)
    with_child = objective(client, token, goal)
    okr.drop_objective(objective_id=child, reason="moved on", by=demo.admin_id)
    settle(okr, service)

    found = objective(client, token, goal)

    dropped = [c for c in found["alignedChildren"] if c["status"] == "dropped"]
    counted = [c for c in found["alignedChildren"] if c["status"] != "dropped"]
    assert len(with_child["alignedChildren"]) == len(found["alignedChildren"]) == 5
    assert [(c["title"], c["progress"], c["derivedStatus"]) for c in dropped] == [
        ("Soon dropped", 0.5, None)
    ]
    assert with_child["progress"] == pytest.approx(
        sum(c["progress"] for c in with_child["alignedChildren"]) / 5
    )
    assert found["progress"] == pytest.approx(sum(c["progress"] for c in counted) / 4)


def test_a_units_portfolio_counts_every_objective_below_it_once(
    client: Client, demo: DemoSummary, token: str
) -> None:
    cycle = str(demo.cycles["2026 Q4"])
    units = graphql(client, PORTFOLIO, {"cycle": cycle}, token=token)
    assert "errors" not in units, units
    by_name = {u["name"]: u for u in units["data"]["units"]}
    sizes = {}

    for name in (ORGANIZATION_NAME, "Digitalisering", "Helse og velferd", "Team Data"):
        body = graphql(
            client, OBJECTIVES, {"unit": str(demo.units[name]), "cycle": cycle}, token=token
        )
        assert "errors" not in body, body
        nodes = body["data"]["objectives"]["nodes"]
        live = {n["id"]: n for n in nodes if n["status"] != "dropped"}
        # Inside an objective of the same portfolio that counts its children, not again.
        counted = [
            n
            for n in live.values()
            if n["alignedToObjectiveId"] not in live
            or live[n["alignedToObjectiveId"]]["rollUpMode"] == "KEY_RESULTS"
        ]
        sizes[name] = (len(counted), len(live))
        unit = by_name[name]
        assert unit["progress"] == pytest.approx(
            sum(n["progress"] for n in counted) / len(counted)
        ), name
        assert unit["derivedStatus"] == worst([n["derivedStatus"] for n in counted]), name
    # The organisation counts its own objective (its four children inside it), and the
    # three team objectives not aligned to it: four of its eight live objectives.
    assert sizes == {ORGANIZATION_NAME: (4, 8), "Digitalisering": (6, 6),
                     "Helse og velferd": (1, 1), "Team Data": (2, 2)}


def test_a_unit_without_objectives_in_the_cycle_has_no_portfolio(
    client: Client, demo: DemoSummary, token: str
) -> None:
    body = graphql(client, PORTFOLIO, {"cycle": str(demo.cycles["2026 Q4"])}, token=token)

    assert "errors" not in body, body
    (department,) = [u for u in body["data"]["units"] if u["name"] == "Helse og velferd"]
    assert department["progress"] is not None
    body = graphql(
        client, PORTFOLIO, {"cycle": "00000000-0000-4000-8000-000000000000"}, token=token
    )
    assert {(u["progress"], u["derivedStatus"]) for u in body["data"]["units"]} == {(None, None)}


def test_an_objective_read_as_of_an_instant_counts_its_key_results_only(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    goal, (rate, _) = new_objective(okr, demo, "Travelled goal")
    okr.weight_key_result(objective_id=goal, key_result_id=rate, weight=4, by=demo.admin_id)
    okr.check_in(objective_id=goal, key_result_id=rate, value=5, status="yellow", by=demo.admin_id)
    okr.change_roll_up_mode(objective_id=goal, mode="children", by=demo.admin_id)
    settle(okr, service)
    now = okr.clock().isoformat()

    body = graphql(
        client,
        """query($id: UUID!, $at: DateTime!) { objective(id: $id, asOf: $at) {
          progress derivedStatus rollUpMode alignedChildren { id } keyResults { weight } } }""",
        {"id": str(goal), "at": now},
        token=token,
    )

    assert "errors" not in body, body
    found = body["data"]["objective"]
    assert found["rollUpMode"] == "CHILDREN"
    assert found["alignedChildren"] == []
    assert [k["weight"] for k in found["keyResults"]] == [4.0, 1.0]
    assert found["progress"] == pytest.approx(4 * 0.5 / 5)
    assert found["derivedStatus"] == "BEHIND"  # the backlog has not moved all quarter


def test_the_documented_portfolio_query_answers_on_the_demo(
    client: Client, demo: DemoSummary, token: str
) -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "graphql.md"
    (document,) = re.findall(r"```graphql\n(query Portfolio.*?)```", guide.read_text(), re.S)

    body = graphql(client, document, {"cycle": str(demo.cycles["2026 Q4"])}, token=token)

    assert "errors" not in body, body
    root = body["data"]["organization"]["rootUnit"]
    departments = {d["name"]: d for d in root["children"]}
    assert set(departments) == {"Digitalisering", "Helse og velferd"}
    for unit in (root, *departments.values()):
        assert 0.0 < unit["progress"] < 1.0
        assert unit["derivedStatus"] in SEVERITY
    assert {t["name"] for t in departments["Digitalisering"]["children"]} == {
        "Team Selvbetjening", "Team Saksbehandling", "Team Data", "Team Platform"
    }
    (goal,) = body["data"]["objectives"]["nodes"]
    assert goal["rollUpMode"] == "CHILDREN"
    assert len(goal["alignedChildren"]) == 4
    assert goal["progress"] > 0.0
