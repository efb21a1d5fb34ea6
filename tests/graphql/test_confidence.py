"""A check-in's confidence through the read API: on each check-in, the key result's latest,
and the review's trend and flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.projections.service import ProjectionService
from support.http_api import Org, build_org

Client = TestClient[Any]

KEY_RESULT = """
query($id: UUID!) {
  keyResult(id: $id) { confidence checkIns { value status confidence } }
}
"""

REVIEW = """
query($unit: UUID!, $cycle: UUID!, $today: Date) {
  review(unitId: $unit, cycleId: $cycle, today: $today) {
    flagCodes
    flags { code message keyResultId }
    confidenceSignals { code keyResultId keyResult confidences progress elapsed }
    objectives { keyResults {
      title confidence { reported first last average lowest highest change }
      checkIns { confidence }
    } }
  }
}
"""


def days_ago(days: int) -> datetime:
    return datetime.combine(date.today() - timedelta(days=days), time(9), UTC)


def checked_in(okr: OKRApplication, org: Org, *check_ins: tuple[int, float, int | None]) -> None:
    """Check-ins on the team's first key result (60 → 80) as (days ago, value, confidence)."""
    for ago, value, confidence in check_ins:
        okr.check_in(objective_id=org.objective, key_result_id=org.key_result, value=value,
                     status="green", confidence=confidence, checked_in_at=days_ago(ago),
                     by=org.members["owner"])


def test_each_check_in_shows_its_confidence_and_the_key_result_its_latest_given(
    client: Client, okr: OKRApplication, service: ProjectionService
) -> None:
    org = build_org(okr)
    # The last check-in by business time gave none; the one recorded last is back-dated.
    checked_in(okr, org, (20, 62, 6), (10, 64, 8), (3, 65, None), (25, 61, 2))
    service.wait_for(okr.position(), timeout=30)
    body = graphql(client, KEY_RESULT, {"id": str(org.key_result)}, token=org.tokens["owner"])
    assert "errors" not in body, body
    kr = body["data"]["keyResult"]
    assert [c["confidence"] for c in kr["checkIns"]] == [6, 8, None, 2]
    assert kr["confidence"] == 8


def test_a_key_result_without_a_confidence_given_has_none(
    client: Client, okr: OKRApplication, service: ProjectionService
) -> None:
    org = build_org(okr)
    checked_in(okr, org, (5, 62, None))
    service.wait_for(okr.position(), timeout=30)
    body = graphql(client, KEY_RESULT, {"id": str(org.key_result)}, token=org.tokens["owner"])
    assert body["data"]["keyResult"] == {
        "confidence": None, "checkIns": [{"value": 62.0, "status": "green", "confidence": None}],
    }


def test_the_review_shows_the_confidence_trend_and_flags_low_confidence_on_pace(
    client: Client, okr: OKRApplication, service: ProjectionService
) -> None:
    org = build_org(okr)
    # 90-day cycle, 30 days in: 20, 13 and 6 days ago it was 11, 19 and 27 % over, while
    # progress was 20, 30 and 40 %.
    checked_in(okr, org, (20, 64, 3), (13, 66, 4), (6, 68, 2))
    # The review reads the reviews read model: wait for it as a client would.
    service.wait_for(okr.position(), timeout=30)
    variables = {"unit": str(org.team), "cycle": str(org.cycle), "today": str(date.today())}
    body = graphql(client, REVIEW, variables, token=org.tokens["owner"])
    assert "errors" not in body, body
    review = body["data"]["review"]
    assert "low-confidence-on-pace" in review["flagCodes"]
    [signal] = review["confidenceSignals"]
    assert (signal["code"], signal["keyResult"], signal["confidences"], signal["progress"]) == (
        "low-confidence-on-pace", "Satisfaction up", [3, 4, 2], 0.4)
    [flag] = [f for f in review["flags"] if f["code"] == "low-confidence-on-pace"]
    assert flag["keyResultId"] == signal["keyResultId"] == str(org.key_result)
    [kr] = [k for k in review["objectives"][0]["keyResults"] if k["title"] == "Satisfaction up"]
    assert [c["confidence"] for c in kr["checkIns"]] == [3, 4, 2]
    assert kr["confidence"] == {"reported": 3, "first": 3, "last": 2, "average": 3.0,
                                "lowest": 2, "highest": 4, "change": -1}
