"""Initiatives, unit rosters and hypotheses in the read API: every field, every filter,
scoped to the reader's organisation, and batched (no statement per row)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from gql_helpers import codes, graphql
from litestar.testing import TestClient
from test_batching import CountingViews

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService
from support.http_api import build_org

Client = TestClient[Any]

INITIATIVE_FIELDS = """id title status statusNote percentComplete progress startedAt updatedAt
    version unit { name } owner { name } keyResults { id title objectiveId expectedStatus }"""


def caught_up(okr: OKRApplication, service: ProjectionService) -> None:
    assert service.wait_for(okr.position(), timeout=30) >= okr.position()


def team_data_key_results(client: Client, token: str, demo: DemoSummary) -> list[dict[str, Any]]:
    body = graphql(
        client,
        """query($u: UUID!, $c: UUID!) { objectives(filter: {unitId: $u, cycleId: $c}) {
             nodes { id keyResults { id title } } } }""",
        {"u": str(demo.units["Team Data"]), "c": str(demo.cycles["2026 Q4"])},
        token=token,
    )
    return [
        {"objective_id": o["id"], **kr}
        for o in body["data"]["objectives"]["nodes"]
        for kr in o["keyResults"]
    ]


def start(
    okr: OKRApplication,
    demo: DemoSummary,
    title: str,
    owner: str,
    links: list[dict[str, Any]],
    unit: str = "Team Data",
) -> UUID:
    initiative_id: UUID = okr.start_initiative(
        organization_id=demo.organization_id,
        unit_id=demo.units[unit],
        title=title,
        owner_id=demo.members[owner],
        key_results=[(k["objective_id"], k["id"]) for k in links],
        by=demo.admin_id,
    ).ids["initiative_id"]
    return initiative_id


def test_an_initiative_reads_with_its_owner_unit_status_progress_and_linked_key_results(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    running = start(okr, demo, "Bygge datakatalog", "Emil Strand", krs[:2])
    okr.record_initiative_progress(
        initiative_id=running, percent_complete=40, note="halvveis", by=demo.admin_id
    )
    stopped = start(okr, demo, "Rydde gamle rapporter", "Per Johansen", krs[:1])
    okr.stop_initiative(initiative_id=stopped, reason="ikke lenger viktig", by=demo.admin_id)
    done = start(okr, demo, "Lage dashbord", "Per Johansen", [])
    okr.complete_initiative(initiative_id=done, note="levert", by=demo.admin_id)
    caught_up(okr, service)

    body = graphql(
        client,
        f"""query($id: UUID!) {{ initiative(id: $id) {{ {INITIATIVE_FIELDS} }}
             initiatives {{ edges {{ cursor node {{ title status percentComplete statusNote }} }}
                            pageInfo {{ hasNextPage }} }} }}""",
        {"id": str(running)},
        token=token,
    )

    assert "errors" not in body, body
    one = body["data"]["initiative"]
    assert one["id"] == str(running) and one["title"] == "Bygge datakatalog"
    assert (one["status"], one["statusNote"], one["percentComplete"]) == ("running", "halvveis", 40)
    assert one["progress"] == 0.4 and one["version"] == 4
    assert one["unit"] == {"name": "Team Data"} and one["owner"] == {"name": "Emil Strand"}
    assert [k["id"] for k in one["keyResults"]] == [k["id"] for k in krs[:2]]
    assert [k["objectiveId"] for k in one["keyResults"]] == [k["objective_id"] for k in krs[:2]]
    assert all(k["expectedStatus"] for k in one["keyResults"])
    assert one["startedAt"].endswith("+00:00") and one["updatedAt"] >= one["startedAt"]
    listed = [e["node"] for e in body["data"]["initiatives"]["edges"]]
    assert [(n["title"], n["status"], n["percentComplete"], n["statusNote"]) for n in listed] == [
        ("Bygge datakatalog", "running", 40, "halvveis"),
        ("Rydde gamle rapporter", "stopped", 0, "ikke lenger viktig"),
        ("Lage dashbord", "completed", 100, "levert"),
    ]


def test_initiatives_are_filtered_by_unit_subtree_owner_status_and_cycle_and_paged(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    data = start(okr, demo, "Datakatalog", "Emil Strand", krs[:1])
    unlinked = start(okr, demo, "Opplæring", "Per Johansen", [])
    elsewhere = start(okr, demo, "Nytt skjema", "Ola Nordmann", [], unit="Team Selvbetjening")
    okr.stop_initiative(initiative_id=unlinked, reason="utsatt", by=demo.admin_id)
    caught_up(okr, service)

    def titles(where: str) -> list[str]:
        body = graphql(
            client, f"{{ initiatives(filter: {{{where}}}) {{ nodes {{ title }} }} }}", token=token
        )
        assert "errors" not in body, body
        return [n["title"] for n in body["data"]["initiatives"]["nodes"]]

    team, digital = demo.units["Team Data"], demo.units["Digitalisering"]
    assert titles(f'unitId: "{team}"') == ["Datakatalog", "Opplæring"]
    assert titles(f'unitId: "{digital}"') == []
    assert titles(f'unitId: "{digital}", includeDescendants: true') == [
        "Datakatalog",
        "Opplæring",
        "Nytt skjema",
    ]
    assert titles(f'ownerId: "{demo.members["Ola Nordmann"]}"') == ["Nytt skjema"]
    assert titles('status: "stopped"') == ["Opplæring"]
    assert titles(f'cycleId: "{demo.cycles["2026 Q4"]}"') == ["Datakatalog"]
    assert titles(f'cycleId: "{demo.cycles["2026 Q3"]}"') == []

    first = graphql(
        client, "{ initiatives(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }",
        token=token,
    )["data"]["initiatives"]
    rest = graphql(
        client,
        "query($a: String!) { initiatives(first: 2, after: $a) { nodes { id } "
        "pageInfo { hasNextPage hasPreviousPage } } }",
        {"a": first["pageInfo"]["endCursor"]},
        token=token,
    )["data"]["initiatives"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [n["id"] for n in first["nodes"] + rest["nodes"]] == [
        str(data), str(unlinked), str(elsewhere)
    ]
    assert rest["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}


def test_a_bad_initiatives_cursor_or_page_size_is_refused_with_a_code(
    client: Client, demo: DemoSummary, token: str
) -> None:
    bad_cursor = graphql(client, '{ initiatives(after: "bm9wZQ==") { nodes { id } } }', token=token)
    too_many = graphql(client, "{ initiatives(first: 101) { nodes { id } } }", token=token)

    assert bad_cursor["data"] is None and codes(bad_cursor) == ["BAD_USER_INPUT"]
    assert too_many["data"] is None and codes(too_many) == ["BAD_USER_INPUT"]


def test_units_members_and_key_results_show_their_initiatives(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    start(okr, demo, "Datakatalog", "Emil Strand", krs[:1])
    start(okr, demo, "Datavask", "Emil Strand", krs[:2])
    caught_up(okr, service)

    body = graphql(
        client,
        """query($k: UUID!) { units { name initiatives { title } }
             organization { members { name initiatives { title owner { name } } } }
             keyResult(id: $k) { initiatives { title } } }""",
        {"k": krs[1]["id"]},
        token=token,
    )

    assert "errors" not in body, body
    by_unit = {u["name"]: [i["title"] for i in u["initiatives"]] for u in body["data"]["units"]}
    assert by_unit["Team Data"] == ["Datakatalog", "Datavask"]
    assert by_unit["Team Platform"] == []
    members = {m["name"]: m["initiatives"] for m in body["data"]["organization"]["members"]}
    assert [i["title"] for i in members["Emil Strand"]] == ["Datakatalog", "Datavask"]
    assert {i["owner"]["name"] for i in members["Emil Strand"]} == {"Emil Strand"}
    assert members["Per Johansen"] == []
    assert body["data"]["keyResult"]["initiatives"] == [{"title": "Datavask"}]


def test_a_units_roster_lists_its_members_with_their_roles_there(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    org, admin, team = demo.organization_id, demo.admin_id, demo.units["Team Data"]
    emil = demo.members["Emil Strand"]
    okr.grant_role(organization_id=org, member_id=emil, role="lead", unit_id=team, by=admin)
    okr.revoke_role(
        organization_id=org, member_id=demo.members["Per Johansen"], role="lead", unit_id=team,
        by=admin,
    )
    okr.grant_role(
        organization_id=org, member_id=demo.members["Per Johansen"], role="member",
        unit_id=team, by=admin,
    )
    caught_up(okr, service)

    body = graphql(
        client,
        """{ units { name members { member { name } roles } }
             organization { members { name roles { role unit { name } grantedAt }
                                      units { name } } } }""",
        token=token,
    )

    assert "errors" not in body, body
    roster = {u["name"]: u["members"] for u in body["data"]["units"]}
    assert roster["Team Data"] == [
        {"member": {"name": "Emil Strand"}, "roles": ["lead", "member"]},
        {"member": {"name": "Per Johansen"}, "roles": ["member"]},
    ]
    assert roster["Digitalisering"] == [{"member": {"name": "Lise Moen"}, "roles": ["ambassador"]}]
    assert roster["Fjordby kommune"] == []
    members = {m["name"]: m for m in body["data"]["organization"]["members"]}
    assert [(r["role"], r["unit"]) for r in members["Ingrid Berg"]["roles"]] == [("admin", None)]
    assert members["Ingrid Berg"]["units"] == []
    assert [(r["role"], r["unit"]["name"]) for r in members["Emil Strand"]["roles"]] == [
        ("lead", "Team Data"),
        ("member", "Team Data"),
    ]
    assert members["Emil Strand"]["units"] == [{"name": "Team Data"}]
    assert all(r["grantedAt"].endswith("+00:00") for r in members["Emil Strand"]["roles"])


def test_an_objectives_hypothesis_is_readable_and_empty_when_none_was_given(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    okr.change_policy(organization_id=demo.organization_id, by=demo.admin_id, mode="warn")
    with_bet = okr.set_objective(
        organization_id=demo.organization_id,
        unit_id=demo.units["Team Data"],
        cycle_id=demo.cycles["2026 Q4"],
        title="Bedre datakvalitet",
        owner_id=demo.members["Per Johansen"],
        hypothesis="renere data gir færre feil i vedtak",
        by=demo.admin_id,
    ).ids["objective_id"]
    caught_up(okr, service)

    body = graphql(
        client,
        """query($id: UUID!) { objective(id: $id) { hypothesis }
             asOf: objective(id: $id, asOf: "2100-01-01T00:00:00Z") { hypothesis }
             objectives(first: 100) { nodes { title hypothesis } } }""",
        {"id": str(with_bet)},
        token=token,
    )

    assert "errors" not in body, body
    assert body["data"]["objective"] == {"hypothesis": "renere data gir færre feil i vedtak"}
    assert body["data"]["asOf"] == body["data"]["objective"]
    others = [n for n in body["data"]["objectives"]["nodes"] if n["title"] != "Bedre datakvalitet"]
    assert others and {n["hypothesis"] for n in others} == {""}


def test_another_organisations_initiatives_and_rosters_read_like_unknown_ids(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    initiative = start(okr, demo, "Datakatalog", "Emil Strand", krs[:1])
    other = build_org(okr, "Another agency")
    caught_up(okr, service)
    stranger = other.tokens["plain"]
    document = """query($i: UUID!, $u: UUID!, $m: UUID!, $k: UUID!, $c: UUID!) {
        initiative(id: $i) { id }
        byUnit: initiatives(filter: {unitId: $u}) { edges { node { id } } }
        subtree: initiatives(filter: {unitId: $u, includeDescendants: true}) { nodes { id } }
        byOwner: initiatives(filter: {ownerId: $m}) { nodes { id } }
        byCycle: initiatives(filter: {cycleId: $c}) { nodes { id } }
        keyResult(id: $k) { initiatives { id } }
        units { members { member { name } } initiatives { id } }
        organization { members { roles { role } units { name } initiatives { id } } } }"""
    real = {
        "i": str(initiative),
        "u": str(demo.units["Team Data"]),
        "m": str(demo.members["Emil Strand"]),
        "k": krs[0]["id"],
        "c": str(demo.cycles["2026 Q4"]),
    }
    unknown = {name: str(uuid.uuid4()) for name in real}

    across = graphql(client, document, real, token=stranger)
    missing = graphql(client, document, unknown, token=stranger)

    assert "errors" not in across, across
    assert across == missing
    assert across["data"]["initiative"] is None
    assert across["data"]["byUnit"]["edges"] == [] and across["data"]["byOwner"]["nodes"] == []
    assert all(u["initiatives"] == [] for u in across["data"]["units"])
    names = {m["member"]["name"] for u in across["data"]["units"] for m in u["members"]}
    assert names and "Emil Strand" not in names


def test_initiatives_and_rosters_cost_the_same_statements_however_many_rows(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    # Two documents, so that no loader serves two depths of one document (a batch there
    # may be split by the timing of the other branch's reads).
    initiatives = """query($first: Int!) { initiatives(first: $first) { nodes { title
        owner { name initiatives { title } } keyResults { title objective { title }
        initiatives { title } } } } }"""
    units = """{ units { name members { member { name units { name } roles { role } } roles }
        initiatives { title keyResults { title } } } }"""

    def statements(first: int) -> tuple[int, int, int, int]:
        counting = CountingViews(service.runner.views)
        service.runner.views = counting  # type: ignore[assignment]
        try:
            listed = graphql(client, initiatives, {"first": first}, token=token)
            listed_statements = len(counting.statements)
            rosters = graphql(client, units, token=token)
        finally:
            service.runner.views = counting.views
        assert "errors" not in listed and "errors" not in rosters, (listed, rosters)
        return (
            len(listed["data"]["initiatives"]["nodes"]),
            listed_statements,
            len(rosters["data"]["units"]),
            len(counting.statements) - listed_statements,
        )

    start(okr, demo, "Tiltak 0", "Emil Strand", krs[:2])
    start(okr, demo, "Tiltak 1", "Per Johansen", krs[1:2])
    caught_up(okr, service)
    few, few_listed, few_units, few_roster = statements(2)

    org, admin = demo.organization_id, demo.admin_id
    for i in range(10):
        team = okr.add_unit(
            organization_id=org, name=f"Lag {i}", kind="team",
            parent_id=demo.units["Digitalisering"], by=admin,
        ).ids["unit_id"]
        for j in range(2):
            person = okr.add_member(
                organization_id=org, name=f"Person {i}-{j}", email=f"p{i}.{j}@fjordby.no",
                by=admin,
            ).ids["member_id"]
            okr.grant_role(organization_id=org, member_id=person, role="member", unit_id=team,
                           by=admin)
            okr.start_initiative(
                organization_id=org, unit_id=team, title=f"Tiltak {i}-{j}", owner_id=person,
                key_results=[(k["objective_id"], k["id"]) for k in krs[:2]], by=admin,
            )
    caught_up(okr, service)
    many, many_listed, many_units, many_roster = statements(22)

    assert (few, many) == (2, 22) and many_units == few_units + 10
    # One statement per kind of row and level (initiatives, links, key results, objectives,
    # members, grants, units …), none per row.
    assert many_listed == few_listed <= 8, (few_listed, many_listed)
    assert many_roster == few_roster <= 10, (few_roster, many_roster)


def test_the_review_and_lint_name_a_team_member_who_owns_no_initiative(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    krs = team_data_key_results(client, token, demo)
    variables = {"u": str(demo.units["Team Data"]), "c": str(demo.cycles["2026 Q4"])}
    document = """query($u: UUID!, $c: UUID!) {
        review(unitId: $u, cycleId: $c, today: "2026-11-23") {
          flags { code message memberId member { name } } }
        lint(unitId: $u, cycleId: $c) { findings { code severity message } } }"""
    before = graphql(client, document, variables, token=token)
    start(okr, demo, "Datakatalog", "Emil Strand", krs[:1])
    caught_up(okr, service)

    after = graphql(client, document, variables, token=token)

    assert "errors" not in before and "errors" not in after, (before, after)
    flag_codes = [f["code"] for f in before["data"]["review"]["flags"]]
    assert "member-without-initiative" not in flag_codes
    assert all(f["memberId"] is None for f in before["data"]["review"]["flags"])
    (flag,) = [
        f for f in after["data"]["review"]["flags"] if f["code"] == "member-without-initiative"
    ]
    assert flag["memberId"] == str(demo.members["Per Johansen"])
    assert flag["member"] == {"name": "Per Johansen"}
    assert flag["message"].startswith("Per Johansen eier ingen av tiltakene")
    (finding,) = [
        f for f in after["data"]["lint"]["findings"] if f["code"] == "member-without-initiative"
    ]
    assert finding["severity"] == "warning"
    assert "Per Johansen" in finding["message"]


def test_an_initiative_shows_its_due_date_and_whether_it_is_overdue(
    client: Client, okr: OKRApplication, service: ProjectionService, demo: DemoSummary, token: str
) -> None:
    today = date.today()
    late = start(okr, demo, "For sent", "Emil Strand", [])
    okr.change_initiative_due_date(initiative_id=late, due_on=today - timedelta(days=1),
                                   by=demo.admin_id)
    due = okr.start_initiative(
        organization_id=demo.organization_id, unit_id=demo.units["Team Data"], title="I rute",
        owner_id=demo.members["Emil Strand"], due_on=today.isoformat(), by=demo.admin_id,
    ).ids["initiative_id"]
    done = okr.start_initiative(
        organization_id=demo.organization_id, unit_id=demo.units["Team Data"], title="Levert",
        owner_id=demo.members["Emil Strand"], due_on=(today - timedelta(days=9)).isoformat(),
        by=demo.admin_id,
    ).ids["initiative_id"]
    okr.complete_initiative(initiative_id=done, by=demo.admin_id)
    undated = start(okr, demo, "Uten frist", "Emil Strand", [])
    caught_up(okr, service)

    body = graphql(client, """query($late: UUID!) { a: initiative(id: $late) { dueDate overdue }
        initiatives(first: 50) { nodes { id title dueDate overdue } } }""",
                   {"late": str(late)}, token=token)  # fmt: skip

    assert "errors" not in body, body
    assert body["data"]["a"] == {
        "dueDate": (today - timedelta(days=1)).isoformat(), "overdue": True,
    }
    shown = {n["id"]: (n["dueDate"], n["overdue"]) for n in body["data"]["initiatives"]["nodes"]}
    assert shown[str(due)] == (today.isoformat(), False)
    assert shown[str(done)] == ((today - timedelta(days=9)).isoformat(), False)
    assert shown[str(undated)] == (None, False)
