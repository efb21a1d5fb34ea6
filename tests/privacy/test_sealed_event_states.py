"""What the store holds for personal data: sealed values under the person's key, opened for
every reader, bound to their person and field; plain values written before sealing
existed still read; free texts sealed only while the organisation's policy says so."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.personal_data import ERASED
from okr_es.application import OKRApplication
from okr_es.privacy.sealing import PREFIX, sealed_subject
from okr_es.settings import Settings
from support.world import World, build_world


def stored_states(app: OKRApplication, cls: type[Any]) -> list[dict[str, Any]]:
    return [
        msgspec.json.decode(n.state)
        for n in app.all_notifications(topics=[get_topic(cls)])
    ]


def check_in(app: OKRApplication, world: World, objective: UUID, kr: UUID, comment: str) -> None:
    app.check_in(objective_id=objective, key_result_id=kr, value=70, status="green",
                 comment=comment, by=world.member)


def an_objective(app: OKRApplication, world: World) -> tuple[UUID, UUID]:
    ids = app.set_objective(
        organization_id=world.org, unit_id=world.team, cycle_id=world.cycle, title="Raskere",
        owner_id=world.member, by=world.admin,
        key_results=[{"title": "Fart", "metric": "increase", "start": 60, "target": 80,
                      "unit": "percent"}, {"title": "Lansert", "metric": "milestone"}],
    ).ids
    return ids["objective_id"], ids["key_result_id_0"]


def test_names_and_addresses_are_stored_sealed_and_read_in_plain_text(
    app: OKRApplication,
) -> None:
    world = build_world(app)
    added = stored_states(app, Organization.MemberAdded)
    assert {sealed_subject(s["name"]) for s in added} == {
        world.admin, world.member, world.colleague
    }
    assert all(s["email"].startswith(PREFIX) for s in added)
    assert [s["member_id"] for s in added] == [
        str(world.admin), str(world.member), str(world.colleague)
    ]
    org = app.get_organization(world.org)
    assert org.members[world.member].name == "Ola Member"
    assert org.members[world.member].email == "ola@digdir.no"


def test_a_sealed_value_opens_only_for_its_own_person_and_field(app: OKRApplication) -> None:
    world = build_world(app)
    notifications = list(app.all_notifications(topics=[get_topic(Organization.MemberAdded)]))
    ola = next(n for n in notifications if msgspec.json.decode(n.state)["member_id"]
               == str(world.member))
    state = msgspec.json.decode(ola.state)
    # Ola's sealed name put into his e-mail field, and under Per's id: neither opens.
    swapped = {**state, "email": state["name"]}
    moved = {**state, "member_id": str(world.colleague)}
    for forged, field, expected in ((swapped, "email", "erased@erased.invalid"),
                                    (moved, "name", ERASED)):
        event = app.mapper.to_domain_event(
            StoredEvent(ola.originator_id, ola.originator_version, ola.topic,
                        msgspec.json.encode(forged))
        )
        assert getattr(event, field) == expected


def test_plain_values_stored_before_sealing_existed_still_read(app: OKRApplication) -> None:
    world = build_world(app)
    n = next(iter(app.all_notifications(topics=[get_topic(Organization.MemberAdded)])))
    state = {**msgspec.json.decode(n.state), "name": "Gammel Klartekst"}
    event = app.mapper.to_domain_event(
        StoredEvent(n.originator_id, n.originator_version, n.topic, msgspec.json.encode(state))
    )
    assert event.name == "Gammel Klartekst"  # type: ignore[attr-defined]
    assert event.member_id == world.admin  # type: ignore[attr-defined]


def test_free_texts_are_sealed_only_while_the_policy_says_so(app: OKRApplication) -> None:
    world = build_world(app)
    objective, kr = an_objective(app, world)
    check_in(app, world, objective, kr, "før policyen")
    app.set_privacy_policy(organization_id=world.org, seal_free_text=True, by=world.admin)
    check_in(app, world, objective, kr, "under policyen")
    app.set_privacy_policy(organization_id=world.org, seal_free_text=False, by=world.admin)
    check_in(app, world, objective, kr, "etter policyen")
    stored = [s["comment"] for s in stored_states(app, Objective.CheckInMade)]
    assert stored[0] == "før policyen" and stored[2] == "etter policyen"
    assert sealed_subject(stored[1]) == world.member
    comments = [e.comment for e in app.history(objective) if isinstance(e, Objective.CheckInMade)]
    assert comments == ["før policyen", "under policyen", "etter policyen"]


def test_an_erasure_in_another_process_counts_here_once_it_is_read(settings: Settings) -> None:
    with OKRApplication(settings) as here, OKRApplication(settings) as there:
        world = build_world(here)
        assert there.get_organization(world.org).members[world.colleague].name == "Per Colleague"
        here.erase_member(organization_id=world.org, member_id=world.colleague, by=world.admin)
        # Reading the log up to the erasure drops the key this process had cached.
        for notification in there.all_notifications():
            there.decode(notification)
        assert there.person_keys.key(world.colleague) is None
        added = [
            there.decode(n) for n in there.all_notifications(
                topics=[get_topic(Organization.MemberAdded)]
            )
        ]
        assert [e.name for e in added] == [  # type: ignore[attr-defined]
            "Kari Admin", "Ola Member", ERASED
        ]


def test_a_sign_in_subject_is_sealed_and_unreadable_once_its_member_is_erased(
    app: OKRApplication,
) -> None:
    world = build_world(app)
    app.link_sign_in(organization_id=world.org, member_id=world.member,
                     issuer="https://idporten.no", subject="pairwise-Ola-7f3a", by=world.admin)
    [linked] = stored_states(app, Organization.MemberSignInLinked)
    assert sealed_subject(linked["subject"]) == world.member
    org = app.get_organization(world.org)
    assert org.member_signing_in_as("https://idporten.no", "pairwise-Ola-7f3a") is not None

    app.erase_member(organization_id=world.org, member_id=world.member, by=world.admin)

    org = app.get_organization(world.org)
    assert org.member_signing_in_as("https://idporten.no", "pairwise-Ola-7f3a") is None
    assert org.members[world.member].sign_ins == [("https://idporten.no", ERASED)]
    assert not any(b"pairwise-Ola-7f3a" in n.state for n in app.all_notifications())
