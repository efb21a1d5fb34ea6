"""No N+1: a dashboard costs a fixed number of statements, however many objectives."""

from __future__ import annotations

from typing import Any

from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.recorder import ViewRecorder
from okr_es.projections.service import ProjectionService

DASHBOARD = """query($first: Int!) { objectives(first: $first) { edges { node {
    title progress owner { name } unit { name parent { name } } cycle { label }
    keyResults { title current progress reportedStatus expectedStatus stale
                 checkIns { value by { name } } } } } } }"""


class CountingViews:
    """The real views, counting the statements the read API sends."""

    def __init__(self, views: ViewRecorder) -> None:
        self.views = views
        self.statements: list[str] = []

    def query(self, statement: str, params: dict[str, Any] | None = None) -> Any:
        self.statements.append(statement)
        return self.views.query(statement, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)


def statements_for(
    client: TestClient[Any], service: ProjectionService, token: str, first: int
) -> tuple[int, int]:
    counting = CountingViews(service.runner.views)
    service.runner.views = counting  # type: ignore[assignment]
    try:
        body = graphql(client, DASHBOARD, {"first": first}, token=token)
    finally:
        service.runner.views = counting.views
    assert "errors" not in body, body
    return len(body["data"]["objectives"]["edges"]), len(counting.statements)


def add_objectives(okr: OKRApplication, demo: DemoSummary, count: int) -> None:
    """More objectives for one team this quarter (the policy only warns)."""
    okr.change_policy(organization_id=demo.organization_id, by=demo.admin_id, mode="warn")
    for i in range(count):
        okr.set_objective(
            organization_id=demo.organization_id,
            unit_id=demo.units["Team Data"],
            cycle_id=demo.cycles["2026 Q4"],
            title=f"Extra objective {i}",
            owner_id=demo.members["Emil Strand"],
            key_results=[
                {"title": f"Rate {i}", "metric": "increase", "start": 0, "target": 10},
                {"title": f"Launch {i}", "metric": "milestone"},
            ],
            by=demo.admin_id,
        )


def test_a_fifty_objective_dashboard_costs_a_bounded_number_of_statements(
    client: TestClient[Any],
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    add_objectives(okr, demo, 50 - demo.objectives)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()

    few, few_statements = statements_for(client, service, token, 2)
    many, many_statements = statements_for(client, service, token, 50)

    assert few == 2 and many == 50
    # objectives, key results, check-ins, cycles, members, units, the units' parents, and
    # the children that the demo's organisation objective rolls up into its progress, with
    # their key results when the page does not hold them already
    assert many_statements <= 9
    assert few_statements <= 9




ROLL_UP = """query($unit: UUID!, $cycle: UUID!, $first: Int!) {
  objectives(filter: {unitId: $unit, cycleId: $cycle}, first: $first) { edges { node {
    progress derivedStatus rollUpMode keyResults { weight }
    alignedChildren { title progress derivedStatus keyResults { weight } } } } } }"""

PORTFOLIOS = """query($cycle: UUID!) {
  units { name progress(cycleId: $cycle) derivedStatus(cycleId: $cycle) } }"""


def counted_statements(
    client: TestClient[Any],
    service: ProjectionService,
    token: str,
    document: str,
    variables: dict[str, Any],
) -> tuple[dict[str, Any], int]:
    counting = CountingViews(service.runner.views)
    service.runner.views = counting  # type: ignore[assignment]
    try:
        body = graphql(client, document, variables, token=token)
    finally:
        service.runner.views = counting.views
    assert "errors" not in body, body
    return body["data"], len(counting.statements)


def test_roll_ups_and_portfolios_cost_a_bounded_number_of_statements(
    client: TestClient[Any],
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    """Twenty department objectives, each rolling up a team objective aligned to it."""
    department, cycle = demo.units["Digitalisering"], demo.cycles["2026 Q4"]
    portfolios = {"cycle": str(cycle)}
    _, demo_portfolios = counted_statements(client, service, token, PORTFOLIOS, portfolios)
    okr.change_policy(organization_id=demo.organization_id, by=demo.admin_id, mode="warn")
    for i in range(20):
        parent = okr.set_objective(
            organization_id=demo.organization_id, unit_id=department, cycle_id=cycle,
            title=f"Department goal {i}", owner_id=demo.admin_id, by=demo.admin_id,
            key_results=[{"title": f"Reach {i}", "metric": "increase", "start": 0, "target": 9}],
        ).ids["objective_id"]
        okr.change_roll_up_mode(
            objective_id=parent, mode="key_results_and_children", by=demo.admin_id
        )
        okr.set_objective(
            organization_id=demo.organization_id, unit_id=demo.units["Team Data"],
            cycle_id=cycle, title=f"Team goal {i}", owner_id=demo.admin_id, by=demo.admin_id,
            aligned_to_objective_id=parent,
            key_results=[{"title": f"Ship {i}", "metric": "milestone"}],
        )
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()

    def page(first: int) -> int:
        variables = {"unit": str(department), "cycle": str(cycle), "first": first}
        data, statements = counted_statements(client, service, token, ROLL_UP, variables)
        nodes = [e["node"] for e in data["objectives"]["edges"]]
        assert len(nodes) == first
        assert all(len(n["alignedChildren"]) == 1 for n in nodes)
        return statements

    few, many = page(2), page(20)
    data, more_portfolios = counted_statements(client, service, token, PORTFOLIOS, portfolios)

    # objectives, key results, cycles, and per level of alignment the children and their
    # key results: as many for 2 objectives as for 20
    assert many <= 6
    assert many == few
    # units, the cycle's objectives, key results, cycles, and per level of alignment the
    # children and their key results: as many for the demo as with forty more objectives
    assert more_portfolios <= 8
    assert more_portfolios == demo_portfolios
    assert all(u["progress"] is not None for u in data["units"])
