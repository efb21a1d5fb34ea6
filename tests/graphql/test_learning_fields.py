"""The learning analyses through the read API: lint, copyPaste, review and cycle events.

Each demo team behaves in one way a review should notice (see okr_es.demo); asked through
GraphQL, the fields must say so, and must never show another organisation's data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from gql_helpers import TODAY, codes, graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.history.analyses import okr_set_for
from okr_es.history.cycle_events import collect_cycle
from okr_es.learning.lint import lint
from okr_es.learning.lint_policy import LintPolicy
from okr_es.projections.service import ProjectionService
from support.http_api import build_org

Client = TestClient[Any]

PAST, CURRENT = "2026 Q3", "2026 Q4"

REVIEW = """
query Review($unit: UUID!, $cycle: UUID!, $today: Date) {
  review(unitId: $unit, cycleId: $cycle, today: $today) {
    unit cycle asOf finished language score flagCodes suggestions
    flags { code message objectiveId keyResultId }
    objectives {
      id title status score note
      transitions { at fromStatus toStatus }
      keyResults {
        title metric target originalTarget finalValue finalProgress score removed
        checkIns { at value status progress by { name } }
        transitions { fromStatus toStatus }
      }
    }
    rhythm { weeklyCoverage longestGapDays currentStreak periods periodsWithCheckIns checkIns }
    hockeyStick { lastPartStarts evaluated notEvaluatedBecause share flagged }
    movedGoalposts {
      keyResult objective from to previousTarget target reason effectiveAt recordedAt
      byName by { id name }
    }
    zombies { keyResult value checkIns }
    sandbagging { score streak flagged }
    dropped { title reason effectiveAt recordedAt byName by { name } }
    reflections { keepDoing stopDoing startDoing learnings byName }
  }
}
"""

COPY_PASTE = """
query CopyPaste($unit: UUID!, $cycle: UUID!) {
  copyPaste(unitId: $unit, cycleId: $cycle) {
    verdict score topicSimilarity copiedShare
    previousCycle { label } cycle { label }
    evidence { level previousTitle nextTitle similarity changes }
    carriedOver { previousObjective nextObjective previousTitle nextTitle reason }
  }
}
"""

LINT = """
query Lint($unit: UUID!, $cycle: UUID!) {
  lint(unitId: $unit, cycleId: $cycle) {
    language
    keyResults { objective index title kind }
    findings { code severity objective keyResult message }
  }
}
"""

EVENTS = """
query Events($cycle: UUID!, $unit: UUID, $after: Int, $first: Int!) {
  events(cycleId: $cycle, unitId: $unit, after: $after, first: $first) {
    nodes {
      position recordedAt aggregateId aggregateType aggregateVersion type data
      byMemberId by { name }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""


def ask(
    client: Client, demo: DemoSummary, token: str, query: str, team: str, cycle: str
) -> dict[str, Any]:
    variables = {"unit": str(demo.units[team]), "cycle": str(demo.cycles[cycle])}
    if query is REVIEW:
        variables["today"] = TODAY.isoformat()
    body = graphql(client, query, variables, token=token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_the_steady_team_s_previous_quarter_has_nothing_to_flag(
    client: Client, demo: DemoSummary, token: str
) -> None:
    review = ask(client, demo, token, REVIEW, "Team Selvbetjening", PAST)["review"]
    copy = ask(client, demo, token, COPY_PASTE, "Team Selvbetjening", PAST)["copyPaste"]

    assert review["unit"] == "Team Selvbetjening" and review["cycle"] == PAST
    assert review["finished"] is True
    assert review["flagCodes"] == [] and review["flags"] == []
    assert review["hockeyStick"]["evaluated"] and not review["hockeyStick"]["flagged"]
    assert review["movedGoalposts"] == []
    assert review["rhythm"]["weeklyCoverage"] >= 0.9
    assert review["rhythm"]["longestGapDays"] == 7
    assert review["suggestions"]
    assert copy["verdict"] != "COPY" and copy["copiedShare"] < 0.7


def test_the_silent_team_shows_a_hockey_stick_in_the_quarter_it_completed(
    client: Client, demo: DemoSummary, token: str
) -> None:
    review = ask(client, demo, token, REVIEW, "Team Saksbehandling", PAST)["review"]

    stick = review["hockeyStick"]
    assert stick["evaluated"] and stick["flagged"] and stick["share"] > 0.9
    assert {"hockey-stick", "long-silence", "irregular-check-ins"} <= set(review["flagCodes"])
    assert review["flagCodes"] == [f["code"] for f in review["flags"]]
    assert review["language"] == "nb"
    assert review["rhythm"]["longestGapDays"] > 21
    # A closed quarter: scores, lifecycle transitions, check-ins and the reflection.
    (objective,) = review["objectives"]
    assert objective["status"] == "closed" and objective["score"] is not None
    assert [t["toStatus"] for t in objective["transitions"]] == ["active", "closed"]
    for kr in objective["keyResults"]:
        assert kr["score"] is not None and 0.0 <= kr["finalProgress"] <= 1.0
        assert kr["checkIns"] and kr["checkIns"][-1]["value"] == kr["finalValue"]
        assert {c["by"]["name"] for c in kr["checkIns"]} == {"Kari Hansen"}
        assert kr["transitions"][0]["fromStatus"] is None
    (reflection,) = review["reflections"]
    assert reflection["startDoing"] == "Faste innsjekker hver mandag"
    assert reflection["byName"] == "Kari Hansen"


def test_the_copying_team_s_current_quarter_is_a_copy_of_the_previous_one(
    client: Client, demo: DemoSummary, token: str
) -> None:
    copy = ask(client, demo, token, COPY_PASTE, "Team Data", CURRENT)["copyPaste"]

    assert copy["verdict"] == "COPY"
    assert copy["previousCycle"] == {"label": PAST} and copy["cycle"] == {"label": CURRENT}
    assert copy["copiedShare"] >= 0.7 and 0.0 <= copy["score"] <= 1.0
    changes = {c for e in copy["evidence"] for c in e["changes"]}
    assert {"copied", "missed-target-repeated"} <= changes
    assert all(e["level"] in {"objective", "key_result"} for e in copy["evidence"])
    assert copy["carriedOver"] == []


def test_a_unit_without_an_earlier_cycle_has_nothing_to_compare(
    client: Client, demo: DemoSummary, token: str
) -> None:
    assert ask(client, demo, token, COPY_PASTE, "Team Data", "2026 Q2")["copyPaste"] is None


def test_a_declared_carry_over_is_reported_as_such(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    team = demo.units["Team Selvbetjening"]
    lead = demo.members["Ola Nordmann"]
    source = okr.get_objective(okr_set_for(okr, team, demo.cycles[CURRENT]).objectives[0].id)
    nxt = okr.define_cycle(
        organization_id=demo.organization_id,
        label="2027 Q1",
        kind="quarter",
        start=date(2027, 1, 1),
        end=date(2027, 3, 31),
        by=demo.admin_id,
    ).ids["cycle_id"]
    okr.set_objective(
        organization_id=demo.organization_id,
        unit_id=team,
        cycle_id=nxt,
        title=source.title,
        owner_id=lead,
        by=lead,
        key_results=[
            {
                "title": kr.title,
                "metric": kr.metric,
                "start": kr.start,
                "target": kr.target,
                "unit": kr.unit,
            }
            for kr in source.active_key_results()
        ],
        carried_over_from=source.id,
        carry_over_reason="Leverandøren er byttet; vi beholder målet ett kvartal til",
    )
    service.wait_for(okr.position(), timeout=30)

    body = graphql(client, COPY_PASTE, {"unit": str(team), "cycle": str(nxt)}, token=token)

    assert "errors" not in body, body
    copy = body["data"]["copyPaste"]
    assert copy["previousCycle"] == {"label": CURRENT}
    (carried,) = copy["carriedOver"]
    assert carried["previousTitle"] == carried["nextTitle"] == source.title
    assert carried["nextObjective"] == 0
    assert "Leverandøren er byttet" in carried["reason"]
    key_results = [
        e
        for e in copy["evidence"]
        if e["level"] == "key_result" and None not in (e["previousTitle"], e["nextTitle"])
    ]
    assert key_results and all("carried-over" in e["changes"] for e in key_results)
    assert all("copied" not in e["changes"] for e in key_results)


def test_a_lowered_target_shows_as_moved_goalposts_with_who_and_when(
    client: Client, demo: DemoSummary, token: str
) -> None:
    review = ask(client, demo, token, REVIEW, "Team Platform", CURRENT)["review"]

    assert review["flagCodes"] == ["moved-goalposts"]
    (moved,) = review["movedGoalposts"]
    assert (moved["from"], moved["to"]) == (40.0, 32.0)
    assert (moved["previousTarget"], moved["target"]) == (40.0, 32.0)
    assert moved["by"] == {"id": str(demo.members["Aisha Khan"]), "name": "Aisha Khan"}
    assert moved["byName"] == "Aisha Khan"
    assert moved["effectiveAt"].startswith("2026-11-12")
    assert moved["recordedAt"] >= moved["effectiveAt"]
    assert "vendor" in moved["reason"]
    assert review["language"] == "en"
    assert "lowered from 40 to 32 by Aisha Khan" in review["flags"][0]["message"]
    assert review["asOf"] == TODAY.isoformat() and review["finished"] is False


def test_a_dropped_objective_is_listed_with_its_reason(
    client: Client, demo: DemoSummary, token: str
) -> None:
    # Without `today` the review reads as of the server's today; the drop is there anyway.
    body = graphql(
        client,
        REVIEW,
        {
            "unit": str(demo.units["Team Hjemmetjenester"]),
            "cycle": str(demo.cycles[CURRENT]),
        },
        token=token,
    )

    assert "errors" not in body, body
    review = body["data"]["review"]
    (dropped,) = review["dropped"]
    assert dropped["title"] == "Mer tid hos brukeren, mindre i bilen"
    assert "vaksinasjon" in dropped["reason"]
    assert dropped["byName"] == "Siri Larsen" and dropped["by"] == {"name": "Siri Larsen"}
    statuses = {o["title"]: (o["status"], o["score"]) for o in review["objectives"]}
    assert statuses["Mer tid hos brukeren, mindre i bilen"] == ("dropped", None)
    assert any("droppede" in s for s in review["suggestions"])


def test_lint_gives_a_kind_for_every_key_result_of_each_team(
    client: Client, okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    for team in ("Team Selvbetjening", "Team Saksbehandling", "Team Data", "Team Platform"):
        for cycle in (PAST, CURRENT):
            report = ask(client, demo, token, LINT, team, cycle)["lint"]
            stored = okr_set_for(okr, demo.units[team], demo.cycles[cycle]).okr_set
            titles = [(o, k, kr.title) for o, ob in enumerate(stored.objectives)
                      for k, kr in enumerate(ob.key_results)]  # fmt: skip
            assert titles
            assert [(k["objective"], k["index"], k["title"]) for k in report["keyResults"]] == (
                titles
            )
            assert {k["kind"] for k in report["keyResults"]} <= {"outcome", "output"}
            expected = lint(stored)
            assert report["language"] == expected.language
            assert [f["code"] for f in report["findings"]] == expected.codes()
            for finding in report["findings"]:
                assert finding["severity"] in {"info", "warning", "error"}
                assert finding["message"]


def test_lint_holds_the_set_to_the_organisations_own_limits(
    client: Client, okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    okr.change_policy(
        organization_id=demo.organization_id,
        by=demo.admin_id,
        max_objectives=1,
        min_key_results=3,
        max_key_results=6,
        mode="warn",
    )
    sets = {
        team: okr_set_for(okr, unit_id, demo.cycles[CURRENT]).okr_set
        for team, unit_id in demo.units.items()
    }
    team, stored = next(
        (team, s)
        for team, s in sets.items()
        if len(s.objectives) > 1 and any(len(o.key_results) < 3 for o in s.objectives)
    )

    report = ask(client, demo, token, LINT, team, CURRENT)["lint"]

    codes = [f["code"] for f in report["findings"]]
    assert "too-many-objectives" in codes and "too-few-key-results" in codes
    limits = LintPolicy(max_objectives=1, min_key_results=3, max_key_results=6)
    assert codes == lint(stored, limits).codes()


def test_lint_leaves_out_a_dropped_objective(client: Client, demo: DemoSummary, token: str) -> None:
    report = ask(client, demo, token, LINT, "Team Hjemmetjenester", CURRENT)["lint"]

    assert report["keyResults"]
    assert "Mer tid hos brukeren" not in " ".join(k["title"] for k in report["keyResults"])


def test_events_page_by_position_without_gaps_or_repeats(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    other = build_org(okr, "Another agency")
    service.wait_for(okr.position(), timeout=30)
    cycle = demo.cycles[CURRENT]
    expected = [p.position for p in collect_cycle(okr, cycle)]
    assert len(expected) > 100

    seen: list[int] = []
    nodes: list[dict[str, Any]] = []
    after: int | None = None
    pages = 0
    while True:
        body = graphql(
            client, EVENTS, {"cycle": str(cycle), "after": after, "first": 37}, token=token
        )
        assert "errors" not in body, body
        page = body["data"]["events"]
        pages += 1
        assert page["totalCount"] == len(expected)
        assert len(page["nodes"]) <= 37
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        nodes += page["nodes"]
        seen += [n["position"] for n in page["nodes"]]
        if page["nodes"]:
            assert page["pageInfo"]["startCursor"] == page["nodes"][0]["position"]
            assert page["pageInfo"]["endCursor"] == page["nodes"][-1]["position"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == expected  # every event once, in log order
    assert pages == -(-len(expected) // 37)
    assert {n["aggregateType"] for n in nodes} <= {
        "Cycle", "TeamCycle", "Objective", "Initiative", "Meeting", "Organization", "Kpi"
    }
    assert {"Cycle", "TeamCycle", "Objective"} <= {n["aggregateType"] for n in nodes}
    foreign = {str(other.id), str(other.cycle), str(other.objective), str(other.sibling_objective)}
    assert not foreign & {n["aggregateId"] for n in nodes}
    assert all("token_hash" not in n["data"] for n in nodes)
    check_in = next(n for n in nodes if n["type"] == "CheckInMade")
    assert check_in["aggregateType"] == "Objective" and "value" in check_in["data"]
    assert check_in["by"]["name"] and check_in["byMemberId"]
    per_aggregate: dict[str, list[int]] = {}
    for n in nodes:
        if n["aggregateType"] in ("Organization", "Kpi"):
            continue  # shared with other cycles: only what concerns this one
        per_aggregate.setdefault(n["aggregateId"], []).append(n["aggregateVersion"])
    assert all(v == list(range(1, len(v) + 1)) for v in per_aggregate.values())

    # One unit's share: only its team cycle and objectives (and the cycle itself).
    team = demo.units["Team Platform"]
    body = graphql(
        client, EVENTS, {"cycle": str(cycle), "unit": str(team), "first": 200}, token=token
    )
    unit_nodes = body["data"]["events"]["nodes"]
    assert [n["position"] for n in unit_nodes] == [
        p.position for p in collect_cycle(okr, cycle, team)
    ][:200]
    assert {n["position"] for n in unit_nodes} < set(expected)

    # The other organisation sees its own cycle's events, none of the demo's.
    mine = graphql(
        client, EVENTS, {"cycle": str(other.cycle), "first": 200}, token=other.tokens["plain"]
    )
    assert "errors" not in mine, mine
    ids = {n["aggregateId"] for n in mine["data"]["events"]["nodes"]}
    assert str(other.objective) in ids and not ids & {n["aggregateId"] for n in nodes}


def test_a_page_past_the_end_is_empty_and_bad_pages_are_refused(
    client: Client, demo: DemoSummary, token: str
) -> None:
    cycle = str(demo.cycles[PAST])
    end = graphql(client, EVENTS, {"cycle": cycle, "after": 10**9, "first": 10}, token=token)
    too_many = graphql(client, EVENTS, {"cycle": cycle, "first": 201}, token=token)
    negative = graphql(client, EVENTS, {"cycle": cycle, "first": -1}, token=token)
    before_start = graphql(client, EVENTS, {"cycle": cycle, "after": -5, "first": 5}, token=token)

    page = end["data"]["events"]
    assert page["nodes"] == [] and page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["endCursor"] is None
    for body in (too_many, negative, before_start):
        assert codes(body) == ["BAD_USER_INPUT"]


def test_another_organisation_s_unit_or_cycle_is_not_found(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    other = build_org(okr, "Another agency")
    service.wait_for(okr.position(), timeout=30)
    team, cycle = str(demo.units["Team Data"]), str(demo.cycles[CURRENT])
    fields = {
        "lint": "query($u: UUID!, $c: UUID!) { lint(unitId: $u, cycleId: $c) { language } }",
        "copyPaste": "query($u: UUID!, $c: UUID!) "
        "{ copyPaste(unitId: $u, cycleId: $c) { verdict } }",
        "review": "query($u: UUID!, $c: UUID!) { review(unitId: $u, cycleId: $c) { unit } }",
        "events": "query($u: UUID, $c: UUID!) "
        "{ events(cycleId: $c, unitId: $u) { nodes { position } } }",
    }
    asked = [
        # a stranger asking about the demo's unit and cycle
        ({"u": team, "c": cycle}, other.tokens["plain"]),
        # the demo asking about the other organisation's unit and cycle
        ({"u": str(other.team), "c": str(other.cycle)}, token),
        # the demo's own unit with a foreign cycle, and a foreign unit in its own cycle
        ({"u": team, "c": str(other.cycle)}, token),
        ({"u": str(other.team), "c": cycle}, token),
        # ids nobody has
        ({"u": str(uuid4()), "c": cycle}, token),
        ({"u": team, "c": str(uuid4())}, token),
        # a unit id given where a cycle is expected
        ({"u": team, "c": team}, token),
    ]
    for variables, who in asked:
        for name, query in fields.items():
            body = graphql(client, query, variables, token=who)
            # never data: null, or null in the one nullable field
            assert body["data"] in (None, {name: None}), (name, variables, body)
            assert codes(body) == ["NOT_FOUND"], (name, variables, body)
            message = body["errors"][0]["message"]
            assert "Another agency" not in message and "Fjordby" not in message


def test_the_learning_fields_need_a_token(client: Client, demo: DemoSummary) -> None:
    body = graphql(
        client,
        "query($u: UUID!, $c: UUID!) { lint(unitId: $u, cycleId: $c) { language } }",
        {"u": str(demo.units["Team Data"]), "c": str(demo.cycles[CURRENT])},
    )
    assert body["data"] is None and codes(body) == ["UNAUTHENTICATED"]


def test_review_today_bounds_a_running_cycle(client: Client, demo: DemoSummary, token: str) -> None:
    early = TODAY - timedelta(days=30)
    body = graphql(
        client,
        "query($u: UUID!, $c: UUID!, $t: Date) { review(unitId: $u, cycleId: $c, today: $t) "
        "{ asOf rhythm { periods } hockeyStick { evaluated notEvaluatedBecause } } }",
        {
            "u": str(demo.units["Team Selvbetjening"]),
            "c": str(demo.cycles[CURRENT]),
            "t": early.isoformat(),
        },
        token=token,
    )

    assert "errors" not in body, body
    review = body["data"]["review"]
    assert review["asOf"] == early.isoformat()
    assert review["hockeyStick"] == {
        "evaluated": False,
        "notEvaluatedBecause": "cycle-not-there-yet",
    }


def test_the_steady_team_is_not_irregular_in_the_first_two_weeks_of_a_cycle(
    client: Client, demo: DemoSummary, token: str
) -> None:
    start = date(2026, 10, 1)  # of 2026 Q4; the team checks in on its 8th day, 15th, …
    for day in range(14):
        today = start + timedelta(days=day)
        body = graphql(
            client,
            "query($u: UUID!, $c: UUID!, $t: Date) { review(unitId: $u, cycleId: $c, today: $t) "
            "{ flagCodes rhythm { periods periodsWithCheckIns weeklyCoverage } } }",
            {
                "u": str(demo.units["Team Selvbetjening"]),
                "c": str(demo.cycles[CURRENT]),
                "t": today.isoformat(),
            },
            token=token,
        )

        assert "errors" not in body, body
        review = body["data"]["review"]
        assert "irregular-check-ins" not in review["flagCodes"], (today, review)
        assert review["rhythm"]["weeklyCoverage"] == 1.0, (today, review)


def test_reviews_gives_every_team_its_own_review(
    client: Client, demo: DemoSummary, token: str
) -> None:
    cycle = str(demo.cycles[PAST])
    every = graphql(
        client,
        "query($c: UUID!, $t: Date) { reviews(cycleId: $c, today: $t) { unit flagCodes score } }",
        {"c": cycle, "t": TODAY.isoformat()},
        token=token,
    )
    assert "errors" not in every, every
    by_unit = {r["unit"]: r for r in every["data"]["reviews"]}
    assert len(by_unit) == len(every["data"]["reviews"]) >= 2
    for name in ("Team Saksbehandling", "Team Selvbetjening"):
        one = graphql(
            client,
            "query($u: UUID!, $c: UUID!, $t: Date) "
            "{ review(unitId: $u, cycleId: $c, today: $t) { unit flagCodes score } }",
            {"u": str(demo.units[name]), "c": cycle, "t": TODAY.isoformat()},
            token=token,
        )
        assert by_unit[name] == one["data"]["review"]
    assert "hockey-stick" in by_unit["Team Saksbehandling"]["flagCodes"]


def test_reviews_of_another_organisations_cycle_is_not_found(
    client: Client, okr: OKRApplication, demo: DemoSummary, token: str
) -> None:
    other = build_org(okr, "Another agency")
    for cycle in (str(other.cycle), str(uuid4()), str(demo.units["Team Data"])):
        body = graphql(
            client, "query($c: UUID!) { reviews(cycleId: $c) { unit } }", {"c": cycle}, token=token
        )
        assert body["data"] is None and codes(body) == ["NOT_FOUND"], body
