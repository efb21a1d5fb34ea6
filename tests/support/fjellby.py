"""The organisation the spreadsheet tests import into (see tests/data/spreadsheets/README.md)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from okr_es.application import OKRApplication

DATA = Path(__file__).resolve().parents[1] / "data" / "spreadsheets"
CSV_FILE = DATA / "cycle_2027_q1.csv"
XLSX_FILE = DATA / "cycle_2027_q1.xlsx"


def fjellby(app: OKRApplication, name: str = "Fjellby kommune") -> tuple[UUID, UUID]:
    """A department with two teams and three members: (organisation id, admin id)."""
    ids = app.register_organization(
        name=name, admin_name="Kari Nordmann", admin_email="kari@fjellby.no"
    ).ids
    org, root, admin = ids["organization_id"], ids["root_unit_id"], ids["member_id"]
    department = app.add_unit(
        organization_id=org, name="Digitalisering", kind="department", parent_id=root, by=admin
    ).ids["unit_id"]
    for team in ("Team Data", "Team Platform"):
        app.add_unit(organization_id=org, name=team, kind="team", parent_id=department, by=admin)
    for member, email in (("Per Johansen", "per@fjellby.no"), ("Ola Hansen", "ola@fjellby.no")):
        app.add_member(organization_id=org, name=member, email=email, by=admin)
    return org, admin
