"""The read API's queries against the demo organisation, on every store."""

from __future__ import annotations

import base64
from typing import Any

from gql_helpers import codes, graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary

Client = TestClient[Any]

DASHBOARD = """
query Dashboard($unit: UUID!, $cycle: UUID!) {
  objectives(filter: {unitId: $unit, cycleId: $cycle}, first: 50) {
    edges { cursor node {
      id title status progress
      owner { name }
      unit { name kind }
      cycle { label start end }
      keyResults { id title metric start target current progress reportedStatus
                   expectedStatus stale checkIns { value status by { name } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def current_cycle(demo: DemoSummary) -> Any:
    return demo.cycles["2026 Q4"]


def test_a_team_dashboard_shows_objectives_key_results_progress_and_pace(
    client: Client, demo: DemoSummary, token: str
) -> None:
    team = demo.units["Team Selvbetjening"]

    body = graphql(
        client, DASHBOARD, {"unit": str(team), "cycle": str(current_cycle(demo))}, token=token
    )

    assert "errors" not in body, body
    edges = body["data"]["objectives"]["edges"]
    assert edges, "the team has objectives this quarter"
    for edge in edges:
        node = edge["node"]
        assert node["unit"]["name"] == "Team Selvbetjening"
        assert node["owner"]["name"] == "Ola Nordmann"
        assert node["cycle"]["label"] == "2026 Q4"
        assert node["keyResults"]
        for kr in node["keyResults"]:
            assert 0.0 <= kr["progress"] <= 1.0
            assert kr["expectedStatus"] in {"ON_TRACK", "AT_RISK", "BEHIND"}
            if kr["stale"]:
                assert kr["expectedStatus"] != "ON_TRACK"
            if kr["checkIns"]:
                assert kr["current"] == kr["checkIns"][-1]["value"]
    assert body["data"]["objectives"]["pageInfo"]["hasNextPage"] is False


def test_objectives_page_with_cursors_without_gaps_or_repeats(
    client: Client, demo: DemoSummary, token: str
) -> None:
    query = """query($after: String) { objectives(first: 7, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = graphql(client, query, {"after": after}, token=token)["data"]["objectives"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(seen) == len(set(seen)) == demo.objectives


def test_objectives_of_a_department_include_its_teams_when_asked(
    client: Client, demo: DemoSummary, token: str
) -> None:
    query = """query($unit: UUID!, $all: Boolean!) { objectives(
        filter: {unitId: $unit, includeDescendants: $all, level: "team"}, first: 100) {
        edges { node { unit { name } } } } }"""
    department = str(demo.units["Digitalisering"])

    own = graphql(client, query, {"unit": department, "all": False}, token=token)
    below = graphql(client, query, {"unit": department, "all": True}, token=token)

    assert own["data"]["objectives"]["edges"] == []
    names = {e["node"]["unit"]["name"] for e in below["data"]["objectives"]["edges"]}
    assert names == {"Team Selvbetjening", "Team Saksbehandling", "Team Data", "Team Platform"}


def test_the_organisation_shows_its_policy_unit_tree_and_members(
    client: Client, demo: DemoSummary, token: str
) -> None:
    body = graphql(
        client,
        """{ organization { name policy { maxObjectives mode }
             rootUnit { name children { name kind children { name } } }
             members { name } }
           units { id } cycles { label elapsedShare } viewer { name } }""",
        token=token,
    )

    assert "errors" not in body, body
    org = body["data"]["organization"]
    assert org["name"] == "Fjordby kommune"
    assert org["policy"] == {"maxObjectives": 3, "mode": "enforce"}
    departments = {c["name"]: c for c in org["rootUnit"]["children"]}
    assert set(departments) == {"Digitalisering", "Helse og velferd"}
    assert {c["name"] for c in departments["Helse og velferd"]["children"]} == {
        "Team Hjemmetjenester"
    }
    assert len(org["members"]) == len(demo.members)
    assert len(body["data"]["units"]) == len(demo.units)
    assert [c["label"] for c in body["data"]["cycles"]] == ["2026 Q2", "2026 Q3", "2026 Q4"]
    assert body["data"]["viewer"] == {"name": "Ingrid Berg"}


def test_a_key_result_shows_its_check_in_history_oldest_first(
    client: Client, demo: DemoSummary, token: str
) -> None:
    first = graphql(
        client,
        "{ objectives(first: 10) { edges { node { keyResults { id checkInCount } } } } }",
        token=token,
    )
    kr_id = next(
        kr["id"]
        for edge in first["data"]["objectives"]["edges"]
        for kr in edge["node"]["keyResults"]
        if kr["checkInCount"] > 1
    )

    body = graphql(
        client,
        """query($id: UUID!) { keyResult(id: $id) { id checkInCount
             objective { title } checkIns { position checkedInAt } } }""",
        {"id": kr_id},
        token=token,
    )

    kr = body["data"]["keyResult"]
    positions = [c["position"] for c in kr["checkIns"]]
    assert len(positions) == kr["checkInCount"] > 0
    assert positions == sorted(positions)
    assert kr["objective"]["title"]


def test_the_change_timeline_and_kpis_of_a_team(
    client: Client, demo: DemoSummary, token: str
) -> None:
    team = str(demo.units["Team Selvbetjening"])
    body = graphql(
        client,
        """query($unit: UUID!) {
             changeTimeline(unitId: $unit, first: 5) {
               edges { cursor node { position eventType sentence unit { name } } }
               pageInfo { hasNextPage } }
             kpis(unitId: $unit) { name lower retired owningUnit { name } measurements { value } }
           }""",
        {"unit": team},
        token=token,
    )

    assert "errors" not in body, body
    timeline = body["data"]["changeTimeline"]
    assert len(timeline["edges"]) == 5 and timeline["pageInfo"]["hasNextPage"]
    assert all(e["node"]["unit"]["name"] == "Team Selvbetjening" for e in timeline["edges"])
    assert all(e["node"]["sentence"] for e in timeline["edges"])
    assert body["data"]["kpis"][0]["name"] == "Oppetid for Min side"
    assert body["data"]["kpis"][0]["lower"] == 99.5


def test_an_auditor_reads_every_event_of_an_aggregate(
    client: Client, okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    body = graphql(
        client,
        """query($id: UUID!) { history(aggregateId: $id) {
             version type recordedAt byMemberId data by { name } } }""",
        {"id": str(demo.organization_id)},
        token=token,
    )

    events = body["data"]["history"]
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "Organization.OrganizationRegistered"
    assert events[0]["data"]["name"] == "Fjordby kommune"
    issued = [e for e in events if e["type"].endswith("AccessTokenIssued")]
    assert issued and all("token_hash" not in e["data"] for e in issued)
    assert len(events) == len(okr.history(demo.organization_id))


def test_unknown_ids_answer_null_or_not_found(
    client: Client, demo: DemoSummary, token: str
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    body = graphql(
        client,
        """query($id: UUID!) { objective(id: $id) { id } keyResult(id: $id) { id } }""",
        {"id": unknown},
        token=token,
    )
    history = graphql(
        client,
        "query($id: UUID!) { history(aggregateId: $id) { version } }",
        {"id": unknown},
        token=token,
    )

    assert body["data"] == {"objective": None, "keyResult": None}
    assert codes(history) == ["NOT_FOUND"]


def test_malformed_input_is_a_bad_user_input_error_not_a_crash(
    client: Client, demo: DemoSummary, token: str
) -> None:
    bad_id = graphql(
        client, "query($id: UUID!) { objective(id: $id) { id } }", {"id": "x"}, token=token
    )
    bad_cursor = graphql(client, '{ objectives(after: "nope") { edges { cursor } } }', token=token)
    too_many = graphql(client, "{ objectives(first: 1000) { edges { cursor } } }", token=token)

    assert codes(bad_id) == ["BAD_USER_INPUT"]
    assert codes(bad_cursor) == ["BAD_USER_INPUT"]
    assert codes(too_many) == ["BAD_USER_INPUT"]
    for body in (bad_id, bad_cursor, too_many):
        assert "Traceback" not in str(body)


def _b64(text: str, *, padded: bool = True) -> str:
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


def test_a_cursor_not_made_by_the_server_is_refused_not_read_as_another_page(
    client: Client, demo: DemoSummary, token: str
) -> None:
    page = graphql(client, "{ objectives(first: 1) { pageInfo { endCursor } } }", token=token)
    set_at, objective_id = base64.urlsafe_b64decode(
        page["data"]["objectives"]["pageInfo"]["endCursor"]
    ).decode().split("|")[1:]
    objectives = [
        "objective|", "objective|a|b|c", f"objective|not-a-date|{objective_id}",
        f"objective|{set_at}|not-a-uuid", f"objective|{set_at}|{objective_id.upper()}",
        f"objective|{set_at.replace('+00:00', '+02:00')}|{objective_id}",
    ]
    timelines = ["timeline|1|2", "timeline|99999999999999999999999", "timeline|-5",
                 "timeline| 5", "timeline|٣", "timeline|5_0", "timeline|"]
    queries = [
        ("query($a: String) { objectives(first: 3, after: $a) { edges { cursor } } }", c)
        for c in [_b64(t) for t in objectives]
        # Base64 that decodes only leniently: padding dropped, a stray character added.
        + [_b64(f"objective|{set_at}|{objective_id}", padded=False) + "!"]
    ] + [
        ("query($a: String) { changeTimeline(first: 2, after: $a) { edges { cursor } } }",
         _b64(t)) for t in timelines
    ]
    for query, cursor in queries:
        body = graphql(client, query, {"a": cursor}, token=token)
        assert codes(body) == ["BAD_USER_INPUT"], (cursor, body)


def test_the_cursors_the_server_gives_are_taken_back(
    client: Client, demo: DemoSummary, token: str
) -> None:
    timeline = graphql(client, "{ changeTimeline(first: 2) { pageInfo { endCursor } } }",
                       token=token)
    cursor = timeline["data"]["changeTimeline"]["pageInfo"]["endCursor"]
    after = graphql(client, "query($a: String) { changeTimeline(first: 2, after: $a) "
                            "{ edges { node { position } } } }", {"a": cursor}, token=token)
    (position,) = base64.urlsafe_b64decode(cursor).decode().split("|")[1:]
    assert [e["node"]["position"] for e in after["data"]["changeTimeline"]["edges"]]
    assert all(e["node"]["position"] > int(position)
               for e in after["data"]["changeTimeline"]["edges"])
