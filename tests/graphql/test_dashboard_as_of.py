"""The dashboard as of a date: every list query with ``asOf`` (recorded time) and
``effectiveAsOf`` (business time), on a world recorded day by day with an injected clock.

The world (days from the start of its quarter): day 1 an objective with one key result,
a second objective and a KPI; day 10 a check-in (10); day 11 an initiative; day 18 a
second team; day 20 the key result's target lowered and a check-in (50); day 22 the
second objective dropped; day 25 a late check-in (30) for day 14. What the read API
answered on day 15 is what it answers later ``asOf`` day 15.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from gql_helpers import codes, graphql, issue, read_api
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo_clock import DemoClock
from okr_es.history.analyses import review_for
from okr_es.history.as_of import organization_then, past_read_models
from okr_es.projections.service import ProjectionService
from okr_es.settings import Settings

START = (datetime.now(UTC) - timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)


def day(n: int, hour: int = 8) -> datetime:
    return START + timedelta(days=n, hours=hour - 8)


DASHBOARD = """query($asOf: DateTime, $eff: DateTime, $cycle: UUID!, $unit: UUID!) {
  objectives(asOf: $asOf, effectiveAsOf: $eff, first: 10) {
    asOf effectiveAsOf
    nodes { title status progress derivedStatus owner { name }
            keyResults { title target current progress reportedStatus stale expectedStatus
                         checkInCount lastCheckInAt checkIns { value checkedInAt } } } }
  units(asOf: $asOf, effectiveAsOf: $eff) { name members { roles member { name } } }
  kpis(asOf: $asOf, effectiveAsOf: $eff) { name value healthy measurements { value } }
  initiatives(asOf: $asOf, effectiveAsOf: $eff) {
    asOf effectiveAsOf nodes { title status keyResults { title } } }
  review(unitId: $unit, cycleId: $cycle, asOf: $asOf, effectiveAsOf: $eff) {
    asOf score flagCodes objectives { title } }
  reviews(cycleId: $cycle, asOf: $asOf, effectiveAsOf: $eff) { unit asOf }
}"""


class WorldClock:
    """The business clock of the world: the application's ``clock``."""

    def __init__(self) -> None:
        self.now = day(0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    okr: OKRApplication
    service: ProjectionService
    client: TestClient[Any]
    token: str
    ids: dict[str, UUID]
    on_day_15: dict[str, Any]
    clock: WorldClock


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    clock = WorldClock()
    okr = OKRApplication(settings, clock=clock)
    service = ProjectionService(okr).start()
    recorded = DemoClock(day(0), real=clock)
    try:
        with TestClient(app=read_api(okr, service)) as client:
            yield _build(okr, service, client, clock, recorded)
    finally:
        service.stop()
        okr.close()


def _build(
    okr: OKRApplication,
    service: ProjectionService,
    client: TestClient[Any],
    clock: WorldClock,
    recorded: DemoClock,
) -> World:
    ids: dict[str, UUID] = {}

    def on(n: int, hour: int = 8) -> Any:
        clock.now = day(n, hour)
        return recorded.at(clock.now)

    with on(0):
        reg = okr.register_organization(name="Vik", admin_name="Anne", admin_email="a@vik.no")
        org, admin = reg.ids["organization_id"], reg.ids["member_id"]
        team = okr.add_unit(
            organization_id=org,
            name="Team A",
            kind="team",
            parent_id=reg.ids["root_unit_id"],
            by=admin,
        ).ids["unit_id"]
        okr.grant_role(organization_id=org, member_id=admin, role="lead", unit_id=team, by=admin)
        cycle = okr.define_cycle(
            organization_id=org,
            label="Q",
            kind="quarter",
            start=day(0).date(),
            end=day(89).date(),
            by=admin,
        ).ids["cycle_id"]
        token = issue(okr, org, admin)
    with on(1):
        first = okr.set_objective(
            organization_id=org,
            unit_id=team,
            cycle_id=cycle,
            title="Faster answers",
            owner_id=admin,
            by=admin,
            key_results=[
                {
                    "title": "Cases within 10 days",
                    "metric": "increase",
                    "start": 0,
                    "target": 100,
                    "unit": "percent",
                }
            ],
        )
        second = okr.set_objective(
            organization_id=org,
            unit_id=team,
            cycle_id=cycle,
            title="Fewer calls",
            owner_id=admin,
            by=admin,
            key_results=[
                {"title": "Calls per week", "metric": "decrease", "start": 300, "target": 200}
            ],
        )
        kpi = okr.define_kpi(
            organization_id=org, unit_id=team, name="Uptime", unit="percent", lower=99, by=admin
        ).ids["kpi_id"]
        okr.measure_kpi(kpi_id=kpi, value=99.5, by=admin, measured_at=day(1))
    objective, kr = first.ids["objective_id"], first.ids["key_result_id_0"]
    with on(10, 9):
        okr.check_in(
            objective_id=objective,
            key_result_id=kr,
            value=10,
            status="green",
            by=admin,
            checked_in_at=day(10, 9),
        )
    with on(11):
        okr.start_initiative(
            organization_id=org,
            unit_id=team,
            title="New intake form",
            owner_id=admin,
            by=admin,
            key_results=[(objective, kr)],
        )
    with on(15, 12):
        assert service.wait_for(okr.position(), timeout=30) >= okr.position()
        variables = {"cycle": str(cycle), "unit": str(team)}
        on_day_15 = graphql(client, DASHBOARD, variables, token=token)
        assert "errors" not in on_day_15, on_day_15
        okr_review = review_for(okr, team, cycle, today=day(15).date(), replay=True)
    with on(18):
        okr.add_unit(
            organization_id=org,
            name="Team B",
            kind="team",
            parent_id=reg.ids["root_unit_id"],
            by=admin,
        )
        okr.measure_kpi(kpi_id=kpi, value=98.0, by=admin, measured_at=day(18))
        # A new member on the team's roster, without an initiative: the review flags it.
        bo = okr.add_member(organization_id=org, name="Bo", email="bo@vik.no", by=admin)
        okr.grant_role(
            organization_id=org,
            member_id=bo.ids["member_id"],
            role="member",
            unit_id=team,
            by=admin,
        )
    with on(20):
        okr.adjust_key_result(
            objective_id=objective,
            key_result_id=kr,
            target=60,
            reason="Fewer hands",
            by=admin,
            effective_at=day(20),
        )
        okr.check_in(
            objective_id=objective,
            key_result_id=kr,
            value=50,
            status="yellow",
            by=admin,
            checked_in_at=day(20, 9),
        )
    with on(21):
        okr.start_initiative(
            organization_id=org, unit_id=team, title="Later work", owner_id=admin, by=admin
        )
    with on(22):
        okr.drop_objective(
            objective_id=second.ids["objective_id"],
            reason="Moved to 2027",
            by=admin,
            effective_at=day(22),
        )
    with on(25):
        okr.check_in(
            objective_id=objective,
            key_result_id=kr,
            value=30,
            status="green",
            by=admin,
            checked_in_at=day(14, 9),
        )
    clock.now = day(30)
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()
    ids.update(org=org, admin=admin, team=team, cycle=cycle, objective=objective, kr=kr)
    result = World(okr, service, client, token, ids, on_day_15, clock)
    result.on_day_15["replayed"] = okr_review
    return result


def ask(world: World, as_of: datetime | None = None, eff: datetime | None = None) -> Any:
    variables = {
        "cycle": str(world.ids["cycle"]),
        "unit": str(world.ids["team"]),
        "asOf": None if as_of is None else as_of.isoformat(),
        "eff": None if eff is None else eff.isoformat(),
    }
    return graphql(world.client, DASHBOARD, variables, token=world.token)


def _without_instants(body: dict[str, Any]) -> dict[str, Any]:
    data = dict(body["data"])
    for name in ("objectives", "initiatives"):
        data[name] = {k: v for k, v in data[name].items() if k not in ("asOf", "effectiveAsOf")}
    return data


def test_every_list_as_of_day_15_answers_what_the_api_answered_on_day_15(world: World) -> None:
    then = ask(world, as_of=day(15, 12))

    assert "errors" not in then, then
    assert _without_instants(then) == _without_instants(world.on_day_15)
    assert datetime.fromisoformat(then["data"]["objectives"]["asOf"]) == day(15, 12)


def test_a_key_result_adjusted_later_shows_its_day_10_state_as_of_day_15(world: World) -> None:
    now, then = ask(world), ask(world, as_of=day(15))

    kr_now = now["data"]["objectives"]["nodes"][0]["keyResults"][0]
    kr_then = then["data"]["objectives"]["nodes"][0]["keyResults"][0]
    assert (kr_then["target"], kr_then["current"], kr_then["checkInCount"]) == (100, 10, 1)
    assert kr_now["target"] == 60 and kr_now["checkInCount"] == 3


def test_an_objective_dropped_later_is_active_as_of_earlier(world: World) -> None:
    statuses = {
        n["title"]: n["status"] for n in ask(world, as_of=day(21))["data"]["objectives"]["nodes"]
    }
    now = {n["title"]: n["status"] for n in ask(world)["data"]["objectives"]["nodes"]}

    assert statuses["Fewer calls"] == "active" and now["Fewer calls"] == "dropped"


def test_units_kpi_measurements_and_initiatives_added_later_are_absent(world: World) -> None:
    then = ask(world, as_of=day(15))["data"]

    assert sorted(u["name"] for u in then["units"]) == ["Team A", "Vik"]
    assert [m["value"] for m in then["kpis"][0]["measurements"]] == [99.5]
    assert [i["title"] for i in then["initiatives"]["nodes"]] == ["New intake form"]
    assert len(ask(world)["data"]["units"]) == 3


def test_effective_as_of_counts_a_late_check_in_by_its_business_date(world: World) -> None:
    known_then = ask(world, as_of=day(15))["data"]["objectives"]
    known_now = ask(world, eff=day(15))["data"]["objectives"]

    checks_then = [c["value"] for c in known_then["nodes"][0]["keyResults"][0]["checkIns"]]
    checks_now = [c["value"] for c in known_now["nodes"][0]["keyResults"][0]["checkIns"]]
    assert checks_then == [10]
    assert checks_now == [10, 30]  # the day-20 check-in is later; the day-14 one came late
    assert known_now["nodes"][0]["keyResults"][0]["target"] == 100  # lowered on day 20
    assert known_now["asOf"] is None
    assert datetime.fromisoformat(known_now["effectiveAsOf"]) == day(15)
    assert [s["status"] for s in known_now["nodes"]] == ["active", "active"]


def test_effective_as_of_applies_to_every_list(world: World) -> None:
    data = ask(world, eff=day(15))["data"]

    assert sorted(u["name"] for u in data["units"]) == ["Team A", "Vik"]
    assert [m["value"] for m in data["kpis"][0]["measurements"]] == [99.5]
    assert [i["title"] for i in data["initiatives"]["nodes"]] == ["New intake form"]
    assert datetime.fromisoformat(data["initiatives"]["effectiveAsOf"]) == day(15)
    assert data["review"]["asOf"] == day(15).date().isoformat()
    assert [r["asOf"] for r in data["reviews"]] == [day(15).date().isoformat()]


def test_review_as_of_day_15_is_the_review_the_replay_gave_on_day_15(world: World) -> None:
    past = past_read_models(world.okr)
    current = world.service.runner.views
    moment = past.moment(current, world.ids["org"], day(15, 12), None)

    then = review_for(
        world.okr,
        world.ids["team"],
        world.ids["cycle"],
        today=day(15).date(),
        views=moment.views,
        organization=organization_then(world.okr, moment),
    )
    now = review_for(world.okr, world.ids["team"], world.ids["cycle"], today=day(15).date())

    assert then == world.on_day_15["replayed"]
    assert now != then  # Bo joined the roster on day 18


def test_before_the_organisation_existed_every_list_is_empty(world: World) -> None:
    body = ask(world, as_of=day(-1))

    assert "errors" not in body, body
    data = body["data"]
    assert data["objectives"]["nodes"] == [] and data["units"] == [] and data["kpis"] == []
    assert data["initiatives"]["nodes"] == [] and data["reviews"] == []
    assert data["review"] is None


def test_an_instant_in_the_future_is_refused_with_a_code(world: World) -> None:
    body = ask(world, as_of=day(31))

    assert set(codes(body)) == {"BAD_USER_INPUT"}
    assert {e["extensions"]["okrCode"] for e in body["errors"]} == {"in-the-future"}
    later = ask(world, eff=day(31))
    assert {e["extensions"]["okrCode"] for e in later["errors"]} == {"in-the-future"}


def test_a_past_and_the_present_can_be_asked_in_one_document(world: World) -> None:
    body = graphql(
        world.client,
        """query($then: DateTime) {
             then: objectives(asOf: $then) { nodes { keyResults { current } } }
             now: objectives { nodes { keyResults { current } } }
             nowUnits: units { name } }""",
        {"then": day(15).isoformat()},
        token=world.token,
    )

    assert body["data"]["then"]["nodes"][0]["keyResults"][0]["current"] == 10
    assert body["data"]["now"]["nodes"][0]["keyResults"][0]["current"] != 10
    assert len(body["data"]["nowUnits"]) == 3


def test_the_same_instant_is_built_once(world: World) -> None:
    past = past_read_models(world.okr)
    ask(world, as_of=day(15))
    builds = past.builds

    ask(world, as_of=day(16))  # nothing of the organisation was recorded in between
    ask(world, as_of=day(15))

    assert past.builds == builds
