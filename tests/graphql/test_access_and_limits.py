"""Who may read what: a token is required, everything is scoped to its organisation, and
abusive documents are refused before anything runs."""

from __future__ import annotations

from typing import Any

from gql_helpers import codes, graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService
from support.http_api import build_org

Client = TestClient[Any]


def some_objective(client: Client, token: str) -> tuple[str, str]:
    body = graphql(
        client,
        "{ objectives(first: 1) { edges { node { id keyResults { id } } } } }",
        token=token,
    )
    node = body["data"]["objectives"]["edges"][0]["node"]
    return node["id"], node["keyResults"][0]["id"]


def test_a_request_without_a_token_is_unauthenticated(client: Client, demo: DemoSummary) -> None:
    missing = graphql(client, "{ organization { name } }")
    wrong_scheme = graphql(
        client, "{ organization { name } }", headers={"Authorization": "Basic abc"}
    )
    unknown = graphql(client, "{ organization { name } }", token="okr_" + "0" * 32 + "_nope")

    for body in (missing, wrong_scheme, unknown):
        assert body["data"] is None
        assert codes(body) == ["UNAUTHENTICATED"]


def test_two_organisations_cannot_see_each_others_data(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    other = build_org(okr, "Another agency")
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    objective_id, kr_id = some_objective(client, token)
    team = str(demo.units["Team Selvbetjening"])
    stranger = other.tokens["plain"]

    body = graphql(
        client,
        """query($o: UUID!, $k: UUID!, $u: UUID!) {
             organization { name }
             objective(id: $o) { id } keyResult(id: $k) { id }
             asOf: objective(id: $o, asOf: "2100-01-01T00:00:00Z") { id }
             objectives(filter: {unitId: $u}) { edges { node { id } } }
             all: objectives(first: 100) { edges { node { id unit { name } } } }
             units { name } cycles { label }
             changeTimeline(unitId: $u) { edges { node { sentence } } }
             kpis(unitId: $u) { name }
           }""",
        {"o": objective_id, "k": kr_id, "u": team},
        token=stranger,
    )
    history = graphql(
        client,
        "query($id: UUID!) { history(aggregateId: $id) { type } }",
        {"id": objective_id},
        token=stranger,
    )

    assert "errors" not in body, body
    data = body["data"]
    assert data["organization"] == {"name": "Another agency"}
    assert data["objective"] is None and data["keyResult"] is None and data["asOf"] is None
    assert data["objectives"]["edges"] == []
    assert {e["node"]["id"] for e in data["all"]["edges"]} == {
        str(other.objective),
        str(other.sibling_objective),
    }
    assert "Team Selvbetjening" not in {u["name"] for u in data["units"]}
    assert [c["label"] for c in data["cycles"]] == ["Current"]
    assert data["changeTimeline"]["edges"] == [] and data["kpis"] == []
    assert history["data"] is None and codes(history) == ["NOT_FOUND"]


def test_a_too_deep_query_is_refused(client: Client, demo: DemoSummary, token: str) -> None:
    deep = (
        "{ objectives { edges { node { keyResults { objective { keyResults { objective "
        "{ keyResults { objective { keyResults { objective { keyResults { id } } } } } } } } "
        "} } } } }"
    )

    body = graphql(client, deep, token=token)

    assert body.get("data") is None
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_a_query_with_too_many_tokens_is_refused(
    client: Client, demo: DemoSummary, token: str
) -> None:
    huge = "{ viewer { " + "name " * 2100 + "} }"

    body = graphql(client, huge, token=token)

    assert body.get("data") is None
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "token" in body["errors"][0]["message"].lower()


def test_a_query_with_too_many_aliases_is_refused(
    client: Client, demo: DemoSummary, token: str
) -> None:
    aliases = " ".join(f"a{i}: organization {{ name }}" for i in range(40))

    body = graphql(client, "{ " + aliases + " }", token=token)

    assert body.get("data") is None
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


def test_graphiql_is_served_on_get(client: Client) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


FAN_OUT = (
    "{ objectives(first: 100) { edges { node { keyResults { checkIns { keyResult { "
    "checkIns { keyResult { checkIns { value comment } } } } } } } } } }"
)


def test_a_query_whose_nested_lists_multiply_beyond_the_cost_limit_is_refused(
    client: Client, demo: DemoSummary, token: str
) -> None:
    # Within the depth, token and alias limits, but millions of fields in the worst case.
    body = graphql(client, FAN_OUT, token=token)

    assert body.get("data") is None
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] > body["errors"][0]["extensions"]["maxCost"]


def test_the_cost_counts_the_page_size_a_variable_asks_for(
    client: Client, demo: DemoSummary, token: str
) -> None:
    query = ("query($n: Int!) { objectives(first: $n) { edges { node { title keyResults { "
             "title checkIns { value checkedInAt status comment } } } } } }")

    small = graphql(client, query, {"n": 20}, token=token)
    large = graphql(client, query, {"n": 200}, token=token)

    assert small.get("errors") is None and small["data"]["objectives"]["edges"]
    assert codes(large) == ["QUERY_TOO_COSTLY"]


def test_fragments_spread_many_times_are_costed_without_walking_each_spread(
    client: Client, demo: DemoSummary, token: str
) -> None:
    # Each fragment spreads the next twice: 2**30 spreads if walked one by one.
    fragments = " ".join(
        f"fragment F{i} on Organization {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30)
    )
    query = f"{{ organization {{ ...F0 }} }} {fragments} fragment F30 on Organization {{ name }}"

    body = graphql(client, query, token=token)

    assert body.get("errors") is None, body
    assert body["data"]["organization"]["name"]
