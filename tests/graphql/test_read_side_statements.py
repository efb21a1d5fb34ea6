"""The read side of initiatives, hypotheses and roll-ups costs as many statements for a
list of 2 as for a list of 20 (batched loaders, no statement per row), on every store."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar.testing import TestClient
from test_batching import counted_statements

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

Client = TestClient[Any]

OBJECTIVES = """query($unit: UUID!, $cycle: UUID!, $first: Int!) {
  objectives(filter: {unitId: $unit, cycleId: $cycle}, first: $first) { nodes {
    title hypothesis progress derivedStatus alignedChildren { title }
    keyResults { title initiatives { title dueDate overdue } } } } }"""

INITIATIVES = """query($first: Int!) { initiatives(first: $first) { nodes {
    title dueDate overdue owner { name roles { role } units { name } initiatives { title } }
    unit { name members { member { name } } progress(cycleId: $cycle)
    derivedStatus(cycleId: $cycle) } keyResults { title } } } }"""


def _team_with_objectives(okr: OKRApplication, demo: DemoSummary, count: int) -> UUID:
    """A new team with ``count`` objectives (each with a hypothesis and a key result that
    an initiative with a due date moves) this quarter."""
    org, admin, cycle = demo.organization_id, demo.admin_id, demo.cycles["2026 Q4"]
    team: UUID = okr.add_unit(organization_id=org, name="Lag N", kind="team",
                              parent_id=demo.units["Digitalisering"], by=admin).ids["unit_id"]
    okr.change_policy(organization_id=org, mode="warn", by=admin)
    owner = demo.members["Emil Strand"]
    okr.grant_role(organization_id=org, member_id=owner, role="member", unit_id=team, by=admin)
    for i in range(count):
        ids = okr.set_objective(
            organization_id=org, unit_id=team, cycle_id=cycle, title=f"Mål {i}",
            owner_id=owner, hypothesis=f"antakelse {i}", by=admin,
            key_results=[{"title": f"Andel {i}", "metric": "increase", "start": 0,
                          "target": 10}],
        ).ids  # fmt: skip
        okr.start_initiative(
            organization_id=org, unit_id=team, title=f"Tiltak {i}", owner_id=owner,
            key_results=[(ids["objective_id"], ids["key_result_id_0"])],
            due_on=date.today() - timedelta(days=i % 3), by=admin,
        )
    return team


def test_objectives_with_hypotheses_roll_ups_and_initiatives_cost_the_same_for_2_and_20(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    team = _team_with_objectives(okr, demo, 20)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()

    def page(first: int) -> int:
        variables = {"unit": str(team), "cycle": str(demo.cycles["2026 Q4"]), "first": first}
        data, statements = counted_statements(client, service, token, OBJECTIVES, variables)
        nodes = data["objectives"]["nodes"]
        assert len(nodes) == first
        assert all(n["hypothesis"].startswith("antakelse") for n in nodes)
        assert all(len(n["keyResults"][0]["initiatives"]) == 1 for n in nodes)
        return statements

    few, many = page(2), page(20)
    assert many == few, (few, many)


def test_initiatives_with_units_rosters_and_portfolios_cost_the_same_for_2_and_20(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    _team_with_objectives(okr, demo, 20)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    document = INITIATIVES.replace("query($first: Int!)", "query($first: Int!, $cycle: UUID!)")

    def page(first: int) -> int:
        variables = {"first": first, "cycle": str(demo.cycles["2026 Q4"])}
        data, statements = counted_statements(client, service, token, document, variables)
        nodes = data["initiatives"]["nodes"]
        assert len(nodes) == first
        assert any(n["overdue"] for n in nodes)
        return statements

    few, many = page(2), page(20)
    assert many == few, (few, many)


def test_initiatives_asked_one_by_one_are_loaded_together(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    _team_with_objectives(okr, demo, 20)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    ids = [
        n["id"]
        for n in counted_statements(
            client, service, token, "{ initiatives(first: 20) { nodes { id } } }", {}
        )[0]["initiatives"]["nodes"]
    ]

    def aliased(count: int) -> int:
        fields = " ".join(
            f'i{n}: initiative(id: "{i}") {{ title owner {{ name }} keyResults {{ title }} }}'
            for n, i in enumerate(ids[:count])
        )
        data, statements = counted_statements(client, service, token, f"{{ {fields} }}", {})
        assert all(data[f"i{n}"] is not None for n in range(count))
        return statements

    assert aliased(2) == aliased(15)  # 15: the most aliases a document may hold
