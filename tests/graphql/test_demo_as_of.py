"""The demo's recorded history is real history: recorded over the quarters it tells of, so
the dashboard as of a day last quarter shows last quarter; and an ``asOf`` list costs a
fixed number of statements, however many objectives."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from gql_helpers import TODAY, graphql
from litestar.testing import TestClient
from test_batching import DASHBOARD as NOW_DASHBOARD
from test_batching import CountingViews

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, quarter_of
from okr_es.history.as_of import past_read_models
from okr_es.projections.service import ProjectionService

CURRENT = quarter_of(TODAY)
PREVIOUS = quarter_of(CURRENT[0] - timedelta(days=1))
FIRST = quarter_of(PREVIOUS[0] - timedelta(days=1))
MID_PREVIOUS = datetime.combine(PREVIOUS[0] + timedelta(days=45), time(12), tzinfo=UTC)

OBJECTIVES = """query($cycle: UUID!, $asOf: DateTime) {
  objectives(filter: {cycleId: $cycle}, asOf: $asOf, first: 50) {
    effectiveAsOf nodes { title status keyResults { checkInCount } } } }"""


def test_the_demo_is_recorded_over_its_quarters_never_going_back_nor_past_now(
    okr: OKRApplication, demo: DemoSummary
) -> None:
    events: list[Any] = [okr.decode(n) for n in okr.all_notifications()]
    stamps = [e.timestamp for e in events]

    assert stamps[0].date() < FIRST[0]  # the organisation was set up before its first quarter
    assert max(stamps) <= datetime.now(UTC)
    assert max(stamps).date() >= CURRENT[0]
    # Recorded times only go back inside one save: a team commits to an objective (first
    # in the log) after the objective's own events were made.
    backwards = {
        (type(a).__name__, type(b).__name__)
        for a, b in itertools.pairwise(events)
        if b.timestamp < a.timestamp
    }
    assert backwards <= {("ObjectiveCommitted", "ObjectiveSet")}


def test_as_of_mid_previous_quarter_shows_that_quarters_objectives_running(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    previous = demo.cycles[PREVIOUS[2]]
    current = demo.cycles[CURRENT[2]]
    mid = {"asOf": MID_PREVIOUS.isoformat()}

    then = graphql(client, OBJECTIVES, {"cycle": str(previous), **mid}, token=token)["data"]
    now = graphql(client, OBJECTIVES, {"cycle": str(previous)}, token=token)["data"]
    later = graphql(client, OBJECTIVES, {"cycle": str(current), **mid}, token=token)["data"]

    running = then["objectives"]["nodes"]
    assert running and {o["status"] for o in running} == {"active"}
    assert {o["status"] for o in now["objectives"]["nodes"]} == {"closed"}
    assert later["objectives"]["nodes"] == []  # this quarter's were not set yet
    checked_then = sum(k["checkInCount"] for o in running for k in o["keyResults"])
    checked_now = sum(
        k["checkInCount"] for o in now["objectives"]["nodes"] for k in o["keyResults"]
    )
    assert 0 < checked_then < checked_now


DASHBOARD = NOW_DASHBOARD.replace(
    "query($first: Int!)", "query($first: Int!, $asOf: DateTime)"
).replace("objectives(first: $first)", "objectives(first: $first, asOf: $asOf)")


def test_an_as_of_dashboard_costs_a_bounded_number_of_statements(
    client: TestClient[Any],
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    as_of = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC).isoformat()
    past = past_read_models(okr)
    warm = graphql(client, DASHBOARD, {"first": 1, "asOf": as_of}, token=token)
    assert "errors" not in warm, warm
    counted: list[CountingViews] = []
    for key, views in list(past._built.items()):
        counting = CountingViews(views)  # type: ignore[arg-type]
        past._built[key] = counting
        counted.append(counting)

    def statements(first: int) -> tuple[int, int]:
        before = sum(len(c.statements) for c in counted)
        body = graphql(client, DASHBOARD, {"first": first, "asOf": as_of}, token=token)
        assert "errors" not in body, body
        return len(body["data"]["objectives"]["edges"]), sum(
            len(c.statements) for c in counted
        ) - before

    few, few_statements = statements(2)
    many, many_statements = statements(25)

    assert few == 2 and many == 25
    # As now (test_batching): one statement per kind of row, and one level more for the
    # children the organisation's objective rolls up when the page holds it.
    assert many_statements <= 9
    assert few_statements <= 9


def test_the_documented_dashboard_as_of_a_date_answers_on_the_demo(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "graphql.md"
    (document,) = re.findall(r"```graphql\n(query DashboardAsOf.*?)```", guide.read_text(), re.S)
    team = demo.units["Team Platform"]

    body = graphql(
        client, document, {"unit": str(team), "cycle": str(demo.cycles["2026 Q4"])}, token=token
    )

    assert "errors" not in body, body
    data = body["data"]
    assert datetime.fromisoformat(data["objectives"]["asOf"]).date().isoformat() == "2026-11-15"
    assert {o["status"] for o in data["objectives"]["nodes"]} == {"active", "closed"}
    assert len(data["units"]) == len(demo.units) and data["kpis"] == []  # defined on the 23rd
    assert data["review"]["asOf"] == "2026-11-15"
