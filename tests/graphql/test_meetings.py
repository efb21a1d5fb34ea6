"""The meeting fields of the read API: ``meeting``, ``meetings``, ``agenda``, on the demo,
with a fixed number of statements however many meetings and items there are."""

from __future__ import annotations

from typing import Any

from gql_helpers import TODAY, codes, graphql
from litestar.testing import TestClient
from test_batching import CountingViews

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService

MEETINGS = """query($unit: UUID!, $cycle: UUID) { meetings(unitId: $unit, cycleId: $cycle) {
    id heldAt status facilitator { name } attendees { name } unit { name } cycle { label }
    items { kind text done owner { name } due by { name }
            keyResults { title objectiveId } } } }"""

AGENDA = """query($unit: UUID!, $at: DateTime) { agenda(unitId: $unit, at: $at) {
    unit { name } cycle { label }
    goodNews { kind text }
    okrStatus { stale pace keyResult { title progress } objective { title }
                lastCheckIn { value status } }
    kpisOutsideCorridor { name }
    initiatives { title }
    blockers { source text status }
    lastMeeting { id heldAt }
    lastPriorities { text done owner { name } due } } }"""


def _counted(
    client: TestClient[Any], service: ProjectionService, token: str, query: str,
    variables: dict[str, Any],
) -> tuple[dict[str, Any], int]:
    counting = CountingViews(service.runner.views)
    service.runner.views = counting  # type: ignore[assignment]
    try:
        body = graphql(client, query, variables, token=token)
    finally:
        service.runner.views = counting.views
    assert "errors" not in body, body
    return body["data"], len(counting.statements)


def test_the_demo_teams_have_four_weeks_of_closed_meetings(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    unit = str(demo.units["Team Data"])
    body = graphql(client, MEETINGS, {"unit": unit}, token=token)
    meetings = body["data"]["meetings"]
    assert len(meetings) == 4
    assert [m["heldAt"] for m in meetings] == sorted((m["heldAt"] for m in meetings), reverse=True)
    latest = meetings[0]
    assert latest["status"] == "closed"
    assert latest["facilitator"] == {"name": "Per Johansen"}
    assert {a["name"] for a in latest["attendees"]} == {"Per Johansen", "Emil Strand"}
    kinds = [i["kind"] for i in latest["items"]]
    assert kinds == ["good_news", "decision", "blocker", "priority", "priority"]
    decision = latest["items"][1]
    assert len(decision["keyResults"]) == 1
    assert decision["keyResults"][0]["title"]


def test_every_demo_team_has_past_meetings_and_an_agenda(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    for team in ("Team Selvbetjening", "Team Saksbehandling", "Team Data",
                 "Team Hjemmetjenester", "Team Platform"):
        unit = str(demo.units[team])
        meetings = graphql(client, MEETINGS, {"unit": unit}, token=token)["data"]["meetings"]
        agenda = graphql(client, AGENDA, {"unit": unit, "at": f"{TODAY}T12:00:00Z"},
                         token=token)["data"]["agenda"]
        assert len(meetings) == 4, team
        assert agenda["lastMeeting"]["id"] == meetings[0]["id"], team
        assert agenda["okrStatus"] and len(agenda["lastPriorities"]) == 2, team


def test_meetings_cost_a_fixed_number_of_statements(
    client: TestClient[Any], service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    counts = []
    for team in ("Team Data", "Team Platform"):
        data, statements = _counted(
            client, service, token, MEETINGS, {"unit": str(demo.units[team])}
        )
        assert len(data["meetings"]) == 4
        counts.append(statements)
    one = graphql(
        client, "query($id: UUID!) { meeting(id: $id) { id items { kind } } }",
        {"id": data["meetings"][0]["id"]}, token=token,
    )
    assert one["data"]["meeting"]["id"] == data["meetings"][0]["id"]
    # meetings, their items, members, units, cycles, key results and their objectives.
    assert counts[0] == counts[1] <= 8


def test_the_agenda_shows_the_six_points_at_once(
    client: TestClient[Any], service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    data, statements = _counted(
        client, service, token, AGENDA,
        {"unit": str(demo.units["Team Selvbetjening"]), "at": f"{TODAY}T12:00:00Z"},
    )
    agenda = data["agenda"]
    assert agenda["unit"] == {"name": "Team Selvbetjening"}
    assert agenda["cycle"]["label"] in {label for label in demo.cycles}
    assert agenda["okrStatus"], "the team's key results are on the agenda"
    order = [(not k["stale"], {"BEHIND": 0, "AT_RISK": 1, "ON_TRACK": 2}[k["pace"]])
             for k in agenda["okrStatus"]]
    assert order == sorted(order)
    assert agenda["lastMeeting"] is not None
    priorities = agenda["lastPriorities"]
    assert len(priorities) == 2 and all(p["owner"] and p["due"] for p in priorities)
    # The first demo team left one of last week's priorities open.
    assert [p["done"] for p in priorities] == [False, True]
    assert {"source": "meeting", "text": agenda["blockers"][-1]["text"],
            "status": None} in agenda["blockers"]
    # The agenda's rows in one go, then a loader or two for its nested fields.
    assert statements <= 14


def test_the_agenda_of_an_unknown_unit_is_not_found(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    body = graphql(
        client, AGENDA, {"unit": "00000000-0000-0000-0000-000000000000"}, token=token
    )
    assert codes(body) == ["NOT_FOUND"]


def test_a_meeting_of_another_organisation_is_null(
    client: TestClient[Any], okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    body = graphql(
        client, "query($id: UUID!) { meeting(id: $id) { id } }",
        {"id": "00000000-0000-0000-0000-000000000000"}, token=token,
    )
    assert body["data"] == {"meeting": None}


REVIEW = """query($unit: UUID!, $cycle: UUID!) { review(unitId: $unit, cycleId: $cycle) {
    meetings { meetings closed decisions { text keyResultIds byName }
               priorities { text ownerName due done }
               lastWeek { agreed done heldAt } } } }"""


def test_the_review_of_a_demo_team_shows_its_meetings(
    client: TestClient[Any], demo: DemoSummary, token: str
) -> None:
    body = graphql(
        client, REVIEW,
        {"unit": str(demo.units["Team Data"]), "cycle": str(demo.cycles["2026 Q4"])},
        token=token,
    )
    assert "errors" not in body, body
    meetings = body["data"]["review"]["meetings"]
    assert (meetings["meetings"], meetings["closed"]) == (4, 4)
    assert len(meetings["decisions"]) == 4 and meetings["decisions"][0]["keyResultIds"]
    assert len(meetings["priorities"]) == 8
    assert meetings["lastWeek"] == {"agreed": 2, "done": 2,
                                    "heldAt": meetings["lastWeek"]["heldAt"]}
