"""A directory changes many groups at once, all on one organisation: a group change made
through a process whose copy of the organisation is out of date is tried again on the
current one, on every store, instead of being refused."""

from __future__ import annotations

from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from okr_es.settings import Settings


def test_group_changes_through_two_processes_both_land(
    app: OKRApplication, settings: Settings
) -> None:
    ids = app.register_organization(name="Digdir", admin_name="Kari",
                                    admin_email="kari@digdir.no").ids
    org, admin = ids["organization_id"], ids["member_id"]
    ola = app.add_member(organization_id=org, name="Ola", email="ola@digdir.no",
                         by=admin).ids["member_id"]
    per = app.add_member(organization_id=org, name="Per", email="per@digdir.no",
                         by=admin).ids["member_id"]
    group = app.create_directory_group(organization_id=org, display_name="Team",
                                       by=admin).ids["group_id"]
    other = OKRApplication(settings)
    try:
        other.read_aggregate(Organization, org)  # the other process's copy, soon stale
        app.update_directory_group(organization_id=org, group_id=group,
                                   add_member_ids=[ola], by=admin)
        other.update_directory_group(organization_id=org, group_id=group,
                                     add_member_ids=[per], by=admin)
        second = other.create_directory_group(organization_id=org, display_name="Second",
                                              by=admin).ids["group_id"]
    finally:
        other.close()
    current = app.read_aggregate(Organization, org, fresh=True)
    assert current.directory_groups[group].member_ids == [ola, per]
    assert second in current.directory_groups
