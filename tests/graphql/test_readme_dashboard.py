"""The README's dashboard example, run as written against the demo: the id lookup, then
the dashboard of one team in one cycle, which shows that team's objectives in that cycle
and nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.demo import DemoSummary

README = Path(__file__).resolve().parents[2] / "README.md"
TEAM, CYCLE = "Team Selvbetjening", "2026 Q4"

ALL_OBJECTIVES = """{ objectives(first: 100) { edges { node {
  title unit { name } cycle { label } } } } }"""


def quick_start_queries() -> list[str]:
    """The GraphQL blocks of the README's quick start, in order."""
    section = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


def test_the_readme_dashboard_shows_one_team_in_one_cycle(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    lookup, dashboard = quick_start_queries()
    ids = graphql(client, lookup, token=token)
    unit = next(u["id"] for u in ids["data"]["units"] if u["name"] == TEAM)
    cycle = next(c["id"] for c in ids["data"]["cycles"] if c["label"] == CYCLE)

    body = graphql(client, dashboard, {"unit": unit, "cycle": cycle}, token=token)

    assert "errors" not in body, body
    shown = [e["node"] for e in body["data"]["objectives"]["edges"]]
    everything = graphql(client, ALL_OBJECTIVES, token=token)["data"]["objectives"]["edges"]
    expected = [
        e["node"]["title"]
        for e in everything
        if e["node"]["unit"]["name"] == TEAM and e["node"]["cycle"]["label"] == CYCLE
    ]
    assert expected and [o["title"] for o in shown] == expected
    assert len(everything) > len(expected)
    assert all(o["keyResults"] and o["owner"]["name"] for o in shown)
    assert {kr["expectedStatus"] for o in shown for kr in o["keyResults"]} - {None}
