"""The objectives filter's judged conditions (stale, reported and derived status, at risk,
unaligned, updated since), evaluated in SQL, on every store: each lets through exactly
the objectives whose fields the read API answers say so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from gql_helpers import codes, graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import ORGANIZATION_NAME, DemoSummary
from okr_es.projections.service import ProjectionService

Client = TestClient[Any]
SEVERITY = {"ON_TRACK": 0, "AT_RISK": 1, "BEHIND": 2}
COLOURS = {"green": 0, "yellow": 1, "red": 2}

EVERY = """query { organization { rootUnit { id } }
  objectives(first: 100) { nodes { id status updatedAt alignedToObjectiveId derivedStatus
    unit { id } cycle { start end }
    keyResults { reportedStatus lastCheckInAt } } } }"""

FILTERED = """query($filter: ObjectiveFilter!, $first: Int!, $after: String) {
  objectives(filter: $filter, first: $first, after: $after) {
    nodes { id } pageInfo { hasNextPage endCursor } } }"""


def every(client: Client, token: str) -> tuple[str, list[dict[str, Any]]]:
    body = graphql(client, EVERY, token=token)
    assert "errors" not in body, body
    return body["data"]["organization"]["rootUnit"]["id"], body["data"]["objectives"]["nodes"]


def filtered(client: Client, token: str, where: dict[str, Any], first: int = 100) -> set[str]:
    """Every objective the filter lets through, read page by page."""
    found: list[str] = []
    after = None
    while True:
        variables = {"filter": where, "first": first, "after": after}
        body = graphql(client, FILTERED, variables, token=token)
        assert "errors" not in body, body
        page = body["data"]["objectives"]
        found += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(found) == len(set(found))
    return set(found)


def utc_day(text: str) -> date:
    return datetime.fromisoformat(text).astimezone(UTC).date()


def stale(o: dict[str, Any], today: date, after_days: int) -> bool:
    start, end = date.fromisoformat(o["cycle"]["start"]), date.fromisoformat(o["cycle"]["end"])
    if o["status"] != "active" or today < start:
        return False
    days = [utc_day(k["lastCheckInAt"]) for k in o["keyResults"] if k["lastCheckInAt"]]
    since = max([start, *days])
    return (min(today, end) - since).days >= after_days


def reported(o: dict[str, Any]) -> str | None:
    known = [k["reportedStatus"] for k in o["keyResults"] if k["reportedStatus"]]
    return max(known, key=COLOURS.__getitem__) if known else None


@pytest.fixture
def world(
    okr: OKRApplication, service: ProjectionService, demo: DemoSummary
) -> DemoSummary:
    # Variety for the derived status: an objective that counts its aligned children.
    goal = okr.get_team_cycle(demo.units[ORGANIZATION_NAME], demo.cycles["2026 Q4"])
    assert goal is not None
    okr.change_roll_up_mode(
        objective_id=goal.objective_ids[0], mode="key_results_and_children", by=demo.admin_id
    )
    # A department objective made only of its teams' objectives, one of them dropped.
    okr.change_policy(organization_id=demo.organization_id, by=demo.admin_id, mode="warn")
    q4 = demo.cycles["2026 Q4"]
    department = okr.set_objective(
        organization_id=demo.organization_id, unit_id=demo.units["Digitalisering"],
        cycle_id=q4, title="Digital first", owner_id=demo.admin_id, by=demo.admin_id,
        key_results=[{"title": "Launch the portal", "metric": "milestone"}],
    ).ids["objective_id"]
    okr.change_roll_up_mode(objective_id=department, mode="children", by=demo.admin_id)
    children = []
    for team in ("Team Data", "Team Platform"):
        team_cycle = okr.get_team_cycle(demo.units[team], q4)
        assert team_cycle is not None
        children.append(team_cycle.objective_ids[-1])
        okr.align_objective(
            objective_id=children[-1], parent_objective_id=department, by=demo.admin_id
        )
    okr.drop_objective(objective_id=children[0], reason="merged", by=demo.admin_id)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    return demo


def test_derived_status_and_at_risk_filters_match_the_roll_up(
    client: Client, token: str, world: DemoSummary
) -> None:
    _, objectives = every(client, token)
    by_status: dict[str | None, set[str]] = {}
    for o in objectives:
        status = None if o["status"] == "dropped" else o["derivedStatus"]
        by_status.setdefault(status, set()).add(o["id"])
    assert len([s for s in by_status if s is not None]) >= 2  # the demo has variety

    for status in SEVERITY:
        assert filtered(client, token, {"derivedStatus": status}, 7) == by_status.get(
            status, set()
        ), status
    at_risk = by_status.get("AT_RISK", set()) | by_status.get("BEHIND", set())
    assert filtered(client, token, {"atRisk": True}) == at_risk
    assert filtered(client, token, {"atRisk": False}) == {o["id"] for o in objectives} - at_risk


def test_reported_status_filter_takes_the_worst_latest_report(
    client: Client, token: str, world: DemoSummary
) -> None:
    _, objectives = every(client, token)
    seen = set()
    for colour in COLOURS:
        expected = {o["id"] for o in objectives if reported(o) == colour}
        seen.add(bool(expected))
        assert filtered(client, token, {"reportedStatus": colour}) == expected, colour
    assert True in seen


def test_stale_filter_uses_the_review_window(
    okr: OKRApplication,
    service: ProjectionService,
    client: Client,
    token: str,
    world: DemoSummary,
) -> None:
    _, objectives = every(client, token)
    today = okr.clock().astimezone(UTC).date()
    found = []
    for window in (21, 5):
        if window != 21:
            # The organisation shortens the review's window; the filter follows it.
            okr.set_review_policy(
                organization_id=world.organization_id,
                policy=f'{{"max_gap_days":{window}}}',
                by=world.admin_id,
            )
            assert service.wait_for(okr.position(), timeout=30) >= okr.position()
        expected = {o["id"] for o in objectives if stale(o, today, window)}
        assert filtered(client, token, {"stale": True}) == expected, window
        assert filtered(client, token, {"stale": False}) == {
            o["id"] for o in objectives
        } - expected
        found.append(expected)
    assert found[0] < found[1]


def test_unaligned_and_updated_since_filters(
    client: Client, token: str, world: DemoSummary
) -> None:
    root, objectives = every(client, token)
    unaligned = {
        o["id"]
        for o in objectives
        if o["alignedToObjectiveId"] is None and o["unit"]["id"] != root
    }
    assert unaligned != {o["id"] for o in objectives}
    assert filtered(client, token, {"unaligned": True}) == unaligned
    assert filtered(client, token, {"unaligned": False}) == {o["id"] for o in objectives} - (
        unaligned
    )

    times = sorted(datetime.fromisoformat(o["updatedAt"]) for o in objectives)
    middle = times[len(times) // 2]
    expected = {o["id"] for o in objectives if datetime.fromisoformat(o["updatedAt"]) >= middle}
    assert filtered(client, token, {"updatedSince": middle.isoformat()}) == expected
    assert 0 < len(expected) < len(objectives)


def test_filters_combine_with_the_others(
    client: Client, token: str, world: DemoSummary
) -> None:
    _, objectives = every(client, token)
    team = world.units["Team Data"]
    in_team = {o["id"] for o in objectives if o["unit"]["id"] == str(team)}
    at_risk = filtered(client, token, {"atRisk": True})
    assert filtered(client, token, {"atRisk": True, "unitId": str(team)}) == in_team & at_risk


def test_an_unknown_reported_status_is_refused(
    client: Client, token: str, world: DemoSummary
) -> None:
    body = graphql(
        client, FILTERED, {"filter": {"reportedStatus": "purple"}, "first": 5}, token=token
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "reported_status" in body["errors"][0]["message"]
