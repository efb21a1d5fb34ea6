"""GraphQL `review` and `reviews` read the reviews read model: sent with the position of a
write (``X-OKR-Position``), they include it."""

from __future__ import annotations

from typing import Any

from gql_helpers import TODAY, graphql
from litestar.testing import TestClient

from okr_es.demo import DemoSummary

Client = TestClient[Any]

REVIEWS = """query($unit: UUID!, $cycle: UUID!, $today: Date) {
  review(unitId: $unit, cycleId: $cycle, today: $today) {
    unit reflections { learnings } rhythm { checkIns } }
  reviews(cycleId: $cycle, today: $today) { unit reflections { learnings } }
}"""


def test_a_reflection_is_in_the_reviews_read_with_its_position(
    client: Client, demo: DemoSummary, token: str
) -> None:
    unit, cycle = demo.units["Team Platform"], demo.cycles["2026 Q4"]
    variables = {"unit": str(unit), "cycle": str(cycle), "today": TODAY.isoformat()}
    before = graphql(client, REVIEWS, variables, token=token)["data"]

    posted = client.post(
        f"/api/v1/units/{unit}/cycles/{cycle}/reflections",
        json={"learnings": "Small targets first, read your writes"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert posted.status_code == 201, posted.text
    body = graphql(
        client, REVIEWS, variables, token=token,
        headers={"X-OKR-Position": posted.headers["X-OKR-Position"]},
    )  # fmt: skip

    assert "errors" not in body, body
    learned = "Small targets first, read your writes"
    review = body["data"]["review"]
    assert [r["learnings"] for r in review["reflections"]] == [
        *(r["learnings"] for r in before["review"]["reflections"]),
        learned,
    ]
    (platform,) = [r for r in body["data"]["reviews"] if r["unit"] == "Team Platform"]
    assert platform["reflections"][-1]["learnings"] == learned
    assert body["extensions"]["readModel"]["behind"] == 0
