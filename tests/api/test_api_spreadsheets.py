"""Spreadsheets over HTTP: upload a cycle, download it, and a bad file's problems as a
machine-readable 422 with nothing written."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.fjellby import CSV_FILE, XLSX_FILE, fjellby


def _admin(okr: OKRApplication) -> tuple[Any, dict[str, str]]:
    org, admin = fjellby(okr)
    token = okr.issue_token(organization_id=org, member_id=admin, label="test", by=admin).token
    return org, {"Authorization": f"Bearer {token}"}


def test_a_spreadsheet_uploaded_is_the_spreadsheet_downloaded(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)

    uploaded = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=xlsx",
        content=XLSX_FILE.read_bytes(),
        headers={**auth, "Content-Type": "application/octet-stream"},
    )

    assert uploaded.status_code == 201, uploaded.text
    cycle = uploaded.json()["ids"]["cycle_id"]
    downloaded = client.get(
        f"/api/v1/organizations/{org}/cycles/{cycle}/spreadsheet.csv", headers=auth
    )
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"].startswith("text/csv")
    assert downloaded.content.decode("utf-8-sig").splitlines() == CSV_FILE.read_text().splitlines()


def test_a_bad_spreadsheet_is_a_problem_listing_rows_and_columns(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)
    before = okr.position()
    text = CSV_FILE.read_text().replace("increase,55,80", "increase,55,55")
    text = text.replace("Per Johansen,Datakilder", ",Datakilder")

    answer = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=csv",
        content=text.encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == "invalid-spreadsheet"
    assert [(p["row"], p["column"], p["code"]) for p in body["problems"]] == [
        (3, "target", "metric-mismatch"),
        (5, "owner", "missing-value"),
    ]
    assert okr.position() == before


def test_a_spreadsheet_larger_than_a_command_body_is_accepted(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)
    admin = okr.get_organization(org).admins()[0].id
    okr.change_policy(organization_id=org, by=admin, mode="warn")
    header, row = CSV_FILE.read_text().splitlines()[:2]
    lines = [header] + [row.replace("Median svartid", f"Svartid {n}") for n in range(600)]
    assert len("\n".join(lines)) > 64 * 1024

    answer = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=csv",
        content="\n".join(lines).encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )

    assert answer.status_code == 201, answer.text[:500]


def test_a_file_that_is_not_what_it_claims_is_a_422(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)
    answer = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=xlsx",
        content=CSV_FILE.read_bytes(),
        headers={**auth, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["code"] == "not-xlsx"


def test_a_cycle_imported_as_json(okr: OKRApplication, client: TestClient[Any]) -> None:
    org, auth = _admin(okr)
    organization = okr.get_organization(org)
    team = next(u.id for u in organization.units.values() if u.name == "Team Data")
    owner = next(m.id for m in organization.members.values() if m.name == "Per Johansen")
    body = {
        "cycle": {"label": "2027 Q2", "kind": "quarter", "start": "2027-04-01",
                  "end": "2027-06-30"},
        "units": [{"unit_id": str(team), "objectives": [{
            "title": "Beslutninger tas på data", "owner_id": str(owner),
            "key_results": [
                {"title": "Datakilder med eier", "metric": "increase", "start": 3,
                 "target": 12, "unit": "count", "current": 4, "status": "green"},
                {"title": "Dashbord i bruk", "metric": "milestone"},
            ],
        }]}],
    }  # fmt: skip

    answer = client.post(f"/api/v1/organizations/{org}/cycle-import", json=body, headers=auth)

    assert answer.status_code == 201, answer.text
    objective = okr.get_objective(answer.json()["ids"]["objective_id_0_0"])
    assert [(kr.title, kr.current) for kr in objective.active_key_results()] == [
        ("Datakilder med eier", 4.0),
        ("Dashbord i bruk", None),
    ]


def test_only_an_admin_imports_a_cycle_and_any_member_downloads_it(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)
    per = next(m.id for m in okr.get_organization(org).members.values() if m.name == "Per Johansen")
    token = okr.issue_token(organization_id=org, member_id=per, label="test", by=per).token
    member = {"Authorization": f"Bearer {token}"}
    before = okr.position()

    refused = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=csv",
        content=CSV_FILE.read_bytes(),
        headers={**member, "Content-Type": "text/csv"},
    )

    assert refused.status_code == 403
    assert okr.position() == before
    cycle = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=csv",
        content=CSV_FILE.read_bytes(),
        headers={**auth, "Content-Type": "text/csv"},
    ).json()["ids"]["cycle_id"]
    download = client.get(
        f"/api/v1/organizations/{org}/cycles/{cycle}/spreadsheet.xlsx", headers=member
    )
    assert download.status_code == 200
    assert download.content.startswith(b"PK")


def test_another_organisation_s_cycle_is_not_found(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, auth = _admin(okr)
    cycle = client.post(
        f"/api/v1/organizations/{org}/spreadsheet-import?format=csv",
        content=CSV_FILE.read_bytes(),
        headers={**auth, "Content-Type": "text/csv"},
    ).json()["ids"]["cycle_id"]
    other, other_auth = _admin(okr)

    answer = client.get(
        f"/api/v1/organizations/{other}/cycles/{cycle}/spreadsheet.csv", headers=other_auth
    )

    assert answer.status_code == 404
    assert answer.json()["code"] == "not-found"
