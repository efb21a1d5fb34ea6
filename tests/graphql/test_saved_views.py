"""Saved views in the read API, on every store: the viewer's own and the organisation's,
the stored filter run over the read models in a bounded number of statements, and the
policies an organisation stores."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gql_helpers import graphql, issue
from litestar.testing import TestClient
from test_batching import CountingViews, add_objectives

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

Client = TestClient[Any]

VIEWS = """query { savedViews { id name shared sort owner { name }
  filter { cycleId atRisk stale derivedStatus reportedStatus updatedSince } } }"""

VIEW = """query($id: UUID!, $first: Int!, $after: String) { savedView(id: $id) { name
  objectives(first: $first, after: $after) { nodes { id updatedAt }
    pageInfo { hasNextPage endCursor } } } }"""

OBJECTIVES = """query($filter: ObjectiveFilter!) { objectives(filter: $filter, first: 100) {
  nodes { id } } }"""

DASHBOARD = """query($id: UUID!, $first: Int!) { savedView(id: $id) {
  objectives(first: $first) { nodes { title progress derivedStatus owner { name }
    unit { name } cycle { label } keyResults { title progress stale expectedStatus } } } } }"""


def save(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary, by: Any, **args: Any
) -> str:
    view = okr.create_saved_view(organization_id=demo.organization_id, by=by, **args)
    assert service.wait_for(view.position, timeout=30) >= view.position
    return str(view.ids["view_id"])


def ok(client: Client, document: str, token: str, **variables: Any) -> dict[str, Any]:
    body = graphql(client, document, variables, token=token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_the_viewer_sees_their_own_views_and_the_organisations(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    emil = demo.members["Emil Strand"]
    cycle = str(demo.cycles["2026 Q4"])
    save(okr, service, demo, demo.admin_id, name="At risk", filter={"at_risk": True},
         shared=True)
    mine = save(okr, service, demo, demo.admin_id, name="Mine", filter={"cycle_id": cycle})
    emils = save(okr, service, demo, emil, name="Emil's", filter={"stale": True})

    views = ok(client, VIEWS, token)["savedViews"]
    assert [(v["name"], v["shared"]) for v in views] == [("At risk", True), ("Mine", False)]
    assert views[1]["filter"]["cycleId"] == cycle
    assert views[0]["filter"]["atRisk"] is True and views[0]["owner"] is None

    emil_token = issue(okr, demo.organization_id, emil)
    names = [v["name"] for v in ok(client, VIEWS, emil_token)["savedViews"]]
    assert names == ["At risk", "Emil's"]
    # Another member's own view is not there for the reader, as if unknown.
    assert ok(client, VIEW, token, id=emils, first=5)["savedView"] is None
    assert ok(client, VIEW, emil_token, id=mine, first=5)["savedView"] is None


def test_a_saved_view_lists_what_its_filter_lists_in_its_sort(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    cycle = str(demo.cycles["2026 Q4"])
    view = save(okr, service, demo, demo.admin_id, name="Q4 by update",
                filter={"cycle_id": cycle, "unaligned": False}, sort="recently-updated")
    expected = {
        n["id"]
        for n in ok(client, OBJECTIVES, token, filter={"cycleId": cycle, "unaligned": False})[
            "objectives"
        ]["nodes"]
    }
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = ok(client, VIEW, token, id=view, first=3, after=after)["savedView"]["objectives"]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert {n["id"] for n in seen} == expected and len(seen) == len(expected) > 3
    updated = [n["updatedAt"] for n in seen]
    assert updated == sorted(updated, reverse=True)

    okr.change_saved_view_filter(
        view_id=view, filter={"derived_status": "behind"}, by=demo.admin_id
    )
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    behind = ok(client, OBJECTIVES, token, filter={"derivedStatus": "BEHIND"})
    listed = ok(client, VIEW, token, id=view, first=100)["savedView"]["objectives"]["nodes"]
    assert {n["id"] for n in listed} == {n["id"] for n in behind["objectives"]["nodes"]}


def test_a_saved_views_objectives_cost_a_bounded_number_of_statements(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    add_objectives(okr, demo, 40)
    # The new objectives went unchecked since the quarter began: stale and at risk.
    filters = {"cycle_id": str(demo.cycles["2026 Q4"]), "at_risk": True, "stale": True,
               "unaligned": True}
    view = save(okr, service, demo, demo.admin_id, name="Neglected", filter=filters)

    def statements(first: int) -> tuple[int, int]:
        counting = CountingViews(service.runner.views)
        service.runner.views = counting  # type: ignore[assignment]
        try:
            data = ok(client, DASHBOARD, token, id=view, first=first)
        finally:
            service.runner.views = counting.views
        return len(data["savedView"]["objectives"]["nodes"]), len(counting.statements)

    few, few_statements = statements(2)
    many, many_statements = statements(40)
    assert few == 2 and many == 40
    # the view, the stored policy (stale window), the objectives, then one statement per
    # kind of row (key results, cycles, members, units, aligned children …)
    assert many_statements == few_statements
    assert many_statements <= 12


def test_the_organisation_shows_the_policies_in_effect(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    document = "query { organization { reviewPolicy lintPolicy } }"
    defaults = ok(client, document, token)["organization"]
    assert defaults["reviewPolicy"]["check_in_interval_days"] == 7
    assert defaults["lintPolicy"]["alignment"] == "each"

    okr.set_review_policy(
        organization_id=demo.organization_id,
        policy='{"check_in_interval_days":14}',
        by=demo.admin_id,
    )
    okr.set_lint_policy(
        organization_id=demo.organization_id, policy='{"alignment":"off"}', by=demo.admin_id
    )
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    stored = ok(client, document, token)["organization"]
    assert stored["reviewPolicy"] == {**defaults["reviewPolicy"], "check_in_interval_days": 14}
    assert stored["lintPolicy"] == {**defaults["lintPolicy"], "alignment": "off"}


def test_the_guides_saved_view_and_filter_queries_run_on_the_demo(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "graphql.md").read_text()
    section = guide.split("## Saved views and filters", 1)[1].split("\n## ", 1)[0]
    documents = re.findall(r"```graphql\n(.*?)```", section, re.S)
    assert len(documents) == 4
    view = save(okr, service, demo, demo.admin_id, name="At risk", filter={"at_risk": True},
                sort="recently-updated")
    variables = {"unit": str(demo.units["Digitalisering"]), "id": view, "after": None}
    answers = []
    for document in documents:
        wanted = set(re.findall(r"\$(\w+)", document))
        answers.append(ok(client, document, token, **{k: variables[k] for k in wanted}))
    assert answers[0]["objectives"]["nodes"], "the demo has objectives at risk"
    assert answers[1]["stale"]["nodes"] or answers[1]["unaligned"]["nodes"]
    assert [v["name"] for v in answers[2]["savedViews"]] == ["At risk"]
    listed = answers[3]["savedView"]["objectives"]["nodes"]
    assert {n["title"] for n in listed} == {n["title"] for n in answers[0]["objectives"]["nodes"]}


REVIEWS = """query($unit: UUID!, $cycle: UUID!, $today: Date) {
  review(unitId: $unit, cycleId: $cycle, today: $today) { flagCodes }
  reviews(cycleId: $cycle, today: $today) { unit flagCodes }
  lint(unitId: $unit, cycleId: $cycle) { findings { code } } }"""


def test_the_read_apis_review_reviews_and_lint_use_the_stored_policies(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    demo: DemoSummary,
    token: str,
) -> None:
    team = "Team Saksbehandling"
    variables = {"unit": str(demo.units[team]), "cycle": str(demo.cycles["2026 Q3"]),
                 "today": "2026-11-23"}
    before = ok(client, REVIEWS, token, **variables)
    assert "irregular-check-ins" in before["review"]["flagCodes"]
    every = {r["unit"]: r["flagCodes"] for r in before["reviews"]}
    assert "irregular-check-ins" in every[team]
    linted = {f["code"] for f in before["lint"]["findings"]}
    assert linted

    okr.set_review_policy(organization_id=demo.organization_id,
                          policy='{"disabled":["irregular-check-ins"]}', by=demo.admin_id)
    disabled = ",".join(f'"{code}"' for code in sorted(linted))
    okr.set_lint_policy(organization_id=demo.organization_id,
                        policy=f'{{"disabled":[{disabled}]}}', by=demo.admin_id)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()

    after = ok(client, REVIEWS, token, **variables)
    assert after["review"]["flagCodes"] == [
        c for c in before["review"]["flagCodes"] if c != "irregular-check-ins"
    ]
    assert all("irregular-check-ins" not in r["flagCodes"] for r in after["reviews"])
    assert after["lint"]["findings"] == []
