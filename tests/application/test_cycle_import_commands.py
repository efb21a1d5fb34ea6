"""import_cycle: a cycle's OKRs across units, with readings, in one transaction or none."""

from __future__ import annotations

from typing import Any

import pytest

from okr_es.application import OKRApplication
from okr_es.errors import OKRError
from support.fjellby import fjellby

Q2 = {"label": "2027 Q2", "kind": "quarter", "start": "2027-04-01", "end": "2027-06-30"}


def _units(app: OKRApplication, org: Any) -> dict[str, Any]:
    organization = app.get_organization(org)
    return {u.name: u.id for u in organization.units.values()} | {
        m.name: m.id for m in organization.members.values()
    }


def _objective(owner: Any, title: str, **reading: Any) -> dict[str, Any]:
    key_results = [
        {"title": f"{title}: andel", "metric": "increase", "start": 10, "target": 50,
         "unit": "percent", **reading},
        {"title": f"{title}: levert", "metric": "milestone"},
    ]  # fmt: skip
    return {"title": title, "owner_id": owner, "key_results": key_results}


def test_a_new_cycle_its_objectives_and_readings_are_saved_together(
    app: OKRApplication,
) -> None:
    org, admin = fjellby(app)
    ids = _units(app, org)
    before = app.position()

    result = app.import_cycle(
        organization_id=org,
        cycle=Q2,
        units=[
            {"unit_id": ids["Team Data"],
             "objectives": [_objective(ids["Per Johansen"], "Data", current=20, status="green")]},
            {"unit_id": ids["Team Platform"],
             "objectives": [_objective(ids["Ola Hansen"], "Drift")]},
        ],
        by=admin,
    )  # fmt: skip

    kinds = [type(app.decode(n)).__name__ for n in app.all_notifications(start=before + 1)]
    assert kinds.count("CycleDefined") == 1
    assert kinds.count("ObjectiveSet") == 2
    assert kinds.count("KeyResultAdded") == 4
    assert kinds.count("CheckInMade") == 1
    data = app.get_objective(result.ids["objective_id_0_0"])
    assert [(kr.current, kr.status) for kr in data.active_key_results()] == [
        (20.0, "green"),
        (None, None),
    ]


def test_a_refusal_in_the_second_unit_writes_nothing_of_the_first(app: OKRApplication) -> None:
    org, admin = fjellby(app)
    ids = _units(app, org)
    bad = _objective(ids["Ola Hansen"], "Drift", current=20, status="purple")
    before = app.position()

    with pytest.raises(OKRError) as refused:
        app.import_cycle(
            organization_id=org,
            cycle=Q2,
            units=[
                {"unit_id": ids["Team Data"], "objectives": [_objective(ids["Per Johansen"], "D")]},
                {"unit_id": ids["Team Platform"], "objectives": [bad]},
            ],
            by=admin,
        )

    assert refused.value.field == "units[1].objectives[0].key_results[0].status"
    assert app.position() == before
    assert [c.label for c in app.cycles(org)] == []
