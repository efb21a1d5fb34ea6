"""The integration-event contract: a pure translation of every stored event kind."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.utils import get_topic

from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.reminders import ReminderPolicy
from okr_es.catalogue import AGGREGATES, event_classes
from okr_es.messaging.integration_events import (
    PUBLISHED_FIELDS,
    SCHEMA,
    OrganizationDirectory,
    UnpublishableEvent,
    decode,
    render_contract,
    translate,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "integration-events.md"
NOW = datetime(2026, 11, 23, 16, 15, tzinfo=UTC)
ORG = UUID("00000000-0000-4000-8000-00000000000a")
MEMBER = UUID("00000000-0000-4000-8000-00000000000b")
ENVELOPE = [
    "schema",
    "position",
    "event",
    "aggregate",
    "aggregate_id",
    "aggregate_version",
    "organization_id",
    "recorded_at",
    "by",
    "data",
]
EVENT_KINDS = [(a, e) for a in AGGREGATES for e in event_classes(a)]


def sample_value(name: str, hint: Any) -> Any:
    """A plausible value of the field's type; optionals get their non-empty form."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if typing.get_origin(hint) is dict:
        return {uuid4(): 0.7}
    if typing.get_origin(hint) in (list, tuple):
        return [sample_value(name, typing.get_args(hint)[0])]
    if isinstance(hint, typing.TypeVar):  # the library's generic originator_id
        return uuid4()
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):  # e.g. a view's filter
        return hint()
    values: dict[Any, Any] = {
        UUID: uuid4(),
        str: f"{name} text",
        int: 3,
        float: 1.5,
        datetime: NOW,
        date: date(2026, 10, 1),
        bool: True,
        ReminderPolicy: ReminderPolicy(),
    }
    return values[hint]


def sample_event(
    aggregate: type[OKRAggregate], cls: type[Any], aggregate_id: UUID | None = None
) -> Any:
    hints = typing.get_type_hints(cls)
    values = {f.name: sample_value(f.name, hints[f.name]) for f in dataclasses.fields(cls)}
    values.update(
        originator_id=aggregate_id or uuid4(), originator_version=1, timestamp=NOW, by=MEMBER
    )
    if "organization_id" in values:
        values["organization_id"] = ORG
    if "originator_topic" in values:
        values["originator_topic"] = get_topic(aggregate)
    return cls(**values)


def test_every_domain_event_has_an_integration_contract_naming_only_real_fields() -> None:
    kinds = {e.__qualname__: e for _, e in EVENT_KINDS}
    assert set(PUBLISHED_FIELDS) == set(kinds)
    for key, fields in PUBLISHED_FIELDS.items():
        assert set(fields) <= {f.name for f in dataclasses.fields(kinds[key])}, key


@pytest.mark.parametrize(
    ("aggregate", "cls"), EVENT_KINDS, ids=[e.__qualname__ for _, e in EVENT_KINDS]
)
def test_every_event_kind_translates_to_its_subject_and_a_versioned_payload(
    aggregate: type[OKRAggregate], cls: type[Any]
) -> None:
    event = sample_event(aggregate, cls)
    org = event.originator_id if aggregate is Organization else ORG

    integration = translate(event, 42, org)

    assert integration.subject() == f"okr.{org}.{aggregate.__name__}.{cls.__name__}"
    assert integration.subject("okrtest") == f"okrtest.{org}.{aggregate.__name__}.{cls.__name__}"
    assert integration.msg_id() == "42"
    payload = json.loads(integration.encode())
    assert list(payload) == ENVELOPE
    assert payload["schema"] == SCHEMA == "okr-es.integration/1"
    assert payload["position"] == 42
    assert payload["event"] == cls.__name__
    assert payload["aggregate"] == aggregate.__name__
    assert payload["aggregate_id"] == str(event.originator_id)
    assert payload["aggregate_version"] == 1
    assert payload["organization_id"] == str(org)
    assert payload["recorded_at"] == "2026-11-23T16:15:00Z"
    assert payload["by"] == str(MEMBER)
    assert list(payload["data"]) == list(PUBLISHED_FIELDS[cls.__qualname__])
    assert decode(integration.encode()) == integration


def test_the_token_hash_and_member_emails_never_leave() -> None:
    issued = sample_event(Organization, Organization.AccessTokenIssued)
    added = sample_event(Organization, Organization.MemberAdded)

    for event in (issued, added):
        payload = translate(event, 7, event.originator_id).encode()
        assert b"token_hash" not in payload
        assert issued.token_hash.encode() not in payload
        assert b"email" not in payload
        assert added.email.encode() not in payload
    assert json.loads(translate(issued, 7, ORG).encode())["data"] == {
        "token_id": str(issued.token_id),
        "member_id": str(issued.member_id),
        "label": issued.label,
        "scope": issued.scope,
    }


def test_the_subject_of_a_sign_in_account_never_leaves() -> None:
    linked = sample_event(Organization, Organization.MemberSignInLinked)

    payload = translate(linked, 7, ORG).encode()

    assert linked.subject.encode() not in payload
    assert json.loads(payload)["data"] == {
        "member_id": str(linked.member_id), "issuer": linked.issuer
    }


def test_later_events_belong_to_the_organisation_named_by_their_creation_event() -> None:
    objective_id = uuid4()
    directory = OrganizationDirectory()
    created = sample_event(Objective, Objective.ObjectiveSet, objective_id)
    check_in = sample_event(Objective, Objective.CheckInMade, objective_id)
    registered = sample_event(Organization, Organization.OrganizationRegistered)

    assert directory.organization_of(created) == ORG
    assert directory.organization_of(check_in) == ORG
    assert directory.organization_of(registered) == registered.originator_id


def test_an_event_whose_creation_event_was_not_seen_is_refused() -> None:
    check_in = sample_event(Objective, Objective.CheckInMade)

    with pytest.raises(UnpublishableEvent, match="creation event"):
        OrganizationDirectory().organization_of(check_in)


def test_the_documented_contract_matches_the_code() -> None:
    assert render_contract() in DOC.read_text(), (
        "docs/integration-events.md is stale: paste render_contract()'s table into it"
    )
