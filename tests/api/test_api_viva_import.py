"""A Viva Goals export over HTTP: a dry run says what it would write and writes nothing,
the import writes it (201), the same export again writes nothing (200), a bad export is a
422 problem naming row and column, and only an admin may import."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from openpyxl import load_workbook

from okr_es.application import OKRApplication
from support.fjellby import fjellby

EXPORT = Path(__file__).resolve().parents[1] / "data" / "viva" / "fjellby_2026_en.xlsx"
XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _tokens(okr: OKRApplication) -> tuple[Any, dict[str, str], dict[str, str]]:
    """The organisation, and the headers of its admin's and of a plain member's token."""
    org, admin = fjellby(okr)
    member = next(m.id for m in okr.get_organization(org).members.values() if m.id != admin)

    def headers(who: Any) -> dict[str, str]:
        token = okr.issue_token(organization_id=org, member_id=who, label="t", by=who).token
        return {"Authorization": f"Bearer {token}", **XLSX}

    return org, headers(admin), headers(member)


def test_dry_run_import_and_again(okr: OKRApplication, client: TestClient[Any]) -> None:
    org, admin, _ = _tokens(okr)
    url = f"/api/v1/organizations/{org}/viva-import?format=xlsx&create_members=true"
    before = okr.position()

    dry = client.post(url + "&dry_run=true", content=EXPORT.read_bytes(), headers=admin)

    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["dry_run"], body["written"], body["periods"]) == (
        True, False, ["Q1 2026", "Q2 2026"],
    )  # fmt: skip
    assert body["counts"]["objectives"] == 5
    assert "row 7: new initiative 'Ny chatbot i drift'" in body["would_write"]
    assert okr.position() == before

    real = client.post(url, content=EXPORT.read_bytes(), headers=admin)

    assert real.status_code == 201, real.text
    assert real.json()["written"] is True
    assert int(real.headers["x-okr-position"]) == real.json()["position"] == okr.position()
    after = okr.position()
    again = client.post(url, content=EXPORT.read_bytes(), headers=admin)
    assert again.status_code == 200
    assert (again.json()["written"], again.json()["counts"]["already_imported"]) == (False, 5)
    assert okr.position() == after


def test_a_bad_export_is_a_problem_by_row_and_column(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, admin, member = _tokens(okr)
    book = load_workbook(EXPORT)
    book["Check-ins"]["D4"] = "mye"
    book["Explorer"]["E2"] = "Ukjent Person"  # no e-mail to add them with
    out = io.BytesIO()
    book.save(out)
    url = f"/api/v1/organizations/{org}/viva-import?format=xlsx&create_members=true"
    before = okr.position()

    bad = client.post(url, content=out.getvalue(), headers=admin)
    garbled = client.post(url, content=b"not a workbook", headers=admin)
    not_admin = client.post(url, content=EXPORT.read_bytes(), headers=member)

    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    problems = [(p["row"], p["column"], p["code"]) for p in bad.json()["problems"]]
    assert problems == [(4, "Check-ins: Metric current", "not-a-number")]
    assert garbled.status_code == 422
    assert garbled.json()["problems"][0]["code"] == "not-xlsx"
    assert not_admin.status_code == 403
    assert okr.position() == before
    book["Check-ins"]["D4"] = 30
    out = io.BytesIO()
    book.save(out)
    owner = client.post(url, content=out.getvalue(), headers=admin)
    assert owner.status_code == 422
    assert [(p["row"], p["column"], p["code"]) for p in owner.json()["problems"]] == [
        (2, "Owner", "unknown-member")
    ]
    assert okr.position() == before


def test_a_reworked_export_lists_its_changes_and_applies_them_once(
    okr: OKRApplication, client: TestClient[Any]
) -> None:
    org, admin, _ = _tokens(okr)
    url = f"/api/v1/organizations/{org}/viva-import?format=xlsx&create_members=true"
    for name in ("fjellby_2026_en.xlsx", "fjellby_2026_en_later.xlsx"):
        imported = client.post(url, content=(EXPORT.parent / name).read_bytes(), headers=admin)
        assert imported.status_code == 201, imported.text
    reworked = (EXPORT.parent / "fjellby_2026_en_reworked.xlsx").read_bytes()
    before = okr.position()

    dry = client.post(url + "&dry_run=true", content=reworked, headers=admin)

    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["counts"]["renamed"], body["counts"]["new_owners"]) == (1, 2)
    assert (
        "row 4: rename objective 'Innbyggerne finner svar selv' → "
        "'Innbyggerne finner svarene selv'" in body["would_write"]
    )
    assert (
        "row 8: 'Bedre data for styring' moved from Team Analyse to Team Platform in Viva "
        "Goals; okr-es keeps it in Team Analyse — move it by hand" in body["notes"]
    )
    assert okr.position() == before
    real = client.post(url, content=reworked, headers=admin)
    assert (real.status_code, real.json()["written"]) == (201, True)
    after = okr.position()
    again = client.post(url, content=reworked, headers=admin)
    assert (again.status_code, again.json()["written"]) == (200, False)
    assert okr.position() == after
