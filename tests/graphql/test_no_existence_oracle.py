"""Another organisation's ids are indistinguishable from ids nobody has.

For every query field and every subscription that takes an id (found in the schema
itself, so a new one is covered or the test fails), the answer to another organisation's
real id must be byte for byte the answer to a random unknown id; the only difference
allowed is the asked id itself, where the answer echoes it.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import msgspec
from gql_helpers import graphql
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary
from okr_es.projections.service import ProjectionService
from support.http_api import build_org

Client = TestClient[Any]

CURRENT = "2026 Q4"

# What to select from each query field that takes an id; a field missing here fails the
# test, so a new one cannot slip by unchecked.
SELECTION = {
    "objective": "{ id title }",
    "keyResult": "{ id title }",
    "changeTimeline": "{ edges { node { sentence } } }",
    "kpis": "{ name }",
    "history": "{ type version }",
    "lint": "{ language }",
    "copyPaste": "{ verdict }",
    "review": "{ unit cycle }",
    "reviews": "{ unit }",
    "events": "{ nodes { position } }",
    "objectives": "{ edges { node { id } } }",
    "initiatives": "{ edges { node { id title } } }",
    "initiative": "{ id title }",
    "savedView": "{ id name }",
    "meeting": "{ id items { text } }",
    "meetings": "{ id }",
    "agenda": "{ at okrStatus { stale } }",
    "reminderPolicy": "{ cadence fromUnitId }",
    "remindersSent": "{ id period }",
    "webhook": "{ id format }",
}
# Optional arguments that change which code answers; each field is also asked with them.
VARIANTS = {"asOf": '"2100-01-01T00:00:00Z"', "includeDescendants": "true"}

SUBSCRIPTION_SELECTION = {
    "checkIns": "{ value }",
    "changes": "{ sentence }",
    "meeting": "{ id }",
}

INTROSPECTION = """{ __schema { queryType { fields { name args { name type {
  kind name ofType { kind name ofType { kind name } } } } } } } }"""
SUBSCRIPTIONS = """{ __schema { subscriptionType { fields { name args { name type {
  kind name ofType { kind name } } } } } } }"""
INPUT_FIELDS = """query($name: String!) { __type(name: $name) { inputFields { name type {
  kind name ofType { kind name } } } } }"""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def named(type_ref: dict[str, Any]) -> tuple[str, bool]:
    """The named type under a type reference, and whether it is non-null."""
    required = type_ref["kind"] == "NON_NULL"
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return type_ref["name"], required


def documents(client: Client, token: str, own: dict[str, str]) -> list[str]:
    """One document per (field, id argument, variant), the id as ``$id``; every other
    required id argument is the reader's own (``own``: unitId, cycleId)."""
    fields = graphql(client, INTROSPECTION, token=token)["data"]["__schema"]["queryType"]
    found: list[str] = []
    for field in fields["fields"]:
        args = {a["name"]: named(a["type"]) for a in field["args"]}
        for arg, (type_name, _) in args.items():
            if type_name == "UUID":
                found += _asked(field["name"], arg, args, own)
            elif type_name.endswith("Filter"):
                inputs = graphql(client, INPUT_FIELDS, {"name": type_name}, token=token)
                for item in inputs["data"]["__type"]["inputFields"]:
                    if named(item["type"])[0] == "UUID":
                        inner = "{" + item["name"] + ": $id}"
                        found += _asked(field["name"], arg, args, own, value=inner)
    return found


def _asked(
    field: str,
    id_arg: str,
    args: dict[str, tuple[str, bool]],
    own: dict[str, str],
    value: str = "$id",
) -> list[str]:
    assert field in SELECTION, f"{field} takes an id: add it to SELECTION"
    given = [f"{id_arg}: {value}"]
    for name, (type_name, required) in args.items():
        if name != id_arg and type_name == "UUID" and required:
            given.append(f'{name}: "{own[name]}"')
    variants = [given] + [[*given, f"{v}: {text}"] for v, text in VARIANTS.items() if v in args]
    return [f"query($id: UUID!) {{ {field}({', '.join(g)}) {SELECTION[field]} }}" for g in variants]


def ids_of_organisation(okr: OKRApplication, after: int) -> set[str]:
    """Every id in the events written after position ``after``: the organisation,
    its units, members, tokens, cycle, OKR sets, objectives and key results."""
    found: set[str] = set()
    for notification in okr.all_notifications(start=after + 1):
        event = okr.decode(notification)
        found |= set(_UUID.findall(msgspec.json.encode(vars(event)).decode()))
    return found


def answer(client: Client, document: str, asked: str, token: str) -> tuple[int, bytes]:
    """The status and the body, with the asked id (echoed in messages) made neutral."""
    response = client.post(
        "/graphql",
        json={"query": document, "variables": {"id": asked}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.content.replace(asked.encode(), b"<id>")


def test_another_organisations_ids_are_answered_like_unknown_ones(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    before = okr.position()
    other = build_org(okr, "Another agency")
    service.wait_for(okr.position(), timeout=30)
    theirs = ids_of_organisation(okr, before)
    own = {"unitId": str(demo.units["Team Data"]), "cycleId": str(demo.cycles[CURRENT])}
    asked = documents(client, token, own)
    # Every id kind the organisation has: itself, units, members, tokens, a cycle, its
    # OKR sets, objectives and key results.
    assert {str(other.id), str(other.team), str(other.cycle), str(other.key_result)} <= theirs
    assert len(theirs) > 20
    assert {re.search(r"\{ (\w+)\(", d)[1] for d in asked} == set(SELECTION), asked

    differing = []
    for document in asked:
        unknown = answer(client, document, str(uuid4()), token)
        for id_ in sorted(theirs):
            got = answer(client, document, id_, token)
            if got != unknown:
                differing.append((document, id_, got, unknown))
    assert differing == [], differing[:3]


def subscription_documents(client: Client, token: str) -> list[str]:
    """One subscription document per subscription field and id argument, the id as $id."""
    fields = graphql(client, SUBSCRIPTIONS, token=token)["data"]["__schema"]
    found = []
    for field in fields["subscriptionType"]["fields"]:
        for arg in field["args"]:
            if named(arg["type"])[0] == "UUID":
                name = field["name"]
                assert name in SUBSCRIPTION_SELECTION, f"{name} takes an id: add it"
                selection = SUBSCRIPTION_SELECTION[name]
                found.append(
                    f"subscription($id: UUID!) {{ {name}({arg['name']}: $id) {selection} }}"
                )
    return found


def first_message(client: Client, document: str, asked: str, token: str) -> str:
    """The first message a websocket subscription answers, the asked id made neutral."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": document, "variables": {"id": asked}},
            }
        )
        text: str = ws.receive_text()
    return text.replace(asked, "<id>")


def test_another_organisations_units_are_refused_like_unknown_ones_by_subscriptions(
    client: Client,
    okr: OKRApplication,
    service: ProjectionService,
    demo: DemoSummary,
    token: str,
) -> None:
    before = okr.position()
    other = build_org(okr, "Another agency")
    service.wait_for(okr.position(), timeout=30)
    theirs = ids_of_organisation(okr, before)
    asked = subscription_documents(client, token)
    assert len(asked) == len(SUBSCRIPTION_SELECTION)

    differing = []
    for document in asked:
        unknown = first_message(client, document, str(uuid4()), token)
        assert '"NOT_FOUND"' in unknown and '"data":null' in unknown, unknown
        for id_ in sorted(theirs | {str(other.team)}):
            got = first_message(client, document, id_, token)
            if got != unknown:
                differing.append((document, id_, got, unknown))
    assert differing == [], differing[:3]


def test_an_unknown_id_is_answered_without_data(
    client: Client, demo: DemoSummary, token: str
) -> None:
    """The comparison above means something only if the unknown-id answers are refusals."""
    nobody = str(UUID(int=0))
    _, body = answer(
        client, "query($id: UUID!) { history(aggregateId: $id) { type } }", nobody, token
    )

    assert b'"data":null' in body and b"NOT_FOUND" in body and b'"field":"aggregateId"' in body
