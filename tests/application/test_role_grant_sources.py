"""Role grants stored before grants had a source (RoleGranted and RoleRevoked version 1)
read as given by hand: a directory group never takes them away."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from okr_es.aggregates.organization import Grant, Organization
from okr_es.application import OKRApplication
from okr_es.settings import Settings


def _store_v1(app: OKRApplication, org: UUID, event: type[Any], **fields: object) -> None:
    version = app.read_aggregate(Organization, org).version + 1
    state = msgspec.json.encode({"timestamp": "2026-01-12T09:31:00Z", **fields})
    app.recorder.insert_events([StoredEvent(
        originator_id=org, originator_version=version, topic=get_topic(event), state=state)])


def test_a_v1_grant_reads_as_given_by_hand_and_stays_when_a_group_goes(
    app: OKRApplication, settings: Settings
) -> None:
    ids = app.register_organization(name="Digdir", admin_name="Kari",
                                    admin_email="kari@digdir.no").ids
    org, admin = ids["organization_id"], ids["member_id"]
    team = app.add_unit(organization_id=org, name="Team", kind="team",
                        parent_id=ids["root_unit_id"], by=admin).ids["unit_id"]
    ola = app.add_member(organization_id=org, name="Ola", email="ola@digdir.no",
                         by=admin).ids["member_id"]
    _store_v1(app, org, Organization.RoleGranted, by=str(admin), member_id=str(ola),
              role="lead", unit_id=str(team))
    fresh = OKRApplication(settings)
    try:
        [granted] = [e for e in fresh.history(org) if isinstance(e, Organization.RoleGranted)
                     and e.member_id == ola]
        assert granted.source == "admin"
        group = fresh.create_directory_group(organization_id=org, display_name="Leads",
                                             member_ids=[ola], by=admin).ids["group_id"]
        fresh.map_directory_group(organization_id=org, group=str(group), role="lead",
                                  unit_id=team, by=admin)
        fresh.delete_directory_group(organization_id=org, group_id=group, by=admin)
        member = fresh.read_aggregate(Organization, org).members[ola]
        assert (member.grants, member.directory_grants) == ([Grant("lead", team)], set())
    finally:
        fresh.close()


def test_a_v1_revocation_reads_as_made_by_hand(app: OKRApplication) -> None:
    ids = app.register_organization(name="Digdir", admin_name="Kari",
                                    admin_email="kari@digdir.no").ids
    org, admin = ids["organization_id"], ids["member_id"]
    ola = app.add_member(organization_id=org, name="Ola", email="ola@digdir.no",
                         by=admin).ids["member_id"]
    app.grant_role(organization_id=org, member_id=ola, role="ambassador", by=admin)
    _store_v1(app, org, Organization.RoleRevoked, by=str(admin), member_id=str(ola),
              role="ambassador", unit_id=None)
    revoked = app.history(org)[-1]
    assert isinstance(revoked, Organization.RoleRevoked) and revoked.source == "admin"
    assert app.read_aggregate(Organization, org, fresh=True).members[ola].grants == []
